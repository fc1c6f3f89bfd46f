package main

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/urfave/cli/v2"
)

// --json output: a hostile string (an escape sequence, a bidi override, a
// line separator) reaches the terminal only as \u escapes, and the output is
// still JSON that decodes to the same string.
func TestEmitJSONEscapes(t *testing.T) {
	hostile := "evil\x1b[31mred\u202eltr\u2028line\U0001F600"
	var stdout bytes.Buffer
	app := &cli.App{
		Writer: &stdout,
		Flags:  []cli.Flag{&cli.BoolFlag{Name: "json"}},
		Action: func(c *cli.Context) error {
			return emit(c, map[string]string{"description": hostile}, nil)
		},
	}
	require.NoError(t, app.Run([]string{"airwrap-online", "--json"}))
	out := stdout.String()
	for _, raw := range []string{"\x1b", "\u202e", "\u2028"} {
		require.NotContains(t, out, raw, "raw %q in JSON output: %s", raw, out)
	}
	require.Contains(t, out, `\u001b[31mred\u202eltr\u2028line`, "output: %s", out)
	var back map[string]string
	err := json.Unmarshal(stdout.Bytes(), &back)
	require.NoError(t, err, "not the same JSON: %v %q", err, back["description"])
	require.Equal(t, hostile, back["description"], "not the same JSON: %v %q", err, back["description"])
}
