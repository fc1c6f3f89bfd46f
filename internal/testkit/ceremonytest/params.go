// Package ceremonytest makes parameters files for tests: what the online half
// (or `aws kms get-parameters-for-import`) would hand over, with a software
// RSA wrapping key whose private half the test keeps to unwrap independently.
package ceremonytest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"strings"
	"time"

	"github.com/airwrap/airwrap/bundle"
)

// Entry describes one parameters entry to make.
type Entry struct {
	ARN               string // default: a fresh ARN in eu-west-1, account 111122223333
	KeySpec           string // default SYMMETRIC_DEFAULT
	WrappingAlgorithm string // default RSAES_OAEP_SHA_1 (what SoftHSM can produce)
	WrappingBits      int    // default 2048
	ValidFor          time.Duration
}

// Made is a parameters file and the wrapping private keys, one per entry.
type Made struct {
	Data []byte
	Keys []*rsa.PrivateKey
	ARNs []string
}

// MRKARNs returns the ARNs of one multi-Region key (a random mrk- key id)
// in each of regions; Params makes the first the primary.
func MRKARNs(regions ...string) []string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	var out []string
	for _, r := range regions {
		out = append(out, fmt.Sprintf("arn:aws:kms:%s:111122223333:key/mrk-%x", r, b))
	}
	return out
}

// ARN returns a real-looking KMS key ARN with a random key id.
func ARN(region string) string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return fmt.Sprintf("arn:aws:kms:%s:111122223333:key/%x-%x-%x-%x-%x", region, b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func (e *Entry) defaults() {
	if e.ARN == "" {
		e.ARN = ARN("eu-west-1")
	}
	if e.KeySpec == "" {
		e.KeySpec = "SYMMETRIC_DEFAULT"
	}
	if e.WrappingAlgorithm == "" {
		e.WrappingAlgorithm = "RSAES_OAEP_SHA_1"
	}
	if e.WrappingBits == 0 {
		e.WrappingBits = 2048
	}
	if e.ValidFor == 0 {
		e.ValidFor = 24 * time.Hour
	}
}

// Params makes a parameters bundle (bundle.MarshalParams) created at now.
func Params(now time.Time, entries ...Entry) (*Made, error) {
	if len(entries) == 0 {
		entries = []Entry{{}}
	}
	p := &bundle.Params{Type: bundle.ParamsType, CreatedAt: now.UTC(), ToolVersion: "test"}
	m := &Made{}
	primaries := map[string]bool{} // a multi-Region key's first entry is its primary
	for _, e := range entries {
		e.defaults()
		priv, der, err := wrappingKey(e.WrappingBits)
		if err != nil {
			return nil, err
		}
		a := parseARN(e.ARN)
		p.Entries = append(p.Entries, bundle.ParamsEntry{
			KeyARN: e.ARN, Account: a[4], Region: a[3],
			KeySpec: e.KeySpec, KeyUsage: usage(e.KeySpec),
			WrappingAlgorithm: e.WrappingAlgorithm, WrappingKeySpec: fmt.Sprintf("RSA_%d", e.WrappingBits),
			PublicKey: der, ImportToken: token(), ParametersValidTo: now.Add(e.ValidFor).UTC(),
		})
		if id := a[5][len("key/"):]; strings.HasPrefix(id, "mrk-") {
			pe := &p.Entries[len(p.Entries)-1]
			pe.MultiRegion, pe.MultiRegionRole = true, bundle.RolePrimary
			if primaries[id] {
				pe.MultiRegionRole = bundle.RoleReplica
			}
			primaries[id] = true
		}
		m.Keys = append(m.Keys, priv)
		m.ARNs = append(m.ARNs, e.ARN)
	}
	data, err := bundle.MarshalParams(p)
	if err != nil {
		return nil, err
	}
	m.Data = data
	return m, nil
}

// AWSCLI makes the JSON `aws kms get-parameters-for-import` prints.
func AWSCLI(now time.Time, e Entry) (*Made, error) {
	e.defaults()
	priv, der, err := wrappingKey(e.WrappingBits)
	if err != nil {
		return nil, err
	}
	data, err := json.MarshalIndent(map[string]any{
		"KeyId":             e.ARN,
		"ImportToken":       base64.StdEncoding.EncodeToString(token()),
		"PublicKey":         base64.StdEncoding.EncodeToString(der),
		"ParametersValidTo": now.Add(e.ValidFor).UTC().Format("2006-01-02T15:04:05.000000-07:00"),
	}, "", "    ")
	if err != nil {
		return nil, err
	}
	return &Made{Data: append(data, '\n'), Keys: []*rsa.PrivateKey{priv}, ARNs: []string{e.ARN}}, nil
}

// PrivatePEM is the PKCS#8 PEM of a wrapping private key (for OpenSSL).
func PrivatePEM(k *rsa.PrivateKey) []byte {
	der, _ := x509.MarshalPKCS8PrivateKey(k)
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

func wrappingKey(bits int) (*rsa.PrivateKey, []byte, error) {
	priv, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		return nil, nil, err
	}
	der, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	return priv, der, err
}

func token() []byte {
	b := make([]byte, 1024) // KMS import tokens are about this size
	_, _ = rand.Read(b)
	return b
}

func usage(spec string) string {
	switch spec {
	case "SYMMETRIC_DEFAULT":
		return "ENCRYPT_DECRYPT"
	case "HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512":
		return "GENERATE_VERIFY_MAC"
	}
	return "SIGN_VERIFY"
}

// parseARN splits arn:partition:service:region:account:resource.
func parseARN(s string) [6]string {
	var out [6]string
	for i := 0; i < 5; i++ {
		j := 0
		for j < len(s) && s[j] != ':' {
			j++
		}
		out[i] = s[:j]
		if j < len(s) {
			s = s[j+1:]
		} else {
			s = ""
		}
	}
	out[5] = s
	return out
}
