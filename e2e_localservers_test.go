package main

// LM Studio, vLLM and llama.cpp's server as the end-to-end tests meet them:
// each answers exactly as the real one does (status, headers, body), with
// the source of every shape next to it. Ollama's imitation is e2eOllama in
// e2e_local_test.go. None of these servers rate-limits by default, and
// none has credit to run out of.

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

// e2eLocalSSE streams a short OpenAI chat completion naming model, ending
// with data: [DONE], as all three servers stream.
func e2eLocalSSE(w http.ResponseWriter, id, model string) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(200)
	for _, l := range []string{
		`{"id":"` + id + `","object":"chat.completion.chunk","created":1736676245,"model":"` + model + `","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}]}`,
		`{"id":"` + id + `","object":"chat.completion.chunk","created":1736676245,"model":"` + model + `","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}`,
		`[DONE]`,
	} {
		_, _ = io.WriteString(w, "data: "+l+"\n\n")
	}
}

func e2eRawCT(w http.ResponseWriter, status int, ct, body string) {
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

func e2eRequestModel(r *http.Request) string {
	var req e2eCompletion
	_ = json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&req)
	return req.Model
}

// e2eLMStudio answers as LM Studio's server does (0.3.x and 0.4.x):
//   - GET /v1/models → {"data":[{"id","object":"model","owned_by":
//     "organization_owner"}],"object":"list"}: the loaded models, or with
//     just-in-time loading on, every downloaded one;
//   - any path it lacks → 200 {"error":"Unexpected endpoint or method.
//     (GET /path)"} (its log says "Returning 200 anyway";
//     lmstudio-ai/lmstudio-bug-tracker#1879);
//   - a model it has not downloaded, with just-in-time loading on → 400
//     {"error":{"message":"Invalid model identifier \"x\". Please specify a
//     valid downloaded model (e.g., a, b).","type":"invalid_request_error",
//     "param":"model","code":"model_not_found"}} (assafelovic/gpt-researcher
//     #1556, continuedev/continue#12757);
//   - nothing loaded and just-in-time loading off → 404 (lmstudio-ai/lms#107:
//     "(404): No models loaded. …") with the body its log shows in 0.4.8:
//     {"error":{"message":"No models loaded. Please load a model in the
//     developer page or use the 'lms load' command.","type":
//     "invalid_request_error","param":"model","code":null}}
//     (lmstudio-ai/lmstudio-bug-tracker#1730);
//   - with "Require Authentication" on (0.4.0 and later, tokens sk-lm-…;
//     https://lmstudio.ai/docs/developer/core/authentication), every /v1 path
//     without a valid token → 401 {"error":{"type":"invalid_request","code":
//     "invalid_api_key","message":"An LM Studio API token is required …"}}
//     (the answer to a request without a token, logged in
//     agustif/opencode-lmstudio#41). The wording for a token it does not know
//     is not published; the shape and code are the same.
//
// A single loaded model answers whatever model a request names
// (lmstudio-ai/lmstudio-bug-tracker#619), so a wrong name shows only when
// the model is not in the list.
type e2eLMStudio struct {
	downloaded []string // what /v1/models lists
	jit        bool     // just-in-time loading: a listed model is loaded on request
	token      string   // "" = no authentication required
	posts      atomic.Int32
}

func (l *e2eLMStudio) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	const ct = "application/json; charset=utf-8"
	if l.token != "" && strings.HasPrefix(r.URL.Path, "/v1/") && r.Header.Get("Authorization") != "Bearer "+l.token {
		msg := "The provided LM Studio API token is not valid. Learn more at: https://lmstudio.ai/docs/developer/core/authentication."
		if r.Header.Get("Authorization") == "" {
			msg = "An LM Studio API token is required to make requests to this server, but none was provided using the Authorization header using the 'Bearer' scheme (i.e., 'Authorization: Bearer $LM_API_TOKEN'). Learn more at: https://lmstudio.ai/docs/developer/core/authentication."
		}
		if r.Method == http.MethodPost {
			l.posts.Add(1)
		}
		b, _ := json.Marshal(map[string]any{"error": map[string]any{"type": "invalid_request", "code": "invalid_api_key", "message": msg}})
		e2eRawCT(w, 401, ct, string(b))
		return
	}
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/v1/models":
		data := []map[string]any{}
		for _, m := range l.downloaded {
			data = append(data, map[string]any{"id": m, "object": "model", "owned_by": "organization_owner"})
		}
		b, _ := json.Marshal(map[string]any{"data": data, "object": "list"})
		e2eRawCT(w, 200, ct, string(b))
	case r.Method == http.MethodPost && r.URL.Path == "/v1/chat/completions":
		l.posts.Add(1)
		model := e2eRequestModel(r)
		switch {
		case len(l.downloaded) == 0:
			e2eRawCT(w, 404, ct, `{"error":{"message":"No models loaded. Please load a model in the developer page or use the 'lms load' command.","type":"invalid_request_error","param":"model","code":null}}`)
		case l.jit && !e2eListed(l.downloaded, model):
			eg := l.downloaded[:min(3, len(l.downloaded))]
			b, _ := json.Marshal(map[string]any{"error": map[string]any{
				"message": fmt.Sprintf("Invalid model identifier %q. Please specify a valid downloaded model (e.g., %s).", model, strings.Join(eg, ", ")),
				"type":    "invalid_request_error", "param": "model", "code": "model_not_found"}})
			e2eRawCT(w, 400, ct, string(b))
		case !e2eListed(l.downloaded, model):
			// One model loaded: it answers, whatever the request named
			// (#619). What several loaded models answer is not published;
			// the first answers here too.
			e2eLocalSSE(w, "chatcmpl-lmstudio1", l.downloaded[0])
		default:
			e2eLocalSSE(w, "chatcmpl-lmstudio1", model)
		}
	default:
		e2eRawCT(w, 200, ct, `{"error":"Unexpected endpoint or method. (`+r.Method+` `+r.URL.Path+`)"}`)
	}
}

