package classify

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/unstuck-dev/unstuck/checks"
)

// Paste classifies the error the user pasted (Config.Pasted): the check
// behind `explain` and the wizard's "paste the error" step. Facts:
// paste.recognized (yes|no) and paste.http (the status found, if any).
func Paste(ctx context.Context, s *checks.Setup) checks.Result {
	start := time.Now()
	r := checks.Result{ID: checks.CheckPaste, Title: "Pasted error"}
	defer func() { r.Duration = time.Since(start) }()
	if s == nil || strings.TrimSpace(s.Config.Pasted) == "" {
		r.Status, r.Summary = checks.Skip, "nothing was pasted"
		return r
	}
	if err := ctx.Err(); err != nil {
		r.Status, r.Summary = checks.Skip, "cancelled before the pasted text was read"
		return r
	}
	c := ClassifyText(s.Config.Pasted)
	red := s.Redactor
	c.Evidence = redactEvidence(red, c.Evidence)
	r.Evidence = c.Evidence
	r.Facts = map[string]string{"paste.recognized": "no"}
	if c.Evidence.Status > 0 {
		r.Facts["paste.http"] = strconv.Itoa(c.Evidence.Status)
	}
	if !c.Recognized {
		r.Status = checks.Warn
		r.Summary = "the pasted text matches no error we know"
		if c.Evidence.ErrorMessage != "" {
			r.Details = []string{"read: " + c.Evidence.ErrorMessage}
		}
		return r
	}
	r.Facts["paste.recognized"] = "yes"
	r.Status = checks.Fail
	r.Cause = c.Cause
	r.Summary = red.Redact(c.Reason)
	if c.Evidence.ErrorMessage != "" {
		r.Details = append(r.Details, "message: "+c.Evidence.ErrorMessage)
	}
	if c.Evidence.RequestID != "" {
		r.Details = append(r.Details, "request ID: "+c.Evidence.RequestID)
	}
	return r
}

// redactEvidence runs the user's own redactor (which knows their key and
// its variants) over every text field the classifier filled.
func redactEvidence(red *checks.Redactor, ev checks.Evidence) checks.Evidence {
	ev.ErrorType = red.Redact(ev.ErrorType)
	ev.ErrorCode = red.Redact(ev.ErrorCode)
	ev.ErrorMessage = red.Redact(ev.ErrorMessage)
	ev.RequestID = red.Redact(ev.RequestID)
	ev.ServedBy = red.Redact(ev.ServedBy)
	ev.ContentType = red.Redact(ev.ContentType)
	if len(ev.RequestIDs) > 0 {
		ids := make([]string, len(ev.RequestIDs))
		for i, id := range ev.RequestIDs {
			ids[i] = red.Redact(id)
		}
		ev.RequestIDs = ids
	}
	return ev
}
