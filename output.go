package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"

	"charm.land/lipgloss/v2"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/checks/suite"
	"github.com/unstuck-dev/unstuck/content"
	"github.com/unstuck-dev/unstuck/report"
	"github.com/unstuck-dev/unstuck/verdict"
)

// processRedactor knows every secret in this process's environment: the
// values of credential variables (checks.SecretVar; not PWD, not paths). Everything main prints passes through it (and through the
// run's own redactor, which also knows .env values and header values), so
// even a crash message cannot show a key.
var processRedactor = func() *checks.Redactor {
	r := checks.NewRedactor()
	for k, v := range environ() {
		if checks.SecretVar(k, v) {
			r.Add(v)
		}
	}
	return r
}()

func redactAny(v any) string { return processRedactor.Clean(fmt.Sprint(v)) }

// emit writes text that leaves the process, redacted and without control
// characters (but newline and tab): JSON, a plain page, a message on stderr.
func emit(w io.Writer, rd *checks.Redactor, s string) {
	if rd != nil {
		s = rd.Redact(s)
	}
	io.WriteString(w, processRedactor.Clean(s))
}

// emitStyled writes a page the renderer styled: its ESC sequences stay,
// every other control character goes. What came from outside was stripped
// before rendering (renderPage).
func emitStyled(w io.Writer, rd *checks.Redactor, s string) {
	if rd != nil {
		s = rd.Redact(s)
	}
	io.WriteString(w, checks.StripControlsKeepEscapes(processRedactor.Redact(s)))
}

// jsonStripControls removes control characters from encoded JSON: the
// escapes \u0000–\u001f (but \n and \t), \u007f–\u009f, \r, \b and \f
// inside strings, and raw DEL and C1 runes, which the encoder writes as they
// are. The result is still valid JSON and decodes to no control character.
func jsonStripControls(b []byte) []byte {
	out := make([]byte, 0, len(b))
	in := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case !in:
			in = c == '"'
		case c == '"':
			in = false
		case c == '\\' && i+1 < len(b):
			switch b[i+1] {
			case 'r', 'b', 'f':
				i++
				continue
			case 'u':
				if i+5 < len(b) {
					if n, err := strconv.ParseUint(string(b[i+2:i+6]), 16, 32); err == nil && checks.IsControl(rune(n)) {
						i += 5
						continue
					}
				}
			}
			out = append(out, c, b[i+1])
			i++
			continue
		case c == 0x7f:
			continue
		case c == 0xc2 && i+1 < len(b) && b[i+1] >= 0x80 && b[i+1] <= 0x9f:
			i++
			continue
		}
		out = append(out, c)
	}
	return out
}

// jsonOutput is the --json object of INTERFACE.md.
type jsonOutput struct {
	Cause      *content.Cause  `json:"cause,omitempty"`        // left out when explain recognised nothing
	Confirmed  *bool           `json:"confirmed,omitempty"`    // false when the verdict rests on evidence not gathered; left out otherwise
	Alts       *[]string       `json:"alternatives,omitempty"` // with confirmed: false, the other candidate cause IDs
	Recognized *bool           `json:"recognized,omitempty"`   // explain only: false when the text matched nothing
	Quote      string          `json:"quote,omitempty"`        // explain: the line of the paste the verdict rests on
	Checks     []jsonCheck     `json:"checks"`
	Evidence   checks.Evidence `json:"evidence"`
	Guidance   string          `json:"guidance,omitempty"`
}

type jsonCheck struct {
	ID      string        `json:"id"`
	Status  checks.Status `json:"status"`
	Summary string        `json:"summary"`
	MS      int64         `json:"ms"`
}

func writeJSON(w io.Writer, rd *checks.Redactor, d report.Diagnosis, guidance string, recognized *bool) error {
	b, err := json.MarshalIndent(jsonOf(d, guidance, recognized), "", "  ")
	if err != nil {
		return err
	}
	// Redacting the encoded text keeps it valid JSON: masks contain no
	// quotes or backslashes.
	emit(w, rd, string(jsonStripControls(b))+"\n")
	return nil
}

// jsonOf is the --json object of one diagnosis.
func jsonOf(d report.Diagnosis, guidance string, recognized *bool) jsonOutput {
	out := jsonOutput{
		Recognized: recognized,
		Checks:     []jsonCheck{},
		Evidence:   d.Evidence,
		Guidance:   guidance,
	}
	if d.CauseID != "" {
		out.Cause = &content.Cause{ID: d.CauseID, Layer: d.Layer, Title: d.CauseTitle}
	}
	if d.Pasted {
		out.Quote = d.Evidence.Quote
	}
	if d.Unconfirmed && d.CauseID != "" {
		no, alts := false, append([]string{}, d.Alternatives...)
		out.Confirmed, out.Alts = &no, &alts
	}
	for _, r := range d.Results {
		out.Checks = append(out.Checks, jsonCheck{ID: r.ID, Status: r.Status, Summary: r.Summary, MS: r.Duration.Milliseconds()})
	}
	return out
}

