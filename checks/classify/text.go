package classify

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/unstuck-dev/unstuck/checks"
)

// ClassifyText says what a pasted error means, for `explain` and the
// wizard's "paste the error" step. The text may be a bare status code, an
// error line, a JSON body (object or array), an SSE fragment, curl -i
// output, relay messages in Chinese, or a whole Python or Node traceback
// from the OpenAI or Anthropic SDKs, whose status and body it pulls out and
// hands to Classify. It also knows the client-side errors that never reach
// a server: a missing or outdated SDK, a key the SDK could not find, a
// truncated answer, JSON that does not parse. Keys in the text are masked
// before anything else reads it. Recognized is false when nothing matches.
func ClassifyText(text string) Classification {
	return clsClassifyText(text, time.Now())
}

func clsClassifyText(text string, now time.Time) Classification {
	if len(text) > clsMaxBody {
		text = text[:clsMaxBody]
	}
	text = clsValidUTF8([]byte(text))
	// Mask first: every later step, and every evidence field, sees only
	// the masked text.
	t := strings.TrimSpace((*checks.Redactor)(nil).Redact(text))
	if t == "" {
		return Classification{}
	}
	lower := strings.ToLower(t)
	st := clsStatusFromText(t)

	if c, ok := clsClientText(t, lower, st); ok {
		return c
	}

	hdr := clsHeadersFromText(t)
	body := clsBodyFromText(t)
	errLine := clsErrorLine(t)
	if body != nil || st != 0 {
		b := body
		if b == nil && !clsBareStatusRE.MatchString(t) {
			b = []byte(t)
		}
		c := clsClassifyPasted(st, hdr, b, nil, now, body == nil)
		if c.Recognized {
			if body == nil {
				c.Evidence.ErrorMessage = clsEvidenceText(errLine)
			}
			if relay := clsRelayWrapperRE.FindString(t); relay != "" && body != nil &&
				(c.Cause == "key-rejected" || c.Cause == "key-missing" || c.Cause == "key-scope-missing") {
				c.Cause = "upstream-auth-failed"
				c.Reason = clsEvidenceText("the provider's key error arrives wrapped by a relay (" + relay + "): the relay accepted your key, its own upstream key failed (" + c.Reason + ")")
			}
			return c
		}
	}
	if c, ok := clsStructuredText(t, lower, st); ok {
		return c
	}
	if cause, layer, reason := clsTransportText(lower); cause != "" {
		c := clsDone(Classification{}, cause, reason+clsFrom(t))
		c.Evidence.ErrorMessage = clsEvidenceText(errLine)
		c.Evidence.FailedLayer = layer
		return c
	}
	if strings.Contains(lower, "incomplete chunked read") || strings.Contains(lower, "event: error") || strings.Contains(lower, "peer closed connection without sending complete message body") ||
		strings.Contains(lower, "stream ended unexpectedly") || strings.Contains(lower, "premature close") {
		c := clsDone(Classification{}, "stream-error", "the stream was cut before its final event"+clsFrom(t))
		c.Evidence.ErrorMessage = clsEvidenceText(errLine)
		return c
	}
	// Last: the words alone, as if the whole text were a body.
	c := clsClassify(0, hdr, []byte(t), nil, now)
	c.Evidence.Status = st
	if c.Evidence.ErrorMessage == "" || len(t) > clsMaxMessage {
		c.Evidence.ErrorMessage = clsEvidenceText(errLine)
	}
	return c
}

// clsTextKind names what was pasted, for reasons.
func clsTextKind(t string) string {
	switch {
	case strings.Contains(t, "Traceback (most recent call last)"):
		return "a Python traceback"
	case strings.Contains(t, "    at ") || strings.Contains(t, "node:"):
		return "a Node.js error"
	}
	return ""
}

// clsFrom appends where a reason was read: " (from a Python traceback)".
func clsFrom(t string) string {
	if k := clsTextKind(t); k != "" {
		return " (from " + k + ")"
	}
	return ""
}

