// Command airwrap-online is the online half of airwrap: it prepares AWS KMS
// import parameters, submits signed import bundles, reports key material
// status and proves what was imported. It needs no HSM and no cgo.
package main

import "os"

// version is set at build time: -ldflags "-X main.version=...".
var version = "dev"

func main() {
	os.Exit(run(os.Args, os.Stdout, os.Stderr))
}
