package main

import (
	"bytes"
	"crypto/aes"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"flag"
	"fmt"
	"hash"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/ceremony"
	"github.com/airwrap/airwrap/internal/testkit/ceremonytest"
	"github.com/airwrap/airwrap/internal/testkit/keys"
	"github.com/airwrap/airwrap/internal/testkit/leak"
	"github.com/airwrap/airwrap/internal/testkit/oracle"
	"github.com/airwrap/airwrap/kmsrules"
	"github.com/airwrap/airwrap/transcript"
)

type wrappingKeyEntry struct {
	spkiSHA256 string
	key        *rsa.PrivateKey
}

// mkparams [-awscli [-files DIR]] [-expired] [-spec S1,S2] [-alg A1,A2] [-bits B] [-mrk R1,R2] OUT
// writes a parameters file with software wrapping keys the test keeps, and
// sets $ARN1.. and $KEYID1.. for the script. -files also writes what the AWS
// developer guide's steps write from the same answer: DIR/PublicKey.bin and
// DIR/ImportToken.bin (raw), and DIR/PublicKey.b64 (not decoded).
func cmdMkparams(ts *testscript.TestScript, neg bool, args []string) {
	fl := flag.NewFlagSet("mkparams", flag.ContinueOnError)
	awscli := fl.Bool("awscli", false, "AWS CLI JSON")
	expired := fl.Bool("expired", false, "parameters already expired")
	specs := fl.String("spec", "SYMMETRIC_DEFAULT", "key specs, comma-separated")
	algs := fl.String("alg", "RSAES_OAEP_SHA_1", "wrapping algorithms, comma-separated (one for all)")
	bits := fl.Int("bits", 2048, "wrapping key size")
	files := fl.String("files", "", "with -awscli: also write the AWS developer guide's files here")
	mrk := fl.String("mrk", "", "Regions, comma-separated: one multi-Region key of the first -spec in each (the first its primary)")
	ts.Check(fl.Parse(args))
	if fl.NArg() != 1 {
		ts.Fatalf("usage: mkparams [flags] OUT")
	}
	now := time.Now()
	if *expired {
		now = now.Add(-25 * time.Hour)
	}
	var entries []ceremonytest.Entry
	algList := strings.Split(*algs, ",")
	for i, s := range strings.Split(*specs, ",") {
		a := algList[0]
		if i < len(algList) {
			a = algList[i]
		}
		entries = append(entries, ceremonytest.Entry{KeySpec: s, WrappingAlgorithm: a, WrappingBits: *bits})
	}
	if *mrk != "" {
		one := entries[0]
		entries = nil
		for _, arn := range ceremonytest.MRKARNs(strings.Split(*mrk, ",")...) {
			e := one
			e.ARN = arn
			entries = append(entries, e)
		}
	}
	var m *ceremonytest.Made
	var err error
	if *awscli {
		m, err = ceremonytest.AWSCLI(now, entries[0])
	} else {
		m, err = ceremonytest.Params(now, entries...)
	}
	ts.Check(err)
	out := ts.MkAbs(fl.Arg(0))
	ts.Check(os.WriteFile(out, m.Data, 0o644))
	var keys []wrappingKeyEntry
	for i, k := range m.Keys {
		der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
		ts.Check(err)
		keys = append(keys, wrappingKeyEntry{bundle.SHA256Hex(der), k})
		ts.Setenv(fmt.Sprintf("ARN%d", i+1), m.ARNs[i])
		ts.Setenv(fmt.Sprintf("KEYID%d", i+1), m.ARNs[i][strings.LastIndex(m.ARNs[i], "/")+1:])
	}
	state(ts).wrapping[out] = keys
	if *files != "" {
		a, err := bundle.ParseAWSCLIParams(m.Data)
		ts.Check(err)
		dir := ts.MkAbs(*files)
		ts.Check(os.MkdirAll(dir, 0o755))
		ts.Check(os.WriteFile(filepath.Join(dir, "PublicKey.bin"), a.PublicKey, 0o644))
		ts.Check(os.WriteFile(filepath.Join(dir, "ImportToken.bin"), a.ImportToken, 0o644))
		ts.Check(os.WriteFile(filepath.Join(dir, "PublicKey.b64"), []byte(base64.StdEncoding.EncodeToString(a.PublicKey)+"\n"), 0o644))
		state(ts).wrapping[filepath.Join(dir, "PublicKey.bin")] = keys
	}
}

