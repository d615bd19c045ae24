package main

// Servers for the end-to-end tests: local imitations of the APIs unstuck
// diagnoses, answering as the real ones do (status, headers, body; see
// "Provider quirks" in CAUSES.md). They listen on 127.0.0.1 only.

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// e2eAPI imitates one API server: OpenAI-style (Authorization: Bearer,
// {prefix}/models, {prefix}/chat/completions) or Anthropic-style (x-api-key
// plus anthropic-version, /v1/models, /v1/messages). Anything it does not
// override answers the way the real provider does.
type e2eAPI struct {
	style  string   // "openai" or "anthropic"
	key    string   // the only key it accepts
	models []string // what the models list shows; a completion for another model is a 404 model_not_found
	alias  []string // accepted on completions but not listed (Anthropic's aliases)
	// anyModel accepts completions for any model, or none (a gateway whose
	// route picks the model).
	anyModel bool
	// xAPIKey: an OpenAI-style server that reads the key from x-api-key only.
	xAPIKey bool
	prefix  string // where the API lives: "/v1" (default), "/api/v1" (OpenRouter)

	// header is set on every answer (request IDs, server names).
	header http.Header
	// unauthorized answers a wrong or missing key; default: the provider's 401.
	unauthorized func(w http.ResponseWriter, r *http.Request)
	// listModels answers an authorised models list; default: the list.
	listModels func(w http.ResponseWriter, r *http.Request)
	// complete answers an authorised completion for a listed model;
	// default: the provider's stream, ending with its end marker.
	complete func(w http.ResponseWriter, r *http.Request, req e2eCompletion)
	// notFound answers any other path; default: the provider's JSON 404.
	notFound func(w http.ResponseWriter, r *http.Request)

	posts atomic.Int32 // completions asked for (billable), authorised or not
	gets  atomic.Int32

	mu   sync.Mutex
	seen []e2eSeen
}

// e2eCompletion is the part of a completion request the servers read.
type e2eCompletion struct {
	Model     string `json:"model"`
	Stream    bool   `json:"stream"`
	MaxTokens int    `json:"max_tokens"`
}

// e2eSeen is one request the server received.
type e2eSeen struct {
	Method, Path string
	Header       http.Header
	Body         string
}

