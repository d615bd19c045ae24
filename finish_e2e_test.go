package main

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// A stranger's run, headless, as a person reads it: the checks by layer,
// the page that says they are set (with the request's own time), and the
// verdict as the last line on screen.
func TestE2EDiagnoseHumanOutputHealthy(t *testing.T) {
	t.Parallel()
	srv := e2eServe(t, e2eOpenAIServer())
	base := e2eURL(srv, "/v1")
	args := []string{"--base-url", base, "--model", "gpt-4o", "--timeout", "5s"}
	out := e2eRun(t, e2eCmd{args: append([]string{"diagnose"}, args...), env: e2eOpenAIEnv(e2eOpenAIKey)})
	if out.code != 0 {
		t.Fatalf("exit %d\n%s%s", out.code, out.stdout, out.stderr)
	}
	e2eNoLeak(t, []string{out.stdout, out.stderr}, e2eOpenAIKey)
	lines := nonEmptyLines(out.stdout)
	last := lines[len(lines)-1]
	if !regexp.MustCompile(`^✓ healthy — Your key, URL and model work \(\d+ checks passed, \d+ skipped\)$`).MatchString(last) {
		t.Errorf("the output does not end on the verdict: %q", last)
	}
	if lines[0] != "Checks, by layer" || !strings.Contains(out.stdout, "\n✓ config\n") || !strings.Contains(out.stdout, "\n✓ network\n") {
		t.Errorf("the checks are not grouped by layer:\n%s", out.stdout)
	}
	m := regexp.MustCompile(`You are set: key, base URL and model answered in (\d+) ms`).FindStringSubmatch(out.stdout)
	if m == nil {
		t.Fatalf("the healthy page does not say so:\n%s", out.stdout)
	}
	// The figure is the request's, as --json reports it.
	res, _ := e2eDiagnose(t, e2eCmd{args: args, env: e2eOpenAIEnv(e2eOpenAIKey)})
	if !strings.Contains(res.Guidance, "## What we checked") || !strings.Contains(res.Guidance, "- ✓ A minimal request gets an answer") {
		t.Errorf("the healthy page has no checklist:\n%s", res.Guidance)
	}
	if n, _ := strconv.Atoi(m[1]); n <= 0 {
		t.Errorf("answered in %d ms", n)
	}
}

// --no-request: the healthy page does not say the model answered.
func TestE2EDiagnoseHealthyNoRequestPage(t *testing.T) {
	t.Parallel()
	srv := e2eServe(t, e2eOpenAIServer())
	res, _ := e2eDiagnose(t, e2eCmd{
		args: []string{"--base-url", e2eURL(srv, "/v1"), "--model", "gpt-4o", "--no-request", "--timeout", "5s"},
		env:  e2eOpenAIEnv(e2eOpenAIKey),
	})
	e2eWant(t, res, "healthy")
	if strings.Contains(res.Guidance, "You are set") || !strings.Contains(res.Guidance, "The model itself was not tried") {
		t.Errorf("--no-request: the page claims the request answered:\n%s", res.Guidance)
	}
}

// The guidance carries what the checks found: the Retry-After of the
// answer, the host that did not resolve.
func TestE2EGuidanceIsFilledIn(t *testing.T) {
	t.Parallel()
	t.Run("rate-limited", func(t *testing.T) {
		t.Parallel()
		api := e2eOpenAIServer()
		api.complete = func(w http.ResponseWriter, r *http.Request, req e2eCompletion) {
			w.Header().Set("retry-after", "23")
			w.Header().Set("x-ratelimit-limit-requests", "500")
			w.Header().Set("x-ratelimit-remaining-requests", "0")
			e2eBody(429, "application/json", "openai_429_rate_limit.json")(w, r, req)
		}
		srv := e2eServe(t, api)
		res, _ := e2eDiagnose(t, e2eCmd{
			args: []string{"--base-url", e2eURL(srv, "/v1"), "--model", "gpt-4o", "--timeout", "5s"},
			env:  e2eOpenAIEnv(e2eOpenAIKey),
		})
		e2eWant(t, res, "rate-limited")
		if !strings.Contains(res.Guidance, "sleep 23 ") || strings.Contains(res.Guidance, "1700000000") {
			t.Errorf("the page does not wait as the answer asked:\n%s", res.Guidance)
		}
	})
	t.Run("dns-failure", func(t *testing.T) {
		t.Parallel()
		res, _ := e2eDiagnose(t, e2eCmd{
			args: []string{"--provider", "openai-compatible", "--base-url", "https://api.unstuck-e2e-nxdomain.onion/v1", "--model", "gpt-4o", "--timeout", "2s"},
			env:  e2eOpenAIEnv(e2eOpenAIKey),
		})
		e2eWant(t, res, "dns-failure")
		if !strings.Contains(res.Guidance, "host api.unstuck-e2e-nxdomain.onion\n") || strings.Contains(res.Guidance, "api.openai.com") {
			t.Errorf("the page does not name the host:\n%s", res.Guidance)
		}
	})
}
