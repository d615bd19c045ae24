package setup

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/unstuck-dev/unstuck/checks"
	"go.yaml.in/yaml/v3"
)

// ParseProfiles reads content/profiles.yaml. Unknown fields are errors, so a
// misspelt field in a hand-edited profile fails the tests instead of being
// silently ignored.
func ParseProfiles(data []byte) ([]checks.Profile, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var ps []checks.Profile
	if err := dec.Decode(&ps); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("profiles: the file holds no profiles")
		}
		return nil, fmt.Errorf("profiles: %w", err)
	}
	if len(ps) == 0 {
		return nil, errors.New("profiles: the file holds no profiles")
	}
	seen := map[string]bool{}
	var defaults, fallbacks []string
	for i, p := range ps {
		where := fmt.Sprintf("profiles: entry %d (%q)", i+1, p.Name)
		if p.Default {
			defaults = append(defaults, p.Name)
		}
		if p.Fallback {
			fallbacks = append(fallbacks, p.Name)
		}
		if p.Name == "" {
			return nil, fmt.Errorf("profiles: entry %d has no name", i+1)
		}
		if p.Name != strings.ToLower(strings.TrimSpace(p.Name)) || strings.ContainsAny(p.Name, " \t") {
			return nil, fmt.Errorf("%s: name must be lower case without spaces", where)
		}
		if seen[p.Name] {
			return nil, fmt.Errorf("%s: duplicate name", where)
		}
		seen[p.Name] = true
		if p.Protocol != checks.ProtocolOpenAI && p.Protocol != checks.ProtocolAnthropic {
			return nil, fmt.Errorf("%s: protocol must be openai or anthropic, not %q", where, p.Protocol)
		}
		for _, h := range p.AuthHeaders {
			switch h {
			case "bearer", "x-api-key", "api-key":
			default:
				return nil, fmt.Errorf("%s: auth_headers: unknown form %q (bearer, x-api-key, api-key)", where, h)
			}
		}
		if p.DefaultBaseURL != "" {
			if _, problem := parseBaseURL(p.DefaultBaseURL); problem != "" {
				return nil, fmt.Errorf("%s: default_base_url: %s", where, problem)
			}
		}
		if p.NativeBaseURL != "" {
			if _, problem := parseBaseURL(p.NativeBaseURL); problem != "" {
				return nil, fmt.Errorf("%s: native_base_url: %s", where, problem)
			}
		}
		for _, port := range p.Ports {
			if port < 1 || port > 65535 {
				return nil, fmt.Errorf("%s: ports: %d is no TCP port", where, port)
			}
		}
		for _, pr := range p.Confirm {
			if !strings.HasPrefix(pr.Path, "/") {
				return nil, fmt.Errorf("%s: confirm: paths must start with /: %q", where, pr.Path)
			}
			if pr.Says == "" && pr.JSONKey == "" && pr.Status == 0 {
				return nil, fmt.Errorf("%s: confirm: the probe of %s holds for any answer: give status, says or json_key", where, pr.Path)
			}
		}
		if p.Local && len(p.Confirm) == 0 {
			return nil, fmt.Errorf("%s: a local server needs confirm probes: a port alone is no proof", where)
		}
		for _, sign := range p.PasteSigns {
			if err := checkPasteSign(sign); err != nil {
				return nil, fmt.Errorf("%s: paste_signs: %w", where, err)
			}
		}
		for _, path := range []string{p.OpenAIBasePath, p.BaseURLEnvSuffix, p.LocalModelsPath, p.LoadedModelsPath} {
			if path != "" && !strings.HasPrefix(path, "/") {
				return nil, fmt.Errorf("%s: paths must start with /: %q", where, path)
			}
		}
	}
	if len(defaults) > 1 || len(fallbacks) > 1 {
		return nil, fmt.Errorf("profiles: at most one profile may be default and one fallback (default: %v, fallback: %v)", defaults, fallbacks)
	}
	return ps, nil
}

// checkPasteSign holds a paste sign to one kind, a reason and a text long
// enough not to turn up in any error by chance.
func checkPasteSign(s checks.PasteSign) error {
	kinds := 0
	for _, v := range []string{s.Host, s.Says, s.KeyIssuer} {
		if v != "" {
			kinds++
		}
	}
	switch {
	case kinds != 1:
		return fmt.Errorf("each sign gives exactly one of host, says and key_issuer (%+v)", s)
	case strings.TrimSpace(s.Why) == "":
		return fmt.Errorf("the sign %q has no why", s.Host+s.Says+s.KeyIssuer)
	case s.Strength < 0 || s.Strength > 3:
		return fmt.Errorf("the sign %q: strength is 1, 2 or 3, not %d", s.Host+s.Says+s.KeyIssuer, s.Strength)
	case len(strings.TrimSpace(s.Host+s.Says)) < 4 && s.KeyIssuer == "":
		return fmt.Errorf("the sign %q is too short to tell providers apart", s.Host+s.Says)
	}
	return nil
}

