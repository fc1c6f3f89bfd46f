package ceremony

import (
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/airwrap/airwrap/atomicfile"
	"github.com/airwrap/airwrap/bundle"
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
	require.NoError(t, err)
	defer tok.Close()
	s, err := tok.GenerateSigner("s", "ECDSA_P256")
	require.NoError(t, err)
	k, err := GenerateKey(tok, "k", "SYMMETRIC_DEFAULT")
	require.NoError(t, err)
	before, err := tok.ObjectCount()
	require.NoError(t, err)
	out := filepath.Join(t.TempDir(), "caps.json")
	data, _, err := WriteCapabilities(tok, s, out, "test", time.Now())
	require.NoError(t, err)
	after, err := tok.ObjectCount()
	require.NoError(t, err, "counting objects after measuring")
	require.Equal(t, before, after, "measuring left objects")
	onDisk, err := os.ReadFile(out)
	require.NoError(t, err, "file written")
	require.Equal(t, string(data), string(onDisk), "file written")
	_, _, err = WriteCapabilities(tok, s, out, "test", time.Now())
	require.ErrorIs(t, err, atomicfile.ErrExists, "second write")
	der, err := x509.MarshalPKIXPublicKey(s.Public())
	require.NoError(t, err)
	trust, err := verify.LoadTrust(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	require.NoError(t, err)
	c, exports, err := verify.OpenCapabilities(data, []verify.TrustedKey{trust}, time.Now())
	require.NoError(t, err)
	assert.Equal(t, st.Label, c.Token.Label, "token label")
	// The key inventory (R51): the key as key list shows it, the signer not importable.
	require.Len(t, c.Keys, 2, "inventory: %+v", c.Keys)
	for _, ck := range c.Keys {
		switch ck.Label {
		case "k":
			assert.Equal(t, bundle.CapabilityKey{Label: "k", ID: hex.EncodeToString(k.ID), KeySpec: "SYMMETRIC_DEFAULT",
				CheckValue: hex.EncodeToString(k.CheckValue), CheckMethod: bundle.CheckMethodAESKCV, Importable: true}, ck, "inventory: k")
			assert.Len(t, k.CheckValue, 3, "an AES KCV")
		case "s":
			assert.False(t, ck.Importable, "inventory: the signer")
			assert.NotEmpty(t, ck.NotImportable, "inventory: the signer")
		default:
			t.Errorf("inventory: unexpected key %+v", ck)
		}
	}
	assert.Equal(t, []kmsrules.WrappingAlgorithm{kmsrules.RSAESOAEPSHA1}, exports[kmsrules.SymmetricDefault].Algorithms, "SYMMETRIC_DEFAULT exports")
	alg, err := kmsrules.ChooseTokenAlgorithm(kmsrules.SymmetricDefault, "", "RSA_4096", exports)
	assert.NoError(t, err, "choice for SYMMETRIC_DEFAULT")
	assert.Equal(t, kmsrules.RSAESOAEPSHA1, alg, "choice for SYMMETRIC_DEFAULT")
	_, err = kmsrules.ChooseTokenAlgorithm("RSA_2048", "", "RSA_4096", exports)
	assert.ErrorIs(t, err, kmsrules.ErrTokenCannotExport, "choice for RSA_2048")
	assert.ErrorContains(t, err, "mis-pads", "choice for RSA_2048: want the token's reason")
	assert.ErrorIs(t, CheckExportable(tok, "RSA_2048"), ErrCannotExport, "CheckExportable(RSA_2048)")
	assert.NoError(t, CheckExportable(tok, "SYMMETRIC_DEFAULT"), "CheckExportable(SYMMETRIC_DEFAULT)")
	// Another key pinned: untrusted.
	other, err := tok.GenerateSigner("o", "ECDSA_P256")
	require.NoError(t, err)
	oder, _ := x509.MarshalPKIXPublicKey(other.Public())
	otrust, err := verify.LoadTrust(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: oder}))
	require.NoError(t, err)
	_, _, err = verify.OpenCapabilities(data, []verify.TrustedKey{otrust}, time.Now())
	assert.ErrorIs(t, err, verify.ErrUntrusted, "signed by another key")
}