func (a *e2eAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	a.mu.Lock()
	a.seen = append(a.seen, e2eSeen{r.Method, r.URL.Path, r.Header.Clone(), string(body)})
	a.mu.Unlock()
	// Anthropic's token counter is free and no completion: it is not
	// counted with the posts.
	countTokens := a.style == "anthropic" && r.Method == http.MethodPost && r.URL.Path == "/v1/messages/count_tokens"
	if r.Method == http.MethodPost && !countTokens {
		a.posts.Add(1)
	} else if !countTokens {
		a.gets.Add(1)
	}
	for k, vs := range a.header {
		w.Header()[k] = vs
	}

	prefix := a.prefix
	if prefix == "" {
		prefix = "/v1"
	}
	completions := prefix + "/chat/completions"
	if a.style == "anthropic" {
		prefix, completions = "/v1", "/v1/messages"
	}
	isModels := r.Method == http.MethodGet && r.URL.Path == prefix+"/models"
	isCompletion := r.Method == http.MethodPost && r.URL.Path == completions
	if !isModels && !isCompletion && !countTokens {
		a.answerNotFound(w, r)
		return
	}
	if !a.authorised(r) {
		if a.unauthorized != nil {
			a.unauthorized(w, r)
		} else {
			a.refuseKey(w, r)
		}
		return
	}
	if a.style == "anthropic" && r.Header.Get("anthropic-version") == "" {
		e2eAnthropicError(w, 400, "invalid_request_error", "anthropic-version: header is required")
		return
	}
	if isModels {
		if a.listModels != nil {
			a.listModels(w, r)
		} else {
			a.writeModels(w)
		}
		return
	}
	if countTokens {
		// POST /v1/messages/count_tokens answers {"input_tokens": N}
		// (docs.anthropic.com, "Count Message tokens").
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"input_tokens":14}`)
		return
	}
	var req e2eCompletion
	if err := json.Unmarshal(body, &req); err != nil {
		e2eOpenAIError(w, 400, "We could not parse the JSON body of your request.", "invalid_request_error", "")
		return
	}
	if !a.hasModel(req.Model) {
		a.unknownModel(w, req.Model)
		return
	}
	if a.complete != nil {
		a.complete(w, r, req)
		return
	}
	if a.style == "anthropic" {
		e2eSSEFile(w, "anthropic_stream.sse")
	} else {
		e2eSSEFile(w, "openai_stream.sse")
	}
}

func (a *e2eAPI) authorised(r *http.Request) bool {
	if a.style == "anthropic" || a.xAPIKey {
		return r.Header.Get("x-api-key") == a.key
	}
	return r.Header.Get("Authorization") == "Bearer "+a.key
}

// refuseKey is the provider's 401. OpenAI masks the key it echoes; many
// relays and self-hosted gateways echo it whole, which is what this does, so
// that a leak through the server's own message shows.
func (a *e2eAPI) refuseKey(w http.ResponseWriter, r *http.Request) {
	if a.style == "anthropic" {
		if r.Header.Get("x-api-key") == "" {
			e2eAnthropicError(w, 401, "authentication_error", "x-api-key header is required")
			return
		}
		e2eAnthropicError(w, 401, "authentication_error", "invalid x-api-key")
		return
	}
	got := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if got == "" {
		e2eOpenAIError(w, 401, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).", "invalid_request_error", "")
		return
	}
	e2eOpenAIError(w, 401, "Incorrect API key provided: "+got+". You can find your API key at https://platform.openai.com/account/api-keys.", "invalid_request_error", "invalid_api_key")
}

func (a *e2eAPI) answerNotFound(w http.ResponseWriter, r *http.Request) {
	switch {
	case a.notFound != nil:
		a.notFound(w, r)
	case a.style == "anthropic":
		e2eAnthropicError(w, 404, "not_found_error", "Not Found")
	default:
		e2eOpenAIError(w, 404, fmt.Sprintf("Invalid URL (%s %s)", r.Method, r.URL.Path), "invalid_request_error", "")
	}
}

func (a *e2eAPI) hasModel(m string) bool {
	if a.anyModel {
		return true
	}
	for _, x := range append(a.models[:len(a.models):len(a.models)], a.alias...) {
		if x == m {
			return true
		}
	}
	return false
}

func (a *e2eAPI) unknownModel(w http.ResponseWriter, model string) {
	if a.style == "anthropic" {
		e2eAnthropicError(w, 404, "not_found_error", "model: "+model)
		return
	}
	e2eOpenAIError(w, 404, "The model `"+model+"` does not exist or you do not have access to it.", "invalid_request_error", "model_not_found")
}

func (a *e2eAPI) writeModels(w http.ResponseWriter) {
	var data []map[string]any
	for _, m := range a.models {
		if a.style == "anthropic" {
			data = append(data, map[string]any{"type": "model", "id": m, "display_name": m, "created_at": "2025-09-29T00:00:00Z"})
		} else {
			data = append(data, map[string]any{"id": m, "object": "model", "created": 1715367049, "owned_by": "system"})
		}
	}
	if a.style == "anthropic" {
		first, last := "", ""
		if len(a.models) > 0 {
			first, last = a.models[0], a.models[len(a.models)-1]
		}
		e2eWriteJSON(w, 200, map[string]any{"data": data, "has_more": false, "first_id": first, "last_id": last})
		return
	}
	e2eWriteJSON(w, 200, map[string]any{"object": "list", "data": data})
}

// requests returns what the server received, in order.
func (a *e2eAPI) requests() []e2eSeen {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]e2eSeen(nil), a.seen...)
}

// e2eServe starts a handler on 127.0.0.1 for the test's lifetime.
func e2eServe(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(func() {
		// The binary has exited: a handler still writing a big body to it
		// must not hold the test up.
		srv.CloseClientConnections()
		srv.Close()
	})
	return srv
}

// e2eURL is the server's base URL with path, on the host name the tests
// use for loopback (see e2eLoopbackHost).
func e2eURL(srv *httptest.Server, path string) string {
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	return "http://" + net.JoinHostPort(e2eHost, port) + path
}

// e2eClosedPort returns a loopback address where nothing listens: it
// listens, notes the port and closes it.
func e2eClosedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// e2eSilent accepts connections and never answers; it reads what arrives
// so the client is not blocked on writing, and keeps the connections open
// until the test ends.
func e2eSilent(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			go io.Copy(io.Discard, c)
		}
	}()
	t.Cleanup(func() {
		l.Close()
		<-done
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	return l.Addr().String()
}

// ── Answer writers ──────────────────────────────────────────────────────

func e2eWriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// e2eOpenAIError writes OpenAI's error shape; an empty code is null.
func e2eOpenAIError(w http.ResponseWriter, status int, message, typ, code string) {
	var c any
	if code != "" {
		c = code
	}
	e2eWriteJSON(w, status, map[string]any{"error": map[string]any{"message": message, "type": typ, "param": nil, "code": c}})
}

// e2eAnthropicError writes Anthropic's error shape with its request_id.
func e2eAnthropicError(w http.ResponseWriter, status int, typ, message string) {
	w.Header().Set("request-id", "req_011CE2EAnthErr0r4xQm")
	e2eWriteJSON(w, status, map[string]any{"type": "error", "error": map[string]any{"type": typ, "message": message}, "request_id": "req_011CE2EAnthErr0r4xQm"})
}

// e2eFixture reads testdata/e2e/name, or else the classifier's real-world
// bodies in checks/classify/testdata/bodies: one copy of each provider answer.
func e2eFixture(name string) []byte {
	for _, dir := range []string{filepath.Join("testdata", "e2e"), filepath.Join("checks", "classify", "testdata", "bodies")} {
		if b, err := os.ReadFile(filepath.Join(dir, name)); err == nil {
			return b
		}
	}
	panic("missing fixture " + name) // a broken test, not a finding
}

// e2eBody answers with a fixture file as is.
func e2eBody(status int, contentType, name string) func(http.ResponseWriter, *http.Request, e2eCompletion) {
	return func(w http.ResponseWriter, _ *http.Request, _ e2eCompletion) {
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		_, _ = w.Write(e2eFixture(name))
	}
}

// e2eSSEFile streams a fixture's events one by one, flushing each, as
// providers do.
func e2eSSEFile(w http.ResponseWriter, name string) {
	w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(200)
	f, _ := w.(http.Flusher)
	sc := bufio.NewScanner(bytes.NewReader(e2eFixture(name)))
	for sc.Scan() {
		_, _ = io.WriteString(w, sc.Text()+"\n")
		if sc.Text() == "" && f != nil {
			f.Flush()
		}
	}
}

// e2eBomb is a gzip stream of 1 GiB of zeros in about 1 MiB: one member
// holding 1 MiB of zeros, repeated; gzip readers read every member.
var e2eBomb = sync.OnceValue(func() []byte {
	var one bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&one, gzip.BestCompression)
	_, _ = zw.Write(make([]byte, 1<<20))
	_ = zw.Close()
	return bytes.Repeat(one.Bytes(), 1<<10)
})

// e2eLoopbackHost is the host name the tests give as base URL. Normally
// 127.0.0.1. Inside a container, a loopback address is exactly what the
// localhost-in-container check flags, so scenarios that test something else
// use another name /etc/hosts maps to 127.0.0.1 (resolved from the file, no
// DNS query), when there is one.
func e2eLoopbackHost() string {
	if !e2eInContainer() {
		return "127.0.0.1"
	}
	// The Go resolver (GODEBUG=netdns=go, set for the binary) reads
	// /etc/hosts first only when nsswitch says files before dns.
	if ns, err := os.ReadFile("/etc/nsswitch.conf"); err == nil {
		for _, line := range strings.Split(string(ns), "\n") {
			f := strings.Fields(line)
			if len(f) > 1 && f[0] == "hosts:" && f[1] != "files" {
				return "127.0.0.1"
			}
		}
	}
	hosts, err := os.ReadFile("/etc/hosts")
	if err != nil {
		return "127.0.0.1"
	}
	for _, line := range strings.Split(string(hosts), "\n") {
		line, _, _ = strings.Cut(line, "#")
		f := strings.Fields(line)
		if len(f) < 2 || f[0] != "127.0.0.1" {
			continue
		}
		for _, name := range f[1:] {
			n := strings.ToLower(name)
			if n != "localhost" && !strings.HasSuffix(n, ".localhost") && !strings.Contains(n, "localhost") {
				return name
			}
		}
	}
	return "127.0.0.1"
}

// e2eInContainer mirrors the signs the container check reads.
func e2eInContainer() bool {
	for _, f := range []string{"/.dockerenv", "/run/.containerenv"} {
		if _, err := os.Stat(f); err == nil {
			return true
		}
	}
	for _, f := range []string{"/proc/1/cgroup", "/proc/self/mountinfo"} {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		s := strings.ToLower(string(b))
		for _, w := range []string{"docker", "kubepods", "containerd", "libpod", "podman", "lxc", "crio-"} {
			if strings.Contains(s, w) {
				return true
			}
		}
	}
	return os.Getenv("KUBERNETES_SERVICE_HOST") != ""
}

var e2eHost = e2eLoopbackHost()
