//go:build !linux

package main

import "golang.org/x/sys/unix"

// hardenProcess: no core dumps; the rest is Linux-only (harden_linux.go).
func hardenProcess() error {
	return unix.Setrlimit(unix.RLIMIT_CORE, &unix.Rlimit{})
}
