package ceremony

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/airwrap/airwrap/atomicfile"
	"github.com/airwrap/airwrap/hsm"
	"github.com/airwrap/airwrap/kmsrules"
	softhsmtest "github.com/airwrap/airwrap/softhsm-test"
	"github.com/airwrap/airwrap/verify"
)

// TestCapabilitiesCrossTheGap: the capabilities SoftHSM 2.6.1 measures of
// itself, signed by its ceremony signer and opened with that signer pinned,
// make the online choice SHA-1 OAEP for SYMMETRIC_DEFAULT (the rules alone
// would choose SHA-256, which this token gets wrong) and refuse RSA_2048;
// key generate's check refuses RSA_2048 and allows SYMMETRIC_DEFAULT. The
// file is never replaced.
func TestCapabilitiesCrossTheGap(t *testing.T) {
	st := softhsmtest.New(t)
	tok, err := hsm.Open(hsm.Config{ModulePath: st.Module, TokenLabel: st.Label, PIN: []byte(st.PIN), HMACCheckInput: HMACCheckInput()})
	if err != nil {
		t.Fatal(err)
	}
	defer tok.Close()
	s, err := tok.GenerateSigner("s", "ECDSA_P256")
	if err != nil {
		t.Fatal(err)
	}
	before, err := tok.ObjectCount()
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "caps.json")
	data, _, err := WriteCapabilities(tok, s, out, "test", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if after, err := tok.ObjectCount(); err != nil || after != before {
		t.Fatalf("measuring left objects: %d -> %d (%v)", before, after, err)
	}
	if onDisk, err := os.ReadFile(out); err != nil || string(onDisk) != string(data) {
		t.Fatalf("file written: %v", err)
	}
	if _, _, err := WriteCapabilities(tok, s, out, "test", time.Now()); !errors.Is(err, atomicfile.ErrExists) {
		t.Fatalf("second write: %v, want ErrExists", err)
	}
	der, err := x509.MarshalPKIXPublicKey(s.Public())
	if err != nil {
		t.Fatal(err)
	}
	trust, err := verify.LoadTrust(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	if err != nil {
		t.Fatal(err)
	}
	c, exports, err := verify.OpenCapabilities(data, []verify.TrustedKey{trust}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if c.Token.Label != st.Label {
		t.Errorf("token label %q, want %q", c.Token.Label, st.Label)
	}
	if got := exports[kmsrules.SymmetricDefault].Algorithms; !slices.Equal(got, []kmsrules.WrappingAlgorithm{kmsrules.RSAESOAEPSHA1}) {
		t.Errorf("SYMMETRIC_DEFAULT exports %v, want [RSAES_OAEP_SHA_1]", got)
	}
	if alg, err := kmsrules.ChooseTokenAlgorithm(kmsrules.SymmetricDefault, "", "RSA_4096", exports); err != nil || alg != kmsrules.RSAESOAEPSHA1 {
		t.Errorf("choice for SYMMETRIC_DEFAULT: %s, %v", alg, err)
	}
	if _, err := kmsrules.ChooseTokenAlgorithm("RSA_2048", "", "RSA_4096", exports); !errors.Is(err, kmsrules.ErrTokenCannotExport) || !strings.Contains(err.Error(), "mis-pads") {
		t.Errorf("choice for RSA_2048: %v, want ErrTokenCannotExport with the token's reason", err)
	}
	if err := CheckExportable(tok, "RSA_2048"); !errors.Is(err, ErrCannotExport) {
		t.Errorf("CheckExportable(RSA_2048): %v", err)
	}
	if err := CheckExportable(tok, "SYMMETRIC_DEFAULT"); err != nil {
		t.Errorf("CheckExportable(SYMMETRIC_DEFAULT): %v", err)
	}
	// Another key pinned: untrusted.
	other, err := tok.GenerateSigner("o", "ECDSA_P256")
	if err != nil {
		t.Fatal(err)
	}
	oder, _ := x509.MarshalPKIXPublicKey(other.Public())
	otrust, err := verify.LoadTrust(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: oder}))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := verify.OpenCapabilities(data, []verify.TrustedKey{otrust}, time.Now()); !errors.Is(err, verify.ErrUntrusted) {
		t.Errorf("signed by another key: %v, want ErrUntrusted", err)
	}
}
