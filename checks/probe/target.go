package probe

import (
	"errors"
	"net/url"
	"slices"
	"strings"

	"github.com/unstuck-dev/unstuck/checks"
)

// Where the probe sends its calls: the endpoint the user's client calls,
// built from the base URL, the protocol and the client's request shape
// (checks.RequestShape: its path, query parameters and background calls).
// Setup composes the URLs of the chat and messages protocols; the Responses
// API, Gemini's native API and a client's own path are composed here, as the
// client itself composes them.

// Background calls a client needs beyond its main request
// (RequestShape.AlsoCalls).
const (
	callCountTokens = "count_tokens" // POST /v1/messages/count_tokens (Claude Code)
	callSmallModel  = "small_model"  // a second model for background work (Claude Code)
)

// knownProtocol normalises a protocol name, "" when it is none of ours.
func knownProtocol(p string) string {
	switch p = strings.ToLower(strings.TrimSpace(p)); p {
	case checks.ProtocolOpenAI, checks.ProtocolAnthropic, checks.ProtocolResponses, checks.ProtocolGemini:
		return p
	}
	return ""
}

// protocolOf is the request shape the user's client sends: what --protocol
// asks for (also when the setup could not represent it yet), else what the
// setup resolved, else the profile's.
func protocolOf(s *checks.Setup) string {
	if p := knownProtocol(s.Config.Protocol); p != "" {
		return p
	}
	if p := knownProtocol(s.Protocol); p != "" {
		return p
	}
	if p := knownProtocol(s.Profile.Protocol); p != "" {
		return p
	}
	return s.Protocol
}

// joinURL appends a path, which may carry its own query ("/v1/messages?beta=true"),
// to the base URL as the SDKs do: after the base's path, one trailing slash
// dropped, the base's own query kept. extra adds query parameters the client
// sets (Codex's query_params, Azure's api-version) unless the URL has them.
func joinURL(base, pathAndQuery string, extra map[string]string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(base))
	if err != nil {
		return "", err
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", errors.New("the base URL has no http(s) scheme and host")
	}
	p, q, _ := strings.Cut(pathAndQuery, "?")
	if p != "" && !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + p
	u.RawPath = ""
	u.Fragment, u.RawFragment = "", ""
	var parts []string
	if u.RawQuery != "" {
		parts = append(parts, u.RawQuery)
	}
	if q != "" {
		parts = append(parts, q)
	}
	u.RawQuery = strings.Join(parts, "&")
	return withQuery(u.String(), extra), nil
}

