// Package inspect describes the files that cross the air gap (parameters,
// signed parameters, AWS CLI JSON, import bundles, token capabilities, PEM
// public keys) field by
// field, with fingerprints grouped for reading aloud. Both command lines show
// the same description, so the two sides of the air gap can read the same
// fingerprints to each other. It verifies no signature.
package inspect

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/internal/clikit"
	"github.com/airwrap/airwrap/verify"
)

// KindPublicKey is the kind of a PEM public key file.
const KindPublicKey = "public key (PEM)"

// Help is what both CLIs' inspect --help say about the files and the
// fingerprints.
const Help = `Shows every field, how long the parameters (and key material) stay valid,
and SHA-256 fingerprints in groups of four, to read aloud across the air gap:
the other side prints the same fingerprints for the same file.

FILE is a parameters bundle (signed or not), the JSON that
"aws kms get-parameters-for-import" prints, an import bundle, a token's
capabilities (airwrap hsm info --out), or a PEM public key (as "airwrap
signer export" writes). The fingerprint of a public key is
the SHA-256 of its DER SubjectPublicKeyInfo: the same hex, ungrouped, is its
keyid in signed files. "sha256" under "file" is the fingerprint of the file
as a whole. Strings from the file are escaped, so a hostile file cannot drive
the terminal. inspect verifies no signature.`

// Path reads the file at path (bundle.ReadFile's limits) and describes it
// as of now: what both CLIs' inspect commands do.
func Path(path string, now time.Time) (*Doc, error) {
	data, err := bundle.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return File(path, data, now)
}

