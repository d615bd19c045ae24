package classify

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
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
	return defaultRules().ClassifyText(text)
}

// ClassifyText is the package's ClassifyText with these rules.
func (r *Rules) ClassifyText(text string) Classification {
	return r.classifyText(text, time.Now())
}

func (r *Rules) classifyText(text string, now time.Time) Classification {
	c, t := r.readPaste(text, now)
	if c.Recognized && c.Quote == "" {
		c.Quote = quoteLine(t, c.Evidence.ErrorMessage)
	}
	return c
}

// quoteLine is the line of the paste that holds the evidence: the line
// where the error message stands, else the exception's line.
func quoteLine(t, message string) string {
	if m := strings.TrimSpace(message); m != "" {
		for _, probe := range []string{m, cut(m, 40)} {
			if i := strings.Index(t, probe); i >= 0 {
				return clsEvidenceText(lineAt(t, i))
			}
		}
	}
	return clsEvidenceText(errorLine(t))
}

// cut is s up to n bytes, at a rune boundary.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// readPaste classifies the paste and returns it as it was read (masked,
// trimmed), for the quote.
func (r *Rules) readPaste(text string, now time.Time) (Classification, string) {
	if len(text) > maxBody {
		text = text[:maxBody]
	}
	text = validUTF8([]byte(text))
	// Mask first: every later step, and every evidence field, sees only
	// the masked text.
	t := strings.TrimSpace((*checks.Redactor)(nil).Redact(keepKeyPrefix(text)))
	if t == "" {
		return Classification{}, t
	}
	t = dropAgentBanner(t)
	lower := strings.ToLower(t)
	st := statusFromText(t)

	if c, ok := r.pasteRules(r.section(secClient), t, lower, st); ok {
		return c, t
	}

	hdr := headersFromText(t)
	body := bodyFromText(t)
	errLine := errorLine(t)
	if body != nil || st != 0 {
		b := body
		if b == nil && !bareStatusRE().MatchString(t) {
			b = []byte(t)
		}
		c := r.classifyPasted(st, hdr, b, nil, now, body == nil, streamReaderRE().MatchString(t))
		if c.Recognized {
			if body == nil {
				c.Evidence.ErrorMessage = clsEvidenceText(errLine)
			}
			// A key error inside a relay's wrapper is the relay's
			// upstream key: the relay took yours, or it would not wrap.
			// The wrapper must be in the answer the relay sent (the
			// body): around it, in the paste's own exception line
			// ("litellm.AuthenticationError: AnthropicException - {…}"
			// with no body of LiteLLM's), it is the LiteLLM library
			// calling the provider from this process with your key; so
			// is LiteLLM running inside the caller's own process (its
			// frames in the traceback).
			if relay := relayWrapperRE().FindString(string(body)); relay != "" && isKeyCause(c.Cause) && !litellmInProcessRE().MatchString(t) {
				c.Cause, c.Rule = "upstream-auth-failed", ""
				c.Reason = clsEvidenceText("the provider's key error arrives wrapped by a relay (" + relay + "): the relay accepted your key, its own upstream key failed (" + c.Reason + ")")
			}
			return c, t
		}
	}
	if r != nil {
		if c, ok := r.pasteRules(r.tail, t, lower, st); ok {
			return c, t
		}
	}
	// Last: the words alone, as if the whole text were a body.
	c := r.classifyAt(0, hdr, []byte(t), nil, now)
	c.Evidence.Status = st
	if c.Evidence.ErrorMessage == "" || len(t) > maxMessage {
		c.Evidence.ErrorMessage = clsEvidenceText(errLine)
	}
	return c, t
}

