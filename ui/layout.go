package ui

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/unstuck-dev/unstuck/decisiontree"
)

// crumbSep joins the steps of the breadcrumb.
const crumbSep = " › "

// uiCrumbParts names the steps taken, oldest first, then the current one.
// A question is remembered by the answer given ("401 Unauthorized"), which
// says more than the question's title; other steps by their title. Untitled
// branch nodes are plumbing and left out.
func uiCrumbParts(path []decisiontree.Step, cur string) []string {
	var parts []string
	for _, s := range path {
		switch {
		case s.Node.Kind == decisiontree.Question && s.Answer != "":
			parts = append(parts, uiOneLine(s.Answer))
		case s.Node.Kind == decisiontree.Branch:
			continue // routing the user never saw: it would only crowd the line
		default:
			parts = append(parts, uiOneLine(s.Node.Label()))
		}
	}
	if cur != "" {
		parts = append(parts, uiOneLine(cur))
	}
	return parts
}

// uiBreadcrumb lays the parts out in width cells, dropping the oldest ones
// first (the step the user is on matters most) and marking the cut with "…".
func uiBreadcrumb(parts []string, width int, st *styles) string {
	if width <= 0 || len(parts) == 0 {
		return ""
	}
	cut := false
	plainWidth := func(ps []string) int {
		w := ansi.StringWidth(strings.Join(ps, crumbSep))
		if cut {
			w += ansi.StringWidth("…" + crumbSep)
		}
		return w
	}
	for len(parts) > 1 && plainWidth(parts) > width {
		parts = parts[1:]
		cut = true
	}
	last := len(parts) - 1
	var b strings.Builder
	if cut {
		b.WriteString(st.crumb.Render("…" + crumbSep))
	}
	for i, p := range parts {
		if i == last {
			room := width - ansi.StringWidth(ansi.Strip(b.String()))
			if room < 1 {
				room = 1
			}
			b.WriteString(st.crumbNow.Render(ansi.Truncate(p, room, "…")))
			break
		}
		b.WriteString(st.crumb.Render(p + crumbSep))
	}
	return b.String()
}

// uiOneLine folds whitespace so that a label never breaks the layout.
func uiOneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// uiWrap wraps text to width cells at spaces, breaking a word only when it
// is longer than a line (a URL). ansi.Wrap also breaks after every hyphen,
// which cuts a model ID, a header or a cause in two ("claude-" on one line,
// "sonnet-4-5" on the next) where a person copies it: hyphens go through
// it as U+2011 (a hyphen that does not break, as wide) and come back.
func uiWrap(s string, width int) []string {
	if s == "" {
		return nil
	}
	if width < 1 {
		width = 1
	}
	if !strings.Contains(s, "-") || strings.ContainsRune(s, nbHyphen) {
		return strings.Split(ansi.Wrap(s, width, ""), "\n")
	}
	held := strings.ReplaceAll(s, "-", string(nbHyphen))
	return strings.Split(strings.ReplaceAll(ansi.Wrap(held, width, ""), string(nbHyphen), "-"), "\n")
}

// nbHyphen is U+2011 NON-BREAKING HYPHEN.
const nbHyphen = '\u2011'

// uiFirstFit is the first of a view's variants, fullest first, that fits
// in h lines, else the last: a short screen gives up a
// box, a hint or a blank before it lets the text that matters be cut.
func uiFirstFit(h int, variants ...[]string) string {
	for _, v := range variants {
		if lipgloss.Height(strings.Join(v, "\n")) <= h {
			return strings.Join(v, "\n")
		}
	}
	return strings.Join(variants[len(variants)-1], "\n")
}

// uiFit makes s exactly h lines of at most w cells: long lines are cut with
// "…", missing lines are blank. Every screen's body goes through it, so no
// screen can push the help line off the bottom, whatever the size.
func uiFit(s string, w, h int) string {
	if h <= 0 {
		return ""
	}
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, ln := range lines {
		if ansi.StringWidth(ln) > w {
			lines[i] = ansi.Truncate(ln, max(w, 0), "…")
		}
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// uiClip cuts lines to w cells and keeps at most h lines, without padding.
func uiClip(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if h >= 0 && len(lines) > h {
		lines = lines[:h]
	}
	for i, ln := range lines {
		if ansi.StringWidth(ln) > w {
			lines[i] = ansi.Truncate(ln, max(w, 0), "…")
		}
	}
	return strings.Join(lines, "\n")
}