// e2eVLLM answers as vLLM's OpenAI-compatible server does
// (vllm-project/vllm, vllm/entrypoints/openai/api_server.py and
// serving_engine.py / engine/serving.py, protocol.py):
//   - GET /health → 200 with an empty body; GET /version → {"version": …};
//     both outside /v1, so no key is asked for them;
//   - started with --api-key (or VLLM_API_KEY), every path under /v1
//     without "Authorization: Bearer KEY" → 401 {"error":"Unauthorized"}
//     (AuthenticationMiddleware: JSONResponse(content={"error":
//     "Unauthorized"}, status_code=401));
//   - GET /v1/models → {"object":"list","data":[{"id","object":"model",
//     "created","owned_by":"vllm","root","parent":null,"max_model_len",…}]};
//   - a model it does not serve → 404 from _check_model: "The model `x` does
//     not exist.", type NotFoundError, code 404. Older releases answer the
//     flat ErrorResponse {"object":"error","message",…,"param":null,
//     "code":404}; current ones wrap it: {"error":{"message","type",
//     "param":null,"code":404}} (ErrorResponse{error: ErrorInfo});
//   - any other path → FastAPI's 404 {"detail":"Not Found"};
//   - every answer carries uvicorn's "server: uvicorn".
type e2eVLLM struct {
	served  string // the model it was started with (vllm serve MODEL)
	apiKey  string // --api-key; "" = none
	flatErr bool   // an older release's flat error body
	posts   atomic.Int32
}

func (v *e2eVLLM) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Server", "uvicorn")
	if r.Method == http.MethodPost {
		v.posts.Add(1)
	}
	if v.apiKey != "" && strings.HasPrefix(r.URL.Path, "/v1") && r.Header.Get("Authorization") != "Bearer "+v.apiKey {
		e2eRawCT(w, 401, "application/json", `{"error":"Unauthorized"}`)
		return
	}
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/health":
		w.WriteHeader(200)
	case r.Method == http.MethodGet && r.URL.Path == "/version":
		e2eRawCT(w, 200, "application/json", `{"version":"0.11.0"}`)
	case r.Method == http.MethodGet && r.URL.Path == "/v1/models":
		e2eRawCT(w, 200, "application/json", `{"object":"list","data":[{"id":"`+v.served+`","object":"model","created":1736676245,"owned_by":"vllm","root":"`+v.served+`","parent":null,"max_model_len":32768,"permission":[{"id":"modelperm-5f2c0e7a9b1d4c3e","object":"model_permission","created":1736676245,"allow_create_engine":false,"allow_sampling":true,"allow_logprobs":true,"allow_search_indices":false,"allow_view":true,"allow_fine_tuning":false,"organization":"*","group":null,"is_blocking":false}]}]}`)
	case r.Method == http.MethodPost && r.URL.Path == "/v1/chat/completions":
		model := e2eRequestModel(r)
		if model != v.served {
			msg, _ := json.Marshal("The model `" + model + "` does not exist.")
			if v.flatErr {
				e2eRawCT(w, 404, "application/json", `{"object":"error","message":`+string(msg)+`,"type":"NotFoundError","param":null,"code":404}`)
				return
			}
			e2eRawCT(w, 404, "application/json", `{"error":{"message":`+string(msg)+`,"type":"NotFoundError","param":null,"code":404}}`)
			return
		}
		e2eLocalSSE(w, "chatcmpl-0b8c2f6e4a1d4e7f9c3b5a2d1e0f6c8b", model)
	default:
		e2eRawCT(w, 404, "application/json", `{"detail":"Not Found"}`)
	}
}

