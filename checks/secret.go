package checks

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Secret holds an API key. Its String and Format methods never print the
// value, so a Secret that slips into a log line or a %v shows a fingerprint.
// Only Reveal gives the value, and only the HTTP client calls it.
type Secret struct{ v string }

// NewSecret wraps a raw key value.
func NewSecret(v string) Secret { return Secret{v: v} }

// Reveal returns the raw value. Call it only to put the key in a request header.
func (s Secret) Reveal() string { return s.v }

// Empty reports whether no key is set.
func (s Secret) Empty() bool { return s.v == "" }

// Len is the key's length in bytes.
func (s Secret) Len() int { return len(s.v) }

// String is the fingerprint, never the key.
func (s Secret) String() string { return Fingerprint(s.v) }

// Format makes every fmt verb print the fingerprint.
func (s Secret) Format(f fmt.State, _ rune) { fmt.Fprint(f, Fingerprint(s.v)) }

// GoString keeps %#v safe too.
func (s Secret) GoString() string { return Fingerprint(s.v) }

// MarshalText keeps encoders (JSON, YAML) from writing the key.
func (s Secret) MarshalText() ([]byte, error) { return []byte(Fingerprint(s.v)), nil }

// Fingerprint shows at most the first four and last four characters of a key,
// its length and a short hash: "sk-p…x9Qa (51 chars, #3f9c)". The hash tells
// apart two keys that share their ends and length (a regenerated key often
// does); 16 bits say nothing useful about the key. Short keys show less, so
// that the fingerprint never reveals most of a key. Control characters are
// shown escaped so a trailing newline is visible.
func Fingerprint(key string) string {
	if key == "" {
		return "(empty)"
	}
	r := []rune(key)
	n := len(r)
	var head, tail string
	switch {
	case n >= 16:
		head, tail = string(r[:4]), string(r[n-4:])
	case n >= 8:
		head, tail = string(r[:2]), string(r[n-2:])
	default:
		return fmt.Sprintf("… (%d chars, #%s)", n, shortHash(key))
	}
	return fmt.Sprintf("%s…%s (%d chars, #%s)", visible(head), visible(tail), n, shortHash(key))
}

// shortHash is the first four hex digits of the key's SHA-256.
func shortHash(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:2])
}

func visible(s string) string {
	q := fmt.Sprintf("%q", s)
	return q[1 : len(q)-1]
}

// Redactor masks secrets in text that leaves the process: TUI frames, rendered
// pages, JSON, reports, error strings. It is the one place that does so; every
// output path runs through it.
type Redactor struct {
	mu      sync.RWMutex
	secrets map[string]string // value -> mask
	list    []string          // values, longest first
}

// NewRedactor returns a redactor that knows no secrets yet.
func NewRedactor() *Redactor { return &Redactor{secrets: map[string]string{}} }

// minSecret is the shortest value worth masking; shorter ones would mask
// ordinary words.
const minSecret = 8

