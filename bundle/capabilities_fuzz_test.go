package bundle

import (
	"bytes"
	"testing"
)

// FuzzParseSignedCapabilities: a capabilities file is accepted only in its
// canonical form, envelope and payload (SPEC.md R46-R47), and every refusal
// is ErrMalformed.
func FuzzParseSignedCapabilities(f *testing.F) {
	seed(f, "capabilities")
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := ParseSignedCapabilities(data)
		if err != nil {
			malformedOnly(t, err)
			return
		}
		out, err := MarshalSignedCapabilities(sc.Envelope)
		if err != nil || !bytes.Equal(out, data) {
			t.Fatalf("accepted capabilities do not re-marshal byte for byte: %v", err)
		}
		payload, err := MarshalCapabilities(sc.Capabilities)
		if err != nil || !bytes.Equal(payload, sc.Raw) {
			t.Fatalf("accepted payload does not re-marshal byte for byte: %v", err)
		}
	})
}
