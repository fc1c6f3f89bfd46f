package main

import (
	"fmt"
	"time"

	"github.com/airwrap/airwrap/bundle"
)

// inspectSignedParams shows the envelope's signers, then the parameters
// bundle inside exactly as inspect shows an unsigned one.
func inspectSignedParams(data []byte, now time.Time) (*doc, error) {
	sp, err := bundle.ParseSignedParams(data)
	if err != nil {
		return nil, err
	}
	inner, err := inspectParams(sp.Raw, now)
	if err != nil {
		return nil, fmt.Errorf("payload: %w", err)
	}
	d := &doc{Kind: bundle.KindSignedParams.String()}
	s := section{Title: "signed parameters (signatures NOT verified here: use airwrap wrap --params-trust)"}
	s.add("payload type", "%s", sp.Envelope.PayloadType)
	s.add("payload sha256", "%s", bundle.Fingerprint(sp.Raw))
	for i, sig := range sp.Envelope.Signatures {
		s.add(fmt.Sprintf("signature %d keyid", i+1), "%s", group(sig.KeyID))
	}
	d.Sections = append([]section{s}, inner.Sections...)
	return d, nil
}
