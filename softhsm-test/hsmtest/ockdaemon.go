package hsmtest

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Paths compiled into opencryptoki 3.8.1.
const (
	slotdPIDFile = "/var/run/pkcsslotd.pid"
	slotdSocket  = "/var/run/pkcsslotd.socket"
)

var slotdPaths = []string{"/usr/sbin/pkcsslotd", "/sbin/pkcsslotd", "/usr/bin/pkcsslotd"}

// swtokMu serialises the swtok token within this process; the flock in
// lockSwtok serialises it across processes (go test runs packages in
// parallel, each in its own process).
var swtokMu sync.Mutex

// lockSwtok takes the machine-wide swtok lock (blocking until it is free).
func lockSwtok() (unlock func(), err error) {
	swtokMu.Lock()
	p := filepath.Join(os.TempDir(), "airwrap-hsmtest-swtok.lock")
	f, err := os.OpenFile(p, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		swtokMu.Unlock()
		return nil, fmt.Errorf("swtok lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		swtokMu.Unlock()
		return nil, fmt.Errorf("swtok lock %s: %w", p, err)
	}
	return func() {
		f.Close() // releases the flock
		swtokMu.Unlock()
	}, nil
}

// ensureSlotd makes sure pkcsslotd runs. stop ends it only if this call
// started it.
func ensureSlotd() (stop func() error, err error) {
	if pid := slotdPID(); pid > 0 {
		return func() error { return nil }, nil // someone else's: leave it
	}
	bin := firstExisting(slotdPaths)
	if bin == "" {
		return nil, fmt.Errorf("pkcsslotd not found in %v", slotdPaths)
	}
	// pkcsslotd daemonises: the command returns once the daemon is forked.
	if out, err := exec.Command(bin).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("start %s: %w\n%s", bin, err, out)
	}
	pid, err := waitFor(func() (int, bool) {
		pid := slotdPID()
		_, serr := os.Stat(slotdSocket)
		return pid, pid > 0 && serr == nil
	})
	if err != nil {
		return nil, fmt.Errorf("pkcsslotd did not come up (pid file %s, socket %s): %w", slotdPIDFile, slotdSocket, err)
	}
	return func() error { return stopSlotd(pid) }, nil
}

// stopSlotd sends SIGTERM to the pkcsslotd this harness started and waits
// for it to go.
func stopSlotd(pid int) error {
	if !isSlotd(pid) {
		return nil
	}
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("stop pkcsslotd (pid %d): %w", pid, err)
	}
	if _, err := waitFor(func() (int, bool) { return 0, !isSlotd(pid) }); err != nil {
		return fmt.Errorf("pkcsslotd (pid %d) did not stop: %w", pid, err)
	}
	return nil
}

// slotdPID is the pid of a running pkcsslotd according to its pid file, or 0.
func slotdPID() int {
	b, err := os.ReadFile(slotdPIDFile)
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || !isSlotd(pid) {
		return 0
	}
	return pid
}

// isSlotd reports whether pid is a live (not zombie) pkcsslotd.
func isSlotd(pid int) bool {
	if pid <= 0 {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// "pid (comm) state ...": comm may hold spaces, so split at the last ')'.
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 || !bytes.Contains(stat[:i], []byte("(pkcsslotd")) {
		return false
	}
	rest := bytes.Fields(stat[i+1:])
	return len(rest) > 0 && string(rest[0]) != "Z" && string(rest[0]) != "X"
}

// errGaveUp means a daemon did not reach the wanted state within the bound.
var errGaveUp = errors.New("gave up waiting")

// waitFor polls cond every 10 ms, at most 10 s in all. A bound on waiting
// for a daemon, not a timing assertion.
func waitFor(cond func() (int, bool)) (int, error) {
	for i := 0; i < 1000; i++ {
		if v, ok := cond(); ok {
			return v, nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return 0, errGaveUp
}
