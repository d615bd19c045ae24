package probe

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/checks/classify"
)

// Models asks for the models list with the user's key. The list is free, so
// it runs even with --no-request. It proves the key (or names the classifier's
// cause for the refusal) and whether the model the user calls is one the key
// may use.
//
// Facts: models.http (the status code, when the server answered) and
// models.has_model (yes, no or unknown).
func Models(ctx context.Context, s *checks.Setup) checks.Result {
	r := checks.Result{
		ID:    checks.CheckModels,
		Title: "The models list answers with your key",
		Facts: map[string]string{"models.has_model": "unknown"},
	}
	r.Evidence.Model = s.Model
	done := func() checks.Result { return r }
	switch {
	case modelsURLOf(s) == "":
		r.Status = checks.Skip
		r.Summary = "not asked: " + systemName(s) + " has no models list to ask"
		return done()
	case s.Key.Empty() && !s.Profile.Local:
		r.Status = checks.Skip
		r.Summary = "not asked: there is no key to send"
		return done()
	}

	f := sessionFor(s).fetchModels(ctx)
	if f.err != nil {
		transportFail(&r, f.reply, f.err, "the models list could not be fetched")
		// The endpoint of a finding is the URL of the call that failed.
		r.Evidence.Endpoint = shownURL(modelsURLOf(s))
		return done()
	}
	rep := f.reply
	replyEvidence(&r, s, rep)
	r.Facts["models.http"] = strconv.Itoa(rep.Status)

	switch st := rep.Status; {
	case st >= 200 && st < 300:
		modelsListed(&r, s, rep)
	case st == http.StatusNotFound || st == http.StatusMethodNotAllowed || st == http.StatusNotImplemented:
		// Many gateways simply have no models endpoint; that must not make a
		// healthy setup look broken. The request check decides.
		cl := classify.Classify(st, rep.Header, rep.Body, nil)
		r.Evidence = checks.MergeEvidence(r.Evidence, cl.Evidence)
		r.Status = checks.Warn
		r.Summary = fmt.Sprintf("no models list here (%d %s): this server may not offer one", st, http.StatusText(st))
		r.Details = append(r.Details, "Not every gateway lists its models; the request check shows whether the base URL is right.")
		if cl.Cause == "base-url-path" {
			r.Details = append(r.Details, "If requests get 404 too, the base URL's path is wrong: "+cl.Reason)
		}
	default:
		cl := classify.Classify(st, rep.Header, rep.Body, nil)
		r.Evidence = checks.MergeEvidence(r.Evidence, cl.Evidence)
		r.Status = checks.Fail
		r.Cause = cl.Cause
		r.Summary = statusSummary("the models list", rep, cl)
		r.Evidence.Endpoint = shownURL(modelsURLOf(s))
	}
	return done()
}

// fetchModels gets the models list once per Setup with the user's own auth
// header; Models and AuthHeader share the answer.
func (ns *session) fetchModels(ctx context.Context) fetchResult {
	ns.modelsOnce.Do(func() {
		s := ns.client.setup
		rep, err := ns.client.Do(ctx, Call{URL: modelsURLOf(s)})
		ns.models = fetchResult{reply: rep, err: err}
	})
	return ns.models
}

