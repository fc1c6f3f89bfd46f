package bundle

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestDetect(t *testing.T) {
	cases := map[string]Kind{
		"params/valid-one-entry.json":          KindParams,
		"params/valid-compact-whitespace.json": KindParams,
		"awscli/valid-epoch-integer.json":      KindAWSCLI,
		"envelope/valid-p384.json":             KindImport,
		"payload/valid-symmetric.json":         KindUnknown,
		"params/invalid-syntax.json":           KindUnknown,
		"params/invalid-empty.json":            KindUnknown,
	}
	for file, want := range cases {
		data, err := os.ReadFile(filepath.Join("testdata", file))
		if err != nil {
			t.Fatal(err)
		}
		if got := Detect(data); got != want {
			t.Errorf("Detect(%s) = %v, want %v", file, got, want)
		}
	}
	if got := Detect([]byte(`{"type":"airwrap/parameters/v1","ImportToken":"AAAA"}`)); got != KindUnknown {
		t.Errorf("ambiguous file detected as %v", got)
	}
}

func TestDigests(t *testing.T) {
	if got := SHA256Hex([]byte("abc")); got != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Errorf("SHA256Hex = %s", got)
	}
	want := "ba78 16bf 8f01 cfea 4141 40de 5dae 2223 b003 61a3 9617 7a9c b410 ff61 f200 15ad"
	if got := Fingerprint([]byte("abc")); got != want {
		t.Errorf("Fingerprint = %s", got)
	}
	if n := len(strings.Fields(Fingerprint(nil))); n != 16 {
		t.Errorf("%d groups", n)
	}
	if got := GroupHex(SHA256Hex([]byte("abc"))); got != want {
		t.Errorf("GroupHex = %s", got)
	}
	for in, want := range map[string]string{"": "", "abc": "abc", "abcd": "abcd", "abcdef": "abcd ef"} {
		if got := GroupHex(in); got != want {
			t.Errorf("GroupHex(%q) = %q, want %q", in, got, want)
		}
	}
	if _, err := KeyID("not a key"); !errors.Is(err, ErrSignerKey) {
		t.Errorf("KeyID(string): %v", err)
	}
}

func TestMarshalRefusesWhatParseRefuses(t *testing.T) {
	p := paramsOne(t)
	p.Entries[0].PublicKey = nil
	p.Entries[0].KeyUsage = "bad\x00usage"
	_, err := MarshalParams(p)
	if !errors.Is(err, ErrMalformed) {
		t.Fatalf("want ErrMalformed, got %v", err)
	}
	want := "entries[0].key_usage: contains a control or non-printable character\nentries[0].public_key: want string, got null"
	if err.Error() != want {
		t.Fatalf("got  %v\nwant %s", err, want)
	}
	ip := payloadFor(t, paramsOne(t))
	ip.Entries[0].EncryptedKeyMaterial = make([]byte, MaxEncryptedSize+1)
	if _, err := MarshalImportPayload(ip); !errors.Is(err, ErrMalformed) {
		t.Fatalf("want ErrMalformed, got %v", err)
	}
	if _, err := MarshalEnvelope(&Envelope{PayloadType: ImportPayloadType, Payload: "e30="}); !errors.Is(err, ErrMalformed) {
		t.Fatalf("envelope without signatures: %v", err)
	}
}

func TestMarshalNormalisesTimesToUTC(t *testing.T) {
	p := paramsOne(t)
	p.CreatedAt = time.Date(2026, 11, 27, 11, 0, 0, 0, time.FixedZone("CET", 3600))
	out, err := MarshalParams(p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), `"created_at": "2026-11-27T10:00:00Z"`) {
		t.Fatalf("created_at not in UTC:\n%s", out)
	}
}

func TestReadFileBounded(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.json")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(MaxFileSize + 1); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	f.Close()
	if _, err := ReadFile(big); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("want ErrTooLarge, got %v", err)
	}
	if _, err := ParseParams(make([]byte, MaxFileSize+1)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("want ErrTooLarge, got %v", err)
	}
	data, err := ReadFile(filepath.Join("testdata", "params", "valid-one-entry.json"))
	if err != nil || len(data) == 0 {
		t.Fatalf("ReadFile: %v", err)
	}
}
