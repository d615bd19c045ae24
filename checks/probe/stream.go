package probe

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"

	"github.com/unstuck-dev/unstuck/checks"
)

// stream is what reading the answer found.
type stream struct {
	events   int
	done     bool   // the protocol's end marker arrived ([DONE], message_stop)
	finished bool   // a finish_reason / stop_reason arrived
	errData  []byte // an error the server sent inside the 200
	model    string // the model the answer names
	provider string // the provider the answer names (OpenRouter)
	readErr  error  // why reading stopped early
	whole    bool   // the answer came as one JSON object, not a stream
	kind     string // for a body that is neither: its content type

	filtered   string // Gemini's safety block: its finishReason or blockReason
	incomplete string // the Responses API stopped at the probe's own limit: its reason
}

func looksLikeSSE(rep *Reply) bool {
	return strings.Contains(strings.ToLower(rep.ContentType), "text/event-stream")
}

// readStream reads Server-Sent Events to the end marker, an error, the end
// of the body, the size cap or the step timeout, whichever comes first.
func readStream(rep *Reply) stream {
	var st stream
	sc := bufio.NewScanner(rep)
	sc.Buffer(make([]byte, 0, 64<<10), maxBody+1)
	var event string
	var data [][]byte
	dispatch := func() bool {
		if len(data) == 0 && event == "" {
			return true
		}
		payload := bytes.Join(data, []byte("\n"))
		ev := event
		event, data = "", nil
		st.events++
		return st.onEvent(ev, payload)
	}
	for sc.Scan() {
		line := sc.Bytes()
		if len(line) == 0 {
			if !dispatch() {
				return st
			}
			continue
		}
		if line[0] == ':' {
			continue // comment, e.g. OpenRouter's ": OPENROUTER PROCESSING"
		}
		field, value, _ := bytes.Cut(line, []byte(":"))
		value = bytes.TrimPrefix(value, []byte(" "))
		switch string(field) {
		case "event":
			event = string(value)
		case "data":
			data = append(data, append([]byte(nil), value...))
		}
	}
	if err := sc.Err(); err != nil {
		st.readErr = err
		return st
	}
	dispatch()
	return st
}

// onEvent reads one event; false stops reading.
func (st *stream) onEvent(event string, data []byte) bool {
	if string(bytes.TrimSpace(data)) == "[DONE]" {
		st.done = true
		return false
	}
	if event == "error" {
		var m map[string]any
		_ = json.Unmarshal(data, &m)
		st.errData = responsesError(m, data)
		return false
	}
	if event == "message_stop" {
		st.done = true
		return false
	}
	var m map[string]any
	if json.Unmarshal(data, &m) != nil {
		return true
	}
	if e, ok := m["error"]; ok && e != nil {
		st.errData = data
		return false
	}
	typ, _ := m["type"].(string)
	if typ == "" && strings.HasPrefix(event, "response.") {
		typ = event
	}
	switch typ {
	case "error":
		st.errData = responsesError(m, data)
		return false
	case "response.created", "response.in_progress":
		if resp, ok := m["response"].(map[string]any); ok {
			st.noteModel(resp)
		}
		return true
	case "response.completed", "response.incomplete", "response.failed":
		resp, _ := m["response"].(map[string]any)
		return st.onResponse(resp, data)
	case "message_stop":
		st.done = true
		return false
	case "message_start":
		if msg, ok := m["message"].(map[string]any); ok {
			st.noteModel(msg)
		}
	case "message_delta":
		if d, ok := m["delta"].(map[string]any); ok && d["stop_reason"] != nil {
			st.finished = true
		}
	}
	st.noteModel(m)
	if _, ok := m["candidates"]; ok || m["promptFeedback"] != nil {
		st.onGemini(m) // Gemini streams end at the end of the body
		return true
	}
	if choices, ok := m["choices"].([]any); ok {
		for _, c := range choices {
			if cm, ok := c.(map[string]any); ok && cm["finish_reason"] != nil {
				st.finished = true
			}
		}
	}
	return true
}

func (st *stream) noteModel(m map[string]any) {
	if v, ok := m["model"].(string); ok && v != "" && st.model == "" {
		st.model = clip(v, 100)
	}
	if v, ok := m["provider"].(string); ok && v != "" && st.provider == "" {
		st.provider = clip(v, 100)
	}
}

