package probe

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/unstuck-dev/unstuck/checks"
)

// What the real Claude Code and Codex sent to a test server
// (testdata/captures/*/request.json, recorded by record.sh): the probe,
// given the same request shape, must send the same method, path, query and
// headers. Values of the auth headers are secrets and are not compared;
// transport headers (connection, content-length, accept-encoding) are the
// HTTP library's.

type capturedCall struct {
	Method  string            `json:"method"`
	Path    string            `json:"path"`
	Query   string            `json:"query"`
	Headers map[string]string `json:"headers"`
}

func loadCapture(t *testing.T, client, scenarioPrefix string) []capturedCall {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "captures", client, "request.json"))
	if err != nil {
		t.Fatal(err)
	}
	var all map[string][]capturedCall
	if err := json.Unmarshal(b, &all); err != nil {
		t.Fatal(err)
	}
	for name, calls := range all {
		if strings.HasPrefix(name, scenarioPrefix) {
			return calls
		}
	}
	t.Fatalf("%s/request.json has no scenario %q", client, scenarioPrefix)
	return nil
}

// first returns the first captured call to a path.
func first(t *testing.T, calls []capturedCall, path string) capturedCall {
	t.Helper()
	for _, c := range calls {
		if c.Path == path {
			return c
		}
	}
	t.Fatalf("no captured call to %s", path)
	return capturedCall{}
}

var (
	transportHeaders = map[string]bool{"connection": true, "content-length": true, "accept-encoding": true, "host": true}
	authHeaders      = map[string]bool{"authorization": true, "x-api-key": true, "api-key": true, "x-goog-api-key": true}
	// The probe's own: it says who it is, and asks for the content type
	// its request needs.
	probeOwnHeaders = map[string]bool{"user-agent": true, "content-type": true, "accept": true}
)

// shapeFromCapture is the request shape the clients' configuration gives:
// every header the client sends but transport, auth and the probe's own.
func shapeFromCapture(c capturedCall) []checks.Header {
	var hs []checks.Header
	for name, v := range c.Headers {
		if transportHeaders[name] || authHeaders[name] || probeOwnHeaders[name] || name == "anthropic-version" {
			continue
		}
		hs = append(hs, checks.Header{Name: name, Value: v})
	}
	sort.Slice(hs, func(i, j int) bool { return hs[i].Name < hs[j].Name })
	return hs
}

// sameCall compares what the probe sent with the capture.
func sameCall(t *testing.T, want capturedCall, got netSeen) {
	t.Helper()
	if got.Method != want.Method || got.Path != want.Path || got.Query != want.Query {
		t.Errorf("probe sent %s %s?%s, the client %s %s?%s", got.Method, got.Path, got.Query, want.Method, want.Path, want.Query)
	}
	for name, v := range want.Headers {
		if transportHeaders[name] {
			continue
		}
		have := got.Header.Values(http.CanonicalHeaderKey(name))
		if len(have) == 0 {
			t.Errorf("the client sends %s, the probe does not", name)
			continue
		}
		if authHeaders[name] || name == "user-agent" {
			continue // secrets; and the probe names itself
		}
		if name == "accept" && want.Headers["accept"] != have[0] {
			// Claude Code asks for application/json and streams anyway:
			// the probe asks for the stream it reads. Only the name must match.
			continue
		}
		if have[0] != v {
			t.Errorf("%s: probe %q, client %q", name, have[0], v)
		}
	}
	for name := range got.Header {
		n := strings.ToLower(name)
		if authHeaders[n] && want.Headers[n] == "" {
			t.Errorf("the probe sends %s, the client does not", n)
		}
	}
}

func TestProbeSendsWhatClaudeCodeSends(t *testing.T) {
	for _, tc := range []struct {
		scenario, auth, keyEnv string
	}{
		{"ANTHROPIC_API_KEY:", "", "ANTHROPIC_API_KEY"},
		{"ANTHROPIC_AUTH_TOKEN:", "bearer", "ANTHROPIC_AUTH_TOKEN"},
	} {
		t.Run(tc.keyEnv, func(t *testing.T) {
			want := first(t, loadCapture(t, "claude-code", tc.scenario), "/v1/messages")
			a := &netClaudeRelay{models: []string{"claude-opus-5-5", "claude-haiku-4-5-20251001"}, bearer: tc.auth == "bearer"}
			srv := netServe(t, a)
			s := netSetupFor(t, "anthropic", srv.URL, "claude-opus-5-5", checks.RequestShape{
				Path: "/v1/messages?beta=true", Auth: tc.auth, Stream: true, Headers: shapeFromCapture(want),
			}, func(s *checks.Setup) { s.KeyEnv = tc.keyEnv })
			r := netRequest(t, s)
			netWant(t, r, checks.Pass, "")
			got := a.rec.to("/v1/messages")
			if len(got) != 1 {
				t.Fatalf("calls %+v", a.rec.all())
			}
			sameCall(t, want, got[0])
		})
	}
}

func TestCountTokensSendsWhatClaudeCodeSends(t *testing.T) {
	want := first(t, loadCapture(t, "claude-code", "/context (count_tokens)"), "/v1/messages/count_tokens")
	a := &netClaudeRelay{models: []string{"claude-opus-5-5"}}
	srv := netServe(t, a)
	s := netSetupFor(t, "anthropic", srv.URL, "claude-opus-5-5", checks.RequestShape{
		Path: "/v1/messages?beta=true", Headers: shapeFromCapture(want), AlsoCalls: []string{"count_tokens"},
	})
	r := netCheck(t, s, CheckCountTokens, CountTokens)
	netWant(t, r, checks.Pass, "")
	got := a.rec.to("/v1/messages/count_tokens")
	if len(got) != 1 {
		t.Fatalf("calls %+v", a.rec.all())
	}
	sameCall(t, want, got[0])
}

func TestProbeSendsWhatCodexSends(t *testing.T) {
	want := first(t, loadCapture(t, "codex", "healthy:"), "/v1/responses")
	o := newNetResponses("")
	o.models = append(o.models, "gpt-6.2-sol")
	srv := netServe(t, o)
	s := netSetupFor(t, "responses", srv.URL+"/v1", "gpt-6.2-sol", checks.RequestShape{Stream: true, Headers: shapeFromCapture(want)},
		func(s *checks.Setup) { s.KeyEnv = "RELAY_API_KEY" })
	r := netRequest(t, s)
	netWant(t, r, checks.Pass, "")
	got := o.rec.to("/v1/responses")
	if len(got) != 1 {
		t.Fatalf("calls %+v", o.rec.all())
	}
	sameCall(t, want, got[0])
	// Codex asks for the stream it reads, as the probe does: the value matches too.
	if got[0].Header.Get("Accept") != want.Headers["accept"] {
		t.Errorf("accept %q, Codex %q", got[0].Header.Get("Accept"), want.Headers["accept"])
	}
}
