package bundle

import "github.com/airwrap/airwrap/kmsrules"

// Expiration models and import types as KMS spells them.
const (
	ModelExpires       = "KEY_MATERIAL_EXPIRES"
	ModelDoesNotExpire = "KEY_MATERIAL_DOES_NOT_EXPIRE"
	ImportNew          = kmsrules.ImportNew
	ImportExisting     = kmsrules.ImportExisting
)

// ParseImportPayload parses the signed statement inside an import bundle.
// It must be the canonical encoding byte for byte (MarshalImportPayload of
// the result): one encoding per statement, so nothing about a signed file
// can change without changing the signed bytes' meaning or failing here.
func ParseImportPayload(data []byte) (*ImportPayload, error) {
	var p problems
	root, ok := parseTree(data, depthPayload, &p)
	if !ok {
		return nil, p.err()
	}
	out := readPayload(&p, root)
	checkCanonical(&p, data, func() ([]byte, error) { return encodePayload(out) })
	if err := p.err(); err != nil {
		return nil, err
	}
	return out, nil
}

func readPayload(p *problems, root *node) *ImportPayload {
	o := p.object("", root)
	out := &ImportPayload{
		Type:         o.enum("type", true, ImportType),
		ParamsSHA256: o.hexString("params_sha256", true, 64, 0),
		ParamsFormat: o.enum("params_format", true, ParamsType, ParamsFormatAWSCLI, ParamsFormatSigned),
	}
	t := o.child("token", true)
	out.Token = TokenIdentity{
		Manufacturer: t.text("manufacturer", false, MaxTokenFieldLen),
		Model:        t.text("model", false, MaxTokenFieldLen),
		Serial:       t.text("serial", false, MaxTokenFieldLen),
		Label:        t.text("label", true, MaxTokenFieldLen),
	}
	t.done()
	out.ToolVersion = o.text("tool_version", true, MaxNameLen)
	out.StartedAt = deref(o.timestamp("started_at", true))
	out.CreatedAt = deref(o.timestamp("created_at", true))
	out.Operators = o.textList("operators", true, 0, MaxOperators, MaxNameLen)
	out.TranscriptSHA256 = o.hexString("transcript_sha256", true, 64, 0)
	elems, path := o.array("entries", true, 1, MaxEntries)
	for i, n := range elems {
		out.Entries = append(out.Entries, readImportEntry(p.object(indexPath(path, i), n)))
	}
	o.done()
	return out
}

func readImportEntry(o *obj) ImportEntry {
	e := ImportEntry{
		KeyARN:                  o.text("key_arn", true, MaxARNLen),
		KeySpec:                 o.text("key_spec", true, MaxNameLen),
		WrappingAlgorithm:       o.text("wrapping_algorithm", true, MaxNameLen),
		WrappingKeySpec:         o.text("wrapping_key_spec", true, MaxNameLen),
		WrappingPublicKeySHA256: o.hexString("wrapping_public_key_sha256", true, 64, 0),
		ImportToken:             o.b64("import_token", true, 1, MaxImportTokenSize),
		EncryptedKeyMaterial:    o.b64("encrypted_key_material", true, MinEncryptedSize, MaxEncryptedSize),
		ParametersValidTo:       deref(o.timestamp("parameters_valid_to", true)),
		ExpirationModel:         o.enum("expiration_model", true, ModelExpires, ModelDoesNotExpire),
		ValidTo:                 o.timestamp("valid_to", false),
		ImportType:              o.enum("import_type", false, ImportNew, ImportExisting),
	}
	if n, path := o.typed("key_material_description", false, kindString); n != nil {
		if kmsrules.CheckDescription(n.s) != nil {
			o.p.add(path, "want 1 to %d characters of a-z A-Z 0-9 : / _ . - and white space", MaxDescriptionLen)
		}
		e.KeyMaterialDescription = n.s
	}
	e.KeyMaterialID = o.hexString("key_material_id", false, kmsrules.KeyMaterialIDLen, 0)
	e.KeyMaterialIDFrom = o.text("key_material_id_from", false, MaxARNLen)
	h := o.child("hsm_key", true)
	e.HSMKey = HSMKeyRef{
		Label:       h.text("label", true, MaxNameLen),
		ID:          h.hexString("id", true, 0, MaxCKAIDHexLen),
		CheckValue:  h.hexString("check_value", true, 0, MaxCheckValueHex),
		CheckMethod: h.enum("check_method", true, CheckMethodAESKCV, CheckMethodHMAC, CheckMethodSPKISHA256),
	}
	h.done()
	pr := o.child("proof", true)
	e.Proof = Proof{
		PublicKey:    pr.b64("public_key", false, 1, MaxPublicKeySize),
		MACAlgorithm: pr.text("mac_algorithm", false, MaxNameLen),
		Challenge:    pr.b64("challenge", false, 1, MaxChallengeSize),
		MAC:          pr.b64("mac", false, 1, MaxMACSize),
	}
	pr.done()
	o.done()
	return e
}