// pasteRules applies client, texts or transport rules to a paste. Their
// reasons are used as written; the evidence is the line that matched, or
// the exception's line (then the reason says which kind of paste it was,
// except for client rules, whose reasons name the client already).
func (r *Rules) pasteRules(rs []*rule, t, lower string, st int) (Classification, bool) {
	ru, h := first(rs, textFacts(t, lower, st))
	if ru == nil {
		return Classification{}, false
	}
	reason := h.fill(ru.reason, nil)
	line := lineAt(t, h.at)
	if ru.showErrorLine {
		line = errorLine(t)
		if ru.section != secClient {
			reason += pasteSource(t)
		}
	}
	c := done(Classification{}, ru.cause, reason, ru.id)
	c.Evidence.Status = st
	c.Evidence.ErrorMessage = clsEvidenceText(line)
	c.Evidence.FailedLayer = ru.layer
	c.Quote = clsEvidenceText(line)
	return c, true
}

// transportText is what the transport rules make of an error's lower-case
// text: cause, layer and reason, or "" for all three.
func (r *Rules) transportText(msg string) (cause, layer, reason string) {
	ru, h := first(r.section(secTransport), textFacts(msg, msg, 0))
	if ru == nil {
		return "", "", ""
	}
	return ru.cause, ru.layer, h.fill(ru.reason, nil)
}

func (r *Rules) section(name string) []*rule {
	if r == nil {
		return nil
	}
	return r.sections[name]
}

// platformKeyRE is a key whose prefix names the platform that issued it.
// The prefix is public (every key of that platform starts with it) and it
// is evidence: an sk-ant- key echoed by api.openai.com is the wrong
// platform's key. Masking the whole token would hide that.
var platformKeyRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`\b(sk-ant-(?:api03|oat01|admin01)-|sk-or-v1-|sk-proj-|sk-svcacct-|AIza|gsk_|xai-|pplx-)([A-Za-z0-9_\-]{12,})`)
})

// keepKeyPrefix masks every platform-prefixed key in s itself, keeping the
// prefix in front of the mask: "sk-ant-api03-[redacted sk-a…wAAA (108
// chars, #3f9c)]". The rest of the key is masked as the Redactor masks it.
func keepKeyPrefix(s string) string {
	return platformKeyRE().ReplaceAllStringFunc(s, func(m string) string {
		p := platformKeyRE().FindStringSubmatch(m)
		return p[1] + "[redacted " + checks.Fingerprint(m) + "]"
	})
}

// textKind names what was pasted, for reasons.
func textKind(t string) string {
	switch {
	case strings.Contains(t, "Traceback (most recent call last)"):
		return "a Python traceback"
	case strings.Contains(t, "    at ") || strings.Contains(t, "node:"):
		return "a Node.js error"
	}
	return ""
}

// pasteSource appends where a reason was read: " (from a Python traceback)".
func pasteSource(t string) string {
	if k := textKind(t); k != "" {
		return " (from " + k + ")"
	}
	return ""
}

// Status codes in text. Each pattern needs context around the number, so a
// "line 429" in a traceback is never a status.
var statusPatterns = sync.OnceValue(func() []*regexp.Regexp {
	return []*regexp.Regexp{
		regexp.MustCompile(`(?i)error code:\s*([1-5]\d\d)\b`),                                                            // Python SDKs
		regexp.MustCompile(`\b(?:[A-Z][A-Za-z]*(?:Error|Exception)|Error)\s*:\s*([1-5]\d\d)\b`),                          // Node SDKs: "APIError: 401 …"
		regexp.MustCompile(`(?i)\bHTTP/\d(?:\.\d)?"?\s+([1-5]\d\d)\b`),                                                   // curl -i, httpx logs
		regexp.MustCompile(`(?i)\b(?:status[ _-]?code|statuscode|http[ _-]?status|status)['"]?\s*[:=]?\s*([1-5]\d\d)\b`), // "status: 429", "status code 401"
		regexp.MustCompile(`(?i)\b(?:HTTP|error)\s+([1-5]\d\d)\b`),                                                       // "HTTP 429", "Error 503"
		regexp.MustCompile(`^\s*([1-5]\d\d)(?:\s+[A-Za-z][A-Za-z '\-]*)?\s*$`),
		regexp.MustCompile(`^\s*([1-5]\d\d)(?:\s*[:\-]\s*|\s+)[A-Za-z\p{Han}]`), // "500 invalid api key from upstream", "429: slow down"                                           // bare "429", "403 Forbidden"
	}
})

