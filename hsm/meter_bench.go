//go:build airwrapbench

package hsm

import "time"

// Meter counts the PKCS#11 calls of every module loaded while it is
// installed, and adds a fixed delay to each (see meter). Only a build with
// -tags airwrapbench has it: the benchmarks (scripts/bench.sh); releases
// never do.
type Meter struct{ m *meter }

// InstallMeter wraps every module loaded from now on (until the returned
// function is called) in a meter adding delay to each call. A module
// already loaded in this process is not wrapped: close its tokens first.
func InstallMeter(delay time.Duration) (*Meter, func()) {
	m := newMeter(delay)
	modulesMu.Lock()
	defer modulesMu.Unlock()
	wrapModule = func(p p11) p11 { m.p11 = p; return m }
	return &Meter{m}, func() {
		modulesMu.Lock()
		defer modulesMu.Unlock()
		wrapModule = nil
	}
}

// Calls returns the C calls made since the last Reset, by function name
// (C_FindObjects, ...), and their total.
func (m *Meter) Calls() (map[string]int, int) { return m.m.counts() }

// Reset forgets the calls so far and sets the delay for the calls to come.
func (m *Meter) Reset(delay time.Duration) { m.m.reset(delay) }

// P11 is the set of PKCS#11 calls the meter counts; *pkcs11.Ctx has them.
type P11 = p11

// MeterOver counts and delays the calls made through the returned P11, as
// InstallMeter does for the modules hsm loads: the benchmarks' floor, which
// calls miekg/pkcs11 directly, is measured the same way.
func MeterOver(p P11, delay time.Duration) (P11, *Meter) {
	m := newMeter(delay)
	m.p11 = p
	return m, &Meter{m}
}

// ForceLookup makes FindKeys search by label ("label") or scan the token
// ("scan") instead of choosing by its own measurement (""), so that the
// benchmarks can time both ways on one token.
func ForceLookup(strategy string) {
	forceLookup = map[string]int{"label": lookupByLabel, "scan": lookupByScan}[strategy]
}
