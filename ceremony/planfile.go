package ceremony

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/airwrap/airwrap/atomicfile"
	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/hsm"
	"github.com/airwrap/airwrap/internal/errmark"
	"github.com/airwrap/airwrap/kmsrules"
	"github.com/airwrap/airwrap/verify"
)

// ErrPlan: the ceremony plan file is not what docs/CEREMONY-PLAN.md describes
// (YAML syntax, an unknown or repeated field, a value of the wrong type, a
// field that is required or not allowed with another).
var ErrPlan = errors.New("ceremony plan")

// PlanVersion is the plan format this airwrap reads.
const PlanVersion = 1

// maxPlanSize bounds the plan file read (a plan is a page of YAML).
const maxPlanSize = 1 << 20

// PlanProblem is one problem with a plan, at the line and column of the
// field it concerns (the field's parent, or line 1, for a missing field).
type PlanProblem struct {
	File         string
	Line, Column int
	Field        string // e.g. keys[1].check_value; "" for the file as a whole
	Err          error
}

func (p *PlanProblem) Error() string {
	s := fmt.Sprintf("%s:%d:%d: ", p.File, p.Line, p.Column)
	if p.Field != "" {
		s += p.Field + ": "
	}
	return s + p.Err.Error()
}

func (p *PlanProblem) Unwrap() error { return p.Err }

// Plan is a ceremony plan: the Options of one `wrap` plus the steps around
// it (keys to generate first, check values to compare after login, the
// pinned signer key, the record to print).
type Plan struct {
	Path    string
	Options Options // Open, Progress, ToolVersion and Now are the caller's
	Keys    []PlanKey
	// Trust, when not empty, pins the ceremony signer: its public key must
	// be one of these (checked after login, before anything is wrapped).
	Trust     []verify.TrustedKey
	RecordPDF string // the record to print; its Markdown twin goes beside it
	// Capabilities, when given, is the token's signed capabilities file
	// (airwrap hsm info --out), trusted by CapabilitiesTrust: `ceremony
	// check` then refuses, without the token, every key the token cannot
	// export with the parameters' wrapping algorithm, and checks the plan's
	// keys against the file's key inventory (checkInventory).
	Capabilities      []byte
	CapabilitiesTrust []verify.TrustedKey

	pos map[string]position
}

// PlanKey is one key of a plan.
type PlanKey struct {
	Field      string // keys[i], for messages
	ARN        string
	Label      string
	ID         []byte // CKA_ID; nil: by label alone
	Generate   string // KMS key spec to generate the key as; "": it exists
	CheckValue []byte // expected check value; nil: not compared
}

// The plan's YAML shape. The parser below walks the YAML tree against these
// types itself, so that it reports every unknown field, repeated key and
// wrong type at once, each at its line and column.
type planDoc struct {
	Version      int           `yaml:"version"`
	Parameters   string        `yaml:"parameters"`
	ParamsTrust  *trustDoc     `yaml:"params_trust"`
	Capabilities *capsDoc      `yaml:"capabilities"`
	Trust        string        `yaml:"trust"`
	Signer       string        `yaml:"signer"`
	Operators    []operatorDoc `yaml:"operators"`
	ValidTo      string        `yaml:"valid_to"`
	NoExpiry     bool          `yaml:"no_expiry"`
	AWSCLIDir    string        `yaml:"awscli_dir"`
	Out          string        `yaml:"out"`
	Record       string        `yaml:"record"`
	Keys         []keyDoc      `yaml:"keys"`
}

// capsDoc names the token's signed capabilities (airwrap hsm info --out)
// and the PEM files of the signers trusted to have made them.
type capsDoc struct {
	Path  string   `yaml:"path"`
	Trust []string `yaml:"trust"`
}

type trustDoc struct {
	Paths     []string `yaml:"paths"`
	Threshold int      `yaml:"threshold"`
}

type operatorDoc struct {
	Name string `yaml:"name"`
	Role string `yaml:"role"`
}

