package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/airwrap/airwrap/internal/clikit"
	"github.com/airwrap/airwrap/internal/transcriptcmd"
	"github.com/urfave/cli/v2"

	"github.com/airwrap/airwrap/kmsimport"
)

// usagef returns a usage error (exit 2).
func usagef(format string, args ...any) error { return clikit.Usagef(format, args...) }

// run is the whole program; it returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	app := newApp(stdout, stderr)
	// Ctrl-C or SIGTERM stops prepare and submit between two AWS requests
	// (kmsimport.ErrInterrupted); a second one ends the process at once.
	// Outputs are only ever written whole.
	ctx, stop := interruptContext()
	defer stop()
	args, err := clikit.HoistArgs(app, args)
	if err == nil {
		err = app.RunContext(ctx, args)
	}
	if err != nil {
		report(stderr, err)
	}
	if err != nil && ctx.Err() != nil {
		return exitInterrupted
	}
	return clikit.ExitCode(err)
}

// exitInterrupted is the exit status of a run stopped by SIGINT or SIGTERM
// (128 + SIGINT, as shells report a Ctrl-C).
const exitInterrupted = 130

// interruptContext is cancelled, with kmsimport.ErrInterrupted naming the
// signal as its cause, by the first SIGINT or SIGTERM; after it the signals'
// default action is back, so a second one ends the process.
func interruptContext() (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-sigs:
			name := "SIGTERM"
			if s == os.Interrupt {
				name = "SIGINT"
			}
			signal.Reset(os.Interrupt, syscall.SIGTERM)
			cancel(fmt.Errorf("%w by %s", kmsimport.ErrInterrupted, name))
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		cancel(nil)
	}
}

func newApp(stdout, stderr io.Writer) *cli.App {
	return &cli.App{
		Name:    "airwrap-online",
		Version: version,
		Usage:   "prepare AWS KMS import parameters and submit signed import bundles",
		Description: `airwrap-online is the online half of a key import into AWS KMS. It needs
no HSM: the key material arrives wrapped, in an import bundle signed on the
air-gapped machine by airwrap.

An import:
   airwrap-online prepare --key-id arn:aws:kms:...:key/... --out params.json
   (carry params.json across the air gap; airwrap wrap; carry import.json back)
   airwrap-online inspect ceremony-signer.pem   (the fingerprint read aloud offline)
   airwrap-online submit import.json --trust ceremony-signer.pem --params params.json --receipt receipt.json
   airwrap-online verify-import import.json --trust ceremony-signer.pem --receipt receipt.json
   airwrap-online status import.json --fail-within 30
   airwrap-online rotate --key-id ARN   (new material imported PENDING_ROTATION; or submit --rotate)
   airwrap-online transcript verify import.json.transcript.jsonl --bundle import.json   (auditors)

AWS access comes from the SDK's standard configuration (environment, shared
files, SSO), or --profile and --region; --endpoint-url (or
AWS_ENDPOINT_URL_KMS) points at another KMS endpoint, such as local-kms. Global
options may also follow the command, as in the AWS CLI.
Exit status: 0 success, 1 failure, 2 bad usage, 130 interrupted (SIGINT or
SIGTERM: prepare and submit stop between two AWS requests, say what was done
and print the command that resumes; a second signal ends at once).`,
		Writer:    stdout,
		ErrWriter: stderr,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "profile", Usage: "AWS shared config `PROFILE` (default: $AWS_PROFILE)"},
			&cli.StringFlag{Name: "region", Usage: "AWS `REGION` (default: $AWS_REGION or the profile's)"},
			&cli.StringFlag{Name: "endpoint-url", Usage: "KMS endpoint `URL` (default: $AWS_ENDPOINT_URL_KMS or AWS's)"},
			&cli.BoolFlag{Name: "json", Usage: "print machine-readable JSON"},
			&cli.IntFlag{Name: "max-attempts", Value: kmsimport.DefaultMaxAttempts, Usage: "`N` attempts per AWS request, retries of throttling and 5xx included"},
			&cli.DurationFlag{Name: "request-timeout", Value: kmsimport.DefaultRequestTimeout, Usage: "give up on one attempt of an AWS request after `DURATION` (then retried, as a connection error)"},
		},
		Commands:        commands(),
		HideHelpCommand: true,
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return &clikit.UsageError{Err: err}
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
	cmds := []*cli.Command{prepareCommand(), submitCommand(), statusCommand(), verifyImportCommand(), deleteMaterialCommand(), rotateCommand(), transcriptcmd.Command("airwrap-online"), inspectCommand()}
	for _, c := range cmds {
		c.OnUsageError = func(_ *cli.Context, err error, _ bool) error { return &clikit.UsageError{Err: err} }
		for _, s := range c.Subcommands {
			s.OnUsageError = c.OnUsageError
		}
	}
	return cmds
}

// kmsClient builds the KMS client from the global flags. It is only called
// once every offline check has passed.
func kmsClient(c *cli.Context) (kmsimport.API, error) {
	if c.Int("max-attempts") < 1 {
		return nil, usagef("--max-attempts must be at least 1")
	}
	if c.Duration("request-timeout") <= 0 {
		return nil, usagef("--request-timeout must be positive, e.g. 60s")
	}
	return kmsimport.NewClient(c.Context, kmsimport.ClientOptions{
		Profile:        c.String("profile"),
		Region:         c.String("region"),
		EndpointURL:    c.String("endpoint-url"),
		MaxAttempts:    c.Int("max-attempts"),
		RequestTimeout: c.Duration("request-timeout"),
	})
}

// oneArg returns the single positional argument a command takes.
func oneArg(c *cli.Context, what string) (string, error) {
	if c.NArg() != 1 {
		return "", usagef("%s takes exactly one %s", c.Command.Name, what)
	}
	return c.Args().First(), nil
}

// note prints a line for the operator on stderr, in airwrap-online's voice.
func note(c *cli.Context) func(string) {
	return func(s string) { fmt.Fprintf(c.App.ErrWriter, "airwrap-online: %s\n", s) }
}
