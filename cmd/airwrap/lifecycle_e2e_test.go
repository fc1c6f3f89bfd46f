package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/stretchr/testify/require"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/internal/testkit/kmstest"
	"github.com/airwrap/airwrap/kmsimport"
	"github.com/airwrap/airwrap/online"
)

// kmsTarget is the KMS a key's whole life runs against: the KMS model in CI
// (TestLifecycleModel), a real AWS account in the opt-in test
// (lifecycle_aws_test.go, `make test-aws`).
type kmsTarget struct {
	env           []string      // what airwrap-online needs to reach it
	api           kmsimport.API // the test's own client, for the checks
	replicaRegion string        // the Region of multi-Region replicas
	addRegion     string        // a third Region, for a replica added later
	// expire makes every material that expires within d expire, as KMS does
	// at ValidTo (the model moves its clock and back). nil where time cannot
	// be moved (real AWS): the test deletes the material instead, which
	// leaves the key in the same state, PendingImport.
	expire func(d time.Duration)
	// created is told each key a prepare --create made, for cleanup.
	created func(arn string)
}

// TestLifecycleModel runs every workflow of a key's life (issue 12) through
// both binaries on a SoftHSM token against the KMS model, which follows
// KMS's documented state machine where local-kms has no handler (rotation,
// ListKeyRotations, multi-Region, KeyMaterialId, HMAC and EC keys):
// kmsimport/EVIDENCE.md says which paths only the model proves.
func TestLifecycleModel(t *testing.T) {
	m, url := kmstest.StartModel(t, kmstest.ModelOptions{})
	const region = "eu-west-2"
	env := kmstest.ModelEnv(url, region)
	kmstest.SetEnv(t, env)
	api, err := kmsimport.NewClient(context.Background(), kmsimport.ClientOptions{EndpointURL: url, Region: region})
	require.NoError(t, err)
	runLifecycle(t, kmsTarget{
		env: env, api: api, replicaRegion: "ap-southeast-2", addRegion: "ca-central-1",
		expire: func(d time.Duration) {
			now := time.Now()
			m.Advance(d)
			m.SetNow(now)
		},
		created: func(string) {},
	})
	// Every call about a replica went to the replica's Region.
	var replicaCalls int
	for _, r := range m.Requests() {
		if r.Region == "ap-southeast-2" {
			replicaCalls++
		}
	}
	require.Positive(t, replicaCalls)
}

// life is one run: both halves on a SoftHSM token with a ceremony signer.
type life struct {
	*halves
	tgt kmsTarget
	n   int
	// receipt is the path of the last receipt submit wrote.
	receipt string
}

// file is a new file name: name-N.json.
func (l *life) file(name string) string {
	l.n++
	return l.at(fmt.Sprintf("%s-%d.json", name, l.n))
}

// prepare fetches parameters (SoftHSM makes the SHA-1 algorithms only) and
// returns the file and its key ARNs, telling the target of keys it created.
func (l *life) prepare(alg string, args ...string) (string, []string) {
	l.t.Helper()
	out := l.file("params")
	l.run(0, append([]string{"prepare", "--wrapping-algorithm", alg, "--wrapping-key-spec", "RSA_2048", "--out", out}, args...)...)
	data, err := os.ReadFile(out)
	require.NoError(l.t, err)
	p, err := bundle.ParseParams(data)
	require.NoError(l.t, err)
	var arns []string
	for _, e := range p.Entries {
		arns = append(arns, e.KeyARN)
	}
	for _, a := range args {
		if a == "--create" {
			for _, arn := range arns {
				l.tgt.created(arn)
			}
		}
	}
	return out, arns
}

// wrap makes an import bundle from params with the extra flags.
func (l *life) wrap(params string, args ...string) string {
	l.t.Helper()
	out := l.file("import")
	l.airwrap(append([]string{"wrap", "--params", params, "--signer", "s", "--out", out}, args...)...)
	return out
}

