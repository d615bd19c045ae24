package probe

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/unstuck-dev/unstuck/checks"
)

func netRequest(t *testing.T, s *checks.Setup) checks.Result {
	t.Helper()
	return netCheck(t, s, checks.CheckRequest, Request)
}

func netWant(t *testing.T, r checks.Result, st checks.Status, cause string) {
	t.Helper()
	if r.Status != st || r.Cause != cause {
		t.Errorf("%s/%q (%s), want %s/%q", r.Status, r.Cause, r.Summary, st, cause)
	}
}

func TestRequestOpenAIStream(t *testing.T) {
	o := newNetOpenAI()
	srv := netServe(t, o)
	r := netRequest(t, netSetup(t, "openai", srv.URL+"/v1", hooks{}))
	netWant(t, r, checks.Pass, "")
	if netFact(r, "request.http") != "200" || netFact(r, "request.stream") != "done" {
		t.Errorf("facts %v", r.Facts)
	}
	if r.Evidence.TTFBMs <= 0 || r.Evidence.TotalMs < r.Evidence.TTFBMs {
		t.Errorf("ttfb %d total %d", r.Evidence.TTFBMs, r.Evidence.TotalMs)
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(o.lastBody.Load().(string)), &body); err != nil {
		t.Fatal(err)
	}
	if body["stream"] != true || body["max_tokens"] != float64(1) || body["model"] != "gpt-4o" {
		t.Errorf("request body %v", body)
	}
	if o.hits.header().Get("Accept") != "text/event-stream" {
		t.Errorf("Accept %q", o.hits.header().Get("Accept"))
	}
}

func TestRequestAnthropicStream(t *testing.T) {
	a := &netAnthropic{}
	srv := netServe(t, a)
	r := netRequest(t, netSetup(t, "anthropic", srv.URL, hooks{}))
	netWant(t, r, checks.Pass, "")
	if r.Evidence.RequestID != "req_011CTest" {
		t.Errorf("request ID %q", r.Evidence.RequestID)
	}
}

func TestRequestAnthropicOverloaded(t *testing.T) {
	srv := netServe(t, &netAnthropic{overloaded: true})
	r := netRequest(t, netSetup(t, "anthropic", srv.URL, hooks{}))
	netWant(t, r, checks.Fail, "upstream-unavailable")
	if netFact(r, "request.http") != "529" || r.Evidence.ErrorType != "overloaded_error" {
		t.Errorf("facts %v evidence %+v", r.Facts, r.Evidence)
	}
}

func TestRequestRateLimited(t *testing.T) {
	o := newNetOpenAI()
	o.rateLimited = true
	srv := netServe(t, o)
	r := netRequest(t, netSetup(t, "openai", srv.URL+"/v1", hooks{}))
	netWant(t, r, checks.Fail, "rate-limited")
	if r.Evidence.RateLimit == nil {
		t.Error("no rate-limit evidence from the x-ratelimit-* headers")
	}
	if o.chatHits.Load() != 1 {
		t.Errorf("%d requests: a 429 must not be retried", o.chatHits.Load())
	}
	// One sentence that says the status once: not "got 429 Too Many
	// Requests: 429 with code …: speed, not money: …".
	if strings.Count(r.Summary, "429") != 1 || strings.Count(r.Summary, ": ") > 1 ||
		!strings.HasPrefix(r.Summary, "the request got 429 Too Many Requests with code rate_limit_exceeded — ") {
		t.Errorf("summary %q", r.Summary)
	}
}

func TestRequestModelNotFound(t *testing.T) {
	srv := netServe(t, newNetOpenAI())
	r := netRequest(t, netSetup(t, "openai", srv.URL+"/v1", hooks{}, func(s *checks.Setup) { s.Model = "gpt4" }))
	netWant(t, r, checks.Fail, "model-not-found")
}

func TestRequestOpenRouterErrorMidStream(t *testing.T) {
	srv := netServe(t, http.HandlerFunc(netOpenRouterMidStreamError))
	r := netRequest(t, netSetup(t, "openai", srv.URL+"/api/v1", hooks{}, func(s *checks.Setup) { s.Model = "openai/gpt-4o" }))
	if r.Status != checks.Fail || netFact(r, "request.stream") != "error" {
		t.Fatalf("%s %v: %s", r.Status, r.Facts, r.Summary)
	}
	// The classifier's cause for the embedded error (a 502 from the
	// provider), or stream-error when it names none — never healthy.
	switch r.Cause {
	case "stream-error", "upstream-unavailable", "upstream-error":
	default:
		t.Errorf("cause %q", r.Cause)
	}
	if netFact(r, "request.http") != "200" {
		t.Errorf("request.http %q", netFact(r, "request.http"))
	}
}

