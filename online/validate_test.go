package online

import (
	"context"
	"testing"

	"github.com/airwrap/airwrap/internal/clikit"
	"github.com/airwrap/airwrap/kmsimport"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func noClient(t *testing.T) Client {
	return func() (kmsimport.API, error) {
		require.FailNow(t, "a KMS client was built although the request is invalid")
		return nil, nil
	}
}

// The request types validate themselves, every problem at once, before any
// file is read or KMS client built; choices are bad usage (exit 2).
func TestRequestsValidate(t *testing.T) {
	for _, c := range []struct {
		name string
		err  error
		want string
	}{
		{"prepare: nothing", PrepareRequest{SignKey: "a", SignKMSKey: "b", Client: noClient(t)}.Validate(),
			"--out is required\nname the keys with --key-id or --keys-file, or --create one\n--sign-key and --sign-kms-key exclude each other: sign with one key"},
		{"prepare: --create", PrepareRequest{Out: "p.json", Params: kmsimport.PrepareRequest{Create: &kmsimport.CreateKeyRequest{}}}.CheckUsage(),
			"--create needs --key-spec\n--create needs --description"},
		{"submit: nothing", SubmitRequest{Client: noClient(t)}.Validate(),
			"--trust is required (the PEM from `airwrap signer export`)\n--params is required (the parameters file the bundle answers); without it pass --no-params-check\n--threshold 0: want a whole number of at least 1"},
		{"submit: both", SubmitRequest{TrustFiles: []string{"t.pem"}, Threshold: 1, ParamsPath: "p.json", NoParamsCheck: true}.Validate(),
			"--params and --no-params-check exclude each other"},
		{"status: neither", StatusRequest{}.Validate(), "give a BUNDLE or --key-id"},
		{"status: both", StatusRequest{Path: "b.json", KeyIDs: []string{"k"}}.Validate(), "give a BUNDLE or --key-id, not both"},
	} {
		if assert.Error(t, c.err, "%s: %v (usage %v), want usage error\n%s", c.name, c.err, clikit.IsUsage(c.err), c.want) {
			assert.Equal(t, c.want, c.err.Error(), "%s: %v (usage %v), want usage error\n%s", c.name, c.err, clikit.IsUsage(c.err), c.want)
			assert.True(t, clikit.IsUsage(c.err), "%s: %v (usage %v), want usage error\n%s", c.name, c.err, clikit.IsUsage(c.err), c.want)
		}
	}
	// The same through the workflows: nothing is read, no client is built.
	_, err := Submit(context.Background(), SubmitRequest{Client: noClient(t)})
	assert.True(t, clikit.IsUsage(err), "Submit: %v", err)
	_, err = Prepare(context.Background(), PrepareRequest{Client: noClient(t)})
	if assert.True(t, clikit.IsUsage(err), "Prepare: %v", err) {
		assert.ErrorIs(t, err, kmsimport.ErrUsage, "Prepare: %v", err)
	}
	_, err = Status(context.Background(), StatusRequest{Client: noClient(t)})
	assert.True(t, clikit.IsUsage(err), "Status: %v", err)
	err = (OpenRequest{}).Validate()
	if assert.ErrorIs(t, err, ErrNoParams, "OpenRequest: %v", err) {
		assert.ErrorIs(t, err, ErrNoTrust, "OpenRequest: %v", err)
	}
}
