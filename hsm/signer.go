package hsm

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"math/big"

	"github.com/miekg/pkcs11"
)

// Signer algorithms.
const (
	SignerECDSAP384  = "ECDSA_P384" // default; DSSE signs SHA-384(PAE)
	SignerECDSAP256  = "ECDSA_P256" // DSSE signs SHA-256(PAE)
	SignerRSAPSS3072 = "RSA_PSS_3072"
)

// SignerIDPrefix starts the CKA_ID of every key pair GenerateSigner makes
// (then 16 random bytes); ListKeys reports such keys with Signer true.
var SignerIDPrefix = []byte("airwrap-signer:")

// ErrNotSigner means a key exists under the label but is not a usable
// ceremony signing key.
var ErrNotSigner = errors.New("not a ceremony signing key")

// GenerateSigner creates a non-extractable ceremony signing key pair
// (token objects; the private key is sensitive and never leaves the HSM).
func (t *Token) GenerateSigner(label, algorithm string) (Signer, error) {
	if algorithm == "" {
		algorithm = SignerECDSAP384
	}
	var pub []*pkcs11.Attribute
	var keyType, mech uint
	switch algorithm {
	case SignerECDSAP384, SignerECDSAP256:
		c, _ := curveByName(map[string]string{SignerECDSAP384: "P-384", SignerECDSAP256: "P-256"}[algorithm])
		pub, keyType, mech = ecPublicTemplate(c), pkcs11.CKK_EC, pkcs11.CKM_EC_KEY_PAIR_GEN
	case SignerRSAPSS3072:
		pub, keyType, mech = rsaPublicTemplate(3072), pkcs11.CKK_RSA, pkcs11.CKM_RSA_PKCS_KEY_PAIR_GEN
	default:
		return nil, fmt.Errorf("%w: signer algorithm %q (known: %s, %s, %s)", ErrUnsupported, algorithm,
			SignerECDSAP384, SignerECDSAP256, SignerRSAPSS3072)
	}
	if label == "" {
		return nil, fmt.Errorf("generate signer: the label is empty")
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	r, err := t.newObjectID(label)
	if err != nil {
		return nil, err
	}
	id := append(bytes.Clone(SignerIDPrefix), r...)
	pub = append(pub, pkcs11.NewAttribute(pkcs11.CKA_LABEL, label), pkcs11.NewAttribute(pkcs11.CKA_ID, id))
	ph, sh, err := t.p.GenerateKeyPair(t.sh, []*pkcs11.Mechanism{pkcs11.NewMechanism(mech, nil)}, pub, signerPrivate(keyType, label, id))
	if err != nil {
		return nil, fmt.Errorf("generate %s signer %q: %w", algorithm, label, mapGenErr(err))
	}
	s, err := t.findSigner(label)
	if err != nil {
		// The token does not show the key it just made as one that never
		// left it (NSS softokn reports CKA_LOCAL false): such a signer would
		// be refused on every use, so leave nothing behind.
		var derr error
		t.destroy(sh, &derr)
		t.destroy(ph, &derr)
		switch {
		case derr != nil:
			err = fmt.Errorf("%w; removing the key pair it generated failed: %w", err, derr)
		case errors.Is(err, ErrNotSigner):
			err = fmt.Errorf("%w: the key pair it generated was removed again: %w", ErrUnsupported, err)
		}
		return nil, fmt.Errorf("generate %s signer %q: %w", algorithm, label, err)
	}
	return s, nil
}

// signerPrivate is the private half of a ceremony signing key.
func signerPrivate(keyType uint, label string, id []byte) []*pkcs11.Attribute {
	return []*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_PRIVATE_KEY), // a private key
		pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, keyType),             // CKK_EC or CKK_RSA
		pkcs11.NewAttribute(pkcs11.CKA_TOKEN, true),                   // persistent on the token
		pkcs11.NewAttribute(pkcs11.CKA_PRIVATE, true),                 // usable only after login
		pkcs11.NewAttribute(pkcs11.CKA_SENSITIVE, true),               // never readable in the clear
		pkcs11.NewAttribute(pkcs11.CKA_EXTRACTABLE, false),            // never leaves the HSM, not even wrapped
		pkcs11.NewAttribute(pkcs11.CKA_SIGN, true),                    // signs import bundles
		pkcs11.NewAttribute(pkcs11.CKA_DECRYPT, false),                // no decryption
		pkcs11.NewAttribute(pkcs11.CKA_UNWRAP, false),                 // not an unwrapping key
		pkcs11.NewAttribute(pkcs11.CKA_DERIVE, false),                 // no ECDH
		pkcs11.NewAttribute(pkcs11.CKA_MODIFIABLE, false),             // attributes fixed after creation
		pkcs11.NewAttribute(pkcs11.CKA_LABEL, label),                  // unique on the token (checked before)
		pkcs11.NewAttribute(pkcs11.CKA_ID, id),                        // SignerIDPrefix + 16 random bytes
	}
}

