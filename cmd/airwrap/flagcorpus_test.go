package main

import (
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/internal/clikit"
	"github.com/airwrap/airwrap/internal/testkit/corpus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// checkFlag: a bad value is bad usage (exit 2) with exactly the corpus text.
func checkFlag(t *testing.T, c corpus.Case, err error) {
	t.Helper()
	var u *clikit.UsageError
	switch {
	case c.Want == "" && err != nil:
		t.Errorf("%q: %v", c.In, err)
	case c.Want != "" && (!errors.As(err, &u) || err.Error() != c.Want):
		t.Errorf("%q:\n got %v\nwant %s", c.In, err, c.Want)
	}
}

func TestFlagCorpus(t *testing.T) {
	for _, c := range corpus.Read(t, "testdata/flags/"+"valid-to.txt") {
		_, err := parseValidTo(c.In)
		checkFlag(t, c, err)
	}
	for _, c := range corpus.Read(t, "testdata/flags/"+"kwp-mechanism.txt") {
		_, err := parseMechanism(c.In)
		checkFlag(t, c, err)
	}
	for _, c := range corpus.Read(t, "testdata/flags/"+"misplaced.txt") {
		_, err := clikit.HoistArgs(newApp(nil, io.Discard, io.Discard), append([]string{"airwrap"}, strings.Fields(c.In)...))
		checkFlag(t, c, err)
	}
	files := corpus.Read(t, "testdata/flags/"+"aws-file.txt")
	t.Chdir(t.TempDir())
	for _, c := range files {
		require.NoError(t, os.WriteFile("PublicKey.bin", []byte(c.In), 0o644))
		_, err := readAWSFile("--public-key", "PublicKey.bin", bundle.MaxPublicKeySize)
		assert.False(t, (c.Want == "" && err != nil) || (c.Want != "" && (err == nil || err.Error() != c.Want)), "%q:\n got %v\nwant %s", c.In, err, c.Want)
	}
}

func FuzzValidToFlag(f *testing.F) {
	for _, c := range corpus.Read(f, "testdata/flags/"+"valid-to.txt") {
		f.Add(c.In)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if _, err := parseValidTo(s); err != nil {
			var u *clikit.UsageError
			require.ErrorAs(t, err, &u, "not a usage error")
		}
	})
}

func FuzzKWPMechanismFlag(f *testing.F) {
	for _, c := range corpus.Read(f, "testdata/flags/"+"kwp-mechanism.txt") {
		f.Add(c.In)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := parseMechanism(s)
		if err != nil {
			var u *clikit.UsageError
			require.ErrorAs(t, err, &u, "not a usage error")
			return
		}
		require.False(t, s != "" && (v == 0 || v > 0xFFFFFFFF), "%q accepted as %d", s, v)
	})
}

// A date alone is midnight UTC at the start of that day, as the AWS CLI reads
// `--valid-to 2027-01-31` (it sends ValidTo 1801353600) in any time zone.
func TestValidToDateIsMidnightUTC(t *testing.T) {
	got, err := parseValidTo("2027-01-31")
	require.NoError(t, err)
	require.Same(t, time.UTC, got.Location(), "2027-01-31 read as %v (%d), want 2027-01-31T00:00:00Z (1801353600)", got, got.Unix())
	require.Equal(t, int64(1801353600), got.Unix(), "2027-01-31 read as %v (%d), want 2027-01-31T00:00:00Z (1801353600)", got, got.Unix())
}
