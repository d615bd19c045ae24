// Command server imitates the OpenAI and Anthropic APIs closely enough that
// real clients (the SDKs, Claude Code, Codex) talk to it as to the real
// thing, and answers with one fault per run, so that what those clients print
// can be recorded (testdata/captures/record.sh). It is a test tool, not part
// of unstuck: nothing in the product imports or ships it. Because it lives
// under testdata/, `go build ./...` skips it; build it by its path:
//
//	go build -o server ./testdata/captures/server
//
// It listens on loopback only (the record script runs it, and the clients,
// inside a private network namespace that has nothing but loopback).
//
// Endpoints, on one listener:
//
//	OpenAI:    GET /v1/models, POST /v1/chat/completions (SSE or JSON),
//	           POST /v1/responses (SSE or JSON)
//	Anthropic: GET /v1/models, POST /v1/messages (SSE or JSON),
//	           POST /v1/messages/count_tokens
//
// Anything else is the provider's own 404 (OpenAI's "Invalid URL (POST …)",
// Anthropic's not_found_error), which is what a wrong base path meets.
//
// Bodies follow the real providers' shapes (CAUSES.md, "Provider quirks";
// the real bodies in checks/classify/testdata/bodies).
package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"time"
)

// faults this server can show; "none" is a healthy provider.
var faults = map[string]string{
	"none":           "a healthy provider",
	"bad-key":        "401 with the provider's body for any key",
	"html-404":       "an nginx 404 HTML page on every path",
	"html-200":       "a single-page app's index.html with 200 on every path",
	"no-credit":      "OpenAI 429 insufficient_quota; Anthropic 400 credit balance is too low",
	"rate-limit":     "429 with retry-after and the provider's rate-limit headers",
	"server-error":   "500 with the provider's body",
	"overloaded":     "OpenAI 503 engine overloaded; Anthropic 529 overloaded_error",
	"stream-error":   "streams: an SSE error event after the first chunk",
	"stream-failed":  "streams: the Responses API's response.failed event after the first chunk (other streams: as stream-error)",
	"stream-cut":     "streams: the connection is dropped after the first chunk, with no final event and no end of the chunked body",
	"stream-eof":     "streams: the body ends cleanly after the first chunk, without the final event",
	"model-missing":  "404 model_not_found (OpenAI) / not_found_error model: (Anthropic) for any model",
	"silent":         "accepts, reads the request and never answers (a timeout)",
	"x-api-key-only": "Anthropic routes read the key from x-api-key only, as some relays do (Authorization: Bearer is ignored)",
}

// defaultKeys are the fixed, obviously fake keys the captures use: one
// OpenAI-shaped, one Anthropic-shaped.
const defaultKeys = "sk-proj-FAKEcaptureKey00000000000000000000000000,sk-ant-api03-FAKEcaptureKey0000000000000000000000000000-AAAA"

// openaiModels and anthropicModels are what the models lists show.
var (
	openaiModels    = []string{"gpt-4o-mini", "gpt-4o", "gpt-5", "gpt-5-codex", "gpt-5.1-codex", "o4-mini"}
	anthropicModels = []string{"claude-sonnet-4-6", "claude-opus-4-8", "claude-haiku-4-5-20251001"}
)

