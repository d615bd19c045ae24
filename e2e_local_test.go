package main

// End-to-end tests of local model servers and of localhost inside a
// container: the built binary against an Ollama-like server on loopback.
//
//	go test -run E2ELocal -count=1 .

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// e2eOllama answers exactly as Ollama does (ollama/ollama at fb30760:
// server/routes.go GenerateRoutes and handleScheduleError, api/types.go
// ListResponse/ProcessResponse, openai/openai.go NewError and
// ToListCompletion, middleware/openai.go writeError; the memory message
// from llm/server.go before 9db4bdb):
//   - GET / → 200 "Ollama is running", Content-Type text/plain; charset=utf-8;
//   - GET /api/tags, /api/ps → gin's c.JSON (application/json; charset=utf-8);
//   - GET /v1/models → {"object":"list","data":[{"id","object","created","owned_by"}]};
//   - POST /v1/chat/completions: a model it lacks → 404
//     {"error":{"message":"model \"x\" not found, try pulling it first",
//     "type":"not_found_error","param":null,"code":null}} (writeError sets
//     application/json); a model too big → 500, type api_error; else an SSE
//     stream (text/event-stream) ending in data: [DONE];
//   - POST /api/chat for a model it lacks → 404 {"error":"model \"x\" not
//     found, try pulling it first"}, the native bare string;
//   - anything else → 404 "404 page not found", text/plain.
type e2eOllama struct {
	pulled []string
	ctx    int // context_length of the loaded models; 0 = none loaded
	oom    bool
	posts  atomic.Int32
}

func (o *e2eOllama) has(m string) bool {
	for _, p := range o.pulled {
		if p == m || p == m+":latest" {
			return true
		}
	}
	return false
}

func (o *e2eOllama) json(w http.ResponseWriter, ct string, status int, v any) {
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (o *e2eOllama) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	const ginJSON = "application/json; charset=utf-8"
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	var req struct {
		Model string `json:"model"`
	}
	_ = json.Unmarshal(body, &req)
	openAIErr := func(status int, msg, typ string) {
		o.json(w, "application/json", status, map[string]any{"error": map[string]any{"message": msg, "type": typ, "param": nil, "code": nil}})
	}
	switch {
	case (r.Method == http.MethodGet || r.Method == http.MethodHead) && r.URL.Path == "/":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "Ollama is running")
	case r.Method == http.MethodGet && r.URL.Path == "/api/tags":
		var models []map[string]any
		for _, p := range o.pulled {
			models = append(models, map[string]any{"name": p, "model": p, "modified_at": "2025-01-12T10:04:05.123456789Z",
				"size": 2019393189, "digest": "a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72",
				"details": map[string]any{"parent_model": "", "format": "gguf", "family": "llama", "families": []string{"llama"},
					"parameter_size": "3.2B", "quantization_level": "Q4_K_M"}})
		}
		if models == nil {
			models = []map[string]any{}
		}
		o.json(w, ginJSON, 200, map[string]any{"models": models})
	case r.Method == http.MethodGet && r.URL.Path == "/api/ps":
		models := []map[string]any{}
		if o.ctx > 0 && len(o.pulled) > 0 {
			models = append(models, map[string]any{"name": o.pulled[0], "model": o.pulled[0], "size": 3825819519,
				"digest":     "a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72",
				"details":    map[string]any{"parent_model": "", "format": "gguf", "family": "llama"},
				"expires_at": "2025-01-12T10:09:05.123456789Z", "size_vram": 3825819519, "context_length": o.ctx})
		}
		o.json(w, ginJSON, 200, map[string]any{"models": models})
	case r.Method == http.MethodGet && r.URL.Path == "/v1/models":
		data := []map[string]any{}
		for _, p := range o.pulled {
			data = append(data, map[string]any{"id": p, "object": "model", "created": 1736676245, "owned_by": "library"})
		}
		o.json(w, "application/json", 200, map[string]any{"object": "list", "data": data})
	case r.Method == http.MethodPost && r.URL.Path == "/api/chat" && !o.has(req.Model):
		o.json(w, ginJSON, 404, map[string]any{"error": fmt.Sprintf("model %q not found, try pulling it first", req.Model)})
	case r.Method == http.MethodPost && r.URL.Path == "/v1/chat/completions":
		o.posts.Add(1)
		switch {
		case o.oom:
			openAIErr(500, "model requires more system memory (11.2 GiB) than is available (7.6 GiB)", "api_error")
		case !o.has(req.Model):
			openAIErr(404, fmt.Sprintf("model %q not found, try pulling it first", req.Model), "not_found_error")
		default:
			w.Header().Set("Content-Type", "text/event-stream")
			for _, l := range []string{
				`{"id":"chatcmpl-512","object":"chat.completion.chunk","created":1736676245,"model":"` + req.Model + `","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}]}`,
				`{"id":"chatcmpl-512","object":"chat.completion.chunk","created":1736676245,"model":"` + req.Model + `","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"stop"}]}`,
				`[DONE]`,
			} {
				_, _ = io.WriteString(w, "data: "+l+"\n\n")
			}
		}
	default:
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(404)
		_, _ = io.WriteString(w, "404 page not found")
	}
}

