package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/internal/testkit/keys"
	"github.com/airwrap/airwrap/internal/testkit/kmstest"
	"github.com/airwrap/airwrap/internal/testkit/script"
	"github.com/airwrap/airwrap/kmsrules"
	"github.com/airwrap/airwrap/transcript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"airwrap-online": func() { os.Exit(run(os.Args, os.Stdout, os.Stderr)) },
	})
}

const transportKey = "kmstest.transport"

// TestScripts runs testdata/script/*.txt against one local-kms; each script
// reaches it through its own recording, fault-injecting proxy.
func TestScripts(t *testing.T) {
	srv := kmstest.Start(t)
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			tr := kmstest.NewTransport()
			proxy := kmstest.NewProxy(srv.URL, tr)
			env.Defer(proxy.Close)
			env.Values[transportKey] = tr
			for _, kv := range srv.Env() {
				k, v, _ := strings.Cut(kv, "=")
				env.Setenv(k, v)
			}
			env.Setenv("AWS_ENDPOINT_URL_KMS", proxy.URL)
			env.Setenv("LOCALKMS", srv.URL)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exits":           script.Exits,
			"kmskey":          cmdKMSKey,
			"kmsrequests":     cmdKMSRequests,
			"kmsfault":        cmdKMSFault,
			"kmsdelete":       cmdKMSDelete,
			"signer":          cmdSigner,
			"wrapbundle":      cmdWrapBundle,
			"tamper":          script.Tamper,
			"standin":         cmdStandIn,
			"jsonvalid":       cmdJSONValid,
			"capsfile":        cmdCapsFile,
			"standinrequests": cmdStandInRequests,
			"standinwait":     cmdStandInWait,
		},
	})
}

func transport(ts *testscript.TestScript) *kmstest.Transport {
	return ts.Value(transportKey).(*kmstest.Transport)
}

// kmsClient talks to local-kms directly (not through the script's proxy).
func scriptClient(ts *testscript.TestScript) *kms.Client {
	return kms.New(kms.Options{
		Region: kmstest.Region, BaseEndpoint: aws.String(ts.Getenv("LOCALKMS")),
		Credentials: credentials.NewStaticCredentialsProvider(kmstest.AccessKeyID, kmstest.SecretAccessKey, ""),
	})
}

// kmskey VAR [aws]: create a SYMMETRIC_DEFAULT key with origin EXTERNAL (or,
// with "aws", origin AWS_KMS) and put its ARN in $VAR.
func cmdKMSKey(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: kmskey VAR [aws]")
	}
	origin := types.OriginTypeExternal
	if len(args) == 2 && args[1] == "aws" {
		origin = types.OriginTypeAwsKms
	}
	out, err := scriptClient(ts).CreateKey(context.Background(), &kms.CreateKeyInput{Origin: origin})
	ts.Check(err)
	ts.Setenv(args[0], aws.ToString(out.KeyMetadata.Arn))
}

// kmsdelete VAR: schedule the key in $VAR for deletion (PendingDeletion).
func cmdKMSDelete(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: kmsdelete VAR")
	}
	_, err := scriptClient(ts).ScheduleKeyDeletion(context.Background(), &kms.ScheduleKeyDeletionInput{KeyId: aws.String(ts.Getenv(args[0])), PendingWindowInDays: aws.Int32(7)})
	ts.Check(err)
}

// kmsrequests [OP] N: exactly N requests (for OP) reached the proxy since
// the last call; the count then restarts. `kmsrequests reset` only restarts.
func cmdKMSRequests(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: kmsrequests [OP] N | kmsrequests reset")
	}
	if args[0] == "reset" {
		transport(ts).Reset()
		return
	}
	op, n := "", args[len(args)-1]
	if len(args) == 2 {
		op = args[0]
	}
	want, err := strconv.Atoi(n)
	ts.Check(err)
	tr := transport(ts)
	if got := tr.Count(op); got != want {
		ts.Fatalf("%d %s requests, want %d: %+v", got, op, want, tr.Requests())
	}
	tr.Reset()
}

