package setup

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/unstuck-dev/unstuck/checks"
)

// Logical endpoints for ComposeURL: each protocol's SDK maps them to its own
// path.
const (
	PathChat   = "chat"   // openai: /chat/completions, anthropic: /v1/messages
	PathModels = "models" // openai: /models,           anthropic: /v1/models
)

// ComposeURL builds the request URL exactly as the official SDKs do: they
// append their resource path to the base URL as written, after dropping one
// trailing slash. OpenAI-style SDKs append /chat/completions (so the base
// must already hold /v1); Anthropic SDKs append /v1/messages (so the base
// must not). path is PathChat, PathModels, or a literal path such as
// "/responses" appended as is. The base URL's query string is kept.
func ComposeURL(base, protocol, path string) (string, error) {
	u, problem := parseBaseURL(base)
	if problem != "" {
		return "", errors.New("base URL " + problem)
	}
	var p string
	switch protocol {
	case checks.ProtocolOpenAI:
		p = map[string]string{PathChat: "/chat/completions", PathModels: "/models"}[path]
	case checks.ProtocolAnthropic:
		p = map[string]string{PathChat: "/v1/messages", PathModels: "/v1/models"}[path]
	case checks.ProtocolResponses:
		p = map[string]string{PathChat: "/responses", PathModels: "/models"}[path]
	case checks.ProtocolGemini:
		// The native API's request path names the model
		// (GeminiModelPath): PathChat has no URL of its own.
		if path == PathChat {
			return "", errors.New("the native Gemini request path names the model")
		}
		p = map[string]string{PathModels: "/models"}[path]
	default:
		return "", fmt.Errorf("unknown protocol %q (openai, anthropic, responses or gemini)", protocol)
	}
	if p == "" {
		p = path
		if !strings.HasPrefix(p, "/") {
			p = "/" + p
		}
		p = (&url.URL{Path: p}).EscapedPath() // a literal path may hold anything
	}
	joined := strings.TrimSuffix(u.EscapedPath(), "/") + p
	if _, err := url.PathUnescape(joined); err != nil {
		return "", errors.New("base URL path holds a broken %-escape")
	}
	userinfo := ""
	if u.User != nil {
		userinfo = u.User.String()
	}
	return urlString(u, userinfo, joined, u.RawQuery), nil
}

// urlString writes a URL with the host as the user wrote it (url.URL's
// String would %-escape a unicode host) and without a fragment, which no
// client sends.
func urlString(u *url.URL, userinfo, escapedPath, rawQuery string) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(u.Scheme))
	b.WriteString("://")
	if userinfo != "" {
		b.WriteString(userinfo)
		b.WriteByte('@')
	}
	b.WriteString(u.Host)
	b.WriteString(escapedPath)
	if rawQuery != "" || u.ForceQuery {
		b.WriteByte('?')
		b.WriteString(rawQuery)
	}
	return b.String()
}

// parseBaseURL parses a base URL the way an SDK's HTTP client would
// accept it, and describes what is wrong in words ("" when nothing is).
func parseBaseURL(raw string) (*url.URL, string) {
	if raw == "" {
		return nil, "is empty"
	}
	if t := strings.TrimSpace(raw); t != raw {
		return nil, edgeSpaceProblem(raw)
	}
	if q := quoteWrap(raw); q != "" {
		return nil, "is wrapped in quotes (" + q + "): the quotes became part of the URL"
	}
	for i, r := range []rune(raw) {
		switch {
		case r == ' ' || r == '\t' || unicode.IsSpace(r):
			return nil, fmt.Sprintf("holds a space at character %d", i+1)
		case unicode.IsControl(r):
			return nil, fmt.Sprintf("holds a control character (%U) at character %d", r, i+1)
		case strings.ContainsRune(`"'“”‘’<>`+"`", r):
			return nil, fmt.Sprintf("holds a quote or bracket (%c) at character %d", r, i+1)
		}
	}
	if !strings.Contains(raw, "://") {
		for _, sch := range []string{"http:", "https:"} {
			if len(raw) > len(sch) && strings.EqualFold(raw[:len(sch)], sch) {
				return nil, "is missing // after " + raw[:len(sch)] + ": write " + raw[:len(sch)] + "//" + strings.TrimLeft(raw[len(sch):], "/")
			}
		}
		if strings.HasPrefix(raw, "//") {
			return nil, "has no scheme: write https:" + raw
		}
		return nil, "has no scheme (http:// or https://): write https://" + raw + " (or http:// for a local server)"
	}
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		msg := err.Error()
		if errors.As(err, &ue) {
			msg = ue.Err.Error()
		}
		if strings.Contains(msg, "invalid port") && strings.Count(raw, ":") > 2 && !strings.Contains(raw, "[") {
			return nil, "does not parse: an IPv6 address needs brackets, e.g. http://[::1]:8080/v1"
		}
		return nil, "does not parse: " + msg
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
	case "":
		return nil, "has no scheme (http:// or https://)"
	default:
		return nil, "uses the scheme " + u.Scheme + "://, but the SDKs speak only http:// and https://"
	}
	if u.Opaque != "" {
		return nil, "is missing // after " + u.Scheme + ":"
	}
	if u.Host == "" || u.Hostname() == "" {
		return nil, "has no host name"
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, "has port " + p + ", outside 1–65535"
		}
	} else if strings.HasSuffix(u.Host, ":") {
		return nil, "has a colon after the host but no port number"
	}
	return u, ""
}