// Status codes in text. Each pattern needs context around the number, so a
// "line 429" in a traceback is never a status.
var clsStatusPatterns = []*regexp.Regexp{
	regexp.MustCompile(`(?i)error code:\s*([1-5]\d\d)\b`),                                                            // Python SDKs
	regexp.MustCompile(`\b(?:[A-Z][A-Za-z]*(?:Error|Exception)|Error)\s*:\s*([1-5]\d\d)\b`),                          // Node SDKs: "APIError: 401 …"
	regexp.MustCompile(`(?i)\bHTTP/\d(?:\.\d)?"?\s+([1-5]\d\d)\b`),                                                   // curl -i, httpx logs
	regexp.MustCompile(`(?i)\b(?:status[ _-]?code|statuscode|http[ _-]?status|status)['"]?\s*[:=]?\s*([1-5]\d\d)\b`), // "status: 429", "status code 401"
	regexp.MustCompile(`(?i)\b(?:HTTP|error)\s+([1-5]\d\d)\b`),                                                       // "HTTP 429", "Error 503"
	regexp.MustCompile(`^\s*([1-5]\d\d)(?:\s+[A-Za-z][A-Za-z '\-]*)?\s*$`),
	regexp.MustCompile(`^\s*([1-5]\d\d)(?:\s*[:\-]\s*|\s+)[A-Za-z\p{Han}]`), // "500 invalid api key from upstream", "429: slow down"                                           // bare "429", "403 Forbidden"
}

// clsRelayWrapperRE finds a relay that wraps an upstream provider's error in
// its own (LiteLLM: "litellm.AuthenticationError: … OpenAIException - …").
var clsRelayWrapperRE = regexp.MustCompile(`litellm\.\w+|\b\w+Exception - `)

// clsBareStatusRE is a paste that is only a status: "403", "HTTP 403 Forbidden".
var clsBareStatusRE = regexp.MustCompile(`(?i)^\s*(?:HTTP(?:/\d(?:\.\d)?)?\s+)?[1-5]\d\d(?:\s+[A-Za-z][A-Za-z '\-]*)?\s*$`)

// clsSDKClassStatus is the status an SDK exception class stands for.
var clsSDKClassStatus = map[string]int{
	"BadRequestError": 400, "AuthenticationError": 401, "PermissionDeniedError": 403, "NotFoundError": 404,
	"ConflictError": 409, "UnprocessableEntityError": 422, "RateLimitError": 429, "InternalServerError": 500,
	"ServiceUnavailableError": 503, "OverloadedError": 529,
}

var clsSDKClassRE = regexp.MustCompile(`\b(BadRequestError|AuthenticationError|PermissionDeniedError|NotFoundError|ConflictError|UnprocessableEntityError|RateLimitError|InternalServerError|ServiceUnavailableError|OverloadedError)\b`)

// clsStatusFromText finds the HTTP status in pasted text: the last error
// status of the most specific pattern that matches (retries log earlier
// statuses), else what the SDK's exception class stands for.
func clsStatusFromText(t string) int {
	scan := t
	if len(scan) > clsMaxHay {
		scan = scan[len(scan)-clsMaxHay:]
	}
	for _, re := range clsStatusPatterns {
		ms := re.FindAllStringSubmatch(scan, 64)
		if len(ms) == 0 {
			continue
		}
		pick := 0
		for _, m := range ms {
			n, _ := strconv.Atoi(m[1])
			if n >= 400 || pick == 0 {
				pick = n
			}
		}
		return pick
	}
	if ms := clsSDKClassRE.FindAllStringSubmatch(scan, -1); len(ms) > 0 {
		return clsSDKClassStatus[ms[len(ms)-1][1]]
	}
	return 0
}

// clsHeaderLineRE matches a header line in curl -i/-v output or a log.
var clsHeaderLineRE = regexp.MustCompile(`(?m)^[<>*\s]*([A-Za-z][A-Za-z0-9-]{1,60})\s*:\s*(\S[^\r\n]*)\r?$`)

// clsHeadersFromText keeps the pasted header lines that matter to us.
func clsHeadersFromText(t string) http.Header {
	h := http.Header{}
	scan := t
	if len(scan) > 64<<10 {
		scan = scan[:64<<10]
	}
	for _, m := range clsHeaderLineRE.FindAllStringSubmatch(scan, 200) {
		name := strings.ToLower(m[1])
		if clsInterestingHeader(name) {
			h.Add(name, strings.TrimSpace(m[2]))
		}
	}
	return h
}