type keyDoc struct {
	ARN        string `yaml:"arn"`
	Label      string `yaml:"label"`
	ID         string `yaml:"id"`
	Generate   string `yaml:"generate"`
	CheckValue string `yaml:"check_value"`
	// Import options of a symmetric key (wrap's --import-type,
	// --key-material-description, --key-material-id).
	ImportType             string `yaml:"import_type"`
	KeyMaterialDescription string `yaml:"key_material_description"`
	KeyMaterialID          string `yaml:"key_material_id"`
}

// Operator roles a plan accepts.
var operatorRoles = []string{"officer", "witness"}

type position struct{ line, col int }

// LoadPlan reads the plan at path and checks everything that can be checked
// without the HSM: the plan's own form, the files it names (parameters,
// trust PEMs), and the request as `wrap` would validate it (parameters
// rules, expiry, key selection, outputs absent). It reports every problem at
// once, each a *PlanProblem with the plan's file:line. The Plan is returned
// with the error too (nil only when the file cannot be read or parsed), so
// a caller can position its own problems with At.
//
// What needs the token is not checked here: that each key exists and can be
// exported, its check value, a label to generate being free, the signer.
// RunPlan checks those right after login, before anything is generated.
func LoadPlan(path string, now time.Time) (*Plan, error) {
	data, err := readPlanFile(path)
	if err != nil {
		return nil, err
	}
	w := &walker{file: path, pos: map[string]position{}}
	var doc planDoc
	if !w.parse(data, &doc) {
		return nil, errors.Join(w.errs...)
	}
	p := &Plan{Path: path, pos: w.pos}
	p.fill(w, &doc)
	p.validate(w, now)
	return p, errors.Join(w.errs...)
}

func readPlanFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("plan: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxPlanSize+1))
	if err != nil {
		return nil, fmt.Errorf("plan %s: %w", path, err)
	}
	if len(data) > maxPlanSize {
		return nil, fmt.Errorf("%w: %s is larger than %d bytes", ErrPlan, path, maxPlanSize)
	}
	return data, nil
}

// At positions err at the plan's field (as LoadPlan's problems are).
func (p *Plan) At(field string, err error) error {
	ps := p.at(field)
	return &PlanProblem{File: p.Path, Line: ps.line, Column: ps.col, Field: field, Err: err}
}

// at is the position of field, else of its nearest parent, else line 1.
func (p *Plan) at(field string) position {
	for f := field; f != ""; {
		if ps, ok := p.pos[f]; ok {
			return ps
		}
		i := strings.LastIndexAny(f, ".[")
		if i < 0 {
			break
		}
		f = f[:i]
	}
	return position{1, 1}
}

// resolve makes a path in the plan relative to the plan's directory.
func (p *Plan) resolve(s string) string {
	if s == "" || filepath.IsAbs(s) {
		return s
	}
	return filepath.Join(filepath.Dir(p.Path), s)
}