// readWhole reads a 2xx answer that is not a stream: a server that ignored
// stream:true answers with one JSON object; anything else is not an answer.
func readWhole(rep *Reply) stream {
	var st stream
	body, err := io.ReadAll(rep)
	rep.Body = body
	if err != nil && !errors.Is(err, errTruncated) {
		st.readErr = err
		return st
	}
	var m map[string]any
	if json.Unmarshal(body, &m) != nil {
		// Some servers stream without saying so.
		if t := bytes.TrimSpace(body); bytes.HasPrefix(t, []byte("data:")) || bytes.HasPrefix(t, []byte("event:")) {
			return readStream(&Reply{body: &cappedBody{raw: io.NopCloser(bytes.NewReader(body)), left: maxBody, done: func() {}}})
		}
		st.kind = contentKind(rep)
		return st
	}
	if e, ok := m["error"]; ok && e != nil {
		st.errData = body
		return st
	}
	if t, _ := m["type"].(string); t == "error" {
		st.errData = body
		return st
	}
	if m["choices"] != nil || m["content"] != nil {
		st.whole, st.done, st.events = true, true, 1
		st.noteModel(m)
		return st
	}
	if o, _ := m["object"].(string); o == "response" {
		// The Responses API without stream: the response object itself.
		st.events = 1
		st.onResponse(m, body)
		st.whole = st.errData == nil
		return st
	}
	if m["candidates"] != nil || m["promptFeedback"] != nil {
		st.events = 1
		st.onGemini(m)
		st.whole = true
		st.done = true
		return st
	}
	st.kind = "JSON that is not an answer"
	return st
}

func endMarker(s *checks.Setup) string {
	switch protocolOf(s) {
	case checks.ProtocolAnthropic:
		return "event: message_stop"
	case checks.ProtocolResponses:
		return "event: response.completed"
	case checks.ProtocolGemini:
		return "a candidate with its finishReason"
	}
	return "data: [DONE]"
}

// onResponse reads a Responses API response object at its end
// (response.completed, response.incomplete, response.failed, or the whole
// answer when not streamed); false stops reading.
func (st *stream) onResponse(resp map[string]any, data []byte) bool {
	if resp == nil {
		st.done = true
		return false
	}
	st.noteModel(resp)
	switch status, _ := resp["status"].(string); status {
	case "failed", "cancelled":
		// The response carries its error object: hand it over in the
		// shape every error body has, {"error": {...}}.
		e, _ := resp["error"].(map[string]any)
		if e == nil {
			e = map[string]any{"message": "the response ended with status " + status}
		}
		b, _ := json.Marshal(map[string]any{"error": e})
		st.errData = b
		return false
	case "incomplete":
		// Stopped at max_output_tokens (the probe's own 16): an answer.
		reason := "incomplete"
		if d, ok := resp["incomplete_details"].(map[string]any); ok {
			if r, _ := d["reason"].(string); r != "" {
				reason = clip(r, 60)
			}
		}
		st.incomplete = reason
	}
	st.done, st.finished = true, true
	return false
}

// responsesError turns the Responses API's error event ({"type":"error",
// "code","message","param"}) into {"error": {...}}; other error data is
// handed over as it came.
func responsesError(m map[string]any, data []byte) []byte {
	if m["error"] != nil || (m["code"] == nil && m["message"] == nil) {
		return data
	}
	e := map[string]any{}
	for _, k := range []string{"code", "message", "param"} {
		if v, ok := m[k]; ok && v != nil {
			e[k] = v
		}
	}
	b, _ := json.Marshal(map[string]any{"error": e})
	return b
}

// onGemini reads a Gemini generateContent answer or stream chunk: the model
// version, a candidate's finishReason (the end), and safety blocks, which
// arrive in a 200.
func (st *stream) onGemini(m map[string]any) {
	if v, ok := m["modelVersion"].(string); ok && v != "" && st.model == "" {
		st.model = clip(v, 100)
	}
	if pf, ok := m["promptFeedback"].(map[string]any); ok {
		if br, _ := pf["blockReason"].(string); br != "" {
			st.filtered = clip(br, 60)
			st.done, st.finished = true, true
		}
	}
	cands, _ := m["candidates"].([]any)
	for _, c := range cands {
		cm, ok := c.(map[string]any)
		if !ok {
			continue
		}
		fr, _ := cm["finishReason"].(string)
		if fr == "" {
			continue
		}
		st.done, st.finished = true, true
		switch fr {
		case "SAFETY", "PROHIBITED_CONTENT", "BLOCKLIST", "SPII", "RECITATION", "IMAGE_SAFETY":
			st.filtered = clip(fr, 60)
		}
	}
}
