package checks

import (
	"strings"
	"unicode/utf8"
)

// IsControl reports whether r is a control character that text from
// outside (a server's body or headers, a paste, a file, an environment
// value) must not carry to a terminal: every C0 control but newline and
// tab, DEL, and every C1 control (U+0080–U+009F; U+009B is a one-byte CSI
// to terminals that honour 8-bit controls).
func IsControl(r rune) bool {
	return r < 0x20 && r != '\n' && r != '\t' || r >= 0x7f && r <= 0x9f
}

// StripControls removes the control characters IsControl names and
// replaces invalid UTF-8 with U+FFFD (a lone byte 0x80–0x9F is a C1
// control to an 8-bit terminal). Text without either comes back as is.
func StripControls(s string) string {
	return strip(s, IsControl)
}

// StripControlsKeepEscapes is StripControls for text a renderer has
// already styled: its own ESC sequences (and the BEL that ends an OSC 8
// link) stay, C1 controls and every other C0 control go. Text from outside
// must have been through StripControls before it was styled.
func StripControlsKeepEscapes(s string) string {
	return strip(s, func(r rune) bool { return r != 0x1b && r != 0x07 && IsControl(r) })
}

func strip(s string, drop func(rune) bool) string {
	clean := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f || c >= 0x80 {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	if utf8.ValidString(s) && strings.IndexFunc(s, drop) < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteRune(utf8.RuneError)
		case !drop(r):
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// Clean is text from outside made fit to show: control characters
// stripped, then secrets masked.
func (r *Redactor) Clean(s string) string { return r.Redact(StripControls(s)) }
