package main

import (
	"encoding/hex"
	"fmt"
	"io"
	"strings"

	"github.com/airwrap/airwrap/internal/clikit"
	"github.com/urfave/cli/v2"

	"github.com/airwrap/airwrap/ceremony"
	"github.com/airwrap/airwrap/hsm"
)

func hsmCommand() *cli.Command {
	return &cli.Command{
		Name:  "hsm",
		Usage: "the module and token",
		Subcommands: []*cli.Command{{
			Name:  "info",
			Usage: "module and token identity, and which AWS wrapping algorithms this token really produces",
			Description: `Runs known-answer tests on throwaway session objects: the token wraps a
known secret under a test key airwrap holds, and airwrap checks the result.
It reports, for each of RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256,
RSA_AES_KEY_WRAP_SHA_1 and RSA_AES_KEY_WRAP_SHA_256, whether the token gets it
right, and which mechanism it would use for the AES key-wrap step.

Example:
   airwrap --module /usr/lib/softhsm/libsofthsm2.so --token ceremony hsm info

With --out FILE --signer LABEL it also writes what it measured (identity,
the verdicts, and for each KMS key spec whether the token makes and exports
such keys, and with which algorithms), signed by the ceremony signer: carry
it to the online side first (airwrap-online prepare --token-capabilities).`,
			Flags:  capsFlags(),
			Action: hsmInfo,
		}},
	}
}

type hsmInfoOut struct {
	Module struct {
		Path         string `json:"path"`
		Manufacturer string `json:"manufacturer"`
		Description  string `json:"description"`
		Version      string `json:"version"`
	} `json:"module"`
	Token struct {
		Label        string `json:"label"`
		Manufacturer string `json:"manufacturer"`
		Model        string `json:"model"`
		Serial       string `json:"serial"`
	} `json:"token"`
	Algorithms       []algorithmOut  `json:"algorithms"`
	KWPMechanism     string          `json:"kwp_mechanism"`
	KWPMechanismID   string          `json:"kwp_mechanism_id"`
	KWPPadsCorrectly bool            `json:"kwp_pads_correctly"`
	SigningKeys      []signingKeyOut `json:"signing_keys"`
	Capabilities     *capsOut        `json:"capabilities,omitempty"`
}

// signingKeyOut is a key on the token that looks meant to sign ceremonies.
type signingKeyOut struct {
	Label string `json:"label"`
	ID    string `json:"id"`
	*signerAttrsOut

	check hsm.SignerCheck
}

type algorithmOut struct {
	Algorithm string `json:"algorithm"`
	OK        bool   `json:"ok"`
	Mechanism string `json:"mechanism"`
	Reason    string `json:"reason,omitempty"`
}

func hsmInfo(c *cli.Context) error {
	if err := noArgs(c); err != nil {
		return err
	}
	if err := checkHSMFlags(c); err != nil {
		return err
	}
	if err := checkCapsFlags(c); err != nil {
		return err
	}
	return withToken(c, func(t *hsm.Token) error {
		info := t.Info()
		caps, err := t.SelfTest()
		if err != nil {
			return fmt.Errorf("self-test: %w", err)
		}
		var o hsmInfoOut
		o.Module.Path, o.Module.Manufacturer, o.Module.Description, o.Module.Version = info.ModulePath, info.ModuleManufacturer, info.ModuleDescription, info.ModuleVersion
		o.Token.Label, o.Token.Manufacturer, o.Token.Model, o.Token.Serial = info.Label, info.Manufacturer, info.Model, info.Serial
		for _, a := range caps.Algorithms {
			o.Algorithms = append(o.Algorithms, algorithmOut{string(ceremony.WrappingAlgorithm(a.Algorithm)), a.OK, a.Mechanism, a.Reason})
		}
		o.KWPMechanism = caps.KWPMechanismName
		if caps.KWPMechanism != 0 {
			o.KWPMechanismID = fmt.Sprintf("0x%X", caps.KWPMechanism)
		}
		o.KWPPadsCorrectly = caps.KWPPadsCorrectly
		sks, err := t.SigningKeys()
		if err != nil {
			return fmt.Errorf("signing keys: %w", err)
		}
		o.SigningKeys = []signingKeyOut{}
		for _, k := range sks {
			o.SigningKeys = append(o.SigningKeys, signingKeyOut{k.Label, hex.EncodeToString(k.ID), toSignerAttrs(k.Label, k.Check), k.Check})
		}
		if o.Capabilities, err = writeCaps(c, t); err != nil {
			return err
		}
		return emit(c, o, func(w io.Writer) {
			fmt.Fprintln(w, "module")
			field(w, 2, "path", o.Module.Path)
			field(w, 2, "manufacturer", o.Module.Manufacturer)
			field(w, 2, "description", o.Module.Description)
			field(w, 2, "version", o.Module.Version)
			fmt.Fprintln(w, "token")
			field(w, 2, "label", o.Token.Label)
			field(w, 2, "manufacturer", o.Token.Manufacturer)
			field(w, 2, "model", o.Token.Model)
			field(w, 2, "serial", o.Token.Serial)
			fmt.Fprintln(w, "wrapping algorithms (known-answer tests on this token)")
			for _, a := range o.Algorithms {
				verdict := "ok"
				if !a.OK {
					verdict = "REFUSED"
				}
				fmt.Fprintf(w, "  %-26s %-7s %s\n", a.Algorithm, verdict, clikit.Escape(a.Mechanism))
				if a.Reason != "" {
					fmt.Fprintf(w, "  %-26s         %s\n", "", clikit.Escape(a.Reason))
				}
			}
			kwp := o.KWPMechanism
			if kwp == "" {
				kwp = "none that works"
			} else if o.KWPMechanismID != "" && !strings.Contains(kwp, o.KWPMechanismID) {
				kwp += " (" + o.KWPMechanismID + ")"
			}
			field(w, 0, "AES key-wrap mechanism", kwp)
			pads := "yes"
			if !o.KWPPadsCorrectly {
				pads = "NO: material whose length is not a multiple of 8 is refused for RSA_AES_KEY_WRAP_*"
			}
			field(w, 0, "pads correctly", pads)
			fmt.Fprintln(w, "ceremony signing keys (generated in this HSM, never extractable, signing only)")
			if len(o.SigningKeys) == 0 {
				fmt.Fprintln(w, "  none: make one with `airwrap signer generate`")
			}
			for _, k := range o.SigningKeys {
				field(w, 2, "label", k.Label)
				field(w, 4, "id", k.ID)
				printSignerAttrs(w, 4, k.check, k.signerAttrsOut)
			}
			printCaps(w, o.Capabilities)
		})
	})
}
