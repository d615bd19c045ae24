package probe

// Test servers for the protocols clients speak beyond chat completions: the
// OpenAI Responses API (Codex, the AI SDK's openai()), Gemini's native API,
// and relays that lack one endpoint. Shapes follow the providers' own
// answers: the Responses API's event stream as the openai SDKs type it
// (ResponseCreatedEvent … ResponseCompletedEvent, ResponseFailedEvent,
// ResponseErrorEvent) and as testdata/captures/server replays it to the real
// Codex CLI; Gemini's google.rpc error bodies as its users report them.

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/unstuck-dev/unstuck/checks"
)

// netRec records every request: method, path, query and headers.
type netRec struct {
	mu   sync.Mutex
	reqs []netSeen
}

type netSeen struct {
	Method, Path, Query string
	Header              http.Header
	Body                []byte
}

func (n *netRec) add(r *http.Request) []byte {
	b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	n.mu.Lock()
	n.reqs = append(n.reqs, netSeen{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), b})
	n.mu.Unlock()
	return b
}

func (n *netRec) all() []netSeen {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]netSeen(nil), n.reqs...)
}

// to returns the requests to a path.
func (n *netRec) to(path string) []netSeen {
	var out []netSeen
	for _, r := range n.all() {
		if r.Path == path {
			out = append(out, r)
		}
	}
	return out
}

func netOpenAIError(w http.ResponseWriter, status int, msg, typ, param, code string) {
	e := map[string]any{"message": msg, "type": typ, "param": nil, "code": nil}
	if param != "" {
		e["param"] = param
	}
	if code != "" {
		e["code"] = code
	}
	netJSON(w, status, map[string]any{"error": e})
}

// netResponses imitates api.openai.com/v1 for the Responses API. mode:
//
//	""            a streamed (or whole) answer ending in response.completed
//	"incomplete"  a reasoning model stopped by max_output_tokens: response.incomplete
//	"failed"      response.failed after the first delta
//	"error"       the ResponseErrorEvent after the first delta
//	"cut"         the stream ends after the first delta, no final event
//	"absent"      a chat-completions-only relay: /v1/responses is a FastAPI 404
type netResponses struct {
	mode   string
	models []string
	rec    netRec
}

func newNetResponses(mode string) *netResponses {
	return &netResponses{mode: mode, models: []string{"gpt-5", "gpt-5-mini", "gpt-4.1", "text-embedding-3-small"}}
}

func (o *netResponses) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body := o.rec.add(r)
	w.Header().Set("x-request-id", "req_5e1f0c2b9a8d7e6f")
	w.Header().Set("openai-version", "2020-10-01")
	w.Header().Set("openai-processing-ms", "97")
	if r.Header.Get("Authorization") != "Bearer "+netTestKey {
		netOpenAIError(w, 401, "Incorrect API key provided: unit****4f60. You can find your API key at https://platform.openai.com/account/api-keys.", "invalid_request_error", "", "invalid_api_key")
		return
	}
	switch {
	case r.Method == "GET" && r.URL.Path == "/v1/models":
		var data []map[string]any
		for _, m := range o.models {
			data = append(data, map[string]any{"id": m, "object": "model", "created": 1754425777, "owned_by": "system"})
		}
		netJSON(w, 200, map[string]any{"object": "list", "data": data})
	case r.Method == "POST" && r.URL.Path == "/v1/chat/completions":
		netSSE(w, `data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1754425777,"model":"gpt-5","choices":[{"index":0,"delta":{"content":"OK"},"finish_reason":"length"}]}`, "data: [DONE]")
	case r.Method == "POST" && r.URL.Path == "/v1/responses" && o.mode == "absent":
		// vLLM's and most FastAPI servers' router answer for a path they lack.
		netJSON(w, 404, map[string]any{"detail": "Not Found"})
	case r.Method == "POST" && r.URL.Path == "/v1/responses":
		var req struct {
			Model           string `json:"model"`
			Input           any    `json:"input"`
			MaxOutputTokens *int   `json:"max_output_tokens"`
			Stream          bool   `json:"stream"`
		}
		if json.Unmarshal(body, &req) != nil {
			netOpenAIError(w, 400, "We could not parse the JSON body of your request.", "invalid_request_error", "", "")
			return
		}
		if req.MaxOutputTokens != nil && *req.MaxOutputTokens < 16 {
			netOpenAIError(w, 400, fmt.Sprintf("Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16, but got %d instead.", *req.MaxOutputTokens),
				"invalid_request_error", "max_output_tokens", "integer_below_min_value")
			return
		}
		if req.Input == nil {
			netOpenAIError(w, 400, "Missing required parameter: 'input'.", "invalid_request_error", "input", "missing_required_parameter")
			return
		}
		found := false
		for _, m := range o.models {
			found = found || m == req.Model
		}
		if !found {
			netOpenAIError(w, 400, fmt.Sprintf("The requested model '%s' does not exist.", req.Model), "invalid_request_error", "model", "model_not_found")
			return
		}
		if !req.Stream {
			status := "completed"
			if o.mode == "incomplete" {
				status = "incomplete"
			}
			netJSON(w, 200, netResponseObject(req.Model, status))
			return
		}
		o.stream(w, req.Model)
	default:
		netOpenAIError(w, 404, fmt.Sprintf("Invalid URL (%s %s)", r.Method, r.URL.Path), "invalid_request_error", "", "")
	}
}