// fill turns the document into Options and steps, reporting what only the
// plan's form decides.
func (p *Plan) fill(w *walker, d *planDoc) {
	bad := func(field string, err error) { w.errs = append(w.errs, p.At(field, err)) }
	planErr := func(field, format string, args ...any) {
		bad(field, errmark.With(fmt.Errorf(format, args...), ErrPlan))
	}
	o := &p.Options
	if _, ok := p.pos["version"]; !ok {
		planErr("version", "version: %d is required", PlanVersion)
	} else if d.Version != PlanVersion {
		planErr("version", "version %d is not one this airwrap reads (%d)", d.Version, PlanVersion)
	}
	if d.Parameters == "" {
		planErr("parameters", "parameters: the parameters file is required")
	} else {
		o.ParamsPath = p.resolve(d.Parameters)
		data, err := bundle.ReadFile(o.ParamsPath)
		if err == nil {
			err = bundle.CheckNotMisfit(data)
		}
		if err != nil {
			bad("parameters", fmt.Errorf("%s: %w", o.ParamsPath, err))
		}
		o.Params = data
	}
	if t := d.ParamsTrust; t != nil {
		if len(t.Paths) == 0 {
			planErr("params_trust.paths", "params_trust needs at least one PEM file in paths")
		}
		for i, f := range t.Paths {
			keys, err := verify.LoadTrustFiles(p.resolve(f))
			if err != nil {
				bad(fmt.Sprintf("params_trust.paths[%d]", i), err)
			}
			o.ParamsTrust = append(o.ParamsTrust, keys...)
		}
		if _, given := p.pos["params_trust.threshold"]; given && t.Threshold < 1 {
			planErr("params_trust.threshold", "threshold %d: at least 1 signature is required", t.Threshold)
		}
		o.ParamsThreshold = t.Threshold
	}
	if c := d.Capabilities; c != nil {
		if c.Path == "" {
			planErr("capabilities.path", "capabilities needs the file airwrap hsm info --out wrote")
		} else {
			data, err := bundle.ReadFile(p.resolve(c.Path))
			if err != nil {
				bad("capabilities.path", err)
			}
			p.Capabilities = data
		}
		if len(c.Trust) == 0 {
			planErr("capabilities.trust", "capabilities needs the PEM of the signer that signed them (airwrap signer export)")
		}
		for i, f := range c.Trust {
			keys, err := verify.LoadTrustFiles(p.resolve(f))
			if err != nil {
				bad(fmt.Sprintf("capabilities.trust[%d]", i), err)
			}
			p.CapabilitiesTrust = append(p.CapabilitiesTrust, keys...)
		}
	}
	if d.Trust != "" {
		keys, err := verify.LoadTrustFiles(p.resolve(d.Trust))
		if err != nil {
			bad("trust", err)
		}
		p.Trust = keys
	}
	o.SignerLabel = d.Signer
	for i, op := range d.Operators {
		field := fmt.Sprintf("operators[%d]", i)
		name := op.Name
		switch {
		case op.Role == "":
			planErr(field+".role", "role is required: one of %s", strings.Join(operatorRoles, ", "))
		case !slices.Contains(operatorRoles, op.Role):
			planErr(field+".role", "role %q is not one of %s", op.Role, strings.Join(operatorRoles, ", "))
		case name != "":
			name = fmt.Sprintf("%s (%s)", op.Name, op.Role)
		}
		o.Operators = append(o.Operators, name)
	}
	if d.ValidTo != "" {
		t, err := ParseValidTo(d.ValidTo)
		if err != nil {
			bad("valid_to", err)
		} else {
			o.ValidTo = &t
		}
	}
	o.NoExpiry = d.NoExpiry
	o.AWSCLIDir = p.resolve(d.AWSCLIDir)
	o.Out = p.resolve(d.Out)
	if d.Record == "" {
		planErr("record", "record: the PDF to print and sign is required")
	}
	p.RecordPDF = p.resolve(d.Record)
	generating := map[string]string{}
	for i, k := range d.Keys {
		field := fmt.Sprintf("keys[%d]", i)
		pk := PlanKey{Field: field, ARN: k.ARN, Label: k.Label, Generate: k.Generate}
		if k.Label == "" && k.ID == "" {
			bad(field, fmt.Errorf("%w: give the HSM key's label, its id (CKA_ID), or both", ErrKeySelection))
		}
		if k.ID != "" {
			id, err := ParseKeyID(k.ID)
			if err != nil {
				bad(field+".id", err)
			}
			pk.ID = id
		}
		if k.CheckValue != "" {
			cv, err := ParseKeyID(k.CheckValue)
			if err != nil {
				planErr(field+".check_value", "%q is not hex bytes like 1a2b3c", k.CheckValue)
			}
			pk.CheckValue = cv
		}
		if k.Generate != "" {
			if _, err := kmsrules.ParseKeySpec(k.Generate); err != nil {
				bad(field+".generate", err)
			}
			switch {
			case k.Label == "":
				planErr(field+".generate", "a key to generate needs a label")
			case generating[k.Label] != "":
				planErr(field+".label", "%q is generated twice (also %s)", k.Label, generating[k.Label])
			default:
				generating[k.Label] = field
			}
			if k.ID != "" {
				planErr(field+".id", "a generated key gets a fresh CKA_ID from the token: drop id")
			}
			if k.CheckValue != "" {
				planErr(field+".check_value", "a key not yet generated has no check value: drop check_value")
			}
		}
		p.Keys = append(p.Keys, pk)
		o.Keys = append(o.Keys, KeySelect{ARN: k.ARN, Label: k.Label, ID: pk.ID})
		perKey := func(v string) string {
			if k.ARN == "" {
				return v
			}
			return k.ARN + "=" + v
		}
		if k.ImportType != "" {
			o.ImportType = append(o.ImportType, perKey(k.ImportType))
		}
		if k.KeyMaterialDescription != "" {
			o.KeyMaterialDescription = append(o.KeyMaterialDescription, perKey(k.KeyMaterialDescription))
		}
		if k.KeyMaterialID != "" {
			o.KeyMaterialID = append(o.KeyMaterialID, perKey(k.KeyMaterialID))
		}
	}
}

