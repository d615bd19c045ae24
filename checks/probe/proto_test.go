package probe

import (
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/unstuck-dev/unstuck/checks"
)

// ── The Responses API (Codex, the AI SDK's openai()) ─────────────────────

func TestResponsesStreamedLikeCodex(t *testing.T) {
	o := newNetResponses("")
	srv := netServe(t, o)
	s := netSetupFor(t, "responses", srv.URL+"/v1", "gpt-5", checks.RequestShape{Stream: true})
	r := netRequest(t, s)
	netWant(t, r, checks.Pass, "")
	if netFact(r, "request.stream") != "done" || r.Evidence.RequestID != "req_5e1f0c2b9a8d7e6f" {
		t.Errorf("facts %v, request ID %q", r.Facts, r.Evidence.RequestID)
	}
	got := o.rec.to("/v1/responses")
	if len(got) != 1 {
		t.Fatalf("calls %+v, want one POST /v1/responses", o.rec.all())
	}
	var body map[string]any
	if err := json.Unmarshal(got[0].Body, &body); err != nil {
		t.Fatal(err)
	}
	// The API refuses max_output_tokens below 16 (the server above does
	// too): the probe asks for exactly the floor, and streams as Codex does.
	if body["max_output_tokens"] != float64(16) || body["stream"] != true || body["input"] == nil || body["model"] != "gpt-5" {
		t.Errorf("body %v", body)
	}
	if _, has := body["max_tokens"]; has {
		t.Errorf("body %v has chat's max_tokens", body)
	}
	if a := got[0].Header.Get("Accept"); a != "text/event-stream" {
		t.Errorf("Accept %q", a)
	}
	if !strings.HasSuffix(r.Evidence.Endpoint, "/v1/responses") {
		t.Errorf("endpoint %q", r.Evidence.Endpoint)
	}
}

func TestResponsesWholeWhenTheClientDoesNotStream(t *testing.T) {
	o := newNetResponses("")
	srv := netServe(t, o)
	r := netRequest(t, netSetupFor(t, "responses", srv.URL+"/v1", "gpt-5", checks.RequestShape{}))
	netWant(t, r, checks.Pass, "")
	got := o.rec.to("/v1/responses")
	if len(got) != 1 {
		t.Fatalf("calls %+v", o.rec.all())
	}
	if strings.Contains(string(got[0].Body), `"stream":true`) || got[0].Header.Get("Accept") != "application/json" {
		t.Errorf("body %s accept %q: a client that does not stream gets a whole answer", got[0].Body, got[0].Header.Get("Accept"))
	}
	if strings.Contains(strings.Join(r.Details, " "), "ignored stream") {
		t.Errorf("details %v: no stream was asked for", r.Details)
	}
}

func TestResponsesStopsAtTheProbesOwnLimit(t *testing.T) {
	for _, stream := range []bool{true, false} {
		srv := netServe(t, newNetResponses("incomplete"))
		r := netRequest(t, netSetupFor(t, "responses", srv.URL+"/v1", "gpt-5", checks.RequestShape{Stream: stream}))
		netWant(t, r, checks.Pass, "")
		if !strings.Contains(strings.Join(r.Details, " "), "max_output_tokens") {
			t.Errorf("stream=%v: details %v should say the answer stopped at the limit", stream, r.Details)
		}
	}
}

func TestResponsesStreamFailures(t *testing.T) {
	for _, tc := range []struct {
		mode, stream string
	}{
		{"failed", "error"},
		{"error", "error"},
		{"cut", "incomplete"},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			srv := netServe(t, newNetResponses(tc.mode))
			r := netRequest(t, netSetupFor(t, "responses", srv.URL+"/v1", "gpt-5", checks.RequestShape{Stream: true}))
			if r.Status != checks.Fail || netFact(r, "request.stream") != tc.stream || r.Cause != "stream-error" {
				t.Errorf("%s/%q %v: %s", r.Status, r.Cause, r.Facts, r.Summary)
			}
			if tc.mode != "cut" && !strings.Contains(r.Evidence.ErrorCode+r.Evidence.ErrorMessage, "server_error") &&
				!strings.Contains(r.Evidence.ErrorMessage, "error occurred") {
				t.Errorf("evidence %+v should carry the stream's error", r.Evidence)
			}
			if tc.mode == "cut" && !strings.Contains(r.Summary, "response.completed") {
				t.Errorf("summary %q should name the Responses API's end event", r.Summary)
			}
		})
	}
}

func TestResponsesModelNotFound(t *testing.T) {
	srv := netServe(t, newNetResponses(""))
	r := netRequest(t, netSetupFor(t, "responses", srv.URL+"/v1", "gpt-9", checks.RequestShape{Stream: true}))
	netWant(t, r, checks.Fail, "model-not-found")
}

