package bundle

import (
	"bytes"
	"encoding/json"
)

// Parameters bundles are parsed strictly but tolerate insignificant
// whitespace: their integrity comes from the SHA-256 of the file as read
// (bound into the import bundle as params_sha256) and the fingerprints read
// aloud, not from re-encoding, and an operator may view them with a
// pretty-printer. MarshalParams writes the canonical form (SPEC.md).

// MultiRegion roles (ParamsEntry.MultiRegionRole).
const (
	RolePrimary = "PRIMARY"
	RoleReplica = "REPLICA"
)

// ParseParams parses a parameters bundle (SPEC.md, "Parameters bundle").
// Every problem is reported at once; errors.Is(err, ErrMalformed) holds.
func ParseParams(data []byte) (*Params, error) {
	var p problems
	root, ok := parseTree(data, depthParams, &p)
	if !ok {
		return nil, p.err()
	}
	out := readParams(&p, root)
	if err := p.err(); err != nil {
		return nil, err
	}
	return out, nil
}

func readParams(p *problems, root *node) *Params {
	o := p.object("", root)
	out := &Params{
		Type:        o.enum("type", true, ParamsType),
		CreatedAt:   deref(o.timestamp("created_at", true)),
		ToolVersion: o.text("tool_version", true, MaxNameLen),
	}
	elems, path := o.array("entries", true, 1, MaxEntries)
	for i, n := range elems {
		out.Entries = append(out.Entries, readParamsEntry(p.object(indexPath(path, i), n)))
	}
	o.done()
	return out
}

func readParamsEntry(o *obj) ParamsEntry {
	e := ParamsEntry{
		KeyARN:            o.text("key_arn", true, MaxARNLen),
		Account:           o.text("account", true, MaxNameLen),
		Region:            o.text("region", true, MaxNameLen),
		KeySpec:           o.text("key_spec", true, MaxNameLen),
		KeyUsage:          o.text("key_usage", true, MaxNameLen),
		MultiRegion:       o.boolean("multi_region", true),
		MultiRegionRole:   o.enum("multi_region_role", false, RolePrimary, RoleReplica),
		WrappingAlgorithm: o.text("wrapping_algorithm", true, MaxNameLen),
		WrappingKeySpec:   o.text("wrapping_key_spec", true, MaxNameLen),
		PublicKey:         o.b64("public_key", true, 1, MaxPublicKeySize),
		ImportToken:       o.b64("import_token", true, 1, MaxImportTokenSize),
		ParametersValidTo: deref(o.timestamp("parameters_valid_to", true)),
	}
	o.done()
	return e
}

type wireParams struct {
	Type        string            `json:"type"`
	CreatedAt   string            `json:"created_at"`
	ToolVersion string            `json:"tool_version"`
	Entries     []wireParamsEntry `json:"entries"`
}

type wireParamsEntry struct {
	KeyARN            string `json:"key_arn"`
	Account           string `json:"account"`
	Region            string `json:"region"`
	KeySpec           string `json:"key_spec"`
	KeyUsage          string `json:"key_usage"`
	MultiRegion       bool   `json:"multi_region"`
	MultiRegionRole   string `json:"multi_region_role,omitempty"`
	WrappingAlgorithm string `json:"wrapping_algorithm"`
	WrappingKeySpec   string `json:"wrapping_key_spec"`
	PublicKey         []byte `json:"public_key"`
	ImportToken       []byte `json:"import_token"`
	ParametersValidTo string `json:"parameters_valid_to"`
}

// MarshalParams writes the canonical form: two-space indented JSON, fields
// in SPEC.md order, UTC timestamps, a final newline. It refuses a Params that
// ParseParams would refuse.
func MarshalParams(in *Params) ([]byte, error) {
	out, err := encodeParams(in)
	return readsBack(out, err, ParseParams)
}

func encodeParams(in *Params) ([]byte, error) {
	w := wireParams{Type: in.Type, CreatedAt: formatTime(in.CreatedAt), ToolVersion: in.ToolVersion, Entries: []wireParamsEntry{}}
	for _, e := range in.Entries {
		w.Entries = append(w.Entries, wireParamsEntry{
			KeyARN: e.KeyARN, Account: e.Account, Region: e.Region, KeySpec: e.KeySpec, KeyUsage: e.KeyUsage,
			MultiRegion: e.MultiRegion, MultiRegionRole: e.MultiRegionRole,
			WrappingAlgorithm: e.WrappingAlgorithm, WrappingKeySpec: e.WrappingKeySpec,
			PublicKey: e.PublicKey, ImportToken: e.ImportToken,
			ParametersValidTo: formatTime(e.ParametersValidTo),
		})
	}
	return encodeJSON(w, "  ")
}

// encodeJSON is the one JSON writer: no HTML escaping, optional indent, and
// a final newline when indented.
func encodeJSON(v any, indent string) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", indent)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	if indent == "" {
		return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
	}
	return buf.Bytes(), nil
}
