package crashtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestAirwrapNotDumpable: the real airwrap binary, caught while it waits
// to read its PIN file, allows no core dump and is not dumpable: its
// /proc/PID files (environ, mem) belong to root, not to the user it runs
// as, so that user's other processes cannot read its environment or
// memory. (As root the test runs airwrap as nobody to see the difference.)
func TestAirwrapNotDumpable(t *testing.T) {
	// not t.TempDir: its parent is 0700, and airwrap may run as nobody
	dir, err := os.MkdirTemp("", "airwrap-dumpable-")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	require.NoError(t, os.Chmod(dir, 0o777))
	fifo := filepath.Join(dir, "pin")
	// 0600 and owned by the user airwrap runs as: airwrap refuses a PIN file
	// that others may access.
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	if os.Getuid() == 0 {
		require.NoError(t, os.Chown(fifo, 65534, 65534))
	}
	require.NoError(t, os.Chmod(filepath.Dir(airwrapBin), 0o755))
	cmd := exec.Command(airwrapBin, "--module", "/nonexistent.so", "--token", "t", "--pin-file", fifo, "key", "list")
	cmd.Env = []string{"PATH=/usr/bin:/bin"}
	uid := os.Getuid()
	if uid == 0 {
		uid = 65534 // nobody
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: 65534}}
	}
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	require.NoError(t, cmd.Start())
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() { _ = cmd.Process.Kill(); <-exited }()
	// Opening the FIFO for writing returns once airwrap has opened it to
	// read the PIN: well after main hardened the process.
	opened := make(chan *os.File, 1)
	go func() {
		w, _ := os.OpenFile(fifo, os.O_WRONLY, 0)
		opened <- w
	}()
	select {
	case w := <-opened:
		defer w.Close()
	case err := <-exited:
		exited <- err
		if r, rerr := os.OpenFile(fifo, os.O_RDONLY|syscall.O_NONBLOCK, 0); rerr == nil {
			defer r.Close() // lets the writer above return
		}
		t.Fatalf("airwrap exited before reading its PIN file: %v\n%s", err, out.String())
	}
	proc := "/proc/" + strconv.Itoa(cmd.Process.Pid)
	fi, err := os.Stat(proc + "/environ")
	require.NoError(t, err)
	owner := fi.Sys().(*syscall.Stat_t).Uid
	require.Zero(t, owner, "%s/environ belongs to uid %d (the process's own user %d): airwrap is dumpable", proc, owner, uid)
	limits, err := os.ReadFile(proc + "/limits")
	require.NoError(t, err)
	for _, l := range strings.Split(string(limits), "\n") {
		if strings.HasPrefix(l, "Max core file size") {
			f := strings.Fields(l)
			require.GreaterOrEqual(t, len(f), 6, "core dumps allowed: %q", l)
			require.Equal(t, "0", f[4], "core dumps allowed: %q", l)
			require.Equal(t, "0", f[5], "core dumps allowed: %q", l)
			return
		}
	}
	t.Fatalf("no core limit in %s/limits", proc)
}
