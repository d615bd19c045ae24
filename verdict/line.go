package verdict

import (
	"fmt"
	"strings"
	"time"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/checks/suite"
	"github.com/unstuck-dev/unstuck/report"
)

// Line is the verdict in one line, the one every output closes on (the
// wizard after it quits, diagnose and explain): its mark, the cause's ID
// and title, and what it rests on. The callers style and wrap it.
type Line struct {
	// Status picks the mark's colour: fail, warn or pass.
	Status checks.Status
	// Mark is ✗ (a fault was found), ! (only a warning backs it), ✓ (all is
	// well) or ? (not confirmed: it rests on evidence not gathered, as the
	// page's "Not confirmed" lead says).
	Mark   string
	ID     string
	Title  string
	Detail string // what it rests on, without brackets: "failed: request"
}

// UnconfirmedMark marks a verdict that rests on evidence not gathered.
const UnconfirmedMark = "?"

// String is the line as plain text: "✗ insufficient-balance — Your account
// is out of credit or quota (failed: request)". "" when there is no cause.
func (l Line) String() string {
	if l.ID == "" {
		return ""
	}
	s := l.Mark + " " + l.ID
	if l.Title != "" {
		s += " — " + l.Title
	}
	if l.Detail != "" {
		s += " (" + l.Detail + ")"
	}
	return s
}

// Line is the verdict's closing line.
func (v Verdict) Line() Line {
	return LineOf(v.Diagnosis("", time.Time{}))
}

// LineOf is the closing line of a diagnosis (what diagnose and explain
// print from): the same rules as Verdict.Line, which it serves.
func LineOf(d report.Diagnosis) Line {
	if d.CauseID == "" {
		return Line{}
	}
	var failed, warned []string
	passed, skipped := 0, 0
	for _, r := range d.Results {
		switch r.Status {
		case checks.Fail:
			failed = append(failed, r.ID)
		case checks.Warn:
			warned = append(warned, r.ID)
		case checks.Pass:
			passed++
		default:
			skipped++
		}
	}
	l := Line{ID: d.CauseID, Title: oneLine(checks.StripControls(d.Title())), Status: checks.Fail}
	// The catalogue's "none" layer is the cause that is no fault (healthy).
	switch {
	case d.Layer == "none":
		l.Status = checks.Pass
	case len(failed) == 0 && len(warned) > 0 && !d.Pasted:
		l.Status = checks.Warn // only a warning backs it (a key in a front-end variable)
	}
	l.Mark = report.Mark(l.Status)
	var basis string
	switch {
	case d.Pasted:
		basis = "read from the pasted text"
	case len(failed) > 0:
		basis = "failed: " + strings.Join(failed, ", ")
	case len(warned) > 0:
		basis = "warned: " + strings.Join(warned, ", ")
	case passed > 0:
		basis = fmt.Sprintf("%d checks passed", passed)
		if skipped > 0 {
			basis += fmt.Sprintf(", %d skipped", skipped)
		}
	}
	l.Detail = basis
	if d.Unconfirmed {
		l.Mark, l.Status = UnconfirmedMark, checks.Warn
		l.Detail = "not confirmed: " + notGathered(d.Missing)
	}
	return l
}

// notGathered says what an unconfirmed verdict lacks, as the page's lead
// does: the request that was not sent, the checks that did not finish.
func notGathered(missing []string) string {
	var out, cut []string
	request := false
	for _, id := range missing {
		if suite.Billable(id) {
			request = true
			continue
		}
		cut = append(cut, id)
	}
	if request {
		out = append(out, "the request was not sent")
	}
	if len(cut) > 0 {
		out = append(out, strings.Join(cut, ", ")+" did not finish")
	}
	if len(out) == 0 {
		return "some evidence was not gathered"
	}
	return strings.Join(out, "; ")
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