// kmsfault OP throttle|server-error|drop SKIP TIMES
func cmdKMSFault(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 4 {
		ts.Fatalf("usage: kmsfault OP throttle|server-error|drop SKIP TIMES")
	}
	kinds := map[string]kmstest.Fault{"throttle": kmstest.Throttle, "server-error": kmstest.ServerError, "drop": kmstest.DropAfterForward}
	f, ok := kinds[args[1]]
	if !ok {
		ts.Fatalf("unknown fault %q", args[1])
	}
	skip, err := strconv.Atoi(args[2])
	ts.Check(err)
	times, err := strconv.Atoi(args[3])
	ts.Check(err)
	transport(ts).Inject(args[0], f, skip, times)
}

// signer NAME: a software ECDSA P-384 key standing in for the HSM's ceremony
// signer: NAME.pem (public, the trust file) and NAME.key (test only).
func cmdSigner(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: signer NAME")
	}
	k, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	ts.Check(err)
	pub, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	ts.Check(err)
	priv, err := x509.MarshalPKCS8PrivateKey(k)
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[0]+".pem"), pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}), 0o644))
	ts.Check(os.WriteFile(ts.MkAbs(args[0]+".key"), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: priv}), 0o600))
}

// wrapbundle PARAMS SIGNER OUT [alg=ALG] [params-valid-to=-1h] [valid-to=720h]
// [import-type=NEW_KEY_MATERIAL] [description=TEXT]:
// what the offline half does, with Go's RSA-OAEP in place of the HSM: fresh
// random 32-byte material per entry, wrapped under the parameters' public
// key, in a payload signed by SIGNER.key, and the transcript beside it
// (OUT.transcript.jsonl) written as wrap writes it.
func cmdWrapBundle(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 3 {
		ts.Fatalf("usage: wrapbundle PARAMS SIGNER OUT [alg=ALG] [params-valid-to=DUR] [valid-to=DUR]")
	}
	opts := map[string]string{}
	for _, a := range args[3:] {
		k, v, _ := strings.Cut(a, "=")
		opts[k] = v
	}
	paramsBytes, err := os.ReadFile(ts.MkAbs(args[0]))
	ts.Check(err)
	params, err := bundle.ParseParams(paramsBytes)
	ts.Check(err)
	keyPEM, err := os.ReadFile(ts.MkAbs(args[1] + ".key"))
	ts.Check(err)
	sk, err := keys.ParseSigner(keyPEM)
	ts.Check(err)

	now := time.Now().UTC().Truncate(time.Second)
	validFor := 30 * 24 * time.Hour
	if v, ok := opts["valid-to"]; ok {
		validFor, err = time.ParseDuration(v)
		ts.Check(err)
	}
	validTo := now.Add(validFor)
	pl := &bundle.ImportPayload{
		Type: bundle.ImportType, ParamsSHA256: bundle.SHA256Hex(paramsBytes), ParamsFormat: bundle.ParamsType,
		Token:       bundle.TokenIdentity{Manufacturer: "test", Model: "go", Serial: "1", Label: "script"},
		ToolVersion: "test", StartedAt: now, CreatedAt: now, Operators: []string{"Script Operator"},
	}
	tr := transcript.New(nil)
	ts.Check(tr.Record("ceremony.start", map[string]any{"params_sha256": pl.ParamsSHA256}))
	for _, pe := range params.Entries {
		alg := pe.WrappingAlgorithm
		if a, ok := opts["alg"]; ok {
			alg = a
		}
		wa, err := kmsrules.ParseWrappingAlgorithm(alg)
		ts.Check(err)
		h := wa.Hash()
		pub, err := x509.ParsePKIXPublicKey(pe.PublicKey)
		ts.Check(err)
		material := make([]byte, 32)
		_, err = rand.Read(material)
		ts.Check(err)
		ct, err := rsa.EncryptOAEP(h.New(), rand.Reader, pub.(*rsa.PublicKey), material, nil)
		ts.Check(err)
		pvt := pe.ParametersValidTo
		if d, ok := opts["params-valid-to"]; ok {
			dd, err := time.ParseDuration(d)
			ts.Check(err)
			pvt = now.Add(dd)
		}
		pl.Entries = append(pl.Entries, bundle.ImportEntry{
			KeyARN: pe.KeyARN, KeySpec: pe.KeySpec, WrappingAlgorithm: pe.WrappingAlgorithm, WrappingKeySpec: pe.WrappingKeySpec,
			WrappingPublicKeySHA256: bundle.SHA256Hex(pe.PublicKey), ImportToken: pe.ImportToken, EncryptedKeyMaterial: ct,
			ParametersValidTo: pvt, ExpirationModel: kmsrules.ExpiresModel, ValidTo: &validTo,
			HSMKey:     bundle.HSMKeyRef{Label: "script-key", ID: "01", CheckValue: "000000", CheckMethod: bundle.CheckMethodAESKCV},
			ImportType: opts["import-type"], KeyMaterialDescription: opts["description"],
		})
	}
	ts.Check(tr.Record(transcript.StepPayloadBuilt, map[string]any{"entries": len(pl.Entries)}))
	pl.TranscriptSHA256 = tr.Head()
	payload, err := bundle.MarshalImportPayload(pl)
	ts.Check(err)
	env, err := bundle.SignEnvelope(bundle.ImportPayloadType, payload, sk.(*ecdsa.PrivateKey))
	ts.Check(err)
	out, err := bundle.MarshalEnvelope(env)
	ts.Check(err)
	ts.Check(tr.RecordSignature(transcript.StepSigned, transcript.Signature{
		BundleSHA256: bundle.SHA256Hex(out), PayloadSHA256: bundle.SHA256Hex(payload), SignerKeyID: env.Signatures[0].KeyID}))
	ts.Check(os.WriteFile(ts.MkAbs(args[2]), out, 0o644))
	ts.Check(os.WriteFile(ts.MkAbs(transcript.PathFor(args[2])), tr.Bytes(), 0o644))
	fmt.Fprintf(ts.Stdout(), "wrapped %d entries\n", len(pl.Entries))
}

