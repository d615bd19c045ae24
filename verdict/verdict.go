// Package verdict assembles what every output says about one cause: the
// catalogue entry, the evidence that proved it, the page filled with that
// evidence, and the support report. The wizard, diagnose and explain all
// start from Of, so they cannot tell one cause two ways.
package verdict

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/checks/suite"
	"github.com/unstuck-dev/unstuck/content"
	"github.com/unstuck-dev/unstuck/decisiontree"
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

	// Confirmed: the verdict rests on evidence that was gathered. When it
	// does not (the request declined or not sent, a check cut off), the
	// cause is the likeliest, Alternatives are the other candidates and
	// Missing are the checks that would tell them apart.
	Confirmed    bool
	Alternatives []content.Cause
	Missing      []checks.Result

	headline string // Title's answer when unconfirmed, worked out once by Walked
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
		Results: results, Setup: r.Setup(), Confirmed: true}
}

// Walked completes the verdict with what the walk that reached it rested
// on: the check whose cause the walk forwarded is the finding (its
// evidence has the last word, so the page's endpoint is the URL of the
// call it names), and a walk that rested on missing evidence makes the
// verdict unconfirmed, with its alternatives.
func (v Verdict) Walked(r *checks.Runner, w *decisiontree.Walker) Verdict {
	if w == nil || !w.Done() || w.Current().Cause != v.Cause.ID {
		return v
	}
	if id := w.ProvedBy(); id != "" && !v.Pasted {
		if res, ok := r.Result(id); ok && res.Cause == v.Cause.ID {
			v.Evidence = checks.MergeEvidence(v.Evidence, res.Evidence)
			v.Summary = res.Summary
		}
	}
	v.Confirmed = w.Confirmed()
	v.Alternatives, v.Missing = nil, nil
	for _, id := range w.Alternatives() {
		c, ok := content.CauseByID(id)
		if !ok {
			c = content.Cause{ID: id, Title: id}
		}
		v.Alternatives = append(v.Alternatives, c)
	}
	for _, id := range w.Missing() {
		if res, ok := r.Result(id); ok {
			v.Missing = append(v.Missing, res)
		}
	}
	v.headline = ""
	if !v.Confirmed {
		v.headline = v.Title() // the wizard's header asks on every frame
	}
	return v
}

// Page is what the cause's page may quote. A pasted verdict quotes the
// paste alone, never this machine's setup.
func (v Verdict) Page() content.PageData {
	s := v.Setup
	if v.Pasted {
		s = nil
	}
	ev := v.Evidence
	if !v.Confirmed && v.Summary == "" {
		// Nothing proved this cause: the answer on record is another
		// call's (the models list's 200), not evidence for this page.
		ev.Status, ev.ErrorType, ev.ErrorCode, ev.ErrorMessage = 0, "", "", ""
		ev.RateLimit, ev.TTFBMs, ev.TotalMs = nil, 0, 0
	}
	pasted := ""
	if v.Pasted && v.Setup != nil {
		pasted = v.Setup.Config.Pasted
	}
	if !isMessage(ev.ErrorMessage, ev.Status, pasted, ev.Quote) {
		ev.ErrorMessage = ""
	}
	d := content.NewPageData(ev, s, v.Summary).WithChecks(v.Results)
	d.Unconfirmed = !v.Confirmed
	return d
}

// isMessage reports whether an error message says something the page
// does not already: a "message" that is only the status ("429", "429 Too
// Many Requests"), or the whole paste the page quotes, is not one.
func isMessage(msg string, status int, pasted, quote string) bool {
	m := strings.Join(strings.Fields(msg), " ")
	if m == "" {
		return false
	}
	if status > 0 {
		code := strconv.Itoa(status)
		for _, bare := range []string{code, code + " " + http.StatusText(status), "HTTP " + code} {
			if strings.EqualFold(m, bare) {
				return false
			}
		}
	}
	for _, seen := range []string{pasted, quote} {
		if seen = strings.Join(strings.Fields(seen), " "); seen != "" && m == seen {
			return false
		}
	}
	return true
}

