package classify

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// Reading error bodies. Providers and relays disagree on almost everything:
// the error object may sit under "error" (OpenAI, Anthropic, OpenRouter,
// Azure, one-api, LiteLLM), be a plain string there (Ollama, small relays),
// be the whole body (DashScope, Azure APIM, FastAPI's "detail"), arrive as
// the first element of an array (Google's OpenAI-compatible endpoint), as a
// JSON string inside a JSON string, as an SSE "event: error", or as an HTML
// page from whatever stands in front of the API. parseBody flattens all
// of these into one parsedBody so the rules never care about the shape.

// maxBody caps how much of a body is parsed: error bodies are small, and
// a hostile or broken server must not make us parse more.
const maxBody = 1 << 20

// maxHay caps how much text the keyword rules search.
const maxHay = 256 << 10

type bodyKind int

const (
	kindEmpty bodyKind = iota
	kindJSON
	kindHTML
	kindText
)

// parsedBody is an error body with its shape taken away.
type parsedBody struct {
	kind         bodyKind
	isError      bool        // an error object or message was found
	errType      string      // error.type ("" when absent or the string "None")
	code         string      // error.code, numbers as text
	message      string      // error.message, without one-api's "(request id: …)"
	param        string      // error.param
	gStatus      string      // Google's error.status, e.g. INVALID_ARGUMENT
	reasons      []string    // Google's error.details[].reason, e.g. API_KEY_INVALID
	innerStatus  int         // an HTTP status carried in the body (numeric code, "401")
	requestID    string      // request_id in the body
	msgRequestID string      // one-api's "(request id: …)" in the message
	provider     string      // OpenRouter's metadata.provider_name, or a top-level provider
	raw          *parsedBody // OpenRouter's metadata.raw: the upstream's own error
	title        string      // an HTML page's <title>
	text         string      // visible text of an HTML or plain-text body (capped)
	sse          bool        // the body was an event stream
	sseError     bool        // … carrying an "event: error"
	truncated    bool        // the body was longer than maxBody
	pasted       bool        // the text is a person's paste, not a server's body
}

// parseBody reads any error body. It never fails: what it cannot read as
// JSON it keeps as text.
func parseBody(body []byte, contentType string) *parsedBody {
	b := &parsedBody{}
	if len(body) > maxBody {
		body, b.truncated = body[:maxBody], true
	}
	body = bytes.TrimPrefix(bytes.TrimSpace(body), []byte("\xef\xbb\xbf"))
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return b
	}
	if v, ok := decodeJSON(body); ok {
		b.kind = kindJSON
		fromJSON(b, v, 0)
		if !b.isError {
			b.text = collapse(validUTF8(body), maxHay)
		}
		return b
	}
	if looksSSE(body) {
		fromSSE(b, body)
		return b
	}
	if looksHTML(body, contentType) {
		b.kind = kindHTML
		b.title = collapse(htmlTitle(body), 200)
		b.text = collapse(htmlText(body), maxHay)
		return b
	}
	b.kind = kindText
	b.text = collapse(validUTF8(body), maxHay)
	if m := oneAPIRequestID().FindStringSubmatchIndex(b.text); m != nil {
		b.msgRequestID = b.text[m[2]:m[3]]
		b.text = strings.TrimSpace(b.text[:m[0]] + b.text[m[1]:])
	}
	return b
}

