package bundle

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDetect(t *testing.T) {
	cases := map[string]Kind{
		"params/valid-one-entry.json":          KindParams,
		"params/valid-compact-whitespace.json": KindParams,
		"awscli/valid-epoch-integer.json":      KindAWSCLI,
		"envelope/valid-p384.json":             KindImport,
		"capabilities/valid-softhsm.json":      KindCapabilities,
		"payload/valid-symmetric.json":         KindUnknown,
		"params/invalid-syntax.json":           KindUnknown,
		"params/invalid-empty.json":            KindUnknown,
	}
	for file, want := range cases {
		data, err := os.ReadFile(filepath.Join("testdata", file))
		require.NoError(t, err)
		got := Detect(data)
		assert.Equal(t, want, got, "Detect(%s) = %v, want %v", file, got, want)
	}
	got := Detect([]byte(`{"type":"airwrap/parameters/v1","ImportToken":"AAAA"}`))
	assert.Equal(t, KindUnknown, got, "ambiguous file detected as %v", got)
}

func TestDigests(t *testing.T) {
	got := SHA256Hex([]byte("abc"))
	assert.Equal(t, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", got, "SHA256Hex = %s", got)
	want := "ba78 16bf 8f01 cfea 4141 40de 5dae 2223 b003 61a3 9617 7a9c b410 ff61 f200 15ad"
	got = Fingerprint([]byte("abc"))
	assert.Equal(t, want, got, "Fingerprint = %s", got)
	n := len(strings.Fields(Fingerprint(nil)))
	assert.Equal(t, 16, n, "%d groups", n)
	got = GroupHex(SHA256Hex([]byte("abc")))
	assert.Equal(t, want, got, "GroupHex = %s", got)
	for in, want := range map[string]string{"": "", "abc": "abc", "abcd": "abcd", "abcdef": "abcd ef"} {
		got := GroupHex(in)
		assert.Equal(t, want, got, "GroupHex(%q) = %q, want %q", in, got, want)
	}
	_, err := KeyID("not a key")
	assert.ErrorIs(t, err, ErrSignerKey, "KeyID(string): %v", err)
}

func TestMarshalRefusesWhatParseRefuses(t *testing.T) {
	p := paramsOne(t)
	p.Entries[0].PublicKey = nil
	p.Entries[0].KeyUsage = "bad\x00usage"
	_, err := MarshalParams(p)
	require.ErrorIs(t, err, ErrMalformed, "want ErrMalformed, got %v", err)
	want := "entries[0].key_usage: contains a control or non-printable character\nentries[0].public_key: want string, got null"
	require.Equal(t, want, err.Error(), "got  %v\nwant %s", err, want)
	ip := payloadFor(t, paramsOne(t))
	ip.Entries[0].EncryptedKeyMaterial = make([]byte, MaxEncryptedSize+1)
	_, err = MarshalImportPayload(ip)
	require.ErrorIs(t, err, ErrMalformed, "want ErrMalformed, got %v", err)
	_, err = MarshalEnvelope(&Envelope{PayloadType: ImportPayloadType, Payload: "e30="})
	require.ErrorIs(t, err, ErrMalformed, "envelope without signatures: %v", err)
}

func TestMarshalNormalisesTimesToUTC(t *testing.T) {
	p := paramsOne(t)
	p.CreatedAt = time.Date(2026, 11, 27, 11, 0, 0, 0, time.FixedZone("CET", 3600))
	out, err := MarshalParams(p)
	require.NoError(t, err)
	require.Contains(t, string(out), `"created_at": "2026-11-27T10:00:00Z"`, "created_at not in UTC:\n%s", out)
}

func TestReadFileBounded(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.json")
	f, err := os.Create(big)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(MaxFileSize+1)) // sparse: no disk used
	f.Close()
	_, err = ReadFile(big)
	require.ErrorIs(t, err, ErrTooLarge, "want ErrTooLarge, got %v", err)
	_, err = ParseParams(make([]byte, MaxFileSize+1))
	require.ErrorIs(t, err, ErrTooLarge, "want ErrTooLarge, got %v", err)
	data, err := ReadFile(filepath.Join("testdata", "params", "valid-one-entry.json"))
	require.NoError(t, err, "ReadFile")
	require.NotEmpty(t, data, "ReadFile: %v", err)
}