func TestRequestStreamErrorEvent(t *testing.T) {
	srv := netServe(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		netDrain(r)
		netSSE(w, `data: {"id":"1","choices":[{"index":0,"delta":{"content":""}}]}`,
			"event: error\ndata: {\"error\":{\"message\":\"route has no eligible provider\",\"code\":\"all_providers_exhausted\"}}")
	}))
	r := netRequest(t, netSetup(t, "openai", srv.URL+"/v1", hooks{}))
	if r.Status != checks.Fail || netFact(r, "request.stream") != "error" || r.Cause == "" {
		t.Errorf("%s/%q %v: %s", r.Status, r.Cause, r.Facts, r.Summary)
	}
}

func TestRequestStreamProblems(t *testing.T) {
	short := netTimeout(200 * time.Millisecond)
	cases := []struct {
		name   string
		h      http.HandlerFunc
		status checks.Status
		cause  string
		stream string
	}{
		{"never ends", func(w http.ResponseWriter, r *http.Request) {
			netDrain(r)
			netSSE(w, `data: {"id":"1","choices":[{"index":0,"delta":{"content":"O"}}]}`)
			<-r.Context().Done()
		}, checks.Fail, "stream-error", "stalled"},
		{"keep-alive comments forever", func(w http.ResponseWriter, r *http.Request) {
			netDrain(r)
			netSSE(w)
			for {
				if _, err := io.WriteString(w, ": keep-alive\n\n"); err != nil {
					return
				}
				w.(http.Flusher).Flush()
				select {
				case <-r.Context().Done():
					return
				case <-time.After(50 * time.Millisecond):
				}
			}
		}, checks.Fail, "stream-error", "stalled"},
		{"ends without anything final", func(w http.ResponseWriter, r *http.Request) {
			netDrain(r)
			netSSE(w, `data: {"id":"1","choices":[{"index":0,"delta":{"content":"O"}}]}`)
		}, checks.Fail, "stream-error", "incomplete"},
		{"finish reason but no [DONE]", func(w http.ResponseWriter, r *http.Request) {
			netDrain(r)
			netSSE(w, `data: {"id":"1","choices":[{"index":0,"delta":{},"finish_reason":"length"}]}`)
		}, checks.Warn, "stream-error", "incomplete"},
		{"empty stream", func(w http.ResponseWriter, r *http.Request) { netDrain(r); netSSE(w) }, checks.Fail, "stream-error", "incomplete"},
		{"not a stream, one JSON answer", func(w http.ResponseWriter, r *http.Request) {
			netDrain(r)
			netJSON(w, 200, map[string]any{"id": "1", "object": "chat.completion", "model": "gpt-4o",
				"choices": []any{map[string]any{"index": 0, "message": map[string]any{"role": "assistant", "content": "OK"}, "finish_reason": "length"}}})
		}, checks.Pass, "", "done"},
		{"stream without content type", func(w http.ResponseWriter, r *http.Request) {
			netDrain(r)
			_, _ = io.WriteString(w, "data: {\"choices\":[{\"delta\":{\"content\":\"OK\"}}]}\n\ndata: [DONE]\n\n")
		}, checks.Pass, "", "done"},
		{"CRLF lines and multi-line data", func(w http.ResponseWriter, r *http.Request) {
			netDrain(r)
			w.Header().Set("Content-Type", "text/event-stream")
			_, _ = io.WriteString(w, "data: {\"choices\":\r\ndata: [{\"delta\":{\"content\":\"OK\"}}]}\r\n\r\ndata: [DONE]\r\n\r\n")
		}, checks.Pass, "", "done"},
		{"invalid UTF-8 in the stream", func(w http.ResponseWriter, r *http.Request) {
			netDrain(r)
			netSSE(w, "data: {\"choices\":[{\"delta\":{\"content\":\"\xff\xfe\"}}],\"model\":\"m\xc3\"}", "data: [DONE]")
		}, checks.Pass, "", "done"},
		{"error JSON in a 200", func(w http.ResponseWriter, r *http.Request) {
			netDrain(r)
			netJSON(w, 200, map[string]any{"error": map[string]any{"message": "Insufficient balance", "type": "insufficient_funds", "code": "insufficient_balance"}})
		}, checks.Fail, "insufficient-balance", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := netServe(t, tc.h)
			r := netRequest(t, netSetup(t, "openai", srv.URL+"/v1", hooks{}, short))
			netWant(t, r, tc.status, tc.cause)
			if tc.stream != "" && netFact(r, "request.stream") != tc.stream {
				t.Errorf("request.stream %q, want %q", netFact(r, "request.stream"), tc.stream)
			}
		})
	}
}

