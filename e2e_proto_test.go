package main

// diagnose --protocol responses|gemini through the built binary, against
// servers that speak the Responses API and Gemini's native API as the real
// ones do, and a relay that lacks the Responses API.

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// e2eResponsesStream is the Responses API's event stream, as
// testdata/captures/server replays it to the real Codex CLI.
func e2eResponsesStream(w http.ResponseWriter, model string) {
	w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
	w.WriteHeader(200)
	obj := func(status string) map[string]any {
		return map[string]any{"id": "resp_e2e1", "object": "response", "created_at": 1754425777, "status": status, "model": model, "output": []any{}, "error": nil}
	}
	seq := 0
	for _, ev := range []struct {
		typ    string
		fields map[string]any
	}{
		{"response.created", map[string]any{"response": obj("in_progress")}},
		{"response.output_text.delta", map[string]any{"item_id": "msg_e2e1", "output_index": 0, "content_index": 0, "delta": "OK"}},
		{"response.completed", map[string]any{"response": obj("completed")}},
	} {
		ev.fields["type"] = ev.typ
		ev.fields["sequence_number"] = seq
		seq++
		b, _ := json.Marshal(ev.fields)
		fmt.Fprintf(w, "event: %s\ndata: %s\n\n", ev.typ, b)
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
	}
}

func TestE2EDiagnoseResponsesProtocol(t *testing.T) {
	t.Parallel()
	t.Run("healthy", func(t *testing.T) {
		t.Parallel()
		api := e2eOpenAIServer()
		api.notFound = func(w http.ResponseWriter, r *http.Request) {
			if r.Method != "POST" || r.URL.Path != "/v1/responses" {
				e2eOpenAIError(w, 404, fmt.Sprintf("Invalid URL (%s %s)", r.Method, r.URL.Path), "invalid_request_error", "")
				return
			}
			if !api.authorised(r) {
				api.refuseKey(w, r)
				return
			}
			e2eResponsesStream(w, "gpt-4o")
		}
		srv := e2eServe(t, api)
		base := e2eURL(srv, "/v1")
		res, _ := e2eDiagnose(t, e2eCmd{
			args: []string{"--protocol", "responses", "--base-url", base, "--model", "gpt-4o", "--timeout", "5s"},
			env:  e2eOpenAIEnv(e2eOpenAIKey),
		})
		e2eWant(t, res, "healthy")
		var posts []string
		for _, r := range api.requests() {
			if r.Method == "POST" {
				posts = append(posts, r.Path+" "+r.Body)
			}
		}
		if len(posts) != 1 || !strings.HasPrefix(posts[0], "/v1/responses ") || !strings.Contains(posts[0], `"max_output_tokens":16`) {
			t.Errorf("billable calls %q, want one POST /v1/responses with max_output_tokens 16", posts)
		}
		if res.Evidence.Endpoint != base+"/responses" {
			t.Errorf("evidence.endpoint %q", res.Evidence.Endpoint)
		}
	})
	t.Run("relay without the Responses API", func(t *testing.T) {
		t.Parallel()
		api := e2eOpenAIServer() // chat completions and models only
		srv := e2eServe(t, api)
		res, _ := e2eDiagnose(t, e2eCmd{
			args: []string{"--protocol", "responses", "--base-url", e2eURL(srv, "/v1"), "--model", "gpt-4o", "--timeout", "5s"},
			env:  e2eOpenAIEnv(e2eOpenAIKey),
		})
		e2eWant(t, res, "endpoint-unsupported")
	})
}

// e2eGeminiNative is generativelanguage.googleapis.com/v1beta: the key in
// x-goog-api-key or ?key=, google.rpc errors.
type e2eGeminiNative struct {
	key  string
	mu   sync.Mutex
	seen []string // "METHOD path?query header-key-present"
}