func clsInterestingHeader(name string) bool {
	if strings.HasPrefix(name, "x-ratelimit-") || strings.HasPrefix(name, "anthropic-ratelimit-") || strings.HasSuffix(name, "request-id") {
		return true
	}
	switch name {
	case "retry-after", "retry-after-ms", "content-type", "server", "via", "cf-ray", "cf-mitigated", "x-generation-id",
		"apim-request-id", "x-amzn-requestid", "x-litellm-call-id", "x-inferoute-provider", "x-lk-provider", "x-provider",
		"x-amzn-waf-action", "x-squid-error", "x-served-by":
		return true
	}
	return false
}

// clsBodyFromText pulls the response body out of pasted text: an SSE
// fragment, the dict after "Error code: 429 - ", the first JSON (or Python
// or JavaScript literal) that holds an error, or an HTML page.
func clsBodyFromText(t string) []byte {
	if i := clsSSEStart(t); i >= 0 {
		return []byte(t[i:])
	}
	if loc := clsErrorCodeDashRE.FindStringIndex(t); loc != nil {
		if body := clsErrorValueAt(t, loc[1]); body != nil {
			return body
		}
	}
	tries := 0
	for i := 0; i < len(t) && tries < 32; i++ {
		if t[i] != '{' && t[i] != '[' {
			continue
		}
		tries++
		if body := clsErrorValueAt(t, i); body != nil {
			return body
		}
	}
	l := strings.ToLower(t)
	for _, mark := range []string{"<!doctype html", "<html"} {
		if i := strings.Index(l, mark); i >= 0 && !strings.Contains(l[:i], "unexpected token") {
			return []byte(t[i:])
		}
	}
	return nil
}

var clsErrorCodeDashRE = regexp.MustCompile(`(?i)error code:\s*[1-5]\d\d\s*-\s*`)

// clsErrorValueAt decodes the JSON or Python/JavaScript literal starting at
// t[i] and returns it as JSON when it holds an error.
func clsErrorValueAt(t string, i int) []byte {
	if i >= len(t) || (t[i] != '{' && t[i] != '[') {
		return nil
	}
	seg, ok := clsBalanced(t, i)
	if !ok {
		return nil
	}
	data := []byte(seg)
	v, ok := clsDecodeJSON(data)
	if !ok {
		js, ok := clsLiteralToJSON(seg)
		if !ok {
			return nil
		}
		data = []byte(js)
		if v, ok = clsDecodeJSON(data); !ok {
			return nil
		}
	}
	probe := &clsBody{}
	clsFromJSON(probe, v, 0)
	if !probe.isError {
		return nil
	}
	return data
}

// clsSSEStart finds where an event stream starts in the text.
func clsSSEStart(t string) int {
	for _, mark := range []string{"event: error", "event:error"} {
		if i := strings.Index(t, mark); i >= 0 && (i == 0 || t[i-1] == '\n') {
			return i
		}
	}
	if strings.HasPrefix(t, "data:") {
		return 0
	}
	if i := strings.Index(t, "\ndata: {"); i >= 0 && strings.Contains(t[i:], `"error"`) {
		return i + 1
	}
	return -1
}

// clsMaxScan bounds the search for the end of one literal.
const clsMaxScan = 256 << 10

// clsBalanced returns the bracketed value starting at s[start], honouring
// single- and double-quoted strings.
func clsBalanced(s string, start int) (string, bool) {
	depth := 0
	var quote byte
	esc := false
	end := len(s)
	if end-start > clsMaxScan {
		end = start + clsMaxScan
	}
	for i := start; i < end; i++ {
		c := s[i]
		if quote != 0 {
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == quote:
				quote = 0
			case c == '\n' && quote == '\'':
				return "", false // Python and JS strings do not span lines
			}
			continue
		}
		switch c {
		case '"', '\'':
			quote = c
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return s[start : i+1], true
			}
			if depth < 0 {
				return "", false
			}
		}
	}
	return "", false
}

