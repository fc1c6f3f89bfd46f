package main

import (
	"bufio"
	"fmt"
	"io"
	"os"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/airwrap/airwrap/internal/clikit"
	"github.com/airwrap/airwrap/kmsimport"
	"github.com/airwrap/airwrap/online"
)

func deleteMaterialCommand() *cli.Command {
	return &cli.Command{
		Name:      "delete-material",
		Usage:     "delete the imported key material of KMS keys (DeleteImportedKeyMaterial)",
		UsageText: "airwrap-online [global options] delete-material --key-id ARN [--key-id ARN ...] [--key-material-id HEX] [--yes] --receipt FILE [--rate R]",
		Description: `Each key is described first: it must be of origin EXTERNAL and hold
material (Enabled or Disabled); its state and current key material are shown.
On a terminal the operator types each key id to confirm; without a terminal
--yes is required. Then DeleteImportedKeyMaterial deletes each key's current
material (or, for a single key, the one --key-material-id names), paced to
--rate (its quota is 15/s). The key becomes PendingImport (for a symmetric
key with other material, only the material named goes). The receipt (JSON,
never replaced) records each key's outcome, the KeyMaterialId KMS reports
deleted, request id and time.

Nothing else restores the key but its same material: prepare new parameters
(airwrap-online prepare --key-id ARN), wrap the same HSM key with them
(symmetric keys: --import-type EXISTING_KEY_MATERIAL), and submit.

Example:
   airwrap-online delete-material --key-id arn:aws:kms:eu-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab --receipt deleted.json`,
		Flags: []cli.Flag{
			&cli.StringSliceFlag{Name: "key-id", Usage: "KMS key `ARN` (repeat for each)"},
			&cli.StringFlag{Name: "key-material-id", Usage: "delete this key material (64 lowercase `HEX`) instead of the current one; one --key-id only"},
			&cli.BoolFlag{Name: "yes", Usage: "do not ask for confirmation (required without a terminal)"},
			&cli.StringFlag{Name: "receipt", Usage: "receipt `FILE` to write (required, never replaced)"},
			&cli.StringFlag{Name: "rate", Value: "15/s", Usage: "DeleteImportedKeyMaterial `RATE`: N/s or N/m (its quota is 15/s)"},
		},
		Action: deleteMaterialAction,
	}
}

func deleteMaterialAction(c *cli.Context) error {
	if c.NArg() > 0 {
		return usagef("delete-material takes no arguments: name the keys with --key-id ARN")
	}
	rate, err := kmsimport.ParseRate(c.String("rate"))
	if err != nil {
		return usagef("--rate: %v", err)
	}
	rc, err := online.DeleteMaterial(c.Context, online.DeleteRequest{
		KeyARNs: c.StringSlice("key-id"), MaterialID: c.String("key-material-id"), Yes: c.Bool("yes"),
		ReceiptPath: c.String("receipt"), Rate: rate, Ask: ask(c),
		Client: func() (kmsimport.API, error) { return kmsClient(c) }, Note: note(c), Progress: progress{c.App.ErrWriter},
	})
	if rc == nil {
		return err
	}
	if err := emit(c, rc, func(w io.Writer) { printDeletion(w, rc, c.String("receipt")) }); err != nil {
		return err
	}
	return err
}

// ask reads the operator's answer from the terminal; nil without one.
func ask(c *cli.Context) func(string) (string, error) {
	in, ok := c.App.Reader.(*os.File)
	if !ok || !term.IsTerminal(int(in.Fd())) {
		return nil
	}
	r := bufio.NewReader(in)
	return func(q string) (string, error) {
		fmt.Fprint(c.App.ErrWriter, "airwrap-online: "+q)
		return r.ReadString('\n')
	}
}

func printDeletion(w io.Writer, rc *kmsimport.DeletionReceipt, path string) {
	for _, e := range rc.Entries {
		field(w, 0, e.KeyARN, e.Outcome)
		if e.KeyMaterialID != "" {
			field(w, 2, "key material id", e.KeyMaterialID)
		}
		if e.RequestID != "" {
			field(w, 2, "request id", e.RequestID)
		}
	}
	fmt.Fprintf(w, "receipt: %s\n", clikit.Escape(path))
}
