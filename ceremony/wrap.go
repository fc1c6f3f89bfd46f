package ceremony

import (
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"time"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/hsm"
	"github.com/airwrap/airwrap/transcript"
)

// Wrap runs the whole `airwrap wrap` ceremony. On any error nothing is
// written; the error joins every problem found at the failing stage.
func Wrap(ctx context.Context, o Options) (*Result, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Progress == nil {
		o.Progress = io.Discard
	}
	started := o.Now().UTC()
	p, err := validate(&o, started)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if o.Open == nil {
		return nil, fmt.Errorf("%w: no token to open", ErrInvalidRequest)
	}
	tok, err := o.Open()
	if err != nil {
		return nil, err
	}
	defer tok.Close()
	r := &run{o: &o, p: p, tok: tok, tr: transcript.New(o.Now), started: started}
	return r.do(ctx)
}

// run is one ceremony in progress.
type run struct {
	o       *Options
	p       *plan
	tok     Token
	tr      *transcript.Transcript
	started time.Time
	info    hsm.TokenInfo
	signer  hsm.Signer
}

func (r *run) do(ctx context.Context) (*Result, error) {
	steps := []func(context.Context) error{
		r.recordStart,
		r.selfTest,
		r.checkKeys,
		r.wrapAll,
	}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return nil, err
		}
	}
	bundleBytes, err := r.signAndCheck()
	if err != nil {
		return nil, err
	}
	return r.writeOutputs(bundleBytes)
}

// record appends a transcript step; a refused field is a programming error
// surfaced as a failure rather than a silent gap in the record.
func (r *run) record(step string, fields map[string]any) error {
	if err := r.tr.Record(step, fields); err != nil {
		return fmt.Errorf("transcript: %w", err)
	}
	return nil
}

func (r *run) progress(format string, args ...any) {
	fmt.Fprintf(r.o.Progress, "airwrap: "+format+"\n", args...)
}

func (r *run) recordStart(context.Context) error {
	f := map[string]any{
		"tool_version":     r.o.ToolVersion,
		"params_sha256":    r.p.paramsSHA256,
		"params_format":    r.p.paramsFormat,
		"entries":          len(r.p.entries),
		"operators":        append([]string{}, r.o.Operators...),
		"expiration_model": r.p.expirationModel,
		"out":              r.o.Out,
	}
	if r.p.validTo != nil {
		f["valid_to"] = r.p.validTo.Format(time.RFC3339)
	}
	if len(r.o.AllowNonSensitive) > 0 {
		f["allow_nonsensitive_keys"] = append([]string{}, r.o.AllowNonSensitive...)
	}
	if err := r.record("ceremony.start", f); err != nil {
		return err
	}
	for _, e := range r.p.entries {
		f := map[string]any{
			"entry":                      e.path,
			"key_arn":                    e.arn,
			"key_spec":                   string(e.spec),
			"wrapping_algorithm":         string(e.alg),
			"wrapping_key_spec":          string(e.wrappingKeySpec),
			"wrapping_public_key_sha256": bundle.SHA256Hex(e.pubDER),
			"import_token_sha256":        bundle.SHA256Hex(e.token),
			"parameters_valid_to":        e.paramsValidTo.UTC().Format(time.RFC3339),
			"hsm_key_label":              e.label,
		}
		if e.id != nil {
			f["hsm_key_id"] = hex.EncodeToString(e.id)
		}
		for k, v := range map[string]string{"import_type": e.importOpts.ImportType, "key_material_description": e.importOpts.Description, "key_material_id": e.importOpts.MaterialID, "key_material_id_from": e.importOpts.MaterialIDFrom} {
			if v != "" {
				f[k] = v
			}
		}
		if err := r.record("params.entry", f); err != nil {
			return err
		}
	}
	return nil
}

func (r *run) selfTest(context.Context) error {
	r.info = r.tok.Info()
	if err := r.record("token.identity", map[string]any{
		"module":              r.info.ModulePath,
		"module_manufacturer": r.info.ModuleManufacturer,
		"module_version":      r.info.ModuleVersion,
		"manufacturer":        r.info.Manufacturer,
		"model":               r.info.Model,
		"serial":              r.info.Serial,
		"label":               r.info.Label,
	}); err != nil {
		return err
	}
	if !r.o.katShown {
		r.progress("running known-answer tests on the token")
	}
	caps, err := r.tok.SelfTest()
	if err != nil {
		return fmt.Errorf("token self-test: %w", err)
	}
	var ok, refused []string
	for _, a := range caps.Algorithms {
		if a.OK {
			ok = append(ok, string(WrappingAlgorithm(a.Algorithm)))
		} else {
			refused = append(refused, string(WrappingAlgorithm(a.Algorithm)))
		}
	}
	return r.record("token.selftest", map[string]any{
		"algorithms_ok":      ok,
		"algorithms_refused": refused,
		"kwp_mechanism":      caps.KWPMechanismName,
		"kwp_pads_correctly": caps.KWPPadsCorrectly,
	})
}