// netResponseObject is the Responses API's response object.
func netResponseObject(model, status string) map[string]any {
	r := map[string]any{
		"id": "resp_68a1b2c3d4e5f6", "object": "response", "created_at": 1754425777, "status": status,
		"background": false, "error": nil, "incomplete_details": nil, "instructions": nil,
		"max_output_tokens": 16, "model": model + "-2025-08-07", "output": []any{}, "parallel_tool_calls": true,
		"previous_response_id": nil, "reasoning": map[string]any{"effort": "medium", "summary": nil},
		"store": false, "temperature": 1.0, "text": map[string]any{"format": map[string]any{"type": "text"}, "verbosity": "medium"},
		"tool_choice": "auto", "tools": []any{}, "top_p": 1.0, "truncation": "disabled", "usage": nil, "user": nil, "metadata": map[string]any{},
	}
	switch status {
	case "completed":
		r["output"] = []any{map[string]any{"id": "msg_68a1", "type": "message", "status": "completed", "role": "assistant",
			"content": []any{map[string]any{"type": "output_text", "annotations": []any{}, "logprobs": []any{}, "text": "OK"}}}}
		r["usage"] = map[string]any{"input_tokens": 9, "input_tokens_details": map[string]any{"cached_tokens": 0},
			"output_tokens": 2, "output_tokens_details": map[string]any{"reasoning_tokens": 0}, "total_tokens": 11}
	case "incomplete":
		r["incomplete_details"] = map[string]any{"reason": "max_output_tokens"}
		r["output"] = []any{map[string]any{"id": "rs_68a1", "type": "reasoning", "summary": []any{}}}
		r["usage"] = map[string]any{"input_tokens": 9, "input_tokens_details": map[string]any{"cached_tokens": 0},
			"output_tokens": 16, "output_tokens_details": map[string]any{"reasoning_tokens": 16}, "total_tokens": 25}
	}
	return r
}

func (o *netResponses) stream(w http.ResponseWriter, model string) {
	seq := 0
	ev := func(typ string, fields map[string]any) string {
		fields["type"] = typ
		fields["sequence_number"] = seq
		seq++
		b, _ := json.Marshal(fields)
		return "event: " + typ + "\ndata: " + string(b)
	}
	item := map[string]any{"id": "msg_68a1", "type": "message", "status": "in_progress", "content": []any{}, "role": "assistant"}
	events := []string{
		ev("response.created", map[string]any{"response": netResponseObject(model, "in_progress")}),
		ev("response.in_progress", map[string]any{"response": netResponseObject(model, "in_progress")}),
		ev("response.output_item.added", map[string]any{"output_index": 0, "item": item}),
		ev("response.content_part.added", map[string]any{"item_id": "msg_68a1", "output_index": 0, "content_index": 0,
			"part": map[string]any{"type": "output_text", "annotations": []any{}, "logprobs": []any{}, "text": ""}}),
		ev("response.output_text.delta", map[string]any{"item_id": "msg_68a1", "output_index": 0, "content_index": 0, "delta": "OK", "logprobs": []any{}}),
	}
	const msg = "An error occurred while processing your request. You can retry your request, or contact us through our help center at help.openai.com if the error persists. Please include the request ID req_5e1f0c2b9a8d7e6f in your message."
	switch o.mode {
	case "failed":
		failed := netResponseObject(model, "failed")
		failed["error"] = map[string]any{"code": "server_error", "message": msg}
		events = append(events, ev("response.failed", map[string]any{"response": failed}))
	case "error":
		events = append(events, ev("error", map[string]any{"code": "server_error", "message": msg, "param": nil}))
	case "cut":
	case "incomplete":
		events = append(events, ev("response.incomplete", map[string]any{"response": netResponseObject(model, "incomplete")}))
	default:
		events = append(events,
			ev("response.output_text.done", map[string]any{"item_id": "msg_68a1", "output_index": 0, "content_index": 0, "text": "OK", "logprobs": []any{}}),
			ev("response.completed", map[string]any{"response": netResponseObject(model, "completed")}))
	}
	netSSE(w, events...)
}

