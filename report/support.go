package report

import (
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/unstuck-dev/unstuck/checks"
)

// Diagnosis is everything a support report or JSON output says about a run.
type Diagnosis struct {
	CauseID, CauseTitle, Layer string
	Evidence                   checks.Evidence
	Results                    []checks.Result
	Setup                      *checks.Setup // may be nil (explain)
	When                       time.Time
	Version                    string
	Pasted                     bool // the verdict came from pasted text, not live checks
	// Unconfirmed: the verdict rests on evidence not gathered; Alternatives
	// are the other candidate cause IDs.
	Unconfirmed  bool
	Alternatives []string
	// Missing are the checks whose evidence was not gathered (the request
	// not sent, a check cut off), for an unconfirmed verdict.
	Missing []string
	// Headline is the cause's title as its page shows it: the catalogue's
	// (CauseTitle, which the JSON keeps) unless the page words it for what
	// was not tried ("Your key and base URL work; the model was not tried").
	Headline string
}

// Title is the cause's title as people read it: the page's headline, else
// the catalogue's.
func (d Diagnosis) Title() string {
	if d.Headline != "" {
		return d.Headline
	}
	return d.CauseTitle
}

// Support is the redacted markdown report a support engineer asks for: when,
// with what, against which endpoint, what came back, which layer failed and
// which checks passed. The key appears only as a fingerprint and credential
// header values not at all.
func Support(d Diagnosis) string {
	var b strings.Builder
	line := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	field := func(name, v string) {
		if strings.TrimSpace(v) != "" {
			line("- **%s:** `%s`", name, strings.ReplaceAll(v, "`", "'"))
		}
	}
	ev := d.Evidence
	when := d.When
	if when.IsZero() {
		when = time.Now()
	}
	line("## unstuck report: %s", d.CauseID)
	line("")
	line("- **Cause:** %s (`%s`, layer `%s`)", d.Title(), d.CauseID, d.Layer)
	if d.Unconfirmed {
		also := ""
		if len(d.Alternatives) > 0 {
			also = "; also possible: `" + strings.Join(d.Alternatives, "`, `") + "`"
		}
		line("- **Confirmed:** no, the likeliest cause: it rests on evidence not gathered%s", also)
	}
	field("Time", when.Format("2006-01-02 15:04:05 MST (-07:00)"))
	field("Tool", "unstuck "+d.Version+", "+runtime.Version()+", "+runtime.GOOS+"/"+runtime.GOARCH)
	if d.Pasted {
		line("- **Source:** classified from pasted error text (no live checks)")
	}
	line("")
	line("### Request")
	field("Provider", ev.Provider)
	field("Protocol", ev.Protocol)
	field("Base URL", ev.BaseURL)
	field("Endpoint", ev.Endpoint)
	field("Model", ev.Model)
	field("Key", ev.Key)
	field("Proxy", ev.Proxy)
	if d.Setup != nil {
		for _, h := range d.Setup.Headers {
			v := h.Value
			if checks.IsCredentialHeader(h.Name) {
				v = "[redacted]"
			}
			field("Header "+h.Name, v)
		}
	}
	line("")
	line("### Response")
	if ev.Status != 0 {
		field("HTTP status", fmt.Sprint(ev.Status))
	}
	field("Error type", ev.ErrorType)
	field("Error code", ev.ErrorCode)
	field("Error message", ev.ErrorMessage)
	field("Request ID", ev.RequestID)
	for _, id := range ev.RequestIDs {
		if !strings.Contains(id, ev.RequestID) || ev.RequestID == "" {
			field("Also", id)
		}
	}
	field("Served by", ev.ServedBy)
	if rl := ev.RateLimit; rl != nil {
		field("Rate limit", strings.Trim(fmt.Sprintf("limit %s, remaining %s, reset %s, retry after %s",
			or(rl.Limit), or(rl.Remaining), or(rl.Reset), or(rl.RetryAfter)), " "))
	}
	if ev.TTFBMs > 0 || ev.TotalMs > 0 {
		field("Timing", fmt.Sprintf("first byte %d ms, total %d ms", ev.TTFBMs, ev.TotalMs))
	}
	field("Failed layer", ev.FailedLayer)
	if ev.Truncated {
		line("- **Body:** truncated at the size cap")
	}
	if len(d.Results) > 0 {
		line("")
		line("### Checks")
		for _, r := range d.Results {
			line("- %s `%s` %s (%d ms)", Mark(r.Status), r.ID, oneLine(r.Summary), r.Duration.Milliseconds())
		}
	}
	out := checks.StripControls(b.String()) // a file people open in a terminal
	if d.Setup != nil {
		out = d.Setup.Redactor.Redact(out)
	} else {
		out = (*checks.Redactor)(nil).Redact(out)
	}
	return out
}

func or(s string) string {
	if s == "" {
		return "?"
	}
	return s
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// Mark is a status as a plain-text symbol that survives any terminal; the
// wizard, the plain output and the report all use it.
func Mark(s checks.Status) string {
	switch s {
	case checks.Pass:
		return "✓"
	case checks.Warn:
		return "!"
	case checks.Fail:
		return "✗"
	default:
		return "–"
	}
}