// validate runs `wrap`'s own checks (CheckUsage and the pre-HSM validation),
// each problem at the plan field it concerns. Validate decides: a problem
// it finds that no field's check found is reported at line 1.
func (p *Plan) validate(w *walker, now time.Time) {
	before := len(w.errs)
	bad := func(field string, err error) {
		for _, e := range splitJoined(err) {
			w.errs = append(w.errs, p.At(field, e))
		}
	}
	o := &p.Options
	for _, e := range splitJoined(o.CheckUsage()) {
		bad(usageField(e.Error()), e)
	}
	var entries []*entry
	if o.Params != nil {
		var err error
		entries, _, err = readParams(o, now)
		bad("parameters", err)
	}
	if o.ValidTo != nil && !o.NoExpiry {
		v := o.ValidTo.UTC()
		bad("valid_to", kmsrules.CheckValidTo(kmsrules.ExpiresModel, &v, now))
	}
	bad("keys", selectKeys(entries, o.Keys))
	if byARN, err := o.importOptions(); err == nil { // CheckUsage reported err
		bad("keys", applyImportOptions(entries, byARN))
	}
	if p.Capabilities != nil && len(p.CapabilitiesTrust) > 0 {
		p.checkExports(entries, now, bad)
	}
	for i, op := range o.Operators {
		if op == "" || !printable(op) {
			bad(fmt.Sprintf("operators[%d].name", i), fmt.Errorf("%w: %q is empty or has a control or non-printable character", ErrInvalidRequest, op))
		}
	}
	for i, k := range o.Keys {
		if !printable(k.Label) {
			bad(fmt.Sprintf("keys[%d].label", i), fmt.Errorf("%w: %q has a control or non-printable character", ErrKeySelection, k.Label))
		}
	}
	_, err := outputPaths(o, entries)
	bad("out", err)
	if o.Out != "" {
		bad("out", atomicfile.CheckDirs(o.Out))
	}
	if p.RecordPDF != "" {
		bad("record", atomicfile.CheckDirs(p.RecordPDF))
	}
	if len(w.errs) == before && o.Params != nil {
		if _, err := validate(o, now); err != nil {
			bad("", err)
		}
	}
}