// ParseKeyIssuers reads content/keys.yaml, as strictly as the profiles.
func ParseKeyIssuers(data []byte) ([]checks.KeyIssuer, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var is []checks.KeyIssuer
	if err := dec.Decode(&is); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("key issuers: %w", err)
	}
	seen := map[string]bool{}
	for i, k := range is {
		where := fmt.Sprintf("key issuers: entry %d (%q)", i+1, k.ID)
		switch {
		case k.ID == "":
			return nil, fmt.Errorf("key issuers: entry %d has no id", i+1)
		case seen[k.ID]:
			return nil, fmt.Errorf("%s: duplicate id", where)
		case k.Title == "":
			return nil, fmt.Errorf("%s: no title", where)
		case len(k.Prefixes) == 0 && len(k.Hosts) == 0:
			return nil, fmt.Errorf("%s: give prefixes, hosts or both", where)
		}
		seen[k.ID] = true
		for _, p := range k.Prefixes {
			if len(p) < 3 {
				return nil, fmt.Errorf("%s: prefix %q is too short to tell issuers apart", where, p)
			}
		}
	}
	return is, nil
}

// FindProfile returns the profile with this name (case-insensitive).
func FindProfile(profiles []checks.Profile, name string) (checks.Profile, bool) {
	name = strings.ToLower(strings.TrimSpace(name))
	for _, p := range profiles {
		if p.Name == name {
			return p, true
		}
	}
	return checks.Profile{}, false
}

// ProfileNames lists the profile names in file order, for usage messages.
func ProfileNames(profiles []checks.Profile) []string {
	names := make([]string, 0, len(profiles))
	for _, p := range profiles {
		names = append(names, p.Name)
	}
	return names
}

// sdkKeyEnvs and sdkBaseURLEnvs are the variables the official SDKs
// read by themselves. An app that follows a relay's guide passes the relay's
// own variable; when that is unset the SDK falls back to these.
var (
	sdkKeyEnvs = map[string][]string{
		checks.ProtocolOpenAI:    {"OPENAI_API_KEY"},
		checks.ProtocolAnthropic: {"ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN"},
		checks.ProtocolResponses: {"OPENAI_API_KEY"},
		// Google's genai SDKs: GOOGLE_API_KEY wins when both are set.
		checks.ProtocolGemini: {"GOOGLE_API_KEY", "GEMINI_API_KEY"},
	}
	sdkBaseURLEnvs = map[string][]string{
		checks.ProtocolOpenAI:    {"OPENAI_BASE_URL"},
		checks.ProtocolAnthropic: {"ANTHROPIC_BASE_URL"},
		checks.ProtocolResponses: {"OPENAI_BASE_URL"},
		checks.ProtocolGemini:    {geminiBaseURLEnv},
	}
)

// The genai SDKs take GOOGLE_GEMINI_BASE_URL as a root and add the API
// version themselves (GOOGLE_GENAI_API_VERSION, default v1beta).
const (
	geminiBaseURLEnv    = "GOOGLE_GEMINI_BASE_URL"
	geminiAPIVersionEnv = "GOOGLE_GENAI_API_VERSION"
	geminiAPIVersion    = "v1beta"
)

// markedProfile is the first profile with a mark (default, fallback).
func markedProfile(profiles []checks.Profile, marked func(checks.Profile) bool) (checks.Profile, bool) {
	for _, p := range profiles {
		if marked(p) {
			return p, true
		}
	}
	return checks.Profile{}, false
}

// fallbackProfile is used when no profile is named or the named one is
// unknown: the profile marked fallback (a generic server of the protocol),
// else a client reading the SDK's own variables.
func fallbackProfile(profiles []checks.Profile, name, protocol string) checks.Profile {
	if p, ok := markedProfile(profiles, func(p checks.Profile) bool { return p.Fallback }); ok && name == "" &&
		(protocol == "" || protocol == p.Protocol) {
		return p
	}
	vars := protocol
	if _, ok := sdkKeyEnvs[vars]; !ok {
		vars = checks.ProtocolOpenAI
	}
	if protocol != checks.ProtocolAnthropic {
		protocol = checks.ProtocolOpenAI
	}
	if name == "" {
		name = "unknown"
	}
	return checks.Profile{
		Name:        name,
		Title:       name,
		Protocol:    protocol,
		KeyEnvs:     sdkKeyEnvs[vars],
		BaseURLEnvs: sdkBaseURLEnvs[vars],
		AuthHeaders: []string{"bearer"},
	}
}

