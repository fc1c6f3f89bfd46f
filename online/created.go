package online

import (
	"context"
	"strings"

	"github.com/airwrap/airwrap/internal/clikit"
	"github.com/airwrap/airwrap/kmsimport"
)

// CreatedError is a prepare that created KMS keys (CreateKey, and
// ReplicateKey for each --replica-region) and then failed or was
// interrupted (the parameters were not fetched, not signed or not written):
// the keys exist, origin EXTERNAL and PendingImport, and a prepare that
// names them (--key-id) continues with them; a prepare that creates again
// would leave them unused. Its message names every key; errors.As gives them.
type CreatedError struct {
	ARNs []string
	Err  error
}

func (e *CreatedError) Error() string {
	return e.Err.Error() + "\nthis run created, and left PendingImport: " + clikit.Escape(strings.Join(e.ARNs, ", "))
}

func (e *CreatedError) Unwrap() error { return e.Err }

// Prepare is prepare (prepare.go) that, when it fails after creating a key,
// returns a CreatedError naming every key it created.
func Prepare(ctx context.Context, req PrepareRequest) (*Prepared, error) {
	var created []string
	then := req.Params.Created
	req.Params.Created = func(k kmsimport.KeyInfo) {
		created = append(created, k.ARN)
		if then != nil {
			then(k)
		}
	}
	p, err := prepare(ctx, req)
	if err != nil && len(created) > 0 {
		return nil, &CreatedError{ARNs: created, Err: err}
	}
	return p, err
}
