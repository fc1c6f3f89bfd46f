package main

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/ceremony"
	"github.com/airwrap/airwrap/internal/clikit"
)

// awsFilesParams reads --public-key and --import-token, the files the AWS
// developer guide's steps write, into the AWS CLI JSON those same steps
// would have printed with --output json, for the one KMS key named by
// --key ARN=LABEL. The files do not say when they expire: the JSON records
// the latest they can be valid (bundle.ParametersLifetime from now) and a
// warning says so. It returns nil, "" when neither flag is given.
func awsFilesParams(c *cli.Context, now time.Time, warn io.Writer) ([]byte, string, error) {
	pk, it := c.String("public-key"), c.String("import-token")
	if pk == "" && it == "" {
		return nil, "", nil
	}
	var errs []error
	if pk == "" || it == "" {
		errs = append(errs, usagef("--public-key and --import-token go together: give both files"))
	}
	if c.String("params") != "" {
		errs = append(errs, usagef("--params and --public-key/--import-token exclude each other: give the parameters one way"))
	}
	arn := ""
	if keys := c.StringSlice("key"); len(keys) != 1 || ceremony.ParseKeySelect(keys[0]).ARN == "" {
		errs = append(errs, usagef("with --public-key and --import-token give one --key ARN=LABEL: the files do not name the KMS key (give the ARN passed to get-parameters-for-import)"))
	} else {
		arn = ceremony.ParseKeySelect(keys[0]).ARN
	}
	if len(errs) > 0 {
		return nil, "", errors.Join(errs...)
	}
	pub, err1 := readAWSFile("--public-key", pk, bundle.MaxPublicKeySize)
	token, err2 := readAWSFile("--import-token", it, bundle.MaxImportTokenSize)
	if err := errors.Join(err1, err2); err != nil {
		return nil, "", err
	}
	validTo := now.Add(bundle.ParametersLifetime).UTC().Truncate(time.Second)
	data, err := bundle.MarshalAWSCLIParams(&bundle.AWSCLIParams{KeyID: arn, PublicKey: pub, ImportToken: token, ParametersValidTo: validTo})
	if err != nil {
		return nil, "", err
	}
	fmt.Fprintf(warn, "airwrap: warning: %s and %s do not say when they expire: the bundle records parameters valid to %s, the latest they can be (KMS parameters live 24 hours); KMS refuses them 24 hours after get-parameters-for-import\n",
		clikit.Escape(pk), clikit.Escape(it), validTo.Format(time.RFC3339))
	return data, pk + " and " + it, nil
}

// readAWSFile reads one of those files: its raw bytes, or their base64 text.
func readAWSFile(flag, path string, max int) ([]byte, error) {
	data, err := bundle.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", flag, err)
	}
	b, err := bundle.DecodeAWSFile(data, max)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", flag, path, err)
	}
	return b, nil
}