// keyVarsOf lists the variables a client of p may take the key from: the
// profile's own, then the SDK's own for the protocol.
// For Gemini's native API the genai SDK reads the variables itself, in its
// own order, so its order comes first.
func keyVarsOf(p checks.Profile, protocol string) []string {
	if protocol == checks.ProtocolGemini {
		return unique(append(append([]string{}, sdkKeyEnvs[protocol]...), p.KeyEnvs...))
	}
	return unique(append(append([]string{}, p.KeyEnvs...), sdkKeyEnvs[protocol]...))
}

func baseURLVarsOf(p checks.Profile, protocol string) []string {
	return unique(append(append([]string{}, p.BaseURLEnvs...), sdkBaseURLEnvs[protocol]...))
}

func unique(in []string) []string {
	seen := map[string]bool{}
	out := make([]string, 0, len(in))
	for _, s := range in {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// firstSet returns the first variable in names that is set to a non-empty
// value.
func firstSet(env checks.Env, names []string) (string, string) {
	for _, n := range names {
		if v := env[n]; v != "" {
			return n, v
		}
	}
	return "", ""
}

// longestPrefixOwner returns the profile whose key prefix is the longest
// match for key, or "" when none matches.
func longestPrefixOwner(profiles []checks.Profile, key string) (owner, prefix string) {
	for _, p := range profiles {
		for _, pre := range p.KeyPrefixes {
			if pre != "" && strings.HasPrefix(key, pre) && len(pre) > len(prefix) {
				owner, prefix = p.Name, pre
			}
		}
	}
	return owner, prefix
}

// hostMatches reports whether host contains one of the hints.
func hostMatches(host string, hints []string) (string, bool) {
	host = strings.ToLower(host)
	for _, h := range hints {
		if h != "" && strings.Contains(host, strings.ToLower(h)) {
			return h, true
		}
	}
	return "", false
}

// hostOf returns the lower-case host of a base URL, "" when it has none.
func hostOf(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Hostname())
}

// Weights for guessing the profile. A base URL host is the strongest signal
// (it decides where requests go); a set key variable says which client is in
// use; the key's prefix breaks ties between clients that read the same
// variable. Profiles that cannot work without a base URL (relays, generic
// servers) lose points when none is given, and first-party profiles lose
// points when the base URL points elsewhere.
const (
	scoreHost         = 100
	scoreKeyEnvFlag   = 40
	scoreOwnKeyVar    = 20
	scoreSDKKeyVar    = 10
	scoreBaseURLVar   = 5
	scorePrefix       = 12
	scoreNoPrefix     = -6
	scoreNeedsBaseURL = -10
	scoreOtherHost    = -15
	scoreProtocol     = 3
	scorePort         = 30 // a local server's default port: a candidate, confirmed by its answer
	scoreHostEnv      = 15 // its address variable (OLLAMA_HOST) is set
)

// guessProfile picks the profile whose client the user most likely runs,
// and says why in the user's words.
func guessProfile(cfg checks.Config, profiles []checks.Profile, protocolFlag string) (checks.Profile, string) {
	best, bestScore, bestReasons := -1, 0, []string(nil)
	for i, p := range profiles {
		protocol := p.Protocol
		if protocolFlag != "" {
			protocol = protocolFlag
		}
		score, reasons := 0, []string(nil)

		if cfg.KeyEnv != "" && slices.Contains(p.KeyEnvs, cfg.KeyEnv) {
			score += scoreKeyEnvFlag
			reasons = append(reasons, "--key-env "+cfg.KeyEnv)
		}
		keyName, key := firstSet(cfg.Env, p.KeyEnvs)
		switch {
		case keyName != "":
			score += scoreOwnKeyVar
			reasons = append(reasons, keyName+" is set")
		default:
			keyName, key = firstSet(cfg.Env, sdkKeyEnvs[protocol])
			if keyName != "" {
				score += scoreSDKKeyVar
			}
		}
		if cfg.KeyEnv != "" && cfg.Env[cfg.KeyEnv] != "" {
			key = cfg.Env[cfg.KeyEnv]
		}

		base := cfg.BaseURL
		if base == "" {
			var baseVar string
			baseVar, base = firstSet(cfg.Env, baseURLVarsOf(p, protocol))
			if baseVar != "" {
				score += scoreBaseURLVar
			}
		}
		fromHostEnv := false
		if base == "" {
			if name, v := firstSet(cfg.Env, p.HostEnvs); name != "" {
				score += scoreHostEnv
				reasons = append(reasons, name+" is set")
				base, fromHostEnv = hostEnvURL(v, p), true
			}
		}
		host := hostOf(base)
		// The variable's own default port is no second signal.
		onPort := base != "" && !fromHostEnv && portMatches(base, p.Ports)
		if onPort {
			score += scorePort
			reasons = append(reasons, "port "+portOf(base)+" ("+p.DisplayName()+"'s default, to be confirmed by its answer)")
		}
		if hint, ok := hostMatches(host, p.HostHints); ok && host != "" {
			score += scoreHost
			reasons = append([]string{"base URL host " + host + " (matches " + hint + ")"}, reasons...)
		} else if base != "" && !onPort && !fromHostEnv {
			if p.DefaultBaseURL != "" && len(p.HostHints) > 0 {
				score += scoreOtherHost
			} else if host != "" {
				reasons = append(reasons, "base URL host "+host)
			}
		}
		if base == "" && p.DefaultBaseURL == "" {
			score += scoreNeedsBaseURL
		}

		if key != "" {
			owner, prefix := longestPrefixOwner(profiles, strings.TrimSpace(key))
			switch {
			case owner == p.Name:
				score += scorePrefix
				reasons = append(reasons, "key prefix "+prefix)
			case len(p.KeyPrefixes) > 0 && !hasAnyPrefix(strings.TrimSpace(key), p.KeyPrefixes):
				score += scoreNoPrefix
			}
		}
		if protocolFlag != "" && protocolFlag == p.Protocol {
			score += scoreProtocol
		}
		if best < 0 || score > bestScore {
			best, bestScore, bestReasons = i, score, reasons
		}
	}
	if best < 0 || bestScore <= 0 {
		p, ok := markedProfile(profiles, func(p checks.Profile) bool { return p.Default })
		if !ok {
			p = fallbackProfile(profiles, "", protocolFlag)
		}
		return p, reasonAssumed + "; assuming " + p.Name + " (pass --provider to choose)"
	}
	reason := strings.Join(bestReasons, ", ")
	if reason == "" {
		reason = "its SDK variables are set"
	}
	return profiles[best], "guessed: " + reason
}

// reasonAssumed starts the reason of a profile nothing pointed to.
const reasonAssumed = "nothing in the environment points to a provider"

// ProfileAssumed reports whether the setup's profile is only the default:
// nothing in the flags, the environment or a client's configuration named
// or pointed to it. explain shows no provider's steps on that alone.
func ProfileAssumed(s *checks.Setup) bool {
	return s == nil || strings.HasPrefix(s.ProfileReason, reasonAssumed) ||
		strings.HasPrefix(s.ProfileReason, reasonNoProfiles)
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// portMatches reports whether the base URL names one of the ports
// explicitly (a URL without a port is 80 or 443, never a local server's).
func portMatches(base string, ports []int) bool {
	port := portOf(base)
	for _, p := range ports {
		if port != "" && port == strconv.Itoa(p) {
			return true
		}
	}
	return false
}

// portOf is the base URL's explicit port, "" when it has none.
func portOf(base string) string {
	u, err := url.Parse(strings.TrimSpace(base))
	if err != nil {
		return ""
	}
	return u.Port()
}

// hostEnvURL turns a server address variable into a base URL the way the
// server's own client reads it (Ollama's envconfig.Host): the scheme is
// optional (http), an address without a port takes the profile's first
// port — but an explicit http:// or https:// scheme without a port means
// 80 or 443 —, a listen-everywhere address (0.0.0.0, ::) is reached as
// loopback, and the profile's OpenAI path (/v1) is appended to a bare
// address. "" when the value is unusable.
func hostEnvURL(v string, p checks.Profile) string {
	v = strings.TrimSpace(v)
	if v == "" || strings.ContainsAny(v, " \t\r\n\"'") {
		return ""
	}
	scheme, hostport, ok := strings.Cut(v, "://")
	defPort := ""
	if len(p.Ports) > 0 {
		defPort = strconv.Itoa(p.Ports[0])
	}
	switch {
	case !ok:
		scheme, hostport = "http", v
	case scheme == "http":
		defPort = "80"
	case scheme == "https":
		defPort = "443"
	default:
		return ""
	}
	hostport, path, _ := strings.Cut(hostport, "/")
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		host, port = strings.Trim(hostport, "[]"), defPort
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		port = defPort
	}
	if port == "" {
		return ""
	}
	u := url.URL{Scheme: scheme, Host: net.JoinHostPort(host, port), Path: "/" + path}
	if strings.Trim(path, "/") == "" {
		u.Path = p.OpenAIBasePath
	}
	return u.String()
}