// terminalStyle decides how rendered markdown looks on w: plain when w is
// not a terminal, NO_COLOR is set or TERM=dumb; otherwise dark unless the
// terminal says (COLORFGBG) it has a light background. Headless commands
// never query the terminal: a terminal that does not answer would stall.
func terminalStyle(w io.Writer) report.Style {
	p := colorprofile.Detect(w, os.Environ())
	if p <= colorprofile.ASCII || os.Getenv("TERM") == "dumb" {
		return report.Plain
	}
	if fgbg := os.Getenv("COLORFGBG"); fgbg != "" {
		parts := strings.Split(fgbg, ";")
		switch parts[len(parts)-1] {
		case "7", "15":
			return report.Light
		}
	}
	return report.Dark
}

// termWidth is the width to wrap at: the terminal's, or 80.
func termWidth(w io.Writer) int {
	if f, ok := w.(*os.File); ok {
		if width, _, err := termSize(f); err == nil && width > 0 {
			return width
		}
	}
	return 80
}

// renderPage prints, for a person, what diagnose and explain found: the
// checks that ran grouped by layer (failures first), the cause's page, and
// one closing line with the verdict, so the answer is what is left on
// screen when the command ends.
func renderPage(w io.Writer, rd *checks.Redactor, d report.Diagnosis, guidance string) {
	style := terminalStyle(w)
	out := composePage(d, guidance, termWidth(w), style)
	if style != report.Plain {
		cw := colorprofile.NewWriter(w, os.Environ())
		emitStyled(cw, rd, out)
		return
	}
	emit(w, rd, out)
}

// composePage is renderPage's text for a terminal width and a style.
func composePage(d report.Diagnosis, guidance string, width int, style report.Style) string {
	guidance = checks.StripControls(guidance) // before styling: after it, ESC is the renderer's
	var b strings.Builder
	b.WriteString(checksByLayer(d.Results, width, style))
	page, err := report.Markdown(guidance, width, style)
	if err != nil {
		page = guidance
	}
	if style == report.Plain {
		// Glamour's no-terminal style still writes OSC 8 hyperlinks; a
		// pipe, a file or NO_COLOR wants none of that.
		page = trimLines(ansi.Strip(page))
	}
	b.WriteString(page)
	if line := verdictLine(d, width, style); line != "" {
		b.WriteString("\n" + line + "\n")
	}
	return b.String()
}

// statusRank orders statuses worst first: fail, warn, pass, skip.
var statusRank = map[checks.Status]int{checks.Fail: 0, checks.Warn: 1, checks.Pass: 2, checks.Skip: 3}

// markStyles colour a status mark: red, yellow, green, faint. The
// colorprofile writer lowers them to what the terminal can show.
var markStyles = map[checks.Status]lipgloss.Style{
	checks.Fail: lipgloss.NewStyle().Foreground(lipgloss.Red).Bold(true),
	checks.Warn: lipgloss.NewStyle().Foreground(lipgloss.Yellow).Bold(true),
	checks.Pass: lipgloss.NewStyle().Foreground(lipgloss.Green),
	checks.Skip: lipgloss.NewStyle().Faint(true),
}

// mark is a status's symbol, coloured unless the output is plain.
func mark(s checks.Status, style report.Style) string {
	m := report.Mark(s)
	if style == report.Plain {
		return m
	}
	if st, ok := markStyles[s]; ok {
		return st.Render(m)
	}
	return m
}

// apiLayer names the group of checks whose data gives no single layer and
// that proved no cause: the models list and the request when they passed.
const apiLayer = "api"

// checkLayers is each check's layer, from the data: the layer of the causes
// its spec proves, when they all share one (key-present → config, dns →
// network, auth-header → identity). Checks that may name any cause (models,
// request) have none here and take their result's cause's layer.
var checkLayers = sync.OnceValue(func() map[string]string {
	out := map[string]string{}
	for _, spec := range suite.Specs() {
		layer := ""
		for _, id := range spec.Proves {
			c, ok := content.CauseByID(id)
			if !ok || layer != "" && c.Layer != layer {
				layer = ""
				break
			}
			layer = c.Layer
		}
		if layer != "" {
			out[spec.ID] = layer
		}
	}
	return out
})

// layerOf is the layer a result is listed under: its check's, else the
// cause it proved, else apiLayer.
func layerOf(r checks.Result) string {
	if l := checkLayers()[r.ID]; l != "" {
		return l
	}
	if c, ok := content.CauseByID(r.Cause); ok && c.Layer != "" && c.Layer != "none" {
		return c.Layer
	}
	return apiLayer
}