// withQuery adds the parameters the URL does not have yet, in a stable order.
func withQuery(raw string, extra map[string]string) string {
	if len(extra) == 0 {
		return raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	have := u.Query()
	names := make([]string, 0, len(extra))
	for k := range extra {
		if k != "" && !have.Has(k) {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	add := url.Values{}
	for _, k := range names {
		add.Set(k, extra[k])
	}
	if enc := add.Encode(); enc != "" {
		if u.RawQuery != "" {
			u.RawQuery += "&"
		}
		u.RawQuery += enc
	}
	return u.String()
}

// requestURL is the URL of the client's main request for model.
func requestURL(s *checks.Setup, model string) (string, error) {
	sh := s.Shape
	if sh.Path != "" {
		if s.BaseURL == "" {
			return "", errors.New("no base URL")
		}
		return joinURL(s.BaseURL, sh.Path, sh.Query)
	}
	switch protocolOf(s) {
	case checks.ProtocolResponses:
		if s.BaseURL == "" {
			return "", errors.New("no base URL")
		}
		return joinURL(s.BaseURL, "/responses", sh.Query)
	case checks.ProtocolGemini:
		if s.BaseURL == "" {
			return "", errors.New("no base URL")
		}
		if model == "" {
			return "", errors.New("no model")
		}
		id := url.PathEscape(strings.TrimPrefix(model, "models/"))
		if sh.Stream {
			return joinURL(s.BaseURL, "/models/"+id+":streamGenerateContent?alt=sse", sh.Query)
		}
		return joinURL(s.BaseURL, "/models/"+id+":generateContent", sh.Query)
	}
	if s.Endpoint == "" {
		return "", errors.New("no endpoint")
	}
	return withQuery(s.Endpoint, sh.Query), nil
}

// modelsURLOf is the models list's URL, "" when there is none to ask.
// Anthropic-style lists are paginated (20 by default) and Gemini's too (50):
// ask for the largest page.
func modelsURLOf(s *checks.Setup) string {
	raw := s.ModelsURL
	p := protocolOf(s)
	if raw == "" && s.BaseURL != "" && (p == checks.ProtocolGemini || p == checks.ProtocolResponses && s.Profile.HasModelsList) {
		raw, _ = joinURL(s.BaseURL, "/models", nil)
	}
	if raw == "" {
		return ""
	}
	switch p {
	case checks.ProtocolAnthropic:
		raw = withQuery(raw, map[string]string{"limit": "1000"})
	case checks.ProtocolGemini:
		raw = withQuery(raw, map[string]string{"pageSize": "1000"})
	}
	return withQuery(raw, s.Shape.Query)
}

// countTokensURL is where a client counts tokens: /count_tokens after its
// messages path, with the same query (Claude Code: /v1/messages/count_tokens?beta=true).
func countTokensURL(s *checks.Setup) (string, error) {
	path := s.Shape.Path
	if path == "" {
		path = "/v1/messages"
	}
	p, q, hasQ := strings.Cut(path, "?")
	p = strings.TrimSuffix(p, "/") + "/count_tokens"
	if hasQ {
		p += "?" + q
	}
	if s.BaseURL == "" {
		return "", errors.New("no base URL")
	}
	return joinURL(s.BaseURL, p, s.Shape.Query)
}

// alsoCalls reports whether the client makes this background call.
func alsoCalls(s *checks.Setup, call string) bool {
	return slices.Contains(s.Shape.AlsoCalls, call)
}

// keyInURL reports whether the URL carries a key as a query parameter
// (Gemini's ?key=): then the client sends it there and no key header.
func keyInURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && u.Query().Get("key") != ""
}

// shownURL is a URL safe to print: user info and every credential-looking
// query parameter (key=, token=, …) masked, whatever their value.
func shownURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return maskQuery(raw)
	}
	if u.User == nil && !secretQuery(u.RawQuery) {
		return raw // nothing to mask: as written
	}
	if u.User != nil {
		u.User = url.User("***")
	}
	if u.RawQuery != "" {
		parts := strings.Split(u.RawQuery, "&")
		for i, part := range parts {
			name, _, _ := strings.Cut(part, "=")
			if n, err := url.QueryUnescape(name); err == nil && checks.SecretName(n) {
				parts[i] = name + "=***"
			}
		}
		u.RawQuery = strings.Join(parts, "&")
	}
	return u.String()
}

// secretQuery reports whether a raw query holds a credential-looking name.
func secretQuery(raw string) bool {
	for _, part := range strings.Split(raw, "&") {
		name, _, _ := strings.Cut(part, "=")
		if n, err := url.QueryUnescape(name); err == nil && checks.SecretName(n) {
			return true
		}
	}
	return false
}

// maskQuery masks key=… in text that does not parse as a URL.
func maskQuery(s string) string {
	low := strings.ToLower(s)
	for _, name := range []string{"?key=", "&key="} {
		for from := 0; ; {
			i := strings.Index(low[from:], name)
			if i < 0 {
				break
			}
			start := from + i + len(name)
			end := start
			for end < len(s) && !strings.ContainsRune("&# \t\n\"'", rune(s[end])) {
				end++
			}
			s = s[:start] + "***" + s[end:]
			low = strings.ToLower(s)
			from = start + 3
		}
	}
	return s
}
