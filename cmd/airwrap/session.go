package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/airwrap/airwrap/ceremony"
	"github.com/airwrap/airwrap/hsm"
)

// Environment variables.
const (
	envModule     = "AIRWRAP_PKCS11_MODULE"
	envInitParams = "AIRWRAP_PKCS11_INIT_PARAMS"
	envToken      = "AIRWRAP_TOKEN"
	envPIN        = "AIRWRAP_PIN"
)

func globalFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "module", Usage: "`PATH` of the HSM's PKCS#11 library", EnvVars: []string{envModule}},
		&cli.StringFlag{Name: "module-init-params", Usage: "`STRING` the module needs in C_Initialize's pReserved (NSS softokn: \"configdir='sql:DIR' certPrefix='' keyPrefix='' secmod='secmod.db' flags=\"; most modules need none)", EnvVars: []string{envInitParams}},
		&cli.StringFlag{Name: "token", Usage: "`LABEL` of the token to use (exactly one token must carry it)", EnvVars: []string{envToken}},
		&cli.StringFlag{Name: "pin-file", Usage: "read the user PIN from `FILE`, accessible by its owner only (chmod 600); not together with $" + envPIN + " (without either: a prompt without echo)"},
		&cli.StringFlag{Name: "kwp-mechanism", Usage: "PKCS#11 mechanism `ID` (hex 0x... or decimal) for AES key wrap with padding, for HSMs with a vendor id"},
		&cli.BoolFlag{Name: "json", Usage: "machine-readable JSON output"},
	}
}

// errNoPIN means no PIN source is available.
var errNoPIN = errors.New("no PIN available")

// ceremonyToken is openToken as the ceremony package opens a token: only
// once the request is valid, and never as a non-nil interface holding a
// nil *hsm.Token.
func ceremonyToken(c *cli.Context) func() (ceremony.Token, error) {
	return func() (ceremony.Token, error) {
		t, err := openToken(c)
		if err != nil {
			return nil, err
		}
		return t, nil
	}
}

// openToken opens the token named by the global flags, reading the PIN.
func openToken(c *cli.Context) (*hsm.Token, error) {
	module, label := c.String("module"), c.String("token")
	if module == "" {
		return nil, usagef("--module is required (or set %s)", envModule)
	}
	if label == "" {
		return nil, usagef("--token is required (or set %s)", envToken)
	}
	kwp, err := parseMechanism(c.String("kwp-mechanism"))
	if err != nil {
		return nil, err
	}
	pin, err := readPIN(c)
	if err != nil {
		return nil, err
	}
	// hsm.Open zeroes pin after login.
	return hsm.Open(hsm.Config{ModulePath: module, TokenLabel: label, PIN: pin, KWPMechanism: kwp,
		InitParams: c.String("module-init-params"), HMACCheckInput: ceremony.HMACCheckInput()})
}

// checkHSMFlags reports missing HSM flags before any other work.
func checkHSMFlags(c *cli.Context) error {
	if c.String("module") == "" {
		return usagef("--module is required (or set %s)", envModule)
	}
	if c.String("token") == "" {
		return usagef("--token is required (or set %s)", envToken)
	}
	if err := checkPINSources(c); err != nil {
		return err
	}
	_, err := parseMechanism(c.String("kwp-mechanism"))
	return err
}

func parseMechanism(s string) (uint, error) {
	if s == "" {
		return 0, nil
	}
	v, err := strconv.ParseUint(s, 0, 32)
	if err != nil || v == 0 {
		return 0, usagef("--kwp-mechanism %q is not a mechanism id (hex like 0x210B, or decimal)", s)
	}
	return uint(v), nil
}

// readPIN: --pin-file, else $AIRWRAP_PIN, else a prompt without echo on a terminal.
func readPIN(c *cli.Context) ([]byte, error) {
	if err := checkPINSources(c); err != nil {
		return nil, err
	}
	if f := c.String("pin-file"); f != "" {
		return readPINFile(f)
	}
	if v, ok := envPINValue(); ok {
		if len(v) == 0 {
			return nil, fmt.Errorf("%w: %s is set but empty", errNoPIN, envPIN)
		}
		return v, nil
	}
	in, ok := c.App.Reader.(*os.File)
	if !ok || !term.IsTerminal(int(in.Fd())) {
		return nil, fmt.Errorf("%w: no --pin-file, no %s, and no terminal to prompt on", errNoPIN, envPIN)
	}
	fmt.Fprintf(c.App.ErrWriter, "PIN for token %q: ", c.String("token"))
	pin, err := term.ReadPassword(int(in.Fd()))
	fmt.Fprintln(c.App.ErrWriter)
	if err != nil {
		return nil, fmt.Errorf("reading the PIN: %w", err)
	}
	if len(pin) == 0 {
		return nil, fmt.Errorf("%w: empty PIN", errNoPIN)
	}
	return pin, nil
}

// withToken opens the token, runs f and closes the token.
func withToken(c *cli.Context, f func(*hsm.Token) error) (err error) {
	tok, err := openToken(c)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := tok.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	return f(tok)
}
