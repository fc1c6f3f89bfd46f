package bundle

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// The files the AWS developer guide's import steps write, and the mistakes
// made with them. Both sentinels are also ErrMalformed.
var (
	// ErrEmptyFile: a file has no bytes at all (the command meant to write it
	// failed, or wrote elsewhere).
	ErrEmptyFile = fmt.Errorf("%w: empty file", ErrMalformed)
	// ErrAWSCLIText: the tab-separated text the AWS CLI prints with
	// `--output text`, where JSON or one decoded value was expected.
	ErrAWSCLIText = fmt.Errorf("%w: AWS CLI text output", ErrMalformed)
)

// awsTextHelp says how to get each file the AWS CLI can give for the import.
const awsTextHelp = "for --params run `aws kms get-parameters-for-import ... --output json > params.json`; for --public-key and --import-token run it with `--query PublicKey --output text | base64 --decode > PublicKey.bin` and `--query ImportToken --output text | base64 --decode > ImportToken.bin`"

// CheckNotMisfit refuses files that are plainly not a parameters file or a
// decoded value, naming what they are: an empty file, and the AWS CLI's
// `--output text` (values separated by tabs on one line). It is nil for
// anything else, which the file's own parser then judges.
func CheckNotMisfit(data []byte) error {
	if len(data) == 0 {
		return fmt.Errorf("%w (0 bytes): the command that should have written it failed or wrote elsewhere; run it again", ErrEmptyFile)
	}
	if isAWSCLIText(data) {
		return fmt.Errorf("%w: tab-separated values from `--output text`, not JSON or a decoded value: %s", ErrAWSCLIText, awsTextHelp)
	}
	return nil
}

// isAWSCLIText: printable ASCII text with a tab, naming a KMS ARN. A DER key
// or a raw import token is binary and never all printable.
func isAWSCLIText(data []byte) bool {
	for _, b := range data {
		if (b < 0x20 || b > 0x7e) && b != '\t' && b != '\n' && b != '\r' {
			return false
		}
	}
	return bytes.IndexByte(data, '\t') >= 0 && bytes.Contains(data, []byte("arn:aws"))
}

// DecodeAWSFile reads PublicKey.bin or ImportToken.bin as the AWS developer
// guide writes them (`... --query PublicKey --output text | base64 --decode >
// PublicKey.bin`): the raw bytes. The same value as base64 text (the step
// without `| base64 --decode`, one trailing newline allowed) is accepted too
// and decoded: a DER public key starts with 0x30 and a token is binary, so
// neither is ever all base64 text. Empty files, `--output text` files and
// values over max bytes are refused.
func DecodeAWSFile(data []byte, max int) ([]byte, error) {
	if err := CheckNotMisfit(data); err != nil {
		return nil, err
	}
	if b, ok := base64Text(data); ok {
		data = b
	}
	if len(data) > max {
		return nil, fmt.Errorf("%w: %d bytes, at most %d", ErrMalformed, len(data), max)
	}
	return data, nil
}

func base64Text(data []byte) ([]byte, bool) {
	t := bytes.TrimSuffix(bytes.TrimSuffix(data, []byte("\n")), []byte("\r"))
	if len(t) == 0 {
		return nil, false
	}
	b, err := DecodeBase64("", string(t))
	if err != nil || len(b) == 0 {
		return nil, false
	}
	return b, true
}

// MarshalAWSCLIParams writes p as `aws kms get-parameters-for-import
// --output json` prints it, so that ParseAWSCLIParams reads it back as p.
func MarshalAWSCLIParams(p *AWSCLIParams) ([]byte, error) {
	if p == nil || p.KeyID == "" || len(p.PublicKey) == 0 || len(p.ImportToken) == 0 || p.ParametersValidTo.IsZero() {
		return nil, errors.New("bundle: MarshalAWSCLIParams: every field is required")
	}
	out, err := json.MarshalIndent(struct {
		KeyID             string `json:"KeyId"`
		ImportToken       string `json:"ImportToken"`
		PublicKey         string `json:"PublicKey"`
		ParametersValidTo string `json:"ParametersValidTo"`
	}{
		p.KeyID,
		base64.StdEncoding.EncodeToString(p.ImportToken),
		base64.StdEncoding.EncodeToString(p.PublicKey),
		p.ParametersValidTo.UTC().Format("2006-01-02T15:04:05.999999999-07:00"),
	}, "", "    ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

// ParametersLifetime is how long KMS import parameters stay valid after
// GetParametersForImport returns them.
const ParametersLifetime = 24 * time.Hour
