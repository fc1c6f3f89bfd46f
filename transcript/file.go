package transcript

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/airwrap/airwrap/bundle"
)

// Suffix names a bundle's transcript: `wrap --out B` writes B + Suffix.
const Suffix = ".transcript.jsonl"

// MaxFileSize bounds a transcript read from a file.
const MaxFileSize = 64 << 20

// ErrMissing: no transcript beside the bundle.
var ErrMissing = errors.New("no transcript beside the bundle")

// PathFor is where the transcript of the bundle at bundlePath lives.
func PathFor(bundlePath string) string { return bundlePath + Suffix }

// Load reads the transcript named by path, or when path is empty the one
// beside the bundle (PathFor), and returns the path it read. A named file
// must exist. A missing file beside the bundle is ErrMissing when required,
// else nil data and no error: the caller says it was not checked (Missing).
func Load(bundlePath, path string, required bool) ([]byte, string, error) {
	beside := path == ""
	if beside {
		path = PathFor(bundlePath)
	}
	f, err := os.Open(path)
	if err != nil {
		if beside && errors.Is(err, fs.ErrNotExist) {
			if !required {
				return nil, path, nil
			}
			return nil, path, fmt.Errorf("%w: %s does not exist", ErrMissing, path)
		}
		return nil, path, fmt.Errorf("transcript: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, path, fmt.Errorf("transcript %s: %w", path, err)
	}
	if len(data) > MaxFileSize {
		return nil, path, fmt.Errorf("%w: %s: more than %d bytes", ErrBroken, path, MaxFileSize)
	}
	return data, path, nil
}

// Missing is the warning when Load found no transcript beside a bundle.
func Missing(path string) string {
	return "no transcript at " + path + ": the ceremony record was not checked (name it with --transcript FILE; --require-transcript makes this an error)"
}

// BindingOf reads what an import bundle file says about its transcript.
// Signatures are not verified here: callers that trust the bundle verify
// them first (airwrap verify, airwrap-online submit); the auditor's
// `transcript verify --bundle` says that it did not.
func BindingOf(bundleFile []byte) (Binding, error) {
	ib, err := bundle.ReadImportBundle(bundleFile)
	if err != nil {
		return Binding{}, fmt.Errorf("bundle: %w", err)
	}
	return BindingFrom(ib, bundle.SHA256Hex(bundleFile)), nil
}

// BindingFrom is BindingOf for a bundle already read (bundle.ReadImportBundle)
// whose file has SHA-256 fileSHA256.
func BindingFrom(ib *bundle.ImportBundle, fileSHA256 string) Binding {
	b := Binding{TranscriptSHA256: ib.Payload.TranscriptSHA256, PayloadSHA256: bundle.SHA256Hex(ib.Raw), BundleSHA256: fileSHA256}
	for _, s := range ib.Envelope.Signatures {
		b.KeyIDs = append(b.KeyIDs, s.KeyID)
	}
	return b
}

// CheckBundleFile is CheckBundle against what the bundle file says
// (BindingOf): tr is the record of that very file.
func CheckBundleFile(tr, bundleFile []byte) (*Summary, error) {
	b, err := BindingOf(bundleFile)
	if err != nil {
		return nil, err
	}
	return CheckBundle(tr, b)
}
