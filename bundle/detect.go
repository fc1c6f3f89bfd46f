package bundle

import (
	"bytes"
	"encoding/json"
)

// Kind is what a file looks like, decided from its top-level keys only.
type Kind int

const (
	KindUnknown Kind = iota
	KindParams       // a parameters bundle: "type": ParamsType
	KindAWSCLI       // `aws kms get-parameters-for-import` JSON: has "ImportToken"
	KindImport       // an import bundle (DSSE envelope): has "payloadType"
	// KindSignedParams: signed parameters (DSSE envelope): "payloadType": ParamsPayloadType.
	KindSignedParams
	// KindCapabilities: a token's signed capabilities (DSSE envelope):
	// "payloadType": CapabilitiesPayloadType.
	KindCapabilities
)

func (k Kind) String() string {
	switch k {
	case KindParams:
		return "parameters bundle"
	case KindAWSCLI:
		return "AWS CLI get-parameters-for-import JSON"
	case KindImport:
		return "import bundle"
	case KindSignedParams:
		return "signed parameters bundle"
	case KindCapabilities:
		return "token capabilities"
	}
	return "unknown"
}

// Detect guesses the format of data without validating it: parse it with the
// matching Parse function. Invalid JSON or an unrecognised object is KindUnknown.
func Detect(data []byte) Kind {
	if len(data) > MaxFileSize {
		return KindUnknown
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return KindUnknown
	}
	var typ, payloadType string
	var hasPayloadType, hasImportToken bool
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return KindUnknown
		}
		key, _ := tok.(string)
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			return KindUnknown
		}
		switch key {
		case "type":
			_ = json.Unmarshal(val, &typ)
		case "payloadType":
			hasPayloadType = true
			_ = json.Unmarshal(val, &payloadType)
		case "ImportToken":
			hasImportToken = true
		}
	}
	switch {
	case typ == ParamsType && !hasPayloadType && !hasImportToken:
		return KindParams
	case hasPayloadType && typ == "" && !hasImportToken && payloadType == ParamsPayloadType:
		return KindSignedParams
	case hasPayloadType && typ == "" && !hasImportToken && payloadType == CapabilitiesPayloadType:
		return KindCapabilities
	case hasPayloadType && typ == "" && !hasImportToken:
		return KindImport
	case hasImportToken && typ == "" && !hasPayloadType:
		return KindAWSCLI
	}
	return KindUnknown
}
