package probe

// Test servers that answer the way real providers and relays do: status,
// headers and bodies as documented (see "Provider quirks" in CAUSES.md), plus
// hostile servers. No test here touches the network beyond 127.0.0.1, and no
// name is ever looked up in real DNS: every Setup built here resolves through
// netTestResolver.

import (
	"bufio"
	"context"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/unstuck-dev/unstuck/checks"
)

// netTestKey does not look like any platform's key, so only the Setup's
// redactor (not the key-shape patterns) can mask it: a leak shows.
const netTestKey = "unit-TEST-key-7c1e5a93b8d24f60"

// netTestResolver maps test names to loopback and refuses .invalid, like a
// real resolver would, without asking one.
type netTestResolver struct{}

func (netTestResolver) LookupIPAddr(_ context.Context, host string) ([]net.IPAddr, error) {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	switch {
	case strings.HasSuffix(h, ".invalid"):
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	case h == "api.test", h == "other.test", h == "wrong.test", h == "api.example.com", h == "mcp.test":
		return []net.IPAddr{{IP: net.IPv4(127, 0, 0, 1)}}, nil
	}
	return nil, fmt.Errorf("test resolver: unexpected lookup of %q (tests must not use real DNS)", host)
}

// netSetup builds a Setup by hand for a server at base (an OpenAI-style base
// ends in /v1; an Anthropic-style one has none). opts run before the client
// is built, so they may change the timeout and the environment.
func netSetup(t *testing.T, protocol, base string, h hooks, opts ...func(*checks.Setup)) *checks.Setup {
	t.Helper()
	s := &checks.Setup{
		Config:   checks.Config{Timeout: 2 * time.Second, Env: checks.Env{}},
		Protocol: protocol,
		Key:      checks.NewSecret(netTestKey),
		BaseURL:  base,
		Redactor: checks.NewRedactor(),
	}
	s.Redactor.Add(netTestKey)
	switch protocol {
	case "anthropic":
		s.Profile = checks.Profile{Name: "anthropic", Title: "Anthropic", Protocol: "anthropic", AuthHeaders: []string{"x-api-key"},
			ExtraHeaders: map[string]string{"anthropic-version": "2023-06-01"}, RequestIDHeaders: []string{"request-id"}, HasModelsList: true}
		s.KeyEnv, s.Model = "ANTHROPIC_API_KEY", "claude-sonnet-4-20250514"
		s.Endpoint, s.ModelsURL = base+"/v1/messages", base+"/v1/models"
	default:
		s.Profile = checks.Profile{Name: "openai-compatible", Title: "OpenAI-compatible server", Protocol: "openai", AuthHeaders: []string{"bearer"},
			RequestIDHeaders: []string{"x-request-id"}, HasModelsList: true}
		s.KeyEnv, s.Model = "OPENAI_API_KEY", "gpt-4o"
		s.Endpoint, s.ModelsURL = base+"/chat/completions", base+"/models"
	}
	for _, o := range opts {
		o(s)
	}
	if h.resolver == nil {
		h.resolver = netTestResolver{}
	}
	useHooks(s, h)
	return s
}

// netTimeout sets a short step timeout for hostile-server tests.
func netTimeout(d time.Duration) func(*checks.Setup) {
	return func(s *checks.Setup) { s.Config.Timeout = d }
}

// netAt rewrites a test server's URL to use a test host name.
func netAt(srv *httptest.Server, host string) string {
	u, _ := url.Parse(srv.URL)
	return u.Scheme + "://" + host + ":" + u.Port()
}

// netRoots trusts a TLS test server's certificate.
func netRoots(srv *httptest.Server) *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(srv.Certificate())
	return p
}

