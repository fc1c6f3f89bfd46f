//go:build awse2e

package main

import (
	"context"
	"os"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/stretchr/testify/require"

	"github.com/airwrap/airwrap/kmsimport"
	"github.com/airwrap/airwrap/kmsrules"
)

// The opt-in test against a real AWS account (`make test-aws`; never in CI,
// which has no account). It runs runLifecycle, the same workflows
// TestLifecycleModel runs against the KMS model, through both binaries on a
// SoftHSM token, and schedules every key it created for deletion (7 days,
// the shortest KMS allows) however it ends. It creates 3 single-Region keys
// and one multi-Region key with two replicas: 6 KMS keys for a week.
//
//	AIRWRAP_E2E_AWS_PROFILE          the AWS profile to use (required)
//	AIRWRAP_E2E_AWS_REGION           the Region of the keys (required)
//	AIRWRAP_E2E_AWS_REPLICA_REGION   the replica's Region (required, not the same)
//	AIRWRAP_E2E_AWS_ADD_REGION       a third Region, for a replica added later (required)
//
// Built only with -tags awse2e, so it never skips: without the variables it fails.
const (
	envE2EProfile       = "AIRWRAP_E2E_AWS_PROFILE"
	envE2ERegion        = "AIRWRAP_E2E_AWS_REGION"
	envE2EReplicaRegion = "AIRWRAP_E2E_AWS_REPLICA_REGION"
	envE2EAddRegion     = "AIRWRAP_E2E_AWS_ADD_REGION"
)

func TestLifecycleAWS(t *testing.T) {
	profile, region, replica, add := os.Getenv(envE2EProfile), os.Getenv(envE2ERegion), os.Getenv(envE2EReplicaRegion), os.Getenv(envE2EAddRegion)
	require.NotEmpty(t, profile, "set %s to the AWS profile to run against", envE2EProfile)
	require.NotEmpty(t, region, "set %s to the Region of the keys", envE2ERegion)
	require.NotEmpty(t, replica, "set %s to a second Region, for the multi-Region replica", envE2EReplicaRegion)
	require.NotEmpty(t, add, "set %s to a third Region, for a replica added after the rotation", envE2EAddRegion)
	require.NotEqual(t, region, replica, "%s must differ from %s", envE2EReplicaRegion, envE2ERegion)
	require.NotContains(t, []string{region, replica}, add, "%s must differ from the other two", envE2EAddRegion)

	ctx := context.Background()
	api, err := kmsimport.NewClient(ctx, kmsimport.ClientOptions{Profile: profile, Region: region})
	require.NoError(t, err)
	var created []string
	t.Cleanup(func() {
		// Replicas before their primary: a primary waits for its replicas.
		slices.Reverse(created)
		for _, arn := range created {
			_, err := api.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: aws.String(arn), PendingWindowInDays: aws.Int32(7)}, func(o *kms.Options) {
				o.Region = regionOfARN(arn, region)
			})
			if err != nil {
				t.Errorf("schedule %s for deletion by hand: %v", arn, err)
			} else {
				t.Logf("scheduled for deletion in 7 days: %s", arn)
			}
		}
	})
	runLifecycle(t, kmsTarget{
		env:           []string{"AWS_PROFILE=" + profile, "AWS_REGION=" + region, "AWS_ENDPOINT_URL_KMS="},
		api:           api,
		replicaRegion: replica,
		addRegion:     add,
		expire:        nil, // KMS's clock cannot be moved: runLifecycle deletes the material instead
		created:       func(arn string) { created = append(created, arn) },
	})
}

func regionOfARN(arn, fallback string) string {
	if a, err := kmsrules.ParseARN(arn); err == nil {
		return a.Region
	}
	return fallback
}
