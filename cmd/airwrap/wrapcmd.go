package main

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/airwrap/airwrap/internal/clikit"
	"github.com/urfave/cli/v2"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/ceremony"
	"github.com/airwrap/airwrap/kmsrules"
	"github.com/airwrap/airwrap/verify"
)

func wrapCommand() *cli.Command {
	return &cli.Command{
		Name:  "wrap",
		Usage: "wrap HSM keys under KMS import parameters into a signed import bundle",
		UsageText: `airwrap [global options] wrap (--params FILE | --public-key FILE --import-token FILE) --key [ARN=]LABEL|--key-id [ARN=]HEXID ...
    (--valid-to DATE|TIME | --no-expiry) --signer LABEL --out FILE
    [--operator NAME ...] [--awscli-dir DIR] [--wrapping-algorithm ALG] [--key-spec SPEC]
    [--allow-nonsensitive-key LABEL ...] [--import-type [ARN=]TYPE ...]
    [--key-material-description [ARN=]TEXT ...] [--key-material-id [ARN=]HEX ...]`,
		Description: `Everything is checked before the HSM is touched, and every problem is reported
at once: the parameters parse strictly, the wrapping key is RSA 2048/3072/4096,
the algorithm suits the key spec, the material fits, the parameters have not
expired, --valid-to is in the future and at most 365 days ahead, every entry
has a key, and no output exists yet. Then the token runs its known-answer
tests, each key is wrapped inside the HSM, the import payload is signed in
the HSM and the signature verified. The bundle (--out) and its transcript
(--out + .transcript.jsonl) are written together, or not at all.

--params takes a parameters bundle from airwrap-online, or the JSON that
` + "`aws kms get-parameters-for-import`" + ` prints; with the latter give
--wrapping-algorithm (the one you asked KMS for); --key-spec defaults to the
HSM key's.

A key whose CKA_SENSITIVE is false (the token would reveal its material in
the clear, so it may already exist outside the HSM) is refused, every such
key at once, before anything is wrapped, unless the operators accept it by
name with --allow-nonsensitive-key LABEL; the transcript records that they did.

--public-key PublicKey.bin --import-token ImportToken.bin take the files the
AWS developer guide's steps write (aws kms get-parameters-for-import ...
--query PublicKey --output text | base64 --decode > PublicKey.bin, the same
for ImportToken), raw or still base64. They name no key and no algorithm:
give --key ARN=LABEL and --wrapping-algorithm. Nor do they say when they
expire: the bundle records the latest they can be valid, 24 hours from now
(KMS itself refuses them 24 hours after they were fetched). The bundle then
answers no parameters file (verify and submit without --params); import it
with the AWS CLI files of --awscli-dir.

--key-id selects an HSM key by its CKA_ID (hex, as ` + "`airwrap key list`" + ` shows it)
wherever --key would select it by label. For a whole ceremony from one
reviewed file, see ` + "`airwrap ceremony`" + `.

--awscli-dir DIR also writes DIR/<Region>/<key id>/EncryptedKeyMaterial.bin
and ImportToken.bin (the Regions of a multi-Region key share its key id) and
prints the exact ` + "`aws kms import-key-material`" + ` command for each, with
--region and the import options.

Symmetric keys only: --import-type NEW_KEY_MATERIAL (material the key does not
hold yet: a rotation, then RotateKeyOnDemand) or EXISTING_KEY_MATERIAL (a
reimport of material the key holds, e.g. after it expired or was deleted),
--key-material-description TEXT (up to 256 of a-z A-Z 0-9 : / _ . - and
spaces) and, with EXISTING_KEY_MATERIAL, --key-material-id HEX (the 64-hex
KeyMaterialId that ` + "`airwrap-online status`" + ` shows) name the import; like --key,
each takes VALUE for a single entry or ARN=VALUE once per entry. They are
signed into the bundle and submit sends them as they are.

Examples:
   airwrap wrap --params params.json --key payments-2026 --valid-to 2027-06-30 \
       --signer ceremony-signer --operator "A. Officer" --operator "B. Witness" --out import.json
   airwrap wrap --params gpfi.json --wrapping-algorithm RSAES_OAEP_SHA_1 --key payments-2026 \
       --no-expiry --signer ceremony-signer --out import.json --awscli-dir awscli
   airwrap wrap --public-key PublicKey.bin --import-token ImportToken.bin \
       --key arn:aws:kms:eu-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab=payments-2026 \
       --wrapping-algorithm RSAES_OAEP_SHA_256 --valid-to 2027-06-30 --signer ceremony-signer \
       --out import.json --awscli-dir awscli`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "params", Usage: "parameters `FILE` (airwrap parameters bundle or AWS CLI JSON)"},
			&cli.StringSliceFlag{Name: "key", Usage: "HSM key `LABEL` for a single entry, or ARN=LABEL once per entry"},
			&cli.StringSliceFlag{Name: "key-id", Usage: "like --key, selecting the HSM key by its CKA_ID in hex: `HEXID` or ARN=HEXID"},
			&cli.StringFlag{Name: "valid-to", Usage: "key material expires at `TIME`: a date alone (2027-06-30, midnight UTC at its start, as the AWS CLI reads it) or RFC 3339; at most 365 days ahead"},
			&cli.BoolFlag{Name: "no-expiry", Usage: "key material does not expire (KEY_MATERIAL_DOES_NOT_EXPIRE)"},
			&cli.StringFlag{Name: "signer", Usage: "`LABEL` of the ceremony signing key in the HSM"},
			&cli.StringFlag{Name: "out", Usage: "import bundle `FILE` to write (must not exist)"},
			&cli.StringSliceFlag{Name: "operator", Usage: "`NAME` of an officer present (repeat for each)"},
			&cli.StringFlag{Name: "awscli-dir", Usage: "also write AWS CLI input files under `DIR`"},
			&cli.StringFlag{Name: "wrapping-algorithm", Usage: "AWS CLI JSON only: the wrapping `ALG` the parameters were fetched for"},
			&cli.StringFlag{Name: "key-spec", Usage: "AWS CLI JSON only: the KMS key `SPEC` (default: the HSM key's)"},
			&cli.StringSliceFlag{Name: "allow-nonsensitive-key", Usage: "wrap the HSM key `LABEL` although it is not sensitive (CKA_SENSITIVE false); recorded in the transcript (repeat for each)"},
			&cli.StringSliceFlag{Name: "import-type", Usage: "symmetric keys: NEW_KEY_MATERIAL or EXISTING_KEY_MATERIAL (`TYPE`, or ARN=TYPE once per entry)"},
			&cli.StringSliceFlag{Name: "key-material-description", Usage: "symmetric keys: the key material's description (`TEXT`, or ARN=TEXT once per entry)"},
			&cli.StringSliceFlag{Name: "key-material-id", Usage: "symmetric keys, with EXISTING_KEY_MATERIAL: the KeyMaterialId to reimport into (64 lowercase `HEX`, or ARN=HEX once per entry)"},
			&cli.StringFlag{Name: "public-key", Usage: "instead of --params: PublicKey.bin as the AWS developer guide writes it (`FILE`, raw DER or its base64)"},
			&cli.StringFlag{Name: "import-token", Usage: "instead of --params: ImportToken.bin as the AWS developer guide writes it (`FILE`, raw or its base64)"},
			&cli.StringSliceFlag{Name: "params-trust", Usage: "PEM `FILE` of a key trusted to sign parameters: unsigned or untrusted parameters are refused (repeat for each)"},
			&cli.StringFlag{Name: "params-threshold", Value: "1", Usage: "`K` distinct --params-trust signatures required"},
		},
		Action: wrapAction,
	}
}

