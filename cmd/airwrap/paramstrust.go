package main

import (
	"github.com/airwrap/airwrap/internal/clikit"

	"github.com/urfave/cli/v2"

	"github.com/airwrap/airwrap/verify"
)

// paramsTrustFlags reads wrap's --params-trust and --params-threshold.
func paramsTrustFlags(c *cli.Context) ([]verify.TrustedKey, int, error) {
	files := c.StringSlice("params-trust")
	k, err := clikit.Threshold("--params-threshold", c.String("params-threshold"))
	if err != nil {
		return nil, 0, err
	}
	if len(files) == 0 {
		if c.IsSet("params-threshold") {
			return nil, 0, usagef("--params-threshold needs --params-trust")
		}
		return nil, 0, nil
	}
	trusted, err := verify.LoadTrustFiles(files...)
	if err != nil {
		return nil, 0, err
	}
	return trusted, k, nil
}
