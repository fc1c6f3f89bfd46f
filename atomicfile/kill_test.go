package atomicfile

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// The kill tests run this test binary again as a child that commits three
// files (a, b, c) and stops at the n-th hook of one stage; the parent then
// SIGKILLs it and looks at what is left in the directory.
const (
	envKillDir   = "ATOMICFILE_KILL_DIR"
	envKillStage = "ATOMICFILE_KILL_STAGE"
	envKillNth   = "ATOMICFILE_KILL_NTH"
	envKillNamed = "ATOMICFILE_KILL_NAMED"
)

func TestMain(m *testing.M) {
	if dir := os.Getenv(envKillDir); dir != "" {
		killChild(dir)
	}
	os.Exit(m.Run())
}

// killChild commits and, at the chosen hook, says "stopped" and waits to
// be killed. It never returns normally.
func killChild(dir string) {
	stage := os.Getenv(envKillStage)
	nth, _ := strconv.Atoi(os.Getenv(envKillNth))
	noAnonymous = os.Getenv(envKillNamed) != ""
	seen := 0
	testHook = func(s, _ string) error {
		if s != stage {
			return nil
		}
		if seen++; seen == nth {
			os.Stdout.WriteString("stopped\n")
			select {} // until SIGKILL
		}
		return nil
	}
	var st Staged
	for _, n := range []string{"a", "b", "c"} {
		st.Add(filepath.Join(dir, n), []byte("content of "+n), 0o600)
	}
	if err := st.Commit(); err != nil {
		os.Stdout.WriteString("error: " + err.Error() + "\n")
		os.Exit(2)
	}
	os.Stdout.WriteString("done\n")
	os.Exit(0)
}

// killAt runs the child until it stops at the nth hook of stage, kills it
// with SIGKILL and returns the directory's entries.
func killAt(t *testing.T, stage string, nth int, named bool) []string {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envKillDir+"="+dir, envKillStage+"="+stage, envKillNth+"="+strconv.Itoa(nth))
	if named {
		cmd.Env = append(cmd.Env, envKillNamed+"=1")
	}
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	err = cmd.Start()
	require.NoError(t, err)
	line, err := bufio.NewReader(out).ReadString('\n')
	if line != "stopped\n" {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}
	require.Equal(t, "stopped\n", line, "child said %q (%v), want it stopped at %s #%d", line, err, stage, nth)
	err = cmd.Process.Kill()
	require.NoError(t, err)
	_ = cmd.Wait()
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

// TestKillLeavesNoTempFile: a SIGKILL while the outputs are being written
// (after the data, before any link) leaves the directory empty: the
// temporary files have no name to leave behind.
func TestKillLeavesNoTempFile(t *testing.T) {
	for nth := 1; nth <= 3; nth++ {
		got := killAt(t, "write", nth, false)
		require.Empty(t, got, "killed while writing file %d: directory holds %q, want nothing", nth, got)
	}
}

// TestKillNamedFallbackLeavesTempFile shows what the unnamed files prevent,
// and that the kill test above can see it: the portable fallback, killed at
// the same point, leaves its named temporary file.
func TestKillNamedFallbackLeavesTempFile(t *testing.T) {
	got := killAt(t, "write", 1, true)
	require.Len(t, got, 1, "named fallback killed while writing: directory holds %q, want one .a.tmp-* file", got)
	require.NotEmpty(t, filepath.Ext(got[0]), "named fallback killed while writing: directory holds %q, want one .a.tmp-* file", got)
	require.Equal(t, byte('.'), got[0][0], "named fallback killed while writing: directory holds %q, want one .a.tmp-* file", got)
}

// TestKillBetweenLinksFirstFileLast: the first file added is linked last,
// so a kill between links never leaves it without the others.
func TestKillBetweenLinksFirstFileLast(t *testing.T) {
	want := [][]string{nil, {"c"}, {"b", "c"}}
	for nth := 1; nth <= 3; nth++ {
		got := killAt(t, "link", nth, false)
		require.Len(t, got, len(want[nth-1]), "killed before link %d: directory holds %q, want %q", nth, got, want[nth-1])
		for i := range got {
			require.Equal(t, want[nth-1][i], got[i], "killed before link %d: directory holds %q, want %q", nth, got, want[nth-1])
		}
	}
}

// TestNamedFallbackWrites: the fallback still writes, never replaces and
// leaves nothing on failure.
func TestNamedFallbackWrites(t *testing.T) {
	noAnonymous = true
	t.Cleanup(func() { noAnonymous = false })
	dir := t.TempDir()
	p := filepath.Join(dir, "out")
	err := WriteNew(p, []byte("x"), 0o600)
	require.NoError(t, err)
	err = WriteNew(p, []byte("y"), 0o600)
	require.Error(t, err, "fallback replaced an existing file")
	assertOnly(t, dir, "out")
}
