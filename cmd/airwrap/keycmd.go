package main

import (
	"encoding/hex"
	"fmt"
	"io"

	"github.com/airwrap/airwrap/internal/clikit"
	"github.com/urfave/cli/v2"

	"github.com/airwrap/airwrap/ceremony"
	"github.com/airwrap/airwrap/hsm"
	"github.com/airwrap/airwrap/kmsrules"
)

func keyCommand() *cli.Command {
	return &cli.Command{
		Name:  "key",
		Usage: "keys in the HSM that can be imported into KMS",
		Subcommands: []*cli.Command{
			{
				Name:      "generate",
				Usage:     "generate a key in the HSM for a KMS key spec (sensitive, extractable only by wrapping)",
				UsageText: "airwrap [global options] key generate --label LABEL --key-spec SPEC",
				Description: `Key specs: SYMMETRIC_DEFAULT, HMAC_224, HMAC_256, HMAC_384, HMAC_512,
RSA_2048, RSA_3072, RSA_4096, ECC_NIST_P256, ECC_NIST_P384, ECC_NIST_P521,
ECC_SECG_P256K1. The key is a token object with a unique label and CKA_ID; an
existing label is refused. A key spec this token could never export (its
self-test, as ` + "`airwrap hsm info`" + ` shows) is refused before anything is made,
unless --allow-unexportable (then a warning).

Example:
   airwrap key generate --label payments-2026 --key-spec SYMMETRIC_DEFAULT`,
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "label", Usage: "`LABEL` of the new key (unique on the token)"},
					&cli.StringFlag{Name: "key-spec", Usage: "KMS key `SPEC` the key will be imported as"},
					&cli.BoolFlag{Name: "allow-unexportable", Usage: "make the key even if this token could never export it (a warning instead of a refusal)"},
				},
				Action: keyGenerate,
			},
			{
				Name:  "list",
				Usage: "list every secret and private key with its KMS key spec and check value, or why it cannot be imported",
				Description: `Every secret and private key on the token is listed; one that cannot be
imported says why (no KMS key spec for its type or size, not extractable, no
check value the token will compute). Where the token does not give a secret
key's length (CKA_VALUE_LEN), it is learnt inside the HSM from the length of
wraps under a throwaway session key; the material never leaves the HSM.

Check values: AES keys their CKA_CHECK_VALUE; HMAC keys the first 8 bytes of
an HMAC-SHA-256 over a fixed string, computed in the HSM; asymmetric keys the
SHA-256 of the public key.

Example:
   airwrap key list`,
				Action: keyList,
			},
		},
	}
}

type keyOut struct {
	Label       string `json:"label"`
	ID          string `json:"id"`
	Class       string `json:"class"`
	KeySpec     string `json:"key_spec"`
	Extractable bool   `json:"extractable"`
	Sensitive   bool   `json:"sensitive"`
	CheckValue  string `json:"check_value"`
	CheckMethod string `json:"check_method"`
	Importable  bool   `json:"importable"`
	// NotImportable says why not ("" if importable).
	NotImportable string `json:"not_importable,omitempty"`
	// Signer is set for a key that looks meant to sign ceremonies.
	Signer *signerAttrsOut `json:"signer,omitempty"`

	signerCheck hsm.SignerCheck
}

func toKeyOut(k *hsm.Key) keyOut {
	return keyOut{k.Label, hex.EncodeToString(k.ID), k.Class, k.KeySpec, k.Extractable, k.Sensitive,
		hex.EncodeToString(k.CheckValue), ceremony.CheckMethod(k.CheckMethod), k.NotImportable == "", k.NotImportable,
		toSignerAttrs(k.Label, k.SignerCheck), k.SignerCheck}
}

func keyGenerate(c *cli.Context) error {
	if err := noArgs(c); err != nil {
		return err
	}
	if err := required(c, "label", "key-spec"); err != nil {
		return err
	}
	if _, err := kmsrules.ParseKeySpec(c.String("key-spec")); err != nil {
		return &clikit.UsageError{Err: fmt.Errorf("--key-spec: %w", err)}
	}
	if err := checkHSMFlags(c); err != nil {
		return err
	}
	return withToken(c, func(t *hsm.Token) error {
		if err := checkGenerate(c, t, c.String("key-spec")); err != nil {
			return fmt.Errorf("generate %s key %q: %w", c.String("key-spec"), c.String("label"), err)
		}
		k, err := ceremony.GenerateKey(t, c.String("label"), c.String("key-spec"))
		if err != nil {
			return fmt.Errorf("generate %s key %q: %w", c.String("key-spec"), c.String("label"), err)
		}
		o := toKeyOut(k)
		return emit(c, o, func(w io.Writer) {
			fmt.Fprintf(w, "generated %s key %q\n", o.KeySpec, clikit.Escape(o.Label))
			printKey(w, o)
		})
	})
}

func keyList(c *cli.Context) error {
	if err := noArgs(c); err != nil {
		return err
	}
	if err := checkHSMFlags(c); err != nil {
		return err
	}
	return withToken(c, func(t *hsm.Token) error {
		keys, err := t.ListKeys()
		if err != nil {
			return fmt.Errorf("list keys: %w", err)
		}
		out := []keyOut{}
		for i := range keys {
			out = append(out, toKeyOut(&keys[i]))
		}
		return emit(c, out, func(w io.Writer) {
			if len(out) == 0 {
				fmt.Fprintln(w, "no secret or private keys on this token")
			}
			for _, o := range out {
				fmt.Fprintf(w, "%s\n", clikit.Escape(o.Label))
				printKey(w, o)
			}
		})
	})
}

func printKey(w io.Writer, o keyOut) {
	spec := o.KeySpec
	if spec == "" {
		spec = "(none)"
	}
	field(w, 2, "key spec", spec)
	field(w, 2, "id", o.ID)
	field(w, 2, "class", o.Class)
	field(w, 2, "extractable", fmt.Sprint(o.Extractable))
	field(w, 2, "sensitive", fmt.Sprint(o.Sensitive))
	if o.CheckValue == "" {
		field(w, 2, "check value", "(none)")
	} else {
		field(w, 2, "check value", o.CheckValue+" ("+o.CheckMethod+")")
	}
	if o.Importable {
		field(w, 2, "importable", "yes")
	} else {
		field(w, 2, "importable", "no: "+o.NotImportable)
	}
	if o.Signer != nil {
		printSignerAttrs(w, 2, o.signerCheck, o.Signer)
	}
}
