package bundle

import (
	"crypto"
	"time"
)

// Token capabilities (SPEC.md 6.1): what one token measured about itself
// (`airwrap hsm info --out`), signed by the ceremony signer in a DSSE
// envelope, carried to the online side before any parameters are fetched.

// The capabilities file's types.
const (
	CapabilitiesType        = "airwrap/token-capabilities/v1"
	CapabilitiesPayloadType = "application/vnd.airwrap.capabilities.v1+json"
)

// Limits of the capabilities payload (SPEC.md 5).
const (
	MaxReasonLen     = 1024 // a self-test verdict's reason
	MaxCapabilityLen = 32   // wrapping algorithms or key specs listed
	depthCaps        = 5    // {key_specs:[{export_refusals:[{...}]}]}; {keys:[{...}]}
)

// Capabilities is the payload: the token's identity, each wrapping
// algorithm's known-answer verdict, and for each KMS key spec whether the
// token makes such keys and with which algorithms it exports them.
type Capabilities struct {
	Type               string
	CreatedAt          time.Time
	ToolVersion        string
	Token              TokenIdentity
	WrappingAlgorithms []CapabilityAlgorithm
	KWPMechanism       string // the AES key-wrap step's mechanism, "" if none works
	KWPPadsCorrectly   bool   // false: material not a multiple of 8 bytes is refused under RSA_AES_KEY_WRAP_*
	KeySpecs           []CapabilityKeySpec
	// Keys is the token's key inventory when it was measured (R51): every
	// secret and private key `key list` shows. nil: the file has none (an
	// older file); a plan's keys are then not checked against it.
	Keys []CapabilityKey
}

// CapabilityKey is one key of the token's inventory (R51), as `key list`
// shows it.
type CapabilityKey struct {
	Label         string
	ID            string // CKA_ID, lowercase hex; "" if none
	KeySpec       string // matching KMS key spec; "" if none
	CheckValue    string // lowercase hex; "" if none
	CheckMethod   string // CheckMethod*; "" if none
	Importable    bool
	NotImportable string // why not ("" when importable)
}

// CapabilityAlgorithm is one wrapping algorithm's known-answer verdict.
type CapabilityAlgorithm struct {
	Algorithm string // KMS name
	OK        bool
	Mechanism string
	Reason    string // why not, or a limit; may be ""
}

// CapabilityKeySpec is what the token does with keys of one KMS key spec.
type CapabilityKeySpec struct {
	KeySpec          string
	CanGenerate      bool
	GenerateReason   string   // why not ("" when it can)
	ExportAlgorithms []string // wrapping algorithms that export every such key correctly, strongest first
	ExportRefusals   []CapabilityRefusal
}

// CapabilityRefusal is an algorithm KMS allows for a key spec that this
// token cannot export such keys with, and why.
type CapabilityRefusal struct {
	Algorithm string
	Reason    string
}

// SignedCapabilities is a parsed capabilities file.
type SignedCapabilities struct {
	Envelope     *Envelope
	Raw          []byte // the signed payload
	Capabilities *Capabilities
}

// ParseSignedCapabilities parses a capabilities file strictly: the envelope
// canonical with payloadType CapabilitiesPayloadType (SPEC.md R46), the
// payload canonical with exactly the fields of 6.1 (R47), problems inside it
// under the path "payload". It does not verify signatures or the payload's
// meaning (verify.OpenCapabilities does).
func ParseSignedCapabilities(data []byte) (*SignedCapabilities, error) {
	env, err := parseEnvelope(data, CapabilitiesPayloadType)
	if err != nil {
		return nil, err
	}
	raw, err := DecodeBase64("payload", env.Payload)
	if err != nil {
		return nil, err
	}
	c, err := ParseCapabilities(raw)
	if err != nil {
		return nil, repath("payload", err)
	}
	return &SignedCapabilities{Envelope: env, Raw: raw, Capabilities: c}, nil
}

