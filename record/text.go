package record

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxShown bounds how many characters of one string from the bundle or the
// transcript the record prints; the rest is named, not shown (the files and
// their hashes in the record are the full truth).
const maxShown = 300

// Shown is how the record prints a string from a file: unchanged when every
// character is printable Latin-1 (what the PDF core fonts can draw) and the
// string could not be mistaken for an escaped one; otherwise Go-quoted with
// ASCII escapes (strconv.QuoteToASCII), so "\u0416" in the record can only
// mean the Cyrillic letter, never the six characters, and no control
// character, bidi override or invisible space reaches the page. Long strings
// are cut at maxShown characters with the remainder counted.
func Shown(s string) string {
	cut := ""
	if n := utf8.RuneCountInString(s); n > maxShown {
		i := 0
		for j := range s {
			if i == maxShown {
				s = s[:j]
				break
			}
			i++
		}
		cut = " ... (" + strconv.Itoa(n-maxShown) + " more characters not shown)"
	}
	if plain(s) {
		return s + cut
	}
	return strconv.QuoteToASCII(s) + cut
}

// plain reports whether s can be printed as is: printable ASCII or Latin-1
// letters and signs, no quote or backslash (which would make it look like a
// quoted string), no leading or trailing space, and not empty.
func plain(s string) bool {
	if s == "" || strings.TrimSpace(s) != s || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			return false
		case r >= 0x20 && r < 0x7f:
		case r >= 0xa1 && r <= 0xff && r != 0xad: // not NBSP or the soft hyphen: they look like nothing
		default:
			return false
		}
	}
	return true
}

// latin1 turns a Shown string (runes below U+0100 only) into the bytes the
// PDF core fonts expect. Anything else would be a bug in Shown; it becomes '?'.
func latin1(s string) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if r > 0xff {
			r = '?'
		}
		b = append(b, byte(r))
	}
	return string(b)
}

// mdEscape makes a Shown string literal inside a Markdown table cell: every
// character with an inline meaning in CommonMark or GitHub tables (emphasis,
// code, links, HTML, entities, strikethrough, the cell separator) is
// backslash-escaped. Shown strings hold no newline, so no block can start.
func mdEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\`*_[]()<>!|~&#", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
