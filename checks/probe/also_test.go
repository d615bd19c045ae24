package probe

import (
	"net/http"
	"strings"
	"testing"

	"github.com/unstuck-dev/unstuck/checks"
)

var claudeShape = checks.RequestShape{Path: "/v1/messages?beta=true", Stream: true, AlsoCalls: []string{"count_tokens", "small_model"},
	SmallModel: "claude-haiku-4-5-20251001"}

func TestCountTokensMissingOnTheRelay(t *testing.T) {
	a := &netClaudeRelay{models: []string{"claude-sonnet-4-5", "claude-haiku-4-5-20251001"}, noCount: true}
	srv := netServe(t, a)
	s := netSetupFor(t, "anthropic", srv.URL, "claude-sonnet-4-5", claudeShape, func(s *checks.Setup) { s.Client = "claude-code" })
	r := netCheck(t, s, CheckCountTokens, CountTokens)
	netWant(t, r, checks.Fail, "endpoint-unsupported")
	if !strings.Contains(r.Summary, "count_tokens") || !strings.Contains(r.Summary, "claude-code") || netFact(r, "count-tokens.http") != "404" {
		t.Errorf("%q %v", r.Summary, r.Facts)
	}
	if got := a.rec.to("/v1/messages"); len(got) != 0 {
		t.Errorf("the free check sent %d billable requests", len(got))
	}
}

func TestCountTokensNotNamedWithoutProofOfTheBase(t *testing.T) {
	// Everything 404s, the models list too: nothing says the base is right.
	srv := netServe(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		netJSON(w, 404, map[string]any{"type": "error", "error": map[string]any{"type": "not_found_error", "message": "Not Found"}})
	}))
	r := netCheck(t, netSetupFor(t, "anthropic", srv.URL, "claude-sonnet-4-5", claudeShape), CheckCountTokens, CountTokens)
	if r.Cause == "endpoint-unsupported" || r.Status == checks.Pass || netFact(r, "count-tokens.http") != "404" {
		t.Errorf("%s/%q %v: %s", r.Status, r.Cause, r.Facts, r.Summary)
	}
}

func TestCountTokensOnlyForClientsThatCall(t *testing.T) {
	a := &netClaudeRelay{models: []string{"claude-sonnet-4-5"}, noCount: true}
	srv := netServe(t, a)
	r := netCheck(t, netSetupFor(t, "anthropic", srv.URL, "claude-sonnet-4-5", checks.RequestShape{}), CheckCountTokens, CountTokens)
	netWant(t, r, checks.Skip, "")
	if len(a.rec.all()) != 0 {
		t.Errorf("calls %+v", a.rec.all())
	}
}

func TestSmallModelFromTheFreeList(t *testing.T) {
	t.Run("listed", func(t *testing.T) {
		a := &netClaudeRelay{models: []string{"claude-sonnet-4-5", "claude-haiku-4-5-20251001"}}
		srv := netServe(t, a)
		s := netSetupFor(t, "anthropic", srv.URL, "claude-sonnet-4-5", claudeShape)
		r := netCheck(t, s, CheckSmallModel, SmallModel)
		netWant(t, r, checks.Pass, "")
		if netFact(r, "small-model.listed") != "yes" {
			t.Errorf("facts %v", r.Facts)
		}
		// The billed request is not needed: nothing is sent.
		if SmallModelNotSent(t.Context(), s) == "" {
			t.Error("the wizard would ask for a request the free list made unnecessary")
		}
		rq := netCheck(t, s, CheckSmallModelRequest, SmallModelRequest)
		netWant(t, rq, checks.Skip, "")
		if rq.Unseen {
			t.Error("a request that was not needed leaves nothing unseen")
		}
		if got := a.rec.to("/v1/messages"); len(got) != 0 {
			t.Errorf("%d billable requests for a model the free list shows", len(got))
		}
	})
	t.Run("missing", func(t *testing.T) {
		a := &netClaudeRelay{models: []string{"claude-sonnet-4-5", "claude-haiku-4-5"}}
		srv := netServe(t, a)
		r := netCheck(t, netSetupFor(t, "anthropic", srv.URL, "claude-sonnet-4-5", claudeShape), CheckSmallModel, SmallModel)
		netWant(t, r, checks.Fail, "model-not-found")
		if r.Evidence.Model != "claude-haiku-4-5-20251001" || r.Evidence.SuggestedModel != "claude-haiku-4-5" || netFact(r, "small-model.listed") != "no" {
			t.Errorf("evidence %+v facts %v", r.Evidence, r.Facts)
		}
		if !strings.Contains(r.Summary, "background model claude-haiku-4-5-20251001") {
			t.Errorf("summary %q should name the background model", r.Summary)
		}
	})
	t.Run("same as the main model", func(t *testing.T) {
		srv := netServe(t, &netClaudeRelay{models: []string{"claude-sonnet-4-5"}})
		sh := claudeShape
		sh.SmallModel = "claude-sonnet-4-5"
		netWant(t, netCheck(t, netSetupFor(t, "anthropic", srv.URL, "claude-sonnet-4-5", sh), CheckSmallModel, SmallModel), checks.Skip, "")
	})
}

