package probe

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unstuck-dev/unstuck/checks"
	"go.yaml.in/yaml/v3"
)

// netOllama imitates an Ollama server, answering as ollama/ollama does
// (server/routes.go GenerateRoutes, api/types.go, openai/openai.go,
// middleware/openai.go at fb30760):
//   - GET / → 200 text/plain "Ollama is running" (gin c.String);
//   - GET /api/tags → {"models":[ListModelResponse]} (name, model,
//     modified_at, size, digest, details);
//   - GET /api/ps → {"models":[ProcessModelResponse]} with context_length;
//   - GET /v1/models → {"object":"list","data":[{"id","object":"model",
//     "created","owned_by"}]} (ToListCompletion);
//   - POST /v1/chat/completions for a model it lacks → 404, the native
//     message {"error":"model \"x\" not found, try pulling it first"}
//     (handleScheduleError) re-shaped by writeError into
//     {"error":{"message","type":"not_found_error","param":null,"code":null}};
//     newer versions say "model 'x' not found" (ChatHandler), oldWording
//     false;
//   - a model too big → 500 "model requires more system memory (…) than is
//     available (…)" (llm/server.go before 9db4bdb), type api_error;
//   - any other path → gin's 404 "404 page not found", text/plain.
type netOllama struct {
	pulled    []string // names as /api/tags lists them, e.g. "llama3.2:latest"
	loaded    map[string]int
	oom       bool
	newWords  bool // the newer "model 'x' not found" wording
	hits      netHits
	completed int
}

func (o *netOllama) has(model string) bool {
	for _, p := range o.pulled {
		if p == model || p == model+":latest" {
			return true
		}
	}
	return false
}

func (o *netOllama) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	o.hits.record(r)
	var req struct {
		Model string `json:"model"`
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	_ = json.Unmarshal(body, &req)
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "Ollama is running")
	case r.Method == http.MethodGet && r.URL.Path == "/api/tags":
		models := []map[string]any{}
		for _, p := range o.pulled {
			models = append(models, map[string]any{"name": p, "model": p, "modified_at": "2025-01-12T10:04:05.123456789Z",
				"size": 2019393189, "digest": "a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72",
				"details": map[string]any{"parent_model": "", "format": "gguf", "family": "llama", "families": []string{"llama"},
					"parameter_size": "3.2B", "quantization_level": "Q4_K_M"}})
		}
		netJSON(w, 200, map[string]any{"models": models})
	case r.Method == http.MethodGet && r.URL.Path == "/api/ps":
		models := []map[string]any{}
		for name, ctx := range o.loaded {
			models = append(models, map[string]any{"name": name, "model": name, "size": 3825819519, "digest": "a80c4f17acd5",
				"details": map[string]any{"format": "gguf", "family": "llama"}, "expires_at": "2025-01-12T10:09:05Z",
				"size_vram": 3825819519, "context_length": ctx})
		}
		netJSON(w, 200, map[string]any{"models": models})
	case r.Method == http.MethodGet && r.URL.Path == "/v1/models":
		data := []map[string]any{}
		for _, p := range o.pulled {
			data = append(data, map[string]any{"id": p, "object": "model", "created": 1736676245, "owned_by": "library"})
		}
		netJSON(w, 200, map[string]any{"object": "list", "data": data})
	case r.Method == http.MethodPost && r.URL.Path == "/v1/chat/completions":
		o.completed++
		model := req.Model
		switch {
		case o.oom:
			netJSON(w, 500, ollamaOpenAIError("model requires more system memory (11.2 GiB) than is available (7.6 GiB)", "api_error"))
		case !o.has(model) && o.newWords:
			netJSON(w, 404, ollamaOpenAIError("model '"+model+"' not found", "not_found_error"))
		case !o.has(model):
			netJSON(w, 404, ollamaOpenAIError(fmt.Sprintf("model %q not found, try pulling it first", model), "not_found_error"))
		default:
			netSSE(w, `data: {"id":"chatcmpl-512","object":"chat.completion.chunk","created":1736676245,"model":"`+model+`","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}]}`,
				`data: {"id":"chatcmpl-512","object":"chat.completion.chunk","created":1736676245,"model":"`+model+`","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"length"}]}`,
				`data: [DONE]`)
		}
	default:
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(404)
		_, _ = io.WriteString(w, "404 page not found")
	}
}

