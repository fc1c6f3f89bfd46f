package inspect

import (
	"fmt"
	"time"

	"github.com/airwrap/airwrap/bundle"
)

// signedParams shows the envelope's signers, then the parameters
// bundle inside exactly as inspect shows an unsigned one.
func signedParams(data []byte, now time.Time) (*Doc, error) {
	sp, err := bundle.ParseSignedParams(data)
	if err != nil {
		return nil, err
	}
	inner, err := params(sp.Raw, now)
	if err != nil {
		return nil, fmt.Errorf("payload: %w", err)
	}
	d := &Doc{Kind: bundle.KindSignedParams.String()}
	s := Section{Title: "signed parameters (signatures NOT verified here: use airwrap wrap --params-trust)"}
	s.add("payload type", "%s", sp.Envelope.PayloadType)
	s.add("payload sha256", "%s", bundle.Fingerprint(sp.Raw))
	s.signers(sp.Envelope)
	d.Sections = append([]Section{s}, inner.Sections...)
	return d, nil
}