type server struct {
	fault string
	keys  map[string]bool // the only keys accepted
	log   *requestLog
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address (loopback)")
	fault := flag.String("fault", "none", "the fault to show (see -list)")
	keyList := flag.String("keys", defaultKeys, "the only API keys accepted, comma-separated")
	useTLS := flag.Bool("tls", false, "serve HTTPS with a fresh self-signed certificate (a TLS failure for clients)")
	logPath := flag.String("log", "", "append every request received as one JSON line to this file (key values redacted)")
	dnsAddr := flag.String("dns", "", "also answer DNS on this UDP address, NXDOMAIN for every name (e.g. 127.0.0.1:53)")
	list := flag.Bool("list", false, "list the faults and exit")
	flag.Parse()

	if *list {
		names := make([]string, 0, len(faults))
		for n := range faults {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Printf("%-14s %s\n", n, faults[n])
		}
		return
	}
	if _, ok := faults[*fault]; !ok {
		log.Fatalf("unknown fault %q (see -list)", *fault)
	}
	host, _, err := net.SplitHostPort(*addr)
	if err != nil {
		log.Fatal(err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		log.Fatalf("refusing to listen on %s: loopback only", *addr)
	}

	s := &server{fault: *fault, keys: map[string]bool{}}
	for _, k := range strings.Split(*keyList, ",") {
		if k = strings.TrimSpace(k); k != "" {
			s.keys[k] = true
		}
	}
	if *logPath != "" {
		f, err := os.OpenFile(*logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			log.Fatal(err)
		}
		s.log = &requestLog{w: f, keys: s.keys}
	}
	if *dnsAddr != "" {
		go serveNXDOMAIN(*dnsAddr)
	}

	l, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	if *useTLS {
		l = tls.NewListener(l, &tls.Config{Certificates: []tls.Certificate{selfSigned()}})
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 30 * time.Second}
	log.Printf("listening on %s, fault %s", *addr, *fault)
	log.Fatal(srv.Serve(l))
}

// ── Routing ─────────────────────────────────────────────────────────────

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	if s.log != nil {
		s.log.add(r, body)
	}
	anthropic := isAnthropic(r)
	switch s.fault {
	case "silent":
		<-r.Context().Done() // never answer; the client gives up
		return
	case "html-404":
		// A web server or proxy in front, not the API: none of the
		// provider's headers.
		writeRaw(w, 404, "text/html", nginx404)
		return
	case "html-200":
		writeRaw(w, 200, "text/html", spaIndex)
		return
	}
	if anthropic {
		w.Header().Set("request-id", "req_011CaptureAnthr0pic4xQ")
		w.Header().Set("anthropic-organization-id", "3f6c2a1e-8b4d-4c5e-9a7f-1d2e3f4a5b6c")
	} else {
		w.Header().Set("x-request-id", "req_c4pture0penai7f3e9a1b2c3d4e5f6")
		w.Header().Set("openai-version", "2020-10-01")
		w.Header().Set("openai-processing-ms", "112")
		w.Header().Set("openai-organization", "user-capturefake")
	}

	path := r.URL.Path
	route := ""
	switch {
	case r.Method == http.MethodGet && path == "/v1/models":
		route = "models"
	case r.Method == http.MethodPost && path == "/v1/chat/completions":
		route = "chat"
	case r.Method == http.MethodPost && path == "/v1/responses":
		route = "responses"
	case r.Method == http.MethodPost && path == "/v1/messages":
		route, anthropic = "messages", true
	case r.Method == http.MethodPost && path == "/v1/messages/count_tokens":
		route, anthropic = "count_tokens", true
	}
	if route == "" {
		if anthropic {
			anthropicError(w, 404, "not_found_error", "Not Found")
		} else {
			openaiError(w, 404, fmt.Sprintf("Invalid URL (%s %s)", r.Method, path), "invalid_request_error", "")
		}
		return
	}

	if !s.authorised(w, r, anthropic) {
		return
	}
	if anthropic && r.Header.Get("anthropic-version") == "" {
		anthropicError(w, 400, "invalid_request_error", "anthropic-version: header is required")
		return
	}
	if route == "models" {
		writeModels(w, anthropic)
		return
	}

	var req struct {
		Model  string `json:"model"`
		Stream bool   `json:"stream"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		if anthropic {
			anthropicError(w, 400, "invalid_request_error", "There was an issue with your request body.")
		} else {
			openaiError(w, 400, "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)", "invalid_request_error", "")
		}
		return
	}

	switch s.fault {
	case "no-credit":
		if anthropic {
			anthropicError(w, 400, "invalid_request_error", "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.")
		} else {
			openaiError(w, 429, "You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.", "insufficient_quota", "insufficient_quota")
		}
		return
	case "rate-limit":
		if anthropic {
			reset := time.Now().UTC().Add(time.Second).Format(time.RFC3339)
			h := w.Header()
			h.Set("retry-after", "1")
			h.Set("anthropic-ratelimit-requests-limit", "50")
			h.Set("anthropic-ratelimit-requests-remaining", "0")
			h.Set("anthropic-ratelimit-requests-reset", reset)
			h.Set("anthropic-ratelimit-input-tokens-limit", "30000")
			h.Set("anthropic-ratelimit-input-tokens-remaining", "0")
			h.Set("anthropic-ratelimit-input-tokens-reset", reset)
			h.Set("anthropic-ratelimit-output-tokens-limit", "8000")
			h.Set("anthropic-ratelimit-output-tokens-remaining", "8000")
			h.Set("anthropic-ratelimit-output-tokens-reset", reset)
			anthropicError(w, 429, "rate_limit_error", "This request would exceed the rate limit for your organization (3f6c2a1e-8b4d-4c5e-9a7f-1d2e3f4a5b6c) of 30,000 input tokens per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits. You can see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later. You may also contact sales at https://www.anthropic.com/contact-sales to discuss your options for a rate limit increase.")
		} else {
			h := w.Header()
			h.Set("retry-after", "1")
			h.Set("x-ratelimit-limit-requests", "3")
			h.Set("x-ratelimit-remaining-requests", "0")
			h.Set("x-ratelimit-reset-requests", "1s")
			h.Set("x-ratelimit-limit-tokens", "40000")
			h.Set("x-ratelimit-remaining-tokens", "39990")
			h.Set("x-ratelimit-reset-tokens", "15ms")
			model := req.Model
			if model == "" {
				model = "gpt-4o-mini"
			}
			openaiError(w, 429, "Rate limit reached for "+model+" in organization org-Zx81kQmP0aLwB3nR on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 1s. Visit https://platform.openai.com/account/rate-limits to learn more. You can increase your rate limit by adding a payment method to your account at https://platform.openai.com/account/billing.", "requests", "rate_limit_exceeded")
		}
		return
	case "server-error":
		if anthropic {
			anthropicError(w, 500, "api_error", "Internal server error")
		} else {
			openaiError(w, 500, "The server had an error while processing your request. Sorry about that!", "server_error", "")
		}
		return
	case "overloaded":
		if anthropic {
			anthropicError(w, 529, "overloaded_error", "Overloaded")
		} else {
			openaiError(w, 503, "The engine is currently overloaded, please try again later", "server_error", "")
		}
		return
	case "model-missing":
		if route == "count_tokens" {
			break // Claude Code counts tokens before it asks; the refusal comes on the messages call
		}
		if anthropic {
			anthropicError(w, 404, "not_found_error", "model: "+req.Model)
		} else {
			openaiError(w, 404, "The model `"+req.Model+"` does not exist or you do not have access to it.", "invalid_request_error", "model_not_found")
		}
		return
	}

	switch route {
	case "count_tokens":
		writeJSON(w, 200, map[string]any{"input_tokens": 12})
	case "chat":
		if req.Stream {
			s.stream(w, chatStream(req.Model))
		} else {
			writeJSON(w, 200, chatCompletion(req.Model))
		}
	case "responses":
		if req.Stream {
			s.stream(w, responsesStream(req.Model))
		} else {
			writeJSON(w, 200, responseObject(req.Model, "completed"))
		}
	case "messages":
		if req.Stream {
			s.stream(w, messagesStream(req.Model))
		} else {
			writeJSON(w, 200, message(req.Model))
		}
	}
}

// isAnthropic tells an Anthropic-style request: its paths, or its headers
// on the shared /v1/models.
func isAnthropic(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/v1/messages") ||
		r.Header.Get("anthropic-version") != "" || r.Header.Get("x-api-key") != ""
}

// authorised checks the key and answers the provider's 401 when it is wrong.
// Anthropic takes x-api-key or (since its 1.x SDKs) Authorization: Bearer.
func (s *server) authorised(w http.ResponseWriter, r *http.Request, anthropic bool) bool {
	bearer, hasBearer := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if anthropic {
		xkey := r.Header.Get("x-api-key")
		if s.fault == "x-api-key-only" {
			bearer, hasBearer = "", false
		}
		switch {
		case s.fault != "bad-key" && (s.keys[xkey] || (xkey == "" && s.keys[bearer])):
			return true
		case xkey != "":
			anthropicError(w, 401, "authentication_error", "invalid x-api-key")
		case hasBearer && bearer != "":
			anthropicError(w, 401, "authentication_error", "Invalid bearer token")
		default:
			anthropicError(w, 401, "authentication_error", "x-api-key header is required")
		}
		return false
	}
	switch {
	case s.fault != "bad-key" && s.keys[bearer]:
		return true
	case !hasBearer || bearer == "":
		openaiError(w, 401, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.", "invalid_request_error", "")
	default:
		openaiError(w, 401, "Incorrect API key provided: "+maskKey(bearer)+". You can find your API key at https://platform.openai.com/account/api-keys.", "invalid_request_error", "invalid_api_key")
	}
	return false
}

// maskKey masks a key as OpenAI's 401 does: the start and the last four
// characters, stars between.
func maskKey(key string) string {
	k := []rune(key)
	if len(k) <= 8 {
		return key
	}
	head := 3
	if i := strings.LastIndex(string(k[:min(len(k)-4, 12)]), "-"); i >= 0 {
		head = len([]rune(string(k[:min(len(k)-4, 12)])[:i])) + 1
	}
	return string(k[:head]) + strings.Repeat("*", len(k)-head-4) + string(k[len(k)-4:])
}

// ── Streams ─────────────────────────────────────────────────────────────

// event is one SSE event: an optional event name and its data.
type event struct{ name, data string }

// stream writes a provider stream, or its broken version under the stream
// faults: everything up to and including the first content chunk, then the
// fault.
func (s *server) stream(w http.ResponseWriter, st sseStream) {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	w.WriteHeader(200)
	f, _ := w.(http.Flusher)
	write := func(e event) {
		if e.name != "" {
			fmt.Fprintf(w, "event: %s\n", e.name)
		}
		fmt.Fprintf(w, "data: %s\n\n", e.data)
		if f != nil {
			f.Flush()
		}
	}
	events := st.events
	switch s.fault {
	case "stream-error", "stream-failed", "stream-cut", "stream-eof":
		events = st.events[:st.firstChunk+1]
	}
	for _, e := range events {
		write(e)
		time.Sleep(20 * time.Millisecond)
	}
	switch s.fault {
	case "stream-error":
		write(st.errorEvent)
	case "stream-failed":
		if st.failedEvent.name != "" {
			write(st.failedEvent)
		} else {
			write(st.errorEvent)
		}
	case "stream-cut":
		// Drop the connection mid-body: no final event and no terminating
		// chunk, as when a proxy or the provider's edge cuts the stream.
		time.Sleep(100 * time.Millisecond)
		if hj, ok := w.(http.Hijacker); ok {
			if c, _, err := hj.Hijack(); err == nil {
				_ = c.Close()
			}
		}
	}
}

type sseStream struct {
	events     []event
	firstChunk int   // index of the first content chunk
	errorEvent event // what the provider sends when the stream fails
	// failedEvent: the Responses API's other way to fail a stream, a
	// response.failed carrying the response with its error.
	failedEvent event
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func orDefault(model, def string) string {
	if model == "" {
		return def
	}
	return model
}

const created = 1747213322

func chatStream(model string) sseStream {
	model = orDefault(model, "gpt-4o-mini")
	chunk := func(delta map[string]any, finish any) event {
		return event{data: mustJSON(map[string]any{
			"id": "chatcmpl-C4ptureQm4xR", "object": "chat.completion.chunk", "created": created,
			"model": model, "service_tier": "default", "system_fingerprint": "fp_07871e2ad8",
			"choices": []any{map[string]any{"index": 0, "delta": delta, "logprobs": nil, "finish_reason": finish}},
		})}
	}
	return sseStream{
		events: []event{
			chunk(map[string]any{"role": "assistant", "content": "", "refusal": nil}, nil),
			chunk(map[string]any{"content": "OK"}, nil),
			chunk(map[string]any{}, "stop"),
			{data: "[DONE]"},
		},
		firstChunk: 1,
		// Chat completions put the error object in the data; the SDKs also
		// read it under an "error" event name.
		errorEvent: event{name: "error", data: mustJSON(map[string]any{"error": map[string]any{
			"message": "The server had an error while processing your request. Sorry about that!",
			"type":    "server_error", "param": nil, "code": nil,
		}})},
	}
}

func chatCompletion(model string) map[string]any {
	return map[string]any{
		"id": "chatcmpl-C4ptureQm4xR", "object": "chat.completion", "created": created,
		"model": orDefault(model, "gpt-4o-mini"),
		"choices": []any{map[string]any{
			"index":         0,
			"message":       map[string]any{"role": "assistant", "content": "OK", "refusal": nil, "annotations": []any{}},
			"logprobs":      nil,
			"finish_reason": "stop",
		}},
		"usage": map[string]any{
			"prompt_tokens": 9, "completion_tokens": 1, "total_tokens": 10,
			"prompt_tokens_details":     map[string]any{"cached_tokens": 0, "audio_tokens": 0},
			"completion_tokens_details": map[string]any{"reasoning_tokens": 0, "audio_tokens": 0, "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0},
		},
		"service_tier": "default", "system_fingerprint": "fp_07871e2ad8",
	}
}

const (
	respID = "resp_68c4pture0e5b8a1f9d2c3b4a5e6f7a8b"
	itemID = "msg_68c4pture1f6c9b2a0e3d4c5b6a7f8e9c"
)

func responseObject(model, status string) map[string]any {
	model = orDefault(model, "gpt-5")
	r := map[string]any{
		"id": respID, "object": "response", "created_at": created, "status": status,
		"background": false, "error": nil, "incomplete_details": nil, "instructions": nil,
		"max_output_tokens": nil, "model": model, "output": []any{}, "parallel_tool_calls": true,
		"previous_response_id": nil, "reasoning": map[string]any{"effort": nil, "summary": nil},
		"service_tier": "auto", "store": false, "temperature": 1.0,
		"text":        map[string]any{"format": map[string]any{"type": "text"}, "verbosity": "medium"},
		"tool_choice": "auto", "tools": []any{}, "top_p": 1.0, "truncation": "disabled",
		"usage": nil, "user": nil, "metadata": map[string]any{},
	}
	if status == "completed" {
		r["output"] = []any{outputMessage("completed", "OK")}
		r["usage"] = map[string]any{
			"input_tokens": 12, "input_tokens_details": map[string]any{"cached_tokens": 0},
			"output_tokens": 2, "output_tokens_details": map[string]any{"reasoning_tokens": 0},
			"total_tokens": 14,
		}
	}
	return r
}

func outputMessage(status, text string) map[string]any {
	content := []any{}
	if status == "completed" {
		content = []any{map[string]any{"type": "output_text", "annotations": []any{}, "logprobs": []any{}, "text": text}}
	}
	return map[string]any{"id": itemID, "type": "message", "status": status, "content": content, "role": "assistant"}
}

func responsesStream(model string) sseStream {
	seq := 0
	ev := func(typ string, fields map[string]any) event {
		fields["type"] = typ
		fields["sequence_number"] = seq
		seq++
		return event{name: typ, data: mustJSON(fields)}
	}
	part := map[string]any{"type": "output_text", "annotations": []any{}, "logprobs": []any{}, "text": ""}
	donePart := map[string]any{"type": "output_text", "annotations": []any{}, "logprobs": []any{}, "text": "OK"}
	events := []event{
		ev("response.created", map[string]any{"response": responseObject(model, "in_progress")}),
		ev("response.in_progress", map[string]any{"response": responseObject(model, "in_progress")}),
		ev("response.output_item.added", map[string]any{"output_index": 0, "item": outputMessage("in_progress", "")}),
		ev("response.content_part.added", map[string]any{"item_id": itemID, "output_index": 0, "content_index": 0, "part": part}),
		ev("response.output_text.delta", map[string]any{"item_id": itemID, "output_index": 0, "content_index": 0, "delta": "OK", "logprobs": []any{}}),
		ev("response.output_text.done", map[string]any{"item_id": itemID, "output_index": 0, "content_index": 0, "text": "OK", "logprobs": []any{}}),
		ev("response.content_part.done", map[string]any{"item_id": itemID, "output_index": 0, "content_index": 0, "part": donePart}),
		ev("response.output_item.done", map[string]any{"output_index": 0, "item": outputMessage("completed", "OK")}),
		ev("response.completed", map[string]any{"response": responseObject(model, "completed")}),
	}
	// The Responses API's error event (ResponseErrorEvent): code, message,
	// param at the top level.
	errSeq := 5
	failed := responseObject(model, "failed")
	failed["error"] = map[string]any{
		"code":    "server_error",
		"message": "An error occurred while processing your request. You can retry your request, or contact us through our help center at help.openai.com if the error persists. Please include the request ID req_c4pture0penai7f3e9a1b2c3d4e5f6 in your message.",
	}
	return sseStream{
		events:      events,
		firstChunk:  4,
		failedEvent: event{name: "response.failed", data: mustJSON(map[string]any{"type": "response.failed", "sequence_number": errSeq, "response": failed})},
		errorEvent: event{name: "error", data: mustJSON(map[string]any{
			"type": "error", "sequence_number": errSeq, "code": "server_error",
			"message": "An error occurred while processing your request. You can retry your request, or contact us through our help center at help.openai.com if the error persists. Please include the request ID req_c4pture0penai7f3e9a1b2c3d4e5f6 in your message.",
			"param":   nil,
		})},
	}
}

func message(model string) map[string]any {
	return map[string]any{
		"id": "msg_01C4ptureXq9LwZ8mN3bV7k", "type": "message", "role": "assistant",
		"model":         orDefault(model, "claude-sonnet-4-5-20250929"),
		"content":       []any{map[string]any{"type": "text", "text": "OK"}},
		"stop_reason":   "end_turn",
		"stop_sequence": nil,
		"usage": map[string]any{
			"input_tokens": 12, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0,
			"output_tokens": 4, "service_tier": "standard",
		},
	}
}

func messagesStream(model string) sseStream {
	model = orDefault(model, "claude-sonnet-4-5-20250929")
	ev := func(typ string, fields map[string]any) event {
		fields["type"] = typ
		return event{name: typ, data: mustJSON(fields)}
	}
	start := map[string]any{
		"id": "msg_01C4ptureXq9LwZ8mN3bV7k", "type": "message", "role": "assistant", "model": model,
		"content": []any{}, "stop_reason": nil, "stop_sequence": nil,
		"usage": map[string]any{"input_tokens": 12, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0, "output_tokens": 1, "service_tier": "standard"},
	}
	return sseStream{
		events: []event{
			ev("message_start", map[string]any{"message": start}),
			ev("content_block_start", map[string]any{"index": 0, "content_block": map[string]any{"type": "text", "text": ""}}),
			ev("ping", map[string]any{}),
			ev("content_block_delta", map[string]any{"index": 0, "delta": map[string]any{"type": "text_delta", "text": "OK"}}),
			ev("content_block_stop", map[string]any{"index": 0}),
			ev("message_delta", map[string]any{"delta": map[string]any{"stop_reason": "end_turn", "stop_sequence": nil}, "usage": map[string]any{"output_tokens": 4}}),
			ev("message_stop", map[string]any{}),
		},
		firstChunk: 3,
		// What Anthropic sends when a stream fails after it started.
		errorEvent: event{name: "error", data: `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_011CaptureAnthr0pic4xQ"}`},
	}
}