// Title is the cause's title as its page shows it. A confirmed verdict's
// is the catalogue's (the page lint holds every page to it); an
// unconfirmed one's page may word it for what was not tried ("Your key and
// base URL work; the model was not tried" where the catalogue says the
// model works), and the closing line and the report follow the page.
func (v Verdict) Title() string {
	if v.Confirmed {
		return v.Cause.Title
	}
	if v.headline != "" {
		return v.headline
	}
	md, err := content.Guidance(v.Cause.ID, v.Page())
	if err != nil {
		return v.Cause.Title
	}
	first, _, _ := strings.Cut(md, "\n")
	if t, ok := strings.CutPrefix(first, "# "); ok && strings.TrimSpace(t) != "" {
		return strings.TrimSpace(t)
	}
	return v.Cause.Title
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
// from a paste quotes the line it rests on under the title; an
// unconfirmed verdict leads with that, before anything else.
func (v Verdict) Frame(md string) string {
	if v.Pasted && v.Evidence.Quote != "" {
		md = underTitle(md, "From what you pasted:\n\n"+quoteBlock(v.Evidence.Quote)+"\n")
	}
	if !v.Confirmed {
		md = underTitle(md, v.Unconfirmed())
	}
	return md
}

// Unconfirmed is the statement an unconfirmed verdict leads with: that it
// is the likeliest cause, not a proven one, because of what was not
// gathered; the other candidates; and what tells them apart, with the
// command. "" when the verdict is confirmed.
func (v Verdict) Unconfirmed() string {
	if v.Confirmed {
		return ""
	}
	var b strings.Builder
	noRequest := v.Setup != nil && v.Setup.Config.NoRequest
	var missing, billable []string
	for _, res := range v.Missing {
		what, how := res.Title, "did not finish"
		why := strings.TrimPrefix(res.Summary, "not sent: ")
		if suite.Billable(res.ID) {
			what, how = "the test request", "was not sent"
			billable = append(billable, res.ID)
			if noRequest {
				why = "" // said below, with what to run instead
			}
		}
		if what == "" {
			what = res.ID
		}
		if why != "" {
			how += ": " + why
		}
		missing = append(missing, what+" "+how)
	}
	why := "some evidence could not be gathered"
	if len(missing) > 0 {
		why = strings.Join(missing, "; ")
	}
	fmt.Fprintf(&b, "**Not confirmed.** The likeliest cause, not a proven one: %s.\n", markdownEscaper.Replace(why))
	if len(v.Alternatives) > 0 {
		b.WriteString("\nIt may also be:\n\n")
		for _, c := range v.Alternatives {
			fmt.Fprintf(&b, "- %s (`%s`)\n", markdownEscaper.Replace(c.Title), c.ID)
		}
	}
	b.WriteString("\nWhat tells them apart: ")
	switch {
	case len(billable) > 0 && noRequest:
		b.WriteString("the test request, which `--no-request` left out. Run `unstuck diagnose` without `--no-request`: it sends one minimal request (1 output token, a fraction of a cent).")
	case len(billable) > 0:
		b.WriteString("the test request. Run `unstuck diagnose`, or start the wizard again and answer y when it asks: it sends one minimal request (1 output token, a fraction of a cent).")
	default:
		b.WriteString("the checks that could not finish. Run `unstuck diagnose` again (with a longer `--timeout` if a step was cut off).")
	}
	if v.Setup != nil && v.Setup.Profile.Console != "" && len(billable) > 0 {
		fmt.Fprintf(&b, " Free, without a request: check the account's balance and limits in your provider's console (%s).", v.Setup.Profile.Console)
	}
	b.WriteString("\n")
	return b.String()
}

// underTitle puts a block under the page's title (or first, when the page
// has none).
func underTitle(md, block string) string {
	title, rest, ok := strings.Cut(md, "\n")
	if !ok || !strings.HasPrefix(title, "# ") {
		return block + "\n" + md
	}
	return title + "\n\n" + block + rest
}

// quoteBlock is the pasted line as a fenced block: shown exactly as pasted,
// and never re-wrapped. A blockquote was, and a JSON body (one long word
// to a wrapper) came out broken mid-token with its lines' "│" lost. The
// fence is longer than any run of backticks in the line.
func quoteBlock(line string) string {
	fence := "```"
	for strings.Contains(line, fence) {
		fence += "`"
	}
	return fence + "text\n" + strings.TrimRight(line, "\n") + "\n" + fence + "\n"
}

// MarkdownLiteral keeps a text (a pasted line, a reason quoting one)
// literal in a markdown page.
func MarkdownLiteral(s string) string { return markdownEscaper.Replace(s) }

var markdownEscaper = strings.NewReplacer("\\", "\\\\", "`", "\\`", "*", "\\*", "_", "\\_", "[", "\\[", "]", "\\]",
	"<", "\\<", ">", "\\>", "#", "\\#", "|", "\\|", "~", "\\~")

// Diagnosis is the verdict as the report and the JSON output read it.
func (v Verdict) Diagnosis(version string, when time.Time) report.Diagnosis {
	d := report.Diagnosis{
		CauseID: v.Cause.ID, CauseTitle: v.Cause.Title, Layer: v.Cause.Layer,
		Evidence: v.Evidence, Results: v.Results, Setup: v.Setup,
		When: when, Version: version, Pasted: v.Pasted,
		Unconfirmed: !v.Confirmed, Headline: v.Title(),
	}
	for _, c := range v.Alternatives {
		d.Alternatives = append(d.Alternatives, c.ID)
	}
	for _, r := range v.Missing {
		d.Missing = append(d.Missing, r.ID)
	}
	return d
}

// Report is the redacted support report.
func (v Verdict) Report(version string, when time.Time) string {
	return v.Setup.Redactor.Redact(report.Support(v.Diagnosis(version, when)))
}