// ParseCapabilities parses the payload alone (R47); every problem at once.
func ParseCapabilities(data []byte) (*Capabilities, error) {
	var p problems
	root, ok := parseTree(data, depthCaps, &p)
	if !ok {
		return nil, p.err()
	}
	o := p.object("", root)
	out := &Capabilities{
		Type:        o.enum("type", true, CapabilitiesType),
		CreatedAt:   deref(o.timestamp("created_at", true)),
		ToolVersion: o.text("tool_version", true, MaxNameLen),
	}
	t := o.child("token", true)
	out.Token = TokenIdentity{
		Manufacturer: t.text("manufacturer", false, MaxTokenFieldLen),
		Model:        t.text("model", false, MaxTokenFieldLen),
		Serial:       t.text("serial", false, MaxTokenFieldLen),
		Label:        t.text("label", true, MaxTokenFieldLen),
	}
	t.done()
	algs, path := o.array("wrapping_algorithms", true, 1, MaxCapabilityLen)
	for i, n := range algs {
		a := p.object(indexPath(path, i), n)
		out.WrappingAlgorithms = append(out.WrappingAlgorithms, CapabilityAlgorithm{
			Algorithm: a.text("algorithm", true, MaxNameLen),
			OK:        a.boolean("ok", true),
			Mechanism: a.text("mechanism", true, MaxNameLen),
			Reason:    a.text("reason", false, MaxReasonLen),
		})
		a.done()
	}
	out.KWPMechanism = o.text("kwp_mechanism", false, MaxNameLen)
	out.KWPPadsCorrectly = o.boolean("kwp_pads_correctly", true)
	specs, path := o.array("key_specs", true, 1, MaxCapabilityLen)
	for i, n := range specs {
		sp := indexPath(path, i)
		s := p.object(sp, n)
		ks := CapabilityKeySpec{
			KeySpec:        s.text("key_spec", true, MaxNameLen),
			CanGenerate:    s.boolean("can_generate", true),
			GenerateReason: s.text("generate_reason", false, MaxReasonLen),
		}
		ks.ExportAlgorithms = s.textList("export_algorithms", true, 0, MaxCapabilityLen, MaxNameLen)
		er, erPath := s.array("export_refusals", true, 0, MaxCapabilityLen)
		ks.ExportRefusals = []CapabilityRefusal{}
		for j, e := range er {
			r := p.object(indexPath(erPath, j), e)
			ks.ExportRefusals = append(ks.ExportRefusals, CapabilityRefusal{
				Algorithm: r.text("algorithm", true, MaxNameLen),
				Reason:    r.text("reason", true, MaxReasonLen),
			})
			r.done()
		}
		s.done()
		out.KeySpecs = append(out.KeySpecs, ks)
	}
	if kn, path := o.typed("keys", false, kindArray); kn != nil {
		out.Keys = []CapabilityKey{}
		keys := kn.elems
		if len(keys) > MaxEntries {
			p.add(path, "%d elements, want 0 to %d", len(keys), MaxEntries)
			keys = nil
		}
		for i, n := range keys {
			k := p.object(indexPath(path, i), n)
			out.Keys = append(out.Keys, CapabilityKey{
				Label:         k.textOrEmpty("label", MaxNameLen),
				ID:            k.hexOrEmpty("id", MaxCKAIDHexLen),
				KeySpec:       k.textOrEmpty("key_spec", MaxNameLen),
				CheckValue:    k.hexOrEmpty("check_value", MaxCheckValueHex),
				CheckMethod:   k.enum("check_method", true, "", CheckMethodAESKCV, CheckMethodHMAC, CheckMethodSPKISHA256),
				Importable:    k.boolean("importable", true),
				NotImportable: k.text("not_importable", false, MaxReasonLen),
			})
			k.done()
		}
	}
	o.done()
	checkCanonical(&p, data, func() ([]byte, error) { return encodeCapabilities(out) })
	if err := p.err(); err != nil {
		return nil, err
	}
	return out, nil
}

type wireCaps struct {
	Type               string         `json:"type"`
	CreatedAt          string         `json:"created_at"`
	ToolVersion        string         `json:"tool_version"`
	Token              wireCapsToken  `json:"token"`
	WrappingAlgorithms []wireCapsAlg  `json:"wrapping_algorithms"`
	KWPMechanism       string         `json:"kwp_mechanism,omitempty"`
	KWPPadsCorrectly   bool           `json:"kwp_pads_correctly"`
	KeySpecs           []wireCapsSpec `json:"key_specs"`
	Keys               *[]wireCapsKey `json:"keys,omitempty"`
}

