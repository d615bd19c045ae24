package classify

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/unstuck-dev/unstuck/checks"
)

// What response headers tell about a failure: the request IDs support will
// ask for, the rate-limit state, and which provider behind a router served
// (or failed) the request.

// requestIDHeaders are the headers that carry a request ID, in the order
// we prefer to quote one: the ID of whoever answered (the gateway or relay)
// comes before the upstream's, and the CDN's ray ID comes last.
var requestIDHeaders = []string{
	"X-LK-Request-ID",
	"X-Inferoute-Request-Id",
	"X-Oneapi-Request-Id",
	"x-request-id",
	"request-id",
	"x-generation-id",
	"apim-request-id",
	"x-amzn-RequestId",
	"x-litellm-call-id",
	"cf-ray",
}

// RequestIDs lists every request ID found in the headers and the body, as
// "name: value" (body IDs are named "body request_id" and "message request
// id"), most useful first, without repeating a value.
func RequestIDs(h http.Header, body []byte) []string {
	return requestIDs(h, parseBody(body, h.Get("Content-Type")))
}

func requestIDs(h http.Header, b *parsedBody) []string {
	var out []string
	seen := map[string]bool{}
	add := func(name, v string) {
		v = headerValue(v, 128)
		if v == "" || seen[v] {
			return
		}
		seen[v] = true
		out = append(out, name+": "+v)
	}
	body := func() {
		if b == nil {
			return
		}
		add("message request id", b.msgRequestID)
		add("body request_id", b.requestID)
		if b.raw != nil {
			add("upstream request_id", b.raw.requestID)
			add("upstream message request id", b.raw.msgRequestID)
		}
	}
	for _, name := range requestIDHeaders {
		if name == "x-generation-id" {
			// IDs in the body come after the API's own request-id headers
			// (Anthropic sends the same ID in both: the header's name is
			// the one support knows).
			body()
		}
		for _, v := range h.Values(name) {
			add(name, v)
		}
	}
	return out
}

// headerValue makes a header value safe to show: printable, one line,
// capped, and with anything key-like masked.
func headerValue(v string, max int) string {
	return collapse((*checks.Redactor)(nil).Redact(strings.TrimSpace(v)), max)
}

// providerHeaders name the provider that served a request behind a router.
var providerHeaders = []string{
	"X-Inferoute-Provider",
	"X-LK-Provider",
	"X-Provider",
	"X-Served-By-Provider",
	"X-Portkey-Provider",
	"X-Upstream-Provider",
}

// ServedBy is the provider that served (or failed) the request behind a
// router: X-Inferoute-Provider and its kin, OpenRouter's
// metadata.provider_name or top-level "provider", or LiteLLM's upstream API
// base. CDN and cache node names (Fastly's x-served-by) are not providers.
func ServedBy(h http.Header, body []byte) string {
	return servedBy(h, parseBody(body, h.Get("Content-Type")))
}

func servedBy(h http.Header, b *parsedBody) string {
	for _, name := range providerHeaders {
		if v := headerValue(h.Get(name), 80); v != "" {
			return v
		}
	}
	if b != nil {
		if b.provider != "" {
			return headerValue(b.provider, 80)
		}
		if b.raw != nil && b.raw.provider != "" {
			return headerValue(b.raw.provider, 80)
		}
	}
	if v := h.Get("x-litellm-model-api-base"); v != "" {
		if u, err := url.Parse(strings.TrimSpace(v)); err == nil && u.Host != "" {
			return headerValue(u.Host, 80)
		}
	}
	if v := strings.TrimSpace(h.Get("X-Served-By")); v != "" && !looksLikeCDNNode(v) {
		return headerValue(v, 80)
	}
	return ""
}