func ollamaOpenAIError(msg, typ string) map[string]any {
	return map[string]any{"error": map[string]any{"message": msg, "type": typ, "param": nil, "code": nil}}
}

// localProfiles are the real profiles of content/profiles.yaml: the
// checks key on their fields, so the tests read the data users get.
func localProfiles(t *testing.T) []checks.Profile {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "content", "profiles.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var ps []checks.Profile
	if err := yaml.Unmarshal(data, &ps); err != nil {
		t.Fatal(err)
	}
	return ps
}

func localProfile(t *testing.T, ps []checks.Profile, name string) checks.Profile {
	t.Helper()
	for _, p := range ps {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("no profile %s", name)
	return checks.Profile{}
}

// localSetup is a Setup for a local server at base, with the profile named
// (or the fallback when "") and no key, as a local user has.
func localSetup(t *testing.T, base, profile, model string, opts ...func(*checks.Setup)) *checks.Setup {
	t.Helper()
	ps := localProfiles(t)
	return netSetup(t, "openai", base+"/v1", hooks{}, append([]func(*checks.Setup){func(s *checks.Setup) {
		s.Config.Profiles = ps
		if profile != "" {
			s.Profile = localProfile(t, ps, profile)
		}
		s.Key = checks.Secret{}
		s.Model = model
	}}, opts...)...)
}

// localRun runs one of this file's checks through a runner, as diagnose does.
func localRun(t *testing.T, s *checks.Setup, spec checks.Spec, f checks.CheckFunc) checks.Result {
	t.Helper()
	run := checks.NewRunner(s.Config, checks.Suite{
		Groups:  []checks.Group{checks.Single(spec, f)},
		Resolve: func(checks.Config) *checks.Setup { return s },
	})
	r := netWithin(t, func() checks.Result { return run.Run(context.Background(), spec.ID) })
	netNoKey(t, r)
	netValidText(t, r)
	return r
}

func TestLocalServerOllamaHasModel(t *testing.T) {
	o := &netOllama{pulled: []string{"llama3.2:latest", "qwen2.5-coder:7b"}, loaded: map[string]int{"llama3.2:latest": 8192}}
	srv := netServe(t, o)
	r := localRun(t, localSetup(t, srv.URL, "ollama", "llama3.2"), LocalServerSpec, LocalServer)
	if r.Status != checks.Pass || r.Cause != "" {
		t.Fatalf("got %s %q: %s %v", r.Status, r.Cause, r.Summary, r.Details)
	}
	for k, v := range map[string]string{"local-server.running": "yes", "local-server.kind": "ollama", "local-server.has_model": "yes", "local-server.context": "ok"} {
		if r.Facts[k] != v {
			t.Errorf("%s = %q, want %q", k, r.Facts[k], v)
		}
	}
	if !strings.Contains(r.Summary, "Ollama runs") {
		t.Errorf("summary %q", r.Summary)
	}
	if o.completed != 0 {
		t.Errorf("the local check sent a completion")
	}
}

func TestLocalServerOllamaModelNotPulled(t *testing.T) {
	o := &netOllama{pulled: []string{"llama3.2:latest", "qwen2.5-coder:7b"}}
	srv := netServe(t, o)
	r := localRun(t, localSetup(t, srv.URL, "ollama", "llama3.3"), LocalServerSpec, LocalServer)
	if r.Status != checks.Fail || r.Cause != "model-not-pulled" {
		t.Fatalf("got %s %q: %s", r.Status, r.Cause, r.Summary)
	}
	if !strings.Contains(r.Summary, "ollama pull llama3.3") || !strings.Contains(r.Summary, "llama3.2:latest") {
		t.Errorf("summary lacks the pull command or the nearest model: %s", r.Summary)
	}
	if r.Evidence.SuggestedModel != "llama3.2:latest" || len(r.Evidence.Models) != 2 {
		t.Errorf("evidence %+v", r.Evidence)
	}
	if r.Facts["local-server.has_model"] != "no" {
		t.Errorf("has_model %q", r.Facts["local-server.has_model"])
	}
	// Nothing pulled at all.
	o2 := &netOllama{}
	srv2 := netServe(t, o2)
	r = localRun(t, localSetup(t, srv2.URL, "ollama", "llama3.2"), LocalServerSpec, LocalServer)
	if r.Cause != "model-not-pulled" || !strings.Contains(r.Summary, "no models pulled") {
		t.Errorf("empty server: %s %q: %s", r.Status, r.Cause, r.Summary)
	}
}

// Ollama cuts a prompt longer than the loaded context and still answers
// 200: a context below 8192 (the profile's min_context), or below what the
// client configures, is a warning.
func TestLocalServerOllamaShortContext(t *testing.T) {
	o := &netOllama{pulled: []string{"llama3.2:latest"}, loaded: map[string]int{"llama3.2:latest": 4096}}
	srv := netServe(t, o)
	r := localRun(t, localSetup(t, srv.URL, "ollama", "llama3.2"), LocalServerSpec, LocalServer)
	if r.Status != checks.Warn || r.Facts["local-server.context"] != "short" || !strings.Contains(r.Summary, "4096") || !strings.Contains(r.Summary, "8192") {
		t.Errorf("4096 loaded: %s %v %s", r.Status, r.Facts, r.Summary)
	}
	// 16384 loaded is enough for the floor, not for a client set to 32768.
	o.loaded = map[string]int{"llama3.2:latest": 16384}
	r = localRun(t, localSetup(t, srv.URL, "ollama", "llama3.2"), LocalServerSpec, LocalServer)
	if r.Status != checks.Pass || r.Facts["local-server.context"] != "ok" {
		t.Errorf("16384 loaded, nothing configured: %s %v %s", r.Status, r.Facts, r.Summary)
	}
	r = localRun(t, localSetup(t, srv.URL, "ollama", "llama3.2", func(s *checks.Setup) { s.ContextTokens = 32768 }), LocalServerSpec, LocalServer)
	if r.Status != checks.Warn || !strings.Contains(r.Summary, "32768") {
		t.Errorf("16384 loaded, 32768 configured: %s %v %s", r.Status, r.Facts, r.Summary)
	}
	// Not loaded: nothing is claimed about its context.
	o.loaded = nil
	r = localRun(t, localSetup(t, srv.URL, "ollama", "llama3.2"), LocalServerSpec, LocalServer)
	if r.Status != checks.Pass || r.Facts["local-server.context"] != "unknown" {
		t.Errorf("not loaded: %s %v %s", r.Status, r.Facts, r.Summary)
	}
}

func TestLocalServerNotRunning(t *testing.T) {
	addr := netClosedPort(t)
	r := localRun(t, localSetup(t, "http://"+addr, "ollama", "llama3.2"), LocalServerSpec, LocalServer)
	if r.Status != checks.Fail || r.Cause != "connection-refused" || r.Facts["local-server.running"] != "no" {
		t.Fatalf("got %s %q %v: %s", r.Status, r.Cause, r.Facts, r.Summary)
	}
	if !strings.Contains(r.Summary, "Ollama is not running") || !strings.Contains(strings.Join(r.Details, "\n"), "ollama serve") {
		t.Errorf("summary %q details %v", r.Summary, r.Details)
	}
}

// A port is a candidate, never the answer: a server on 11434 that does not
// say "Ollama is running" is not taken for Ollama.
func TestLocalServerPortIsNoProof(t *testing.T) {
	other := newNetOpenAI()
	srv := netServe(t, other)
	r := localRun(t, localSetup(t, srv.URL, "ollama", "gpt-4o"), LocalServerSpec, LocalServer)
	if r.Status != checks.Warn || r.Cause != "" || r.Facts["local-server.kind"] != "" || r.Facts["local-server.running"] != "yes" {
		t.Fatalf("got %s %q %v: %s", r.Status, r.Cause, r.Facts, r.Summary)
	}
	if !strings.Contains(strings.Join(r.Details, "\n"), "not Ollama: / answered 401") {
		t.Errorf("details do not say what was missing: %v", r.Details)
	}
}

// Not a local server's address: nothing is asked.
func TestLocalServerSkipsOtherServers(t *testing.T) {
	h := &netHits{}
	srv := netServe(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.record(r) }))
	s := netSetup(t, "openai", srv.URL+"/v1", hooks{}, func(s *checks.Setup) { s.Config.Profiles = localProfiles(t) })
	r := localRun(t, s, LocalServerSpec, LocalServer)
	if r.Status != checks.Skip || h.n.Load() != 0 {
		t.Errorf("got %s with %d calls", r.Status, h.n.Load())
	}
}