// netServe starts a test server and closes it when the test ends.
func netServe(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// netHits counts requests and keeps the last one's headers.
type netHits struct {
	n    atomic.Int32
	mu   sync.Mutex
	last http.Header
	all  []string // "METHOD path"
}

func (h *netHits) record(r *http.Request) {
	h.n.Add(1)
	h.mu.Lock()
	h.last = r.Header.Clone()
	h.all = append(h.all, r.Method+" "+r.URL.Path)
	h.mu.Unlock()
}

func (h *netHits) header() http.Header {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.last
}

func netJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// netSSE writes events, flushing each, as providers do. The caller must have
// read the request body (netDrain): until it has, the server cannot notice
// the client hanging up, and a never-ending handler would never end.
func netSSE(w http.ResponseWriter, lines ...string) {
	w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	f, _ := w.(http.Flusher)
	for _, l := range lines {
		_, _ = io.WriteString(w, l+"\n\n")
		if f != nil {
			f.Flush()
		}
	}
}

// netDrain reads the request body, so that the test server notices when the
// client hangs up (r.Context() is cancelled only after the body is read).
func netDrain(r *http.Request) { _, _ = io.Copy(io.Discard, r.Body) }

// netOpenAI imitates api.openai.com/v1: Bearer auth, a models list, streamed
// chat completions ending in [DONE], 401 invalid_api_key, 404
// model_not_found, and (rateLimited) a 429 with x-ratelimit-* headers.
type netOpenAI struct {
	models      []string
	rateLimited bool
	hits        netHits
	chatHits    atomic.Int32
	lastBody    atomic.Value // string
}

func newNetOpenAI() *netOpenAI {
	return &netOpenAI{models: []string{"gpt-4o", "gpt-4o-mini", "gpt-4.1", "o3-mini", "text-embedding-3-small"}}
}

func (o *netOpenAI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	o.hits.record(r)
	w.Header().Set("x-request-id", "req_8f2c1e0a9b7d")
	if r.Header.Get("Authorization") != "Bearer "+netTestKey {
		netJSON(w, 401, map[string]any{"error": map[string]any{
			"message": "Incorrect API key provided: unit****4f60. You can find your API key at https://platform.openai.com/account/api-keys.",
			"type":    "invalid_request_error", "param": nil, "code": "invalid_api_key"}})
		return
	}
	switch {
	case r.Method == "GET" && r.URL.Path == "/v1/models":
		var data []map[string]any
		for _, m := range o.models {
			data = append(data, map[string]any{"id": m, "object": "model", "created": 1715367049, "owned_by": "system"})
		}
		netJSON(w, 200, map[string]any{"object": "list", "data": data})
	case r.Method == "POST" && r.URL.Path == "/v1/chat/completions":
		o.chatHits.Add(1)
		b, _ := io.ReadAll(r.Body)
		o.lastBody.Store(string(b))
		var req struct {
			Model  string `json:"model"`
			Stream bool   `json:"stream"`
		}
		_ = json.Unmarshal(b, &req)
		if o.rateLimited {
			h := w.Header()
			h.Set("x-ratelimit-limit-requests", "500")
			h.Set("x-ratelimit-remaining-requests", "0")
			h.Set("x-ratelimit-reset-requests", "6m0s")
			h.Set("x-ratelimit-limit-tokens", "30000")
			h.Set("x-ratelimit-remaining-tokens", "29950")
			h.Set("x-ratelimit-reset-tokens", "644ms")
			h.Set("retry-after", "20")
			netJSON(w, 429, map[string]any{"error": map[string]any{
				"message": "Rate limit reached for gpt-4o in organization org-abc on requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again in 120ms.",
				"type":    "requests", "param": nil, "code": "rate_limit_exceeded"}})
			return
		}
		found := false
		for _, m := range o.models {
			found = found || m == req.Model
		}
		if !found {
			netJSON(w, 404, map[string]any{"error": map[string]any{
				"message": fmt.Sprintf("The model `%s` does not exist or you do not have access to it.", req.Model),
				"type":    "invalid_request_error", "param": nil, "code": "model_not_found"}})
			return
		}
		chunk := func(delta, finish string) string {
			f := "null"
			if finish != "" {
				f = `"` + finish + `"`
			}
			return fmt.Sprintf(`data: {"id":"chatcmpl-B9","object":"chat.completion.chunk","created":1727000000,"model":"%s-2024-08-06","system_fingerprint":"fp_1","choices":[{"index":0,"delta":%s,"logprobs":null,"finish_reason":%s}]}`, req.Model, delta, f)
		}
		netSSE(w, chunk(`{"role":"assistant","content":"","refusal":null}`, ""), chunk(`{"content":"OK"}`, ""), chunk(`{}`, "length"), "data: [DONE]")
	default:
		netJSON(w, 404, map[string]any{"error": map[string]any{
			"message": fmt.Sprintf("Invalid URL (%s %s)", r.Method, r.URL.Path), "type": "invalid_request_error", "param": nil, "code": "unknown_url"}})
	}
}

// netAnthropic imitates api.anthropic.com: x-api-key plus anthropic-version
// required, a paginated models list, a stream ending in message_stop, and
// (overloaded) a 529 overloaded_error.
type netAnthropic struct {
	overloaded bool
	hits       netHits
}

func (a *netAnthropic) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.hits.record(r)
	w.Header().Set("request-id", "req_011CTest")
	if r.Header.Get("x-api-key") != netTestKey {
		netJSON(w, 401, map[string]any{"type": "error", "error": map[string]any{"type": "authentication_error", "message": "invalid x-api-key"}, "request_id": "req_011CTest"})
		return
	}
	if r.Header.Get("anthropic-version") == "" {
		netJSON(w, 400, map[string]any{"type": "error", "error": map[string]any{"type": "invalid_request_error", "message": "anthropic-version: header is required"}})
		return
	}
	switch {
	case r.Method == "GET" && r.URL.Path == "/v1/models":
		netJSON(w, 200, map[string]any{
			"data": []map[string]any{
				{"type": "model", "id": "claude-sonnet-4-20250514", "display_name": "Claude Sonnet 4", "created_at": "2025-05-22T00:00:00Z"},
				{"type": "model", "id": "claude-3-5-haiku-20241022", "display_name": "Claude Haiku 3.5", "created_at": "2024-10-22T00:00:00Z"},
			},
			"has_more": false, "first_id": "claude-sonnet-4-20250514", "last_id": "claude-3-5-haiku-20241022"})
	case r.Method == "POST" && r.URL.Path == "/v1/messages":
		if a.overloaded {
			netJSON(w, 529, map[string]any{"type": "error", "error": map[string]any{"type": "overloaded_error", "message": "Overloaded"}, "request_id": "req_011CTest"})
			return
		}
		netSSE(w,
			`event: message_start`+"\n"+`data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4-20250514","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":10,"output_tokens":1}}}`,
			`event: content_block_start`+"\n"+`data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`,
			`event: ping`+"\n"+`data: {"type": "ping"}`,
			`event: content_block_delta`+"\n"+`data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"OK"}}`,
			`event: content_block_stop`+"\n"+`data: {"type":"content_block_stop","index":0}`,
			`event: message_delta`+"\n"+`data: {"type":"message_delta","delta":{"stop_reason":"max_tokens","stop_sequence":null},"usage":{"output_tokens":1}}`,
			`event: message_stop`+"\n"+`data: {"type":"message_stop"}`)
	default:
		netJSON(w, 404, map[string]any{"type": "error", "error": map[string]any{"type": "not_found_error", "message": "Not found"}})
	}
}

