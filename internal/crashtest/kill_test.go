package crashtest

import (
	"bufio"
	"bytes"
	"math/rand/v2"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// killIterations bounds each kill test: the whole suite must stay fast.
const killIterations = 20

// killSeed seeds the delays; a failure names the iteration and its delay,
// and the same seed gives the same delays again.
const killSeed = 20261128

// newRNG returns the seeded source of kill delays and logs the seed.
func newRNG(t *testing.T) *rand.Rand {
	t.Logf("kill delays from PCG seed %d (fixed: re-run to reproduce)", killSeed)
	return rand.New(rand.NewPCG(killSeed, uint64(len(t.Name()))))
}

// outcome of one process run that may have been killed.
type outcome struct {
	killed         bool // SIGKILL arrived before the process exited
	err            error
	stdout, stderr bytes.Buffer
	afterMarker    time.Duration // from the marker line to the exit or kill
}

// runKilled starts cmd, waits until a line of its stderr contains marker
// ("" for: from the start), then sends SIGKILL after delay unless it has
// exited by then.
func runKilled(t *testing.T, cmd *exec.Cmd, marker string, delay time.Duration) *outcome {
	t.Helper()
	o := &outcome{}
	cmd.Stdout = &o.stdout
	pr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start(), "start %s", cmd.Path)
	seen := make(chan struct{})
	if marker == "" {
		close(seen)
	}
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			o.stderr.Write(sc.Bytes())
			o.stderr.WriteByte('\n')
			if marker != "" && strings.Contains(sc.Text(), marker) {
				close(seen)
				marker = ""
			}
		}
	}()
	exited := make(chan struct{})
	go func() {
		<-copied // all of stderr read before Wait closes the pipe
		o.err = cmd.Wait()
		close(exited)
	}()
	select {
	case <-seen:
	case <-exited:
		return o
	}
	start := time.Now()
	select {
	case <-exited:
	case <-time.After(delay):
		_ = cmd.Process.Signal(syscall.SIGKILL)
		<-exited
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
			o.killed = true
		}
	}
	o.afterMarker = time.Since(start)
	return o
}

// run runs cmd to the end and fails the test unless it exits 0.
func run(t *testing.T, cmd *exec.Cmd) (stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	require.NoError(t, cmd.Run(), "%s %q\nstdout:\n%s\nstderr:\n%s", cmd.Path, cmd.Args[1:], o.String(), e.String())
	return o.String(), e.String()
}

// calibrate runs cmd to the end (it must exit 0) and returns how long it
// ran after printing marker.
func calibrate(t *testing.T, cmd *exec.Cmd, marker string) time.Duration {
	t.Helper()
	o := runKilled(t, cmd, marker, time.Hour)
	require.NoError(t, o.err, "%s %q: %v (marker %q seen: %v)\nstderr:\n%s", cmd.Path, cmd.Args[1:], o.err, marker, o.afterMarker != 0, o.stderr.String())
	require.NotZero(t, o.afterMarker, "%s %q: %v (marker %q seen: %v)\nstderr:\n%s", cmd.Path, cmd.Args[1:], o.err, marker, o.afterMarker != 0, o.stderr.String())
	return o.afterMarker
}