// A chat-completions-only relay: its models list answers at this base,
// /v1/responses is a 404. That is the endpoint the relay lacks, not a wrong
// base URL; without the models list's answer it stays a path problem.
func TestRelayWithoutResponsesIsEndpointUnsupported(t *testing.T) {
	o := newNetResponses("absent")
	srv := netServe(t, o)
	s := netSetupFor(t, "responses", srv.URL+"/v1", "gpt-5", checks.RequestShape{Stream: true})
	r := netRequest(t, s)
	netWant(t, r, checks.Fail, "endpoint-unsupported")
	if !strings.Contains(r.Summary, "/v1/responses") {
		t.Errorf("summary %q should name the endpoint", r.Summary)
	}
	if len(o.rec.to("/v1/models")) != 1 {
		t.Errorf("calls %+v: the free models list tells the base is right", o.rec.all())
	}

	// The same 404 where the models list is missing too: nothing shows the
	// base is right.
	o2 := newNetResponses("absent")
	srv2 := netServe(t, o2)
	s2 := netSetupFor(t, "responses", srv2.URL, "gpt-5", checks.RequestShape{Stream: true})
	r2 := netRequest(t, s2)
	if r2.Cause == "endpoint-unsupported" {
		t.Errorf("no models list at %s, yet %q: %s", srv2.URL, r2.Cause, r2.Summary)
	}
}

// An OpenAI-only server called with the Anthropic protocol.
func TestOpenAIOnlyServerCalledWithAnthropicProtocol(t *testing.T) {
	var rec netRec
	srv := netServe(t, netOpenAIOnly(&rec))
	r := netRequest(t, netSetup(t, "anthropic", srv.URL, hooks{}))
	netWant(t, r, checks.Fail, "endpoint-unsupported")
}

// ── Gemini's native API ──────────────────────────────────────────────────

func TestGeminiGenerateContent(t *testing.T) {
	g := newNetGemini()
	srv := netServe(t, g)
	s := netSetupFor(t, "gemini", srv.URL+"/v1beta", "gemini-2.5-flash", checks.RequestShape{})
	m := netModels(t, s)
	netWant(t, m, checks.Pass, "")
	if netFact(m, "models.has_model") != "yes" {
		t.Errorf("models %v: %s", m.Facts, m.Summary)
	}
	r := netRequest(t, s)
	netWant(t, r, checks.Pass, "")
	calls := g.rec.to("/v1beta/models/gemini-2.5-flash:generateContent")
	if len(calls) != 1 {
		t.Fatalf("calls %+v", g.rec.all())
	}
	c := calls[0]
	if c.Method != "POST" || c.Header.Get("x-goog-api-key") != netTestKey || c.Header.Get("Authorization") != "" || strings.Contains(c.Query, "key=") {
		t.Errorf("%s ?%s headers %v: the key goes in x-goog-api-key only", c.Method, c.Query, c.Header)
	}
	var body map[string]any
	_ = json.Unmarshal(c.Body, &body)
	if body["contents"] == nil || body["model"] != nil || body["messages"] != nil {
		t.Errorf("body %s", c.Body)
	}
	if lists := g.rec.to("/v1beta/models"); len(lists) != 1 || !strings.Contains(lists[0].Query, "pageSize=1000") {
		t.Errorf("models calls %+v", lists)
	}
}

func TestGeminiStreamed(t *testing.T) {
	g := newNetGemini()
	srv := netServe(t, g)
	r := netRequest(t, netSetupFor(t, "gemini", srv.URL+"/v1beta", "gemini-2.5-flash", checks.RequestShape{Stream: true}))
	netWant(t, r, checks.Pass, "")
	calls := g.rec.to("/v1beta/models/gemini-2.5-flash:streamGenerateContent")
	if len(calls) != 1 || calls[0].Query != "alt=sse" {
		t.Errorf("calls %+v", g.rec.all())
	}
}

func TestGeminiRefusals(t *testing.T) {
	t.Run("bad key", func(t *testing.T) {
		srv := netServe(t, newNetGemini())
		s := netSetupFor(t, "gemini", srv.URL+"/v1beta", "gemini-2.5-flash", checks.RequestShape{},
			func(s *checks.Setup) { s.Key = checks.NewSecret("AIzaSyTEST-revoked-0000000000000000000") })
		netWant(t, netModels(t, s), checks.Fail, "key-rejected")
		r := netRequest(t, s)
		netWant(t, r, checks.Fail, "key-rejected")
		if r.Evidence.ErrorCode != "API_KEY_INVALID" {
			t.Errorf("evidence %+v", r.Evidence)
		}
	})
	t.Run("unknown model", func(t *testing.T) {
		srv := netServe(t, newNetGemini())
		s := netSetupFor(t, "gemini", srv.URL+"/v1beta", "gemini-2.5-flahs", checks.RequestShape{})
		m := netModels(t, s)
		netWant(t, m, checks.Fail, "model-not-found")
		if m.Evidence.SuggestedModel != "models/gemini-2.5-flash" && m.Evidence.SuggestedModel != "gemini-2.5-flash" {
			t.Errorf("suggested %q", m.Evidence.SuggestedModel)
		}
		netWant(t, netRequest(t, s), checks.Fail, "model-not-found")
	})
	t.Run("a list with more pages cannot tell", func(t *testing.T) {
		g := newNetGemini()
		g.paged = true
		srv := netServe(t, g)
		m := netModels(t, netSetupFor(t, "gemini", srv.URL+"/v1beta", "gemini-1.5-flash-8b", checks.RequestShape{}))
		if m.Status == checks.Fail {
			t.Errorf("%s %q: a model may be on the next page", m.Status, m.Summary)
		}
	})
	t.Run("safety block in a 200", func(t *testing.T) {
		g := newNetGemini()
		g.finish = "SAFETY"
		srv := netServe(t, g)
		netWant(t, netRequest(t, netSetupFor(t, "gemini", srv.URL+"/v1beta", "gemini-2.5-flash", checks.RequestShape{})), checks.Fail, "content-filtered")
	})
}

