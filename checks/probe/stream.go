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
		st.errData = data
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
	switch typ {
	case "error":
		st.errData = data
		return false
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
	st.kind = "JSON that is not an answer"
	return st
}

func endMarker(s *checks.Setup) string {
	if protocolOf(s) == checks.ProtocolAnthropic {
		return "event: message_stop"
	}
	return "data: [DONE]"
}
