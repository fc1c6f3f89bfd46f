package bundle

import (
	"encoding/base64"
	"errors"
	"fmt"
	"unicode/utf8"
)

// DecodeBase64 is the one base64 decoder for every field airwrap reads
// (SPEC.md R8): standard alphabet, padded, nothing but A-Z a-z 0-9 + / and
// the final = padding, no non-zero trailing bits. Go's decoder skips CR and
// LF even in strict mode, so two files differing only in line breaks would
// decode alike; this one refuses them. The error is a *FieldError at path
// (ErrMalformed) saying what is wrong and where in the value.
func DecodeBase64(path, s string) ([]byte, error) {
	b, msg := decodeStrict(s)
	if msg != "" {
		if path == "" {
			path = rootPath
		}
		return nil, &FieldError{Path: path, Msg: msg, Err: ErrMalformed}
	}
	return b, nil
}

// decodeStrict decodes s by R8, or says why it is not R8 base64.
func decodeStrict(s string) ([]byte, string) {
	const prefix = "not standard padded base64 (SPEC.md R8): "
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/' || c == '=' {
			continue
		}
		if c == '\r' || c == '\n' {
			return nil, fmt.Sprintf("%sa line break %q at byte %d of the value", prefix, rune(c), i)
		}
		r, _ := utf8.DecodeRuneInString(s[i:])
		return nil, fmt.Sprintf("%s%q at byte %d of the value is not in the alphabet A-Z a-z 0-9 + / =", prefix, r, i)
	}
	if len(s)%4 != 0 {
		return nil, fmt.Sprintf("%slength %d is not a multiple of 4 (padding missing or extra)", prefix, len(s))
	}
	b, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil {
		var at base64.CorruptInputError
		if errors.As(err, &at) {
			return nil, fmt.Sprintf("%smisplaced padding or non-zero trailing bits at byte %d of the value", prefix, int64(at))
		}
		return nil, prefix + err.Error()
	}
	return b, ""
}