// relayWrapperRE finds a relay that wraps an upstream provider's error in
// its own (LiteLLM: "litellm.AuthenticationError: … OpenAIException - …").
var relayWrapperRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`litellm\.\w+|\b\w+Exception - `) })

// litellmInProcessRE finds LiteLLM's own frames in a traceback: LiteLLM
// called as a library (litellm.completion), which sends the caller's key.
var litellmInProcessRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`site-packages[/\\]litellm[/\\]|\blitellm\.llms\.\w+\.\w*Error\b|litellm\.set_verbose`)
})

// parserCodeAt reports whether the status-like match at i is the repr of
// one of aiohttp's HTTP parser errors ("<TransferEncodingError: 400,
// message='Not enough data…'>"): its 400 is the parser's own code for a
// body it could not read, never a status a server sent.
func parserCodeAt(t string, i int) bool {
	return i > 0 && t[i-1] == '<' && strings.Contains(t[i:min(len(t), i+80)], ", message=")
}

// bareStatusRE is a paste that is only a status: "403", "HTTP 403 Forbidden".
var bareStatusRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)^\s*(?:HTTP(?:/\d(?:\.\d)?)?\s+)?[1-5]\d\d(?:\s+[A-Za-z][A-Za-z '\-]*)?\s*$`)
})

// sdkClassStatus is the status an SDK exception class stands for.
var sdkClassStatus = map[string]int{
	"BadRequestError": 400, "AuthenticationError": 401, "PermissionDeniedError": 403, "NotFoundError": 404,
	"ConflictError": 409, "UnprocessableEntityError": 422, "RateLimitError": 429, "InternalServerError": 500,
	"ServiceUnavailableError": 503, "OverloadedError": 529,
}

var sdkClassRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`\b(BadRequestError|AuthenticationError|PermissionDeniedError|NotFoundError|ConflictError|UnprocessableEntityError|RateLimitError|InternalServerError|ServiceUnavailableError|OverloadedError)\b`)
})

// statusFromText finds the HTTP status in pasted text: the last error
// status of the most specific pattern that matches (retries log earlier
// statuses), else what the SDK's exception class stands for.
func statusFromText(t string) int {
	scan := t
	if len(scan) > maxHay {
		scan = scan[len(scan)-maxHay:]
	}
	for _, re := range statusPatterns() {
		pick := 0
		for _, m := range re.FindAllStringSubmatchIndex(scan, 64) {
			if parserCodeAt(scan, m[0]) {
				continue
			}
			n, _ := strconv.Atoi(scan[m[2]:m[3]])
			if n >= 400 || pick == 0 {
				pick = n
			}
		}
		if pick != 0 {
			return pick
		}
	}
	if ms := sdkClassRE().FindAllStringSubmatch(scan, -1); len(ms) > 0 {
		return sdkClassStatus[ms[len(ms)-1][1]]
	}
	return 0
}

