package setup

import (
	"context"
	"strings"

	"github.com/unstuck-dev/unstuck/checks"
)

var (
	ambiguousSK = checks.KeyIssuer{ID: "ambiguous-sk", Title: "a bare sk- key (OpenAI legacy, DeepSeek, one-api/new-api or LiteLLM)"}
	unknownKey  = checks.KeyIssuer{ID: "unknown", Title: "a key of unknown origin"}
)

// detectPlatform finds the key's issuer by its longest known prefix.
func detectPlatform(issuers []checks.KeyIssuer, key string) (checks.KeyIssuer, string) {
	best, bestPrefix := unknownKey, ""
	for _, p := range issuers {
		for _, pre := range p.Prefixes {
			if strings.HasPrefix(key, pre) && len(pre) > len(bestPrefix) {
				best, bestPrefix = p, pre
			}
		}
	}
	if bestPrefix == "" && strings.HasPrefix(key, "sk-") {
		return ambiguousSK, "sk-"
	}
	return best, bestPrefix
}

// platformOfHost finds the platform that runs a host.
func platformOfHost(issuers []checks.KeyIssuer, host string) (checks.KeyIssuer, bool) {
	for _, p := range issuers {
		if _, ok := hostMatches(host, p.Hosts); ok && host != "" {
			return p, true
		}
	}
	return checks.KeyIssuer{}, false
}

// KeyPlatform checks that the key was issued by the platform the base URL
// points at: an Anthropic key sent to OpenAI, or a relay's request without
// the relay's key prefix, is refused with a 401 that looks like a bad key.
func KeyPlatform(_ context.Context, s *checks.Setup) checks.Result {
	r := keyResult(s, checks.CheckKeyPlatform, "API key belongs to this platform")
	key, from := keyUnderTest(s)
	if key == "" {
		r.Status, r.Summary = checks.Skip, "no key to examine"
		return r
	}
	key = strings.TrimFunc(strings.Trim(strings.TrimFunc(key, isBlank), `"'`), isBlank)
	if l := strings.ToLower(key); strings.HasPrefix(l, "bearer ") {
		key = strings.TrimSpace(key[len("bearer "):])
	}
	kp, prefix := detectPlatform(s.Config.KeyIssuers, key)
	r.Facts = map[string]string{"key-platform.platform": kp.ID}
	host := hostOf(s.BaseURL)
	dest, destKnown := platformOfHost(s.Config.KeyIssuers, host)
	shown := "prefix " + prefix
	if prefix == "" {
		shown = "no known prefix"
	}
	r.Details = append(r.Details, from+" is "+kp.Title+" ("+shown+")")
	if host != "" {
		r.Details = append(r.Details, "requests go to "+host+" ("+s.Profile.DisplayName()+" profile)")
	}
	fail := func(summary string) checks.Result {
		r.Status, r.Cause, r.Summary = checks.Fail, "key-wrong-platform", summary
		return r
	}

	if kp.NotAPIKey != "" {
		return fail(from + " cannot work as an API key: " + kp.NotAPIKey)
	}
	if destKnown {
		switch {
		case kp.ID == dest.ID, kp.ID == ambiguousSK.ID && dest.BareSK:
		case kp.ID == unknownKey.ID && len(dest.Prefixes) == 0:
		default:
			want := "keys starting " + strings.Join(dest.Prefixes, " or ")
			if len(dest.Prefixes) == 0 {
				want = "its own keys"
			}
			return fail(from + " is " + kp.Title + ", but the base URL is " + host + ", which takes " + want)
		}
	} else if home, ok := platformOfHost(s.Config.KeyIssuers, hostOf(s.Profile.DefaultBaseURL)); ok && kp.Prefixes != nil &&
		kp.ID != home.ID && kp.ID != ambiguousSK.ID {
		// The user chose a first-party protocol (say openai) but the key is
		// plainly another platform's (sk-ant-…), whatever the base URL: a
		// server speaking that protocol will not take it.
		return fail(from + " is " + kp.Title + ", but you chose the " + s.Profile.DisplayName() + " profile, which takes keys starting " + strings.Join(home.Prefixes, " or "))
	} else if need := s.Profile.KeyPrefixes; len(need) > 0 && !hasAnyPrefix(key, need) {
		_, hostIsProfiles := hostMatches(host, s.Profile.HostHints)
		if (hostIsProfiles && host != "") || s.Profile.DefaultBaseURL == "" {
			return fail(s.Profile.DisplayName() + " keys start with " + strings.Join(need, " or ") + ", but " + from + " is " + kp.Title + " (" + shown + ")")
		}
	}

	r.Status = checks.Pass
	switch {
	case kp.ID == ambiguousSK.ID:
		r.Summary = from + " is a bare sk- key: it fits " + s.Profile.DisplayName() + ", but the prefix alone cannot say which platform issued it"
	case kp.ID == unknownKey.ID:
		r.Summary = from + " has no prefix we know; nothing says it belongs elsewhere"
	case destKnown:
		r.Summary = from + " is " + kp.Title + ", sent to " + host
	default:
		r.Summary = from + " is " + kp.Title + "; " + s.Profile.DisplayName() + " may accept it"
		r.Details = append(r.Details, "relays and gateways usually issue their own keys: a provider key works only if this one forwards it")
	}
	return r
}
