package kmsimport_test

import (
	"errors"
	"testing"

	"github.com/airwrap/airwrap/kmsimport"
)

func TestParseRate(t *testing.T) {
	for in, want := range map[string]float64{"1": 1, "1/s": 1, "0.5/s": 0.5, "30/m": 0.5, " 2/s ": 2} {
		if got, err := kmsimport.ParseRate(in); err != nil || got != want {
			t.Errorf("ParseRate(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "-1/s", "1/h", "x/s", "NaN"} {
		if _, err := kmsimport.ParseRate(in); !errors.Is(err, kmsimport.ErrUsage) {
			t.Errorf("ParseRate(%q): error %v, want ErrUsage", in, err)
		}
	}
}