// clsLiteralToJSON turns a Python repr ({'error': {'code': None}}) or a
// Node util.inspect dump ({ error: { type: 'x' } }) into JSON.
func clsLiteralToJSON(s string) (string, bool) {
	var out strings.Builder
	out.Grow(len(s))
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\'' || c == '"':
			str, n, ok := clsReadQuoted(s[i:])
			if !ok {
				return "", false
			}
			q, _ := json.Marshal(str)
			out.Write(q)
			i += n
		case c == '_' || c == '$' || (c|0x20 >= 'a' && c|0x20 <= 'z'):
			j := i
			for j < len(s) && (s[j] == '_' || s[j] == '$' || s[j] == '.' || (s[j]|0x20 >= 'a' && s[j]|0x20 <= 'z') || (s[j] >= '0' && s[j] <= '9')) {
				j++
			}
			word := s[i:j]
			k := j
			for k < len(s) && (s[k] == ' ' || s[k] == '\t') {
				k++
			}
			next := byte(0)
			if k < len(s) {
				next = s[k]
			}
			switch {
			case word == "None" || word == "null" || word == "undefined":
				out.WriteString("null")
			case word == "True" || word == "true":
				out.WriteString("true")
			case word == "False" || word == "false":
				out.WriteString("false")
			case (word == "b" || word == "u" || word == "r") && j < len(s) && (s[j] == '\'' || s[j] == '"'):
				// a Python string prefix: the string follows
			case next == '{' || next == '[':
				// a class name before a literal (Node's "Headers {")
			default:
				q, _ := json.Marshal(word)
				out.Write(q)
			}
			i = j
		default:
			out.WriteByte(c)
			i++
		}
	}
	return out.String(), true
}

// clsReadQuoted reads a Python or JavaScript string literal at the start of
// s, returning its value and length.
func clsReadQuoted(s string) (string, int, bool) {
	quote := s[0]
	var sb strings.Builder
	for j := 1; j < len(s); {
		d := s[j]
		if d == quote {
			return sb.String(), j + 1, true
		}
		if d != '\\' || j+1 >= len(s) {
			sb.WriteByte(d)
			j++
			continue
		}
		e := s[j+1]
		j += 2
		switch e {
		case 'n':
			sb.WriteByte('\n')
		case 't':
			sb.WriteByte('\t')
		case 'r':
			sb.WriteByte('\r')
		case 'x', 'u', 'U':
			n := map[byte]int{'x': 2, 'u': 4, 'U': 8}[e]
			if j+n <= len(s) {
				if v, err := strconv.ParseUint(s[j:j+n], 16, 32); err == nil && utf8.ValidRune(rune(v)) {
					sb.WriteRune(rune(v))
					j += n
					continue
				}
			}
			sb.WriteByte('\\')
			sb.WriteByte(e)
		default:
			sb.WriteByte(e) // \' \" \\ and anything else: the character itself
		}
	}
	return "", 0, false
}

// clsErrorLineRE matches the line that names an exception.
var clsErrorLineRE = regexp.MustCompile(`(?m)^\s*(?:Uncaught\s+)?[\w.$]*(?:Error|Exception|Warning)\b[^\n]*$`)

// clsErrorLine is the line that says what went wrong: a Python traceback's
// last exception line, a Node error's first, or the first line.
func clsErrorLine(t string) string {
	ms := clsErrorLineRE.FindAllString(t, -1)
	if len(ms) > 0 {
		if strings.Contains(t, "Traceback (most recent call last)") {
			return strings.TrimSpace(ms[len(ms)-1])
		}
		return strings.TrimSpace(ms[0])
	}
	for _, line := range strings.Split(t, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			return line
		}
	}
	return ""
}

// clsClientRule is one client-side error: a pattern and what it means.
type clsClientRule struct {
	cause  string
	hints  []string // lower-case words one of which the text must hold before the pattern is tried (patterns are costly)
	re     *regexp.Regexp
	reason func(m []string) string
}

func clsFixed(s string) func([]string) string { return func([]string) string { return s } }