// The other local servers, each told by its own answers (shapes in the
// handlers' comments), and each told apart from the others.
func TestLocalServerTellsServersApart(t *testing.T) {
	// LM Studio answers a path it lacks with 200 {"error":"Unexpected
	// endpoint or method. (GET /path)"} (lmstudio-bug-tracker reports;
	// measured by users on 0.3/0.4), and /v1/models with an OpenAI list.
	lmstudio := func(models []string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/v1/models" {
				data := []map[string]any{}
				for _, m := range models {
					data = append(data, map[string]any{"id": m, "object": "model", "owned_by": "organization_owner"})
				}
				netJSON(w, 200, map[string]any{"data": data, "object": "list"})
				return
			}
			netJSON(w, 200, map[string]any{"error": "Unexpected endpoint or method. (" + r.Method + " " + r.URL.Path + ")"})
		}
	}
	// vLLM: /health is 200 with an empty body, /version {"version": …}
	// (vllm/entrypoints/serve/instrumentator/health.py, api_server.py).
	vllm := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/health":
			w.WriteHeader(200)
		case "/version":
			netJSON(w, 200, map[string]any{"version": "0.8.5"})
		case "/v1/models":
			netJSON(w, 200, map[string]any{"object": "list", "data": []map[string]any{{"id": "Qwen/Qwen2.5-7B-Instruct", "object": "model",
				"created": 1736676245, "owned_by": "vllm", "root": "Qwen/Qwen2.5-7B-Instruct", "parent": nil, "max_model_len": 32768}}})
		default:
			netJSON(w, 404, map[string]any{"detail": "Not Found"})
		}
	})
	// llama.cpp's server: /health {"status":"ok"}, /props with
	// default_generation_settings.n_ctx (tools/server/README.md).
	llamacpp := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/health":
			netJSON(w, 200, map[string]any{"status": "ok"})
		case "/props":
			netJSON(w, 200, map[string]any{"default_generation_settings": map[string]any{"n_ctx": 4096}, "total_slots": 1,
				"model_path": "../models/Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf", "build_info": "b5000-abc"})
		default:
			netJSON(w, 404, map[string]any{"error": map[string]any{"code": 404, "message": "File Not Found", "type": "not_found_error"}})
		}
	})
	cases := []struct {
		name, profile, model string
		h                    http.Handler
		kind, cause          string
		says                 string
	}{
		{"lm studio has it", "lmstudio", "qwen2.5-7b-instruct", lmstudio([]string{"qwen2.5-7b-instruct"}), "lmstudio", "", "has qwen2.5-7b-instruct loaded"},
		{"lm studio, no models loaded", "lmstudio", "qwen2.5-7b-instruct", lmstudio(nil), "lmstudio", "model-not-pulled", "lms load qwen2.5-7b-instruct"},
		{"vllm serves another model", "vllm", "meta-llama/Llama-3.1-8B-Instruct", vllm, "vllm", "model-not-pulled", "vllm serve meta-llama/Llama-3.1-8B-Instruct"},
		{"vllm has it", "vllm", "Qwen/Qwen2.5-7B-Instruct", vllm, "vllm", "", "vLLM runs"},
		{"llama.cpp answers any model", "llamacpp", "whatever", llamacpp, "llamacpp", "", "llama.cpp server runs"},
		// LM Studio's 200 to every path must not pass for vLLM's /health.
		{"lm studio on vllm's port is not vllm", "vllm", "m", lmstudio([]string{"m"}), "", "", "not as vLLM"},
		// vLLM on llama.cpp's port: /health is 200 but not {"status":"ok"}.
		{"vllm on llama.cpp's port is not llama.cpp", "llamacpp", "m", vllm, "", "", "not as llama.cpp server"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := netServe(t, c.h)
			r := localRun(t, localSetup(t, srv.URL, c.profile, c.model), LocalServerSpec, LocalServer)
			if r.Facts["local-server.kind"] != c.kind || r.Cause != c.cause || !strings.Contains(r.Summary, c.says) {
				t.Errorf("got kind %q cause %q: %s %v", r.Facts["local-server.kind"], r.Cause, r.Summary, r.Details)
			}
		})
	}
}