// checkbundle BUNDLE PARAMS [-awscli DIR] [LABEL=SEED ...] checks an import
// bundle independently of airwrap: every entry's encrypted material is
// unwrapped with the test's private key (Go's OAEP, or OpenSSL for the RSA-AES
// key wrap) and compared with the known material (LABEL=SEED) or, for keys
// generated in the HSM, with the check value / public key airwrap recorded.
// With -awscli the AWS CLI files must equal the bundle's fields. With -nobind
// PARAMS is a PublicKey.bin from mkparams -files, which the bundle does not
// answer by digest.
func cmdCheckbundle(ts *testscript.TestScript, neg bool, args []string) {
	fl := flag.NewFlagSet("checkbundle", flag.ContinueOnError)
	awsDir := fl.String("awscli", "", "AWS CLI directory to compare")
	nobind := fl.Bool("nobind", false, "PARAMS is a PublicKey.bin: no params_sha256 to compare")
	ts.Check(fl.Parse(args))
	if fl.NArg() < 2 {
		ts.Fatalf("usage: checkbundle [-awscli DIR] BUNDLE PARAMS [LABEL=SEED ...]")
	}
	seeds := map[string]string{}
	for _, a := range fl.Args()[2:] {
		l, s, _ := strings.Cut(a, "=")
		seeds[l] = s
	}
	data, err := os.ReadFile(ts.MkAbs(fl.Arg(0)))
	ts.Check(err)
	env, err := bundle.ParseEnvelope(data)
	ts.Check(err)
	raw, err := base64.StdEncoding.DecodeString(env.Payload)
	ts.Check(err)
	p, err := bundle.ParseImportPayload(raw)
	ts.Check(err)
	params, err := os.ReadFile(ts.MkAbs(fl.Arg(1)))
	ts.Check(err)
	if !*nobind && p.ParamsSHA256 != bundle.SHA256Hex(params) {
		ts.Fatalf("params_sha256 %s does not match %s", p.ParamsSHA256, fl.Arg(1))
	}
	keys := state(ts).wrapping[ts.MkAbs(fl.Arg(1))]
	for i, e := range p.Entries {
		var priv *rsa.PrivateKey
		for _, k := range keys {
			if k.spkiSHA256 == e.WrappingPublicKeySHA256 {
				priv = k.key
			}
		}
		if priv == nil {
			ts.Fatalf("entry %d: no test wrapping key with sha256 %s", i, e.WrappingPublicKeySHA256)
		}
		material := oracle.Unwrap(ts, priv, e.WrappingAlgorithm, e.EncryptedKeyMaterial)
		state(ts).materials = append(state(ts).materials, material)
		checkMaterial(ts, i, e, material, seeds)
		if *awsDir != "" {
			id := e.KeyARN[strings.LastIndex(e.KeyARN, "/")+1:]
			region := strings.Split(e.KeyARN, ":")[3] // DIR/<Region>/<key id>
			for name, want := range map[string][]byte{ceremony.EncryptedKeyMaterialFile: e.EncryptedKeyMaterial, ceremony.ImportTokenFile: e.ImportToken} {
				got, err := os.ReadFile(ts.MkAbs(filepath.Join(*awsDir, region, id, name)))
				ts.Check(err)
				if !bytes.Equal(got, want) {
					ts.Fatalf("entry %d: %s differs from the bundle", i, name)
				}
			}
		}
		ts.Logf("entry %d (%s, %s): unwrapped %d bytes independently, matches", i, e.KeySpec, e.WrappingAlgorithm, len(material))
	}
}

func checkMaterial(ts *testscript.TestScript, i int, e bundle.ImportEntry, material []byte, seeds map[string]string) {
	rule := kmsrules.KeySpec(e.KeySpec)
	if seed, ok := seeds[e.HSMKey.Label]; ok {
		if want := keys.Material(seed, len(material)); rule.RawLen() != len(material) || !bytes.Equal(material, want) {
			ts.Fatalf("entry %d: unwrapped material is not the known material of %q", i, e.HSMKey.Label)
		}
	}
	cv, _ := hex.DecodeString(e.HSMKey.CheckValue)
	switch rule.Kind() {
	case kmsrules.KindSymmetric:
		b, err := aes.NewCipher(material)
		ts.Check(err)
		z := make([]byte, 16)
		b.Encrypt(z, z)
		if !bytes.Equal(z[:3], cv) {
			ts.Fatalf("entry %d: AES check value %x, bundle says %x", i, z[:3], cv)
		}
	case kmsrules.KindHMAC:
		if len(material) != rule.RawLen() {
			ts.Fatalf("entry %d: %d bytes of HMAC material, want %d", i, len(material), rule.RawLen())
		}
		// The key spec's own hash (hsm/checkvalue.go), for the check value and the proof.
		newHash := map[string]func() hash.Hash{"HMAC_224": sha256.New224, "HMAC_256": sha256.New, "HMAC_384": sha512.New384, "HMAC_512": sha512.New}[e.KeySpec]
		m := hmac.New(newHash, material)
		m.Write([]byte(bundle.HMACCheckInput))
		if e.HSMKey.CheckMethod != bundle.CheckMethodHMAC || !bytes.Equal(m.Sum(nil)[:8], cv) {
			ts.Fatalf("entry %d: HMAC check value mismatch", i)
		}
		if len(e.Proof.Challenge) != 32 || e.Proof.MACAlgorithm != rule.MACAlgorithm() {
			ts.Fatalf("entry %d: no HMAC proof", i)
		}
		m = hmac.New(newHash, material)
		m.Write(e.Proof.Challenge)
		if !bytes.Equal(m.Sum(nil), e.Proof.MAC) {
			ts.Fatalf("entry %d: the HSM's MAC of the challenge is not %s of it under the unwrapped material", i, rule.MACAlgorithm())
		}
	case kmsrules.KindEC, kmsrules.KindRSA:
		spki := publicFromPKCS8(ts, material)
		if !bytes.Equal(spki, e.Proof.PublicKey) {
			ts.Fatalf("entry %d: public key derived from the unwrapped private key differs from the proof", i)
		}
	}
}