func TestRequestHugeStreamIsCapped(t *testing.T) {
	srv := netServe(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		netDrain(r)
		w.Header().Set("Content-Type", "text/event-stream")
		ev := []byte(`data: {"choices":[{"delta":{"content":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}}]}` + "\n\n")
		for i := 0; i < 1<<24; i++ {
			if _, err := w.Write(ev); err != nil {
				return
			}
		}
	}))
	r := netRequest(t, netSetup(t, "openai", srv.URL+"/v1", hooks{}, netTimeout(5*time.Second)))
	netWant(t, r, checks.Fail, "stream-error")
	if !r.Evidence.Truncated {
		t.Error("Truncated not set")
	}
}

func TestRequestHTMLRelay(t *testing.T) {
	srv := netServe(t, http.HandlerFunc(netHTMLRelay))
	r := netRequest(t, netSetup(t, "openai", srv.URL+"/v1", hooks{}))
	netWant(t, r, checks.Fail, "base-url-path")
}

func TestRequestGatewayWithoutModelsList(t *testing.T) {
	srv := netServe(t, netGatewayNoModels(newNetOpenAI()))
	s := netSetup(t, "openai", srv.URL+"/v1", hooks{})
	m := netModels(t, s)
	r := netRequest(t, s)
	if m.Status != checks.Warn || r.Status != checks.Pass {
		t.Errorf("models %s, request %s: a gateway without /models is healthy", m.Status, r.Status)
	}
}

func TestRequestNoRequestSendsNothing(t *testing.T) {
	o := newNetOpenAI()
	srv := netServe(t, o)
	r := netRequest(t, netSetup(t, "openai", srv.URL+"/v1", hooks{}, func(s *checks.Setup) { s.Config.NoRequest = true }))
	netWant(t, r, checks.Skip, "")
	if o.hits.n.Load() != 0 {
		t.Errorf("%d requests sent with --no-request", o.hits.n.Load())
	}
}

func TestRequestSentAtMostOnce(t *testing.T) {
	o := newNetOpenAI()
	srv := netServe(t, o)
	s := netSetup(t, "openai", srv.URL+"/v1", hooks{})
	first := netRequest(t, s)
	second := netRequest(t, s)
	if o.chatHits.Load() != 1 {
		t.Errorf("%d billable requests, want 1", o.chatHits.Load())
	}
	if first.Status != second.Status || first.Summary != second.Summary {
		t.Error("the second call did not return the first result")
	}
}

func TestRequestMaxTokensQuirkIsNotRetried(t *testing.T) {
	var hits netHits
	srv := netServe(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		netDrain(r)
		hits.record(r)
		netJSON(w, 400, map[string]any{"error": map[string]any{
			"message": "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
			"type":    "invalid_request_error", "param": "max_tokens", "code": "unsupported_parameter"}})
	}))
	r := netRequest(t, netSetup(t, "openai", srv.URL+"/v1", hooks{}, func(s *checks.Setup) { s.Model = "o3-mini" }))
	netWant(t, r, checks.Warn, "")
	if netFact(r, "request.quirk") != "max_completion_tokens" {
		t.Errorf("facts %v", r.Facts)
	}
	if hits.n.Load() != 1 {
		t.Errorf("%d requests, want exactly 1", hits.n.Load())
	}
}

func TestRequestSlowResponse(t *testing.T) {
	srv := netServe(t, newNetOpenAI())
	// A threshold of 1ns makes any answer slow, without sleeping.
	r := netRequest(t, netSetup(t, "openai", srv.URL+"/v1", hooks{slowAfter: time.Nanosecond}))
	netWant(t, r, checks.Warn, "slow-response")
	if netFact(r, "request.slow") != "yes" {
		t.Errorf("facts %v", r.Facts)
	}
	fast := netRequest(t, netSetup(t, "openai", srv.URL+"/v1", hooks{slowAfter: time.Hour}))
	netWant(t, fast, checks.Pass, "")
}

