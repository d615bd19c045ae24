package main

// Honest verdicts (issue 13): a verdict that rests on evidence not gathered
// says so, in the JSON (confirmed: false, alternatives) and at the top of
// the page; and the evidence names the call the finding is about.

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// e2eHonest is the part of the --json object this file reads: whether the
// verdict is confirmed and its alternatives, present only when unconfirmed.
type e2eHonest struct {
	Confirmed    *bool    `json:"confirmed"`
	Alternatives []string `json:"alternatives"`
}

func e2eHonestOf(t *testing.T, out e2eOut) e2eHonest {
	t.Helper()
	var h e2eHonest
	if err := json.Unmarshal([]byte(out.stdout), &h); err != nil {
		t.Fatal(err)
	}
	return h
}

// --no-request against a server whose models list works: healthy, but the
// completion was never tried, so not confirmed; the exit stays 0 (scripts
// that need proof read confirmed) and the page leads with what would
// confirm it.
func TestE2EHealthyNoRequestIsUnconfirmed(t *testing.T) {
	t.Parallel()
	api := e2eOpenAIServer()
	srv := e2eServe(t, api)
	res, out := e2eDiagnose(t, e2eCmd{
		args: []string{"--base-url", e2eURL(srv, "/v1"), "--model", "gpt-4o", "--no-request", "--timeout", "5s"},
		env:  e2eOpenAIEnv(e2eOpenAIKey),
	})
	e2eWant(t, res, "healthy")
	if out.code != 0 {
		t.Errorf("exit %d, want 0 for an unconfirmed healthy verdict", out.code)
	}
	h := e2eHonestOf(t, out)
	if h.Confirmed == nil || *h.Confirmed {
		t.Fatalf("confirmed = %v, want false: the completion was never tried", h.Confirmed)
	}
	if len(h.Alternatives) == 0 {
		t.Errorf("no alternatives for an unconfirmed verdict")
	}
	for _, a := range h.Alternatives {
		if !e2eIsCause(a) || a == "healthy" {
			t.Errorf("alternative %q is not another cause of the catalogue", a)
		}
	}
	// The page leads with it: before the page's first section.
	lead, _, _ := strings.Cut(res.Guidance, "\n## ")
	for _, want := range []string{"Not confirmed", "unstuck diagnose", "--no-request"} {
		if !strings.Contains(lead, want) {
			t.Errorf("the page does not lead with %q:\n%.800s", want, res.Guidance)
		}
	}

	// The human output too.
	plain := e2eRun(t, e2eCmd{
		args: []string{"diagnose", "--base-url", e2eURL(srv, "/v1"), "--model", "gpt-4o", "--no-request", "--timeout", "5s"},
		env:  e2eOpenAIEnv(e2eOpenAIKey),
	})
	if !strings.Contains(plain.stdout, "Not confirmed") || plain.code != 0 {
		t.Errorf("human output (exit %d) does not say the verdict is unconfirmed:\n%.1500s", plain.code, plain.stdout)
	}
}

// A verdict the request proved is confirmed: the JSON leaves the fields out.
func TestE2EConfirmedLeavesTheFieldsOut(t *testing.T) {
	t.Parallel()
	api := e2eOpenAIServer()
	srv := e2eServe(t, api)
	res, out := e2eDiagnose(t, e2eCmd{
		args: []string{"--base-url", e2eURL(srv, "/v1"), "--model", "gpt-4o", "--timeout", "5s"},
		env:  e2eOpenAIEnv(e2eOpenAIKey),
	})
	e2eWant(t, res, "healthy")
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out.stdout), &raw); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"confirmed", "alternatives"} {
		if v, ok := raw[f]; ok {
			t.Errorf("a confirmed verdict has %q: %s", f, v)
		}
	}
	if strings.Contains(res.Guidance, "Not confirmed") {
		t.Errorf("a confirmed verdict's page says it is not confirmed")
	}
}

// e2eHanging is an HTTP server that accepts every request and never
// answers, until the test ends.
func e2eHanging(t *testing.T) *httptest.Server {
	t.Helper()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(func() { close(release); srv.Close() })
	return srv
}

// Against a server that hangs, both the models list and the request time
// out. The finding names one call; evidence.endpoint is that call's URL,
// not the other's.
func TestE2ETimeoutNamesItsCall(t *testing.T) {
	t.Parallel()
	srv := e2eHanging(t)
	base := e2eURL(srv, "/v1")
	for _, extra := range [][]string{nil, {"--no-request"}} {
		args := append([]string{"--base-url", base, "--model", "gpt-4o", "--timeout", "300ms"}, extra...)
		res, out := e2eDiagnose(t, e2eCmd{args: args, env: e2eOpenAIEnv(e2eOpenAIKey), limit: 15 * time.Second})
		e2eWant(t, res, "timeout")
		calls := map[string]string{"models": base + "/models", "request": base + "/chat/completions"}
		named := ""
		for _, c := range res.Checks {
			if _, ok := calls[c.ID]; ok && c.Status == "fail" && strings.Contains(res.Guidance, c.Summary) {
				named = c.ID
				break
			}
		}
		if named == "" {
			t.Fatalf("%v: the page names neither call's failure:\n%.1200s", extra, res.Guidance)
		}
		if got := res.Evidence.Endpoint; got != calls[named] {
			t.Errorf("%v: the finding is the %s call's, but evidence.endpoint = %q, want %q", extra, named, got, calls[named])
		}
		if !strings.Contains(res.Guidance, calls[named]) {
			t.Errorf("%v: the page does not show the endpoint of the call that timed out (%s)", extra, calls[named])
		}
		// A timeout both calls saw is evidence gathered, with or without
		// the request.
		if h := e2eHonestOf(t, out); h.Confirmed != nil && len(extra) == 0 {
			t.Errorf("the request timed out, yet confirmed = %v", *h.Confirmed)
		}
	}
}
