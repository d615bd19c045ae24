// Package verdict assembles what every output says about one cause: the
// catalogue entry, the evidence that proved it, the page filled with that
// evidence, and the support report. The wizard, diagnose and explain all
// start from Of, so they cannot tell one cause two ways.
package verdict

import (
	"fmt"
	"strings"
	"time"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/content"
	"github.com/unstuck-dev/unstuck/report"
)

// Verdict is one named cause and what backs it.
type Verdict struct {
	Cause    content.Cause
	Evidence checks.Evidence // merged, redacted; the proving check has the last word
	Summary  string          // the one-line finding that proved the cause
	// Pasted: the cause was read from pasted text, so nothing about this
	// machine's setup (its key variable, its base URL) is evidence for it.
	Pasted  bool
	Results []checks.Result // the checks that ran, in display order
	Setup   *checks.Setup   // what was checked (its redactor knows the key)
}

// Of is the verdict for a cause the walk reached, from the runner's
// results. results are the checks to list (diagnose: all it ran; the
// wizard: those on the path; explain: none).
func Of(r *checks.Runner, cause string, results []checks.Result) (Verdict, error) {
	info, ok := content.CauseByID(cause)
	if !ok {
		if _, err := content.Causes(); err != nil {
			return Verdict{}, err
		}
		return Verdict{}, fmt.Errorf("the tree named %q, which is not in the catalogue", cause)
	}
	return From(r, info, results), nil
}

// From is Of for a cause already looked up (the wizard's tests give their
// own catalogue).
func From(r *checks.Runner, cause content.Cause, results []checks.Result) Verdict {
	ev, summary := r.Evidence(cause.ID)
	return Verdict{Cause: cause, Evidence: ev, Summary: summary, Pasted: r.FromPaste(cause.ID),
		Results: results, Setup: r.Setup()}
}

// Page is what the cause's page may quote. A pasted verdict quotes the
// paste alone, never this machine's setup.
func (v Verdict) Page() content.PageData {
	s := v.Setup
	if v.Pasted {
		s = nil
	}
	return content.NewPageData(v.Evidence, s, v.Summary).WithChecks(v.Results)
}

// Guidance is the cause's page as markdown, filled with the evidence and
// redacted.
func (v Verdict) Guidance() (string, error) {
	md, err := content.Guidance(v.Cause.ID, v.Page())
	if err != nil {
		return "", err
	}
	return v.Setup.Redactor.Redact(v.Frame(md)), nil
}

// Frame is what every output adds around the cause's page: a verdict read
// from a paste quotes the line it rests on under the title.
func (v Verdict) Frame(md string) string {
	if v.Pasted && v.Evidence.Quote != "" {
		md = withQuote(md, v.Evidence.Quote)
	}
	return md
}

// withQuote puts the line of the paste the verdict rests on under the
// page's title, so a person sees why: "From what you pasted: > …".
func withQuote(md, quote string) string {
	block := "From what you pasted:\n\n> " + markdownEscaper.Replace(quote) + "\n"
	title, rest, ok := strings.Cut(md, "\n")
	if !ok || !strings.HasPrefix(title, "# ") {
		return block + "\n" + md
	}
	return title + "\n\n" + block + rest
}

// markdownEscaper keeps a pasted line literal in a markdown page.
var markdownEscaper = strings.NewReplacer("\\", "\\\\", "`", "\\`", "*", "\\*", "_", "\\_", "[", "\\[", "]", "\\]",
	"<", "\\<", ">", "\\>", "#", "\\#", "|", "\\|", "~", "\\~")

// Diagnosis is the verdict as the report and the JSON output read it.
func (v Verdict) Diagnosis(version string, when time.Time) report.Diagnosis {
	return report.Diagnosis{
		CauseID: v.Cause.ID, CauseTitle: v.Cause.Title, Layer: v.Cause.Layer,
		Evidence: v.Evidence, Results: v.Results, Setup: v.Setup,
		When: when, Version: version, Pasted: v.Pasted,
	}
}

// Report is the redacted support report.
func (v Verdict) Report(version string, when time.Time) string {
	return v.Setup.Redactor.Redact(report.Support(v.Diagnosis(version, when)))
}