// checkExports refuses, without the token, each key the token's signed
// capabilities say it cannot export with the parameters' algorithm (or,
// with none named, with any algorithm KMS allows): kmsrules'
// ChooseTokenAlgorithm, as `airwrap-online prepare --token-capabilities`.
func (p *Plan) checkExports(entries []*entry, now time.Time, bad func(string, error)) {
	caps, exports, err := verify.OpenCapabilities(p.Capabilities, p.CapabilitiesTrust, now)
	if err != nil {
		bad("capabilities.path", err)
		return
	}
	p.checkInventory(caps, bad)
	for _, e := range entries {
		if e.spec == "" {
			continue // AWS CLI JSON without a key spec: known only on the token
		}
		if _, err := kmsrules.ChooseTokenAlgorithm(e.spec, e.alg, e.wrappingKeySpec, exports); err != nil {
			bad(p.keyField(e.arn), fmt.Errorf("%s (%s): %w", e.arn, e.spec, err))
		}
	}
}

// checkInventory is checkOnToken answered from the token's key inventory in
// its signed capabilities (SPEC.md R51), without the token: each existing
// key is there exactly once (by label and, when the plan gives one, CKA_ID),
// importable, with the plan's check value; no label to generate is there.
// The answer is only as fresh as the file's created_at: `ceremony run`
// asks the token itself again after login.
func (p *Plan) checkInventory(caps *bundle.Capabilities, bad func(string, error)) {
	if caps.Keys == nil {
		return // an older file without an inventory
	}
	asOf := "in the token's inventory of " + caps.CreatedAt.Format(time.RFC3339)
	for _, k := range p.Keys {
		if k.Generate != "" {
			if slices.ContainsFunc(caps.Keys, func(c bundle.CapabilityKey) bool { return c.Label == k.Label }) {
				bad(k.Field+".label", fmt.Errorf("%w: %q is already on the token (%s): a plan generates only new keys (drop generate: to wrap the existing one)", hsm.ErrDuplicateLabel, k.Label, asOf))
			}
			continue
		}
		var found []bundle.CapabilityKey
		for _, c := range caps.Keys {
			if (k.Label == "" || c.Label == k.Label) && (k.ID == nil || c.ID == hex.EncodeToString(k.ID)) {
				found = append(found, c)
			}
		}
		what := fmt.Sprintf("label %q", k.Label)
		if k.ID != nil {
			what = fmt.Sprintf("label %q and CKA_ID %x", k.Label, k.ID)
			if k.Label == "" {
				what = fmt.Sprintf("CKA_ID %x", k.ID)
			}
		}
		switch {
		case len(found) == 0 && p.generatedByPlan(k):
			continue // the run generates it
		case len(found) == 0:
			bad(k.Field, fmt.Errorf("%w: no key with %s %s", hsm.ErrKeyNotFound, what, asOf))
			continue
		case len(found) > 1:
			bad(k.Field, fmt.Errorf("%w: %d keys with %s %s: select it by CKA_ID (id:) too", hsm.ErrDuplicateLabel, len(found), what, asOf))
			continue
		}
		c := found[0]
		if !c.Importable {
			bad(k.Field, fmt.Errorf("%w: HSM key %q cannot be exported into KMS (%s): %s", ErrHSMKey, c.Label, asOf, c.NotImportable))
		}
		if k.CheckValue != nil && hex.EncodeToString(k.CheckValue) != c.CheckValue {
			bad(k.Field+".check_value", fmt.Errorf("%w: HSM key %q has check value %s (%s) %s, the plan expects %x", ErrCheckValue, c.Label, c.CheckValue, c.CheckMethod, asOf, k.CheckValue))
		}
	}
}

// keyField is the plan field of the key for arn: keys[i], or "keys".
func (p *Plan) keyField(arn string) string {
	for _, k := range p.Keys {
		if k.ARN == arn || (k.ARN == "" && len(p.Keys) == 1) {
			return k.Field
		}
	}
	return "keys"
}

// splitJoined is the problems errors.Join joined into err (err itself if
// it is one problem), so each is positioned.
func splitJoined(err error) []error {
	if err == nil {
		return nil
	}
	u, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return splitLines(err)
	}
	var msgs []string
	for _, e := range u.Unwrap() {
		msgs = append(msgs, e.Error())
	}
	if strings.Join(msgs, "\n") != err.Error() {
		return splitLines(err) // not a join: a marked or wrapped error
	}
	var out []error
	for _, e := range u.Unwrap() {
		out = append(out, splitJoined(e)...)
	}
	return out
}

