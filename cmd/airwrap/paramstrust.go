package main

import (
	"strconv"

	"github.com/urfave/cli/v2"

	"github.com/airwrap/airwrap/verify"
)

// paramsTrustFlags reads wrap's --params-trust and --params-threshold.
func paramsTrustFlags(c *cli.Context) ([]verify.TrustedKey, int, error) {
	files := c.StringSlice("params-trust")
	k, err := strconv.Atoi(c.String("params-threshold"))
	if err != nil || k < 1 {
		return nil, 0, usagef("--params-threshold %q: want a whole number of at least 1", c.String("params-threshold"))
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
