package content

import (
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/unstuck-dev/unstuck/checks"
)

// PageData is what a guidance page's placeholders can use. Every field may be
// empty: pages read well without evidence (explain with a bare status code).
type PageData struct {
	Provider, ProviderTitle, Protocol string
	BaseURL, Endpoint                 string
	Model, SuggestedModel             string
	Models                            []string
	Key, KeyEnv, KeySource            string // Key is a fingerprint, never the key
	// Auth is the header the client sends its key in: bearer
	// (Authorization: Bearer), x-api-key, api-key or x-goog-api-key; ""
	// when no setup is known (a paste). Pages' curl lines use it, so they
	// send the key the way the client does.
	Auth                              string
	Status                            int
	ErrorType, ErrorCode              string
	ErrorMessage, RequestID, ServedBy string
	RateLimit                         *checks.RateLimit
	TTFBMs, TotalMs                   int64
	Proxy, EnvFile                    string
	Console, StatusPage               string
	// DefaultBaseURL is the provider's own base URL, for a page's commands
	// when the setup's is unknown (a paste names a provider, not where it
	// was sent): never shown as where a request went.
	DefaultBaseURL string
	FailedLayer    string
	Summary        string // the finding that proved the cause
	// Unconfirmed: the verdict rests on evidence not gathered (the request
	// was not sent): a page must not claim it was.
	Unconfirmed bool

	// Host and Port are the server's, from the base URL (else the
	// endpoint): "api.openai.com" and "443" (the scheme's port when the URL
	// names none). Pages put them in commands instead of an example host.
	Host, Port string
	// RetryAfterSeconds is the server's Retry-After in whole seconds
	// (rounded up; 0 when it sent none), for a `sleep` the reader can copy.
	RetryAfterSeconds int
	// Checks are the checks that ran, in display order (none for a paste
	// or a page shown without evidence). WithChecks fills them.
	Checks []PageCheck
}

// PageCheck is one check that ran, as a page may show it: in a checklist,
// or to say what was (and was not) tried.
type PageCheck struct {
	ID, Title, Summary string
	Status             string // pass, warn, fail or skip
	Mark               string // ✓ ! ✗ –
	Ms                 int64  // the answer's time when the check timed one, else the check's
}

// Answered is true when the check passed or passed with a warning: for the
// request, an answer came back.
func (c PageCheck) Answered() bool {
	return c.Status == string(checks.Pass) || c.Status == string(checks.Warn)
}

// Check is the check with that ID, or the zero PageCheck when it did not
// run: `{{if (.Check "request").Answered}}`.
func (d PageData) Check(id string) PageCheck {
	for _, c := range d.Checks {
		if c.ID == id {
			return c
		}
	}
	return PageCheck{}
}

// NewPageData fills a page's placeholders from the evidence, the resolved
// setup (may be nil) and the one-line finding that proved the cause.
func NewPageData(ev checks.Evidence, s *checks.Setup, summary string) PageData {
	d := PageData{
		Provider: ev.Provider, Protocol: ev.Protocol,
		BaseURL: ev.BaseURL, Endpoint: ev.Endpoint,
		Model: ev.Model, SuggestedModel: ev.SuggestedModel, Models: ev.Models,
		Key: ev.Key, KeySource: ev.KeySource,
		Status: ev.Status, ErrorType: ev.ErrorType, ErrorCode: ev.ErrorCode,
		ErrorMessage: ev.ErrorMessage, RequestID: ev.RequestID, ServedBy: ev.ServedBy,
		RateLimit: ev.RateLimit, TTFBMs: ev.TTFBMs, TotalMs: ev.TotalMs,
		Proxy: ev.Proxy, FailedLayer: ev.FailedLayer, Summary: summary,
	}
	if s != nil {
		d.KeyEnv = s.KeyEnv
		d.EnvFile = s.EnvFilePath
		d.ProviderTitle = s.Profile.Title
		d.Console = s.Profile.Console
		d.StatusPage = s.Profile.StatusPage
		d.Auth = authOf(s)
		if d.Provider == "" {
			d.Provider = s.Profile.Name
		}
		if d.Protocol == "" {
			d.Protocol = s.Protocol
		}
	}
	d.Key, d.KeySource = keyFrom(d.Key, d.KeySource)
	for _, raw := range []string{d.BaseURL, d.Endpoint} {
		if h, p := hostPort(raw); h != "" {
			d.Host, d.Port = h, p
			break
		}
	}
	if ev.RateLimit != nil {
		d.RetryAfterSeconds = seconds(ev.RateLimit.RetryAfter)
	}
	return d
}

// For reports whether the page is shown to a user of one of these
// providers (profile names). A page writes a provider's own lines inside
// {{if .For "name"}} … {{end}}, so that they show only to that provider's
// users, never to everyone (and not when the provider is unknown: a paste
// read by explain).
func (d PageData) For(names ...string) bool {
	for _, n := range names {
		if n != "" && d.Provider == n {
			return true
		}
	}
	return false
}

