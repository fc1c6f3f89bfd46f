package bench

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/airwrap/airwrap/hsm"
	"github.com/airwrap/airwrap/verify"
	"github.com/stretchr/testify/require"
)

// awsCLI is AWS CLI v2 as Debian's awscli package installs it (an `aws`
// earlier on PATH may be v1).
const awsCLI = "/usr/bin/aws"

// gnuTime is GNU time, whose -v prints the peak RSS of the command. The
// child's own rusage (cmd.ProcessState) will not do: Go starts children with
// vfork, and Linux counts the parent's resident set into the child's
// ru_maxrss at exec. GNU time is a small process that forks and execs.
const gnuTime = "/usr/bin/time"

// trusted is the ceremony signer's public key, as `airwrap signer export` gives it.
func (bt *batch) trusted(b *testing.B) verify.TrustedKey {
	b.Helper()
	k, err := verify.LoadTrust(bt.signerPEM(b))
	require.NoError(b, err)
	return k
}

func (bt *batch) signerPEM(b *testing.B) []byte {
	b.Helper()
	tok, err := hsm.Open(bt.config())
	require.NoError(b, err)
	defer tok.Close()
	s, err := tok.FindSigner("signer")
	require.NoError(b, err)
	der, err := x509.MarshalPKIXPublicKey(s.Public())
	require.NoError(b, err)
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// awscliScript writes the ceremony's AWS CLI commands as one shell script,
// pointed at local-kms: the loop an operator would run.
func awscliScript(b *testing.B, bt *batch, dir string, cmds []string) string {
	b.Helper()
	if _, err := os.Stat(awsCLI); err != nil {
		b.Skipf("AWS CLI v2 not at %s (apt-get install awscli): no CLI baseline", awsCLI)
	}
	var s strings.Builder
	s.WriteString("set -e\n")
	for _, c := range cmds {
		rest, ok := strings.CutPrefix(c, "aws ")
		require.True(b, ok, "unexpected command %q", c)
		s.WriteString(awsCLI + " " + rest + " --endpoint-url " + bt.srv.URL + " >/dev/null\n")
	}
	return write(b, dir, "import.sh", []byte(s.String()))
}

func runScript(b *testing.B, script string) {
	b.Helper()
	cmd := exec.Command("bash", script)
	cmd.Env = append(os.Environ(), "AWS_PAGER=")
	out, err := cmd.CombinedOutput()
	require.NoError(b, err, "%s: %v\n%s", script, err, out)
}

type binaries struct{ offline, online string }

// buildBinaries builds both binaries as `make build` does (build cache makes
// it quick after the first time).
func buildBinaries(b *testing.B) binaries {
	b.Helper()
	dir := b.TempDir()
	bins := binaries{filepath.Join(dir, "airwrap"), filepath.Join(dir, "airwrap-online")}
	for _, c := range []struct {
		out, pkg string
		cgo      string
	}{{bins.offline, "../../cmd/airwrap", "1"}, {bins.online, "../../cmd/airwrap-online", "0"}} {
		cmd := exec.Command("go", "build", "-o", c.out, c.pkg)
		cmd.Env = append(os.Environ(), "CGO_ENABLED="+c.cgo)
		out, err := cmd.CombinedOutput()
		require.NoError(b, err, "go build %s: %v\n%s", c.pkg, err, out)
	}
	return bins
}

// peakRSS runs argv under GNU time -v and returns the peak RSS in KiB.
func peakRSS(b *testing.B, env []string, argv ...string) int {
	b.Helper()
	if _, err := os.Stat(gnuTime); err != nil {
		b.Skipf("GNU time not at %s (apt-get install time): no peak RSS", gnuTime)
	}
	cmd := exec.Command(gnuTime, append([]string{"-v"}, argv...)...)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(b, cmd.Run(), "%s\n%s", argv[0], tail(stderr.String()))
	for _, line := range strings.Split(stderr.String(), "\n") { // the command line alone may be longer than a bufio.Scanner line
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "Maximum resident set size (kbytes): "); ok {
			n, err := strconv.Atoi(v)
			require.NoError(b, err)
			return n
		}
	}
	b.Fatalf("no peak RSS in GNU time's output:\n%s", tail(stderr.String()))
	return 0
}

func tail(s string) string {
	if len(s) > 4000 {
		return "..." + s[len(s)-4000:]
	}
	return s
}

// wrapRSS runs `airwrap wrap` on the whole batch (PIN from a 0600 file).
func (bt *batch) wrapRSS(b *testing.B, bins binaries) int {
	b.Helper()
	dir := b.TempDir()
	pin := write(b, dir, "pin", []byte(bt.st.PIN))
	params := write(b, dir, "params.json", bt.main.params)
	argv := []string{bins.offline, "--module", bt.st.Module, "--token", bt.st.Label, "--pin-file", pin,
		"wrap", "--params", params, "--signer", "signer", "--no-expiry", "--operator", "Bench Officer", "--out", filepath.Join(dir, "import.json")}
	for _, k := range bt.main.keys {
		argv = append(argv, "--key", k.ARN+"="+k.Label)
	}
	return peakRSS(b, os.Environ(), argv...)
}

// submitRSS runs `airwrap-online submit` of the batch's bundle to local-kms
// (after submit/airwrap, every key re-imports the same material).
func (bt *batch) submitRSS(b *testing.B, bins binaries, bundlePath string) int {
	b.Helper()
	dir := b.TempDir()
	trust := write(b, dir, "signer.pem", bt.signerPEM(b))
	params := write(b, dir, "params.json", bt.main.params)
	env := append(os.Environ(), bt.srv.Env()...)
	return peakRSS(b, env, bins.online, "submit", bundlePath, "--trust", trust, "--params", params, "--rate", "1000000/s")
}
