// Package kmstest runs a real KMS emulator (local-kms) for tests, and offers a
// recording, fault-injecting http.RoundTripper to put between a KMS client
// and that emulator. It is test support: nothing outside _test.go files and
// test helpers should import it.
package kmstest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The emulator and the identity it is started with.
const (
	LocalKMSModule  = "github.com/nsmithuk/local-kms"
	LocalKMSVersion = "v0.0.0-20260228092603-2a5e92d09ab6"
	Account         = "111122223333"
	Region          = "eu-west-2"
	// Static credentials for the emulator (it does not check signatures).
	AccessKeyID     = "AKIAAIRWRAPTEST00000"
	SecretAccessKey = "airwrap-test-secret-not-a-real-one"
)

// Server is one running local-kms process, private to a test.
type Server struct {
	URL     string // http://127.0.0.1:PORT
	Port    string
	Account string
	Region  string
	DataDir string

	cmd *exec.Cmd
	log *syncBuffer
}

// Env is the environment a process needs to reach this server through the
// AWS SDK's standard configuration (no profile files are read).
func (s *Server) Env() []string {
	return []string{
		"AWS_ACCESS_KEY_ID=" + AccessKeyID,
		"AWS_SECRET_ACCESS_KEY=" + SecretAccessKey,
		"AWS_REGION=" + s.Region,
		"AWS_ENDPOINT_URL_KMS=" + s.URL,
		"AWS_CONFIG_FILE=" + os.DevNull,
		"AWS_SHARED_CREDENTIALS_FILE=" + os.DevNull,
		"AWS_EC2_METADATA_DISABLED=true",
	}
}

// SetEnv applies Env to the current test process (t.Setenv restores it).
func (s *Server) SetEnv(t testing.TB) {
	t.Helper()
	SetEnv(t, s.Env())
}

// SetEnv applies KEY=VALUE pairs (Server.Env, ModelEnv) to the current test
// process; t.Setenv restores them when the test ends.
func SetEnv(t testing.TB, env []string) {
	t.Helper()
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
}

// Log returns what the emulator printed so far.
func (s *Server) Log() string { return s.log.String() }

var startedRE = regexp.MustCompile(`Local KMS started on [^ ]*:([0-9]+)`)

// Start locates (or installs) local-kms, starts it on a free port with its data
// in t.TempDir(), waits until it answers, and stops it when the test ends. It
// fails the test, never skips it, when any of that is impossible.
func Start(t testing.TB) *Server {
	t.Helper()
	bin, err := Binary()
	require.NoError(t, err, "kmstest")
	s := &Server{Account: Account, Region: Region, DataDir: t.TempDir(), log: &syncBuffer{}}
	cmd := exec.Command(bin)
	// PORT=0: the emulator binds a free port itself and logs it, so there is no
	// window in which another process can take a port we picked.
	cmd.Env = append(os.Environ(),
		"PORT=0",
		"KMS_DATA_PATH="+s.DataDir,
		"KMS_ACCOUNT_ID="+s.Account,
		"KMS_REGION="+s.Region,
		"KMS_SEED_PATH="+filepath.Join(s.DataDir, "no-seed.yaml"),
	)
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	err = cmd.Start()
	require.NoError(t, err, "kmstest: start %s", bin)
	s.cmd = cmd
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); _ = pw.Close(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("local-kms log:\n%s", s.log.String())
		}
	})

	portCh := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		found := false
		for sc.Scan() {
			line := sc.Text()
			s.log.WriteString(line + "\n")
			if m := startedRE.FindStringSubmatch(line); m != nil && !found {
				found = true
				portCh <- m[1]
			}
		}
		_, _ = io.Copy(s.log, pr)
		close(portCh)
	}()

	select {
	case port, ok := <-portCh:
		require.True(t, ok, "kmstest: local-kms exited before listening:\n%s", s.log.String())
		s.Port = port
	case <-time.After(60 * time.Second):
		require.FailNow(t, "kmstest: local-kms did not report its port within 60s", "%s", s.log.String())
	}
	// It listens on every interface; tests only ever talk to loopback.
	s.URL = "http://" + net.JoinHostPort("127.0.0.1", s.Port)
	err = waitReady(s.URL, exited)
	require.NoError(t, err, "kmstest: %v\n%s", err, s.log.String())
	return s
}

// waitReady polls ListKeys until the emulator answers 200.
func waitReady(url string, exited <-chan struct{}) error {
	deadline := time.Now().Add(30 * time.Second)
	var last error
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return fmt.Errorf("local-kms exited while starting")
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader("{}"))
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("X-Amz-Target", "TrentService.ListKeys")
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				cancel()
				return nil
			}
			err = fmt.Errorf("ListKeys answered %s", resp.Status)
		}
		cancel()
		last = err
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("local-kms at %s not ready: %w", url, last)
}

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// Binary finds local-kms on PATH or in $(go env GOPATH)/bin, else installs the
// pinned version with `go install` (its cold time is in docs/PERFORMANCE.md).
// The result is cached for the process.
func Binary() (string, error) {
	binOnce.Do(func() { binPath, binErr = findOrInstall() })
	return binPath, binErr
}

func findOrInstall() (string, error) {
	if p, err := exec.LookPath("local-kms"); err == nil {
		return p, nil
	}
	out, err := exec.Command("go", "env", "GOPATH").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOPATH: %w", err)
	}
	gobin := filepath.Join(strings.SplitN(strings.TrimSpace(string(out)), string(os.PathListSeparator), 2)[0], "bin")
	if b, err := exec.Command("go", "env", "GOBIN").Output(); err == nil && strings.TrimSpace(string(b)) != "" {
		gobin = strings.TrimSpace(string(b))
	}
	p := filepath.Join(gobin, "local-kms")
	if _, err := os.Stat(p); err == nil {
		return p, nil
	}
	install := exec.Command("go", "install", LocalKMSModule+"@"+LocalKMSVersion)
	// Installed outside this module: its go.mod must not be consulted.
	install.Dir = os.TempDir()
	install.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOBIN="+gobin)
	var msg bytes.Buffer
	install.Stdout, install.Stderr = &msg, &msg
	if err := install.Run(); err != nil {
		return "", fmt.Errorf("go install %s@%s: %w\n%s", LocalKMSModule, LocalKMSVersion, err, msg.String())
	}
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("local-kms not found at %s after go install: %w", p, err)
	}
	return p, nil
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) WriteString(s string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.b.WriteString(s)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