// modelsListed reads a 2xx models list.
func modelsListed(r *checks.Result, s *checks.Setup, rep *Reply) {
	ids, partial, ok := parseModelList(rep.Body)
	if rep.Truncated {
		partial = true
	}
	if !ok {
		// A 200 that is not a list: often a website or single-page app at
		// this URL rather than the API.
		cl := classify.Classify(rep.Status, rep.Header, rep.Body, nil)
		r.Evidence = checks.MergeEvidence(r.Evidence, cl.Evidence)
		r.Status = checks.Warn
		r.Cause = cl.Cause
		r.Summary = fmt.Sprintf("the models URL answered %d with %s, not a models list", rep.Status, contentKind(rep))
		if cl.Reason != "" {
			r.Details = append(r.Details, cl.Reason)
		}
		return
	}
	want := s.Model
	r.Evidence.Models = modelSample(want, ids, 10)
	count := fmt.Sprintf("%d models", len(ids))
	if partial {
		count = fmt.Sprintf("%d models (the list was cut short)", len(ids))
	}
	switch {
	case len(ids) == 0:
		r.Status = checks.Warn
		r.Summary = "the key works, but the models list is empty"
		r.Details = append(r.Details, "Some gateways list nothing, others list only the models a key may use: check the key's allowed models or route.")
	case want == "":
		r.Status = checks.Pass
		r.Summary = "the key works: " + count + " available"
	case hasModel(ids, want):
		r.Status = checks.Pass
		r.Summary = fmt.Sprintf("the key works and %s is among its %s", want, count)
		r.Facts["models.has_model"] = "yes"
	case partial:
		r.Status = checks.Pass
		r.Summary = fmt.Sprintf("the key works; %s is not among the %s", want, count)
	default:
		r.Status = checks.Fail
		r.Cause = "model-not-found"
		r.Facts["models.has_model"] = "no"
		r.Summary = fmt.Sprintf("%s is not among the %d models this key can use", want, len(ids))
		if near := NearestModels(want, ids, 3); len(near) > 0 {
			r.Evidence.SuggestedModel = near[0]
			r.Summary += "; did you mean " + near[0] + "?"
			if len(near) > 1 {
				r.Details = append(r.Details, "close matches: "+strings.Join(near, ", "))
			}
		}
		r.Details = append(r.Details, "Model IDs must match the list exactly: case, provider prefix (openai/…) and punctuation.")
	}
}

// hasModel: the exact ID, or the same with Google's "models/" namespace.
func hasModel(ids []string, want string) bool {
	want = strings.TrimPrefix(want, "models/")
	for _, id := range ids {
		id = strings.TrimPrefix(id, "models/")
		// An untagged name is its ":latest" tag (Ollama lists
		// llama3.2:latest and serves llama3.2).
		if id == want || isAliasOf(want, id) || (!strings.Contains(want, ":") && id == want+":latest") {
			return true
		}
	}
	return false
}

