package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/content"
	"github.com/unstuck-dev/unstuck/report"
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
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	// Redacting the encoded text keeps it valid JSON: masks contain no
	// quotes or backslashes.
	emit(w, rd, string(jsonStripControls(b))+"\n")
	return nil
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

// renderPage prints the checks that ran and the cause's page for a person.
func renderPage(w io.Writer, rd *checks.Redactor, d report.Diagnosis, guidance string) {
	style := terminalStyle(w)
	guidance = checks.StripControls(guidance) // before styling: after it, ESC is the renderer's
	var b strings.Builder
	if len(d.Results) > 0 {
		b.WriteString("Checks\n")
		for _, r := range d.Results {
			fmt.Fprintf(&b, "  %s %-13s %s (%d ms)\n", report.Mark(r.Status), r.ID, oneLine(checks.StripControls(r.Summary)), r.Duration.Milliseconds())
		}
	}
	page, err := report.Markdown(guidance, termWidth(w), style)
	if err != nil {
		page = guidance
	}
	if style == report.Plain {
		// Glamour's no-terminal style still writes OSC 8 hyperlinks; a
		// pipe, a file or NO_COLOR wants none of that.
		page = trimLines(ansi.Strip(page))
	}
	b.WriteString(page)
	out := b.String()
	if style != report.Plain {
		cw := colorprofile.NewWriter(w, os.Environ())
		emitStyled(cw, rd, out)
		return
	}
	emit(w, rd, out)
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
