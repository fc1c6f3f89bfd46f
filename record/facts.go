package record

import (
	"crypto/x509"
	"fmt"
	"strconv"
	"time"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/verify"
)

// facts is everything Build checked, ready to lay out.
type facts struct {
	in        Input
	env       *bundle.Envelope
	raw       []byte // the signed payload
	p         *bundle.ImportPayload
	lines     []line
	bound     int // index into lines of the line the signature binds
	trustedBy []verify.TrustedKey
	pubs      map[string][]byte // key ARN -> wrapping public key, when --params was given
}

const notRecorded = "not in the transcript"

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func (f *facts) document() *Document {
	d := &Document{
		Title: "Key import ceremony record",
		Intro: "Printed by airwrap " + Shown(f.in.ToolVersion) + " from the files named below, after the checks listed under " +
			"\"Checks made before printing\". Before signing, read each fingerprint aloud and compare it with the screen " +
			"of the machine that ran the ceremony and with the online side. Fill in the blank lines by hand.",
		Footer:  "bundle sha256 " + bundle.Fingerprint(f.in.Bundle),
		Created: f.p.CreatedAt,
	}
	d.Sections = append(d.Sections, f.ceremony(), f.token())
	for i := range f.p.Entries {
		d.Sections = append(d.Sections, f.key(i))
	}
	d.Sections = append(d.Sections, f.hashes(), f.checks())
	for _, op := range f.p.Operators {
		d.Signers = append(d.Signers, Shown(op))
	}
	return d
}

// step returns the last line before or at the bound line with this step name:
// only what the signature covers is printed as the ceremony's facts.
func (f *facts) step(name string) (line, bool) {
	for i := f.bound; i >= 0; i-- {
		if s, _ := f.lines[i].str("step"); s == name {
			return f.lines[i], true
		}
	}
	return line{}, false
}

func (f *facts) ceremony() Section {
	s := Section{Title: "Ceremony"}
	add := func(name, value string) { s.Rows = append(s.Rows, Row{Name: name, Value: value}) }
	s.Rows = append(s.Rows,
		Row{Name: "Ceremony reference", Fill: true},
		Row{Name: "Place", Fill: true},
		Row{Name: "Local date and time", Fill: true})
	add("Started (UTC)", stamp(f.p.StartedAt))
	add("Payload signed (UTC)", stamp(f.p.CreatedAt))
	add("Import bundle", Shown(f.in.BundlePath))
	add("Transcript", Shown(f.in.TranscriptPath)+" ("+strconv.Itoa(len(f.lines))+" lines)")
	params := Shown(f.p.ParamsFormat)
	if f.in.Params != nil {
		params = Shown(f.in.ParamsPath) + " (" + params + ")"
	}
	add("Parameters", params)
	add("Keys imported", strconv.Itoa(len(f.p.Entries)))
	add("Operators recorded", joinShown(f.p.Operators))
	add("airwrap that wrapped", Shown(f.p.ToolVersion))
	return s
}

func (f *facts) token() Section {
	s := Section{Title: "HSM token"}
	add := func(name, value string, mono bool) {
		s.Rows = append(s.Rows, Row{Name: name, Value: value, Mono: mono})
	}
	t := f.p.Token
	add("Manufacturer", Shown(t.Manufacturer), false)
	add("Model", Shown(t.Model), false)
	add("Serial number", Shown(t.Serial), true)
	add("Token label", Shown(t.Label), false)
	id, ok := f.step("token.identity")
	for _, kv := range [][2]string{{"PKCS#11 module", "module"}, {"Module manufacturer", "module_manufacturer"}, {"Module version", "module_version"}} {
		v := notRecorded
		if ok {
			if x, has := id.str(kv[1]); has {
				v = Shown(x)
			}
		}
		add(kv[0], v, false)
	}
	st, ok := f.step("token.selftest")
	if !ok {
		add("Known-answer tests", notRecorded, false)
		return s
	}
	passed, _ := st.list("algorithms_ok")
	refused, _ := st.list("algorithms_refused")
	add("Known-answer: passed", joinShown(passed), false)
	add("Known-answer: refused", joinShown(refused), false)
	kwp := notRecorded
	if m, has := st.str("kwp_mechanism"); has {
		kwp = Shown(m)
		if pads, ok := st.fields["kwp_pads_correctly"].(bool); ok {
			kwp += map[bool]string{true: ", pads correctly", false: ", does NOT pad correctly"}[pads]
		}
	}
	add("AES key wrap (RFC 5649)", kwp, false)
	return s
}

