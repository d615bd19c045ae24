package report

import (
	"regexp"
	"strings"
	"sync"
)

// blockStart matches a line that opens a new markdown block rather than
// continuing a paragraph: list items, headings, quotes, fences, tables,
// rules, HTML.
var blockStart = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(?:[-*+]\s|\d{1,3}[.)]\s|#{1,6}(?:\s|$)|>|\x60\x60\x60|~~~|\||<|(?:-{3,}|\*{3,}|_{3,})\s*$)`)
})

// joinSoftBreaks turns the soft line breaks inside paragraphs into spaces.
// Glamour keeps a paragraph's own line breaks inside list items, so text
// written at 76 columns came out ragged in a 58-column terminal: each
// source line wrapped, then broke again where the source did. Joined, the
// renderer wraps each paragraph once, at the terminal's width. Code blocks
// and hard breaks (two trailing spaces, a backslash) are left alone.
func joinSoftBreaks(md string) string {
	lines := strings.Split(md, "\n")
	out := make([]string, 0, len(lines))
	inFence := false
	for i := 0; i < len(lines); i++ {
		ln := lines[i]
		trimmed := strings.TrimSpace(ln)
		if strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~") {
			inFence = !inFence
			out = append(out, ln)
			continue
		}
		if inFence || trimmed == "" || strings.HasPrefix(trimmed, "#") || strings.HasPrefix(trimmed, "|") {
			out = append(out, ln)
			continue
		}
		for i+1 < len(lines) {
			next := strings.TrimSpace(lines[i+1])
			if next == "" || blockStart().MatchString(next) ||
				strings.HasSuffix(ln, "  ") || strings.HasSuffix(ln, "\\") {
				break
			}
			ln = strings.TrimRight(ln, " ") + " " + next
			i++
		}
		out = append(out, ln)
	}
	return strings.Join(out, "\n")
}

// nbHyphen and nbDot stand in for a hyphen and a dot that must not end a
// line while the renderer wraps (U+2011 and U+2024, one cell wide like "-"
// and "."); Markdown turns them back, so that what the reader copies is
// the real command or name.
const (
	nbHyphen = '\u2011'
	nbDot    = '\u2024'
)

// keepWhole keeps words whole through the renderer's wrap, which breaks
// list text after any "-" or "." ("read -" / "rs", "host.docker." /
// "internal"): the hyphens inside code spans, and the hyphens and dots
// inside words and flags of the prose, are swapped for nbHyphen and nbDot.
// Fenced code is left alone (it is not wrapped), and so are tables.
// URLs are kept whole too: the renderer linked them, and then broke a link
// after a dot at the line's end ("https://aistudio.google." / "com/apikey")
// and took a closing parenthesis into it ("(https://…/apikey)" linked to
// ".../apikey)"). A URL is plain text now; terminals find it themselves.
func keepWhole(md string) string {
	if !strings.ContainsAny(md, "-.") {
		return md
	}
	lines := strings.Split(md, "\n")
	inFence := false
	for i, ln := range lines {
		trimmed := strings.TrimSpace(ln)
		if strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~") {
			inFence = !inFence
			continue
		}
		if inFence || !strings.ContainsAny(ln, "-.") || strings.HasPrefix(trimmed, "|") {
			continue
		}
		lines[i] = protectLine(ln)
	}
	return strings.Join(lines, "\n")
}

func protectLine(ln string) string {
	var b strings.Builder
	rest := ln
	for {
		start := strings.IndexByte(rest, '`')
		if start < 0 {
			b.WriteString(protectProse(rest))
			break
		}
		b.WriteString(protectProse(rest[:start]))
		rest = rest[start:]
		n := len(rest) - len(strings.TrimLeft(rest, "`"))
		fence := rest[:n]
		end := strings.Index(rest[n:], fence)
		if end < 0 { // an unclosed run of backticks is literal text
			b.WriteString(fence)
			rest = rest[n:]
			continue
		}
		b.WriteString(fence)
		b.WriteString(protectSpan(rest[n : n+end]))
		b.WriteString(fence)
		rest = rest[n+end+n:]
	}
	return b.String()
}

// protectSpan keeps a code span whole: its every hyphen, and each dot
// between two characters of a name, an address or a URL
// ("http://127.0.0.1:18080/v1" broke after "127.0.0." at 80 columns).
func protectSpan(s string) string {
	s = strings.ReplaceAll(s, "-", string(nbHyphen))
	if !strings.Contains(s, ".") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '.' && i > 0 && i < len(s)-1 && wordByte(s[i-1]) && wordByte(s[i+1]) {
			b.WriteRune(nbDot)
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// protectProse keeps the words of a stretch of prose whole: a flag's
// hyphens ("-rs", "--env-file") and the hyphens and dots between two
// characters of a name ("key-hygiene", "host.docker.internal") or of a
// URL. A list marker ("- "), a rule and a sentence's full stop stay as
// they are.
func protectProse(s string) string {
	if !strings.ContainsAny(s, "-.") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, tok := range strings.SplitAfter(s, " ") {
		word := strings.TrimRight(tok, " ")
		if !strings.ContainsAny(word, "-.") {
			b.WriteString(tok)
			continue
		}
		flag := len(word) > 1 && word[0] == '-' && (wordByte(word[1]) || len(word) > 2 && word[1] == '-' && wordByte(word[2]))
		for i := 0; i < len(word); i++ {
			c := word[i]
			inner := i > 0 && i < len(word)-1 && wordByte(word[i-1]) && wordByte(word[i+1])
			switch {
			case c == '-' && (flag || inner):
				b.WriteRune(nbHyphen)
			case c == '.' && inner:
				b.WriteRune(nbDot)
			default:
				b.WriteByte(c)
			}
		}
		b.WriteString(tok[len(word):])
	}
	return b.String()
}

// wordByte is a byte that belongs to a name: a letter, a digit, "_", or
// any byte of a non-ASCII character.
func wordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c >= 0x80
}
