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
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
	require.NoError(t, err)
	defer tok.Close()
	_, err = tok.FindSigner("outside")
	require.ErrorIs(t, err, ErrNotSigner, "FindSigner of a key written from a file: %v, want ErrNotSigner and ErrSignerOrigin", err)
	require.ErrorIs(t, err, ErrSignerOrigin, "FindSigner of a key written from a file: %v, want ErrNotSigner and ErrSignerOrigin", err)
	// SoftHSM 2.6.1 marks a created key CKA_LOCAL, CKA_ALWAYS_SENSITIVE and
	// CKA_NEVER_EXTRACTABLE false; pkcs11-tool leaves decrypt and unwrap on.
	for _, want := range []string{"CKA_LOCAL false (not generated on this token)", "CKA_ALWAYS_SENSITIVE false", "CKA_NEVER_EXTRACTABLE false",
		"CKA_DECRYPT true", "CKA_UNWRAP true", "the key may have existed outside the HSM"} {
		assert.Contains(t, err.Error(), want, "FindSigner error %q does not say %q", err, want)
	}
	keys, err := tok.ListKeys()
	require.NoError(t, err)
	require.Len(t, keys, 1, "ListKeys: %+v", keys)
	require.NotNil(t, keys[0].SignerCheck, "ListKeys: %+v", keys)
	require.ErrorIs(t, keys[0].SignerCheck.Err("outside"), ErrSignerOrigin, "ListKeys: %+v", keys)
	sks, err := tok.SigningKeys()
	require.NoError(t, err)
	require.Len(t, sks, 1, "SigningKeys: %+v", sks)
	require.Equal(t, "outside", sks[0].Label, "SigningKeys: %+v", sks)
	require.ErrorIs(t, sks[0].Err, ErrSignerOrigin, "SigningKeys: %+v", sks)
	// A signer airwrap generates beside it passes, and is listed as such.
	_, err = tok.GenerateSigner("made-here", "")
	require.NoError(t, err)
	sks, err = tok.SigningKeys()
	require.NoError(t, err)
	require.Len(t, sks, 2, "SigningKeys: %+v", sks)
	require.Equal(t, "made-here", sks[0].Label, "SigningKeys: %+v", sks)
	require.NoError(t, sks[0].Err, "SigningKeys: %+v", sks)
	for _, a := range sks[0].Check {
		assert.True(t, a.Reported, "generated signer: %+v", a)
		assert.True(t, a.OK, "generated signer: %+v", a)
	}
}

func run(t *testing.T, env []string, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s: %v\n%s", name, err, out)
}

// TestSignerAttributeRules: keys generated in the token, but each once
// readable, once extractable, or able to do more than sign, are refused
// naming the one attribute at fault.
func TestSignerAttributeRules(t *testing.T) {
	tok, _ := openTest(t)
	setter, ok := tok.p.(interface {
		SetAttributeValue(pkcs11.SessionHandle, pkcs11.ObjectHandle, []*pkcs11.Attribute) error
	})
	require.True(t, ok, "the module context %T cannot set attributes", tok.p)
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
		require.NoError(t, err, "%s", tc.label)
		_, err = tok.FindSigner(tc.label)
		assert.False(t, !errors.Is(err, ErrNotSigner) || errors.Is(err, ErrSignerOrigin) != tc.origin || !strings.Contains(err.Error(), tc.want), "%s: %v, want ErrNotSigner naming %q (origin %t)", tc.label, err, tc.want, tc.origin)
		n, want := strings.Count(err.Error(), "CKA_"), strings.Count(tc.want, "CKA_")
		assert.Equal(t, want, n, "%s: %d attributes named in %q, want %d", tc.label, n, err, want)
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
	require.NoError(t, readSignerCheck(good).Err("k"), "every attribute right")
	for _, r := range signerRules {
		a := map[uint][]byte{}
		for k, v := range good {
			a[k] = v
		}
		delete(a, r.typ)
		err := readSignerCheck(a).Err("k")
		if !r.must {
			assert.NoError(t, err, "%s not reported", r.name)
			continue
		}
		assert.ErrorContains(t, err, r.name+" not reported", "%s not reported: %v", r.name, err)
	}
	// SignerAttrTypes and the rules agree.
	got := signerAttrTypes()
	require.Len(t, got, len(signerRules), "signerAttrTypes %v", got)
	require.False(t, slices.Index(got, uint(pkcs11.CKA_LOCAL)) < 0, "signerAttrTypes %v", got)
}
