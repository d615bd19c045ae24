package classify

import (
	"context"
	"strconv"
	"strings"

	"github.com/unstuck-dev/unstuck/checks"
)

// PasteSpec is what the paste check may tell the tree: any cause the
// classifier names in the text, and whether it recognised one.
var PasteSpec = checks.Spec{ID: checks.CheckPaste, AnyCause: true, Facts: []string{"paste.recognized", "paste.http"}}

// Paste classifies the error the user pasted (Config.Pasted): the check
// behind `explain` and the wizard's "paste the error" step. Facts:
// paste.recognized (yes|no) and paste.http (the status found, if any).
func Paste(ctx context.Context, s *checks.Setup) checks.Result {
	r := checks.Result{ID: checks.CheckPaste, Title: "Pasted error"}
	if s == nil || strings.TrimSpace(s.Config.Pasted) == "" {
		r.Status, r.Summary = checks.Skip, "nothing was pasted"
		return r
	}
	if err := ctx.Err(); err != nil {
		r.Status, r.Summary = checks.Skip, "cancelled before the pasted text was read"
		return r
	}
	c := ClassifyText(s.Config.Pasted)
	r.Evidence = c.Evidence
	r.Evidence.Quote = c.Quote
	r.Facts = map[string]string{"paste.recognized": "no"}
	if c.Evidence.Status > 0 {
		r.Facts["paste.http"] = strconv.Itoa(c.Evidence.Status)
	}
	provider, signs := PasteProvider(s.Config.Pasted, s.Config.Profiles, s.Config.KeyIssuers)
	r.Evidence.PasteProvider = provider
	for _, sg := range signs {
		r.Evidence.PasteSigns = append(r.Evidence.PasteSigns, sg.String())
	}
	providerLine := ProviderLine(provider, signs)
	if !c.Recognized {
		r.Status = checks.Warn
		r.Summary = "the pasted text matches no error we know"
		if c.Evidence.ErrorMessage != "" {
			r.Details = []string{"read: " + c.Evidence.ErrorMessage}
		}
		if providerLine != "" {
			r.Details = append(r.Details, providerLine)
		}
		return r
	}
	r.Facts["paste.recognized"] = "yes"
	r.Status = checks.Fail
	r.Cause = c.Cause
	r.Summary = c.Reason
	if c.Evidence.ErrorMessage != "" {
		r.Details = append(r.Details, "message: "+c.Evidence.ErrorMessage)
	}
	if c.Evidence.RequestID != "" {
		r.Details = append(r.Details, "request ID: "+c.Evidence.RequestID)
	}
	if providerLine != "" {
		r.Details = append(r.Details, providerLine)
	}
	return r
}

// ProviderLine says what the paste's signs tell of its provider: "from
// the paste: Groq (model_decommissioned)", that they disagree, or ""
// when there are none.
func ProviderLine(provider string, signs []ProviderSign) string {
	switch {
	case len(signs) == 0:
		return ""
	case provider != "":
		return "from the paste: " + signs[0].Title + " (" + signs[0].Sign + ")"
	}
	var top []string
	for _, sg := range signs {
		if sg.Strength == signs[0].Strength {
			top = append(top, sg.Title+" ("+sg.Sign+")")
		}
	}
	return "the paste has signs of more than one provider, " + strings.Join(top, " and ") + ": it names none"
}
