package bundle

import (
	"fmt"
	"io"
	"os"
)

// ReadFile reads at most MaxFileSize bytes of a bundle file; a larger file is
// ErrTooLarge (hostile media can hold anything).
func ReadFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%s: %w: more than %d bytes", path, ErrTooLarge, MaxFileSize)
	}
	return data, nil
}
