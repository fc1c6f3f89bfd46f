package kmsimport_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/airwrap/airwrap/internal/testkit/kmstest"
	"github.com/airwrap/airwrap/kmsimport"
	"github.com/stretchr/testify/require"
)

const mrkID = "mrk-1234abcd12ab34cd56ef1234567890ab"

func mrkARN(region string) string { return "arn:aws:kms:" + region + ":111122223333:key/" + mrkID }

// mrkMetadata is DescribeKey's KeyMetadata of the multi-Region key in
// region, in state, with primary in us-east-1 and a replica in each of
// replicas (MultiRegionConfiguration).
func mrkMetadata(region, state string, replicas ...string) string {
	role := "REPLICA"
	if region == "us-east-1" {
		role = "PRIMARY"
	}
	var reps []string
	for _, r := range replicas {
		reps = append(reps, fmt.Sprintf(`{"Arn":%q,"Region":%q}`, mrkARN(r), r))
	}
	return fmt.Sprintf(`{"AWSAccountId":"111122223333","Arn":%q,"KeyId":%q,"KeySpec":"SYMMETRIC_DEFAULT","KeyUsage":"ENCRYPT_DECRYPT","KeyState":%q,"Origin":"EXTERNAL","MultiRegion":true,"MultiRegionConfiguration":{"MultiRegionKeyType":%q,"PrimaryKey":{"Arn":%q,"Region":"us-east-1"},"ReplicaKeys":[%s]}}`,
		mrkARN(region), mrkID, state, role, mrkARN("us-east-1"), strings.Join(reps, ","))
}

func regionOfARN(arn string) string { return strings.Split(arn, ":")[3] }

// answerParams answers GetParametersForImport for whichever key is asked,
// with a fresh RSA_2048 wrapping key.
func answerParams(t *testing.T, f *fakeKMS) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	require.NoError(t, err)
	f.OnFunc("GetParametersForImport", func(body map[string]any) kmstest.Answer {
		return kmstest.Answer{Status: 200, Body: fmt.Sprintf(`{"KeyId":%q,"ImportToken":%q,"PublicKey":%q,"ParametersValidTo":%d}`,
			body["KeyId"], b64("token "+fmt.Sprint(body["KeyId"])), base64.StdEncoding.EncodeToString(der), time.Now().Add(24*time.Hour).Unix())}
	})
}

