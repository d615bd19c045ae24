package ui

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/verdict"
)

// After the wizard quits, the alternate screen is gone and with it the
// answer. So the verdict's one line, and the report's path when one was
// saved, are printed on the normal screen afterwards: what is left there
// when the wizard is over is the answer.

// verdictLine is the verdict's closing line (verdict.Line, the same line
// diagnose closes on): "✗ insufficient-balance — Your account is out of
// credit or quota (failed: request)", "? rate-limited — … (not confirmed:
// the request was not sent)". Only the mark is coloured here.
func verdictLine(v verdict.Verdict, st *styles) string { return namedVerdictLine(v, st, "") }

// namedVerdictLine is verdictLine with a setup's name after the mark:
// "✗ codex: key-rejected — …".
func namedVerdictLine(v verdict.Verdict, st *styles, name string) string {
	l := v.Line()
	if l.ID == "" {
		return ""
	}
	mark := st.skip.Render(l.Mark)
	switch l.Status {
	case checks.Pass:
		mark = st.pass.Render(l.Mark)
	case checks.Warn:
		mark = st.warn.Render(l.Mark)
	case checks.Fail:
		mark = st.fail.Render(l.Mark)
	}
	if name != "" {
		mark += " " + uiOneLine(name) + ":"
	}
	return mark + strings.TrimPrefix(l.String(), l.Mark)
}

// finish is what the wizard leaves on the normal screen: the verdict on
// screen when it quit (each setup's, from the list of every setup), and the
// reports saved. Empty when it quit before a verdict.
func (m Model) finish() string {
	var lines []string
	if a := m.all; m.res == nil && a != nil && !a.finding && len(a.results) > 0 {
		// Quit from the list of every setup: one line each, as the list
		// showed them (this left nothing on the screen before). From a
		// setup's page, that setup's verdict, as for one setup.
		for i, r := range a.results {
			var ln string
			switch {
			case !r.done:
				continue
			case r.err != nil:
				ln = m.st.fail.Render("✗") + " " + uiOneLine(a.setups[i].Name) + ": " + uiOneLine(r.err.Error())
			default:
				ln = namedVerdictLine(r.verdict, m.st, a.setups[i].Name)
			}
			lines = append(lines, m.redact(strings.Join(uiWrapWords(ln, m.width), "\n")))
		}
	} else if m.res != nil {
		// Wrapped at words to the window: the terminal would cut an ID in
		// two. Redacted: a title may quote what a server said.
		lines = append(lines, m.redact(strings.Join(uiWrapWords(verdictLine(m.res.verdict, m.st), m.width), "\n")))
	}
	for _, p := range m.saved {
		// The report's absolute path, whole: a path is not a secret, and a
		// masked one cannot be found.
		lines = append(lines, "Report saved to "+checks.StripControls(p))
	}
	if len(lines) == 0 {
		return ""
	}
	return strings.Join(lines, "\n") + "\n"
}

// printFinish writes the finish to out: coloured for a terminal that takes
// colour, plain for NO_COLOR, TERM=dumb or a pipe.
func (m Model) printFinish(out io.Writer) {
	s := m.finish()
	if s == "" {
		return
	}
	if m.o.NoColor {
		fmt.Fprint(out, checks.StripControls(ansi.Strip(s)))
		return
	}
	fmt.Fprint(colorprofile.NewWriter(out, os.Environ()), s)
}

// uiWrapWords wraps at spaces only (an ID such as key-hygiene is never
// split at its hyphen); a word longer than the width stays whole.
func uiWrapWords(s string, width int) []string {
	if width < 10 {
		return []string{s}
	}
	lead := s[:len(s)-len(strings.TrimLeft(s, " "))] // kept on the first line
	var lines []string
	cur := lead
	for _, w := range strings.Split(s[len(lead):], " ") {
		switch {
		case cur == lead:
			cur += w
		case ansi.StringWidth(cur)+1+ansi.StringWidth(w) <= width:
			cur += " " + w
		default:
			lines = append(lines, cur)
			cur = w
		}
	}
	return append(lines, cur)
}