// headerLineRE matches a header line in curl -i/-v output or a log.
var headerLineRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?m)^[<>*\s]*([A-Za-z][A-Za-z0-9-]{1,60})\s*:\s*(\S[^\r\n]*)\r?$`)
})

// headersFromText keeps the pasted header lines that matter to us.
func headersFromText(t string) http.Header {
	h := http.Header{}
	scan := t
	if len(scan) > 64<<10 {
		scan = scan[:64<<10]
	}
	for _, m := range headerLineRE().FindAllStringSubmatch(scan, 200) {
		name := strings.ToLower(m[1])
		if interestingHeader(name) {
			h.Add(name, strings.TrimSpace(m[2]))
		}
	}
	return h
}

func interestingHeader(name string) bool {
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

// bodyFromText pulls the response body out of pasted text: an SSE
// fragment, the dict after "Error code: 429 - ", the first JSON (or Python
// or JavaScript literal) that holds an error, or an HTML page.
func bodyFromText(t string) []byte {
	if i := sseStart(t); i >= 0 {
		return []byte(t[i:])
	}
	if loc := errorCodeDashRE().FindStringIndex(t); loc != nil {
		if body := errorValueAt(t, loc[1]); body != nil {
			return body
		}
	}
	tries := 0
	for i := 0; i < len(t) && tries < 32; i++ {
		if t[i] != '{' && t[i] != '[' {
			continue
		}
		tries++
		if body := errorValueAt(t, i); body != nil {
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

var errorCodeDashRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)error code:\s*[1-5]\d\d\s*-\s*`) })

// errorValueAt decodes the JSON or Python/JavaScript literal starting at
// t[i] and returns it as JSON when it holds an error.
func errorValueAt(t string, i int) []byte {
	if i >= len(t) || (t[i] != '{' && t[i] != '[') {
		return nil
	}
	seg, ok := balanced(t, i)
	if !ok {
		return nil
	}
	data := []byte(seg)
	v, ok := decodeJSON(data)
	if !ok {
		js, ok := literalToJSON(seg)
		if !ok {
			return nil
		}
		data = []byte(js)
		if v, ok = decodeJSON(data); !ok {
			return nil
		}
	}
	// A bracket in prose or markup ("<![endif]-->") is no body: an array
	// must hold an object to be one.
	if list, ok := v.([]any); ok && !anyObject(list) {
		return nil
	}
	probe := &parsedBody{}
	fromJSON(probe, v, 0)
	if !probe.isError {
		return nil
	}
	return data
}

// anyObject reports whether a decoded array holds an object.
func anyObject(list []any) bool {
	for _, e := range list {
		if _, ok := e.(map[string]any); ok {
			return true
		}
	}
	return false
}

// sseStart finds where an event stream starts in the text.
func sseStart(t string) int {
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

// errorLineRE matches the line that names an exception.
var errorLineRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?m)^\s*(?:Uncaught\s+)?[\w.$]*(?:Error|Exception|Warning)\b[^\n]*$`)
})

// errorLine is the line that says what went wrong: a Python traceback's
// last exception line, a Node error's first, or the first line.
func errorLine(t string) string {
	ms := errorLineRE().FindAllString(t, -1)
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

// lineAt is the line of t that holds byte i.
func lineAt(t string, i int) string {
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

// streamReaderRE finds an SDK's stream reader in a traceback: the error was
// an event read from the stream after it began, not the answer to the
// request (openai-node's Stream.iterator in core/streaming, the Python
// SDKs' _streaming.py, anthropic-sdk-go's ssestream).
var streamReaderRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`\bStream\.iterator\b|[/\\](?:core[/\\])?streaming\.m?[jt]s\b|[/\\]_streaming\.py\b|\bin __stream__\b|\bssestream\b`)
})

// codexBannerRE is Codex's session banner (`codex exec` prints it before
// the turn): "model: …", "provider: …" describe the session, not the error,
// and "warning: …" lines are its notices. A "model:" there must not make a
// 404 about the path look like one about the model.
var codexBannerRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?m)^(?:workdir|model|provider|approval|sandbox|reasoning effort|reasoning summaries|session id|warning): [^\n]*\n?`)
})

// dropAgentBanner removes an agent tool's own session banner and notices
// from a paste, when the paste shows that tool's banner.
func dropAgentBanner(t string) string {
	if !strings.Contains(t, "OpenAI Codex v") {
		return t
	}
	return strings.TrimSpace(codexBannerRE().ReplaceAllString(t, ""))
}