var clsClientRules = []clsClientRule{
	{"sdk-outdated", []string{"object has no attribute"}, regexp.MustCompile(`'(?:Async)?(?:OpenAI|AzureOpenAI|Anthropic)' object has no attribute '(\w+)'`),
		func(m []string) string {
			return "the installed SDK predates the client's ." + m[1] + " (openai below 1.0, or an old anthropic): upgrade it in the interpreter that runs the code"
		}},
	{"sdk-outdated", []string{"has no attribute"}, regexp.MustCompile(`module '(openai|anthropic)' has no attribute '((?:Async)?(?:OpenAI|AzureOpenAI|Anthropic))'`),
		func(m []string) string {
			return "the installed " + m[1] + " SDK has no " + m[2] + " class: it is older than the code (openai below 1.0); upgrade it"
		}},
	{"sdk-outdated", []string{"cannot import name"}, regexp.MustCompile(`cannot import name '((?:Async)?(?:OpenAI|AzureOpenAI|Anthropic))' from '(\w+)`),
		func(m []string) string {
			return "the installed " + m[2] + " SDK has no " + m[1] + " class: it is older than the code; upgrade it"
		}},
	{"sdk-outdated", []string{"no module named"}, regexp.MustCompile(`No module named '(openai|anthropic)\.([\w.]+)'`),
		func(m []string) string {
			return "the installed " + m[1] + " SDK lacks the module " + m[1] + "." + m[2] + ": it is older than the code; upgrade it"
		}},
	{"sdk-outdated", []string{"openai>=1.0.0", "apiremovedinv1"}, regexp.MustCompile(`(?i)no longer supported in openai>=1\.0\.0|APIRemovedInV1`),
		clsFixed("the code uses the pre-1.0 openai interface (openai.ChatCompletion) while openai 1.x is installed: migrate the code, or pin openai<1")},
	{"sdk-outdated", []string{"is not a constructor"}, regexp.MustCompile(`\b(OpenAI|Configuration|OpenAIApi) is not a constructor`),
		clsFixed("the code and the installed openai package are from different major versions (v3 exports Configuration/OpenAIApi, v4 exports OpenAI)")},
	{"sdk-missing", []string{"no module named"}, regexp.MustCompile(`No module named '([\w.\-]+)'`),
		func(m []string) string {
			return "the package " + strings.SplitN(m[1], ".", 2)[0] + " is not installed in the Python interpreter that runs the code"
		}},
	{"sdk-missing", []string{"cannot find", "can't resolve"}, regexp.MustCompile(`(?:Cannot find (?:module|package)|Can't resolve) '((?:@[\w.\-]+/)?[\w.\-]+)[^']*'`),
		func(m []string) string {
			return "the package " + m[1] + " is not installed where Node resolves modules for this code"
		}},
	{"key-missing", []string{"api_key client option", "openai_api_key environment variable", "could not resolve authentication", "expected either apikey", "no api key provided", "missing credentials", "apikey option"}, regexp.MustCompile(`(?i)api_key client option must be set|OPENAI_API_KEY environment variable is missing|Could not resolve authentication method|Expected either apiKey or authToken to be set|No API key provided|Missing credentials\. Please pass an .?apiKey|apiKey option (?:is )?(?:missing|required)`),
		clsFixed("the SDK found no key before sending anything: the variable it reads is unset or empty in this process")},
	{"key-missing", []string{"keyerror"}, regexp.MustCompile(`KeyError: '(\w*(?:API_KEY|_KEY|_TOKEN))'`),
		func(m []string) string {
			return "the code read " + m[1] + " from the environment and it is not set in this process"
		}},
	{"key-whitespace", []string{"illegal header value", "invalid character in header", "invalid header value", "invalid header field value", "header value must not contain"}, regexp.MustCompile(`(?i)Illegal header value b?['"]?(?:Bearer\s)?|Invalid character in header content \[?"?(?:Authorization|x-api-key|api-key)|invalid header (?:field )?value|header value must not contain (?:CR|LF|newline)`),
		clsFixed("the HTTP library refused to send the auth header because the key holds a newline or other control character (httpx: Illegal header value; Node: Invalid character in header content): strip it where the key is set")},
	{"config-cache-stale", []string{"config:", "bootstrap/cache", "configuration is cached", "artisan optimize"}, regexp.MustCompile(`(?i)config:cache|config:clear|bootstrap/cache/config\.php|configuration is cached|php artisan optimize`),
		clsFixed("Laravel serves config from its cache, so env() no longer reads .env: clear it with php artisan config:clear after changing keys")},
	{"client-not-closed", []string{"unclosed", "too many open files", "emfile", "errno 24", "pooltimeout", "connection pool"}, regexp.MustCompile(`(?i)Unclosed client session|Unclosed connector|ResourceWarning: unclosed|Too many open files|\bEMFILE\b|\[Errno 24\]|PoolTimeout|All connections in the connection pool are occupied`),
		clsFixed("clients are created per request and never closed, so connections and file descriptors pile up: create one client and reuse it, or close it (with / async with)")},
	{"mcp-server-disconnected", []string{"server_status"}, regexp.MustCompile(`(?i)"?server_status"?\s*[:=]\s*"?disconnected`),
		clsFixed(`the MCP server's status is "disconnected": the agent cannot see its tools`)},
	{"mcp-tool-error", []string{"primitives_status"}, regexp.MustCompile(`(?i)"?primitives_status"?\s*[:=]\s*"?error`),
		clsFixed(`the MCP server's tools report "primitives_status": "error": a tool failed on the server side`)},
	{"output-truncated", []string{"finish", "stop_reason", "max_output_tokens"}, regexp.MustCompile(`(?i)finish_?reason['"]?\s*[:=]\s*['"]?(length|max_tokens)\b|stop_reason['"]?\s*[:=]\s*['"]?max_tokens\b|"?finishReason"?\s*:\s*"?MAX_TOKENS|max_output_tokens`),
		clsFixed("the answer stopped because it reached the output token limit (finish_reason length / stop_reason max_tokens): raise max_tokens or ask for less")},
	{"base-url-path", []string{"unexpected token", "not valid json"}, regexp.MustCompile(`(?i)Unexpected token '?<'?|"<!DOCTYPE "?\.\.\. is not valid JSON|<!DOCTYPE html>?"? is not valid JSON`),
		clsFixed("the client got an HTML page where it expected JSON: the base URL points at a website or the wrong path")},
}