// netOpenRouterMidStreamError answers 200, starts the stream, then reports
// the upstream's failure inside it, as OpenRouter does.
func netOpenRouterMidStreamError(w http.ResponseWriter, r *http.Request) {
	netDrain(r)
	netSSE(w,
		": OPENROUTER PROCESSING",
		`data: {"id":"gen-1","provider":"OpenAI","model":"openai/gpt-4o","object":"chat.completion.chunk","created":1727000000,"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}`,
		`data: {"id":"gen-1","object":"chat.completion.chunk","created":1727000000,"model":"openai/gpt-4o","provider":"OpenAI","error":{"code":502,"message":"Provider returned error","metadata":{"raw":"upstream connect error or disconnect/reset before headers","provider_name":"OpenAI"}},"choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}]}`)
}

// netHTMLRelay is a website or single-page app answering every path with
// 200 text/html, as happens when the base URL points at the wrong place.
func netHTMLRelay(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = io.WriteString(w, `<!doctype html><html><head><title>Acme Console</title></head><body><div id="root"></div><script src="/assets/index-4f3a.js"></script></body></html>`)
}

// netGatewayNoModels is an OpenAI-compatible gateway without a models
// endpoint: /v1/models is a plain 404 from its router, chat works.
func netGatewayNoModels(o *netOpenAI) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/models" {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(404)
			_, _ = io.WriteString(w, "404 page not found\n")
			return
		}
		o.ServeHTTP(w, r)
	}
}

