// Command airwrap is the offline half of airwrap: on an air-gapped machine
// with a PKCS#11 HSM it wraps key material inside the HSM into a signed
// import bundle for AWS KMS. It links neither net/http nor the AWS SDK.
package main

import "os"

// version is set at build time: -ldflags "-X main.version=...".
var version = "dev"

func main() {
	_ = hardenProcess() // no core dumps, no ptrace or /proc reading by others
	takePINFromEnv()    // before anything else can start a process
	os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}