// submit imports bundle and returns its receipt.
func (l *life) submit(want int, bundlePath, params string, args ...string) kmsimport.Receipt {
	l.t.Helper()
	rc := l.file("receipt")
	l.receipt = rc
	l.run(want, append([]string{"submit", bundlePath, "--trust", l.at("s.pem"), "--params", params, "--receipt", rc}, args...)...)
	data, err := os.ReadFile(rc)
	require.NoError(l.t, err)
	var r kmsimport.Receipt
	require.NoError(l.t, json.Unmarshal(data, &r))
	return r
}

func (l *life) state(arn string) string {
	l.t.Helper()
	out, err := kmsimport.ForKey(l.tgt.api, arn).DescribeKey(context.Background(), &kms.DescribeKeyInput{KeyId: aws.String(arn)})
	require.NoError(l.t, err)
	return string(out.KeyMetadata.KeyState)
}

// waitState waits (up to 2 minutes) until arn is in state want: a new
// replica is Creating for a while.
func (l *life) waitState(arn, want string) {
	l.t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for l.state(arn) != want {
		require.True(l.t, time.Now().Before(deadline), "%s never reached %s", arn, want)
		time.Sleep(time.Second)
	}
}

func (l *life) encrypt(arn, text string) []byte {
	l.t.Helper()
	out, err := kmsimport.ForKey(l.tgt.api, arn).Encrypt(context.Background(), &kms.EncryptInput{KeyId: aws.String(arn), Plaintext: []byte(text)})
	require.NoError(l.t, err)
	return out.CiphertextBlob
}

// decrypts: arn's Region decrypts blob to text.
func (l *life) decrypts(arn string, blob []byte, text string) {
	l.t.Helper()
	out, err := kmsimport.ForKey(l.tgt.api, arn).Decrypt(context.Background(), &kms.DecryptInput{KeyId: aws.String(arn), CiphertextBlob: blob})
	require.NoError(l.t, err, "%s no longer decrypts what it encrypted before", arn)
	require.Equal(l.t, text, string(out.Plaintext))
}

// status is `status --json` for the keys, with its exit code.
func (l *life) status(want int, args ...string) statusJSON {
	l.t.Helper()
	out, _ := l.run(want, append([]string{"--json", "status"}, args...)...)
	var st statusJSON
	require.NoError(l.t, json.Unmarshal([]byte(out), &st), out)
	return st
}

// statusJSON is what `airwrap-online --json status` prints.
type statusJSON online.StatusResult

func (st statusJSON) materials(arn string) map[string]string {
	out := map[string]string{}
	for _, k := range st.Keys {
		if k.ARN == arn {
			for _, m := range k.Materials {
				out[m.KeyMaterialID] = m.State
			}
		}
	}
	return out
}