func TestRequestWrongProvider(t *testing.T) {
	serve := func(provider string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			netDrain(r)
			w.Header().Set("X-Inferoute-Provider", provider)
			w.Header().Set("X-Inferoute-Request-Id", "ir-123")
			netSSE(w, `data: {"id":"1","model":"gpt-4o","choices":[{"index":0,"delta":{"content":"OK"},"finish_reason":"length"}]}`, "data: [DONE]")
		}
	}
	tokenhub := func(s *checks.Setup) {
		s.Model = "openai/gpt-4o"
		s.Profile = checks.Profile{Name: "tokenhub", Protocol: "openai", AuthHeaders: []string{"bearer"},
			RequestIDHeaders: []string{"X-Inferoute-Request-Id"}, ProviderHeader: "X-Inferoute-Provider", HasModelsList: true}
	}
	srv := netServe(t, serve("azure"))
	r := netRequest(t, netSetup(t, "openai", srv.URL+"/v1", hooks{}, tokenhub))
	netWant(t, r, checks.Warn, "wrong-provider")
	if r.Evidence.ServedBy != "azure" || r.Evidence.RequestID != "ir-123" {
		t.Errorf("evidence %+v", r.Evidence)
	}

	srv = netServe(t, serve("OpenAI"))
	r = netRequest(t, netSetup(t, "openai", srv.URL+"/v1", hooks{}, tokenhub))
	netWant(t, r, checks.Pass, "")
	if r.Evidence.ServedBy != "OpenAI" {
		t.Errorf("served by %q", r.Evidence.ServedBy)
	}

	// Without a provider prefix the user chose no provider: nothing is wrong.
	srv = netServe(t, serve("azure"))
	r = netRequest(t, netSetup(t, "openai", srv.URL+"/v1", hooks{}, tokenhub, func(s *checks.Setup) { s.Model = "gpt-4o" }))
	netWant(t, r, checks.Pass, "")
}

func TestRequestSilentServer(t *testing.T) {
	addr := netSilent(t)
	r := netRequest(t, netSetup(t, "openai", "http://"+addr+"/v1", hooks{}, netTimeout(200*time.Millisecond)))
	netWant(t, r, checks.Fail, "timeout")
}

// Without a model the probe borrows one from the key's own models list and
// says so; with no list to borrow from it sends nothing.
func TestRequestWithoutModel(t *testing.T) {
	o := newNetOpenAI()
	srv := netServe(t, o)
	r := netRequest(t, netSetup(t, "openai", srv.URL+"/v1", hooks{}, func(s *checks.Setup) { s.Model = "" }))
	netWant(t, r, checks.Pass, "")
	if r.Facts["request.model_guessed"] != "yes" || r.Evidence.Model == "" {
		t.Errorf("the borrowed model is not reported: facts %v, model %q", r.Facts, r.Evidence.Model)
	}

	bare := netServe(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		netDrain(r)
		if r.Method == http.MethodPost {
			t.Error("sent without a model and without a models list")
		}
		http.NotFound(w, r)
	}))
	r = netRequest(t, netSetup(t, "openai", bare.URL+"/v1", hooks{}, func(s *checks.Setup) { s.Model = "" }))
	netWant(t, r, checks.Skip, "")
}

func TestRequestKeyEchoedNeverShown(t *testing.T) {
	srv := netServe(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		netDrain(r)
		w.Header().Set("x-request-id", "echo "+netTestKey)
		netJSON(w, 401, map[string]any{"error": map[string]any{
			"message": "Invalid API key: " + netTestKey + " (header " + r.Header.Get("Authorization") + ")",
			"type":    "invalid_request_error", "code": "invalid_api_key"}})
	}))
	s := netSetup(t, "openai", srv.URL+"/v1", hooks{})
	r := netRequest(t, s)
	if r.Status != checks.Fail {
		t.Errorf("%s", r.Status)
	}
	if !strings.Contains(r.Evidence.ErrorMessage+r.Summary, "redacted") {
		t.Errorf("the echoed key was not visibly masked: %q / %q", r.Summary, r.Evidence.ErrorMessage)
	}
	netNoKey(t, netModels(t, s), netAuthHeader(t, s))
}

func TestProbeModelPicksASmallChatModel(t *testing.T) {
	cases := []struct {
		ids  []string
		want string
	}{
		{[]string{"text-embedding-3-small", "gpt-4o", "gpt-4o-mini", "whisper-1"}, "gpt-4o-mini"},
		{[]string{"claude-opus-4-1-20250805", "claude-3-5-haiku-20241022"}, "claude-3-5-haiku-20241022"},
		{[]string{"text-embedding-3-small", "dall-e-3", "gpt-4.1"}, "gpt-4.1"},
		{[]string{"text-embedding-3-small", "tts-1"}, ""},
		{nil, ""},
	}
	for _, c := range cases {
		if got := probeModel(c.ids); got != c.want {
			t.Errorf("probeModel(%v) = %q, want %q", c.ids, got, c.want)
		}
	}
}
