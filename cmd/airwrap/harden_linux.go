package main

import "golang.org/x/sys/unix"

// hardenProcess makes this process keep what is in its memory (the PIN on
// its way to the token, its initial environment) to itself: no core dump
// (RLIMIT_CORE 0), and not dumpable, so other processes of the same user
// can neither ptrace it nor read /proc/PID/environ or /proc/PID/mem.
// Best effort: a failure leaves the process as it was.
func hardenProcess() error {
	if err := unix.Setrlimit(unix.RLIMIT_CORE, &unix.Rlimit{}); err != nil {
		return err
	}
	return unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0)
}