// publicFromPKCS8 derives the SPKI of a PKCS#8 private key with OpenSSL
// (Go cannot parse secp256k1).
func publicFromPKCS8(ts *testscript.TestScript, der []byte) []byte {
	cmd := exec.Command("openssl", "pkey", "-inform", "DER", "-pubout", "-outform", "DER")
	cmd.Stdin = bytes.NewReader(der)
	out, err := cmd.Output()
	if err != nil {
		ts.Fatalf("openssl pkey: %v", err)
	}
	return out
}

// noleak [SEED:N ...] scans every file under $WORK for the PIN and for every
// known or unwrapped material: raw, hex (both cases) and base64.
func cmdNoleak(ts *testscript.TestScript, neg bool, args []string) {
	secrets := map[string][]byte{"PIN": []byte(ts.Getenv(envPIN))}
	for _, a := range args {
		seed, n, _ := strings.Cut(a, ":")
		size, err := strconv.Atoi(n)
		ts.Check(err)
		secrets["material "+seed] = keys.Material(seed, size)
	}
	for i, m := range state(ts).materials {
		secrets[fmt.Sprintf("unwrapped material %d", i)] = m
	}
	found, files, err := leak.Scan(secrets, ts.Getenv("WORK"))
	ts.Check(err)
	if len(found) > 0 {
		ts.Fatalf("%s", strings.Join(found, "\n"))
	}
	ts.Logf("scanned %d files for %d secrets: none found", files, len(secrets))
}

// transcript BUNDLE checks the transcript beside BUNDLE: the chain verifies
// and the payload's transcript_sha256 is the hash of one of its lines.
func cmdTranscript(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: transcript BUNDLE")
	}
	data, err := os.ReadFile(ts.MkAbs(args[0]))
	ts.Check(err)
	env, err := bundle.ParseEnvelope(data)
	ts.Check(err)
	raw, err := base64.StdEncoding.DecodeString(env.Payload)
	ts.Check(err)
	p, err := bundle.ParseImportPayload(raw)
	ts.Check(err)
	tr, err := os.ReadFile(ts.MkAbs(args[0] + ceremony.TranscriptSuffix))
	ts.Check(err)
	err = transcript.Verify(tr)
	if neg {
		if err == nil {
			ts.Fatalf("transcript verifies")
		}
		return
	}
	ts.Check(err)
	for _, line := range bytes.Split(bytes.TrimSuffix(tr, []byte("\n")), []byte("\n")) {
		if bundle.SHA256Hex(line) == p.TranscriptSHA256 {
			return
		}
	}
	ts.Fatalf("transcript_sha256 %s is not the hash of any transcript line", p.TranscriptSHA256)
}

// evilenv VAR sets VAR to a string with a terminal escape, a bidi override
// and a newline: what a hostile file or flag might carry.
func cmdEvilenv(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: evilenv VAR")
	}
	ts.Setenv(args[0], "evil\x1b[31mred\u202eltr\nline")
}

// flipbit FILE OFFSET flips the lowest bit of the byte at OFFSET (negative: from the end).
func cmdFlipbit(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: flipbit FILE OFFSET")
	}
	p := ts.MkAbs(args[0])
	data, err := os.ReadFile(p)
	ts.Check(err)
	off, err := strconv.Atoi(args[1])
	ts.Check(err)
	if off < 0 {
		off += len(data)
	}
	data[off] ^= 1
	ts.Check(os.WriteFile(p, data, 0o644))
}

// nofiles DIR [NAME...] asserts DIR holds exactly the named entries.
func cmdNofiles(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 1 {
		ts.Fatalf("usage: nofiles DIR [NAME...]")
	}
	ents, err := os.ReadDir(ts.MkAbs(args[0]))
	ts.Check(err)
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	if strings.Join(got, " ") != strings.Join(args[1:], " ") {
		ts.Fatalf("%s holds %q, want %q", args[0], got, args[1:])
	}
}
