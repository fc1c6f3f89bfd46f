package kmstest

import (
	"bytes"
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/json"
	"fmt"
	"hash"
	"math/big"
	"sort"
	"strings"
)

// ---- what a key spec's material is ----------------------------------------

var hmacSizes = map[string]int{"HMAC_224": 28, "HMAC_256": 32, "HMAC_384": 48, "HMAC_512": 64}

// checkMaterial says why plain is not material for spec ("" when it is):
// 32 bytes for SYMMETRIC_DEFAULT, the HMAC key length, or a PKCS#8 private
// key of the spec's type, size or curve, with nothing after it.
func checkMaterial(spec string, plain []byte) string {
	switch {
	case spec == "SYMMETRIC_DEFAULT":
		if len(plain) != 32 {
			return fmt.Sprintf("%d bytes, want 32", len(plain))
		}
	case hmacSizes[spec] != 0:
		if len(plain) != hmacSizes[spec] {
			return fmt.Sprintf("%d bytes, want %d", len(plain), hmacSizes[spec])
		}
	case strings.HasPrefix(spec, "RSA_"):
		if err := onlyDER(plain); err != "" {
			return err
		}
		k, err := x509.ParsePKCS8PrivateKey(plain)
		if err != nil {
			return "not a PKCS#8 private key: " + err.Error()
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return fmt.Sprintf("a PKCS#8 %T, want an RSA key", k)
		}
		if want := "RSA_" + fmt.Sprint(rk.N.BitLen()); want != spec {
			return fmt.Sprintf("an RSA key of %d bits", rk.N.BitLen())
		}
	case strings.HasPrefix(spec, "ECC_"):
		if _, err := parseECPKCS8(spec, plain); err != "" {
			return err
		}
	default:
		return "the model does not know key spec " + spec
	}
	return ""
}

func onlyDER(b []byte) string {
	var raw asn1.RawValue
	rest, err := asn1.Unmarshal(b, &raw)
	if err != nil {
		return "not DER: " + err.Error()
	}
	if len(rest) != 0 {
		return fmt.Sprintf("%d bytes after the PKCS#8 structure", len(rest))
	}
	return ""
}

// ---- EC keys (secp256k1 included, which Go's x509 does not parse) --------

type curveInfo struct {
	oid  asn1.ObjectIdentifier
	size int
	std  elliptic.Curve // nil for secp256k1
	hash crypto.Hash
}

var curves = map[string]curveInfo{
	"ECC_NIST_P256":   {asn1.ObjectIdentifier{1, 2, 840, 10045, 3, 1, 7}, 32, elliptic.P256(), crypto.SHA256},
	"ECC_NIST_P384":   {asn1.ObjectIdentifier{1, 3, 132, 0, 34}, 48, elliptic.P384(), crypto.SHA384},
	"ECC_NIST_P521":   {asn1.ObjectIdentifier{1, 3, 132, 0, 35}, 66, elliptic.P521(), crypto.SHA512},
	"ECC_SECG_P256K1": {asn1.ObjectIdentifier{1, 3, 132, 0, 10}, 32, nil, crypto.SHA256},
}

var oidECPublicKey = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}

type pkcs8 struct {
	Version    int
	Algo       pkix.AlgorithmIdentifier
	PrivateKey []byte
}

type ecPrivateKey struct {
	Version    int
	PrivateKey []byte
	Params     asn1.ObjectIdentifier `asn1:"optional,explicit,tag:0"`
	PublicKey  asn1.BitString        `asn1:"optional,explicit,tag:1"`
}

// ecKey is an EC private key of one of KMS's curves.
type ecKey struct {
	spec string
	d    *big.Int
	x, y *big.Int
}

