package ceremony

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/airwrap/airwrap/atomicfile"
	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/internal/clikit"
)

// Output permissions: nothing written is secret (material is only ever
// wrapped), but nothing needs to be world-writable either.
const outputPerm = 0o644

// writeOutputs writes the bundle, the transcript and the AWS CLI files: all
// of them or none.
func (r *run) writeOutputs(bundleBytes []byte) (*Result, error) {
	res := &Result{
		BundlePath:     r.o.Out,
		TranscriptPath: r.o.Out + TranscriptSuffix,
		BundleSHA256:   bundle.SHA256Hex(bundleBytes),
		Entries:        len(r.p.entries),
	}
	res.SignerKeyID, _ = bundle.KeyID(r.signer.Public())
	var s atomicfile.Staged
	s.Add(res.BundlePath, bundleBytes, outputPerm)
	s.Add(res.TranscriptPath, r.tr.Bytes(), outputPerm)
	var dirs []string
	if r.o.AWSCLIDir != "" {
		for _, e := range r.p.entries {
			dir := awsCLIDir(r.o.AWSCLIDir, e)
			dirs = append(dirs, dir)
			encPath := filepath.Join(dir, EncryptedKeyMaterialFile)
			tokPath := filepath.Join(dir, ImportTokenFile)
			s.Add(encPath, e.encrypted, outputPerm)
			s.Add(tokPath, e.token, outputPerm)
			res.AWSCLICommands = append(res.AWSCLICommands, r.awsCLICommand(e, encPath, tokPath))
		}
	}
	created, err := makeDirs(dirs)
	if err != nil {
		removeDirs(created)
		return nil, err
	}
	if err := s.Commit(); err != nil {
		removeDirs(created)
		if errors.Is(err, atomicfile.ErrExists) {
			return nil, fmt.Errorf("%w (airwrap never replaces a file): %w", ErrOutputExists, err)
		}
		return nil, fmt.Errorf("write outputs: %w", err)
	}
	res.Files = s.Paths()
	return res, nil
}

// awsCLIDir is where --awscli-dir puts one entry's files: DIR/<Region>/<key
// id>, since the Regions of a multi-Region key share its key id and each
// has its own wrapping key and import token.
func awsCLIDir(root string, e *entry) string {
	return filepath.Join(root, e.keyARN.Region, e.keyARN.KeyID)
}

// awsCLICommand is the exact import command for one entry.
func (r *run) awsCLICommand(e *entry, encPath, tokPath string) string {
	args := []string{
		"aws", "kms", "import-key-material",
		"--region", e.keyARN.Region,
		"--key-id", e.arn,
		"--encrypted-key-material", "fileb://" + encPath,
		"--import-token", "fileb://" + tokPath,
		"--expiration-model", r.p.expirationModel,
	}
	if r.p.validTo != nil {
		args = append(args, "--valid-to", r.p.validTo.Format(time.RFC3339))
	}
	io := e.importOpts
	for _, f := range []struct{ flag, v string }{{FlagImportType, io.ImportType}, {FlagDescription, io.Description}, {FlagMaterialID, io.MaterialID}} {
		if f.v != "" {
			args = append(args, f.flag, f.v)
		}
	}
	for i, a := range args {
		args[i] = shellQuote(a)
	}
	if io.MaterialIDFrom != "" {
		// Known only once the primary's import has answered: the shell
		// refuses to run the command until the operator sets it.
		args = append(args, FlagMaterialID, `"${KEY_MATERIAL_ID:?set KEY_MATERIAL_ID to the KeyMaterialId that the import into `+io.MaterialIDFrom+` printed}"`)
	}
	return strings.Join(args, " ")
}

// shellQuote quotes a word for a POSIX shell when it needs quoting.
func shellQuote(s string) string { return clikit.ShellQuote(s) }

// makeDirs creates the AWS CLI directories, returning those it created
// (deepest last) so a failed run can remove them again.
func makeDirs(dirs []string) ([]string, error) {
	var created []string
	for _, d := range dirs {
		var missing []string
		for p := d; ; p = filepath.Dir(p) {
			if _, err := os.Lstat(p); err == nil {
				break
			}
			missing = append(missing, p)
			if filepath.Dir(p) == p {
				break
			}
		}
		for i := len(missing) - 1; i >= 0; i-- {
			if err := os.Mkdir(missing[i], 0o755); err != nil {
				return created, fmt.Errorf("create %s: %w", missing[i], err)
			}
			created = append(created, missing[i])
		}
	}
	return created, nil
}

// removeDirs removes directories this run created, deepest first; a
// directory that is not empty (someone else wrote there) stays.
func removeDirs(created []string) {
	for i := len(created) - 1; i >= 0; i-- {
		_ = os.Remove(created[i])
	}
}
