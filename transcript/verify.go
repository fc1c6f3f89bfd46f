package transcript

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// Verify checks the chain of a whole transcript file.
func Verify(data []byte) error {
	_, err := HeadOf(data)
	return err
}

// HeadOf verifies data and returns the hex SHA-256 of its last line.
// It reports every broken link, with its line number.
func HeadOf(data []byte) (string, error) {
	if len(data) == 0 {
		return "", fmt.Errorf("%w: empty transcript", ErrBroken)
	}
	if data[len(data)-1] != '\n' {
		return "", fmt.Errorf("%w: last line not terminated by a newline", ErrBroken)
	}
	lines := bytes.Split(data[:len(data)-1], []byte("\n"))
	prev := Genesis
	var errs []error
	for i, line := range lines {
		n := i + 1
		var hdr struct {
			Seq  *int    `json:"seq"`
			Step *string `json:"step"`
			Prev *string `json:"prev"`
		}
		if err := json.Unmarshal(line, &hdr); err != nil {
			errs = append(errs, fmt.Errorf("%w: line %d: not a JSON object: %v", ErrBroken, n, err))
		} else {
			if hdr.Seq == nil || *hdr.Seq != n {
				errs = append(errs, fmt.Errorf("%w: line %d: seq is not %d", ErrBroken, n, n))
			}
			if hdr.Step == nil || *hdr.Step == "" {
				errs = append(errs, fmt.Errorf("%w: line %d: no step", ErrBroken, n))
			}
			if hdr.Prev == nil || *hdr.Prev != prev {
				errs = append(errs, fmt.Errorf("%w: line %d: prev does not match the hash of line %d", ErrBroken, n, n-1))
			}
		}
		prev = hashHex(line)
	}
	if err := errors.Join(errs...); err != nil {
		return "", err
	}
	return prev, nil
}