// clsClientText recognises client-side errors, which no server sent.
func clsClientText(t, lower string, st int) (Classification, bool) {
	if r, ok := clsWrongSDK(t, lower); ok {
		c := clsDone(Classification{}, "wrong-sdk-for-model", r)
		c.Evidence.Status = st
		c.Evidence.ErrorMessage = clsEvidenceText(clsErrorLine(t))
		return c, true
	}
	for _, rule := range clsClientRules {
		if !clsHasAny(lower, rule.hints) {
			continue
		}
		loc := rule.re.FindStringSubmatchIndex(t)
		if loc == nil {
			continue
		}
		m := make([]string, len(loc)/2)
		for i := range m {
			if loc[2*i] >= 0 {
				m[i] = t[loc[2*i]:loc[2*i+1]]
			}
		}
		if rule.cause == "sdk-missing" && (strings.HasPrefix(m[1], ".") || strings.HasPrefix(m[1], "/")) {
			continue // a missing local file, not a package
		}
		c := clsDone(Classification{}, rule.cause, rule.reason(m))
		c.Evidence.Status = st
		c.Evidence.ErrorMessage = clsEvidenceText(clsLineAt(t, loc[0]))
		return c, true
	}
	return Classification{}, false
}

func clsHasAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// clsWrongSDK recognises a DeepSeek model called through the Anthropic SDK
// (DeepSeek and routers in front of it speak the OpenAI protocol).
func clsWrongSDK(t, lower string) (string, bool) {
	if !strings.Contains(lower, "deepseek") || strings.Contains(lower, "api.deepseek.com/anthropic") {
		return "", false
	}
	for _, sign := range []string{"anthropic.", "/anthropic/", "anthropic(", "@anthropic-ai/sdk", "from anthropic import", "messages.create(", "x-api-key"} {
		if strings.Contains(lower, sign) {
			return "a DeepSeek model called through the Anthropic SDK (" + strings.TrimSuffix(sign, "(") + "): DeepSeek models take the OpenAI protocol; use the OpenAI SDK with a /v1 base URL", true
		}
	}
	return "", false
}