// usageField names the plan field a CheckUsage problem is about (its
// message starts with the flag's name).
func usageField(msg string) string {
	for _, f := range []struct{ prefix, field string }{
		{"--signer", "signer"}, {"--out", "out"}, {"--key", "keys"},
		{"--valid-to", "valid_to"}, {"give --valid-to", "valid_to"},
		{"--params-threshold", "params_trust.threshold"},
		{FlagImportType, "keys"}, {FlagDescription, "keys"}, {FlagMaterialID, "keys"},
	} {
		if strings.HasPrefix(msg, f.prefix) {
			return f.field
		}
	}
	return ""
}

// ParseValidTo reads a valid-to time (wrap's --valid-to, a plan's
// valid_to) by kmsrules.ParseValidTo; a bad value is an invalid request.
func ParseValidTo(s string) (time.Time, error) {
	t, err := kmsrules.ParseValidTo(s)
	if err != nil {
		return time.Time{}, errmark.With(err, ErrInvalidRequest)
	}
	return t, nil
}

// walker turns the YAML tree into a planDoc, noting each field's position
// and every problem.
type walker struct {
	file string
	pos  map[string]position
	errs []error
}

func (w *walker) bad(n ast.Node, field, format string, args ...any) {
	ps := nodePos(n)
	w.errs = append(w.errs, &PlanProblem{File: w.file, Line: ps.line, Column: ps.col, Field: field,
		Err: errmark.With(fmt.Errorf(format, args...), ErrPlan)})
}

func nodePos(n ast.Node) position {
	if n == nil || n.GetToken() == nil {
		return position{1, 1}
	}
	p := n.GetToken().Position
	return position{p.Line, p.Column}
}

// elementPos is where a list element starts: a mapping at its first key.
func elementPos(n ast.Node) position {
	if m, ok := n.(*ast.MappingNode); ok && len(m.Values) > 0 {
		return nodePos(m.Values[0].Key)
	}
	if m, ok := n.(*ast.MappingValueNode); ok {
		return nodePos(m.Key)
	}
	return nodePos(n)
}