func (f *facts) key(i int) Section {
	e := f.p.Entries[i]
	s := Section{Title: fmt.Sprintf("Key %d of %d", i+1, len(f.p.Entries))}
	add := func(name, value string, mono bool) {
		s.Rows = append(s.Rows, Row{Name: name, Value: value, Mono: mono})
	}
	add("KMS key ARN", Shown(e.KeyARN), true)
	add("Key spec (algorithm)", Shown(e.KeySpec), false)
	add("HSM key label", Shown(e.HSMKey.Label), false)
	add("CKA_ID (hex)", orNone(e.HSMKey.ID), true)
	add("Check value ("+Shown(e.HSMKey.CheckMethod)+")", Shown(e.HSMKey.CheckValue), true)
	add("Wrapping", Shown(e.WrappingAlgorithm)+" under "+Shown(e.WrappingKeySpec), false)
	if der, ok := f.pubs[e.KeyARN]; ok {
		add("Wrapping public key SHA-256", bundle.Fingerprint(der), true)
	} else {
		add("Wrapping public key SHA-256", e.WrappingPublicKeySHA256+" as the bundle states (not checked: no parameters file given)", true)
	}
	add(fmt.Sprintf("Import token SHA-256 (%d bytes)", len(e.ImportToken)), bundle.Fingerprint(e.ImportToken), true)
	add(fmt.Sprintf("Wrapped material SHA-256 (%d bytes)", len(e.EncryptedKeyMaterial)), bundle.Fingerprint(e.EncryptedKeyMaterial), true)
	switch {
	case len(e.Proof.PublicKey) > 0:
		add("Key's public key SHA-256", bundle.Fingerprint(e.Proof.PublicKey), true)
	case len(e.Proof.MAC) > 0:
		add("Proof MAC SHA-256 ("+Shown(e.Proof.MACAlgorithm)+")", bundle.Fingerprint(e.Proof.MAC), true)
	}
	add("Parameters valid to (UTC)", stamp(e.ParametersValidTo), false)
	if e.ValidTo != nil {
		add("Key material expires (UTC)", stamp(*e.ValidTo), false)
	} else {
		add("Key material expires", "never ("+Shown(e.ExpirationModel)+")", false)
	}
	// What the import is (symmetric keys): a first import leaves these out.
	if e.ImportType != "" {
		add("Import type", Shown(e.ImportType), false)
	}
	if e.KeyMaterialDescription != "" {
		add("Key material description", Shown(e.KeyMaterialDescription), false)
	}
	if e.KeyMaterialID != "" {
		add("Key material id (reimported)", Shown(e.KeyMaterialID), true)
	}
	if e.KeyMaterialIDFrom != "" {
		add("Key material id", "the one KMS returns for the import into "+Shown(e.KeyMaterialIDFrom)+" (multi-Region replica)", true)
	}
	return s
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return Shown(s)
}

func (f *facts) hashes() Section {
	s := Section{Title: "Fingerprints to read aloud (SHA-256)"}
	add := func(name, value string) { s.Rows = append(s.Rows, Row{Name: name, Value: value, Mono: true}) }
	if f.in.Params != nil {
		add("Parameters file", bundle.Fingerprint(f.in.Params))
	} else {
		add("Parameters file", f.p.ParamsSHA256+" as the bundle states (not checked: no parameters file given)")
	}
	add("Signed payload (what every signature covers)", bundle.Fingerprint(f.raw))
	add("Import bundle file", bundle.Fingerprint(f.in.Bundle))
	add("Transcript file", bundle.Fingerprint(f.in.Transcript))
	bound := f.lines[f.bound]
	step, _ := bound.str("step")
	add(fmt.Sprintf("Transcript line %d (%s), bound by the signature", f.bound+1, Shown(step)), bundle.Fingerprint(bound.raw))
	last := len(f.lines) - 1
	if last != f.bound {
		step, _ := f.lines[last].str("step")
		add(fmt.Sprintf("Transcript line %d (%s), the last", last+1, Shown(step)), bundle.Fingerprint(f.lines[last].raw))
	}
	for i, sig := range f.env.Signatures {
		name := fmt.Sprintf("Signature %d of %d, signer key", i+1, len(f.env.Signatures))
		if t, ok := f.trusted(sig.KeyID); ok {
			add(name+" (trusted)", t)
		} else {
			add(name, Shown(sig.KeyID)+" (keyid as the bundle states: not verified)")
		}
	}
	return s
}

// trusted returns the fingerprint of the trusted key with this keyid whose
// signature verified.
func (f *facts) trusted(keyID string) (string, bool) {
	for _, t := range f.trustedBy {
		if t.KeyID != keyID {
			continue
		}
		der, err := x509.MarshalPKIXPublicKey(t.Public)
		if err != nil {
			return "", false
		}
		return bundle.Fingerprint(der), true
	}
	return "", false
}

func (f *facts) checks() Section {
	s := Section{Title: "Checks made before printing"}
	add := func(name, value string) { s.Rows = append(s.Rows, Row{Name: name, Value: value}) }
	add("Transcript chain", fmt.Sprintf("all %d lines link to the line before them", len(f.lines)))
	var after []string
	for _, l := range f.lines[f.bound+1:] {
		st, _ := l.str("step")
		after = append(after, st)
	}
	bound, _ := f.lines[f.bound].str("step")
	v := fmt.Sprintf("the signed payload names line %d (%s); the facts above come from the bundle and lines 1 to %d", f.bound+1, Shown(bound), f.bound+1)
	if len(after) > 0 {
		v += "; after it, not signed but checked against this bundle file (its payload, its signers in order, its SHA-256): " + joinShown(after)
	}
	add("Transcript bound to the bundle", v)
	if len(f.in.Trusted) > 0 {
		var srcs []string
		for _, t := range f.trustedBy {
			srcs = append(srcs, t.Source)
		}
		add("Signatures", fmt.Sprintf("%d of %d verified with trusted keys: %s", len(f.trustedBy), len(f.env.Signatures), joinShown(srcs)))
	} else {
		add("Signatures", "NOT verified: no trusted key given (airwrap record --trust PEM)")
	}
	if f.in.Params != nil {
		add("Parameters", "the bundle answers "+Shown(f.in.ParamsPath)+" exactly")
	} else {
		add("Parameters", "NOT checked: no parameters file given (airwrap record --params FILE)")
	}
	return s
}
