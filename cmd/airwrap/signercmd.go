package main

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/airwrap/airwrap/internal/clikit"
	"github.com/urfave/cli/v2"

	"github.com/airwrap/airwrap/atomicfile"
	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/hsm"
)

var signerAlgorithms = []string{"ECDSA_P384", "ECDSA_P256", "RSA_PSS_3072"}

func signerCommand() *cli.Command {
	return &cli.Command{
		Name:  "signer",
		Usage: "the ceremony signing key that signs import bundles in the HSM",
		Subcommands: []*cli.Command{
			{
				Name:      "generate",
				Usage:     "generate a non-extractable ceremony signing key pair in the HSM",
				UsageText: "airwrap [global options] signer generate --label LABEL [--algorithm ECDSA_P384|ECDSA_P256|RSA_PSS_3072]",
				Description: `Do this once per token. Export the public key with ` + "`signer export`" + ` and pin it
on the online side (airwrap-online submit --trust FILE.pem).

Example:
   airwrap signer generate --label ceremony-signer`,
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "label", Usage: "`LABEL` of the new signing key"},
					&cli.StringFlag{Name: "algorithm", Value: "ECDSA_P384", Usage: "`ALG`: ECDSA_P384, ECDSA_P256 or RSA_PSS_3072"},
				},
				Action: signerGenerate,
			},
			{
				Name:      "export",
				Usage:     "write the signing key's public key as PEM (never replaces a file)",
				UsageText: "airwrap [global options] signer export --label LABEL --out FILE.pem",
				Description: `Example:
   airwrap signer export --label ceremony-signer --out ceremony-signer.pem`,
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "label", Usage: "`LABEL` of the signing key"},
					&cli.StringFlag{Name: "out", Usage: "`FILE` to write the PEM public key to (must not exist)"},
				},
				Action: signerExport,
			},
		},
	}
}

type signerOut struct {
	Label       string `json:"label"`
	Algorithm   string `json:"algorithm"`
	KeyID       string `json:"keyid"`
	Fingerprint string `json:"fingerprint"`
	Out         string `json:"out,omitempty"`
}

// signerAttrsOut is what the token says of a key as a ceremony signing key:
// the attributes that decide it (those it does not report are left out) and
// the verdict, "ok" or why FindSigner refuses it.
type signerAttrsOut struct {
	Attributes map[string]bool `json:"attributes"`
	Verdict    string          `json:"verdict"`
}

func toSignerAttrs(label string, c hsm.SignerCheck) *signerAttrsOut {
	if c == nil {
		return nil
	}
	o := &signerAttrsOut{Attributes: map[string]bool{}, Verdict: "ok"}
	for _, a := range c {
		if a.Reported {
			o.Attributes[a.Name] = a.Value
		}
	}
	if err := c.Err(label); err != nil {
		o.Verdict = "REFUSED: " + err.Error()
	}
	return o
}

// printSignerAttrs writes the attributes in the rules' order, then the verdict.
func printSignerAttrs(w io.Writer, indent int, c hsm.SignerCheck, o *signerAttrsOut) {
	var parts []string
	for _, a := range c {
		v := "not reported"
		if a.Reported {
			v = fmt.Sprint(a.Value)
		}
		parts = append(parts, a.Name+" "+v)
	}
	field(w, indent, "signer attributes", strings.Join(parts, ", "))
	field(w, indent, "as ceremony signer", o.Verdict)
}

func describeSigner(s hsm.Signer) (signerOut, []byte, error) {
	der, err := x509.MarshalPKIXPublicKey(s.Public())
	if err != nil {
		return signerOut{}, nil, fmt.Errorf("signer %q public key: %w", s.Label(), err)
	}
	return signerOut{Label: s.Label(), Algorithm: s.Algorithm(), KeyID: bundle.SHA256Hex(der), Fingerprint: bundle.Fingerprint(der)}, der, nil
}

func printSigner(w io.Writer, o signerOut) {
	field(w, 2, "algorithm", o.Algorithm)
	field(w, 2, "keyid", o.KeyID)
	field(w, 2, "fingerprint", o.Fingerprint)
}

func signerGenerate(c *cli.Context) error {
	if err := noArgs(c); err != nil {
		return err
	}
	if err := required(c, "label"); err != nil {
		return err
	}
	alg := c.String("algorithm")
	if !slices.Contains(signerAlgorithms, alg) {
		return usagef("--algorithm %q: want one of %v", alg, signerAlgorithms)
	}
	if err := checkHSMFlags(c); err != nil {
		return err
	}
	return withToken(c, func(t *hsm.Token) error {
		s, err := t.GenerateSigner(c.String("label"), alg)
		if err != nil {
			return fmt.Errorf("generate signer %q: %w", c.String("label"), err)
		}
		o, _, err := describeSigner(s)
		if err != nil {
			return err
		}
		return emit(c, o, func(w io.Writer) {
			fmt.Fprintf(w, "generated signer %q\n", clikit.Escape(o.Label))
			printSigner(w, o)
		})
	})
}

func signerExport(c *cli.Context) error {
	if err := noArgs(c); err != nil {
		return err
	}
	if err := required(c, "label", "out"); err != nil {
		return err
	}
	out := c.String("out")
	if err := atomicfile.CheckAbsent(out); err != nil {
		return err
	}
	if err := checkHSMFlags(c); err != nil {
		return err
	}
	return withToken(c, func(t *hsm.Token) error {
		s, err := t.FindSigner(c.String("label"))
		if err != nil {
			return fmt.Errorf("signer %q: %w", c.String("label"), err)
		}
		o, der, err := describeSigner(s)
		if err != nil {
			return err
		}
		if err := atomicfile.WriteNew(out, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), 0o644); err != nil {
			return err
		}
		o.Out = out
		return emit(c, o, func(w io.Writer) {
			fmt.Fprintf(w, "wrote the public key of signer %q to %s\n", clikit.Escape(o.Label), clikit.Escape(out))
			printSigner(w, o)
		})
	})
}