// The profile the guess picked is only a candidate: the server's answers
// decide, and say so when another local server holds the port.
func TestLocalServerNamesTheRealServer(t *testing.T) {
	o := &netOllama{pulled: []string{"llama3.2:latest"}}
	srv := netServe(t, o)
	// The fallback profile on Ollama's host name: Ollama is a candidate by
	// its host hint.
	s := localSetup(t, strings.Replace(srv.URL, "127.0.0.1", "ollama.test", 1), "", "llama3.2")
	useHooks(s, hooks{resolver: mapResolver{"ollama.test": "127.0.0.1"}})
	r := localRun(t, s, LocalServerSpec, LocalServer)
	if r.Facts["local-server.kind"] != "ollama" || !strings.Contains(strings.Join(r.Details, "\n"), "--provider ollama") {
		t.Errorf("got %v: %s %v", r.Facts, r.Summary, r.Details)
	}
}

// mapResolver resolves the names it holds to their IPs and refuses the rest
// without asking a real resolver.
type mapResolver map[string]string

func (m mapResolver) LookupIPAddr(_ context.Context, host string) ([]net.IPAddr, error) {
	if ip := net.ParseIP(m[strings.ToLower(host)]); ip != nil {
		return []net.IPAddr{{IP: ip}}, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

// The request against Ollama names what its answer says: a model it lacks
// (either wording) and a model too big for this machine's memory.
func TestRequestNamesOllamaAnswers(t *testing.T) {
	for _, c := range []struct {
		name  string
		o     *netOllama
		model string
		cause string
	}{
		{"not pulled, old wording", &netOllama{pulled: []string{"llama3.2:latest"}}, "llama3.3", "model-not-pulled"},
		{"out of memory", &netOllama{pulled: []string{"llama3.1:70b"}, oom: true}, "llama3.1:70b", "local-model-out-of-memory"},
		{"healthy, no key", &netOllama{pulled: []string{"llama3.2:latest"}}, "llama3.2", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := netServe(t, c.o)
			s := localSetup(t, srv.URL, "ollama", c.model, func(s *checks.Setup) { s.Endpoint = srv.URL + "/v1/chat/completions" })
			r := localRun(t, s, RequestSpec, Request)
			if r.Cause != c.cause || (c.cause == "" && r.Status != checks.Pass && r.Status != checks.Warn) {
				t.Errorf("got %s %q: %s", r.Status, r.Cause, r.Summary)
			}
			if h := c.o.hits.header(); h.Get("Authorization") != "" {
				t.Errorf("a key header went to a server that needs none: %q", h.Get("Authorization"))
			}
		})
	}
}

// llama-server started with --api-key answers /health to anyone but /props
// only with the key (public_endpoints in tools/server/server.cpp): a 401
// there is a key it does not know, not another server on the port.
func TestLocalServerKeyRefusedAfterPublicProbe(t *testing.T) {
	srv := netServe(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Server", "llama.cpp")
		if r.URL.Path == "/health" {
			netJSON(w, 200, map[string]any{"status": "ok"})
			return
		}
		netJSON(w, 401, map[string]any{"error": map[string]any{"code": 401, "message": "Invalid API Key", "type": "authentication_error"}})
	}))
	r := localRun(t, localSetup(t, srv.URL, "llamacpp", "m"), LocalServerSpec, LocalServer)
	if r.Status != checks.Warn || r.Cause != "" || !strings.Contains(r.Summary, "refuses the key") || strings.Contains(r.Summary, "not as") {
		t.Fatalf("got %s %q: %s %v", r.Status, r.Cause, r.Summary, r.Details)
	}
	if !strings.Contains(strings.Join(r.Details, "\n"), "/props refused the key (401)") {
		t.Errorf("details do not name the refused probe: %v", r.Details)
	}
}