// standin VAR FILE: start a kmstest.StandIn, a small KMS endpoint for what
// local-kms cannot answer, and put its URL in $VAR. Each line of FILE (after
// $VAR expansion) is `OP STATUS JSON-BODY`, queued in order, the last one for
// an OP repeating; `requestid "QUOTED"` sets the X-Amzn-Requestid header.
// Encrypt and Decrypt echo (kmstest.StandIn.EchoCrypt) unless FILE answers them.
func cmdStandIn(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: standin VAR FILE")
	}
	s := kmstest.NewStandIn()
	ts.Defer(s.Close)
	standIns.Store(standInKey{ts, args[0]}, s)
	s.EchoCrypt()
	for _, line := range strings.Split(os.Expand(ts.ReadFile(args[1]), ts.Getenv), "\n") {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		op, rest, _ := strings.Cut(line, " ")
		if op == "requestid" {
			id, err := strconv.Unquote(rest)
			ts.Check(err)
			s.RequestID = id
			continue
		}
		status, body, _ := strings.Cut(rest, " ")
		code, err := strconv.Atoi(status)
		ts.Check(err)
		if !json.Valid([]byte(body)) {
			ts.Fatalf("standin %s: %s: not JSON: %s", args[1], op, body)
		}
		s.OnFunc(op, nil)
		s.On(op, code, body)
	}
	ts.Setenv(args[0], s.URL)
}

// jsonvalid FILE: FILE is one JSON value, and holds no raw control character
// or bidi override (they travel as \u escapes).
func cmdJSONValid(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: jsonvalid FILE")
	}
	data := ts.ReadFile(args[0])
	if !json.Valid([]byte(data)) {
		ts.Fatalf("%s is not valid JSON:\n%s", args[0], data)
	}
	for _, r := range data {
		if (r < 0x20 && r != '\n') || r == 0x7f || unicode.Is(unicode.Bidi_Control, r) {
			ts.Fatalf("%s holds a raw %U", args[0], r)
		}
	}
}
