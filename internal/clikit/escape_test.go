package clikit

import (
	"bytes"
	"encoding/json"
	"testing"
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
		if got := Escape(in); got != want {
			t.Errorf("escape(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestEscapeJSONKeepsJSON(t *testing.T) {
	in := map[string]string{"label": "a\u202eb\u2066c\U000e0001d é"}
	b, _ := json.Marshal(in)
	out := EscapeJSON(b)
	var back map[string]string
	if err := json.Unmarshal(out, &back); err != nil || back["label"] != in["label"] {
		t.Fatalf("escapeJSON changed the value: %s (%v)", out, err)
	}
	if string(out) != `{"label":"a\u202eb\u2066c\udb40\udc01d é"}` {
		t.Fatalf("escapeJSON = %s", out)
	}
}

// Field escapes the name as well as the value: a name may be data, such as a
// KeyMaterialId a KMS endpoint sent. One line out, whatever comes in.
func TestFieldEscapesNameAndValue(t *testing.T) {
	var b bytes.Buffer
	Field(&b, 2, "material evil\x1b[2J\nline2", "CURRENT\u202e\r\nline3")
	if want := `  material evil\x1b[2J\nline2: CURRENT\u202e\r\nline3` + "\n"; b.String() != want {
		t.Fatalf("Field wrote %q, want %q", b.String(), want)
	}
}