// parseECPKCS8 reads a PKCS#8 EC private key of spec's curve: the curve
// named in the algorithm parameters, the scalar in range, and the public
// key (when the encoding carries one) equal to d*G.
func parseECPKCS8(spec string, b []byte) (*ecKey, string) {
	if msg := onlyDER(b); msg != "" {
		return nil, msg
	}
	c := curves[spec]
	var p pkcs8
	if _, err := asn1.Unmarshal(b, &p); err != nil {
		return nil, "not a PKCS#8 private key: " + err.Error()
	}
	if !p.Algo.Algorithm.Equal(oidECPublicKey) {
		return nil, fmt.Sprintf("a PKCS#8 key of algorithm %v, want an EC key", p.Algo.Algorithm)
	}
	var curve asn1.ObjectIdentifier
	if _, err := asn1.Unmarshal(p.Algo.Parameters.FullBytes, &curve); err != nil || !curve.Equal(c.oid) {
		return nil, fmt.Sprintf("an EC key on curve %v, want %v", curve, c.oid)
	}
	var ek ecPrivateKey
	if rest, err := asn1.Unmarshal(p.PrivateKey, &ek); err != nil || len(rest) != 0 {
		return nil, "the EC private key inside the PKCS#8 is not an ECPrivateKey"
	}
	if len(ek.Params) > 0 && !ek.Params.Equal(c.oid) {
		return nil, fmt.Sprintf("the ECPrivateKey names curve %v, want %v", ek.Params, c.oid)
	}
	d := new(big.Int).SetBytes(ek.PrivateKey)
	n := curveN(spec)
	if d.Sign() <= 0 || d.Cmp(n) >= 0 {
		return nil, "the private scalar is out of range"
	}
	x, y := scalarBase(spec, d)
	if len(ek.PublicKey.Bytes) > 0 {
		if !bytes.Equal(ek.PublicKey.Bytes, point(c.size, x, y)) {
			return nil, "the public key in the PKCS#8 is not the private key's"
		}
	}
	return &ecKey{spec, d, x, y}, ""
}

func point(size int, x, y *big.Int) []byte {
	out := make([]byte, 1+2*size)
	out[0] = 4
	x.FillBytes(out[1 : 1+size])
	y.FillBytes(out[1+size:])
	return out
}

// secp256k1 (SEC 2): y^2 = x^3 + 7 over p.
var (
	k1P, _  = new(big.Int).SetString("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F", 16)
	k1N, _  = new(big.Int).SetString("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", 16)
	k1Gx, _ = new(big.Int).SetString("79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798", 16)
	k1Gy, _ = new(big.Int).SetString("483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8", 16)
)

func curveN(spec string) *big.Int {
	if c := curves[spec].std; c != nil {
		return c.Params().N
	}
	return k1N
}

func scalarBase(spec string, d *big.Int) (*big.Int, *big.Int) {
	c := curves[spec]
	if c.std != nil {
		k, err := ecdsa.ParseRawPrivateKey(c.std, d.FillBytes(make([]byte, c.size)))
		if err != nil {
			return new(big.Int), new(big.Int)
		}
		pub, _ := k.PublicKey.Bytes()
		return new(big.Int).SetBytes(pub[1 : 1+c.size]), new(big.Int).SetBytes(pub[1+c.size:])
	}
	return k1Mul(d, k1Gx, k1Gy)
}

// k1Mul is d*(x, y) on secp256k1 in affine coordinates (test keys only:
// not constant time).
func k1Mul(d, x, y *big.Int) (*big.Int, *big.Int) {
	var rx, ry *big.Int // nil: the point at infinity
	for i := d.BitLen() - 1; i >= 0; i-- {
		rx, ry = k1Add(rx, ry, rx, ry)
		if d.Bit(i) == 1 {
			rx, ry = k1Add(rx, ry, x, y)
		}
	}
	return rx, ry
}

func k1Add(x1, y1, x2, y2 *big.Int) (*big.Int, *big.Int) {
	if x1 == nil {
		return x2, y2
	}
	if x2 == nil {
		return x1, y1
	}
	p := k1P
	var l *big.Int
	if x1.Cmp(x2) == 0 {
		if y1.Cmp(y2) != 0 || y1.Sign() == 0 {
			return nil, nil
		}
		num := new(big.Int).Mul(x1, x1)
		num.Mul(num, big.NewInt(3))
		den := new(big.Int).Lsh(y1, 1)
		l = num.Mul(num, den.ModInverse(den, p))
	} else {
		num := new(big.Int).Sub(y2, y1)
		den := new(big.Int).Sub(x2, x1)
		den.Mod(den, p)
		l = num.Mul(num, den.ModInverse(den, p))
	}
	l.Mod(l, p)
	x3 := new(big.Int).Mul(l, l)
	x3.Sub(x3, x1).Sub(x3, x2).Mod(x3, p)
	y3 := new(big.Int).Sub(x1, x3)
	y3.Mul(y3, l).Sub(y3, y1).Mod(y3, p)
	return x3, y3
}

