package inspect

import (
	"fmt"
	"strings"

	"github.com/airwrap/airwrap/bundle"
)

// capabilities describes a token's signed capabilities (airwrap hsm info
// --out): the signers, the token, each algorithm's known-answer verdict,
// what each key spec exports with, and the key inventory (SPEC.md 6.1).
func capabilities(data []byte) (*Doc, error) {
	sc, err := bundle.ParseSignedCapabilities(data)
	if err != nil {
		return nil, err
	}
	c := sc.Capabilities
	d := &Doc{Kind: bundle.KindCapabilities.String()}
	s := Section{Title: "token capabilities (signatures NOT verified here: airwrap-online prepare --capabilities-trust and airwrap ceremony check do)"}
	s.add("payload type", "%s", sc.Envelope.PayloadType)
	s.add("payload sha256", "%s", bundle.Fingerprint(sc.Raw))
	s.signers(sc.Envelope)
	s.add("type", "%s", c.Type)
	s.add("created at", "%s", stamp(c.CreatedAt))
	s.add("tool version", "%s", c.ToolVersion)
	s.token(c.Token)
	kwp := "none works"
	if c.KWPMechanism != "" {
		kwp = c.KWPMechanism + map[bool]string{true: ", pads correctly", false: ", does NOT pad correctly"}[c.KWPPadsCorrectly]
	}
	s.add("AES key wrap (RFC 5649)", "%s", kwp)
	d.Sections = append(d.Sections, s)

	a := Section{Title: "wrapping algorithms (known-answer tests)"}
	for _, alg := range c.WrappingAlgorithms {
		v := "refused"
		if alg.OK {
			v = "OK (" + alg.Mechanism + ")"
		}
		if alg.Reason != "" {
			v += ": " + alg.Reason
		}
		a.add(alg.Algorithm, "%s", v)
	}
	d.Sections = append(d.Sections, a)

	k := Section{Title: "key specs"}
	for _, ks := range c.KeySpecs {
		var parts []string
		if ks.CanGenerate {
			parts = append(parts, "generates")
		} else {
			parts = append(parts, "cannot generate: "+ks.GenerateReason)
		}
		if len(ks.ExportAlgorithms) > 0 {
			parts = append(parts, "exports with "+strings.Join(ks.ExportAlgorithms, ", "))
		} else {
			parts = append(parts, "exports with nothing")
		}
		for _, r := range ks.ExportRefusals {
			parts = append(parts, "not "+r.Algorithm+": "+r.Reason)
		}
		k.add(ks.KeySpec, "%s", strings.Join(parts, "; "))
	}
	d.Sections = append(d.Sections, k)

	inv := Section{Title: fmt.Sprintf("key inventory (%d keys, as of its created at)", len(c.Keys))}
	if c.Keys == nil {
		inv.Title = "key inventory: none in this file (an older file)"
	}
	for _, key := range c.Keys {
		v := fmt.Sprintf("id %s", orNone(key.ID))
		if key.KeySpec != "" {
			v += ", " + key.KeySpec
		}
		if key.CheckValue != "" {
			v += fmt.Sprintf(", check value %s (%s)", key.CheckValue, key.CheckMethod)
		}
		if key.Importable {
			v += ", importable"
		} else {
			v += ", NOT importable: " + key.NotImportable
		}
		inv.add(fmt.Sprintf("%q", key.Label), "%s", v)
	}
	d.Sections = append(d.Sections, inv)
	return d, nil
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