// ── Plain answers ───────────────────────────────────────────────────────

func writeModels(w http.ResponseWriter, anthropic bool) {
	var data []any
	if anthropic {
		for _, m := range anthropicModels {
			data = append(data, map[string]any{"type": "model", "id": m, "display_name": m, "created_at": "2025-09-29T00:00:00Z"})
		}
		writeJSON(w, 200, map[string]any{"data": data, "has_more": false, "first_id": anthropicModels[0], "last_id": anthropicModels[len(anthropicModels)-1]})
		return
	}
	for _, m := range openaiModels {
		data = append(data, map[string]any{"id": m, "object": "model", "created": 1715367049, "owned_by": "system"})
	}
	writeJSON(w, 200, map[string]any{"object": "list", "data": data})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func writeRaw(w http.ResponseWriter, status int, contentType, body string) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Server", "nginx/1.24.0")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// openaiError writes OpenAI's error shape; an empty code is null.
func openaiError(w http.ResponseWriter, status int, message, typ, code string) {
	var c any
	if code != "" {
		c = code
	}
	writeJSON(w, status, map[string]any{"error": map[string]any{"message": message, "type": typ, "param": nil, "code": c}})
}

// anthropicError writes Anthropic's error shape with its request_id.
func anthropicError(w http.ResponseWriter, status int, typ, message string) {
	w.Header().Set("x-should-retry", fmt.Sprint(status == 429 || status >= 500))
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"type":"error","error":{"type":%s,"message":%s},"request_id":"req_011CaptureAnthr0pic4xQ"}`, mustJSON(typ), mustJSON(message))
}

const nginx404 = `<html>
<head><title>404 Not Found</title></head>
<body>
<center><h1>404 Not Found</h1></center>
<hr><center>nginx/1.24.0</center>
</body>
</html>
`

const spaIndex = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <link rel="icon" type="image/svg+xml" href="/vite.svg" />
    <meta name="viewport" content="width=device-width, initial-scale=1.0" />
    <title>Relay Console</title>
    <script type="module" crossorigin src="/assets/index-DiwrgTda.js"></script>
    <link rel="stylesheet" crossorigin href="/assets/index-D8b4DHJx.css">
  </head>
  <body>
    <div id="root"></div>
  </body>
</html>
`

// ── The request log ─────────────────────────────────────────────────────

// requestLog writes what clients send, one JSON object a line, with the
// accepted key's value replaced by <KEY> wherever it appears.
type requestLog struct {
	mu   sync.Mutex
	w    io.Writer
	keys map[string]bool
}

func (l *requestLog) add(r *http.Request, body []byte) {
	redact := func(s string) string {
		for k := range l.keys {
			s = strings.ReplaceAll(s, k, "<KEY>")
		}
		return s
	}
	headers := map[string]string{}
	for k, vs := range r.Header {
		v := redact(strings.Join(vs, ", "))
		switch strings.ToLower(k) {
		case "authorization", "x-api-key", "api-key":
			if !strings.Contains(v, "<KEY>") {
				// Another key than the accepted one: keep its scheme, not its value.
				scheme, _, found := strings.Cut(v, " ")
				if found {
					v = scheme + " <OTHER KEY>"
				} else {
					v = "<OTHER KEY>"
				}
			}
		}
		headers[strings.ToLower(k)] = v
	}
	var parsed any
	if json.Unmarshal(body, &parsed) != nil {
		parsed = redact(string(body))
	} else {
		b, _ := json.Marshal(parsed)
		_ = json.Unmarshal([]byte(redact(string(b))), &parsed)
	}
	entry := map[string]any{
		"method": r.Method, "path": r.URL.Path, "query": r.URL.RawQuery, "proto": r.Proto,
		"headers": headers, "body": parsed,
	}
	b, _ := json.Marshal(entry)
	l.mu.Lock()
	defer l.mu.Unlock()
	_, _ = l.w.Write(append(b, '\n'))
}

// ── TLS and DNS ─────────────────────────────────────────────────────────

// selfSigned makes a fresh self-signed certificate for 127.0.0.1 and
// localhost: no client trusts it, which is the point.
func selfSigned() tls.Certificate {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		log.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "localhost", Organization: []string{"unstuck capture server"}},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		log.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: k}
}