// edgeSpaceProblem describes whitespace at either end of a value.
func edgeSpaceProblem(v string) string {
	var parts []string
	if lead := len(v) - len(strings.TrimLeftFunc(v, unicode.IsSpace)); lead > 0 {
		parts = append(parts, "starts with "+describeSpace(v[:lead]))
	}
	if t := strings.TrimRightFunc(v, unicode.IsSpace); len(t) < len(v) && strings.TrimSpace(v) != "" {
		parts = append(parts, "ends with "+describeSpace(v[len(t):]))
	}
	if len(parts) == 0 {
		return "is only whitespace"
	}
	return strings.Join(parts, " and ")
}

// describeSpace names a run of whitespace: "a newline (\n)", "2 spaces".
func describeSpace(ws string) string {
	switch ws {
	case "\n":
		return `a newline (\n)`
	case "\r\n":
		return `a Windows line ending (\r\n)`
	case "\r":
		return `a carriage return (\r)`
	case "\t":
		return `a tab (\t)`
	case " ":
		return "a space"
	}
	if strings.Trim(ws, " ") == "" {
		return strconv.Itoa(len(ws)) + " spaces"
	}
	q := strconv.Quote(ws)
	return "whitespace " + q[1:len(q)-1]
}

// quoteWrap returns the quote pair wrapping v ("\"…\"", "'…'", "“…”"), or "".
func quoteWrap(v string) string {
	first, n1 := utf8.DecodeRuneInString(v)
	last, n2 := utf8.DecodeLastRuneInString(v)
	if n1+n2 > len(v) {
		return ""
	}
	switch {
	case first == '"' && last == '"':
		return `"…"`
	case first == '\'' && last == '\'':
		return `'…'`
	case (first == '“' || first == '”' || first == '„') && (last == '”' || last == '“'):
		return "typographic quotes “…”"
	case (first == '‘' || first == '’') && (last == '’' || last == '‘'):
		return "typographic quotes ‘…’"
	}
	return ""
}

// urlSecrets returns credentials held in a URL: the userinfo and the
// values of query parameters whose names say they are secrets.
func urlSecrets(raw string) []string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u == nil {
		return nil
	}
	var out []string
	if u.User != nil {
		if p, ok := u.User.Password(); ok {
			out = append(out, p)
		}
		out = append(out, u.User.Username())
	}
	for name, vals := range u.Query() {
		if secretName(name) {
			out = append(out, vals...)
		}
	}
	return out
}

// displayURL is a URL safe to show: userinfo and secret query values are
// masked. A URL that does not parse is shown as is (the redactor still runs
// over every result).
func displayURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u == nil || u.Host == "" {
		return raw
	}
	userinfo := ""
	if u.User != nil {
		userinfo = "***"
	}
	parts := strings.Split(u.RawQuery, "&")
	for i, part := range parts {
		name, _, _ := strings.Cut(part, "=")
		if n, err := url.QueryUnescape(name); err == nil && secretName(n) {
			parts[i] = name + "=***"
		}
	}
	return urlString(u, userinfo, u.EscapedPath(), strings.Join(parts, "&"))
}

// isLoopback reports whether host means "this machine" — which, inside a
// container, is the container itself.
func isLoopback(host string) bool {
	h := strings.ToLower(strings.TrimSuffix(strings.Trim(host, "[]"), "."))
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	if ip := net.ParseIP(h); ip != nil {
		return ip.IsLoopback() || ip.IsUnspecified()
	}
	return false
}

