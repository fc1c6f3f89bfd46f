package online

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"time"

	"github.com/airwrap/airwrap/atomicfile"
	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/internal/clikit"
	"github.com/airwrap/airwrap/kmsimport"
)

// PrepareRequest is `airwrap-online prepare`: which keys (Params, validated
// by kmsimport.PrepareRequest), where to write, and how to sign.
type PrepareRequest struct {
	Params     kmsimport.PrepareRequest
	Out        string
	SignKey    string // PKCS#8 PEM private key file, or ""
	SignKMSKey string // KMS signing key id, or ""
	// Token, when given, is the token's signed capabilities: each key gets
	// the strongest algorithm the token produces, and a key whose spec the
	// token cannot export is refused before any GetParametersForImport.
	Token  TokenCapabilities
	Client Client
}

// CheckUsage reports, every problem at once, the choices the request lacks
// or makes twice over: --out, one signing key at most, and
// kmsimport.PrepareRequest.CheckUsage. It is bad usage (exit 2).
func (r PrepareRequest) CheckUsage() error {
	var errs []error
	if r.Out == "" {
		errs = append(errs, errors.New("--out is required"))
	}
	errs = append(errs, r.Params.CheckUsage())
	if r.SignKey != "" && r.SignKMSKey != "" {
		errs = append(errs, errors.New("--sign-key and --sign-kms-key exclude each other: sign with one key"))
	}
	errs = append(errs, r.Token.checkUsage())
	if err := errors.Join(errs...); err != nil {
		return &clikit.UsageError{Err: err}
	}
	return nil
}

// Validate reports every problem at once: CheckUsage (bad usage), else what
// kmsimport.PrepareRequest.Validate finds in the values.
func (r PrepareRequest) Validate() error {
	if err := r.CheckUsage(); err != nil {
		return err
	}
	return r.Params.Validate()
}

// Prepared is what Prepare wrote.
type Prepared struct {
	Params      *bundle.Params
	Data        []byte // the file written
	SignerKeyID string // "" when unsigned
}

// prepare refuses an existing Out and checks the signing key before any AWS
// call that changes anything, fetches the parameters (kmsimport.Prepare),
// signs them when asked (verified right after signing: bundle.SignParams)
// and writes them atomically, never replacing a file. Prepare (created.go)
// names the keys it created when it fails after.
func prepare(ctx context.Context, req PrepareRequest) (*Prepared, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	if err := atomicfile.CheckAbsent(req.Out); err != nil {
		return nil, err
	}
	var err error
	if _, req.Params.TokenExports, err = req.Token.open(time.Now()); err != nil {
		return nil, err
	}
	if err := req.Params.Validate(); err != nil { // again, now with the token's capabilities
		return nil, err
	}
	var signer crypto.Signer
	if req.SignKey != "" {
		if signer, err = kmsimport.LoadSigningKeyFile(req.SignKey); err != nil {
			return nil, fmt.Errorf("--sign-key: %w", err)
		}
	}
	api, err := req.Client()
	if err != nil {
		return nil, err
	}
	if err := req.Params.CheckPrimaryRegion(kmsimport.RegionOf(api)); err != nil {
		return nil, &clikit.UsageError{Err: err}
	}
	if req.SignKMSKey != "" {
		sa, ok := api.(kmsimport.SignAPI)
		if !ok {
			return nil, fmt.Errorf("--sign-kms-key: this KMS client cannot sign")
		}
		if signer, err = kmsimport.NewKMSSigner(ctx, sa, req.SignKMSKey); err != nil {
			return nil, err
		}
	}
	params, err := kmsimport.Prepare(ctx, api, req.Params)
	if err != nil {
		return nil, err
	}
	data, err := bundle.MarshalParams(params)
	if err != nil {
		return nil, fmt.Errorf("parameters bundle: %w", err)
	}
	p := &Prepared{Params: params}
	if signer != nil {
		if data, err = bundle.SignParams(data, signer); err != nil {
			return nil, fmt.Errorf("signing the parameters bundle: %w", err)
		}
		p.SignerKeyID, _ = bundle.KeyID(signer.Public())
	}
	if err := atomicfile.WriteNew(req.Out, data, 0o644); err != nil {
		return nil, err
	}
	p.Data = data
	return p, nil
}