// FindSigner loads an existing ceremony signing key by label. Its
// attributes must show it was generated in this HSM and never left it, and
// that it signs and does nothing else (signerRules): anything else is
// ErrNotSigner, with ErrSignerOrigin where it may have existed outside.
func (t *Token) FindSigner(label string) (Signer, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.findSigner(label)
}

func (t *Token) findSigner(label string) (Signer, error) {
	hs, err := t.find([]*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_PRIVATE_KEY),
		pkcs11.NewAttribute(pkcs11.CKA_LABEL, label),
	})
	if err != nil {
		return nil, err
	}
	switch len(hs) {
	case 0:
		return nil, fmt.Errorf("%w: no signing key %q on token %q", ErrKeyNotFound, label, t.info.Label)
	case 1:
	default:
		return nil, fmt.Errorf("%w: %d private keys are labelled %q", ErrDuplicateLabel, len(hs), label)
	}
	h := hs[0]
	a := t.attrs(h, append([]uint{pkcs11.CKA_KEY_TYPE, pkcs11.CKA_ID}, signerAttrTypes()...)...)
	if err := readSignerCheck(a).Err(label); err != nil {
		return nil, err
	}
	k := &Key{Label: label, ID: a[pkcs11.CKA_ID]}
	s := &signer{t: t, label: label, id: k.ID, h: h}
	kt, _ := ulong(a[pkcs11.CKA_KEY_TYPE])
	switch kt {
	case pkcs11.CKK_EC:
		if err := t.describeEC(h, k, a, true); err != nil {
			return nil, err
		}
		s.alg = map[string]string{"P-384": SignerECDSAP384, "P-256": SignerECDSAP256}[k.Curve]
	case pkcs11.CKK_RSA:
		if err := t.describeRSA(h, k, a); err != nil {
			return nil, err
		}
		if k.KeySpec == "RSA_3072" {
			s.alg = SignerRSAPSS3072
		}
	}
	if s.alg == "" || k.PublicKey == nil {
		return nil, fmt.Errorf("%w: key %q is not ECDSA P-384, ECDSA P-256 or RSA-3072 with a public key on the token", ErrNotSigner, label)
	}
	pub, err := x509.ParsePKIXPublicKey(k.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("signer %q public key: %w", label, err)
	}
	s.pub = pub
	return s, nil
}

// signer is an HSM-resident crypto.Signer.
type signer struct {
	t     *Token
	label string
	id    []byte
	alg   string
	pub   crypto.PublicKey
	h     pkcs11.ObjectHandle // where FindSigner found the private key; 0: search
}

