// Package verify owns trust: signature verification against pinned keys,
// the consistency of parameters and import bundles, and the bindings
// between a parameters bundle and an import bundle. The KMS rules it
// applies live in kmsrules. It must not import hsm/ (the online binary is
// cgo-free).
package verify
