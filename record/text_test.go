package record

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestShown(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"payments-2026", "payments-2026"},
		{"Zoë Ødegård", "Zoë Ødegård"},
		{"Ж", `"\u0416"`},
		{`"\u0416"`, `"\"\\u0416\""`}, // the six characters cannot pass for the letter
		{"a\u00a0b", `"a\u00a0b"`},    // a no-break space is not a space
		{"a\u00adb", `"a\u00adb"`},    // nor is the soft hyphen nothing
		{"a ", `"a "`},
		{"", `""`},
		{"evil\x1b[31m\u202e\nline", `"evil\x1b[31m\u202e\nline"`},
		{"\xff", `"\xff"`},
		{strings.Repeat("a", maxShown+5), strings.Repeat("a", maxShown) + " ... (5 more characters not shown)"},
	} {
		got := Shown(c.in)
		assert.Equal(t, c.want, got, "Shown(%q) = %s, want %s", c.in, got, c.want)
	}
}

// FuzzShown: whatever the input, the output is printable Latin-1 on one
// line, and (below the length cut) it is the input itself or a Go-quoted
// string that unquotes to exactly the input: two different strings are
// never shown alike.
func FuzzShown(f *testing.F) {
	for _, s := range []string{"", "a", "Ж", `"x"`, "a\u00a0b", "\x00\xff", "é\u202e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Shown(s)
		for _, r := range out {
			require.True(t, r >= 0x20 && r < 0x7f || r >= 0xa1 && r <= 0xff && r != 0xad, "Shown(%q) = %q holds %U", s, out, r)
		}
		if utf8.RuneCountInString(s) > maxShown {
			return
		}
		if strings.HasPrefix(out, `"`) {
			back, err := strconv.Unquote(out)
			require.NoError(t, err, "Shown(%q) = %s unquotes to %q, %v", s, out, back, err)
			require.Equal(t, s, back, "Shown(%q) = %s unquotes to %q, %v", s, out, back, err)
		} else {
			require.Equal(t, s, out, "Shown(%q) = %q", s, out)
		}
	})
}

// mdEscape leaves no character with an inline Markdown meaning bare.
func TestMarkdownEscape(t *testing.T) {
	got := mdEscape(`a|b*c_d[e](f)<g>!h~i&j#k` + "`" + `\`)
	want := `a\|b\*c\_d\[e\]\(f\)\<g\>\!h\~i\&j\#k` + "\\`" + `\\`
	require.Equal(t, want, got, "mdEscape = %s, want %s", got, want)
}