// prepare --create --multi-region --replica-region eu-west-1
// --replica-region ap-southeast-2: CreateKey in the client's Region,
// ReplicateKey (sent to the primary's Region) for each replica, a wait while
// a replica is Creating, then every DescribeKey and GetParametersForImport
// in the Region of the key's ARN; each key is reported created as soon as
// it exists.
func TestPrepareCreatesMultiRegionKeyWithReplicas(t *testing.T) {
	f := newFake(t)
	f.on("CreateKey", 200, `{"KeyMetadata":`+mrkMetadata("us-east-1", "PendingImport")+`}`)
	f.OnFunc("ReplicateKey", func(body map[string]any) kmstest.Answer {
		r := fmt.Sprint(body["ReplicaRegion"])
		return kmstest.Answer{Status: 200, Body: `{"ReplicaKeyMetadata":` + mrkMetadata(r, "Creating") + `}`}
	})
	var mu sync.Mutex
	described := map[string]int{}
	f.OnFunc("DescribeKey", func(body map[string]any) kmstest.Answer {
		arn := fmt.Sprint(body["KeyId"])
		mu.Lock()
		described[arn]++
		n := described[arn]
		mu.Unlock()
		state := "PendingImport"
		if arn == mrkARN("eu-west-1") && n == 1 {
			state = "Creating" // KMS is still making it
		}
		return kmstest.Answer{Status: 200, Body: `{"KeyMetadata":` + mrkMetadata(regionOfARN(arn), state, "eu-west-1", "ap-southeast-2") + `}`}
	})
	answerParams(t, f)

	var created []string
	var progress strings.Builder
	p, err := kmsimport.Prepare(context.Background(), f.client(t), kmsimport.PrepareRequest{
		Create: &kmsimport.CreateKeyRequest{KeySpec: "SYMMETRIC_DEFAULT", Description: "payments", MultiRegion: true,
			ReplicaRegions: []string{"eu-west-1", "ap-southeast-2"}, Tags: []kmsimport.Tag{{Key: "team", Value: "payments"}}},
		WrappingKeySpec: "RSA_2048", Rate: 1000, ReplicaPoll: time.Millisecond, Progress: &progress,
		Created: func(k kmsimport.KeyInfo) { created = append(created, k.ARN) },
	})
	require.NoError(t, err)
	want := []string{mrkARN("us-east-1"), mrkARN("eu-west-1"), mrkARN("ap-southeast-2")}
	require.Equal(t, want, created)

	var got []string
	for _, r := range f.Requests() {
		id := r.Body["KeyId"]
		if r.Op == "ReplicateKey" {
			id = fmt.Sprint(id, " to ", r.Body["ReplicaRegion"])
		}
		got = append(got, fmt.Sprintf("%s %s %v", r.Region, r.Op, id))
	}
	require.Equal(t, []string{
		"us-east-1 CreateKey <nil>",
		"us-east-1 ReplicateKey " + mrkARN("us-east-1") + " to eu-west-1",
		"us-east-1 ReplicateKey " + mrkARN("us-east-1") + " to ap-southeast-2",
		"eu-west-1 DescribeKey " + mrkARN("eu-west-1"),
		"eu-west-1 DescribeKey " + mrkARN("eu-west-1"),
		"ap-southeast-2 DescribeKey " + mrkARN("ap-southeast-2"),
		"us-east-1 DescribeKey " + mrkARN("us-east-1"),
		"us-east-1 ListKeyRotations " + mrkARN("us-east-1"), // what the import will be (Situation)
		"eu-west-1 DescribeKey " + mrkARN("eu-west-1"),
		"eu-west-1 ListKeyRotations " + mrkARN("eu-west-1"),
		"ap-southeast-2 DescribeKey " + mrkARN("ap-southeast-2"),
		"ap-southeast-2 ListKeyRotations " + mrkARN("ap-southeast-2"),
		"us-east-1 GetParametersForImport " + mrkARN("us-east-1"),
		"eu-west-1 GetParametersForImport " + mrkARN("eu-west-1"),
		"ap-southeast-2 GetParametersForImport " + mrkARN("ap-southeast-2"),
	}, got)
	create := f.bodies("CreateKey")[0]
	require.Equal(t, true, create["MultiRegion"])
	rep := f.bodies("ReplicateKey")[0]
	require.Equal(t, "payments", rep["Description"])
	require.Equal(t, []any{map[string]any{"TagKey": "team", "TagValue": "payments"}}, rep["Tags"])
	require.Contains(t, progress.String(), mrkARN("eu-west-1")+" is Creating: waiting")

	require.Len(t, p.Entries, 3)
	for i, e := range p.Entries {
		require.Equal(t, want[i], e.KeyARN)
		require.Equal(t, regionOfARN(want[i]), e.Region)
		require.True(t, e.MultiRegion)
		role := "REPLICA"
		if i == 0 {
			role = "PRIMARY"
		}
		require.Equal(t, role, e.MultiRegionRole)
		require.Equal(t, "token "+want[i], string(e.ImportToken))
	}
}

// A replica still Creating when the wait is over fails the prepare, after
// the keys were reported created (the CLI then names them to continue with).
func TestPrepareReplicaStillCreating(t *testing.T) {
	f := newFake(t)
	f.on("CreateKey", 200, `{"KeyMetadata":`+mrkMetadata("us-east-1", "PendingImport")+`}`)
	f.on("ReplicateKey", 200, `{"ReplicaKeyMetadata":`+mrkMetadata("eu-west-1", "Creating")+`}`)
	f.on("DescribeKey", 200, `{"KeyMetadata":`+mrkMetadata("eu-west-1", "Creating")+`}`)
	var created []string
	_, err := kmsimport.Prepare(context.Background(), f.client(t), kmsimport.PrepareRequest{
		Create:          &kmsimport.CreateKeyRequest{KeySpec: "SYMMETRIC_DEFAULT", Description: "d", MultiRegion: true, ReplicaRegions: []string{"eu-west-1"}},
		WrappingKeySpec: "RSA_2048", Rate: 1000, ReplicaPoll: time.Millisecond, ReplicaWait: 20 * time.Millisecond,
		Created: func(k kmsimport.KeyInfo) { created = append(created, k.ARN) },
	})
	require.ErrorIs(t, err, kmsimport.ErrKeyNotImportable)
	require.ErrorContains(t, err, "still Creating after 20ms")
	require.Equal(t, []string{mrkARN("us-east-1"), mrkARN("eu-west-1")}, created)
	require.Zero(t, f.Count("GetParametersForImport"))
}

// A replica Region that is the client's own is refused before any request.
func TestPrepareRefusesReplicaInPrimaryRegion(t *testing.T) {
	f := newFake(t)
	_, err := kmsimport.Prepare(context.Background(), f.client(t), kmsimport.PrepareRequest{
		Create: &kmsimport.CreateKeyRequest{KeySpec: "SYMMETRIC_DEFAULT", Description: "d", MultiRegion: true, ReplicaRegions: []string{"us-east-1"}},
		Rate:   1000,
	})
	require.ErrorIs(t, err, kmsimport.ErrUsage)
	require.ErrorContains(t, err, "--replica-region us-east-1 is the Region the primary is created in")
	require.Zero(t, f.Count(""))
}
