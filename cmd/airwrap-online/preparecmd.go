package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/airwrap/airwrap/internal/clikit"
	"github.com/urfave/cli/v2"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/kmsimport"
	"github.com/airwrap/airwrap/online"
)

func prepareCommand() *cli.Command {
	return &cli.Command{
		Name:      "prepare",
		Usage:     "fetch import parameters for KMS keys into a parameters bundle",
		UsageText: "airwrap-online [global options] prepare (--key-id ID ... | --keys-file FILE | --create --key-spec S --description D [--multi-region [--replica-region R ...]]) [--wrapping-algorithm A] [--wrapping-key-spec S] [--rate R] [--token-capabilities FILE --capabilities-trust PEM] --out FILE",
		Description: `Checks every key with DescribeKey first (origin EXTERNAL, PendingImport or
Enabled, not in a custom key store, an importable key spec) and says what
each import will be: a first import (PendingImport, no material ever
imported), a reimport of material that expired or was deleted (PendingImport;
for a symmetric key ListKeyRotations names the KeyMaterialId to wrap for,
where the endpoint lists materials), or material in place (Enabled, with its
expiry and days left: a reimport of the same material sets a new ValidTo,
new material rotates). Then it calls GetParametersForImport for each, paced to --rate (its quota is 1/s). Without
--wrapping-algorithm each key gets the strongest algorithm KMS allows for its
key spec that fits the wrapping key. The bundle is written atomically and
never replaces a file. Parameters are valid for 24 hours. Interrupted (exit
130), or failing after --create made a key, it names the keys it created and
prints the command that continues with them.

With --create --multi-region, the key is a multi-Region primary in the
client's Region; each --replica-region R makes a replica in R (ReplicateKey,
sent to the primary's Region), waits while it is Creating, and fetches its
parameters in R: every call about a key goes to the Region its ARN names.
The parameters bundle holds one entry per Region (role PRIMARY or REPLICA);
the ceremony wraps the same HSM key for each.

With --sign-key or --sign-kms-key the file written is a signed parameters
bundle (a DSSE envelope around the parameters bundle, bundle/SPEC.md 2.1):
the offline side then refuses parameters not signed by a key it trusts
(airwrap wrap --params-trust PUBLIC.pem). The signing key is checked before
any AWS call that changes anything.

With --token-capabilities FILE --capabilities-trust PEM (the file from
` + "`airwrap hsm info --out FILE --signer LABEL`" + `, carried across first, and the
ceremony signer's public key), the file's signature is verified first; each
key then gets the strongest algorithm the token really produces, and every
key whose spec the token cannot export is refused, all at once, before any
GetParametersForImport (with --create, before CreateKey).

Example:
   airwrap-online prepare --key-id arn:aws:kms:eu-west-2:111122223333:key/1234abcd-... --out params.json
   airwrap-online prepare --create --key-spec SYMMETRIC_DEFAULT --description "payments 2026" \
       --tag team=payments --out params.json
   airwrap-online --region eu-west-2 prepare --create --multi-region --replica-region us-east-1 \
       --key-spec SYMMETRIC_DEFAULT --description "payments 2026" --out params.json`,
		Flags: []cli.Flag{
			&cli.StringSliceFlag{Name: "key-id", Usage: "KMS key `ID` or ARN (repeat for each)"},
			&cli.StringFlag{Name: "keys-file", Usage: "`FILE` with one key id or ARN per line (# comments)"},
			&cli.StringFlag{Name: "wrapping-algorithm", Usage: "`ALG`: RSAES_OAEP_SHA_256, RSA_AES_KEY_WRAP_SHA_256, RSAES_OAEP_SHA_1 or RSA_AES_KEY_WRAP_SHA_1 (default: the strongest allowed per key)"},
			&cli.StringFlag{Name: "wrapping-key-spec", Value: kmsimport.DefaultWrappingKeySpec, Usage: "`SPEC`: RSA_2048, RSA_3072 or RSA_4096"},
			&cli.StringFlag{Name: "out", Usage: "parameters bundle `FILE` to write (never replaced)"},
			&cli.BoolFlag{Name: "create", Usage: "create a new KMS key with origin EXTERNAL first"},
			&cli.StringFlag{Name: "key-spec", Usage: "with --create: KMS key `SPEC`, e.g. SYMMETRIC_DEFAULT"},
			&cli.StringFlag{Name: "key-usage", Usage: "with --create: `USAGE` (default: ENCRYPT_DECRYPT, GENERATE_VERIFY_MAC or SIGN_VERIFY by key spec)"},
			&cli.StringFlag{Name: "description", Usage: "with --create: what the key is for"},
			&cli.BoolFlag{Name: "multi-region", Usage: "with --create: a multi-Region primary key"},
			&cli.StringSliceFlag{Name: "replica-region", Usage: "with --create --multi-region: also make a replica in `REGION` (ReplicateKey; repeat for each) and fetch its parameters there"},
			&cli.StringSliceFlag{Name: "tag", Usage: "with --create: tag `K=V` (repeat for each)"},
			&cli.StringFlag{Name: "rate", Value: "1/s", Usage: "GetParametersForImport `RATE`: N/s or N/m"},
			&cli.StringFlag{Name: "sign-key", Usage: "sign the bundle with the PKCS#8 PEM private key in `FILE` (mode 0600; ECDSA P-256/P-384 or RSA >= 3072)"},
			&cli.StringFlag{Name: "sign-kms-key", Usage: "sign the bundle with the KMS asymmetric signing key `ID` (ECC_NIST_P256/P384, RSA_3072/4096)"},
			&cli.StringFlag{Name: "token-capabilities", Usage: "the offline token's capabilities `FILE` (airwrap hsm info --out): choose algorithms the token really produces, refuse keys it cannot export"},
			&cli.StringSliceFlag{Name: "capabilities-trust", Usage: "with --token-capabilities: the ceremony signer's public key `PEM` (airwrap signer export) that must have signed it (repeat to pin several)"},
		},
		Action: prepareAction,
	}
}

