package classify

import (
	"sort"
	"strings"
	"unicode"

	"github.com/unstuck-dev/unstuck/checks"
)

// ProviderSign is one profile's strongest sign found in pasted text.
type ProviderSign struct {
	Profile, Title string // the profile's name and title
	Sign           string // what was found: "API_KEY_INVALID", "api.anthropic.com", "a key starting AIza"
	Why            string // the sign's reason, from profiles.yaml
	Strength       int
}

// String is the sign as evidence quotes it: "gemini: API_KEY_INVALID
// (Google's reason for a key it does not know)".
func (s ProviderSign) String() string { return s.Profile + ": " + s.Sign + " (" + s.Why + ")" }

// Sign strengths by kind, when the profile gives none.
const (
	strengthHost = 3 // where the request went
	strengthSays = 2 // the server's own words
	strengthKey  = 1 // a key can be sent to anyone
)

// maxSignHits bounds the occurrences of one text looked at, so a hostile
// paste of one host a million times costs no more than a few.
const maxSignHits = 64

// PasteProvider is the provider the pasted text names by the profiles'
// paste_signs: the profile with the strongest sign, "" when none matches
// or two profiles' strongest signs are equally strong (the paste
// disagrees with itself). signs are every profile's strongest sign,
// strongest first, the deciding one (if any) leading.
func PasteProvider(text string, profiles []checks.Profile, issuers []checks.KeyIssuer) (string, []ProviderSign) {
	if strings.TrimSpace(text) == "" {
		return "", nil
	}
	lower := strings.ToLower(text)
	squeezed := squeeze(text)
	keys := keyIssuersIn(text, issuers)
	var signs []ProviderSign
	for _, p := range profiles {
		best := ProviderSign{}
		for _, s := range p.PasteSigns {
			found, strength := "", s.Strength
			switch {
			case s.Host != "":
				if hostIn(lower, strings.ToLower(strings.TrimSpace(s.Host))) {
					found = strings.TrimPrefix(strings.TrimSpace(s.Host), ".")
				}
				if strength == 0 {
					strength = strengthHost
				}
			case s.Says != "":
				if q := squeeze(s.Says); q != "" && strings.Contains(squeezed, q) {
					found = strings.TrimSpace(s.Says)
				}
				if strength == 0 {
					strength = strengthSays
				}
			case s.KeyIssuer != "":
				if prefix, ok := keys[s.KeyIssuer]; ok {
					found = "a key starting " + prefix
				}
				if strength == 0 {
					strength = strengthKey
				}
			}
			if found != "" && strength > best.Strength {
				best = ProviderSign{Profile: p.Name, Title: p.DisplayName(), Sign: found, Why: s.Why, Strength: strength}
			}
		}
		if best.Sign != "" {
			signs = append(signs, best)
		}
	}
	sort.SliceStable(signs, func(i, j int) bool { return signs[i].Strength > signs[j].Strength })
	if len(signs) == 0 || len(signs) > 1 && signs[1].Strength == signs[0].Strength {
		return "", signs
	}
	return signs[0].Profile, signs
}

// squeezer and squeeze make one text of JSON, pretty JSON, a Python
// repr ({'type': 'error'}) and JSON escaped inside a string
// (OpenRouter's metadata.raw): quotes made double, escapes and spaces
// dropped. A sign's text is squeezed the same way.
var squeezer = strings.NewReplacer(`\n`, "", `\r`, "", `\t`, "", `\"`, `"`, `'`, `"`)

func squeeze(s string) string {
	s = squeezer.Replace(s)
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// hostIn reports whether host (lower case) stands in text (lower case)
// as a host or its tail: "api.openai.com" in "https://api.openai.com/v1",
// not in "xapi.openai.com" nor in "api.openai.com.example.net". A host
// written with a leading dot (".openai.azure.com") is a tail by design.
func hostIn(text, host string) bool {
	if host == "" {
		return false
	}
	tail := strings.HasPrefix(host, ".")
	for i, n := 0, 0; n < maxSignHits; n++ {
		j := strings.Index(text[i:], host)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(host)
		before := tail || start == 0 || !hostByte(text[start-1])
		after := end == len(text) || !hostByte(text[end]) && text[end] != '.' ||
			text[end] == '.' && (end+1 == len(text) || !hostByte(text[end+1]))
		if before && after {
			return true
		}
		i = start + 1
	}
	return false
}

func hostByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '-' || b == '_'
}

// keyIssuersIn finds keys (whole or masked) in text and tells whose they
// are by the longest issuer prefix (keys.yaml), as the key-platform check
// does: issuer ID to the prefix seen.
func keyIssuersIn(text string, issuers []checks.KeyIssuer) map[string]string {
	type hit struct{ id, prefix string }
	at := map[int]hit{}
	for _, is := range issuers {
		for _, p := range is.Prefixes {
			if p == "" {
				continue
			}
			for i, n := 0, 0; n < maxSignHits; n++ {
				j := strings.Index(text[i:], p)
				if j < 0 {
					break
				}
				start, end := i+j, i+j+len(p)
				i = start + 1
				if start > 0 && hostByte(text[start-1]) {
					continue // inside a word: not a key's start
				}
				if end == len(text) || !hostByte(text[end]) && text[end] != '*' && !strings.HasPrefix(text[end:], "…") {
					continue // the prefix alone, named in prose
				}
				if h, ok := at[start]; !ok || len(p) > len(h.prefix) {
					at[start] = hit{is.ID, p}
				}
			}
		}
	}
	found := map[string]string{}
	for _, h := range at {
		if old, ok := found[h.id]; !ok || len(h.prefix) > len(old) {
			found[h.id] = h.prefix
		}
	}
	return found
}