// A key in the URL (?key=) is sent there and never printed: not in the
// endpoint, not in an error that names the URL, whatever its value.
func TestGeminiKeyInTheURLIsNeverShown(t *testing.T) {
	const urlKey = "AIzaSyURL-only-secret-4bq9Xw2mT7"
	g := newNetGemini()
	g.urlKey = urlKey
	srv := netServe(t, g)
	s := netSetupFor(t, "gemini", srv.URL+"/v1beta?key="+urlKey, "gemini-2.5-flash", checks.RequestShape{},
		func(s *checks.Setup) { s.ModelsURL = srv.URL + "/v1beta/models?key=" + urlKey })
	r := netRequest(t, s)
	netWant(t, r, checks.Pass, "")
	c := g.rec.to("/v1beta/models/gemini-2.5-flash:generateContent")
	if len(c) != 1 || !strings.Contains(c[0].Query, "key="+urlKey) || c[0].Header.Get("x-goog-api-key") != "" {
		t.Fatalf("calls %+v: the key travels in the URL, as the user's client sends it", g.rec.all())
	}
	if !strings.Contains(r.Evidence.Endpoint, "key=***") {
		t.Errorf("endpoint %q", r.Evidence.Endpoint)
	}
	m := netModels(t, s)
	netWant(t, m, checks.Pass, "")

	// A server that does not answer: Go's error names the URL.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String()
	ln.Close()
	s2 := netSetupFor(t, "gemini", dead+"/v1beta?key="+urlKey, "gemini-2.5-flash", checks.RequestShape{},
		func(s *checks.Setup) { s.ModelsURL = dead + "/v1beta/models?key=" + urlKey })
	// Straight from the checks, before the runner's redaction: the probe
	// itself must not print it.
	r2 := Request(t.Context(), s2)
	m2 := Models(t.Context(), s2)
	for _, res := range []checks.Result{r, m, r2, m2} {
		b, _ := json.Marshal(res)
		if strings.Contains(string(b), urlKey) {
			t.Errorf("%s shows the URL's key: %s", res.ID, b)
		}
	}
	if r2.Status != checks.Fail || m2.Status != checks.Fail {
		t.Errorf("dead server: %s %s", r2.Status, m2.Status)
	}
	for _, line := range Billed(s, []string{checks.CheckRequest}) {
		if strings.Contains(line, urlKey) || !strings.Contains(line, "generateContent") {
			t.Errorf("consent line %q", line)
		}
	}
}

// ── The client's own shape: auth header, headers, query ─────────────────

func TestShapeAuthHeaderIsFollowed(t *testing.T) {
	// Claude Code sends ANTHROPIC_AUTH_TOKEN as Bearer: a relay that reads
	// only Bearer answers it, and the probe must send the same.
	a := &netClaudeRelay{models: []string{"claude-sonnet-4-5"}, bearer: true}
	srv := netServe(t, a)
	s := netSetupFor(t, "anthropic", srv.URL, "claude-sonnet-4-5", checks.RequestShape{Auth: "bearer", Path: "/v1/messages?beta=true"})
	r := netRequest(t, s)
	netWant(t, r, checks.Pass, "")
	c := a.rec.to("/v1/messages")
	if len(c) != 1 || c[0].Header.Get("Authorization") != "Bearer "+netTestKey || c[0].Header.Get("x-api-key") != "" || c[0].Query != "beta=true" {
		t.Errorf("calls %+v", a.rec.all())
	}

	// Codex's Azure provider: the api-key header and query_params on every call.
	var rec netRec
	az := netServe(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		netJSON(w, 200, map[string]any{"object": "list", "data": []any{map[string]any{"id": "gpt-4o"}}})
	}))
	s2 := netSetupFor(t, "openai", az.URL+"/openai/v1", "gpt-4o", checks.RequestShape{Auth: "api-key", Query: map[string]string{"api-version": "2024-10-21"}})
	netModels(t, s2)
	calls := rec.all()
	if len(calls) != 1 || calls[0].Header.Get("api-key") != netTestKey || calls[0].Header.Get("Authorization") != "" || calls[0].Query != "api-version=2024-10-21" {
		t.Errorf("calls %+v", calls)
	}
}