// isAliasOf reports whether want is the undated alias of a dated snapshot
// in the list: providers list "claude-sonnet-4-5-20250929" or
// "gpt-4o-2024-08-06" and still accept "claude-sonnet-4-5" and "gpt-4o".
func isAliasOf(want, id string) bool {
	rest, ok := strings.CutPrefix(id, want+"-")
	if !ok {
		return false
	}
	digits := strings.ReplaceAll(rest, "-", "")
	if len(digits) != 8 || len(rest) > 10 {
		return false
	}
	for _, r := range digits {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// modelSample picks up to n IDs to show: the nearest to what the user
// wants first, then the list's own order.
func modelSample(want string, ids []string, n int) []string {
	out := NearestModels(want, ids, n)
	seen := map[string]bool{}
	for _, id := range out {
		seen[id] = true
	}
	for _, id := range ids {
		if len(out) >= n {
			break
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// parseModelList reads the list shapes servers use: OpenAI's and Anthropic's
// {"data":[{"id":…}]} (Anthropic adds has_more), {"models":[…]}, a bare array,
// entries as objects (id, name or model) or plain strings. partial says the
// server has more pages; ok is false when the body is no such list. A list cut
// at the size cap still yields the IDs before the cut.
func parseModelList(body []byte) (ids []string, partial bool, ok bool) {
	var top any
	if err := json.Unmarshal(body, &top); err != nil {
		return scanIDs(body)
	}
	var list []any
	switch v := top.(type) {
	case []any:
		list = v
	case map[string]any:
		found := false
		for _, k := range []string{"data", "models", "items"} {
			if l, isList := v[k].([]any); isList {
				list, found = l, true
				break
			}
		}
		if !found {
			return nil, false, false
		}
		if more, _ := v["has_more"].(bool); more {
			partial = true
		}
		if tok, _ := v["nextPageToken"].(string); tok != "" { // Gemini
			partial = true
		}
	default:
		return nil, false, false
	}
	for _, e := range list {
		switch m := e.(type) {
		case string:
			ids = append(ids, m)
		case map[string]any:
			for _, k := range []string{"id", "name", "model"} {
				if id, isStr := m[k].(string); isStr && id != "" {
					ids = append(ids, id)
					break
				}
			}
		}
	}
	if len(list) > 0 && len(ids) == 0 {
		return nil, false, false
	}
	return ids, partial, true
}

var idField = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`"id"\s*:\s*"([^"\\]{1,200})"`) })

// scanIDs salvages IDs from a JSON list cut at the size cap.
func scanIDs(body []byte) ([]string, bool, bool) {
	t := strings.TrimSpace(string(body))
	if !strings.HasPrefix(t, "{") && !strings.HasPrefix(t, "[") {
		return nil, false, false
	}
	var ids []string
	for _, m := range idField().FindAllStringSubmatch(t, -1) {
		ids = append(ids, clip(m[1], 200))
	}
	if len(ids) == 0 {
		return nil, false, false
	}
	return ids, true, true
}

// systemName is the provider as the user knows it.
func systemName(s *checks.Setup) string {
	if s.Profile.Title != "" {
		return s.Profile.Title
	}
	if s.Profile.Name != "" {
		return s.Profile.Name
	}
	return "this server"
}

// contentKind names a body's type for a summary: "text/html", "an empty body".
func contentKind(rep *Reply) string {
	if len(strings.TrimSpace(string(rep.Body))) == 0 {
		return "an empty body"
	}
	ct := rep.ContentType
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	if ct = strings.TrimSpace(ct); ct == "" {
		return "a body of no stated type"
	}
	return ct
}

// replyEvidence records what every answer shows: status, content type,
// truncation, request IDs, proxy and redirects.
func replyEvidence(r *checks.Result, s *checks.Setup, rep *Reply) {
	e := &r.Evidence
	e.Status = rep.Status
	e.ContentType = strings.ToValidUTF8(rep.ContentType, "?")
	e.Truncated = e.Truncated || rep.Truncated
	e.Proxy = rep.Proxy
	e.RequestID, e.RequestIDs = requestIDs(s, rep.Header)
	for _, to := range rep.Redirects {
		r.Details = append(r.Details, "redirected to "+to)
	}
}

// requestIDHeaders are where servers put the ID support asks for.
var requestIDHeaders = []string{"x-request-id", "request-id", "X-LK-Request-ID", "X-Inferoute-Request-Id",
	"X-Oneapi-Request-Id", "x-generation-id", "apim-request-id", "x-amzn-RequestId", "cf-ray"}

// requestIDs returns the first request ID (the profile's own header first)
// and every one seen as "name: value".
func requestIDs(s *checks.Setup, h http.Header) (string, []string) {
	var first string
	var all []string
	seen := map[string]bool{}
	for _, name := range append(append([]string{}, s.Profile.RequestIDHeaders...), requestIDHeaders...) {
		k := http.CanonicalHeaderKey(name)
		if seen[k] {
			continue
		}
		seen[k] = true
		if v := clip(h.Get(k), 200); v != "" {
			if first == "" {
				first = v
			}
			all = append(all, name+": "+v)
		}
	}
	return first, all
}

// statusSummary is one line for a refused call: what answered, the
// status, and the classifier's reason or the server's own message.
func statusSummary(what string, rep *Reply, cl classify.Classification) string {
	s := fmt.Sprintf("%s got %d", what, rep.Status)
	if t := http.StatusText(rep.Status); t != "" {
		s += " " + t
	}
	switch {
	case cl.Reason != "":
		// The reason starts from the status ("429 with code …"), which
		// s already says: say it once, in one sentence.
		code := strconv.Itoa(rep.Status)
		if rest, ok := strings.CutPrefix(cl.Reason, code+" with "); ok {
			s += " with " + rest
		} else if rest, ok := strings.CutPrefix(cl.Reason, code+" — "); ok {
			s += " — " + rest
		} else {
			s += ": " + cl.Reason
		}
	case cl.Evidence.ErrorMessage != "":
		s += ": " + clip(cl.Evidence.ErrorMessage, 200)
	default:
		s += " (" + contentKind(rep) + ")"
	}
	return s
}

// transportFail fills a result for a call that got no answer.
func transportFail(r *checks.Result, rep *Reply, err error, what string) {
	v := classify.Transport(err)
	r.Status = checks.Fail
	r.Cause = v.Cause
	r.Summary = what + ": " + v.Reason
	r.Details = append(r.Details, v.Details...)
	r.Evidence.FailedLayer = v.Layer
	r.Evidence.ErrorMessage = clip(err.Error(), 300)
	if rep != nil {
		r.Evidence.Proxy = rep.Proxy
		for _, to := range rep.Redirects {
			r.Details = append(r.Details, "redirected to "+to)
		}
	}
}

// clip makes server text safe to show: valid UTF-8, no control
// characters, at most n runes.
func clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "�")
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' || r == '\r' {
			return ' '
		}
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return -1
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > n {
		s = string(r[:n]) + "…"
	}
	return s
}
