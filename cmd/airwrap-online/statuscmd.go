package main

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/airwrap/airwrap/kmsimport"
	"github.com/airwrap/airwrap/online"
)

func statusCommand() *cli.Command {
	return &cli.Command{
		Name:      "status",
		Usage:     "show each key's state and key materials with their expiry",
		UsageText: "airwrap-online [global options] status (BUNDLE | --key-id ID ...) [--fail-within DAYS]",
		Description: `BUNDLE is a parameters bundle or an import bundle (its signatures are not
needed to read the key ARNs). For each key: state, origin, expiration model,
ValidTo and days left, and every key material (ListKeyRotations with
ALL_KEY_MATERIAL; endpoints without it show the current material only).
Each material shows its state (CURRENT, PENDING_ROTATION: imported but not
yet rotated in, NON_CURRENT: rotated out, still decrypting), import state,
ValidTo, the date it was rotated in and its description. A multi-Region key
is shown in every Region, its primary and each replica (each holds its own
imported material, and each expires on its own), each asked in its own
Region.

Monitoring: --fail-within DAYS covers every material of every key in every
Region, whatever its state: it exits 1 when any material's ValidTo falls
within DAYS (or has passed), or a key holds none (PendingImport: expired and
deleted, or never imported), and lists each under "expiring". For a cron job
or an alarm, use the global --json: one object {"keys": [...], "expiring":
[...]}; each key has arn, region, state, key_spec, valid_to, days_left and
"materials", each material key_material_id, state, import_state,
expiration_model, valid_to, days_left, description and rotation_date (RFC
3339 times, fields absent when unknown); each "expiring" item has key_arn,
key_material_id and valid_to (absent: the key holds no material). Fields
are only ever added.
Exit status: 0 nothing expires within DAYS, 1 something does (or a key
could not be read), 2 bad usage.

Example:
   airwrap-online --json status import.json --fail-within 30`,
		Flags: []cli.Flag{
			&cli.StringSliceFlag{Name: "key-id", Usage: "KMS key `ID` or ARN (repeat for each)"},
			&cli.StringFlag{Name: "fail-within", Usage: "exit 1 if any material expires within `DAYS`"},
		},
		Action: statusAction,
	}
}

func statusAction(c *cli.Context) error {
	if c.NArg() > 1 {
		return usagef("status takes at most one BUNDLE")
	}
	days := -1
	if s := c.String("fail-within"); s != "" {
		d, err := strconv.Atoi(s)
		if err != nil || d < 0 {
			return usagef("--fail-within %q: want a whole number of days", s)
		}
		days = d
	}
	out, err := online.Status(c.Context, online.StatusRequest{
		Path: c.Args().First(), KeyIDs: c.StringSlice("key-id"), FailWithin: days,
		Client: func() (kmsimport.API, error) { return kmsClient(c) },
	})
	if out == nil {
		return err
	}
	if err := emit(c, out, func(w io.Writer) { printStatus(w, out) }); err != nil {
		return err
	}
	return err
}

func printStatus(w io.Writer, out *online.StatusResult) {
	for _, k := range out.Keys {
		field(w, 0, "key", k.ARN)
		field(w, 2, "state", k.State)
		field(w, 2, "origin", k.Origin)
		field(w, 2, "key spec", k.KeySpec+" ("+k.KeyUsage+")")
		if k.MultiRegion {
			field(w, 2, "multi-Region", k.MultiRegionRole+" in "+k.Region)
		}
		if k.ExpirationModel != "" {
			field(w, 2, "expiration model", k.ExpirationModel)
		}
		switch {
		case k.ValidTo != nil && k.State == "PendingImport":
			// What some endpoints still report after the material went.
			field(w, 2, "valid to", k.ValidTo.Format(time.RFC3339)+" (of material the key no longer holds)")
		case k.ValidTo != nil:
			field(w, 2, "valid to", k.ValidTo.Format(time.RFC3339)+daysText(*k.DaysLeft))
		}
		for _, m := range k.Materials {
			id := m.KeyMaterialID
			if id == "" {
				id = "(id not reported)"
			}
			line := m.State + " " + m.ImportState
			if m.ValidTo != nil {
				line += ", valid to " + m.ValidTo.Format(time.RFC3339) + daysText(*m.DaysLeft)
			} else if m.ExpirationModel != "" {
				line += ", " + m.ExpirationModel
			}
			if m.RotationDate != nil {
				line += ", rotated in " + m.RotationDate.UTC().Format(time.RFC3339)
			}
			if m.Description != "" {
				line += ", " + strconv.Quote(m.Description)
			}
			field(w, 2, "material "+id, line)
		}
		if k.MaterialsNote != "" {
			field(w, 2, "note", k.MaterialsNote)
		}
	}
	for _, e := range out.Expiring {
		if e.ValidTo == nil {
			field(w, 0, "no material", e.KeyARN+" (PendingImport: expired and deleted, or never imported)")
			continue
		}
		field(w, 0, "expiring", fmt.Sprintf("%s %s on %s", e.KeyARN, e.KeyMaterialID, e.ValidTo.Format(time.RFC3339)))
	}
}

// daysText is " (N days left)", or " (expired N days ago)" for a ValidTo
// that has passed.
func daysText(d int) string {
	if d < 0 {
		return fmt.Sprintf(" (expired %d days ago)", -d)
	}
	return fmt.Sprintf(" (%d days left)", d)
}
