// Package crosstoken holds only tests: airwrap's hsm package run for real on
// opencryptoki's soft token, NSS softokn and SoftHSM, each held to a table
// of what it really does (docs/HSM-NOTES.md). SoftHSM's row runs in a
// process of its own, and these tests live apart from hsm's SoftHSM tests,
// because opencryptoki 3.8.1 crashes when it is initialised again in a
// process that has loaded SoftHSM (see hsmtest.Opencryptoki).
package crosstoken