// publicKeyDER is the SubjectPublicKeyInfo GetPublicKey returns.
func publicKeyDER(spec string, mat []byte) ([]byte, error) {
	if strings.HasPrefix(spec, "RSA_") {
		k, err := x509.ParsePKCS8PrivateKey(mat)
		if err != nil {
			return nil, err
		}
		return x509.MarshalPKIXPublicKey(&k.(*rsa.PrivateKey).PublicKey)
	}
	ek, msg := parseECPKCS8(spec, mat)
	if msg != "" {
		return nil, fmt.Errorf("%s", msg)
	}
	c := curves[spec]
	params, _ := asn1.Marshal(c.oid)
	return asn1.Marshal(struct {
		Algo pkix.AlgorithmIdentifier
		Key  asn1.BitString
	}{
		pkix.AlgorithmIdentifier{Algorithm: oidECPublicKey, Parameters: asn1.RawValue{FullBytes: params}},
		asn1.BitString{Bytes: point(c.size, ek.x, ek.y), BitLength: 8 * (1 + 2*c.size)},
	})
}

// ---- operations ---------------------------------------------------------

// usable finds the key a cryptographic operation names and checks that it
// can be used: Enabled, of the usage the operation needs.
func (m *Model) usable(ref, region, usage string) (*mkey, *kmsError) {
	k, err := m.lookup(ref, region)
	if err != nil {
		return nil, err
	}
	switch k.state {
	case "Enabled":
	case "Disabled":
		return nil, errf("DisabledException", "%s is disabled.", k.arn)
	default:
		return nil, errf("KMSInvalidStateException", "%s is %s", k.arn, k.state)
	}
	if k.usage != usage {
		return nil, errf("InvalidKeyUsageException", "%s has KeyUsage %s, not %s", k.arn, k.usage, usage)
	}
	return k, nil
}

const ciphertextMagic = "kmsmodel1"