// e2eLocalBase is the server's loopback base URL. These runs pin
// UNSTUCK_IN_CONTAINER, so a loopback address is what they test.
func e2eLocalBase(srv *httptest.Server) string {
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	return "http://127.0.0.1:" + port + "/v1"
}

func TestE2ELocalOllama(t *testing.T) {
	t.Parallel()
	notInContainer := map[string]string{"UNSTUCK_IN_CONTAINER": "0"}
	t.Run("healthy", func(t *testing.T) {
		t.Parallel()
		o := &e2eOllama{pulled: []string{"llama3.2:latest", "qwen2.5-coder:7b"}, ctx: 8192}
		srv := e2eServe(t, o)
		res, _ := e2eDiagnose(t, e2eCmd{args: []string{"--provider", "ollama", "--base-url", e2eLocalBase(srv), "--model", "llama3.2"}, env: notInContainer})
		e2eWant(t, res, "healthy")
		if st, sum := e2eCheck(res, "local-server"); st != "pass" || !strings.Contains(sum, "Ollama runs") {
			t.Errorf("local-server %s: %s", st, sum)
		}
		if st, _ := e2eCheck(res, "key-present"); st == "fail" {
			t.Errorf("a local server without a key failed key-present")
		}
		if o.posts.Load() != 1 {
			t.Errorf("%d completions sent, want 1", o.posts.Load())
		}
	})
	t.Run("server not running", func(t *testing.T) {
		t.Parallel()
		_, port, _ := net.SplitHostPort(e2eClosedPort(t))
		res, _ := e2eDiagnose(t, e2eCmd{args: []string{"--provider", "ollama", "--base-url", "http://127.0.0.1:" + port + "/v1", "--model", "llama3.2", "--timeout", "2s"}, env: notInContainer})
		e2eWant(t, res, "connection-refused")
		if st, sum := e2eCheck(res, "local-server"); st != "fail" || !strings.Contains(sum, "Ollama is not running") {
			t.Errorf("local-server %s: %s", st, sum)
		}
		if !strings.Contains(res.Guidance, "Ollama is not running") {
			t.Errorf("the page does not say the server is not running:\n%s", res.Guidance)
		}
	})
	t.Run("out of memory", func(t *testing.T) {
		t.Parallel()
		o := &e2eOllama{pulled: []string{"llama3.1:70b"}, oom: true}
		srv := e2eServe(t, o)
		res, _ := e2eDiagnose(t, e2eCmd{args: []string{"--provider", "ollama", "--base-url", e2eLocalBase(srv), "--model", "llama3.1:70b"}, env: notInContainer})
		e2eWant(t, res, "local-model-out-of-memory")
	})
	t.Run("short context is a warning", func(t *testing.T) {
		t.Parallel()
		o := &e2eOllama{pulled: []string{"llama3.2:latest"}, ctx: 2048}
		srv := e2eServe(t, o)
		res, _ := e2eDiagnose(t, e2eCmd{args: []string{"--provider", "ollama", "--base-url", e2eLocalBase(srv), "--model", "llama3.2"}, env: notInContainer})
		e2eWant(t, res, "healthy")
		if st, sum := e2eCheck(res, "local-server"); st != "warn" || !strings.Contains(sum, "2048") {
			t.Errorf("local-server %s: %s", st, sum)
		}
	})
}

// e2eOllamaModelNotPulled is the matrix's ollama/wrong model: a model it
// has not pulled, with and without --no-request, named with the pull
// command and the nearest model it has.
func e2eOllamaModelNotPulled(t *testing.T) {
	notInContainer := map[string]string{"UNSTUCK_IN_CONTAINER": "0"}
	for _, noRequest := range []bool{false, true} {
		o := &e2eOllama{pulled: []string{"llama3.2:latest", "qwen2.5-coder:7b"}}
		srv := e2eServe(t, o)
		args := []string{"--provider", "ollama", "--base-url", e2eLocalBase(srv), "--model", "llama3.3"}
		if noRequest {
			args = append(args, "--no-request")
		}
		res, _ := e2eDiagnose(t, e2eCmd{args: args, env: notInContainer})
		e2eWant(t, res, "model-not-pulled")
		if !strings.Contains(res.Guidance, "ollama pull llama3.3") {
			t.Errorf("no-request %v: the page lacks the pull command:\n%s", noRequest, res.Guidance)
		}
		if res.Evidence.SuggestedModel != "llama3.2:latest" || !strings.Contains(res.Guidance, "llama3.2:latest") {
			t.Errorf("no-request %v: nearest model %q; page:\n%s", noRequest, res.Evidence.SuggestedModel, res.Guidance)
		}
		if noRequest && o.posts.Load() != 0 {
			t.Errorf("--no-request sent a completion")
		}
	}
}

