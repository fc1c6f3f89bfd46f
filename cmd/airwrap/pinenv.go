package main

import "os"

// The PIN from the environment, taken out of it at startup by main, so that
// no process airwrap starts (nor a PKCS#11 module calling getenv) sees it.
var (
	takenPIN    []byte
	takenPINSet bool
)

// takePINFromEnv moves $AIRWRAP_PIN out of the process environment.
// (The kernel's copy of the initial environment, /proc/PID/environ, cannot
// be changed: see docs/THREAT-MODEL.md.)
func takePINFromEnv() {
	v, ok := os.LookupEnv(envPIN)
	if !ok {
		return
	}
	os.Unsetenv(envPIN)
	takenPIN, takenPINSet = []byte(v), true
}

// envPINValue hands over the PIN taken at startup (once: the caller owns
// and zeroes it), or, for in-process callers of run that never went through
// main (tests), reads the environment.
func envPINValue() ([]byte, bool) {
	if takenPINSet {
		pin := takenPIN
		takenPIN, takenPINSet = nil, false
		return pin, true
	}
	v, ok := os.LookupEnv(envPIN)
	return []byte(v), ok
}

// envPINGiven says whether $AIRWRAP_PIN holds a PIN, without taking it.
func envPINGiven() bool {
	if takenPINSet {
		return len(takenPIN) > 0
	}
	v, ok := os.LookupEnv(envPIN)
	return ok && v != ""
}
