package kmsimport_test

import (
	"testing"
	"time"

	"github.com/airwrap/airwrap/kmsimport"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func sampleReceipt() *kmsimport.Receipt {
	t0 := time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC)
	return &kmsimport.Receipt{
		Type: kmsimport.ReceiptType, BundleSHA256: "ab", ParamsSHA256: "cd", StartedAt: t0, FinishedAt: t0.Add(time.Second),
		Entries: []kmsimport.ReceiptEntry{
			{KeyARN: "arn:aws:kms:eu-west-2:111122223333:key/k", Outcome: kmsimport.OutcomeImported, StateBefore: "PendingImport", KeyMaterialID: matID, RequestID: "r-1", Time: t0},
			{KeyARN: "arn:aws:kms:eu-west-2:111122223333:key/k", Outcome: kmsimport.OutcomeFailed, Time: t0, Error: "e"},
		},
	}
}

func TestReceiptRoundTrip(t *testing.T) {
	rc := sampleReceipt()
	b, err := kmsimport.MarshalReceipt(rc)
	require.NoError(t, err)
	got, err := kmsimport.ParseReceipt(b)
	require.NoError(t, err, "round trip: %+v, %v", got, err)
	require.Equal(t, rc, got, "round trip: %+v, %v", got, err)
	e, ok := got.Entry(rc.Entries[0].KeyARN)
	require.True(t, ok, "Entry: %+v %v", e, ok)
	require.Equal(t, matID, e.KeyMaterialID, "Entry: %+v %v", e, ok)
	for name, bad := range map[string]string{
		"unknown field": `{"type":"airwrap/receipt/v1","entries":[],"extra":1}`,
		"wrong type":    `{"type":"airwrap/other","entries":[]}`,
		"trailing data": `{"type":"airwrap/receipt/v1","entries":[]} {}`,
		"not json":      `receipt`,
	} {
		_, err := kmsimport.ParseReceipt([]byte(bad))
		assert.ErrorIs(t, err, kmsimport.ErrUsage, "%s: %v", name, err)
	}
}

func FuzzParseReceipt(f *testing.F) {
	b, err := kmsimport.MarshalReceipt(sampleReceipt())
	require.NoError(f, err)
	f.Add(b)
	f.Add([]byte(`{"type":"airwrap/receipt/v1","entries":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		rc, err := kmsimport.ParseReceipt(data)
		if err != nil {
			return
		}
		out, err := kmsimport.MarshalReceipt(rc)
		require.NoError(t, err, "marshal of a parsed receipt")
		again, err := kmsimport.ParseReceipt(out)
		require.NoError(t, err, "re-parse")
		out2, err := kmsimport.MarshalReceipt(again)
		require.NoError(t, err, "marshal is not stable: %v\n%s\n%s", err, out, out2)
		require.Equal(t, string(out), string(out2), "marshal is not stable: %v\n%s\n%s", err, out, out2)
	})
}
