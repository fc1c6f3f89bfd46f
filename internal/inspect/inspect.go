package main

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/airwrap/airwrap/internal/clikit"
	"github.com/urfave/cli/v2"

	"github.com/airwrap/airwrap/bundle"
)

func inspectCommand() *cli.Command {
	return &cli.Command{
		Name:      "inspect",
		Usage:     "show every field of a parameters bundle, import bundle or AWS CLI JSON (no HSM needed)",
		UsageText: "airwrap [global options] inspect FILE",
		Description: `Shows every field, how long the parameters (and key material) stay valid,
and SHA-256 fingerprints of the wrapping public key and the import token in
groups of four, to read aloud across the air gap and compare with the online
side. Strings from the file are escaped, so a hostile file cannot drive the
terminal. inspect does not verify signatures: use ` + "`airwrap verify`" + `.

Example:
   airwrap inspect params.json`,
		Action: inspectAction,
	}
}

// doc is what inspect prints: titled sections of ordered fields.
type doc struct {
	Kind     string    `json:"kind"`
	Sections []section `json:"sections"`
}

type section struct {
	Title  string `json:"title"`
	Fields []kv   `json:"fields"`
}

type kv struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

func (s *section) add(name, format string, args ...any) {
	s.Fields = append(s.Fields, kv{name, fmt.Sprintf(format, args...)})
}

func inspectAction(c *cli.Context) error {
	if c.NArg() != 1 {
		return usagef("inspect takes exactly one FILE")
	}
	path := c.Args().First()
	data, err := bundle.ReadFile(path)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	var d *doc
	switch k := bundle.Detect(data); k {
	case bundle.KindParams:
		d, err = inspectParams(data, now)
	case bundle.KindAWSCLI:
		d, err = inspectAWSCLI(data, now)
	case bundle.KindImport:
		d, err = inspectImport(data, now)
	case bundle.KindSignedParams:
		d, err = inspectSignedParams(data, now)
	default:
		return fmt.Errorf("%s: %w: not a parameters bundle (signed or not), an import bundle or AWS CLI get-parameters-for-import JSON", path, bundle.ErrMalformed)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	head := section{Title: "file"}
	head.add("path", "%s", path)
	head.add("kind", "%s", d.Kind)
	head.add("sha256", "%s", bundle.Fingerprint(data))
	d.Sections = append([]section{head}, d.Sections...)
	return emit(c, d, func(w io.Writer) {
		for _, s := range d.Sections {
			fmt.Fprintln(w, clikit.Escape(s.Title))
			for _, f := range s.Fields {
				field(w, 2, f.Name, f.Value)
			}
		}
	})
}

func inspectParams(data []byte, now time.Time) (*doc, error) {
	p, err := bundle.ParseParams(data)
	if err != nil {
		return nil, err
	}
	d := &doc{Kind: bundle.KindParams.String()}
	s := section{Title: "parameters bundle"}
	s.add("type", "%s", p.Type)
	s.add("created at", "%s", stamp(p.CreatedAt))
	s.add("tool version", "%s", p.ToolVersion)
	s.add("entries", "%d", len(p.Entries))
	d.Sections = append(d.Sections, s)
	for i, e := range p.Entries {
		s := section{Title: fmt.Sprintf("entry %d of %d", i+1, len(p.Entries))}
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

func inspectAWSCLI(data []byte, now time.Time) (*doc, error) {
	a, err := bundle.ParseAWSCLIParams(data)
	if err != nil {
		return nil, err
	}
	d := &doc{Kind: bundle.KindAWSCLI.String()}
	s := section{Title: "get-parameters-for-import"}
	s.add("key id", "%s", a.KeyID)
	publicKey(&s, a.PublicKey)
	s.add("import token", "%d bytes, sha256 %s", len(a.ImportToken), bundle.Fingerprint(a.ImportToken))
	s.add("parameters valid to", "%s", validity(a.ParametersValidTo, now))
	s.add("note", "%s", "this JSON names no wrapping algorithm and no key spec: give wrap --wrapping-algorithm (the one asked of KMS)")
	d.Sections = append(d.Sections, s)
	return d, nil
}

func inspectImport(data []byte, now time.Time) (*doc, error) {
	env, err := bundle.ParseEnvelope(data)
	if err != nil {
		return nil, err
	}
	raw, err := base64.StdEncoding.DecodeString(env.Payload)
	if err != nil {
		return nil, fmt.Errorf("payload: %w", err)
	}
	p, err := bundle.ParseImportPayload(raw)
	if err != nil {
		return nil, fmt.Errorf("payload: %w", err)
	}
	d := &doc{Kind: bundle.KindImport.String()}
	s := section{Title: "import bundle (signatures NOT verified here: use airwrap verify)"}
	s.add("payload type", "%s", env.PayloadType)
	for i, sig := range env.Signatures {
		s.add(fmt.Sprintf("signature %d keyid", i+1), "%s", group(sig.KeyID))
	}
	s.add("type", "%s", p.Type)
	s.add("params sha256", "%s", group(p.ParamsSHA256))
	s.add("params format", "%s", p.ParamsFormat)
	s.add("token", "%s / %s / serial %s / label %s", p.Token.Manufacturer, p.Token.Model, p.Token.Serial, p.Token.Label)
	s.add("tool version", "%s", p.ToolVersion)
	s.add("started at", "%s", stamp(p.StartedAt))
	s.add("created at", "%s", stamp(p.CreatedAt))
	s.add("operators", "%s", strings.Join(quoteAll(p.Operators), ", "))
	s.add("transcript sha256", "%s", group(p.TranscriptSHA256))
	s.add("entries", "%d", len(p.Entries))
	d.Sections = append(d.Sections, s)
	for i, e := range p.Entries {
		s := section{Title: fmt.Sprintf("entry %d of %d", i+1, len(p.Entries))}
		s.add("key arn", "%s", e.KeyARN)
		s.add("key spec", "%s", e.KeySpec)
		s.add("wrapping algorithm", "%s", e.WrappingAlgorithm)
		s.add("wrapping key spec", "%s", e.WrappingKeySpec)
		s.add("wrapping public key", "sha256 %s", group(e.WrappingPublicKeySHA256))
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
func publicKey(s *section, der []byte) {
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

// group splits a hex digest into groups of four for reading aloud.
func group(h string) string {
	var g []string
	for len(h) > 4 {
		g = append(g, h[:4])
		h = h[4:]
	}
	return strings.Join(append(g, h), " ")
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}