// e2eHostListener is "the machine that runs the container": a listener at
// the same port as a closed 127.0.0.1 port. On 127.0.0.2 when the kernel
// lets it bind (Linux does), and then UNSTUCK_DOCKER_HOST is that address
// alone, so the binary itself must keep the port; else on another
// 127.0.0.1 port, pinned as IP:port.
func e2eHostListener(t *testing.T, h http.Handler) (base, pin string) {
	t.Helper()
	for i := 0; i < 20; i++ {
		ln, err := net.Listen("tcp", "127.0.0.2:0")
		if err != nil {
			break
		}
		_, port, _ := net.SplitHostPort(ln.Addr().String())
		if c, err := net.Dial("tcp", "127.0.0.1:"+port); err == nil {
			c.Close()
			ln.Close()
			continue // that port is taken on 127.0.0.1 too: pick another
		}
		srv := httptest.NewUnstartedServer(h)
		srv.Listener = ln
		srv.Start()
		t.Cleanup(srv.Close)
		return "http://127.0.0.1:" + port + "/v1", "127.0.0.2"
	}
	srv := e2eServe(t, h)
	_, closed, _ := net.SplitHostPort(e2eClosedPort(t))
	return "http://127.0.0.1:" + closed + "/v1", srv.Listener.Addr().String()
}

func TestE2ELocalhostInContainer(t *testing.T) {
	t.Parallel()
	t.Run("nothing listens anywhere", func(t *testing.T) {
		t.Parallel()
		_, port, _ := net.SplitHostPort(e2eClosedPort(t))
		res, _ := e2eDiagnose(t, e2eCmd{
			args: []string{"--base-url", "http://127.0.0.1:" + port + "/v1", "--model", "gpt-4o", "--timeout", "2s"},
			env:  map[string]string{"UNSTUCK_IN_CONTAINER": "1", "UNSTUCK_DOCKER_HOST": e2eClosedPort(t), "OPENAI_API_KEY": e2eRelayKey},
		})
		e2eWant(t, res, "connection-refused")
		if st, sum := e2eCheck(res, "container"); st != "fail" || !strings.Contains(sum, "inside this container") {
			t.Errorf("container %s: %s", st, sum)
		}
		if !strings.Contains(res.Guidance, "inside this container") {
			t.Errorf("the page does not give the container as a hint:\n%s", res.Guidance)
		}
	})
	t.Run("the host answers at host.docker.internal", func(t *testing.T) {
		t.Parallel()
		o := &e2eOllama{pulled: []string{"llama3.2:latest"}}
		base, pin := e2eHostListener(t, o)
		t.Logf("the host listens at %s (UNSTUCK_DOCKER_HOST=%s)", base, pin)
		res, _ := e2eDiagnose(t, e2eCmd{
			args: []string{"--provider", "ollama", "--base-url", base, "--model", "llama3.2", "--timeout", "2s"},
			env:  map[string]string{"UNSTUCK_IN_CONTAINER": "1", "UNSTUCK_DOCKER_HOST": pin},
		})
		e2eWant(t, res, "localhost-in-container")
		port := strings.TrimSuffix(strings.TrimPrefix(base, "http://127.0.0.1:"), "/v1")
		if !strings.Contains(res.Guidance, "host.docker.internal:"+port) {
			t.Errorf("the page lacks the URL to use (pin %s):\n%s", pin, res.Guidance)
		}
	})
	t.Run("a server in the container answers: no warning", func(t *testing.T) {
		t.Parallel()
		o := &e2eOllama{pulled: []string{"llama3.2:latest"}, ctx: 8192}
		srv := e2eServe(t, o)
		res, _ := e2eDiagnose(t, e2eCmd{
			args: []string{"--provider", "ollama", "--base-url", e2eLocalBase(srv), "--model", "llama3.2"},
			env:  map[string]string{"UNSTUCK_IN_CONTAINER": "1", "UNSTUCK_DOCKER_HOST": e2eClosedPort(t)},
		})
		e2eWant(t, res, "healthy")
		if st, _ := e2eCheck(res, "container"); st != "pass" {
			t.Errorf("container %s, want pass", st)
		}
	})
}