// File describes data, read from path, as of now.
func File(path string, data []byte, now time.Time) (*Doc, error) {
	var d *Doc
	var err error
	switch k := bundle.Detect(data); {
	case k == bundle.KindParams:
		d, err = params(data, now)
	case k == bundle.KindAWSCLI:
		d, err = awsCLI(data, now)
	case k == bundle.KindImport:
		d, err = importBundle(data, now)
	case k == bundle.KindSignedParams:
		d, err = signedParams(data, now)
	case k == bundle.KindCapabilities:
		d, err = capabilities(data)
	case bytes.Contains(data, []byte("-----BEGIN ")):
		d, err = pemKey(data)
	default:
		if err := bundle.CheckNotMisfit(data); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return nil, fmt.Errorf("%s: %w: not a parameters bundle (signed or not), an import bundle, token capabilities, AWS CLI get-parameters-for-import JSON or a PEM public key", path, bundle.ErrMalformed)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	head := Section{Title: "file"}
	head.add("path", "%s", path)
	head.add("kind", "%s", d.Kind)
	head.add("sha256", "%s", bundle.Fingerprint(data))
	d.Sections = append([]Section{head}, d.Sections...)
	return d, nil
}

// Print writes d as text: each title, then its fields indented, escaped.
func Print(w io.Writer, d *Doc) {
	for _, s := range d.Sections {
		fmt.Fprintln(w, clikit.Escape(s.Title))
		for _, f := range s.Fields {
			clikit.Field(w, 2, f.Name, f.Value)
		}
	}
}

// pemKey describes a PEM public key, read as strictly as a pinned key.
func pemKey(data []byte) (*Doc, error) {
	k, err := verify.LoadTrust(data)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKIXPublicKey(k.Public)
	if err != nil {
		return nil, err
	}
	d := &Doc{Kind: KindPublicKey}
	s := Section{Title: "public key"}
	s.add("algorithm", "%s", k.Algorithm)
	s.add("fingerprint", "%s", bundle.Fingerprint(der))
	s.add("keyid", "%s", k.KeyID)
	s.add("note", "%s", "the fingerprint is the SHA-256 of the DER SubjectPublicKeyInfo: the keyid of its signatures")
	d.Sections = append(d.Sections, s)
	return d, nil
}

// Doc is what inspect prints: titled sections of ordered fields.
type Doc struct {
	Kind     string    `json:"kind"`
	Sections []Section `json:"sections"`
}

// Section is a titled list of fields.
type Section struct {
	Title  string  `json:"title"`
	Fields []Field `json:"fields"`
}

// Field is one name and its value, printed escaped.
type Field struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

func (s *Section) add(name, format string, args ...any) {
	s.Fields = append(s.Fields, Field{name, fmt.Sprintf(format, args...)})
}

// signers lists the keyid of each signature of a signed file, grouped for
// reading aloud.
func (s *Section) signers(env *bundle.Envelope) {
	for i, sig := range env.Signatures {
		s.add(fmt.Sprintf("signature %d keyid", i+1), "%s", bundle.GroupHex(sig.KeyID))
	}
}

// token names the token that made a file.
func (s *Section) token(t bundle.TokenIdentity) {
	s.add("token", "%s / %s / serial %s / label %s", t.Manufacturer, t.Model, t.Serial, t.Label)
}

func params(data []byte, now time.Time) (*Doc, error) {
	p, err := bundle.ParseParams(data)
	if err != nil {
		return nil, err
	}
	d := &Doc{Kind: bundle.KindParams.String()}
	s := Section{Title: "parameters bundle"}
	s.add("type", "%s", p.Type)
	s.add("created at", "%s", stamp(p.CreatedAt))
	s.add("tool version", "%s", p.ToolVersion)
	s.add("entries", "%d", len(p.Entries))
	d.Sections = append(d.Sections, s)
	for i, e := range p.Entries {
		s := Section{Title: fmt.Sprintf("entry %d of %d", i+1, len(p.Entries))}
		s.add("key arn", "%s", e.KeyARN)
		s.add("account", "%s", e.Account)
		s.add("region", "%s", e.Region)
		s.add("key spec", "%s", e.KeySpec)
		s.add("key usage", "%s", e.KeyUsage)
		mr := "no"
		if e.MultiRegion {
			mr = "yes, " + e.MultiRegionRole
		}
		s.add("multi-region", "%s", mr)
		s.add("wrapping algorithm", "%s", e.WrappingAlgorithm)
		s.add("wrapping key spec", "%s", e.WrappingKeySpec)
		publicKey(&s, e.PublicKey)
		s.add("import token", "%d bytes, sha256 %s", len(e.ImportToken), bundle.Fingerprint(e.ImportToken))
		s.add("parameters valid to", "%s", validity(e.ParametersValidTo, now))
		d.Sections = append(d.Sections, s)
	}
	return d, nil
}

func awsCLI(data []byte, now time.Time) (*Doc, error) {
	a, err := bundle.ParseAWSCLIParams(data)
	if err != nil {
		return nil, err
	}
	d := &Doc{Kind: bundle.KindAWSCLI.String()}
	s := Section{Title: "get-parameters-for-import"}
	s.add("key id", "%s", a.KeyID)
	publicKey(&s, a.PublicKey)
	s.add("import token", "%d bytes, sha256 %s", len(a.ImportToken), bundle.Fingerprint(a.ImportToken))
	s.add("parameters valid to", "%s", validity(a.ParametersValidTo, now))
	s.add("note", "%s", "this JSON names no wrapping algorithm and no key spec: give wrap --wrapping-algorithm (the one asked of KMS)")
	d.Sections = append(d.Sections, s)
	return d, nil
}

func importBundle(data []byte, now time.Time) (*Doc, error) {
	ib, err := bundle.ReadImportBundle(data)
	if err != nil {
		return nil, err
	}
	env, p := ib.Envelope, ib.Payload
	d := &Doc{Kind: bundle.KindImport.String()}
	s := Section{Title: "import bundle (signatures NOT verified here: airwrap verify does, and airwrap-online submit --dry-run)"}
	s.add("payload type", "%s", env.PayloadType)
	s.signers(env)
	s.add("type", "%s", p.Type)
	s.add("params sha256", "%s", bundle.GroupHex(p.ParamsSHA256))
	s.add("params format", "%s", p.ParamsFormat)
	s.token(p.Token)
	s.add("tool version", "%s", p.ToolVersion)
	s.add("started at", "%s", stamp(p.StartedAt))
	s.add("created at", "%s", stamp(p.CreatedAt))
	s.add("operators", "%s", strings.Join(quoteAll(p.Operators), ", "))
	s.add("transcript sha256", "%s", bundle.GroupHex(p.TranscriptSHA256))
	s.add("entries", "%d", len(p.Entries))
	d.Sections = append(d.Sections, s)
	for i, e := range p.Entries {
		s := Section{Title: fmt.Sprintf("entry %d of %d", i+1, len(p.Entries))}
		s.add("key arn", "%s", e.KeyARN)
		s.add("key spec", "%s", e.KeySpec)
		s.add("wrapping algorithm", "%s", e.WrappingAlgorithm)
		s.add("wrapping key spec", "%s", e.WrappingKeySpec)
		s.add("wrapping public key", "sha256 %s", bundle.GroupHex(e.WrappingPublicKeySHA256))
		s.add("import token", "%d bytes, sha256 %s", len(e.ImportToken), bundle.Fingerprint(e.ImportToken))
		s.add("encrypted key material", "%d bytes, sha256 %s", len(e.EncryptedKeyMaterial), bundle.Fingerprint(e.EncryptedKeyMaterial))
		s.add("parameters valid to", "%s", validity(e.ParametersValidTo, now))
		s.add("expiration model", "%s", e.ExpirationModel)
		if e.ValidTo != nil {
			s.add("key material valid to", "%s", validity(*e.ValidTo, now))
		}
		if e.ImportType != "" {
			s.add("import type", "%s", e.ImportType)
		}
		if e.KeyMaterialDescription != "" {
			s.add("key material description", "%s", e.KeyMaterialDescription)
		}
		if e.KeyMaterialID != "" {
			s.add("key material id", "%s", e.KeyMaterialID)
		}
		if e.KeyMaterialIDFrom != "" {
			s.add("key material id", "the one the import into %s returns (its new material)", e.KeyMaterialIDFrom)
		}
		s.add("hsm key", "label %q, id %s, check value %s (%s)", e.HSMKey.Label, e.HSMKey.ID, e.HSMKey.CheckValue, e.HSMKey.CheckMethod)
		switch {
		case len(e.Proof.PublicKey) > 0:
			s.add("proof", "public key, sha256 %s", bundle.Fingerprint(e.Proof.PublicKey))
		case len(e.Proof.MAC) > 0:
			s.add("proof", "%s over a %d-byte challenge, mac sha256 %s", e.Proof.MACAlgorithm, len(e.Proof.Challenge), bundle.Fingerprint(e.Proof.MAC))
		default:
			s.add("proof", "none (symmetric keys: KMS checks a reimport against the first material)")
		}
		d.Sections = append(d.Sections, s)
	}
	return d, nil
}

// publicKey describes a wrapping public key with its fingerprint.
func publicKey(s *Section, der []byte) {
	desc := "not a parsable public key"
	if k, err := x509.ParsePKIXPublicKey(der); err == nil {
		if r, ok := k.(*rsa.PublicKey); ok {
			desc = fmt.Sprintf("RSA %d bits", r.N.BitLen())
		} else {
			desc = fmt.Sprintf("%T (not RSA)", k)
		}
	}
	s.add("wrapping public key", "%s, sha256 %s", desc, bundle.Fingerprint(der))
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// validity is a time with how long is left, or how long ago it passed.
func validity(t time.Time, now time.Time) string {
	d := t.Sub(now)
	if d <= 0 {
		return fmt.Sprintf("%s (EXPIRED %s ago)", stamp(t), span(-d))
	}
	return fmt.Sprintf("%s (%s left)", stamp(t), span(d))
}

func span(d time.Duration) string {
	d = d.Round(time.Minute)
	if d >= 48*time.Hour {
		days := d / (24 * time.Hour)
		return fmt.Sprintf("%dd%dh", days, (d-days*24*time.Hour)/time.Hour)
	}
	return fmt.Sprintf("%dh%02dm", d/time.Hour, (d%time.Hour)/time.Minute)
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}