type wirePayload struct {
	Type             string        `json:"type"`
	ParamsSHA256     string        `json:"params_sha256"`
	ParamsFormat     string        `json:"params_format"`
	Token            TokenIdentity `json:"token"`
	ToolVersion      string        `json:"tool_version"`
	StartedAt        string        `json:"started_at"`
	CreatedAt        string        `json:"created_at"`
	Operators        []string      `json:"operators"`
	TranscriptSHA256 string        `json:"transcript_sha256"`
	Entries          []wireEntry   `json:"entries"`
}

type wireEntry struct {
	KeyARN                  string    `json:"key_arn"`
	KeySpec                 string    `json:"key_spec"`
	WrappingAlgorithm       string    `json:"wrapping_algorithm"`
	WrappingKeySpec         string    `json:"wrapping_key_spec"`
	WrappingPublicKeySHA256 string    `json:"wrapping_public_key_sha256"`
	ImportToken             []byte    `json:"import_token"`
	EncryptedKeyMaterial    []byte    `json:"encrypted_key_material"`
	ParametersValidTo       string    `json:"parameters_valid_to"`
	ExpirationModel         string    `json:"expiration_model"`
	ValidTo                 string    `json:"valid_to,omitempty"`
	ImportType              string    `json:"import_type,omitempty"`
	KeyMaterialDescription  string    `json:"key_material_description,omitempty"`
	KeyMaterialID           string    `json:"key_material_id,omitempty"`
	KeyMaterialIDFrom       string    `json:"key_material_id_from,omitempty"`
	HSMKey                  HSMKeyRef `json:"hsm_key"`
	Proof                   Proof     `json:"proof"`
}

// MarshalImportPayload writes the canonical payload: compact JSON, fields in
// the order of bundle/types.go, UTC timestamps, no HTML escaping, no final
// newline. It refuses what ParseImportPayload would refuse.
func MarshalImportPayload(in *ImportPayload) ([]byte, error) {
	out, err := encodePayload(in)
	return readsBack(out, err, ParseImportPayload)
}

func encodePayload(in *ImportPayload) ([]byte, error) {
	w := wirePayload{
		Type: in.Type, ParamsSHA256: in.ParamsSHA256, ParamsFormat: in.ParamsFormat, Token: in.Token,
		ToolVersion: in.ToolVersion, StartedAt: formatTime(in.StartedAt), CreatedAt: formatTime(in.CreatedAt),
		Operators: in.Operators, TranscriptSHA256: in.TranscriptSHA256, Entries: []wireEntry{},
	}
	if w.Operators == nil {
		w.Operators = []string{}
	}
	for _, e := range in.Entries {
		we := wireEntry{
			KeyARN: e.KeyARN, KeySpec: e.KeySpec, WrappingAlgorithm: e.WrappingAlgorithm,
			WrappingKeySpec: e.WrappingKeySpec, WrappingPublicKeySHA256: e.WrappingPublicKeySHA256,
			ImportToken: e.ImportToken, EncryptedKeyMaterial: e.EncryptedKeyMaterial,
			ParametersValidTo: formatTime(e.ParametersValidTo), ExpirationModel: e.ExpirationModel,
			ImportType: e.ImportType, KeyMaterialDescription: e.KeyMaterialDescription,
			KeyMaterialID: e.KeyMaterialID, KeyMaterialIDFrom: e.KeyMaterialIDFrom, HSMKey: e.HSMKey, Proof: e.Proof,
		}
		if e.ValidTo != nil {
			we.ValidTo = formatTime(*e.ValidTo)
		}
		w.Entries = append(w.Entries, we)
	}
	return encodeJSON(w, "")
}
