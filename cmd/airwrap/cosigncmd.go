package main

import (
	"fmt"
	"io"
	"time"

	"github.com/airwrap/airwrap/internal/clikit"
	"github.com/urfave/cli/v2"

	"github.com/airwrap/airwrap/atomicfile"
	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/ceremony"
	"github.com/airwrap/airwrap/hsm"
	"github.com/airwrap/airwrap/transcript"
	"github.com/airwrap/airwrap/verify"
)

func cosignCommand() *cli.Command {
	return &cli.Command{
		Name:      "cosign",
		Usage:     "add a second officer's signature to an import bundle, made in their HSM (dual control)",
		UsageText: "airwrap [global options] cosign BUNDLE --signer LABEL --out FILE [--trust PEM ...] [--transcript FILE] [--require-transcript]",
		Description: `Dual control: a second officer signs the same import payload with a signing key
on their own token or smart card (select it with the global --token). The
payload is not touched: the new bundle holds the same payload and every
existing signature, plus the new one, verified right after it is made.

Before the HSM is opened the bundle must parse strictly and obey the KMS rules
(expired parameters are refused), and with --trust at least one of those keys
must already have signed it. What is being signed (payload digest, key ARNs,
who signed already) is printed on stderr first. A key that already signed is
refused. The result goes to a NEW file (--out, never replaced): the original
stays as it was, so a failed or interrupted cosign loses nothing.

The bundle's transcript (BUNDLE.transcript.jsonl, or --transcript) is checked
as airwrap verify checks it, and copied beside the new bundle
(FILE.transcript.jsonl) with one "cosigned" line appended; both files appear,
or neither. Without a transcript the cosign warns and writes none, or with
--require-transcript refuses before the HSM is opened.

Then verify with both keys: airwrap verify FILE --trust a.pem --trust b.pem --threshold 2

Example:
   airwrap --token officer-b cosign import.json --signer officer-b --trust officer-a.pem --out import-2.json`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "signer", Usage: "`LABEL` of this officer's signing key in the HSM"},
			&cli.StringFlag{Name: "out", Usage: "`FILE` to write the cosigned bundle to (must not exist)"},
			&cli.StringSliceFlag{Name: "trust", Usage: "PEM `FILE` of a key that must already have signed (repeat for each)"},
			&cli.StringFlag{Name: "transcript", Usage: "the bundle's transcript `FILE` (default: BUNDLE.transcript.jsonl)"},
			&cli.BoolFlag{Name: "require-transcript", Usage: "a missing transcript is an error, not a warning"},
		},
		Action: cosignAction,
	}
}

type cosignOut struct {
	Bundle        string   `json:"bundle"`
	Out           string   `json:"out"`
	Transcript    string   `json:"transcript,omitempty"` // written beside Out
	PayloadSHA256 string   `json:"payload_sha256"`
	SignerKeyID   string   `json:"signer_keyid"`
	Signatures    []string `json:"signatures"`
	Entries       []string `json:"entries"`
}

func cosignAction(c *cli.Context) error {
	if c.NArg() != 1 {
		return usagef("cosign takes exactly one BUNDLE")
	}
	if err := required(c, "signer", "out"); err != nil {
		return err
	}
	if err := checkHSMFlags(c); err != nil {
		return err
	}
	path, out := c.Args().First(), c.String("out")
	outTr := transcript.PathFor(out)
	if err := atomicfile.CheckAbsent(out, outTr); err != nil {
		return err
	}
	data, err := bundle.ReadFile(path)
	if err != nil {
		return err
	}
	var trusted []verify.TrustedKey
	if len(c.StringSlice("trust")) > 0 {
		if trusted, err = verify.LoadTrustFiles(c.StringSlice("trust")...); err != nil {
			return err
		}
	}
	cs, err := ceremony.ReadForCosign(data, trusted, time.Now())
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	tr, trPath, err := transcript.Load(path, c.String("transcript"), c.Bool("require-transcript"))
	if err != nil {
		return err
	}
	if tr == nil {
		fmt.Fprintf(c.App.ErrWriter, "airwrap: warning: %s; none is written beside %s\n", clikit.Escape(transcript.Missing(trPath)), clikit.Escape(out))
	} else if _, err := cs.AttachTranscript(tr, time.Now); err != nil {
		return fmt.Errorf("%s: %w", trPath, err)
	}
	describeCosign(c.App.ErrWriter, path, cs)
	return withToken(c, func(t *hsm.Token) error {
		s, err := t.FindSigner(c.String("signer"))
		if err != nil {
			return fmt.Errorf("signer %q: %w", c.String("signer"), err)
		}
		if err := cs.Refuse(s.Public()); err != nil {
			return err
		}
		signed, newTr, err := cs.Sign(s)
		if err != nil {
			return err
		}
		var files atomicfile.Staged
		files.Add(out, signed, 0o644)
		if newTr != nil {
			files.Add(outTr, newTr, 0o644)
		}
		if err := files.Commit(); err != nil {
			return err
		}
		id, _ := bundle.KeyID(s.Public())
		o := cosignOut{Bundle: path, Out: out, PayloadSHA256: cs.PayloadSHA256, SignerKeyID: id, Signatures: append(cs.SignedBy, id)}
		if newTr != nil {
			o.Transcript = outTr
		}
		for _, e := range cs.Payload.Entries {
			o.Entries = append(o.Entries, e.KeyARN)
		}
		return emit(c, o, func(w io.Writer) {
			fmt.Fprintf(w, "cosigned %s into %s: %d signatures\n", clikit.Escape(path), clikit.Escape(out), len(o.Signatures))
			field(w, 2, "payload sha256", bundle.GroupHex(o.PayloadSHA256))
			field(w, 2, "signed by keyid", bundle.GroupHex(id))
			if o.Transcript != "" {
				field(w, 2, "transcript", o.Transcript+" (with a cosigned line)")
			}
		})
	})
}

// describeCosign tells the officer what they are about to sign.
func describeCosign(w io.Writer, path string, cs *ceremony.Cosign) {
	fmt.Fprintf(w, "about to cosign %s: %d key(s), payload sha256 %s\n", clikit.Escape(path), len(cs.Payload.Entries), bundle.GroupHex(cs.PayloadSHA256))
	fmt.Fprintf(w, "  params sha256: %s\n", bundle.GroupHex(cs.Payload.ParamsSHA256))
	for _, e := range cs.Payload.Entries {
		field(w, 2, "key", e.KeyARN+" ("+e.KeySpec+", hsm key "+e.HSMKey.Label+")")
	}
	for _, id := range cs.SignedBy {
		field(w, 2, "signed already by keyid", bundle.GroupHex(id))
	}
	for _, k := range cs.TrustedBy {
		field(w, 2, "trusted signer verified", bundle.GroupHex(k.KeyID))
	}
	if len(cs.TrustedBy) == 0 {
		fmt.Fprintln(w, "airwrap: warning: no --trust: the signatures already on the bundle are not checked; pass the first officer's public key to check them before you sign")
	}
}