// isLocalNetwork reports whether host is on this machine or a private
// network, where plain http is normal.
func isLocalNetwork(host string) bool {
	h := strings.ToLower(strings.TrimSuffix(strings.Trim(host, "[]"), "."))
	if isLoopback(h) {
		return true
	}
	if ip := net.ParseIP(h); ip != nil {
		return ip.IsPrivate() || ip.IsLinkLocalUnicast()
	}
	if !strings.Contains(h, ".") {
		return true // a compose service name or an intranet short name
	}
	for _, suf := range []string{".local", ".internal", ".lan", ".home.arpa", ".svc", ".cluster.local"} {
		if strings.HasSuffix(h, suf) {
			return true
		}
	}
	return false
}

// fullEndpoints are request paths users paste as a base URL by mistake.
var fullEndpoints = []string{
	"/chat/completions", "/completions", "/responses", "/messages", "/embeddings", "/models",
}

// rootOKHosts serve the OpenAI API both with and without /v1.
var rootOKHosts = []string{"api.deepseek.com"}

// BaseURL checks that the base URL parses and that its path fits the
// protocol: the composed request URL is what the SDK will call.
func BaseURL(_ context.Context, s *checks.Setup) checks.Result {
	r := newResult(s, checks.CheckBaseURL, "Base URL fits the protocol")
	r.Evidence.BaseURL = displayURL(s.BaseURL)
	r.Evidence.Endpoint = displayURL(s.Endpoint)
	if s.BaseURLSource != "" {
		r.Details = append(r.Details, "base URL from "+s.BaseURLSource)
	}

	if s.BaseURL == "" {
		vars := baseURLVarsOf(s.Profile, s.Protocol)
		r.Status, r.Cause = checks.Fail, "base-url-malformed"
		r.Summary = "no base URL: " + s.Profile.DisplayName() + " has no public default address"
		r.Details = append(r.Details, "give --base-url or set "+strings.Join(vars, " or ")+" to the address your client uses")
		return r
	}
	u, problem := parseBaseURL(s.BaseURL)
	if problem != "" {
		r.Status, r.Cause = checks.Fail, "base-url-malformed"
		r.Summary = "the base URL " + problem
		return r
	}
	if u.User != nil {
		r.Details = append(r.Details, "the base URL holds credentials (user:password@); they are masked here and sent as Basic auth by some clients")
	}
	if s.Endpoint != "" {
		r.Details = append(r.Details, "your SDK will call "+displayURL(s.Endpoint))
	} else if s.Protocol == checks.ProtocolGemini {
		r.Details = append(r.Details, "your SDK will call "+displayURL(strings.TrimRight(s.BaseURL, "/"))+"/models/{model}:generateContent")
	}

	if s.Profile.DeploymentInPath {
		if deploymentBase(&r, s, u) { // azure.go
			return r
		}
	} else if st, summary, fix := checkBasePath(s, u); st != checks.Pass {
		r.Status, r.Cause, r.Summary = st, "base-url-path", summary
		if fix != "" {
			r.Details = append(r.Details, fix)
		}
		return r
	}
	if strings.EqualFold(u.Scheme, "http") && !isLocalNetwork(u.Hostname()) {
		r.Status = checks.Warn
		r.Summary = "plain http:// to " + u.Hostname() + ": the key travels unencrypted, and many servers redirect or refuse it"
		r.Details = append(r.Details, "use https://"+strings.TrimPrefix(displayURL(s.BaseURL), "http://"))
		return r
	}
	r.Status = checks.Pass
	r.Summary = displayURL(s.BaseURL) + " fits the " + s.Protocol + " protocol"
	if cs := stateOf(s); cs != nil && cs.loginBase {
		r.Summary = displayURL(s.BaseURL) + " is " + s.BaseURLSource + ": " + cs.spec.Title + " chooses it itself"
	}
	return r
}

