package clikit

import (
	"fmt"
	"io"
	"strings"
)

// ReportError writes err in a tool's voice: one "PROG: error: LINE" per line
// of its message, escaped; for a usage error also the hint to read --help.
// It reports whether err was a usage error, after which no other hint applies.
func ReportError(w io.Writer, prog string, err error) (usage bool) {
	for _, line := range strings.Split(err.Error(), "\n") {
		if line != "" {
			fmt.Fprintf(w, "%s: error: %s\n", prog, Escape(line))
		}
	}
	if !IsUsage(err) {
		return false
	}
	Hint(w, prog, fmt.Sprintf("run `%s --help`, or `%s COMMAND --help`", prog, prog))
	return true
}

// Hint writes "PROG: hint: TEXT", escaped (hints may quote data).
func Hint(w io.Writer, prog, text string) {
	fmt.Fprintf(w, "%s: hint: %s\n", prog, Escape(text))
}