// netGemini imitates generativelanguage.googleapis.com/v1beta: the key in
// x-goog-api-key or ?key=, google.rpc error bodies, a paginated models
// list with "models/…" names, generateContent and its SSE stream.
type netGemini struct {
	models []string
	paged  bool   // the list has a next page
	finish string // the candidate's finishReason ("" = MAX_TOKENS)
	urlKey string // a key accepted in ?key= (the URL's own)
	rec    netRec
}

func newNetGemini() *netGemini {
	return &netGemini{models: []string{"gemini-2.5-flash", "gemini-2.5-pro", "gemini-2.0-flash", "text-embedding-004"}}
}

func netGoogleHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Vary", "Origin, X-Origin, Referer")
	h.Set("Server", "scaffolding on HTTPServer2")
	h.Set("X-Xss-Protection", "0")
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Server-Timing", "gfet4t7; dur=213")
}

func netGoogleError(w http.ResponseWriter, status int, gstatus, msg, reason string) {
	e := map[string]any{"code": status, "message": msg, "status": gstatus}
	if reason != "" {
		e["details"] = []any{
			map[string]any{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason, "domain": "googleapis.com",
				"metadata": map[string]any{"service": "generativelanguage.googleapis.com"}},
			map[string]any{"@type": "type.googleapis.com/google.rpc.LocalizedMessage", "locale": "en-US", "message": msg},
		}
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	b, _ := json.MarshalIndent(map[string]any{"error": e}, "", "  ")
	_, _ = w.Write(b)
}

func (g *netGemini) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.rec.add(r)
	netGoogleHeaders(w)
	key := r.Header.Get("x-goog-api-key")
	if k := r.URL.Query().Get("key"); k != "" {
		key = k
	}
	if key != netTestKey && (g.urlKey == "" || key != g.urlKey) {
		netGoogleError(w, 400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", "API_KEY_INVALID")
		return
	}
	path := r.URL.Path
	switch {
	case r.Method == "GET" && path == "/v1beta/models":
		var list []map[string]any
		for _, m := range g.models {
			methods := []string{"generateContent", "countTokens"}
			if strings.Contains(m, "embedding") {
				methods = []string{"embedContent"}
			}
			list = append(list, map[string]any{"name": "models/" + m, "version": "001", "displayName": m,
				"inputTokenLimit": 1048576, "outputTokenLimit": 65536, "supportedGenerationMethods": methods})
		}
		body := map[string]any{"models": list}
		if g.paged {
			body["nextPageToken"] = "Chltb2RlbHMvZ2VtaW5pLTIuNS1mbGFzaA=="
		}
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		b, _ := json.MarshalIndent(body, "", "  ")
		_, _ = w.Write(b)
	case r.Method == "POST" && strings.HasPrefix(path, "/v1beta/models/") && strings.Contains(path, ":"):
		rest := strings.TrimPrefix(path, "/v1beta/models/")
		model, method, _ := strings.Cut(rest, ":")
		known := false
		for _, m := range g.models {
			known = known || m == model
		}
		if !known || (method != "generateContent" && method != "streamGenerateContent") {
			netGoogleError(w, 404, "NOT_FOUND", "models/"+model+" is not found for API version v1beta, or is not supported for "+method+". Call ListModels to see the list of available models and their supported methods.", "")
			return
		}
		finish := g.finish
		if finish == "" {
			finish = "MAX_TOKENS"
		}
		answer := func(text, fr string) map[string]any {
			c := map[string]any{"content": map[string]any{"parts": []any{map[string]any{"text": text}}, "role": "model"}, "index": 0}
			if fr != "" {
				c["finishReason"] = fr
			}
			return map[string]any{"candidates": []any{c},
				"usageMetadata": map[string]any{"promptTokenCount": 3, "candidatesTokenCount": 1, "totalTokenCount": 4},
				"modelVersion":  model, "responseId": "mV2kaPqLJ7Kk1dkP8eXp6Ac"}
		}
		if method == "generateContent" {
			w.Header().Set("Content-Type", "application/json; charset=UTF-8")
			b, _ := json.MarshalIndent(answer("OK", finish), "", "  ")
			_, _ = w.Write(b)
			return
		}
		if r.URL.Query().Get("alt") != "sse" {
			// Without alt=sse the stream is a JSON array, which the probe
			// never asks for.
			netGoogleError(w, 400, "INVALID_ARGUMENT", "this test server speaks only alt=sse", "")
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		w.WriteHeader(200)
		for _, chunk := range []map[string]any{answer("O", ""), answer("K", finish)} {
			b, _ := json.Marshal(chunk)
			_, _ = io.WriteString(w, "data: "+string(b)+"\r\n\r\n")
			if f, ok := w.(http.Flusher); ok {
				f.Flush()
			}
		}
	default:
		w.Header().Set("Content-Type", "text/html; charset=UTF-8")
		w.WriteHeader(404)
		_, _ = io.WriteString(w, "<!DOCTYPE html>\n<html lang=en>\n  <meta charset=utf-8>\n  <title>Error 404 (Not Found)!!1</title>\n  <p><b>404.</b> <ins>That’s an error.</ins>\n  <p>The requested URL <code>"+path+"</code> was not found on this server.  <ins>That’s all we know.</ins>\n")
	}
}

// netClaudeRelay imitates an Anthropic-style relay in front of Claude
// Code: x-api-key or Bearer, a models list, streamed messages, and
// (noCount) no /v1/messages/count_tokens; models lists what it serves.
type netClaudeRelay struct {
	models  []string
	noCount bool
	bearer  bool // reads only Authorization: Bearer
	rec     netRec
}

func (a *netClaudeRelay) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body := a.rec.add(r)
	w.Header().Set("request-id", "req_011CRelay")
	key := r.Header.Get("x-api-key")
	if a.bearer {
		key = strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	}
	if key != netTestKey {
		netJSON(w, 401, map[string]any{"type": "error", "error": map[string]any{"type": "authentication_error", "message": "invalid x-api-key"}, "request_id": "req_011CRelay"})
		return
	}
	var req struct {
		Model string `json:"model"`
	}
	_ = json.Unmarshal(body, &req)
	known := false
	for _, m := range a.models {
		known = known || m == req.Model
	}
	switch {
	case r.Method == "GET" && r.URL.Path == "/v1/models":
		var data []map[string]any
		for _, m := range a.models {
			data = append(data, map[string]any{"type": "model", "id": m, "display_name": m, "created_at": "2025-10-01T00:00:00Z"})
		}
		netJSON(w, 200, map[string]any{"data": data, "has_more": false})
	case r.Method == "POST" && r.URL.Path == "/v1/messages/count_tokens" && !a.noCount:
		netJSON(w, 200, map[string]any{"input_tokens": 11})
	case r.Method == "POST" && r.URL.Path == "/v1/messages":
		if !known {
			netJSON(w, 404, map[string]any{"type": "error", "error": map[string]any{"type": "not_found_error", "message": "model: " + req.Model}, "request_id": "req_011CRelay"})
			return
		}
		netSSE(w,
			`event: message_start`+"\n"+`data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"`+req.Model+`","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":10,"output_tokens":1}}}`,
			`event: content_block_delta`+"\n"+`data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"OK"}}`,
			`event: message_delta`+"\n"+`data: {"type":"message_delta","delta":{"stop_reason":"max_tokens","stop_sequence":null},"usage":{"output_tokens":1}}`,
			`event: message_stop`+"\n"+`data: {"type":"message_stop"}`)
	default:
		netJSON(w, 404, map[string]any{"type": "error", "error": map[string]any{"type": "not_found_error", "message": "Not Found"}, "request_id": "req_011CRelay"})
	}
}

// netOpenAIOnly is an OpenAI-compatible server without auth (vLLM, a
// llama.cpp server): models and chat answer, /v1/messages is its router's 404.
func netOpenAIOnly(rec *netRec) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		switch {
		case r.Method == "GET" && r.URL.Path == "/v1/models":
			netJSON(w, 200, map[string]any{"object": "list", "data": []any{map[string]any{"id": "claude-sonnet-4-20250514", "object": "model", "owned_by": "vllm"}}})
		case r.Method == "POST" && r.URL.Path == "/v1/chat/completions":
			netSSE(w, `data: {"id":"1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"OK"},"finish_reason":"length"}]}`, "data: [DONE]")
		default:
			netJSON(w, 404, map[string]any{"detail": "Not Found"})
		}
	}
}

// netSetupFor builds a Setup for a protocol this file tests, with a shape.
func netSetupFor(t *testing.T, protocol, base, model string, shape checks.RequestShape, opts ...func(*checks.Setup)) *checks.Setup {
	t.Helper()
	return netSetup(t, protocol, base, hooks{}, append([]func(*checks.Setup){func(s *checks.Setup) {
		s.Model = model
		s.Shape = shape
		switch protocol {
		case "responses":
			s.Endpoint = "" // setup composes none for this protocol: the probe must
			s.ModelsURL = base + "/models"
		case "gemini":
			s.Profile = checks.Profile{Name: "gemini", Title: "Google Gemini", Protocol: "openai", HasModelsList: true}
			s.KeyEnv = "GEMINI_API_KEY"
			s.Endpoint, s.ModelsURL = "", ""
		}
	}}, opts...)...)
}
