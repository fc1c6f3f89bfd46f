package hsm

import (
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	softhsmtest "github.com/airwrap/airwrap/softhsm-test"
	"github.com/miekg/pkcs11"
)

// TestFindSignerRefusesKeyMadeOutside: a P-384 key made with OpenSSL and
// written to the token by pkcs11-tool as a sensitive signing key (the
// OpenSSL copy stays behind) is no ceremony signer, even under an id that
// starts like GenerateSigner's. FindSigner names the attributes and says
// the key may have existed outside the HSM; ListKeys and SigningKeys show
// the same verdict.
func TestFindSignerRefusesKeyMadeOutside(t *testing.T) {
	st := softhsmtest.New(t)
	dir := t.TempDir()
	priv, pub := filepath.Join(dir, "k.pem"), filepath.Join(dir, "pub.pem")
	run(t, nil, "openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out", priv)
	run(t, nil, "openssl", "pkey", "-in", priv, "-pubout", "-out", pub)
	id := hex.EncodeToString(append(append([]byte{}, SignerIDPrefix...), make([]byte, 16)...))
	p11tool := []string{"--module", st.Module, "--token-label", st.Label, "--login", "--pin", "env:AIRWRAP_TEST_PIN"}
	env := []string{"AIRWRAP_TEST_PIN=" + st.PIN}
	run(t, env, "pkcs11-tool", append(p11tool, "--write-object", priv, "--type", "privkey", "--usage-sign", "--sensitive", "--label", "outside", "--id", id)...)
	run(t, env, "pkcs11-tool", append(p11tool, "--write-object", pub, "--type", "pubkey", "--label", "outside", "--id", id)...)

	tok, err := Open(Config{ModulePath: st.Module, TokenLabel: st.Label, PIN: []byte(st.PIN), HMACCheckInput: testHMACCheckInput})
	if err != nil {
		t.Fatal(err)
	}
	defer tok.Close()
	_, err = tok.FindSigner("outside")
	if !errors.Is(err, ErrNotSigner) || !errors.Is(err, ErrSignerOrigin) {
		t.Fatalf("FindSigner of a key written from a file: %v, want ErrNotSigner and ErrSignerOrigin", err)
	}
	// SoftHSM 2.6.1 marks a created key CKA_LOCAL, CKA_ALWAYS_SENSITIVE and
	// CKA_NEVER_EXTRACTABLE false; pkcs11-tool leaves decrypt and unwrap on.
	for _, want := range []string{"CKA_LOCAL false (not generated on this token)", "CKA_ALWAYS_SENSITIVE false", "CKA_NEVER_EXTRACTABLE false",
		"CKA_DECRYPT true", "CKA_UNWRAP true", "the key may have existed outside the HSM"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("FindSigner error %q does not say %q", err, want)
		}
	}
	keys, err := tok.ListKeys()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || keys[0].SignerCheck == nil || !errors.Is(keys[0].SignerCheck.Err("outside"), ErrSignerOrigin) {
		t.Fatalf("ListKeys: %+v", keys)
	}
	sks, err := tok.SigningKeys()
	if err != nil {
		t.Fatal(err)
	}
	if len(sks) != 1 || sks[0].Label != "outside" || !errors.Is(sks[0].Err, ErrSignerOrigin) {
		t.Fatalf("SigningKeys: %+v", sks)
	}
	// A signer airwrap generates beside it passes, and is listed as such.
	if _, err := tok.GenerateSigner("made-here", ""); err != nil {
		t.Fatal(err)
	}
	sks, err = tok.SigningKeys()
	if err != nil {
		t.Fatal(err)
	}
	if len(sks) != 2 || sks[0].Label != "made-here" || sks[0].Err != nil {
		t.Fatalf("SigningKeys: %+v", sks)
	}
	for _, a := range sks[0].Check {
		if !a.Reported || !a.OK {
			t.Errorf("generated signer: %+v", a)
		}
	}
}

func run(t *testing.T, env []string, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", name, err, out)
	}
}

