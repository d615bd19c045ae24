package probe

import (
	"net/http"
	"strings"
	"testing"

	"github.com/unstuck-dev/unstuck/checks"
)

// netOnlyXAPIKey is a relay that reads x-api-key and ignores Authorization,
// answering an OpenAI-style client's Bearer header with 401.
func netOnlyXAPIKey(hits *netHits) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		hits.record(r)
		if r.Header.Get("x-api-key") != netTestKey {
			netJSON(w, 401, map[string]any{"error": map[string]any{"message": "Invalid API key", "type": "invalid_request_error", "code": "invalid_api_key"}})
			return
		}
		netJSON(w, 200, map[string]any{"object": "list", "data": []any{map[string]any{"id": "gpt-4o"}}})
	}
}

func netAuthHeader(t *testing.T, s *checks.Setup) checks.Result {
	t.Helper()
	return netCheck(t, s, checks.CheckAuthHeader, AuthHeader)
}

func TestAuthHeaderFindsTheHeaderTheServerReads(t *testing.T) {
	var hits netHits
	srv := netServe(t, netOnlyXAPIKey(&hits))
	s := netSetup(t, "openai", srv.URL+"/v1", hooks{})
	m := netModels(t, s)
	if netFact(m, "models.http") != "401" {
		t.Fatalf("models %v", m.Facts)
	}
	r := netAuthHeader(t, s)
	netWant(t, r, checks.Fail, "auth-header-format")
	if netFact(r, "auth-header.http") != "200" {
		t.Errorf("facts %v", r.Facts)
	}
	if !strings.Contains(r.Summary, "x-api-key") || !strings.Contains(r.Summary, "Authorization: Bearer") {
		t.Errorf("summary %q should name both headers", r.Summary)
	}
	// One models call shared by both checks, one retry; never the billable endpoint.
	hits.mu.Lock()
	defer hits.mu.Unlock()
	if len(hits.all) != 2 {
		t.Errorf("requests %v, want the models list twice", hits.all)
	}
	for _, c := range hits.all {
		if c != "GET /v1/models" {
			t.Errorf("request %q: only the free models list may be used", c)
		}
	}
}

func TestAuthHeaderKeyRefusedEitherWay(t *testing.T) {
	srv := netServe(t, newNetOpenAI())
	s := netSetup(t, "openai", srv.URL+"/v1", hooks{}, func(s *checks.Setup) { s.Key = checks.NewSecret("unit-TEST-revoked-key-1111") })
	r := netAuthHeader(t, s)
	netWant(t, r, checks.Pass, "")
	if netFact(r, "auth-header.http") != "401" {
		t.Errorf("facts %v", r.Facts)
	}
}

func TestAuthHeaderAnthropicTriesBearer(t *testing.T) {
	var hits netHits
	srv := netServe(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.record(r)
		if r.Header.Get("Authorization") != "Bearer "+netTestKey {
			netJSON(w, 401, map[string]any{"type": "error", "error": map[string]any{"type": "authentication_error", "message": "invalid x-api-key"}})
			return
		}
		netJSON(w, 200, map[string]any{"data": []any{map[string]any{"id": "claude-sonnet-4-20250514"}}})
	}))
	r := netAuthHeader(t, netSetup(t, "anthropic", srv.URL, hooks{}))
	netWant(t, r, checks.Fail, "auth-header-format")
}

func TestAuthHeaderSkipsWhenNotNeeded(t *testing.T) {
	o := newNetOpenAI()
	srv := netServe(t, o)
	r := netAuthHeader(t, netSetup(t, "openai", srv.URL+"/v1", hooks{}))
	netWant(t, r, checks.Skip, "")
	if o.hits.n.Load() != 1 {
		t.Errorf("%d requests, want only the models list", o.hits.n.Load())
	}
	r = netAuthHeader(t, netSetup(t, "openai", srv.URL+"/v1", hooks{}, func(s *checks.Setup) { s.ModelsURL = "" }))
	netWant(t, r, checks.Skip, "")
}