func runLifecycle(t *testing.T, tgt kmsTarget) {
	l := &life{halves: newHalves(t, tgt.env...), tgt: tgt}
	l.airwrap("signer", "generate", "--label", "s")
	l.airwrap("signer", "export", "--label", "s", "--out", l.at("s.pem"))
	validTo := time.Now().AddDate(0, 0, 30).UTC().Format("2006-01-02")

	// 1. First import of each kind, proven where KMS allows it.
	kinds := []struct{ label, spec, alg string }{
		{"aes", "SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1"},
		{"mac", "HMAC_256", "RSAES_OAEP_SHA_1"},
		{"ec", "ECC_NIST_P384", "RSA_AES_KEY_WRAP_SHA_1"},
	}
	arn := map[string]string{}
	first := map[string]kmsimport.Receipt{}
	for _, k := range kinds {
		l.airwrap("key", "generate", "--label", k.label, "--key-spec", k.spec)
		params, arns := l.prepare(k.alg, "--create", "--key-spec", k.spec, "--description", "airwrap lifecycle test "+k.label)
		require.Len(t, arns, 1)
		arn[k.label] = arns[0]
		b := l.wrap(params, "--key", k.label, "--valid-to", validTo)
		first[k.label] = l.submit(0, b, params)
		require.Equal(t, kmsimport.OutcomeImported, first[k.label].Entries[0].Outcome, k.label)
		require.Equal(t, "Enabled", l.state(arns[0]))
		out, _ := l.run(0, "--json", "verify-import", b, "--trust", l.at("s.pem"), "--receipt", l.receipt)
		if k.spec != "SYMMETRIC_DEFAULT" {
			require.Contains(t, out, `"proven": true`, k.label)
		}
	}
	aes := arn["aes"]
	firstID := first["aes"].Entries[0].KeyMaterialID
	require.Len(t, firstID, 64)
	before := l.encrypt(aes, "before every reimport")

	// 2. Reimport before expiry: the key is Enabled; the same HSM key, as
	// EXISTING_KEY_MATERIAL naming its KeyMaterialId, gets the same id back.
	params, _ := l.prepare("RSAES_OAEP_SHA_1", "--key-id", aes)
	b := l.wrap(params, "--key", "aes", "--valid-to", validTo, "--import-type", "EXISTING_KEY_MATERIAL", "--key-material-id", firstID)
	rc := l.submit(0, b, params)
	require.Equal(t, firstID, rc.Entries[0].KeyMaterialID)
	// An HMAC key takes its material again with no import options.
	params, _ = l.prepare("RSAES_OAEP_SHA_1", "--key-id", arn["mac"])
	l.submit(0, l.wrap(params, "--key", "mac", "--valid-to", validTo), params)

	// A different HSM key as EXISTING material is refused by KMS, explained.
	l.airwrap("key", "generate", "--label", "other", "--key-spec", "SYMMETRIC_DEFAULT")
	params, _ = l.prepare("RSAES_OAEP_SHA_1", "--key-id", aes)
	_, stderr := l.run(1, "submit", l.wrap(params, "--key", "other", "--valid-to", validTo, "--import-type", "EXISTING_KEY_MATERIAL"),
		"--trust", l.at("s.pem"), "--params", params)
	require.Contains(t, stderr, "IncorrectKeyMaterial")

	// 3. Monitoring: every material expiring within 40 days is listed; exit 1.
	st := l.status(1, "--key-id", aes, "--key-id", arn["mac"], "--key-id", arn["ec"], "--fail-within", "40")
	require.Len(t, st.Expiring, 3)
	l.status(0, "--key-id", aes, "--fail-within", "20")

	// 4. Reimport after expiry (real AWS: after deletion, the same state).
	if tgt.expire != nil {
		tgt.expire(31 * 24 * time.Hour)
	} else {
		l.run(0, "delete-material", "--key-id", aes, "--yes", "--receipt", l.file("deleted"))
	}
	require.Equal(t, "PendingImport", l.state(aes))
	st = l.status(1, "--key-id", aes, "--fail-within", "1")
	require.Len(t, st.Expiring, 1)
	params, _ = l.prepare("RSAES_OAEP_SHA_1", "--key-id", aes)
	rc = l.submit(0, l.wrap(params, "--key", "aes", "--no-expiry", "--import-type", "EXISTING_KEY_MATERIAL"), params)
	require.Equal(t, firstID, rc.Entries[0].KeyMaterialID)
	require.Equal(t, "Enabled", l.state(aes))
	l.decrypts(aes, before, "before every reimport")

	// 5. Deletion and recovery.
	l.run(0, "delete-material", "--key-id", aes, "--yes", "--receipt", l.file("deleted"))
	require.Equal(t, "PendingImport", l.state(aes))
	params, _ = l.prepare("RSAES_OAEP_SHA_1", "--key-id", aes)
	l.submit(0, l.wrap(params, "--key", "aes", "--no-expiry", "--import-type", "EXISTING_KEY_MATERIAL", "--key-material-id", firstID), params)
	l.decrypts(aes, before, "before every reimport")

	// 6. Rotation to new material: imported NEW (PENDING_ROTATION), then
	// rotated; what the old material encrypted still decrypts.
	l.airwrap("key", "generate", "--label", "aes-2027", "--key-spec", "SYMMETRIC_DEFAULT")
	params, _ = l.prepare("RSAES_OAEP_SHA_1", "--key-id", aes)
	b = l.wrap(params, "--key", "aes-2027", "--no-expiry", "--import-type", "NEW_KEY_MATERIAL", "--key-material-description", "rotation 2027")
	rc = l.submit(0, b, params, "--rotate")
	newID := rc.Entries[0].KeyMaterialID
	require.Len(t, newID, 64)
	require.NotEqual(t, firstID, newID)
	st = l.status(0, "--key-id", aes)
	require.Equal(t, map[string]string{firstID: "NON_CURRENT", newID: "CURRENT"}, st.materials(aes))
	l.decrypts(aes, before, "before every reimport")
	after := l.encrypt(aes, "after the rotation")
	l.decrypts(aes, after, "after the rotation")

	// 7. A multi-Region key: the primary and a replica in another Region
	// take the same HSM key, each wrapped under its own Region's parameters.
	l.airwrap("key", "generate", "--label", "mrk", "--key-spec", "SYMMETRIC_DEFAULT")
	params, arns := l.prepare("RSAES_OAEP_SHA_1", "--create", "--multi-region", "--replica-region", tgt.replicaRegion,
		"--key-spec", "SYMMETRIC_DEFAULT", "--description", "airwrap lifecycle test multi-Region")
	require.Len(t, arns, 2)
	primary, replica := arns[0], arns[1]
	rc = l.submit(0, l.wrap(params, "--key", primary+"=mrk", "--key", replica+"=mrk", "--no-expiry"), params)
	require.Len(t, rc.Entries, 2)
	mrkFirst := rc.Entries[0].KeyMaterialID
	mrkBlob := l.encrypt(primary, "from the primary's Region")
	l.decrypts(replica, mrkBlob, "from the primary's Region")
	st = l.status(0, "--key-id", primary)
	require.Len(t, st.Keys, 2, "status shows every Region of a multi-Region key")

	// ... and its rotation: NEW into the primary, the same material as
	// EXISTING (the primary's KeyMaterialId) into the replica, then rotated
	// on the primary.
	l.airwrap("key", "generate", "--label", "mrk-2027", "--key-spec", "SYMMETRIC_DEFAULT")
	params, _ = l.prepare("RSAES_OAEP_SHA_1", "--key-id", primary, "--key-id", replica)
	rc = l.submit(0, l.wrap(params, "--key", primary+"=mrk-2027", "--key", replica+"=mrk-2027", "--no-expiry",
		"--import-type", primary+"=NEW_KEY_MATERIAL", "--key-material-description", primary+"=rotation 2027"), params, "--rotate")
	require.Len(t, rc.Entries, 2)
	require.Equal(t, rc.Entries[0].KeyMaterialID, rc.Entries[1].KeyMaterialID)
	st = l.status(0, "--key-id", primary)
	require.Equal(t, "CURRENT", st.materials(primary)[rc.Entries[0].KeyMaterialID])
	require.Equal(t, "CURRENT", st.materials(replica)[rc.Entries[0].KeyMaterialID])
	blob := l.encrypt(replica, "from the replica after the rotation")
	l.decrypts(primary, blob, "from the replica after the rotation")

	// 8. Adding a Region later (docs/RUNBOOK.md): the rotated key holds two
	// materials, and the new replica needs both, each from its own HSM key
	// named by its KeyMaterialId, one ceremony each.
	out, err := kmsimport.ForKey(l.tgt.api, primary).ReplicateKey(context.Background(), &kms.ReplicateKeyInput{
		KeyId: aws.String(primary), ReplicaRegion: aws.String(tgt.addRegion), Description: aws.String("airwrap lifecycle test added Region")})
	require.NoError(t, err)
	added := aws.ToString(out.ReplicaKeyMetadata.Arn)
	tgt.created(added)
	l.waitState(added, "PendingImport")
	for i, m := range []struct{ label, id string }{{"mrk", mrkFirst}, {"mrk-2027", rc.Entries[0].KeyMaterialID}} {
		if i > 0 {
			require.Equal(t, "PendingImport", l.state(added), "usable only once every material is imported")
		}
		params, _ = l.prepare("RSAES_OAEP_SHA_1", "--key-id", added)
		l.submit(0, l.wrap(params, "--key", m.label, "--no-expiry", "--import-type", "EXISTING_KEY_MATERIAL", "--key-material-id", m.id), params)
	}
	require.Equal(t, "Enabled", l.state(added))
	l.decrypts(added, mrkBlob, "from the primary's Region")
	l.decrypts(added, blob, "from the replica after the rotation")
}