// TestSignerAttributeRules: keys generated in the token, but each once
// readable, once extractable, or able to do more than sign, are refused
// naming the one attribute at fault.
func TestSignerAttributeRules(t *testing.T) {
	tok, _ := openTest(t)
	setter, ok := tok.p.(interface {
		SetAttributeValue(pkcs11.SessionHandle, pkcs11.ObjectHandle, []*pkcs11.Attribute) error
	})
	if !ok {
		t.Fatalf("the module context %T cannot set attributes", tok.p)
	}
	for _, tc := range []struct {
		label  string
		gen    map[uint]bool // template changes at generation
		after  map[uint]bool // then set on the private key
		want   string
		origin bool
	}{
		{"once-readable", map[uint]bool{pkcs11.CKA_SENSITIVE: false, pkcs11.CKA_MODIFIABLE: true},
			map[uint]bool{pkcs11.CKA_SENSITIVE: true}, "CKA_ALWAYS_SENSITIVE false (was readable in the clear)", true},
		{"once-extractable", map[uint]bool{pkcs11.CKA_EXTRACTABLE: true, pkcs11.CKA_MODIFIABLE: true},
			map[uint]bool{pkcs11.CKA_EXTRACTABLE: false}, "CKA_NEVER_EXTRACTABLE false (was extractable)", true},
		// an extractable key has never been anything else, so both are named
		{"extractable", map[uint]bool{pkcs11.CKA_EXTRACTABLE: true}, nil, "CKA_NEVER_EXTRACTABLE false (was extractable), CKA_EXTRACTABLE true (can leave the HSM)", true},
		{"decrypts", map[uint]bool{pkcs11.CKA_DECRYPT: true}, nil, "CKA_DECRYPT true (also decrypts)", false},
		{"unwraps", map[uint]bool{pkcs11.CKA_UNWRAP: true}, nil, "CKA_UNWRAP true (also unwraps keys)", false},
		{"derives", map[uint]bool{pkcs11.CKA_DERIVE: true}, nil, "CKA_DERIVE true (also derives keys)", false},
		{"cannot-sign", map[uint]bool{pkcs11.CKA_SIGN: false}, nil, "CKA_SIGN false (cannot sign)", false},
	} {
		id := append([]byte("airwrap-signer:"), tc.label...)
		priv := signerPrivate(pkcs11.CKK_EC, tc.label, id)
		for i, a := range priv {
			if v, ok := tc.gen[a.Type]; ok {
				priv[i] = pkcs11.NewAttribute(a.Type, v)
			}
		}
		c, _ := curveByName("P-384")
		pub := append(ecPublicTemplate(c), pkcs11.NewAttribute(pkcs11.CKA_LABEL, tc.label), pkcs11.NewAttribute(pkcs11.CKA_ID, id))
		tok.mu.Lock()
		_, h, err := tok.p.GenerateKeyPair(tok.sh, []*pkcs11.Mechanism{pkcs11.NewMechanism(pkcs11.CKM_EC_KEY_PAIR_GEN, nil)}, pub, priv)
		if err == nil {
			for ty, v := range tc.after {
				if err = setter.SetAttributeValue(tok.sh, h, []*pkcs11.Attribute{pkcs11.NewAttribute(ty, v)}); err != nil {
					break
				}
			}
		}
		tok.mu.Unlock()
		if err != nil {
			t.Fatalf("%s: %v", tc.label, err)
		}
		_, err = tok.FindSigner(tc.label)
		if !errors.Is(err, ErrNotSigner) || errors.Is(err, ErrSignerOrigin) != tc.origin || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want ErrNotSigner naming %q (origin %t)", tc.label, err, tc.want, tc.origin)
		}
		if n, want := strings.Count(err.Error(), "CKA_"), strings.Count(tc.want, "CKA_"); n != want {
			t.Errorf("%s: %d attributes named in %q, want %d", tc.label, n, err, want)
		}
	}
}

// TestSignerCheckUnreported: a provenance attribute the token does not
// report fails the check (nothing shows the key never left the HSM); a
// usage attribute it does not report is no objection.
func TestSignerCheckUnreported(t *testing.T) {
	good := map[uint][]byte{}
	for _, r := range signerRules {
		if r.want {
			good[r.typ] = []byte{1}
		} else {
			good[r.typ] = []byte{0}
		}
	}
	if err := readSignerCheck(good).Err("k"); err != nil {
		t.Fatalf("every attribute right: %v", err)
	}
	for _, r := range signerRules {
		a := map[uint][]byte{}
		for k, v := range good {
			a[k] = v
		}
		delete(a, r.typ)
		err := readSignerCheck(a).Err("k")
		if !r.must {
			if err != nil {
				t.Errorf("%s not reported: %v", r.name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), r.name+" not reported") {
			t.Errorf("%s not reported: %v", r.name, err)
		}
	}
	// SignerAttrTypes and the rules agree.
	if got := signerAttrTypes(); len(got) != len(signerRules) || slices.Index(got, uint(pkcs11.CKA_LOCAL)) < 0 {
		t.Fatalf("signerAttrTypes %v", got)
	}
}