type wrapOut struct {
	Bundle         string   `json:"bundle"`
	Transcript     string   `json:"transcript"`
	BundleSHA256   string   `json:"bundle_sha256"`
	SignerKeyID    string   `json:"signer_keyid"`
	Entries        int      `json:"entries"`
	Files          []string `json:"files"`
	AWSCLICommands []string `json:"awscli_commands,omitempty"`
}

func wrapAction(c *cli.Context) error {
	if err := noArgs(c); err != nil {
		return err
	}
	opts := ceremony.Options{
		NoExpiry:               c.Bool("no-expiry"),
		WrappingAlgorithm:      c.String("wrapping-algorithm"),
		KeySpec:                c.String("key-spec"),
		AllowNonSensitive:      c.StringSlice("allow-nonsensitive-key"),
		SignerLabel:            c.String("signer"),
		Operators:              c.StringSlice("operator"),
		Out:                    c.String("out"),
		AWSCLIDir:              c.String("awscli-dir"),
		ImportType:             c.StringSlice("import-type"),
		KeyMaterialDescription: c.StringSlice("key-material-description"),
		KeyMaterialID:          c.StringSlice("key-material-id"),
		ToolVersion:            version,
		Open:                   ceremonyToken(c),
		Progress:               c.App.ErrWriter,
	}
	for _, k := range c.StringSlice("key") {
		opts.Keys = append(opts.Keys, ceremony.ParseKeySelect(k))
	}
	for _, k := range c.StringSlice("key-id") {
		ks, err := ceremony.ParseKeyIDSelect(k)
		if err != nil {
			return &clikit.UsageError{Err: fmt.Errorf("--key-id: %w", err)}
		}
		opts.Keys = append(opts.Keys, ks)
	}
	if c.IsSet("params-threshold") || len(c.StringSlice("params-trust")) > 0 {
		k, err := clikit.Threshold("--params-threshold", c.String("params-threshold"))
		if err != nil {
			return err
		}
		opts.ParamsThreshold = k
	}
	// The choices first (ceremony.Options.CheckUsage), every problem at once,
	// before the --valid-to and --params-trust values are read.
	chosen := opts
	if c.String("valid-to") != "" {
		chosen.ValidTo = &time.Time{}
	}
	chosen.ParamsTrust = make([]verify.TrustedKey, len(c.StringSlice("params-trust")))
	usage := []error{chosen.CheckUsage()}
	if c.String("params") == "" && c.String("public-key") == "" && c.String("import-token") == "" {
		usage = append(usage, errors.New("--params is required (or --public-key and --import-token, the files of the AWS developer guide)"))
	}
	if err := errors.Join(usage...); err != nil {
		return &clikit.UsageError{Err: err}
	}
	if vt := c.String("valid-to"); vt != "" {
		t, err := parseValidTo(vt)
		if err != nil {
			return err
		}
		opts.ValidTo = &t
		if w := kmsrules.ValidToWarning(opts.ValidTo, time.Now()); w != "" {
			fmt.Fprintf(c.App.ErrWriter, "airwrap: warning: --valid-to: %s\n", clikit.Escape(w))
		}
	}
	if err := checkHSMFlags(c); err != nil {
		return err
	}
	if files := c.StringSlice("params-trust"); len(files) > 0 {
		var err error
		if opts.ParamsTrust, err = verify.LoadTrustFiles(files...); err != nil {
			return err
		}
	}
	data, paramsPath, err := awsFilesParams(c, time.Now(), c.App.ErrWriter)
	if err != nil {
		return err
	}
	if data == nil {
		paramsPath = c.String("params")
		if data, err = bundle.ReadFile(paramsPath); err != nil {
			return fmt.Errorf("--params: %w", err)
		}
		if err := bundle.CheckNotMisfit(data); err != nil {
			return fmt.Errorf("--params: %s: %w", paramsPath, err)
		}
	}
	if len(opts.ParamsTrust) == 0 && bundle.Detect(data) == bundle.KindSignedParams {
		fmt.Fprintln(c.App.ErrWriter, "airwrap: warning: the parameters are signed, but no --params-trust was given: their signatures are not checked; pass the online side's public key to check them")
	}
	opts.Params, opts.ParamsPath = data, paramsPath
	res, err := ceremony.Wrap(c.Context, opts)
	if err != nil {
		return err
	}
	o := wrapOut{res.BundlePath, res.TranscriptPath, res.BundleSHA256, res.SignerKeyID, res.Entries, res.Files, res.AWSCLICommands}
	return emit(c, o, func(w io.Writer) {
		fmt.Fprintf(w, "wrapped %d key(s) into %s\n", o.Entries, clikit.Escape(o.Bundle))
		field(w, 2, "transcript", o.Transcript)
		field(w, 2, "bundle sha256", o.BundleSHA256)
		field(w, 2, "signed by keyid", o.SignerKeyID)
		if len(o.AWSCLICommands) > 0 {
			fmt.Fprintln(w, "import with the AWS CLI on the online machine:")
			for _, cmd := range o.AWSCLICommands {
				fmt.Fprintf(w, "  %s\n", clikit.Escape(cmd))
			}
		}
	})
}
