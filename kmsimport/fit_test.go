package kmsimport_test

import (
	"errors"
	"testing"

	"github.com/airwrap/airwrap/kmsimport"
	"github.com/airwrap/airwrap/verify"
)

func TestChooseAlgorithm(t *testing.T) {
	cases := []struct {
		spec, alg, wks, want string
		err                  error
	}{
		{"SYMMETRIC_DEFAULT", "", "RSA_4096", verify.RSAESOAEPSHA256, nil},
		{"HMAC_512", "", "RSA_2048", verify.RSAESOAEPSHA256, nil},
		{"RSA_4096", "", "RSA_2048", verify.RSAAESKeyWrapSHA256, nil},
		{"ECC_NIST_P521", "", "RSA_2048", verify.RSAAESKeyWrapSHA256, nil},
		{"ECC_NIST_P521", verify.RSAESOAEPSHA256, "RSA_2048", "", verify.ErrMaterialTooLarge},
		{"ECC_NIST_P521", verify.RSAESOAEPSHA1, "RSA_2048", "", verify.ErrMaterialTooLarge},
		{"ECC_NIST_P521", verify.RSAESOAEPSHA256, "RSA_3072", verify.RSAESOAEPSHA256, nil},
		{"ECC_NIST_P384", verify.RSAESOAEPSHA256, "RSA_2048", verify.RSAESOAEPSHA256, nil},
		{"RSA_2048", verify.RSAESOAEPSHA256, "RSA_4096", "", verify.ErrAlgorithmNotAllowed},
		{"SYMMETRIC_DEFAULT", verify.RSAAESKeyWrapSHA256, "RSA_4096", "", verify.ErrAlgorithmNotAllowed},
		{"SYMMETRIC_DEFAULT", "RSAES_PKCS1_V1_5", "RSA_4096", "", verify.ErrWrappingAlgorithm},
		{"ML_DSA_44", "", "RSA_4096", "", verify.ErrKeySpec},
		{"SYMMETRIC_DEFAULT", verify.RSAESOAEPSHA1, "RSA_1024", "", verify.ErrWrappingKey},
	}
	for _, c := range cases {
		got, err := kmsimport.ChooseAlgorithm(c.spec, c.alg, c.wks)
		if c.err != nil {
			if !errors.Is(err, c.err) {
				t.Errorf("%s %q %s: error %v, want %v", c.spec, c.alg, c.wks, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%s %q %s: %q, %v; want %q", c.spec, c.alg, c.wks, got, err, c.want)
		}
	}
}

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