// checksByLayer lists the results the way `flutter doctor` does: one
// heading per layer with its worst mark, the checks under it, each summary
// wrapped to the width under its own column. Layers with a failure come
// first, and failures come first within a layer; otherwise the ladder's
// order (configuration, network, API) stands.
func checksByLayer(results []checks.Result, width int, style report.Style) string {
	if len(results) == 0 {
		return ""
	}
	type group struct {
		layer string
		worst checks.Status
		rs    []checks.Result
	}
	var groups []*group
	byLayer := map[string]*group{}
	idWidth := 0
	for _, r := range results {
		l := layerOf(r)
		g := byLayer[l]
		if g == nil {
			g = &group{layer: l, worst: checks.Skip}
			byLayer[l] = g
			groups = append(groups, g)
		}
		g.rs = append(g.rs, r)
		if rank(r.Status) < rank(g.worst) {
			g.worst = r.Status
		}
		idWidth = max(idWidth, ansi.StringWidth(r.ID))
	}
	slices.SortStableFunc(groups, func(a, b *group) int { return rank(a.worst) - rank(b.worst) })
	heading := func(s string) string { return s }
	if style != report.Plain {
		bold := lipgloss.NewStyle().Bold(true)
		heading = func(s string) string { return bold.Render(s) }
	}
	wrap := report.WrapWidth(width)
	const indent = "    "
	var b strings.Builder
	b.WriteString("Checks, by layer\n")
	for _, g := range groups {
		fmt.Fprintf(&b, "%s %s\n", mark(g.worst, style), heading(g.layer))
		slices.SortStableFunc(g.rs, func(a, b checks.Result) int { return rank(a.Status) - rank(b.Status) })
		for _, r := range g.rs {
			text := oneLine(checks.StripControls(r.Summary))
			if ms := r.Duration.Milliseconds(); ms > 0 {
				text += fmt.Sprintf(" (%d ms)", ms)
			}
			col := len(indent) + 2 + idWidth + 2 // indent, mark and space, the ID, two spaces
			lines := wrapWords(text, max(wrap-col, 20))
			id := r.ID + strings.Repeat(" ", idWidth-ansi.StringWidth(r.ID))
			fmt.Fprintf(&b, "%s%s %s  %s\n", indent, mark(r.Status, style), id, lines[0])
			for _, l := range lines[1:] {
				fmt.Fprintf(&b, "%s%s\n", strings.Repeat(" ", col), l)
			}
		}
	}
	return b.String()
}

func rank(s checks.Status) int {
	if r, ok := statusRank[s]; ok {
		return r
	}
	return len(statusRank)
}

// verdictLine is the one line that closes the output (verdict.LineOf, the
// same line the wizard leaves after it quits): the verdict's mark, the
// cause and its title, and what it rests on. "" when there is no cause
// (the `causes ID` page). On a narrow terminal it wraps under its text
// rather than lose the checks it names.
func verdictLine(d report.Diagnosis, width int, style report.Style) string {
	l := verdict.LineOf(d)
	if l.ID == "" {
		return ""
	}
	limit := max(report.WrapWidth(width)-2, 20)
	head := l.ID
	if l.Title != "" {
		head += " — " + l.Title
	}
	lines := wrapWords(head, limit)
	if l.Detail != "" {
		// The detail stays in one piece: on the title's last line when it
		// fits, else on a line of its own.
		basis := "(" + l.Detail + ")"
		last := &lines[len(lines)-1]
		if ansi.StringWidth(*last)+1+ansi.StringWidth(basis) <= limit {
			*last += " " + basis
		} else {
			lines = append(lines, wrapWords(basis, limit)...)
		}
	}
	m := l.Mark
	if style != report.Plain {
		bold := lipgloss.NewStyle().Bold(true)
		for i, ln := range lines {
			lines[i] = bold.Render(ln)
		}
		if st, ok := markStyles[l.Status]; ok {
			m = st.Render(m)
		}
	}
	return m + " " + strings.Join(lines, "\n  ")
}

// wrapWords breaks text into lines of at most limit columns at spaces; a
// word longer than a line is cut (a URL, a long ID).
func wrapWords(text string, limit int) []string {
	var lines []string
	cur := ""
	for _, word := range strings.Fields(text) {
		for ansi.StringWidth(word) > limit {
			if cur != "" {
				lines, cur = append(lines, cur), ""
			}
			head := ansi.Truncate(word, limit, "")
			lines = append(lines, head)
			word = word[len(head):]
		}
		switch {
		case word == "":
		case cur == "":
			cur = word
		case ansi.StringWidth(cur)+1+ansi.StringWidth(word) <= limit:
			cur += " " + word
		default:
			lines, cur = append(lines, cur), word
		}
	}
	if cur != "" || len(lines) == 0 {
		lines = append(lines, cur)
	}
	return lines
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// trimLines drops the padding glamour adds to fill each line to the wrap
// width: in a pipe or a file it is only noise.
func trimLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}
