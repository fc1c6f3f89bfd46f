package ceremony

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/airwrap/airwrap/atomicfile"
	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/hsm"
	"github.com/airwrap/airwrap/kmsrules"
)

// ErrCannotExport means the token could never export a key of this spec
// correctly (its own self-test says so): generating one would make a key
// that cannot be imported.
var ErrCannotExport = errors.New("this token cannot export keys of this spec")

// CapabilityToken is what TokenCapabilities asks of a token.
type CapabilityToken interface {
	Info() hsm.TokenInfo
	SelfTest() (*hsm.Capabilities, error)
	CanGenerate(p hsm.KeyParams) error
	CanExport(p hsm.KeyParams, mech hsm.WrapMechanism) error
	ListKeys() ([]hsm.Key, error)
}

// TokenCapabilities measures tok in KMS names (SPEC.md 6.1): the self-test
// verdict of every wrapping algorithm and, for every importable key spec,
// whether the token makes such keys and which algorithms KMS allows for the
// spec it exports them with correctly (strongest first), with the reason
// for each it does not.
func TokenCapabilities(tok CapabilityToken, toolVersion string, now time.Time) (*bundle.Capabilities, error) {
	caps, err := tok.SelfTest()
	if err != nil {
		return nil, fmt.Errorf("self-test: %w", err)
	}
	info := tok.Info()
	out := &bundle.Capabilities{
		Type: bundle.CapabilitiesType, CreatedAt: now.UTC().Truncate(time.Second), ToolVersion: toolVersion,
		Token:            bundle.TokenIdentity{Manufacturer: info.Manufacturer, Model: info.Model, Serial: info.Serial, Label: info.Label},
		KWPMechanism:     caps.KWPMechanismName,
		KWPPadsCorrectly: caps.KWPPadsCorrectly,
	}
	if caps.KWPMechanism == 0 {
		out.KWPMechanism = ""
	}
	for _, r := range caps.Algorithms {
		out.WrappingAlgorithms = append(out.WrappingAlgorithms, bundle.CapabilityAlgorithm{
			Algorithm: string(WrappingAlgorithm(r.Algorithm)), OK: r.OK, Mechanism: r.Mechanism, Reason: r.Reason})
	}
	for _, spec := range kmsrules.KeySpecs() {
		s, err := specCapability(tok, spec)
		if err != nil {
			return nil, err
		}
		out.KeySpecs = append(out.KeySpecs, s)
	}
	keys, err := tok.ListKeys()
	if err != nil {
		return nil, fmt.Errorf("list keys: %w", err)
	}
	out.Keys = inventory(keys)
	return out, nil
}

// inventory is the token's keys as `key list` shows them (SPEC.md R51).
// A key whose label the format cannot carry (not printable, or longer than
// bundle.MaxNameLen) is left out: no plan can name it by label, and
// `ceremony run` still finds it on the token. Keys sharing a label and
// CKA_ID are one entry, not importable: nothing can select one of them.
func inventory(keys []hsm.Key) []bundle.CapabilityKey {
	out := []bundle.CapabilityKey{}
	at := map[[2]string]int{}
	for _, k := range keys {
		if len(k.Label) > bundle.MaxNameLen || !printable(k.Label) || len(k.ID)*2 > bundle.MaxCKAIDHexLen || len(k.CheckValue)*2 > bundle.MaxCheckValueHex {
			continue
		}
		id := [2]string{k.Label, hex.EncodeToString(k.ID)}
		if i, dup := at[id]; dup {
			out[i] = bundle.CapabilityKey{Label: k.Label, ID: id[1], NotImportable: "more than one key has this label and CKA_ID: none of them can be selected"}
			continue
		}
		at[id] = len(out)
		out = append(out, bundle.CapabilityKey{
			Label: k.Label, ID: hex.EncodeToString(k.ID), KeySpec: k.KeySpec,
			CheckValue: hex.EncodeToString(k.CheckValue), CheckMethod: CheckMethod(k.CheckMethod),
			Importable: k.NotImportable == "", NotImportable: k.NotImportable,
		})
	}
	return out
}

func specCapability(tok CapabilityToken, spec kmsrules.KeySpec) (bundle.CapabilityKeySpec, error) {
	s := bundle.CapabilityKeySpec{KeySpec: string(spec), CanGenerate: true, ExportAlgorithms: []string{}, ExportRefusals: []bundle.CapabilityRefusal{}}
	p, err := KeyParams(spec)
	if err != nil {
		return s, err
	}
	if err := tok.CanGenerate(p); errors.Is(err, hsm.ErrUnsupported) {
		s.CanGenerate, s.GenerateReason = false, err.Error()
	} else if err != nil {
		return s, fmt.Errorf("%s: %w", spec, err)
	}
	for _, alg := range spec.Algorithms() {
		m, err := WrapMechanism(alg)
		if err != nil {
			return s, err
		}
		var no *hsm.CannotWrapError
		switch err := tok.CanExport(p, m); {
		case err == nil:
			s.ExportAlgorithms = append(s.ExportAlgorithms, string(alg))
		case errors.As(err, &no):
			s.ExportRefusals = append(s.ExportRefusals, bundle.CapabilityRefusal{Algorithm: string(alg), Reason: no.Reason})
		default:
			return s, fmt.Errorf("%s with %s: %w", spec, alg, err)
		}
	}
	return s, nil
}

// CheckExportable is `key generate`'s check: nil when tok exports keys of
// spec with at least one algorithm KMS allows for it, else ErrCannotExport
// with the token's reason for each algorithm.
func CheckExportable(tok CapabilityToken, spec string) error {
	s, err := kmsrules.ParseKeySpec(spec)
	if err != nil {
		return err
	}
	c, err := specCapability(tok, s)
	if err != nil {
		return err
	}
	if len(c.ExportAlgorithms) > 0 {
		return nil
	}
	var why []string
	for _, r := range c.ExportRefusals {
		why = append(why, r.Algorithm+": "+r.Reason)
	}
	return fmt.Errorf("%w: %s keys made on this token could never be imported (self-test): %s", ErrCannotExport, spec, strings.Join(why, "; "))
}

// WriteCapabilities measures tok (TokenCapabilities), signs the result with
// the ceremony signer and writes it to path atomically, never replacing a
// file. It returns the file written.
func WriteCapabilities(tok CapabilityToken, signer hsm.Signer, path, toolVersion string, now time.Time) ([]byte, *bundle.Capabilities, error) {
	if err := atomicfile.CheckAbsent(path); err != nil {
		return nil, nil, err
	}
	c, err := TokenCapabilities(tok, toolVersion, now)
	if err != nil {
		return nil, nil, err
	}
	data, err := bundle.SignCapabilities(c, signer)
	if err != nil {
		return nil, nil, fmt.Errorf("signing the capabilities: %w", err)
	}
	if err := atomicfile.WriteNew(path, data, 0o644); err != nil {
		return nil, nil, err
	}
	return data, c, nil
}
