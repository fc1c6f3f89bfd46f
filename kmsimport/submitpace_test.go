package kmsimport_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/airwrap/airwrap/kmsimport"
	"github.com/stretchr/testify/require"
)

// TestSubmitSaysHowLongPacingTakes: paced to a rate that makes the batch
// last a second or more, submit says how long before it starts; unpaced it
// does not. (Nothing here depends on how fast the machine is.)
func TestSubmitSaysHowLongPacingTakes(t *testing.T) {
	e := newEnv(t)
	_, pl := e.batch(t, 3)
	var progress bytes.Buffer
	rc, err := kmsimport.Submit(context.Background(), e.api, kmsimport.SubmitRequest{Payload: pl, BundleSHA256: "test", Rate: 2, Progress: &progress})
	require.NoError(t, err)
	got := strings.Join(outcomes(rc), ",")
	require.Equal(t, "imported,imported,imported", got, "outcomes %s", got)
	first, _, _ := strings.Cut(progress.String(), "\n")
	require.Equal(t, "importing 3 keys at 2/s: about 1s", first, "first progress line %q", first)
	progress.Reset()
	_, err = kmsimport.Submit(context.Background(), e.api, kmsimport.SubmitRequest{Payload: pl, BundleSHA256: "test", Rate: 1e6, Progress: &progress})
	require.NoError(t, err)
	require.NotContains(t, progress.String(), "importing 3 keys", "unpaced submit announced a wait:\n%s", progress.String())
}