// clsStructuredText recognises JSON from the model that does not parse.
func clsStructuredText(t, lower string, st int) (Classification, bool) {
	signs := []string{"jsondecodeerror", "is not valid json", "unexpected end of json input", "in json at position",
		"json_invalid", "invalid json", "outputparserexception", "validation error for", "validation errors for"}
	hit := ""
	for _, s := range signs {
		if strings.Contains(lower, s) {
			hit = s
			break
		}
	}
	if hit == "" || strings.Contains(lower, "extra inputs are not permitted") {
		return Classification{}, false
	}
	var c Classification
	switch {
	case strings.Contains(lower, "<html") || strings.Contains(lower, "<!doctype"):
		c = clsDone(c, "base-url-path", "the body that failed to parse as JSON is an HTML page: the base URL points at a website or the wrong path")
	case strings.Contains(lower, "requests.exceptions.jsondecodeerror") || strings.Contains(lower, ".json()"):
		c = clsDone(c, "base-url-path", "the HTTP response itself was not JSON (response.json() failed): usually an HTML page or an empty body from the wrong URL")
	default:
		c = clsDone(c, "structured-output-mismatch", "the model's answer did not parse as the JSON the code expects ("+hit+"): use response_format / a JSON schema or function calling, and check finish_reason")
	}
	c.Evidence.Status = st
	c.Evidence.ErrorMessage = clsEvidenceText(clsLineAt(t, strings.Index(lower, hit)))
	return c, true
}

// clsLineAt is the line of t that holds byte i.
func clsLineAt(t string, i int) string {
	if i < 0 || i > len(t) {
		return ""
	}
	start := strings.LastIndexByte(t[:i], '\n') + 1
	end := strings.IndexByte(t[i:], '\n')
	if end < 0 {
		end = len(t)
	} else {
		end += i
	}
	return strings.TrimSpace(t[start:end])
}

// PasteSpec is what the paste check may tell the tree: any cause the
// classifier names in the text, and whether it recognised one.
var PasteSpec = checks.Spec{ID: checks.CheckPaste, AnyCause: true, Facts: []string{"paste.recognized", "paste.http"}}

// Paste classifies the error the user pasted (Config.Pasted): the check
// behind `explain` and the wizard's "paste the error" step. Facts:
// paste.recognized (yes|no) and paste.http (the status found, if any).
func Paste(ctx context.Context, s *checks.Setup) checks.Result {
	start := time.Now()
	r := checks.Result{ID: checks.CheckPaste, Title: "Pasted error"}
	defer func() { r.Duration = time.Since(start) }()
	if s == nil || strings.TrimSpace(s.Config.Pasted) == "" {
		r.Status, r.Summary = checks.Skip, "nothing was pasted"
		return r
	}
	if err := ctx.Err(); err != nil {
		r.Status, r.Summary = checks.Skip, "cancelled before the pasted text was read"
		return r
	}
	c := ClassifyText(s.Config.Pasted)
	red := s.Redactor
	c.Evidence = clsRedactEvidence(red, c.Evidence)
	r.Evidence = c.Evidence
	r.Facts = map[string]string{"paste.recognized": "no"}
	if c.Evidence.Status > 0 {
		r.Facts["paste.http"] = strconv.Itoa(c.Evidence.Status)
	}
	if !c.Recognized {
		r.Status = checks.Warn
		r.Summary = "the pasted text matches no error we know"
		if c.Evidence.ErrorMessage != "" {
			r.Details = []string{"read: " + c.Evidence.ErrorMessage}
		}
		return r
	}
	r.Facts["paste.recognized"] = "yes"
	r.Status = checks.Fail
	r.Cause = c.Cause
	r.Summary = red.Redact(c.Reason)
	if c.Evidence.ErrorMessage != "" {
		r.Details = append(r.Details, "message: "+c.Evidence.ErrorMessage)
	}
	if c.Evidence.RequestID != "" {
		r.Details = append(r.Details, "request ID: "+c.Evidence.RequestID)
	}
	return r
}

// clsRedactEvidence runs the user's own redactor (which knows their key and
// its variants) over every text field the classifier filled.
func clsRedactEvidence(red *checks.Redactor, ev checks.Evidence) checks.Evidence {
	ev.ErrorType = red.Redact(ev.ErrorType)
	ev.ErrorCode = red.Redact(ev.ErrorCode)
	ev.ErrorMessage = red.Redact(ev.ErrorMessage)
	ev.RequestID = red.Redact(ev.RequestID)
	ev.ServedBy = red.Redact(ev.ServedBy)
	ev.ContentType = red.Redact(ev.ContentType)
	if len(ev.RequestIDs) > 0 {
		ids := make([]string, len(ev.RequestIDs))
		for i, id := range ev.RequestIDs {
			ids[i] = red.Redact(id)
		}
		ev.RequestIDs = ids
	}
	return ev
}