func (g *e2eGeminiNative) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 1<<20))
	key := r.Header.Get("x-goog-api-key")
	if k := r.URL.Query().Get("key"); k != "" {
		key = k
	}
	g.mu.Lock()
	g.seen = append(g.seen, r.Method+" "+r.URL.Path+"?"+r.URL.RawQuery+fmt.Sprintf(" header=%v", r.Header.Get("x-goog-api-key") != ""))
	g.mu.Unlock()
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.Header().Set("Server", "scaffolding on HTTPServer2")
	if key != g.key {
		w.WriteHeader(400)
		_, _ = io.WriteString(w, `{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID","domain":"googleapis.com","metadata":{"service":"generativelanguage.googleapis.com"}}]}}`)
		return
	}
	switch {
	case r.Method == "GET" && r.URL.Path == "/v1beta/models":
		_, _ = io.WriteString(w, `{"models":[{"name":"models/gemini-2.5-flash","version":"001","displayName":"Gemini 2.5 Flash","supportedGenerationMethods":["generateContent","countTokens"]}]}`)
	case r.Method == "POST" && r.URL.Path == "/v1beta/models/gemini-2.5-flash:generateContent":
		_, _ = io.WriteString(w, `{"candidates":[{"content":{"parts":[{"text":"OK"}],"role":"model"},"finishReason":"MAX_TOKENS","index":0}],"usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":1,"totalTokenCount":4},"modelVersion":"gemini-2.5-flash","responseId":"e2eGem1"}`)
	case r.Method == "POST" && strings.HasPrefix(r.URL.Path, "/v1beta/models/"):
		model, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/v1beta/models/"), ":")
		w.WriteHeader(404)
		fmt.Fprintf(w, `{"error":{"code":404,"message":"models/%s is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.","status":"NOT_FOUND"}}`, model)
	default:
		w.Header().Set("Content-Type", "text/html; charset=UTF-8")
		w.WriteHeader(404)
		_, _ = io.WriteString(w, "<!DOCTYPE html><html lang=en><title>Error 404 (Not Found)!!1</title><p><b>404.</b> <ins>That’s an error.</ins>")
	}
}

func TestE2EDiagnoseGeminiProtocol(t *testing.T) {
	t.Parallel()
	const key = "AIzaSyE2EKEYg3m1n1Xq9c2d1b8e4f6a0c5SECRET"
	for _, tc := range []struct {
		name, model, cause string
		inURL              bool
	}{
		{"healthy with x-goog-api-key", "gemini-2.5-flash", "healthy", false},
		{"healthy with ?key= in the URL", "gemini-2.5-flash", "healthy", true},
		{"unknown model", "gemini-2.5-flahs", "model-not-found", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g := &e2eGeminiNative{key: key}
			srv := e2eServe(t, g)
			base := e2eURL(srv, "/v1beta")
			env := map[string]string{"GEMINI_API_KEY": key}
			if tc.inURL {
				base += "?key=" + key
			}
			res, out := e2eDiagnose(t, e2eCmd{
				// openai-compatible: the gemini profile is not this branch's
				// (the setup's checks judge the base URL and key by it).
				args: []string{"--protocol", "gemini", "--provider", "gemini", "--base-url", base, "--model", tc.model, "--timeout", "5s"},
				env:  env,
			})
			e2eWant(t, res, tc.cause)
			if res.Evidence.Protocol != "gemini" {
				t.Errorf("evidence.protocol %q", res.Evidence.Protocol)
			}
			e2eNoLeak(t, []string{out.stdout, out.stderr}, key)
			g.mu.Lock()
			defer g.mu.Unlock()
			sawGenerate := false
			for _, s := range g.seen {
				if strings.Contains(s, ":generateContent") {
					sawGenerate = true
					if tc.inURL != strings.Contains(s, "key=") || tc.inURL == strings.Contains(s, "header=true") {
						t.Errorf("call %q: the key goes in the URL only when the user's URL has it, else in x-goog-api-key", strings.ReplaceAll(s, key, "KEY"))
					}
				}
			}
			if !sawGenerate {
				t.Errorf("no generateContent call: %q", g.seen)
			}
		})
	}
}