// decodeJSON decodes the first JSON value of data, keeping numbers as
// written. Trailing bytes are ignored: some relays append a newline and a
// second object.
func decodeJSON(data []byte) (any, bool) {
	if len(data) == 0 || (data[0] != '{' && data[0] != '[' && data[0] != '"') {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	return v, true
}

// fromJSON finds the error in a decoded body of any known shape.
func fromJSON(b *parsedBody, v any, depth int) {
	if depth > 4 {
		return
	}
	switch x := v.(type) {
	case []any: // Google: [{"error": {...}}]
		for i, e := range x {
			if i >= 8 || b.isError {
				break
			}
			fromJSON(b, e, depth+1)
		}
	case string: // a JSON document sent as a JSON string
		t := strings.TrimSpace(x)
		if inner, ok := decodeJSON([]byte(t)); ok {
			fromJSON(b, inner, depth+1)
		} else if t != "" && depth > 0 {
			b.isError, b.message = true, t
		}
	case map[string]any:
		if id := stringOf(x["request_id"]); id != "" {
			b.requestID = id
		} else if id := stringOf(x["requestId"]); id != "" {
			b.requestID = id
		}
		if p := stringOf(x["provider"]); p != "" && b.provider == "" {
			b.provider = p
		}
		switch e := x["error"].(type) {
		case map[string]any:
			fromErrorObject(b, e, depth)
			return
		case string:
			if strings.TrimSpace(e) != "" {
				b.isError = true
				b.message = e
				// Spring-style {"error":"Not Found","message":"…"}.
				if m := stringOf(x["message"]); m != "" && m != e {
					b.message = e + ": " + m
				}
				b.code = scalar(x["code"])
				b.errType = scalar(x["type"])
				setInnerStatus(b, x["status"], x["code"], x["statusCode"])
				takeRequestID(b)
				return
			}
		}
		fromFlat(b, x, depth)
	}
}

// fromErrorObject reads {"message","type","param","code",…} wherever it sits.
func fromErrorObject(b *parsedBody, e map[string]any, depth int) {
	b.isError = true
	b.errType = scalar(e["type"])
	b.code = scalar(e["code"])
	b.param = scalar(e["param"])
	b.message = messageOf(e["message"])
	for _, alt := range []string{"msg", "detail", "error", "description"} {
		if b.message != "" {
			break
		}
		b.message = messageOf(e[alt])
	}
	if s, ok := e["status"].(string); ok {
		b.gStatus = s
	}
	setInnerStatus(b, e["code"], e["status"], e["statusCode"])
	innerError(b, depth)
	if d, ok := e["details"].([]any); ok {
		for i, item := range d {
			if i >= 16 {
				break
			}
			if m, ok := item.(map[string]any); ok {
				if r := stringOf(m["reason"]); r != "" {
					b.reasons = append(b.reasons, r)
				}
			}
		}
	}
	if id := stringOf(e["request_id"]); id != "" && b.requestID == "" {
		b.requestID = id
	}
	routerMetadata(b, e, depth)
	takeRequestID(b)
}

// routerMetadata reads OpenRouter's metadata: who served the request
// (provider_name) and the upstream's own error (raw), in the error object
// or in the same object printed without its "error" wrapper, as clients
// such as the AI SDK log it.
func routerMetadata(b *parsedBody, e map[string]any, depth int) {
	md, ok := e["metadata"].(map[string]any)
	if !ok {
		return
	}
	if p := stringOf(md["provider_name"]); p != "" {
		b.provider = p
	}
	if raw, ok := md["raw"]; ok && raw != nil {
		in := &parsedBody{kind: kindJSON}
		fromJSON(in, raw, depth+1)
		if !in.isError {
			// A raw that is plain text is still the upstream's words.
			if s := strings.TrimSpace(messageOf(raw)); s != "" {
				in.isError, in.message, in.kind = true, s, kindText
			}
		}
		if in.isError {
			b.raw = in
		}
	}
}

// innerError reads a message that is itself an error body (or ends in one,
// after LiteLLM's "…Exception - "), as a CLI or a proxy wraps the provider's
// answer ({"error":{"message":"{\"error\":{…
// RESOURCE_EXHAUSTED…}}","status":"Too Many Requests"}}): the inner error's
// message, and its type, code, Google status and reasons where the
// wrapper gives none, are what the rules read. The wrapper's HTTP status
// stays.
func innerError(b *parsedBody, depth int) {
	m := strings.TrimSpace(b.message)
	// LiteLLM: "litellm.BadRequestError: VertexAIException - {…}".
	if i := strings.Index(m, " - {"); i > 0 && i < 300 && m[0] != '{' && strings.Contains(m[:i], "Exception") {
		m = m[i+len(" - "):]
	}
	if len(m) < 2 || m[0] != '{' {
		return
	}
	v, ok := decodeJSON([]byte(m))
	if !ok {
		return
	}
	in := &parsedBody{kind: kindJSON}
	fromJSON(in, v, depth+1)
	if !in.isError || in.message == "" {
		return
	}
	b.message = in.message
	if b.errType == "" {
		b.errType = in.errType
	}
	if b.code == "" || b.code == strconvStatus(b.innerStatus) {
		if in.code != "" {
			b.code = in.code
		}
	}
	if in.gStatus != "" && (b.gStatus == "" || !isUpperSnake(b.gStatus)) {
		b.gStatus = in.gStatus
	}
	if len(b.reasons) == 0 {
		b.reasons = in.reasons
	}
	if b.param == "" {
		b.param = in.param
	}
	if b.innerStatus == 0 {
		b.innerStatus = in.innerStatus
	}
	if b.requestID == "" {
		b.requestID = in.requestID
	}
}

// strconvStatus is a status as the text a code field may hold, "" for 0.
func strconvStatus(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// isUpperSnake reports whether s looks like Google's status (RESOURCE_EXHAUSTED),
// not an HTTP reason phrase ("Too Many Requests").
func isUpperSnake(s string) bool {
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r == '_') {
			return false
		}
	}
	return s != ""
}