// looksLikeCDNNode recognises cache node names such as Fastly's
// "cache-fra-etou8220112-FRA, cache-ams21047-AMS".
func looksLikeCDNNode(v string) bool {
	l := strings.ToLower(v)
	if strings.HasPrefix(l, "cache-") || strings.Contains(l, ",") || strings.Contains(l, "fastly") ||
		strings.Contains(l, "varnish") || strings.Contains(l, "cloudfront") || strings.Contains(l, "akamai") {
		return true
	}
	digits := 0
	for _, r := range l {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	return digits >= 4
}

// ParseRateLimit reads the rate-limit state from any of the header families
// providers use, relative to now. It returns nil when there is none.
//
//   - OpenAI and Groq: x-ratelimit-{limit,remaining,reset}-{requests,tokens},
//     resets as Go-style durations ("6m0s", "644ms", "2m59.56s");
//   - AgentRouter, OpenRouter and most gateways: X-RateLimit-Limit,
//     X-RateLimit-Remaining, X-RateLimit-Reset (epoch seconds, or epoch
//     milliseconds, or seconds from now);
//   - Anthropic: anthropic-ratelimit-{requests,tokens,input-tokens,
//     output-tokens}-{limit,remaining,reset}, resets as RFC 3339;
//   - retry-after (seconds or an HTTP date) and retry-after-ms.
func ParseRateLimit(h http.Header, now time.Time) *checks.RateLimit {
	var (
		limits, remains []string
		resetAt         time.Time // the reset that matters (see below)
		anyReset        bool
		found           bool
	)
	// dims holds one dimension (requests, tokens, …) of one family.
	type dim struct {
		label               string
		limit, remain, rest string // header values
		reset               func(string) (time.Time, bool)
	}
	durationReset := func(v string) (time.Time, bool) {
		d, ok := parseDuration(v)
		return now.Add(d), ok
	}
	rfc3339Reset := func(v string) (time.Time, bool) {
		t, err := time.Parse(time.RFC3339, strings.TrimSpace(v))
		if err != nil {
			return durationReset(v)
		}
		return t, true
	}
	epochReset := func(v string) (time.Time, bool) { return parseEpochOrDelta(v, now) }

	var dims []dim
	for _, kind := range []string{"requests", "tokens"} {
		dims = append(dims, dim{kind, h.Get("x-ratelimit-limit-" + kind), h.Get("x-ratelimit-remaining-" + kind), h.Get("x-ratelimit-reset-" + kind), durationReset})
	}
	for _, kind := range []string{"requests", "tokens", "input-tokens", "output-tokens"} {
		p := "anthropic-ratelimit-" + kind + "-"
		dims = append(dims, dim{strings.ReplaceAll(kind, "-", " "), h.Get(p + "limit"), h.Get(p + "remaining"), h.Get(p + "reset"), rfc3339Reset})
	}
	dims = append(dims, dim{"", h.Get("X-RateLimit-Limit"), h.Get("X-RateLimit-Remaining"), h.Get("X-RateLimit-Reset"), epochReset})

	// The reset that matters is the latest among the exhausted dimensions
	// (all of them must refill before a request passes), or, when none is
	// exhausted, the latest of all.
	var exhaustedAt, latestAt time.Time
	exhausted := false
	for _, d := range dims {
		lim, rem, rst := headerValue(d.limit, 40), headerValue(d.remain, 40), strings.TrimSpace(d.rest)
		if lim == "" && rem == "" && rst == "" {
			continue
		}
		found = true
		unit := ""
		if d.label != "" {
			unit = " " + d.label
		}
		if lim != "" {
			limits = append(limits, lim+unit)
		}
		if rem != "" {
			remains = append(remains, rem+unit)
		}
		if rst == "" {
			continue
		}
		t, ok := d.reset(rst)
		if !ok {
			continue
		}
		anyReset = true
		if t.After(latestAt) {
			latestAt = t
		}
		if n, err := strconv.ParseFloat(rem, 64); err == nil && n <= 0 {
			exhausted = true
			if t.After(exhaustedAt) {
				exhaustedAt = t
			}
		}
	}
	resetAt = latestAt
	if exhausted {
		resetAt = exhaustedAt
	}

	var retry time.Duration
	hasRetry := false
	if v := strings.TrimSpace(h.Get("retry-after-ms")); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms >= 0 && ms < 1e12 {
			retry, hasRetry = time.Duration(ms*float64(time.Millisecond)), true
		}
	}
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" && !hasRetry {
		if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 && s < 1e9 {
			retry, hasRetry = time.Duration(s*float64(time.Second)), true
		} else if t, err := http.ParseTime(v); err == nil {
			retry, hasRetry = t.Sub(now), true
			if retry < 0 {
				retry = 0
			}
		}
	}
	if !found && !hasRetry {
		return nil
	}
	rl := &checks.RateLimit{Limit: strings.Join(limits, ", "), Remaining: strings.Join(remains, ", ")}
	if hasRetry {
		rl.RetryAfter = humanDuration(retry)
		if !anyReset {
			resetAt, anyReset = now.Add(retry), true
		}
	}
	if anyReset {
		rl.Reset = humanReset(resetAt, now)
	}
	return rl
}

// parseDuration reads "6m0s", "644ms", "2m59.56s", "1h" or bare seconds.
func parseDuration(v string) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if d, err := time.ParseDuration(v); err == nil && d >= 0 {
		return d, true
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 && s < 1e9 {
		return time.Duration(s * float64(time.Second)), true
	}
	return 0, false
}

// parseEpochOrDelta reads X-RateLimit-Reset: epoch seconds (AgentRouter),
// epoch milliseconds (OpenRouter), seconds from now (GitHub-style gateways),
// or an RFC 3339 time.
func parseEpochOrDelta(v string, now time.Time) (time.Time, bool) {
	v = strings.TrimSpace(v)
	n, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(n) || math.IsInf(n, 0) || n < 0 {
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			return t, true
		}
		if d, err := time.ParseDuration(v); err == nil && d >= 0 {
			return now.Add(d), true
		}
		return time.Time{}, false
	}
	switch {
	case n >= 1e15: // microseconds or garbage
		return time.Time{}, false
	case n >= 1e12:
		return time.UnixMilli(int64(n)), true
	case n >= 1e9:
		sec, frac := math.Modf(n)
		return time.Unix(int64(sec), int64(frac*1e9)), true
	default:
		return now.Add(time.Duration(n * float64(time.Second))), true
	}
}

// humanReset renders a reset time the way a person reads it:
// "in 37 s (at 14:02:11)".
func humanReset(t, now time.Time) string {
	t = t.In(now.Location())
	at := t.Format("15:04:05")
	if t.Sub(now) >= 24*time.Hour || t.Sub(now) <= -24*time.Hour {
		at = t.Format("2006-01-02 15:04:05")
	}
	d := t.Sub(now)
	if d <= 0 {
		return "now (at " + at + ")"
	}
	return "in " + humanDuration(d) + " (at " + at + ")"
}

// humanDuration renders "644 ms", "37 s", "6 min", "2 min 59 s", "1 h 5 min".
func humanDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "0 s"
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d.Round(time.Second)/time.Second))
	case d < time.Hour:
		d = d.Round(time.Second)
		m, s := int(d/time.Minute), int(d%time.Minute/time.Second)
		if s == 0 {
			return fmt.Sprintf("%d min", m)
		}
		return fmt.Sprintf("%d min %d s", m, s)
	default:
		d = d.Round(time.Minute)
		h, m := int64(d/time.Hour), int64(d%time.Hour/time.Minute)
		if m == 0 {
			return fmt.Sprintf("%d h", h)
		}
		return fmt.Sprintf("%d h %d min", h, m)
	}
}