func aad(ctx map[string]string) []byte {
	keys := make([]string, 0, len(ctx))
	for k := range ctx {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b bytes.Buffer
	for _, k := range keys {
		v, _ := json.Marshal([2]string{k, ctx[k]})
		b.Write(v)
	}
	return b.Bytes()
}

func gcm(mat []byte) cipher.AEAD {
	blk, _ := aes.NewCipher(mat)
	g, _ := cipher.NewGCM(blk)
	return g
}

type encryptIn struct {
	KeyId             string
	Plaintext         []byte
	EncryptionContext map[string]string
}

// encrypt seals under the current material; the ciphertext names the key
// id and the material, so a related multi-Region key decrypts it and a
// rotation leaves it decryptable, as KMS does.
func (m *Model) encrypt(in encryptIn, region string) (map[string]any, *kmsError) {
	k, err := m.usable(in.KeyId, region, "ENCRYPT_DECRYPT")
	if err != nil {
		return nil, err
	}
	if !symmetric(k.spec) {
		return nil, errf("UnsupportedOperationException", "the model encrypts only under symmetric keys")
	}
	if len(in.Plaintext) == 0 || len(in.Plaintext) > 4096 {
		return nil, errf("ValidationException", "Plaintext must be 1 to 4096 bytes")
	}
	cur := k.current()
	head := []byte(ciphertextMagic)
	head = append(head, byte(len(k.id)))
	head = append(head, k.id...)
	head = append(head, cur.id...)
	nonce := make([]byte, 12)
	_, _ = rand.Read(nonce)
	head = append(head, nonce...)
	blob := gcm(cur.bytes).Seal(head, nonce, in.Plaintext, append(append([]byte(nil), head...), aad(in.EncryptionContext)...))
	return map[string]any{"CiphertextBlob": blob, "KeyId": k.arn, "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}, nil
}

type decryptIn struct {
	KeyId             string
	CiphertextBlob    []byte
	EncryptionContext map[string]string
}

func (m *Model) decrypt(in decryptIn, region string) (map[string]any, *kmsError) {
	b := in.CiphertextBlob
	bad := errf("InvalidCiphertextException", "The ciphertext is not valid")
	if !bytes.HasPrefix(b, []byte(ciphertextMagic)) || len(b) < len(ciphertextMagic)+1 {
		return nil, bad
	}
	n := int(b[len(ciphertextMagic)])
	off := len(ciphertextMagic) + 1
	if len(b) < off+n+64+12+16 {
		return nil, bad
	}
	id := string(b[off : off+n])
	matID := string(b[off+n : off+n+64])
	headLen := off + n + 64 + 12
	ref := in.KeyId
	if ref == "" {
		ref = id
	}
	k, err := m.usable(ref, region, "ENCRYPT_DECRYPT")
	if err != nil {
		return nil, err
	}
	if k.id != id {
		return nil, errf("IncorrectKeyException", "The ciphertext was not encrypted under %s", k.arn)
	}
	mt := k.find(matID)
	if mt == nil || !mt.imported() {
		return nil, bad
	}
	head := b[:headLen]
	plain, gerr := gcm(mt.bytes).Open(nil, b[headLen-12:headLen], b[headLen:], append(append([]byte(nil), head...), aad(in.EncryptionContext)...))
	if gerr != nil {
		return nil, bad
	}
	return map[string]any{"Plaintext": plain, "KeyId": k.arn, "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}, nil
}

var macHashes = map[string]func() hash.Hash{
	"HMAC_SHA_224": sha256.New224, "HMAC_SHA_256": sha256.New,
	"HMAC_SHA_384": sha512.New384, "HMAC_SHA_512": sha512.New,
}

type macIn struct {
	KeyId        string
	Message      []byte
	MacAlgorithm string
	Mac          []byte
}

func (m *Model) mac(in macIn, region string) (*mkey, []byte, *kmsError) {
	k, err := m.usable(in.KeyId, region, "GENERATE_VERIFY_MAC")
	if err != nil {
		return nil, nil, err
	}
	if in.MacAlgorithm != specs[k.spec].mac {
		return nil, nil, errf("InvalidKeyUsageException", "MacAlgorithm %s is not valid for %s (it takes %s)", in.MacAlgorithm, k.spec, specs[k.spec].mac)
	}
	if len(in.Message) == 0 || len(in.Message) > 4096 {
		return nil, nil, errf("ValidationException", "Message must be 1 to 4096 bytes")
	}
	h := hmac.New(macHashes[in.MacAlgorithm], k.current().bytes)
	h.Write(in.Message)
	return k, h.Sum(nil), nil
}

func (m *Model) generateMac(in macIn, region string) (map[string]any, *kmsError) {
	k, sum, err := m.mac(in, region)
	if err != nil {
		return nil, err
	}
	return map[string]any{"Mac": sum, "MacAlgorithm": in.MacAlgorithm, "KeyId": k.arn}, nil
}

func (m *Model) verifyMac(in macIn, region string) (map[string]any, *kmsError) {
	k, sum, err := m.mac(in, region)
	if err != nil {
		return nil, err
	}
	if !hmac.Equal(sum, in.Mac) {
		return nil, errf("KMSInvalidMacException", "The MAC is not valid")
	}
	return map[string]any{"MacValid": true, "MacAlgorithm": in.MacAlgorithm, "KeyId": k.arn}, nil
}

func (m *Model) getPublicKey(in keyIDIn, region string) (map[string]any, *kmsError) {
	k, err := m.lookup(in.KeyId, region)
	if err != nil {
		return nil, err
	}
	if symmetric(k.spec) || hmacSizes[k.spec] != 0 {
		return nil, errf("UnsupportedOperationException", "%s is %s: it has no public key", k.arn, k.spec)
	}
	if k.state != "Enabled" {
		return nil, errf("KMSInvalidStateException", "%s is %s", k.arn, k.state)
	}
	der, perr := publicKeyDER(k.spec, k.current().bytes)
	if perr != nil {
		return nil, errf("KMSInternalException", "model: %v", perr)
	}
	info := specs[k.spec]
	out := map[string]any{"KeyId": k.arn, "PublicKey": der, "KeySpec": k.spec, "CustomerMasterKeySpec": k.spec, "KeyUsage": k.usage}
	out[info.algorithmField(k.usage)] = info.algorithms(k.usage)
	return out, nil
}

type signIn struct {
	KeyId            string
	Message          []byte
	MessageType      string
	SigningAlgorithm string
}

var signHashes = map[string]crypto.Hash{"SHA_256": crypto.SHA256, "SHA_384": crypto.SHA384, "SHA_512": crypto.SHA512}

func (m *Model) sign(in signIn, region string) (map[string]any, *kmsError) {
	k, err := m.usable(in.KeyId, region, "SIGN_VERIFY")
	if err != nil {
		return nil, err
	}
	info := specs[k.spec]
	ok := false
	for _, a := range info.signing {
		ok = ok || a == in.SigningAlgorithm
	}
	if !ok {
		return nil, errf("InvalidKeyUsageException", "SigningAlgorithm %s is not valid for %s", in.SigningAlgorithm, k.spec)
	}
	h := signHashes[in.SigningAlgorithm[len(in.SigningAlgorithm)-7:]]
	digest := in.Message
	switch in.MessageType {
	case "", "RAW":
		if len(in.Message) > 4096 {
			return nil, errf("ValidationException", "Message must be at most 4096 bytes")
		}
		hh := h.New()
		hh.Write(in.Message)
		digest = hh.Sum(nil)
	case "DIGEST":
		if len(digest) != h.Size() {
			return nil, errf("ValidationException", "a %s digest is %d bytes, not %d", in.SigningAlgorithm, h.Size(), len(digest))
		}
	default:
		return nil, errf("ValidationException", "MessageType %q is not valid", in.MessageType)
	}
	mat := k.current().bytes
	var sig []byte
	var serr error
	switch {
	case strings.HasPrefix(in.SigningAlgorithm, "RSASSA_PSS"):
		pk, _ := x509.ParsePKCS8PrivateKey(mat)
		sig, serr = rsa.SignPSS(rand.Reader, pk.(*rsa.PrivateKey), h, digest, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
	case strings.HasPrefix(in.SigningAlgorithm, "RSASSA_PKCS1"):
		pk, _ := x509.ParsePKCS8PrivateKey(mat)
		sig, serr = rsa.SignPKCS1v15(rand.Reader, pk.(*rsa.PrivateKey), h, digest)
	default:
		ek, msg := parseECPKCS8(k.spec, mat)
		if msg != "" {
			return nil, errf("KMSInternalException", "model: %s", msg)
		}
		sig, serr = ecSign(ek, digest)
	}
	if serr != nil {
		return nil, errf("KMSInternalException", "model: sign: %v", serr)
	}
	return map[string]any{"KeyId": k.arn, "Signature": sig, "SigningAlgorithm": in.SigningAlgorithm}, nil
}

// ecSign is ECDSA over digest, DER-encoded as KMS returns it.
func ecSign(ek *ecKey, digest []byte) ([]byte, error) {
	c := curves[ek.spec]
	if c.std != nil {
		pk, err := ecdsa.ParseRawPrivateKey(c.std, ek.d.FillBytes(make([]byte, c.size)))
		if err != nil {
			return nil, err
		}
		return ecdsa.SignASN1(rand.Reader, pk, digest)
	}
	e := new(big.Int).SetBytes(digest) // SHA-256 on a 256-bit curve: no truncation
	for {
		kk, err := rand.Int(rand.Reader, k1N)
		if err != nil {
			return nil, err
		}
		if kk.Sign() == 0 {
			continue
		}
		rx, _ := k1Mul(kk, k1Gx, k1Gy)
		r := new(big.Int).Mod(rx, k1N)
		if r.Sign() == 0 {
			continue
		}
		s := new(big.Int).Mul(r, ek.d)
		s.Add(s, e).Mul(s, new(big.Int).ModInverse(kk, k1N)).Mod(s, k1N)
		if s.Sign() == 0 {
			continue
		}
		return asn1.Marshal(struct{ R, S *big.Int }{r, s})
	}
}
