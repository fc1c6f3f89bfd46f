package main

import (
	"io"

	"github.com/airwrap/airwrap/internal/clikit"
	"github.com/airwrap/airwrap/internal/transcriptcmd"
	"github.com/urfave/cli/v2"
)

// usagef returns a usage error (exit 2).
func usagef(format string, args ...any) error { return clikit.Usagef(format, args...) }

// run is the whole program; it returns the exit code.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	app := newApp(stdin, stdout, stderr)
	args, err := clikit.HoistArgs(app, args)
	if err == nil {
		err = app.Run(args)
	}
	if err != nil {
		report(stderr, err)
	}
	return clikit.ExitCode(err)
}

func newApp(stdin io.Reader, stdout, stderr io.Writer) *cli.App {
	return &cli.App{
		Name:    "airwrap",
		Version: version,
		Usage:   "wrap key material inside a PKCS#11 HSM into a signed AWS KMS import bundle",
		Description: `airwrap is the offline half of a key import into AWS KMS. On an air-gapped
machine with the HSM's PKCS#11 module it generates keys in the HSM, wraps them
there under the import parameters KMS gave (carried across the air gap), and
signs the result in the HSM. Key material never leaves the HSM in the clear.

A ceremony from one reviewed plan file (docs/CEREMONY-PLAN.md):
   airwrap ceremony check plan.yaml     (no HSM, no PIN: every problem at once)
   airwrap ceremony run plan.yaml

The same ceremony step by step:
   airwrap hsm info
   airwrap key generate --label payments-2026 --key-spec SYMMETRIC_DEFAULT
   airwrap signer generate --label ceremony-signer
   airwrap signer export --label ceremony-signer --out ceremony-signer.pem
   airwrap inspect ceremony-signer.pem     (its fingerprint, to read aloud)
   airwrap inspect params.json
   airwrap wrap --params params.json --key payments-2026 --valid-to 2027-06-30 \
       --signer ceremony-signer --operator "A. Officer" --operator "B. Witness" --out import.json
   airwrap verify import.json --trust ceremony-signer.pem
   airwrap transcript verify import.json.transcript.jsonl --bundle import.json   (auditors)

Global options may also follow the command, as in the AWS CLI
(airwrap key list --json). The PIN comes from --pin-file (a file only its
owner may access: chmod 600) or $AIRWRAP_PIN (never both), else a prompt
without echo.
Exit status: 0 success, 1 failure, 2 bad usage.`,
		Reader:          stdin,
		Writer:          stdout,
		ErrWriter:       stderr,
		Flags:           globalFlags(),
		Commands:        commands(),
		HideHelpCommand: true,
		// A name like "Officer, A." is one --operator, not two.
		DisableSliceFlagSeparator: true,
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return &clikit.UsageError{Err: err}
		},
		CommandNotFound: func(c *cli.Context, name string) {
			// reported through the Action of the parent: see notFound.
		},
		ExitErrHandler: func(*cli.Context, error) {}, // never os.Exit from inside the app
		Action: func(c *cli.Context) error {
			if c.Args().Present() {
				return usagef("unknown command %q", c.Args().First())
			}
			return usagef("no command given")
		},
	}
}

func commands() []*cli.Command {
	cmds := []*cli.Command{hsmCommand(), keyCommand(), signerCommand(), inspectCommand(), wrapCommand(), verifyCommand(), cosignCommand(), transcriptcmd.Command("airwrap"), recordCommand(), ceremonyCommand()}
	for _, c := range cmds {
		setUsageErrors(c)
	}
	return cmds
}

// setUsageErrors makes flag errors usage errors in every (sub)command, and
// makes a group command refuse an unknown subcommand.
func setUsageErrors(c *cli.Command) {
	c.OnUsageError = func(_ *cli.Context, err error, _ bool) error { return &clikit.UsageError{Err: err} }
	if len(c.Subcommands) > 0 && c.Action == nil {
		c.Action = func(ctx *cli.Context) error {
			if ctx.Args().Present() {
				return usagef("unknown command %q for %q", ctx.Args().First(), c.Name)
			}
			return usagef("%q needs a command: %s", c.Name, subcommandNames(c))
		}
	}
	for _, s := range c.Subcommands {
		setUsageErrors(s)
	}
}

func subcommandNames(c *cli.Command) string {
	s := ""
	for i, sc := range c.Subcommands {
		if i > 0 {
			s += ", "
		}
		s += sc.Name
	}
	return s
}

// noArgs refuses positional arguments a command does not take.
func noArgs(c *cli.Context) error {
	if c.Args().Present() {
		return usagef("unexpected argument %q", c.Args().First())
	}
	return nil
}

// required reports a missing required flag as bad usage.
func required(c *cli.Context, names ...string) error {
	for _, n := range names {
		if !c.IsSet(n) || c.String(n) == "" {
			return usagef("--%s is required", n)
		}
	}
	return nil
}
