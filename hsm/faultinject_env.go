//go:build airwrapfaults

package hsm

import (
	"fmt"
	"os"
)

// A binary built with -tags airwrapfaults (internal/crashtest builds one; releases
// never do) wraps every module in an injector configured from
// $AIRWRAP_FAULTS, e.g. AIRWRAP_FAULTS=WrapKey:2:CKR_DEVICE_REMOVED.
func init() {
	spec := os.Getenv("AIRWRAP_FAULTS")
	if spec == "" {
		return
	}
	in, err := parseFaults(spec)
	if err != nil {
		fmt.Fprintln(os.Stderr, "AIRWRAP_FAULTS:", err)
		os.Exit(2)
	}
	wrapModule = func(p p11) p11 { in.p11 = p; return in }
}