// e2eLlamaCpp answers as llama.cpp's llama-server does (ggml-org/llama.cpp,
// tools/server/server.cpp and utils.hpp / server-common.cpp):
//   - every answer carries "Server: llama.cpp" (set_default_headers);
//   - errors are res_error's {"error":{"code","message","type"}} with the
//     code as status, Content-Type application/json; charset=utf-8
//     (format_error_response);
//   - started with --api-key, every path but "/", /health, /models,
//     /v1/models and /api/tags (public_endpoints) without "Authorization:
//     Bearer KEY" → 401 {"error":{"code":401,"message":"Invalid API Key",
//     "type":"authentication_error"}} (middleware_validate_api_key); /props
//     is not public;
//   - GET /health → {"status":"ok"}; GET /props → its settings with
//     default_generation_settings.n_ctx and model_path;
//   - GET /v1/models → the one model it was started with (owned_by
//     "llamacpp");
//   - a completion answers with that model whatever model the request
//     names: one server, one model;
//   - any other path → 404 "File Not Found", type not_found_error.
//
// It has no rate limiter: a request waits for a free slot.
type e2eLlamaCpp struct {
	apiKey string
	posts  atomic.Int32
}

const e2eLlamaModel = "Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf"

func (l *e2eLlamaCpp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	const ct = "application/json; charset=utf-8"
	w.Header().Set("Server", "llama.cpp")
	if r.Method == http.MethodPost {
		l.posts.Add(1)
	}
	public := map[string]bool{"/": true, "/health": true, "/models": true, "/v1/models": true, "/api/tags": true}
	if l.apiKey != "" && !public[r.URL.Path] && r.Header.Get("Authorization") != "Bearer "+l.apiKey {
		e2eRawCT(w, 401, ct, `{"error":{"code":401,"message":"Invalid API Key","type":"authentication_error"}}`)
		return
	}
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/health":
		e2eRawCT(w, 200, ct, `{"status":"ok"}`)
	case r.Method == http.MethodGet && r.URL.Path == "/props":
		e2eRawCT(w, 200, ct, `{"default_generation_settings":{"n_ctx":8192,"params":{"temperature":0.8}},"total_slots":1,"model_path":"../models/`+e2eLlamaModel+`","chat_template":"","build_info":"b6000-4a1b2c3d"}`)
	case r.Method == http.MethodGet && (r.URL.Path == "/v1/models" || r.URL.Path == "/models"):
		e2eRawCT(w, 200, ct, `{"object":"list","data":[{"id":"../models/`+e2eLlamaModel+`","object":"model","created":1736676245,"owned_by":"llamacpp","meta":{"vocab_type":2,"n_vocab":128256,"n_ctx_train":131072,"n_embd":4096,"n_params":8030261312,"size":4912898304}}]}`)
	case r.Method == http.MethodPost && r.URL.Path == "/v1/chat/completions":
		_ = e2eRequestModel(r) // read, and ignored: it serves the model it was started with
		e2eLocalSSE(w, "chatcmpl-llamacpp5Yh2", e2eLlamaModel)
	default:
		e2eRawCT(w, 404, ct, `{"error":{"code":404,"message":"File Not Found","type":"not_found_error"}}`)
	}
}

// Each local server healthy, and the claim the matrix rests on for
// llama.cpp: a model name it does not list is no error, since it answers
// with the model it was started with.
func TestE2ELocalServersHealthy(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, profile, key, model string
		h                         http.Handler
	}{
		{"lm studio", "lmstudio", "", "qwen2.5-7b-instruct", &e2eLMStudio{downloaded: []string{"qwen2.5-7b-instruct"}}},
		{"lm studio with a token", "lmstudio", e2eLMStudioToken, "qwen2.5-7b-instruct", &e2eLMStudio{downloaded: []string{"qwen2.5-7b-instruct"}, token: e2eLMStudioToken}},
		{"vllm with --api-key", "vllm", e2eVLLMKey, "Qwen/Qwen2.5-7B-Instruct", &e2eVLLM{served: "Qwen/Qwen2.5-7B-Instruct", apiKey: e2eVLLMKey}},
		{"llama.cpp, any model name", "llamacpp", "", "gpt-4o", &e2eLlamaCpp{}},
		{"llama.cpp with --api-key", "llamacpp", e2eLlamaKey, "llama-3.1-8b", &e2eLlamaCpp{apiKey: e2eLlamaKey}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e2eMatrixLocal(t, c.profile, c.h, c.key, c.model, "healthy")
		})
	}
}
