package kmsimport_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/airwrap/airwrap/internal/testkit/kmstest"
	"github.com/airwrap/airwrap/kmsimport"
	"github.com/stretchr/testify/require"
)

// status of a multi-Region key asked for by one ARN shows every Region
// (DescribeKey's MultiRegionConfiguration), each asked in its own Region;
// --fail-within covers a replica whose material expires sooner.
func TestStatusShowsEveryRegionOfAMultiRegionKey(t *testing.T) {
	f := newFake(t)
	now := time.Now()
	f.OnFunc("DescribeKey", func(body map[string]any) kmstest.Answer {
		arn := fmt.Sprint(body["KeyId"])
		return kmstest.Answer{Status: 200, Body: `{"KeyMetadata":` + mrkMetadata(regionOfARN(arn), "Enabled", "eu-west-1", "ap-southeast-2") + `}`}
	})
	f.OnFunc("ListKeyRotations", func(body map[string]any) kmstest.Answer {
		days := 300
		if regionOfARN(fmt.Sprint(body["KeyId"])) == "ap-southeast-2" {
			days = 10 // this Region's import expires sooner
		}
		return kmstest.Answer{Status: 200, Body: fmt.Sprintf(`{"Rotations":[{"KeyId":%q,"KeyMaterialId":%q,"KeyMaterialState":"CURRENT","ImportState":"IMPORTED","ExpirationModel":"KEY_MATERIAL_EXPIRES","ValidTo":%d}],"Truncated":false}`,
			body["KeyId"], matID, now.Add(time.Duration(days)*24*time.Hour).Unix())}
	})
	st, err := kmsimport.Status(context.Background(), f.client(t), []string{mrkARN("eu-west-1")}, now)
	require.NoError(t, err)
	var got []string
	for _, k := range st {
		got = append(got, k.ARN+" "+k.MultiRegionRole)
	}
	require.Equal(t, []string{mrkARN("eu-west-1") + " REPLICA", mrkARN("us-east-1") + " PRIMARY", mrkARN("ap-southeast-2") + " REPLICA"}, got)
	var regions []string
	for _, r := range f.Requests() {
		regions = append(regions, r.Op+" "+r.Region)
	}
	require.Equal(t, []string{
		"DescribeKey eu-west-1", "ListKeyRotations eu-west-1",
		"DescribeKey us-east-1", "ListKeyRotations us-east-1",
		"DescribeKey ap-southeast-2", "ListKeyRotations ap-southeast-2",
	}, regions)
	exp := kmsimport.ExpiringWithin(st, 30, now)
	require.Len(t, exp, 1)
	require.Equal(t, mrkARN("ap-southeast-2"), exp[0].KeyARN)
}
