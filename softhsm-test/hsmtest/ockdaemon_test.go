package hsmtest

import (
	"os/exec"
	"testing"
)

// TestSlotdLifecycle: with no pkcsslotd running, the harness starts one for
// the test and stops it after; with one running that it did not start, it
// uses it and leaves it running.
func TestSlotdLifecycle(t *testing.T) {
	module := OpencryptokiModulePath()
	if module == "" {
		t.Fatalf("opencryptoki not installed; %s", InstallHint)
	}
	unlock, err := lockSwtok()
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()

	before := slotdPID()
	var during int
	t.Run("first", func(t *testing.T) {
		swtokLocked(t, module)
		during = slotdPID()
	})
	after := slotdPID()
	switch {
	case during == 0:
		t.Fatal("no pkcsslotd while the test ran")
	case before != 0 && after != before:
		t.Fatalf("pkcsslotd %d was running before, after the test: %d", before, after)
	case before == 0 && after != 0:
		t.Fatalf("the harness started pkcsslotd %d and left it running", after)
	}
	if before != 0 {
		return // someone else's daemon: the start-and-stop path cannot run here
	}

	// Now one the harness did not start (this test's own).
	if out, err := exec.Command(firstExisting(slotdPaths)).CombinedOutput(); err != nil {
		t.Fatalf("start pkcsslotd: %v\n%s", err, out)
	}
	mine, err := waitFor(func() (int, bool) { p := slotdPID(); return p, p > 0 })
	if err != nil {
		t.Fatal(err)
	}
	defer stopSlotd(mine)
	t.Run("second", func(t *testing.T) { swtokLocked(t, module) })
	if !isSlotd(mine) {
		t.Fatalf("the harness stopped pkcsslotd %d, which it had not started", mine)
	}
}