// serveNXDOMAIN answers every DNS query on addr with NXDOMAIN (no such
// name), as a real resolver does for a name that does not exist.
func serveNXDOMAIN(addr string) {
	pc, err := net.ListenPacket("udp", addr)
	if err != nil {
		log.Fatalf("dns: %v", err)
	}
	buf := make([]byte, 1500)
	for {
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			return
		}
		if resp := nxdomain(buf[:n]); resp != nil {
			_, _ = pc.WriteTo(resp, from)
		}
	}
}

// nxdomain builds the answer to one query: its header with QR, RD, RA and
// RCODE 3, and its question, nothing else.
func nxdomain(q []byte) []byte {
	if len(q) < 12 {
		return nil
	}
	end := 12
	for end < len(q) && q[end] != 0 {
		end += int(q[end]) + 1
	}
	end += 1 + 4 // the root label, QTYPE, QCLASS
	if end > len(q) {
		return nil
	}
	resp := append([]byte(nil), q[:end]...)
	resp[2] = 0x80 | (q[2] & 0x01) // QR, keep RD
	resp[3] = 0x80 | 0x03          // RA, NXDOMAIN
	resp[4], resp[5] = 0, 1        // one question
	for i := 6; i < 12; i++ {
		resp[i] = 0 // no answers, authority or additional records
	}
	return resp
}
