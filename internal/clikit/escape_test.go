package clikit

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEscape(t *testing.T) {
	for in, want := range map[string]string{
		"plain label":        "plain label",
		"a\x1b[2Jb":          `a\x1b[2Jb`,
		"line\nbreak\ttab\r": `line\nbreak\ttab\r`,
		"rtl\u202eoverride":  `rtl\u202eoverride`,
		"zero\u200bwidth":    `zero\u200bwidth`,
		"café Ünïcode":       "café Ünïcode",
		"del\x7f":            `del\x7f`,
		"bad\xffutf8":        `bad\ufffdutf8`,
		"c1\u009bcontrol":    `c1\u009bcontrol`,
		`back\slash`:         `back\slash`,
	} {
		got := Escape(in)
		assert.Equal(t, want, got, "escape(%q) = %s, want %s", in, got, want)
	}
}

func TestEscapeJSONKeepsJSON(t *testing.T) {
	in := map[string]string{"label": "a\u202eb\u2066c\U000e0001d é"}
	b, _ := json.Marshal(in)
	out := EscapeJSON(b)
	var back map[string]string
	err := json.Unmarshal(out, &back)
	require.NoError(t, err, "escapeJSON changed the value: %s (%v)", out, err)
	require.Equal(t, in["label"], back["label"], "escapeJSON changed the value: %s (%v)", out, err)
	require.Equal(t, `{"label":"a\u202eb\u2066c\udb40\udc01d é"}`, string(out), "escapeJSON = %s", out)
}

// Field escapes the name as well as the value: a name may be data, such as a
// KeyMaterialId a KMS endpoint sent. One line out, whatever comes in.
func TestFieldEscapesNameAndValue(t *testing.T) {
	var b bytes.Buffer
	Field(&b, 2, "material evil\x1b[2J\nline2", "CURRENT\u202e\r\nline3")
	want := `  material evil\x1b[2J\nline2: CURRENT\u202e\r\nline3` + "\n"
	require.Equal(t, want, b.String(), "Field wrote %q, want %q", b.String(), want)
}