// netConnectProxy is a tiny forward proxy: CONNECT tunnels to dialTo
// (whatever host was asked for, so the API host needs no DNS here) or, when
// refuse is set, answers CONNECT with that status.
type netConnectProxy struct {
	dialTo  string
	refuse  int
	mu      sync.Mutex
	targets []string
	headers []http.Header
}

func (p *netConnectProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.targets = append(p.targets, r.Method+" "+r.Host)
	p.headers = append(p.headers, r.Header.Clone())
	p.mu.Unlock()
	if r.Method != http.MethodConnect {
		http.Error(w, "only CONNECT here", http.StatusMethodNotAllowed)
		return
	}
	if p.refuse != 0 {
		if p.refuse == http.StatusProxyAuthRequired {
			w.Header().Set("Proxy-Authenticate", `Basic realm="corp"`)
		}
		w.WriteHeader(p.refuse)
		return
	}
	up, err := net.Dial("tcp", p.dialTo)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	hj, _ := w.(http.Hijacker)
	conn, buf, err := hj.Hijack()
	if err != nil {
		up.Close()
		return
	}
	_, _ = io.WriteString(conn, "HTTP/1.1 200 Connection established\r\n\r\n")
	go func() {
		defer up.Close()
		defer conn.Close()
		_, _ = io.Copy(up, buf)
	}()
	go func() {
		defer up.Close()
		defer conn.Close()
		_, _ = io.Copy(conn, up)
	}()
}

func (p *netConnectProxy) seen() ([]string, []http.Header) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.targets...), append([]http.Header(nil), p.headers...)
}

// netSilent accepts connections and never answers.
func netSilent(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			go func() { _, _ = io.Copy(io.Discard, bufio.NewReader(c)) }()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	return ln.Addr().String()
}

// netClosedPort returns an address where nothing listens.
func netClosedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// netWithin fails the test if f does not return: a check that hangs is the
// bug being tested for, and a hung test says nothing.
func netWithin[T any](t *testing.T, f func() T) T {
	t.Helper()
	ch := make(chan T, 1)
	go func() { ch <- f() }()
	select {
	case v := <-ch:
		return v
	case <-time.After(20 * time.Second):
		t.Fatal("the check did not return: it hangs")
		panic("unreachable")
	}
}

// netNoKey fails when the raw key appears anywhere in the results.
func netNoKey(t *testing.T, rs ...checks.Result) {
	t.Helper()
	for _, r := range rs {
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		text := string(b) + fmt.Sprintf("%v %+v %#v", r, r, r)
		if strings.Contains(text, netTestKey) {
			t.Errorf("result %s holds the raw key: %s", r.ID, b)
		}
	}
}

// netFact reads a fact, "" when missing.
func netFact(r checks.Result, name string) string { return r.Facts[name] }