type prepareOut struct {
	Out          string         `json:"out"`
	ParamsSHA256 string         `json:"params_sha256"`
	SignerKeyID  string         `json:"signer_keyid,omitempty"`
	Entries      []prepareEntry `json:"entries"`
}

type prepareEntry struct {
	KeyARN                 string    `json:"key_arn"`
	KeySpec                string    `json:"key_spec"`
	MultiRegionRole        string    `json:"multi_region_role,omitempty"`
	Region                 string    `json:"region"`
	WrappingAlgorithm      string    `json:"wrapping_algorithm"`
	WrappingKeySpec        string    `json:"wrapping_key_spec"`
	PublicKeyFingerprint   string    `json:"public_key_fingerprint"`
	ImportTokenFingerprint string    `json:"import_token_fingerprint"`
	ParametersValidTo      time.Time `json:"parameters_valid_to"`
}

func prepareAction(c *cli.Context) error {
	req, err := prepareRequest(c)
	if err != nil {
		return err
	}
	p, err := online.Prepare(c.Context, req)
	if err != nil {
		return prepareResumable(c, err)
	}
	out, params, data, signerID := req.Out, p.Params, p.Data, p.SignerKeyID
	res := prepareOut{Out: out, ParamsSHA256: bundle.SHA256Hex(data), SignerKeyID: signerID}
	for _, e := range params.Entries {
		res.Entries = append(res.Entries, prepareEntry{
			KeyARN: e.KeyARN, KeySpec: e.KeySpec, MultiRegionRole: e.MultiRegionRole, Region: e.Region,
			WrappingAlgorithm: e.WrappingAlgorithm, WrappingKeySpec: e.WrappingKeySpec,
			PublicKeyFingerprint: bundle.Fingerprint(e.PublicKey), ImportTokenFingerprint: bundle.Fingerprint(e.ImportToken),
			ParametersValidTo: e.ParametersValidTo,
		})
	}
	return emit(c, res, func(w io.Writer) {
		fmt.Fprintf(w, "wrote %s (sha256 %s)\n", clikit.Escape(out), res.ParamsSHA256)
		if res.SignerKeyID != "" {
			field(w, 2, "signed by keyid", res.SignerKeyID)
		}
		for _, e := range res.Entries {
			field(w, 0, "key", e.KeyARN)
			field(w, 2, "key spec", e.KeySpec)
			if e.MultiRegionRole != "" {
				field(w, 2, "multi-Region", e.MultiRegionRole+" in "+e.Region)
			}
			field(w, 2, "wrapping", e.WrappingAlgorithm+" under "+e.WrappingKeySpec)
			field(w, 2, "public key sha256", e.PublicKeyFingerprint)
			field(w, 2, "import token sha256", e.ImportTokenFingerprint)
			field(w, 2, "valid until", e.ParametersValidTo.Format(time.RFC3339))
		}
		fmt.Fprintln(w, "carry the file across the air gap within 24 hours; read the fingerprints aloud on both sides")
	})
}

