package bundle

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCheckStrictJSON(t *testing.T) {
	known := map[string][]string{"": {"type", "entries"}, "entries[]": {"key_arn", "note"}}
	cases := []struct{ in, want string }{
		{`{"type":"x","entries":[{"key_arn":"a"},{"note":"n"}]}`, ""},
		{`{"type":"x","type":"y"}`, "type: duplicate key"},
		{`{"type":"x","entries":[{"key_arn":"a","key_arn":"b"}]}`, "entries[0].key_arn: duplicate key"},
		{`{"Type":"x"}`, `Type: unknown field (names are case-sensitive: did you mean "type"?)`},
		{`{"entries":[{"key_arn":"a","extra":1}],"more":2}`, "entries[0].extra: unknown field\nmore: unknown field"},
		{`{"entries":[{"note":{"a":{"b":1}}}]}`, "entries[0].note: nested deeper than this format allows (depth 3)"},
		{`[]`, "document: want object, got array"},
		{`{} {}`, "document: trailing data after the JSON value"},
		{"", "document: empty"},
		{"{\"type\":\"\xff\"}", "document: not valid UTF-8"},
	}
	for _, c := range cases {
		err := CheckStrictJSON([]byte(c.in), 3, known)
		got := ""
		if err != nil {
			got = err.Error()
			assert.ErrorIs(t, err, ErrMalformed, "%s: not ErrMalformed", c.in)
		}
		assert.Equal(t, c.want, got, "%s:\n got %q\nwant %q", c.in, got, c.want)
	}
}