// ForProfile writes the page for this provider's users: its own lines
// ({{if .For …}}), its title, console and status page, and commands shaped
// for it (its protocol, the header it reads, its key variable, its base
// URL as DefaultBaseURL), and nothing else of a setup (explain: the
// provider a paste names, whose key variable and base URL on this machine
// are unknown). A key variable or header of the setup's that this provider
// also reads is kept.
func (d PageData) ForProfile(p checks.Profile) PageData {
	d.Provider, d.ProviderTitle = p.Name, p.Title
	d.Console, d.StatusPage = p.Console, p.StatusPage
	if p.Protocol != "" {
		d.Protocol = p.Protocol
	}
	d.DefaultBaseURL = strings.TrimRight(p.DefaultBaseURL, "/")
	if d.KeyEnv == "" || !slices.Contains(p.KeyEnvs, d.KeyEnv) {
		d.KeyEnv = ""
		if len(p.KeyEnvs) > 0 {
			d.KeyEnv = p.KeyEnvs[0]
		}
	}
	if d.Auth == "" || !slices.Contains(p.AuthHeaders, d.Auth) {
		d.Auth = ""
		if len(p.AuthHeaders) > 0 {
			d.Auth = p.AuthHeaders[0]
		}
	}
	return d
}

// WithChecks adds the checks that ran, for the pages that list what was
// verified (healthy) or say what was not tried.
func (d PageData) WithChecks(results []checks.Result) PageData {
	d.Checks = nil
	for _, r := range results {
		ms := r.Evidence.TotalMs
		if ms <= 0 {
			ms = r.Duration.Milliseconds()
		}
		d.Checks = append(d.Checks, PageCheck{
			ID: r.ID, Title: oneLine(r.Title), Summary: oneLine(r.Summary),
			Status: string(r.Status), Mark: mark(r.Status), Ms: ms,
		})
	}
	return d
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// mark is report.Mark, which this package cannot import (report sits on
// the same floor).
func mark(s checks.Status) string {
	switch s {
	case checks.Pass:
		return "✓"
	case checks.Warn:
		return "!"
	case checks.Fail:
		return "✗"
	default:
		return "–"
	}
}

// keyFrom says where the key came from once: the checks' fingerprint
// names the variable ("sk-p…ABCD (51 chars, #3f9c, from OPENAI_API_KEY)")
// and the source names the place ("environment"), so a page that wrote
// both read "…, from OPENAI_API_KEY) from environment". The variable
// moves next to the place: "OPENAI_API_KEY in the environment".
func keyFrom(key, source string) (string, string) {
	i := strings.LastIndex(key, ", from ")
	if i < 0 || !strings.HasSuffix(key, ")") {
		return key, source
	}
	name := key[i+len(", from ") : len(key)-1]
	key = key[:i] + ")"
	switch source {
	case "", name:
		return key, name
	case "environment":
		return key, name + " in the environment"
	}
	return key, name + " in " + source
}

// hostPort is a URL's host (without brackets) and port, the scheme's when
// none is written; "" for what does not parse as an absolute URL.
func hostPort(raw string) (string, string) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || !safeHost().MatchString(u.Hostname()) {
		return "", ""
	}
	port := u.Port()
	if port == "" {
		switch strings.ToLower(u.Scheme) {
		case "https", "wss":
			port = "443"
		case "http", "ws":
			port = "80"
		}
	}
	if _, err := strconv.Atoi(port); port != "" && err != nil {
		port = ""
	}
	return u.Hostname(), port
}

// safeHost is a host a page may put in a shell command as it is.
var safeHost = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[A-Za-z0-9._:%-]{1,253}$`)
})

// humanPart is one term of checks' human durations ("2 min 59 s", "644 ms").
var humanPart = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(\d+(?:\.\d+)?)\s*(ms|s|min|h)\b`)
})

// seconds reads a human duration back into whole seconds, rounded up: 0
// when it names none.
func seconds(human string) int {
	var ms float64
	for _, m := range humanPart().FindAllStringSubmatch(human, 8) {
		n, err := strconv.ParseFloat(m[1], 64)
		if err != nil {
			continue
		}
		switch m[2] {
		case "ms":
			ms += n
		case "s":
			ms += n * 1e3
		case "min":
			ms += n * 60e3
		case "h":
			ms += n * 3600e3
		}
	}
	if ms <= 0 || ms > 1e10 {
		return 0
	}
	return int((ms + 999) / 1000)
}

// authOf is the header the setup's client sends its key in: the client's
// own (Shape.Auth), else the protocol's: a token variable goes as Bearer
// on the Anthropic API, as every Anthropic client sends it.
func authOf(s *checks.Setup) string {
	if a := strings.ToLower(strings.TrimSpace(s.Shape.Auth)); a != "" {
		return a
	}
	switch s.Protocol {
	case checks.ProtocolAnthropic:
		if s.KeyEnv == "ANTHROPIC_AUTH_TOKEN" {
			return "bearer"
		}
		return "x-api-key"
	case checks.ProtocolGemini:
		return "x-goog-api-key"
	}
	return "bearer"
}
