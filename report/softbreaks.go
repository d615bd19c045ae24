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
