// Command slowserver is a local OpenAI-style API whose every answer comes
// after a fixed delay (300 ms by default), like a real provider far away. It
// is the yardstick for "a diagnosis in about one round trip": perf/run.sh
// times `unstuck diagnose` against it side by side with one curl of the
// same minimal streamed request.
//
//	slowserver -addr 127.0.0.1:18080 -delay 300ms
//
// GET  /v1/models            the models list (Authorization: Bearer required)
// POST /v1/chat/completions  a streamed one-token answer ending in [DONE]
//
// Answers look like OpenAI's: JSON errors with error.type/code, request IDs,
// rate-limit headers, text/event-stream chunks. It listens on loopback only.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

var slowModels = []string{"gpt-4o-mini", "gpt-4o", "gpt-4.1", "gpt-4.1-mini", "o3-mini", "text-embedding-3-small"}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address (loopback)")
	delay := flag.Duration("delay", 300*time.Millisecond, "delay before every answer's headers")
	key := flag.String("key", "", "the only key accepted (default: any non-empty Bearer token)")
	flag.Parse()

	host, _, err := net.SplitHostPort(*addr)
	if err != nil || !net.ParseIP(host).IsLoopback() {
		log.Fatalf("slowserver: -addr must be a loopback address, got %q", *addr)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	var seq atomic.Int64
	s := &slowServer{delay: *delay, key: *key, seq: &seq}
	// The address goes to stdout so scripts can read the port.
	fmt.Println("http://" + ln.Addr().String() + "/v1")
	os.Stdout.Sync()
	log.Fatal(http.Serve(ln, s))
}

type slowServer struct {
	delay time.Duration
	key   string
	seq   *atomic.Int64
}

func (s *slowServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Every answer waits, as a far-away provider's would.
	select {
	case <-time.After(s.delay):
	case <-r.Context().Done():
		return
	}
	h := w.Header()
	h.Set("x-request-id", fmt.Sprintf("req_slow%012d", s.seq.Add(1)))
	h.Set("openai-processing-ms", strconv.Itoa(int(s.delay.Milliseconds())))
	h.Set("openai-version", "2020-10-01")

	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || tok == "" || (s.key != "" && tok != s.key) {
		msg := "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
		if ok && tok != "" {
			msg = "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys."
		}
		slowError(w, http.StatusUnauthorized, msg, "invalid_request_error", "invalid_api_key")
		return
	}
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/v1/models":
		s.models(w)
	case r.Method == http.MethodPost && r.URL.Path == "/v1/chat/completions":
		s.chat(w, r)
	default:
		slowError(w, http.StatusNotFound, "Invalid URL ("+r.Method+" "+r.URL.Path+")", "invalid_request_error", "")
	}
}

func (s *slowServer) models(w http.ResponseWriter) {
	type model struct {
		ID      string `json:"id"`
		Object  string `json:"object"`
		Created int64  `json:"created"`
		OwnedBy string `json:"owned_by"`
	}
	list := struct {
		Object string  `json:"object"`
		Data   []model `json:"data"`
	}{Object: "list"}
	for _, id := range slowModels {
		list.Data = append(list.Data, model{ID: id, Object: "model", Created: 1715367049, OwnedBy: "system"})
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(list)
}

func (s *slowServer) chat(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Model  string `json:"model"`
		Stream bool   `json:"stream"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&req); err != nil {
		slowError(w, http.StatusBadRequest, "We could not parse the JSON body of your request.", "invalid_request_error", "")
		return
	}
	known := false
	for _, m := range slowModels {
		known = known || m == req.Model
	}
	if !known {
		slowError(w, http.StatusNotFound, "The model `"+req.Model+"` does not exist or you do not have access to it.", "invalid_request_error", "model_not_found")
		return
	}
	h := w.Header()
	h.Set("x-ratelimit-limit-requests", "10000")
	h.Set("x-ratelimit-remaining-requests", "9999")
	h.Set("x-ratelimit-reset-requests", "6ms")
	id := "chatcmpl-slow" + strconv.FormatInt(s.seq.Load(), 10)
	chunk := func(delta string, finish any) string {
		b, _ := json.Marshal(map[string]any{
			"id": id, "object": "chat.completion.chunk", "created": time.Now().Unix(), "model": req.Model + "-2024-07-18",
			"choices": []any{map[string]any{"index": 0, "delta": map[string]any{"content": delta}, "finish_reason": finish}},
		})
		return "data: " + string(b) + "\n\n"
	}
	if !req.Stream {
		h.Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"id": id, "object": "chat.completion", "model": req.Model + "-2024-07-18",
			"choices": []any{map[string]any{"index": 0, "message": map[string]any{"role": "assistant", "content": "OK"}, "finish_reason": "length"}},
		})
		return
	}
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	fl, _ := w.(http.Flusher)
	for _, part := range []string{chunk("", nil), chunk("OK", nil), chunk("", "length"), "data: [DONE]\n\n"} {
		_, _ = w.Write([]byte(part))
		if fl != nil {
			fl.Flush()
		}
	}
}

func slowError(w http.ResponseWriter, status int, msg, typ, code string) {
	var c any
	if code != "" {
		c = code
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": msg, "type": typ, "param": nil, "code": c}})
}