// signInit starts a signature with the signer's private key, under the
// handle FindSigner found it at; only when the token says that handle is
// no longer valid does it search again (class, label and id): one search
// per run, not one per signature (on a networked HSM each search is
// several round trips). A
// signature is checked against the public key by whoever uses it (the
// ceremony verifies the bundle right after signing), so a handle that came
// to name another key could not pass unnoticed. The caller holds s.t.mu.
func (s *signer) signInit(mech *pkcs11.Mechanism) error {
	for cached := s.h != 0; ; cached = false {
		if !cached {
			hs, err := s.t.find([]*pkcs11.Attribute{
				pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_PRIVATE_KEY),
				pkcs11.NewAttribute(pkcs11.CKA_LABEL, s.label),
				pkcs11.NewAttribute(pkcs11.CKA_ID, s.id),
			})
			if err != nil {
				return err
			}
			if len(hs) != 1 {
				return fmt.Errorf("%w: signer %q (found %d)", ErrKeyNotFound, s.label, len(hs))
			}
			s.h = hs[0]
		}
		err := s.t.p.SignInit(s.t.sh, []*pkcs11.Mechanism{mech}, s.h)
		if err == nil {
			return nil
		}
		if cached && (ckr(err, pkcs11.CKR_KEY_HANDLE_INVALID) || ckr(err, pkcs11.CKR_OBJECT_HANDLE_INVALID)) {
			continue // the object went: find it again
		}
		s.h = 0
		return fmt.Errorf("C_SignInit for signer %q: %w", s.label, err)
	}
}

func (s *signer) Label() string            { return s.label }
func (s *signer) Algorithm() string        { return s.alg }
func (s *signer) Public() crypto.PublicKey { return s.pub }

// PSSSaltLength is the RSA-PSS salt length of RSA_PSS_3072 signers (= SHA-256 size).
const PSSSaltLength = 32

// Sign signs digest in the HSM; rand is not used (the HSM has its own RNG).
// ECDSA: CKM_ECDSA over the digest, returned as ASN.1 DER. RSA_PSS_3072:
// CKM_RSA_PKCS_PSS with SHA-256, MGF1-SHA256 and a 32-byte salt; opts must
// be *rsa.PSSOptions with Hash SHA-256.
func (s *signer) Sign(_ io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	if opts == nil || len(digest) != opts.HashFunc().Size() || opts.HashFunc() == 0 {
		return nil, fmt.Errorf("signer %q: digest of %d bytes does not match the hash in opts", s.label, len(digest))
	}
	var mech *pkcs11.Mechanism
	switch s.alg {
	case SignerRSAPSS3072:
		pss, ok := opts.(*rsa.PSSOptions)
		if !ok || opts.HashFunc() != crypto.SHA256 {
			return nil, fmt.Errorf("%w: signer %q signs RSA-PSS with SHA-256 only (pass *rsa.PSSOptions{Hash: crypto.SHA256})", ErrUnsupported, s.label)
		}
		if pss.SaltLength != rsa.PSSSaltLengthEqualsHash && pss.SaltLength != rsa.PSSSaltLengthAuto && pss.SaltLength != PSSSaltLength {
			return nil, fmt.Errorf("%w: signer %q uses a %d-byte PSS salt, not %d", ErrUnsupported, s.label, PSSSaltLength, pss.SaltLength)
		}
		mech = pkcs11.NewMechanism(pkcs11.CKM_RSA_PKCS_PSS, pkcs11.NewPSSParams(pkcs11.CKM_SHA256, pkcs11.CKG_MGF1_SHA256, PSSSaltLength))
	default:
		mech = pkcs11.NewMechanism(pkcs11.CKM_ECDSA, nil)
	}
	s.t.mu.Lock()
	defer s.t.mu.Unlock()
	if err := s.signInit(mech); err != nil {
		return nil, err
	}
	sig, err := s.t.sign(digest, maxModulus) // an RSA-3072 or ECDSA signature is shorter
	if err != nil {
		return nil, fmt.Errorf("C_Sign for signer %q: %w", s.label, err)
	}
	if s.alg == SignerRSAPSS3072 {
		return sig, nil
	}
	return ecdsaDER(sig, s.pub.(*ecdsa.PublicKey).Curve)
}

// ecdsaDER turns PKCS#11's r||s into an ASN.1 DER ECDSA-Sig-Value.
func ecdsaDER(raw []byte, c elliptic.Curve) ([]byte, error) {
	n := (c.Params().BitSize + 7) / 8
	if len(raw) != 2*n {
		return nil, fmt.Errorf("ECDSA signature of %d bytes, want %d", len(raw), 2*n)
	}
	return asn1.Marshal(struct{ R, S *big.Int }{new(big.Int).SetBytes(raw[:n]), new(big.Int).SetBytes(raw[n:])})
}
