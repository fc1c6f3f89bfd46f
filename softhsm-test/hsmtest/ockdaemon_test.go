package hsmtest

import (
	"os/exec"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSlotdLifecycle: with no pkcsslotd running, the harness starts one for
// the test and stops it after; with one running that it did not start, it
// uses it and leaves it running.
func TestSlotdLifecycle(t *testing.T) {
	module := OpencryptokiModulePath()
	require.NotEmpty(t, module, "opencryptoki not installed; %s", InstallHint)
	unlock, err := lockSwtok()
	require.NoError(t, err)
	defer unlock()

	before := slotdPID()
	var during int
	t.Run("first", func(t *testing.T) {
		swtokLocked(t, module)
		during = slotdPID()
	})
	after := slotdPID()
	require.NotZero(t, during, "no pkcsslotd while the test ran")
	if before != 0 {
		require.Equal(t, before, after, "pkcsslotd %d was running before, after the test: %d", before, after)
	} else {
		require.Zero(t, after, "the harness started pkcsslotd %d and left it running", after)
	}
	if before != 0 {
		return // someone else's daemon: the start-and-stop path cannot run here
	}

	// Now one the harness did not start (this test's own).
	out, err := exec.Command(firstExisting(slotdPaths)).CombinedOutput()
	require.NoError(t, err, "start pkcsslotd: %v\n%s", err, out)
	mine, err := waitFor(func() (int, bool) { p := slotdPID(); return p, p > 0 })
	require.NoError(t, err)
	defer stopSlotd(mine)
	t.Run("second", func(t *testing.T) { swtokLocked(t, module) })
	require.True(t, isSlotd(mine), "the harness stopped pkcsslotd %d, which it had not started", mine)
}
