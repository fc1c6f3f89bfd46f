// Package crosstoken holds only tests: airwrap's hsm package run for real on
// opencryptoki's soft token and NSS softokn (SoftHSM has its tests in hsm
// itself). They live in their own package, so their own test process, because
// opencryptoki 3.8.1 crashes when it is initialised again in a process that
// has loaded SoftHSM (see hsmtest.Opencryptoki).
package crosstoken
