package kmsimport_test

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/airwrap/airwrap/kmsimport"
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
	if err != nil {
		t.Fatal(err)
	}
	got, err := kmsimport.ParseReceipt(b)
	if err != nil || !reflect.DeepEqual(got, rc) {
		t.Fatalf("round trip: %+v, %v", got, err)
	}
	if e, ok := got.Entry(rc.Entries[0].KeyARN); !ok || e.KeyMaterialID != matID {
		t.Fatalf("Entry: %+v %v", e, ok)
	}
	for name, bad := range map[string]string{
		"unknown field": `{"type":"airwrap/receipt/v1","entries":[],"extra":1}`,
		"wrong type":    `{"type":"airwrap/other","entries":[]}`,
		"trailing data": `{"type":"airwrap/receipt/v1","entries":[]} {}`,
		"not json":      `receipt`,
	} {
		if _, err := kmsimport.ParseReceipt([]byte(bad)); !errors.Is(err, kmsimport.ErrUsage) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func FuzzParseReceipt(f *testing.F) {
	b, err := kmsimport.MarshalReceipt(sampleReceipt())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(`{"type":"airwrap/receipt/v1","entries":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		rc, err := kmsimport.ParseReceipt(data)
		if err != nil {
			return
		}
		out, err := kmsimport.MarshalReceipt(rc)
		if err != nil {
			t.Fatalf("marshal of a parsed receipt: %v", err)
		}
		again, err := kmsimport.ParseReceipt(out)
		if err != nil {
			t.Fatalf("re-parse: %v", err)
		}
		out2, err := kmsimport.MarshalReceipt(again)
		if err != nil || string(out2) != string(out) {
			t.Fatalf("marshal is not stable: %v\n%s\n%s", err, out, out2)
		}
	})
}
