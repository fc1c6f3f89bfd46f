// Package bench holds airwrap's benchmarks that span packages: per-key wrap
// and signing against the bare PKCS#11 floor, the usual tools (OpenSSL, the
// AWS CLI) as baselines, and 1,000-key batch ceremonies on SoftHSM and
// local-kms. Everything is in _test.go files: `go test ./...` runs no setup
// here; `make bench` (scripts/bench.sh) runs the benchmarks and prints the
// table. docs/PERFORMANCE.md records the numbers.
package bench