// fromFlat reads bodies that are themselves the error object: DashScope
// {"code","message","request_id"}, Azure APIM {"statusCode","message"},
// FastAPI {"detail"}, Baidu {"error_code","error_msg"}, {"errors":[…]}.
func fromFlat(b *parsedBody, x map[string]any, depth int) {
	if d, ok := x["detail"]; ok && d != nil {
		if m, ok := d.(map[string]any); ok {
			if e, ok := m["error"].(map[string]any); ok {
				fromErrorObject(b, e, depth)
				return
			}
		}
		if msg := messageOf(d); msg != "" {
			b.isError, b.message = true, msg
			takeRequestID(b)
			return
		}
	}
	if list, ok := x["errors"].([]any); ok && len(list) > 0 {
		if m, ok := list[0].(map[string]any); ok {
			fromErrorObject(b, m, depth)
			return
		}
	}
	msg := messageOf(x["message"])
	if msg == "" {
		msg = messageOf(x["error_msg"])
	}
	if msg == "" {
		msg = messageOf(x["msg"])
	}
	if d, ok := x["details"].(string); ok && msg == "" {
		// vLLM's and TGI's stream error events: {"code":400,"details":"…"}.
		msg = strings.TrimSpace(d)
	}
	if msg == "" {
		return
	}
	_, hasCode := x["code"]
	_, hasType := x["type"]
	_, hasStatus := x["status"]
	_, hasStatusCode := x["statusCode"]
	_, hasErrCode := x["error_code"]
	failed := x["success"] == false
	if !hasCode && !hasType && !hasStatus && !hasStatusCode && !hasErrCode && !failed {
		return
	}
	b.isError = true
	b.message = msg
	b.errType = scalar(x["type"])
	b.code = scalar(x["code"])
	if b.code == "" {
		b.code = scalar(x["error_code"])
	}
	if s, ok := x["status"].(string); ok {
		b.gStatus = s
	}
	setInnerStatus(b, x["statusCode"], x["status"], x["code"])
	routerMetadata(b, x, depth)
	takeRequestID(b)
}

// setInnerStatus keeps the first value that is an HTTP error status.
func setInnerStatus(b *parsedBody, vals ...any) {
	if b.innerStatus != 0 {
		return
	}
	for _, v := range vals {
		s := scalar(v)
		if len(s) != 3 {
			continue
		}
		n := 0
		for _, r := range s {
			if r < '0' || r > '9' {
				n = -1
				break
			}
			n = n*10 + int(r-'0')
		}
		if n >= 400 && n <= 599 {
			b.innerStatus = n
			return
		}
	}
}

// oneAPIRequestID matches the "(request id: …)" one-api and new-api append.
var oneAPIRequestID = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`\s*[(（]\s*request id:\s*([A-Za-z0-9._:\-]{4,128})\s*[)）]`)
})