// prepareRequest turns the flags into a request; every usage problem is bad
// usage (exit 2), reported together: the flags' own here, the request's
// choices from online.PrepareRequest.CheckUsage.
func prepareRequest(c *cli.Context) (online.PrepareRequest, error) {
	if c.Args().Present() {
		return online.PrepareRequest{}, usagef("prepare takes no arguments (got %q): keys go in --key-id", c.Args().First())
	}
	var problems []error
	ids := c.StringSlice("key-id")
	if f := c.String("keys-file"); f != "" {
		more, err := readKeysFile(f)
		if err != nil {
			return online.PrepareRequest{}, err
		}
		ids = append(ids, more...)
	}
	rate, err := kmsimport.ParseRate(c.String("rate"))
	if err != nil {
		problems = append(problems, fmt.Errorf("--rate: %w", err))
	}
	req := online.PrepareRequest{
		Params: kmsimport.PrepareRequest{
			KeyIDs: ids, WrappingAlgorithm: c.String("wrapping-algorithm"), WrappingKeySpec: c.String("wrapping-key-spec"),
			Rate: rate, Progress: progress{c.App.ErrWriter}, ToolVersion: version,
		},
		Out: c.String("out"), SignKey: c.String("sign-key"), SignKMSKey: c.String("sign-kms-key"),
		Token:  online.TokenCapabilities{Path: c.String("token-capabilities"), TrustFiles: c.StringSlice("capabilities-trust")},
		Client: func() (kmsimport.API, error) { return kmsClient(c) },
	}
	if c.Bool("create") {
		cr := &kmsimport.CreateKeyRequest{KeySpec: c.String("key-spec"), KeyUsage: c.String("key-usage"), Description: c.String("description"), MultiRegion: c.Bool("multi-region"), ReplicaRegions: c.StringSlice("replica-region")}
		for _, t := range c.StringSlice("tag") {
			k, v, ok := strings.Cut(t, "=")
			if !ok || k == "" {
				problems = append(problems, fmt.Errorf("--tag %q: want KEY=VALUE", t))
				continue
			}
			cr.Tags = append(cr.Tags, kmsimport.Tag{Key: k, Value: v})
		}
		req.Params.Create = cr
	} else {
		for _, f := range []string{"key-spec", "key-usage", "description", "multi-region", "replica-region", "tag"} {
			if c.IsSet(f) {
				problems = append(problems, fmt.Errorf("--%s only goes with --create", f))
			}
		}
	}
	if err := req.CheckUsage(); err != nil {
		problems = append(problems, err)
	}
	if err := errors.Join(problems...); err != nil {
		return req, &clikit.UsageError{Err: err}
	}
	return req, nil
}

func readKeysFile(path string) ([]string, error) {
	data, err := bundle.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--keys-file: %w", err)
	}
	var ids []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		if line != "" {
			ids = append(ids, line)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("--keys-file %s: %w", path, err)
	}
	if len(ids) == 0 {
		return nil, usagef("--keys-file %s names no keys", path)
	}
	return ids, nil
}
