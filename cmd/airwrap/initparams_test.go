package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/airwrap/airwrap/softhsm-test/hsmtest"
	"github.com/stretchr/testify/require"
)

// TestModuleInitParams runs `airwrap hsm info` on NSS softokn, whose
// C_Initialize needs its database in pReserved: refused with a hint
// without --module-init-params, and with it (flag or environment) the
// self-test reports all four wrapping algorithms working with RFC 5649
// under CKM_AES_KEY_WRAP_KWP (0x210B), as they really do (hsm/crosstoken).
func TestModuleInitParams(t *testing.T) {
	nss := hsmtest.NSS(t)
	t.Setenv(envPIN, nss.PIN)
	t.Setenv(envInitParams, "")
	base := []string{"airwrap", "--module", nss.Module, "--token", nss.Label}

	var out, errOut bytes.Buffer
	code := run(append(base, "hsm", "info"), strings.NewReader(""), &out, &errOut)
	require.NotZero(t, code, "without init params: exit 0\n%s", out.String())
	require.Contains(t, errOut.String(), "--module-init-params", "without init params, no hint:\n%s", errOut.String())

	check := func(name string, args []string) {
		t.Helper()
		out.Reset()
		errOut.Reset()
		code := run(args, strings.NewReader(""), &out, &errOut)
		require.Zero(t, code, "%s: exit %d\n%s", name, code, errOut.String())
		for _, want := range []string{
			`RSAES_OAEP_SHA_1 +ok`, `RSAES_OAEP_SHA_256 +ok`,
			`RSA_AES_KEY_WRAP_SHA_1 +ok`, `RSA_AES_KEY_WRAP_SHA_256 +ok`,
			`AES key-wrap mechanism: .*0x210B`, `label: NSS Certificate DB`,
		} {
			require.True(t, regexp.MustCompile(want).MatchString(out.String()), "%s: no %q in\n%s", name, want, out.String())
		}
		require.NotContains(t, out.String(), nss.PIN, "%s: the PIN is in the output", name)
		require.NotContains(t, errOut.String(), nss.PIN, "%s: the PIN is in the output", name)
	}
	check("flag", append(append(base, "--module-init-params", nss.InitParams), "hsm", "info"))
	t.Setenv(envInitParams, nss.InitParams)
	check("environment", append(base, "hsm", "info"))
}
