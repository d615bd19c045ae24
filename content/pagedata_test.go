package content

import (
	"strings"
	"testing"
	"time"

	"github.com/unstuck-dev/unstuck/checks"
)

func TestPageDataHostPortAndRetry(t *testing.T) {
	for _, c := range []struct {
		base, endpoint, host, port string
	}{
		{"https://api.openai.com/v1", "", "api.openai.com", "443"},
		{"http://127.0.0.1:8000/v1", "", "127.0.0.1", "8000"},
		{"http://[::1]:11434", "", "::1", "11434"},
		{"", "https://gw.example.test/v1/chat/completions", "gw.example.test", "443"},
		{"not a url", "", "", ""},
		{"https://a$(rm -rf ~).test/v1", "", "", ""}, // never into a shell command
	} {
		d := NewPageData(checks.Evidence{BaseURL: c.base, Endpoint: c.endpoint}, nil, "")
		if d.Host != c.host || d.Port != c.port {
			t.Errorf("%q %q: host %q port %q, want %q %q", c.base, c.endpoint, d.Host, d.Port, c.host, c.port)
		}
	}
	for human, want := range map[string]int{"37 s": 37, "644 ms": 1, "2 min 59 s": 179, "6 min": 360, "1 h 5 min": 3900, "": 0, "0 s": 0, "soon": 0} {
		d := NewPageData(checks.Evidence{RateLimit: &checks.RateLimit{RetryAfter: human}}, nil, "")
		if d.RetryAfterSeconds != want {
			t.Errorf("retry after %q: %d s, want %d", human, d.RetryAfterSeconds, want)
		}
	}
}

// The pages show the values the checks found, not the examples they
// carry for a page without evidence.
func TestPagesShowTheValuesFound(t *testing.T) {
	page := func(id string, d PageData) string {
		t.Helper()
		md, err := Guidance(id, d)
		if err != nil {
			t.Fatal(err)
		}
		return md
	}
	rl := NewPageData(checks.Evidence{Status: 429, BaseURL: "https://api.openai.com/v1",
		RateLimit: &checks.RateLimit{RetryAfter: "20 s", Reset: "in 6 min (at 14:02:11)"}}, nil, "")
	if md := page("rate-limited", rl); !strings.Contains(md, "sleep 20 ") || !strings.Contains(md, "retry after\n   20 s") || strings.Contains(md, "1700000000") {
		t.Errorf("rate-limited does not show the Retry-After seen:\n%s", md)
	}
	if md := page("rate-limited", PageData{}); !strings.Contains(md, "1700000000") {
		t.Errorf("rate-limited without evidence lost its example:\n%s", md)
	}
	dns := NewPageData(checks.Evidence{BaseURL: "https://api.typo-gateway.test/v1"}, nil, "")
	if md := page("dns-failure", dns); !strings.Contains(md, "host api.typo-gateway.test\n") || strings.Contains(md, "api.openai.com") {
		t.Errorf("dns-failure does not ask DNS about the host:\n%s", md)
	}
	if md := page("tls-failure", NewPageData(checks.Evidence{BaseURL: "https://gw.test:8443/v1"}, nil, "")); !strings.Contains(md, "-connect gw.test:8443") {
		t.Errorf("tls-failure does not connect to the host and port:\n%s", md)
	}
	if md := page("connection-refused", NewPageData(checks.Evidence{BaseURL: "http://127.0.0.1:4000/v1"}, nil, "")); !strings.Contains(md, `curl -sS -m 5 "http://127.0.0.1:4000/v1/models"`) || !strings.Contains(md, "grep ':4000") {
		t.Errorf("connection-refused does not test the port found:\n%s", md)
	}
}

// The onboarding path ends, when all is well, on a page that says so, with
// the figure from the request and the checklist of what was verified; with
// the request skipped, it says the model was not tried.
func TestHealthyPageSaysYouAreSet(t *testing.T) {
	results := []checks.Result{
		{ID: "key-present", Title: "API key is set", Status: checks.Pass, Summary: "OPENAI_API_KEY is set"},
		{ID: "env-file", Title: "The .env file", Status: checks.Skip, Summary: "no .env file"},
		{ID: "models", Title: "The models list answers with your key", Status: checks.Pass, Summary: "200, 5 models", Duration: 90 * time.Millisecond},
		{ID: "request", Title: "A minimal request gets an answer", Status: checks.Pass, Summary: "the API answered 200", Duration: 320 * time.Millisecond,
			Evidence: checks.Evidence{TotalMs: 310}},
	}
	d := NewPageData(checks.Evidence{Model: "gpt-4o-mini"}, nil, "").WithChecks(results)
	md, err := Guidance("healthy", d)
	if err != nil {
		t.Fatal(err)
	}
	intro := strings.SplitN(md, "\n## ", 2)[0]
	if !strings.Contains(intro, "You are set: key, base URL and model answered in 310 ms") {
		t.Errorf("the healthy page does not open on the verdict:\n%s", md)
	}
	if strings.Contains(intro, "fail") {
		t.Errorf("the healthy page opens on a failure:\n%s", intro)
	}
	for _, want := range []string{"## What we checked", "- ✓ API key is set\n", "- ✓ A minimal request gets an answer"} {
		if !strings.Contains(md, want) {
			t.Errorf("the checklist lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "The .env file") {
		t.Errorf("a skipped check is listed as verified:\n%s", md)
	}
	results[3].Status, results[3].Summary = checks.Skip, "not sent: --no-request (nothing billable is sent)"
	md, _ = Guidance("healthy", d.WithChecks(results))
	intro = strings.SplitN(md, "\n## ", 2)[0]
	if strings.Contains(intro, "You are set") || !strings.Contains(intro, "The model itself was not tried") || !strings.Contains(intro, "answered in 90 ms") {
		t.Errorf("with the request skipped the page claims what was not seen:\n%s", intro)
	}
}
