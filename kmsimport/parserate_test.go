package kmsimport_test

import (
	"testing"

	"github.com/airwrap/airwrap/kmsimport"
	"github.com/stretchr/testify/assert"
)

func TestParseRate(t *testing.T) {
	for in, want := range map[string]float64{"1": 1, "1/s": 1, "0.5/s": 0.5, "30/m": 0.5, " 2/s ": 2} {
		got, err := kmsimport.ParseRate(in)
		if assert.NoError(t, err, "ParseRate(%q) = %v, %v; want %v", in, got, err, want) {
			assert.Equal(t, want, got, "ParseRate(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "-1/s", "1/h", "x/s", "NaN"} {
		_, err := kmsimport.ParseRate(in)
		assert.ErrorIs(t, err, kmsimport.ErrUsage, "ParseRate(%q): error %v, want ErrUsage", in, err)
	}
}
