package kmsimport

import (
	"reflect"
	"strings"

	"github.com/airwrap/airwrap/bundle"
)

// receiptShape names every key a receipt may hold, from the struct tags.
var receiptShape = map[string][]string{
	"":                   jsonNames(reflect.TypeOf(Receipt{})),
	"entries[]":          jsonNames(reflect.TypeOf(ReceiptEntry{})),
	"entries[].rotation": jsonNames(reflect.TypeOf(Rotation{})),
}

func jsonNames(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		out = append(out, name)
	}
	return out
}

// checkReceiptShape refuses what encoding/json would let through in a
// receipt from hostile media: duplicate keys (it keeps the last), names in
// another case (it matches them case-insensitively), deep nesting, trailing
// data, invalid UTF-8, and files over bundle.MaxFileSize.
func checkReceiptShape(data []byte) error {
	return bundle.CheckStrictJSON(data, 4, receiptShape)
}