type wireCapsKey struct {
	Label         string `json:"label"`
	ID            string `json:"id"`
	KeySpec       string `json:"key_spec"`
	CheckValue    string `json:"check_value"`
	CheckMethod   string `json:"check_method"`
	Importable    bool   `json:"importable"`
	NotImportable string `json:"not_importable,omitempty"`
}

type wireCapsToken struct {
	Manufacturer string `json:"manufacturer,omitempty"`
	Model        string `json:"model,omitempty"`
	Serial       string `json:"serial,omitempty"`
	Label        string `json:"label"`
}

type wireCapsAlg struct {
	Algorithm string `json:"algorithm"`
	OK        bool   `json:"ok"`
	Mechanism string `json:"mechanism"`
	Reason    string `json:"reason,omitempty"`
}

type wireCapsSpec struct {
	KeySpec          string            `json:"key_spec"`
	CanGenerate      bool              `json:"can_generate"`
	GenerateReason   string            `json:"generate_reason,omitempty"`
	ExportAlgorithms []string          `json:"export_algorithms"`
	ExportRefusals   []wireCapsRefusal `json:"export_refusals"`
}

type wireCapsRefusal struct {
	Algorithm string `json:"algorithm"`
	Reason    string `json:"reason"`
}

func encodeCapabilities(in *Capabilities) ([]byte, error) {
	w := wireCaps{
		Type: in.Type, CreatedAt: formatTime(in.CreatedAt), ToolVersion: in.ToolVersion,
		Token:              wireCapsToken{in.Token.Manufacturer, in.Token.Model, in.Token.Serial, in.Token.Label},
		WrappingAlgorithms: []wireCapsAlg{}, KWPMechanism: in.KWPMechanism, KWPPadsCorrectly: in.KWPPadsCorrectly,
		KeySpecs: []wireCapsSpec{},
	}
	for _, a := range in.WrappingAlgorithms {
		w.WrappingAlgorithms = append(w.WrappingAlgorithms, wireCapsAlg(a))
	}
	for _, s := range in.KeySpecs {
		ws := wireCapsSpec{KeySpec: s.KeySpec, CanGenerate: s.CanGenerate, GenerateReason: s.GenerateReason,
			ExportAlgorithms: append([]string{}, s.ExportAlgorithms...), ExportRefusals: []wireCapsRefusal{}}
		for _, r := range s.ExportRefusals {
			ws.ExportRefusals = append(ws.ExportRefusals, wireCapsRefusal(r))
		}
		w.KeySpecs = append(w.KeySpecs, ws)
	}
	if in.Keys != nil {
		keys := []wireCapsKey{}
		for _, k := range in.Keys {
			keys = append(keys, wireCapsKey(k))
		}
		w.Keys = &keys
	}
	return encodeJSON(w, "  ")
}

// MarshalCapabilities writes the canonical payload; it refuses what
// ParseCapabilities would refuse.
func MarshalCapabilities(in *Capabilities) ([]byte, error) {
	out, err := encodeCapabilities(in)
	return readsBack(out, err, ParseCapabilities)
}

// SignCapabilities marshals c and signs it with each signer (each signature
// verified right after it is made): the canonical capabilities file.
func SignCapabilities(c *Capabilities, signers ...crypto.Signer) ([]byte, error) {
	payload, err := MarshalCapabilities(c)
	if err != nil {
		return nil, err
	}
	env, err := SignEnvelope(CapabilitiesPayloadType, payload, signers...)
	if err != nil {
		return nil, err
	}
	return MarshalSignedCapabilities(env)
}

// MarshalSignedCapabilities writes a capabilities envelope canonically; it
// refuses what ParseSignedCapabilities would refuse.
func MarshalSignedCapabilities(env *Envelope) ([]byte, error) {
	out, err := encodeEnvelope(env)
	return readsBack(out, err, ParseSignedCapabilities)
}
