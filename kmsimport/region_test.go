package kmsimport_test

import (
	"context"
	"testing"

	"github.com/airwrap/airwrap/kmsimport"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/stretchr/testify/require"
)

// Every call through ForKey is signed for the Region of the key's ARN; a
// bare key id keeps the client's Region (us-east-1 in newFake).
func TestForKeySignsForTheARNsRegion(t *testing.T) {
	f := newFake(t)
	f.On("DescribeKey", 200, `{"KeyMetadata":{"KeyId":"mrk-1234abcd12ab34cd56ef1234567890ab","Arn":"arn:aws:kms:ap-southeast-2:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab"}}`)
	api := f.client(t)
	ctx := context.Background()
	for _, id := range []string{"arn:aws:kms:ap-southeast-2:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab", "mrk-1234abcd12ab34cd56ef1234567890ab"} {
		_, err := kmsimport.ForKey(api, id).DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(id)})
		require.NoError(t, err)
	}
	// InRegion of an InRegion: the last Region wins, not a stack of options.
	_, err := kmsimport.InRegion(kmsimport.InRegion(api, "eu-west-1"), "sa-east-1").DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("mrk-1234abcd12ab34cd56ef1234567890ab")})
	require.NoError(t, err)
	var got []string
	for _, r := range f.Requests() {
		got = append(got, r.Region)
	}
	require.Equal(t, []string{"ap-southeast-2", "us-east-1", "sa-east-1"}, got)
}