// parse parses data (YAML syntax errors end it: false) and walks it into v.
func (w *walker) parse(data []byte, v any) bool {
	f, err := parser.ParseBytes(data, 0, parser.AllowDuplicateMapKey())
	if err != nil {
		ps, msg := position{1, 1}, err.Error()
		var ye yaml.Error
		if errors.As(err, &ye) {
			msg = ye.GetMessage()
			if tk := ye.GetToken(); tk != nil {
				ps = position{tk.Position.Line, tk.Position.Column}
			}
		}
		w.errs = append(w.errs, &PlanProblem{File: w.file, Line: ps.line, Column: ps.col, Err: errmark.With(fmt.Errorf("YAML: %s", msg), ErrPlan)})
		return false
	}
	switch {
	case len(f.Docs) == 0 || f.Docs[0].Body == nil:
		w.errs = append(w.errs, &PlanProblem{File: w.file, Line: 1, Column: 1, Err: errmark.With(errors.New("the file is empty"), ErrPlan)})
		return false
	case len(f.Docs) > 1:
		w.bad(f.Docs[1], "", "one YAML document only, not %d", len(f.Docs))
		return false
	}
	w.walk(f.Docs[0].Body, reflect.ValueOf(v).Elem(), "")
	return true
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// walk fills v from n. Only plain YAML is taken: mappings, lists and
// scalars; anchors, aliases and tags are refused, so what the reviewers
// read is what runs.
func (w *walker) walk(n ast.Node, v reflect.Value, path string) {
	switch n.(type) {
	case *ast.NullNode, nil:
		return
	case *ast.AnchorNode, *ast.AliasNode, *ast.TagNode, *ast.MappingKeyNode:
		w.bad(n, path, "YAML anchors, aliases, tags and merge keys are not accepted in a plan")
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		w.walk(n, v.Elem(), path)
	case reflect.Struct:
		w.walkMapping(n, v, path)
	case reflect.Slice:
		seq, ok := n.(*ast.SequenceNode)
		if !ok {
			w.bad(n, path, "want a list, got %s", kindName(n))
			return
		}
		for i, el := range seq.Values {
			ep := fmt.Sprintf("%s[%d]", path, i)
			w.pos[ep] = elementPos(el)
			ev := reflect.New(v.Type().Elem()).Elem()
			w.walk(el, ev, ep)
			v.Set(reflect.Append(v, ev))
		}
	case reflect.String:
		switch s := n.(type) {
		case *ast.StringNode:
			v.SetString(s.Value)
		case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode:
			// As written: id: 0102 is the CKA_ID 0102, not the number 66.
			v.SetString(n.GetToken().Value)
		default:
			w.bad(n, path, "want a string, got %s", kindName(n))
		}
	case reflect.Int:
		var i int
		if _, ok := n.(*ast.IntegerNode); !ok || yaml.NodeToValue(n, &i) != nil {
			w.bad(n, path, "want a whole number, got %s", kindName(n))
			return
		}
		v.SetInt(int64(i))
	case reflect.Bool:
		b, ok := n.(*ast.BoolNode)
		if !ok {
			w.bad(n, path, "want true or false, got %s", kindName(n))
			return
		}
		v.SetBool(b.Value)
	}
}

func (w *walker) walkMapping(n ast.Node, v reflect.Value, path string) {
	var mvs []*ast.MappingValueNode
	switch m := n.(type) {
	case *ast.MappingNode:
		mvs = m.Values
	case *ast.MappingValueNode:
		mvs = []*ast.MappingValueNode{m}
	default:
		w.bad(n, path, "want a mapping of fields, got %s", kindName(n))
		return
	}
	t := v.Type()
	var known []string
	byName := map[string]int{}
	for i := range t.NumField() {
		name := t.Field(i).Tag.Get("yaml")
		known = append(known, name)
		byName[name] = i
	}
	seen := map[string]position{}
	for _, mv := range mvs {
		name := mv.Key.GetToken().Value
		fp := join(path, name)
		if _, ok := mv.Key.(*ast.StringNode); !ok {
			w.bad(mv.Key, fp, "a field name must be a plain word")
			continue
		}
		if first, dup := seen[name]; dup {
			w.bad(mv.Key, fp, "given twice (first at line %d)", first.line)
			continue
		}
		seen[name] = nodePos(mv.Key)
		i, ok := byName[name]
		if !ok {
			w.bad(mv.Key, fp, "unknown field %q (known here: %s)", name, strings.Join(known, ", "))
			continue
		}
		w.pos[fp] = nodePos(mv.Key)
		w.walk(mv.Value, v.Field(i), fp)
	}
}

// kindName names a YAML node's kind for messages.
func kindName(n ast.Node) string {
	switch n.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case *ast.StringNode, *ast.LiteralNode:
		return fmt.Sprintf("the string %q", n.GetToken().Value)
	case *ast.IntegerNode, *ast.FloatNode:
		return "the number " + n.GetToken().Value
	case *ast.BoolNode:
		return n.GetToken().Value
	}
	return n.Type().String()
}

// splitLines makes one problem of each line of err's text (a wrapped join
// reads as several lines), each still matching what err matches
// (errors.Is/As), so every line is printed at the plan field.
func splitLines(err error) []error {
	lines := strings.Split(err.Error(), "\n")
	if len(lines) == 1 {
		return []error{err}
	}
	out := make([]error, len(lines))
	for i, l := range lines {
		out[i] = errmark.With(errors.New(l), err)
	}
	return out
}