// Add registers a secret and its variants: trimmed, unquoted, URL-decoded,
// without a "Bearer " prefix, and URL-encoded.
func (r *Redactor) Add(secret string) {
	if r == nil {
		return
	}
	mask := "[redacted " + Fingerprint(strings.TrimSpace(secret)) + "]"
	variants := map[string]bool{secret: true}
	t := strings.TrimSpace(secret)
	variants[t] = true
	u := strings.Trim(t, `"'`)
	variants[u] = true
	if strings.HasPrefix(strings.ToLower(u), "bearer ") {
		variants[strings.TrimSpace(u[7:])] = true
	}
	for v := range variants {
		if d, err := url.QueryUnescape(v); err == nil {
			variants[d] = true
		}
	}
	for v := range variants {
		variants[url.QueryEscape(v)] = true
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for v := range variants {
		v = strings.TrimSpace(v)
		if len(v) < minSecret {
			continue
		}
		if _, ok := r.secrets[v]; !ok {
			r.list = append(r.list, v)
		}
		r.secrets[v] = mask
	}
	sort.Slice(r.list, func(i, j int) bool { return len(r.list[i]) > len(r.list[j]) })
}

// keyLikeStarts are the beginnings of the key shapes keyLike knows, one
// alternative each: the pattern is built from them, and so is the literal
// test that lets Redact skip the pattern when no key can be in the text.
var keyLikeStarts = []string{
	`sk-(?:proj-|svcacct-|admin-|ant-(?:api03|oat01|admin01)-|or-v1-|ar-|lk-)?`,
	`AIza`, `gsk_`, `xai-`, `pplx-`, `hf_`, `r8_`, `ghp_`, `github_pat_`,
}

// credentialWords start the credentials bearerLike masks: after one of
// these header names, or after the word bearer (matched in any case).
var credentialWords = []string{"authorization", "x-api-key", "api-key", "proxy-authorization"}

// secretPatterns are the patterns Redact applies to any text, with the
// literals one of which a text must hold for a pattern to match: Go's
// regexp has no literal prefix to skip ahead with in an alternation, so a
// frame of the wizard without a key in it (most of them) cost 0.2 ms a
// pattern before.
type secretPatterns struct {
	keyLike, bearerLike *regexp.Regexp
	keyLits             []string // case-sensitive
	bearerLits          []string // lower case, matched ignoring ASCII case
}

var patterns = sync.OnceValue(func() secretPatterns {
	var p secretPatterns
	for _, alt := range keyLikeStarts {
		lit, _ := regexp.MustCompile(alt).LiteralPrefix()
		p.keyLits = append(p.keyLits, lit)
	}
	// keyLike matches tokens that look like API keys from any platform we
	// know, so that keys inside pasted text or server echoes are masked
	// even when they are not the user's own.
	p.keyLike = regexp.MustCompile(`(?:` + strings.Join(keyLikeStarts, "|") + `)[A-Za-z0-9_\-]{12,}`)
	// bearerLike matches credentials after an auth header or Bearer word.
	names := make([]string, len(credentialWords))
	for i, w := range credentialWords {
		names[i] = regexp.QuoteMeta(w)
	}
	p.bearerLike = regexp.MustCompile(`(?i)((?:` + strings.Join(names, "|") + `)\s*[:=]\s*"?(?:bearer\s+)?|bearer\s+)([A-Za-z0-9._~+/\-]{12,}=*)`)
	p.bearerLits = append(slices.Clone(credentialWords), "bearer")
	return p
})

// mayMatch reports whether s holds one of lits (ignoring ASCII case when
// fold is set): when not, the pattern they begin cannot match.
func mayMatch(s string, lits []string, fold bool) bool {
	for _, l := range lits {
		if !fold && strings.Contains(s, l) || fold && containsFold(s, l) {
			return true
		}
	}
	return false
}

// containsFold is strings.Contains ignoring case; sub is ASCII lower case.
// Two non-ASCII letters fold to ASCII ones under (?i) (the Kelvin sign to
// k, the long s to s): a text with either is taken to contain anything.
func containsFold(s, sub string) bool {
	if len(sub) == 0 || strings.Contains(s, "\u212a") || strings.Contains(s, "\u017f") {
		return true
	}
	first := sub[0]
	for i := 0; i+len(sub) <= len(s); i++ {
		if c := s[i] | 0x20; c != first {
			continue
		}
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}

// LooksLikeKey reports whether the text holds a token shaped like a known
// platform's API key.
func LooksLikeKey(s string) bool {
	p := patterns()
	return mayMatch(s, p.keyLits, false) && p.keyLike.MatchString(s)
}

// Redact masks every registered secret and anything that looks like a key.
func (r *Redactor) Redact(s string) string {
	if r != nil {
		r.mu.RLock()
		for _, v := range r.list {
			if strings.Contains(s, v) {
				s = strings.ReplaceAll(s, v, r.secrets[v])
			}
		}
		r.mu.RUnlock()
	}
	p := patterns()
	if mayMatch(s, p.keyLits, false) {
		s = p.keyLike.ReplaceAllStringFunc(s, func(m string) string { return "[redacted " + Fingerprint(m) + "]" })
	}
	if !mayMatch(s, p.bearerLits, true) {
		return s
	}
	s = p.bearerLike.ReplaceAllStringFunc(s, func(m string) string {
		sub := p.bearerLike.FindStringSubmatch(m)
		if strings.HasPrefix(sub[2], "[redacted") || strings.HasPrefix(sub[2], "redacted") {
			return m
		}
		return sub[1] + "[redacted " + Fingerprint(sub[2]) + "]"
	})
	return s
}

// IsCredentialHeader reports whether a header's value must be treated like
// the key: names with auth, key, token or secret in them.
func IsCredentialHeader(name string) bool {
	n := strings.ToLower(name)
	for _, w := range []string{"auth", "key", "token", "secret", "cookie"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// SecretName reports whether a variable's (or a URL query parameter's)
// name says it holds a credential: a word such as KEY, TOKEN, SECRET or
// PASSWORD between separators (OPENAI_API_KEY, api-key, HF_TOKEN, MYSQL_PWD),
// never a word that merely contains one (KEYBOARD, MONKEY, TOKENIZERS_…,
// AUTHOR). The shell's PWD and OLDPWD are the working folder, and a name that
// ends in a word such as FILE, PATH, DIR or URL (PASSWD_FILE, SSL_KEY_PATH,
// AUTH_URL, AWS_ACCESS_KEY_ID) names where a secret is, not the secret.
func SecretName(name string) bool {
	words := strings.FieldsFunc(strings.ToUpper(name), func(r rune) bool { return r == '_' || r == '-' || r == '.' })
	if len(words) == 0 {
		return false
	}
	if len(words) == 1 && (words[0] == "PWD" || words[0] == "OLDPWD") {
		return false
	}
	if notSecretTail[words[len(words)-1]] {
		return false
	}
	for _, w := range words {
		w = strings.TrimRight(w, "0123456789") // KEY2, TOKEN_1
		switch w {
		case "KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "PASS", "PWD", "PASSPHRASE", "CREDENTIAL", "CREDENTIALS", "AUTH", "SIG", "SIGNATURE", "COOKIE", "BEARER":
			return true
		}
		if strings.HasSuffix(w, "APIKEY") || strings.HasSuffix(w, "TOKEN") || strings.HasSuffix(w, "SECRET") || strings.HasSuffix(w, "PASSWORD") {
			return true
		}
	}
	return false
}

// notSecretTail are last words that make a name say where or what kind a
// secret is rather than hold it.
var notSecretTail = map[string]bool{
	"FILE": true, "PATH": true, "DIR": true, "FOLDER": true, "URL": true, "URI": true, "HOST": true, "PORT": true,
	"ID": true, "NAME": true, "TYPE": true, "MODE": true, "ENV": true, "VAR": true, "HEADER": true, "PREFIX": true,
	"HELPER": true, "COMMAND": true, "CMD": true, "SOCK": true, "SOCKET": true, "LENGTH": true, "SIZE": true,
	"VERSION": true, "TTL": true, "EXPIRY": true, "EXPIRES": true, "TIMEOUT": true, "ENABLED": true, "DISABLED": true,
	"FORMAT": true, "PARALLELISM": true, "LOCATION": true,
}

// SecretVar reports whether an environment or .env variable holds a secret
// to mask: its name says so (SecretName) and its value is not one that no
// credential takes: a boolean, a number, or the path of a file or folder
// that exists (GOOGLE_APPLICATION_CREDENTIALS=/home/me/creds.json).
func SecretVar(name, value string) bool {
	if !SecretName(name) {
		return false
	}
	v := strings.TrimSpace(value)
	switch strings.ToLower(v) {
	case "", "true", "false", "yes", "no", "on", "off", "none", "null":
		return false
	}
	if strings.Trim(v, "0123456789") == "" {
		return false
	}
	return !existingPath(v)
}

// existingPath reports whether v is an absolute or home-relative path to
// something on this machine. A random token that starts with "/" names no
// file, so it stays a secret.
func existingPath(v string) bool {
	if !strings.HasPrefix(v, "/") && !strings.HasPrefix(v, "~/") && !(len(v) > 2 && v[1] == ':' && (v[2] == '\\' || v[2] == '/')) {
		return false
	}
	if rest, ok := strings.CutPrefix(v, "~/"); ok {
		home, err := os.UserHomeDir()
		if err != nil {
			return false
		}
		v = filepath.Join(home, rest)
	}
	_, err := os.Lstat(v)
	return err == nil
}