// A relay without a models list cannot tell: then, and only then, one
// billed request asks for the background model, and never with --no-request.
func TestSmallModelRequestWhenTheListCannotTell(t *testing.T) {
	noList := func(a *netClaudeRelay) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/v1/models" {
				w.Header().Set("Content-Type", "text/plain; charset=utf-8")
				w.WriteHeader(404)
				_, _ = w.Write([]byte("404 page not found\n"))
				return
			}
			a.ServeHTTP(w, r)
		}
	}
	a := &netClaudeRelay{models: []string{"claude-sonnet-4-5"}}
	srv := netServe(t, noList(a))
	s := netSetupFor(t, "anthropic", srv.URL, "claude-sonnet-4-5", claudeShape)
	sm := netCheck(t, s, CheckSmallModel, SmallModel)
	if sm.Status != checks.Skip || netFact(sm, "small-model.listed") != "unknown" {
		t.Errorf("%s %v", sm.Status, sm.Facts)
	}
	if why := SmallModelNotSent(t.Context(), s); why != "" {
		t.Errorf("the list cannot tell, yet the wizard would not ask: %q", why)
	}
	r := netCheck(t, s, CheckSmallModelRequest, SmallModelRequest)
	netWant(t, r, checks.Fail, "model-not-found")
	if !strings.Contains(r.Summary, "claude-haiku-4-5-20251001") || netFact(r, "small-model-request.http") != "404" {
		t.Errorf("%q %v", r.Summary, r.Facts)
	}
	got := a.rec.to("/v1/messages")
	if len(got) != 1 || !strings.Contains(string(got[0].Body), `"model":"claude-haiku-4-5-20251001"`) || got[0].Query != "beta=true" {
		t.Errorf("calls %+v", got)
	}

	a2 := &netClaudeRelay{models: []string{"claude-sonnet-4-5"}}
	srv2 := netServe(t, noList(a2))
	s2 := netSetupFor(t, "anthropic", srv2.URL, "claude-sonnet-4-5", claudeShape, func(s *checks.Setup) { s.Config.NoRequest = true })
	netWant(t, netCheck(t, s2, CheckSmallModelRequest, SmallModelRequest), checks.Skip, "")
	if len(a2.rec.to("/v1/messages")) != 0 {
		t.Error("--no-request sent a billable request")
	}
}

func TestBilledSaysWhatWillBeSent(t *testing.T) {
	s := netSetupFor(t, "anthropic", "http://api.test:1", "claude-sonnet-4-5", claudeShape)
	lines := Billed(s, []string{checks.CheckRequest, CheckSmallModelRequest})
	if len(lines) != 2 || !strings.Contains(lines[0], "/v1/messages?beta=true") || !strings.Contains(lines[0], "claude-sonnet-4-5") ||
		!strings.Contains(lines[1], "claude-haiku-4-5-20251001") || !strings.Contains(lines[1], "only if") {
		t.Errorf("%q", lines)
	}
	r := netSetupFor(t, "responses", "http://api.test:1/v1", "gpt-5", checks.RequestShape{Stream: true})
	if l := Billed(r, []string{checks.CheckRequest}); len(l) != 1 || !strings.Contains(l[0], "/v1/responses") || !strings.Contains(l[0], "16 output tokens") {
		t.Errorf("%q", l)
	}
	s.Config.NoRequest = true
	if l := Billed(s, []string{checks.CheckRequest, CheckSmallModelRequest}); len(l) != 0 {
		t.Errorf("--no-request: %q", l)
	}
}
