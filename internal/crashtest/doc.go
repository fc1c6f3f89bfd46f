// Package crashtest holds kill tests across both binaries: airwrap wrap and
// airwrap-online submit are started as real processes (built once per test
// run), killed with SIGKILL after a random delay, and the files, the token
// and KMS are checked afterwards. It has no code outside its tests.
package crashtest