func takeRequestID(b *parsedBody) {
	if m := oneAPIRequestID().FindStringSubmatchIndex(b.message); m != nil {
		b.msgRequestID = b.message[m[2]:m[3]]
		b.message = strings.TrimSpace(b.message[:m[0]] + b.message[m[1]:])
	}
}

// stringOf is v when it is a non-empty string, else "".
func stringOf(v any) string {
	s, _ := v.(string)
	return strings.TrimSpace(s)
}

// scalar turns a code or type into text: numbers as written, the strings
// "None" and "null" (LiteLLM) and JSON null as "".
func scalar(v any) string {
	switch x := v.(type) {
	case string:
		s := strings.TrimSpace(x)
		switch strings.ToLower(s) {
		case "none", "null", "undefined":
			return ""
		}
		return capText(s, 120)
	case json.Number:
		return x.String()
	case float64:
		b, _ := json.Marshal(x)
		return string(b)
	case bool:
		if x {
			return "true"
		}
		return "false"
	}
	return ""
}

// messageOf reads a message that may be a string or, in LiteLLM and a few
// relays, an object holding the real message.
func messageOf(v any) string {
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x)
	case map[string]any:
		for _, k := range []string{"message", "error", "detail", "msg"} {
			if s := messageOf(x[k]); s != "" {
				return s
			}
		}
		b, err := json.Marshal(x)
		if err != nil {
			return ""
		}
		return capText(string(b), 2000)
	case []any:
		if len(x) > 0 {
			return messageOf(x[0])
		}
	}
	return ""
}

// looksSSE reports whether a body is an event stream.
func looksSSE(body []byte) bool {
	return bytes.HasPrefix(body, []byte("event:")) || bytes.HasPrefix(body, []byte("data:")) ||
		(bytes.HasPrefix(body, []byte(":")) && bytes.Contains(body, []byte("\ndata:"))) ||
		bytes.Contains(body, []byte("\nevent: error")) || bytes.Contains(body, []byte("\nevent:error"))
}

// fromSSE finds the error in an event stream: the data of an "error"
// event, or else the first data line holding an error object (OpenAI and
// OpenRouter send errors after the stream started as plain data lines).
func fromSSE(b *parsedBody, body []byte) {
	var found *parsedBody
	event, sawErrorEvent, fromErrorEvent := "", false, false
	for _, line := range strings.Split(validUTF8(body), "\n") {
		line = strings.TrimRight(line, "\r")
		switch {
		case line == "":
			event = ""
		case strings.HasPrefix(line, "event:"):
			event = strings.TrimSpace(line[len("event:"):])
			sawErrorEvent = sawErrorEvent || event == "error"
		case strings.HasPrefix(line, "data:"):
			data := strings.TrimSpace(line[len("data:"):])
			if data == "" || data == "[DONE]" {
				continue
			}
			probe := &parsedBody{kind: kindJSON}
			if v, ok := decodeJSON([]byte(data)); ok {
				fromJSON(probe, v, 0)
			} else if event == "error" {
				probe.kind, probe.isError, probe.message = kindText, true, data
			}
			if !probe.isError {
				continue
			}
			if event == "error" {
				found, fromErrorEvent = probe, true
			} else if found == nil {
				found = probe
			}
		}
		if fromErrorEvent {
			break
		}
	}
	truncated := b.truncated
	if found != nil {
		*b = *found
	} else {
		b.kind = kindText
		b.text = collapse(validUTF8(body), maxHay)
	}
	b.sse, b.sseError, b.truncated = true, sawErrorEvent, truncated
}

// validUTF8 turns bytes into text that is safe to print and to search.
func validUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

// collapse folds runs of white space (and control characters) into one
// space and caps the result at max bytes, on a rune boundary.
func collapse(s string, max int) string {
	var sb strings.Builder
	space := false
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == ' ' || r == '\u00a0' || r == '\u2028' || r == '\u2029' {
			space = true
			continue
		}
		if space && sb.Len() > 0 {
			sb.WriteByte(' ')
		}
		space = false
		sb.WriteRune(r)
		if sb.Len() >= max+8 {
			break
		}
	}
	return capText(sb.String(), max)
}

// capText cuts s to at most max bytes on a rune boundary, marking the cut.
func capText(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