// checkBasePath compares the base URL's path with what the protocol's
// SDK expects. It returns the status, a summary and what to write instead.
func checkBasePath(s *checks.Setup, u *url.URL) (checks.Status, string, string) {
	path := strings.TrimRight(u.EscapedPath(), "/")
	lower := strings.ToLower(path)
	userinfo := ""
	if u.User != nil {
		userinfo = u.User.String()
	}
	show := func(p string) string { return displayURL(urlString(u, userinfo, p, u.RawQuery)) }

	if i := strings.Index(lower, "/models/"); s.Protocol == checks.ProtocolGemini && i >= 0 && strings.Contains(lower[i:], ":") {
		return checks.Fail,
			"the base URL is a full endpoint (" + path[i:] + "): the SDK adds /models/{model}:generateContent itself",
			"write " + show(path[:i]) + " instead"
	}
	for _, ep := range fullEndpoints {
		if !strings.HasSuffix(lower, ep) {
			continue
		}
		fixed := path[:len(path)-len(ep)]
		if s.Protocol == checks.ProtocolAnthropic && !clientBaseHasV1(s) {
			fixed = strings.TrimSuffix(fixed, "/v1")
		}
		return checks.Fail,
			"the base URL is a full endpoint (ends with " + ep + "): the SDK adds its own path and calls " + displayURL(s.Endpoint),
			"write " + show(fixed) + " instead"
	}

	if cs := stateOf(s); cs != nil && cs.loginBase {
		return checks.Pass, "", "" // the client's own backend for its sign-in: not the user's to write
	}
	if cs := stateOf(s); cs != nil && cs.wire.BaseV1 != "" {
		if st, summary, fix, ok := clientBasePath(s, cs, lower, path, show); ok {
			return st, summary, fix
		}
	}
	switch s.Protocol {
	case checks.ProtocolAnthropic:
		if strings.HasSuffix(lower, "/v1") {
			return checks.Fail,
				"the base URL ends with /v1, but the Anthropic SDK adds /v1/messages itself: it calls " + displayURL(s.Endpoint),
				"write " + show(path[:len(path)-3]) + " (without /v1)"
		}
	case checks.ProtocolGemini:
		return geminiBasePath(s, u, lower, path, show)
	case checks.ProtocolOpenAI, checks.ProtocolResponses:
		want := s.Profile.OpenAIBasePath
		host := strings.ToLower(u.Hostname())
		appends := "/chat/completions"
		if s.Protocol == checks.ProtocolResponses {
			appends = "/responses"
		}
		if want != "" && !strings.HasSuffix(lower, strings.ToLower(want)) {
			return checks.Fail,
				"the base URL has no " + want + ": the OpenAI SDK appends " + appends + " to it as written and calls " + displayURL(s.Endpoint),
				"write " + show(path+want) + " (" + s.Profile.DisplayName() + " serves the API under " + want + ")"
		}
		if want == "" && path == "" && !slices.Contains(rootOKHosts, host) {
			return checks.Warn,
				"the base URL has no path: most OpenAI-compatible servers expect /v1, and the SDK will call " + displayURL(s.Endpoint),
				"if you get 404s or an HTML page, write " + show("/v1")
		}
	}
	return checks.Pass, "", ""
}

// apiVersion is a path segment that names an API version: v1, v1beta,
// v1alpha, v1beta1.
var apiVersion = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^v[0-9]+((alpha|beta)[0-9]*)?$`)
})

// geminiBasePath judges a base URL for Gemini's native API, which the
// genai SDKs call at {base}/models/{model}:generateContent with the API
// version (v1beta) in the base: Google's own base is …/v1beta, and its
// OpenAI-compatible base (…/v1beta/openai) is another API.
func geminiBasePath(s *checks.Setup, u *url.URL, lower, path string, show func(string) string) (checks.Status, string, string) {
	calls := displayURL(s.Endpoint)
	if calls == "" {
		calls = show(path) + "/models/{model}:generateContent"
	}
	if strings.HasSuffix(lower, "/openai") {
		return checks.Fail,
			"the base URL ends with /openai, the OpenAI-compatible API, but your client speaks Gemini's native API: it calls " + calls,
			"write " + show(path[:len(path)-len("/openai")]) + " (the native API), or use --protocol openai if your client is an OpenAI SDK"
	}
	last := lower[strings.LastIndex(lower, "/")+1:]
	if apiVersion().MatchString(last) {
		return checks.Pass, "", ""
	}
	_, google := hostMatches(u.Hostname(), s.Profile.HostHints)
	st := checks.Warn
	if path == "" || google {
		st = checks.Fail
	}
	return st,
		"the base URL names no API version (/" + geminiAPIVersion + "): Gemini's native API is served under it, and your client calls " + calls,
		"write " + show(path+"/"+geminiAPIVersion)
}
