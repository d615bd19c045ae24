package report

import (
	"regexp"
	"strings"
)

// blockStart matches a line that opens a new markdown block rather than
// continuing a paragraph: list items, headings, quotes, fences, tables,
// rules, HTML.
var blockStart = regexp.MustCompile(`^(?:[-*+]\s|\d{1,3}[.)]\s|#{1,6}(?:\s|$)|>|\x60\x60\x60|~~~|\||<|(?:-{3,}|\*{3,}|_{3,})\s*$)`)

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
			if next == "" || blockStart.MatchString(next) ||
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

// nbHyphen stands in for a hyphen that must not end a line while the
// renderer wraps (U+2011, one cell wide like "-"); Markdown turns it back
// into "-" so that what the reader copies is the real command.
const nbHyphen = '\u2011'

// flag matches a command-line flag standing alone in prose: "-rs",
// "--env-file" (not a list marker, a rule or a dash between words).
var flag = regexp.MustCompile(`(^|[\s(])(-{1,2}[A-Za-z0-9][A-Za-z0-9_=.-]*)`)

// keepHyphens swaps the hyphens inside code spans and flags for nbHyphen,
// so the renderer (which breaks list text at "-") never splits `read -rs`
// into "read -" and "rs". Fenced code is left alone: it is not wrapped.
func keepHyphens(md string) string {
	if !strings.Contains(md, "-") {
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
		if inFence || !strings.Contains(ln, "-") {
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
			b.WriteString(protectFlags(rest))
			break
		}
		b.WriteString(protectFlags(rest[:start]))
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
		b.WriteString(strings.ReplaceAll(rest[n:n+end], "-", string(nbHyphen)))
		b.WriteString(fence)
		rest = rest[n+end+n:]
	}
	return b.String()
}

func protectFlags(s string) string {
	if !strings.Contains(s, "-") {
		return s
	}
	return flag.ReplaceAllStringFunc(s, func(m string) string {
		i := strings.IndexByte(m, '-')
		return m[:i] + strings.ReplaceAll(m[i:], "-", string(nbHyphen))
	})
}
