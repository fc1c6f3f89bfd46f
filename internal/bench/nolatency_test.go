//go:build !airwrapbench

package bench

import "testing"

// latencyRuns needs the PKCS#11 meter, which only a build with
// -tags airwrapbench has (scripts/bench.sh builds so): without it
// BenchmarkBatch has no wrap/latency=... runs.
func latencyRuns(*testing.B, *batch) {}
