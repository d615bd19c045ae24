package probe

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/unstuck-dev/unstuck/checks"
)

// netCheck runs one network check through a runner, as the wizard and
// diagnose do (the runner redacts and keeps the declared facts), failing if
// it hangs, answers under another ID, leaks the key or writes text that is
// not one clean line.
func netCheck(t *testing.T, s *checks.Setup, id string, f checks.CheckFunc) checks.Result {
	t.Helper()
	var spec checks.Spec
	for _, sp := range []checks.Spec{ModelsSpec, AuthHeaderSpec, RequestSpec, MCPSpec, CountTokensSpec, SmallModelSpec, SmallModelRequestSpec} {
		if sp.ID == id {
			spec = sp
		}
	}
	if spec.ID == "" {
		t.Fatalf("no spec for %s", id)
	}
	run := checks.NewRunner(s.Config, checks.Suite{
		Groups:  []checks.Group{checks.Single(spec, f)},
		Resolve: func(checks.Config) *checks.Setup { return s },
	})
	r := netWithin(t, func() checks.Result { return run.Run(context.Background(), id) })
	if r.ID != id {
		t.Errorf("ID %q, want %q", r.ID, id)
	}
	netNoKey(t, r)
	netValidText(t, r)
	return r
}

func netModels(t *testing.T, s *checks.Setup) checks.Result {
	t.Helper()
	return netCheck(t, s, checks.CheckModels, Models)
}

// netValidText fails on text a terminal or JSON encoder would choke on.
func netValidText(t *testing.T, r checks.Result) {
	t.Helper()
	b, _ := json.Marshal(r)
	for _, s := range append([]string{r.Summary, r.Evidence.ErrorMessage, string(b)}, r.Details...) {
		if !utf8.ValidString(s) {
			t.Errorf("%s: invalid UTF-8 in %q", r.ID, s)
		}
	}
}

func TestModelsOpenAIHasModel(t *testing.T) {
	o := newNetOpenAI()
	srv := netServe(t, o)
	r := netModels(t, netSetup(t, "openai", srv.URL+"/v1", hooks{}))
	if r.Status != checks.Pass || r.Cause != "" {
		t.Fatalf("%s/%q: %s", r.Status, r.Cause, r.Summary)
	}
	if netFact(r, "models.has_model") != "yes" || netFact(r, "models.http") != "200" {
		t.Errorf("facts %v", r.Facts)
	}
	if r.Evidence.RequestID != "req_8f2c1e0a9b7d" {
		t.Errorf("request ID %q", r.Evidence.RequestID)
	}
	if len(r.Evidence.Models) == 0 || r.Evidence.Models[0] != "gpt-4o" {
		t.Errorf("models %v", r.Evidence.Models)
	}
}

func TestModelsMissingModelSuggestsNearest(t *testing.T) {
	cases := map[string]string{
		"gpt4":          "gpt-4o",
		"GPT-4o":        "gpt-4o",
		"openai/gpt-4o": "gpt-4o",
		"gpt-4o-mni":    "gpt-4o-mini",
	}
	o := newNetOpenAI()
	srv := netServe(t, o)
	for want, suggest := range cases {
		t.Run(want, func(t *testing.T) {
			r := netModels(t, netSetup(t, "openai", srv.URL+"/v1", hooks{}, func(s *checks.Setup) { s.Model = want }))
			if r.Status != checks.Fail || r.Cause != "model-not-found" {
				t.Fatalf("%s/%q: %s", r.Status, r.Cause, r.Summary)
			}
			if netFact(r, "models.has_model") != "no" {
				t.Errorf("has_model %q", netFact(r, "models.has_model"))
			}
			if r.Evidence.SuggestedModel != suggest {
				t.Errorf("suggested %q, want %q", r.Evidence.SuggestedModel, suggest)
			}
			if !strings.Contains(r.Summary, suggest) {
				t.Errorf("summary %q does not suggest %q", r.Summary, suggest)
			}
		})
	}
}

func TestModelsNoModelGiven(t *testing.T) {
	srv := netServe(t, newNetOpenAI())
	r := netModels(t, netSetup(t, "openai", srv.URL+"/v1", hooks{}, func(s *checks.Setup) { s.Model = "" }))
	if r.Status != checks.Pass || netFact(r, "models.has_model") != "unknown" {
		t.Errorf("%s %v", r.Status, r.Facts)
	}
}

func TestModelsKeyRejected(t *testing.T) {
	srv := netServe(t, newNetOpenAI())
	s := netSetup(t, "openai", srv.URL+"/v1", hooks{}, func(s *checks.Setup) { s.Key = checks.NewSecret("unit-TEST-other-key-000000") })
	r := netModels(t, s)
	if r.Status != checks.Fail || netFact(r, "models.http") != "401" {
		t.Fatalf("%s %v: %s", r.Status, r.Facts, r.Summary)
	}
	if r.Cause != "key-rejected" {
		t.Errorf("cause %q, want the classifier's key-rejected", r.Cause)
	}
	if r.Evidence.ErrorCode != "invalid_api_key" || r.Evidence.Status != 401 {
		t.Errorf("evidence %+v", r.Evidence)
	}
}

func TestModelsAnthropic(t *testing.T) {
	a := &netAnthropic{}
	srv := netServe(t, a)
	r := netModels(t, netSetup(t, "anthropic", srv.URL, hooks{}))
	if r.Status != checks.Pass || netFact(r, "models.has_model") != "yes" {
		t.Fatalf("%s %v: %s", r.Status, r.Facts, r.Summary)
	}
	if a.hits.header().Get("anthropic-version") == "" {
		t.Error("no anthropic-version sent")
	}
}

func TestModelsGatewayWithoutModelsList(t *testing.T) {
	srv := netServe(t, netGatewayNoModels(newNetOpenAI()))
	r := netModels(t, netSetup(t, "openai", srv.URL+"/v1", hooks{}))
	if r.Status != checks.Warn || r.Cause != "" {
		t.Errorf("%s/%q: %s — a gateway without /models must not look broken", r.Status, r.Cause, r.Summary)
	}
	if netFact(r, "models.has_model") != "unknown" || netFact(r, "models.http") != "404" {
		t.Errorf("facts %v", r.Facts)
	}
	// JSON 405 from a framework is the same story.
	srv2 := netServe(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		netJSON(w, 405, map[string]any{"detail": "Method Not Allowed"})
	}))
	r = netModels(t, netSetup(t, "openai", srv2.URL+"/v1", hooks{}))
	if r.Status != checks.Warn || r.Cause != "" {
		t.Errorf("405: %s/%q: %s", r.Status, r.Cause, r.Summary)
	}
}

func TestModelsProfileWithoutList(t *testing.T) {
	var hits netHits
	srv := netServe(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.record(r) }))
	r := netModels(t, netSetup(t, "openai", srv.URL+"/v1", hooks{}, func(s *checks.Setup) {
		s.Profile.HasModelsList, s.ModelsURL = false, ""
	}))
	if r.Status != checks.Skip || hits.n.Load() != 0 {
		t.Errorf("%s, %d requests", r.Status, hits.n.Load())
	}
}

func TestModelsWithoutKeySendsNothing(t *testing.T) {
	var hits netHits
	srv := netServe(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.record(r) }))
	r := netModels(t, netSetup(t, "openai", srv.URL+"/v1", hooks{}, func(s *checks.Setup) { s.Key = checks.Secret{} }))
	if r.Status != checks.Skip || hits.n.Load() != 0 {
		t.Errorf("%s, %d requests", r.Status, hits.n.Load())
	}
}

func TestModelsKeyWithNewline(t *testing.T) {
	var hits netHits
	srv := netServe(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.record(r) }))
	r := netModels(t, netSetup(t, "openai", srv.URL+"/v1", hooks{}, func(s *checks.Setup) { s.Key = checks.NewSecret(netTestKey + "\n") }))
	if r.Status != checks.Fail || r.Cause != "key-whitespace" || hits.n.Load() != 0 {
		t.Errorf("%s/%q, %d requests: %s", r.Status, r.Cause, hits.n.Load(), r.Summary)
	}
}

func TestModelsHTMLRelay(t *testing.T) {
	srv := netServe(t, http.HandlerFunc(netHTMLRelay))
	r := netModels(t, netSetup(t, "openai", srv.URL+"/v1", hooks{}))
	if r.Status != checks.Warn {
		t.Errorf("%s: %s", r.Status, r.Summary)
	}
	if r.Cause != "base-url-path" {
		t.Errorf("cause %q, want the classifier's base-url-path for a 200 web page", r.Cause)
	}
	if !strings.Contains(r.Summary, "text/html") {
		t.Errorf("summary %q", r.Summary)
	}
}

func TestModelsHostileServers(t *testing.T) {
	short := netTimeout(200 * time.Millisecond)
	cases := []struct {
		name  string
		h     http.HandlerFunc
		check func(t *testing.T, r checks.Result)
	}{
		{"1 GB body", netHuge(1 << 30), func(t *testing.T, r checks.Result) {
			if !r.Evidence.Truncated {
				t.Errorf("Truncated not set: %s/%q %s", r.Status, r.Cause, r.Summary)
			}
			if r.Status == checks.Pass {
				t.Errorf("a 1 GB body of a's passed: %s", r.Summary)
			}
		}},
		{"non-JSON", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			_, _ = w.Write([]byte("OK"))
		}, func(t *testing.T, r checks.Result) {
			if r.Status != checks.Warn || netFact(r, "models.has_model") != "unknown" {
				t.Errorf("%s %v: %s", r.Status, r.Facts, r.Summary)
			}
		}},
		{"JSON list with a wrong content type", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte(`{"object":"list","data":[{"id":"gpt-4o"}]}`))
		}, func(t *testing.T, r checks.Result) {
			if r.Status != checks.Pass || netFact(r, "models.has_model") != "yes" {
				t.Errorf("%s %v: %s", r.Status, r.Facts, r.Summary)
			}
		}},
		{"invalid UTF-8 error echoing the key", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(401)
			_, _ = w.Write([]byte("{\"error\":{\"message\":\"bad key \xff\xfe " + netTestKey + " \xc3\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}"))
		}, func(t *testing.T, r checks.Result) {
			if r.Status != checks.Fail {
				t.Errorf("%s: %s", r.Status, r.Summary)
			}
		}},
		{"key echoed in a header-like text", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(403)
			_, _ = w.Write([]byte("Forbidden. You sent: " + r.Header.Get("Authorization")))
		}, func(t *testing.T, r checks.Result) {
			if r.Status != checks.Fail {
				t.Errorf("%s: %s", r.Status, r.Summary)
			}
		}},
		{"empty 200", func(w http.ResponseWriter, r *http.Request) {}, func(t *testing.T, r checks.Result) {
			if r.Status != checks.Warn || !strings.Contains(r.Summary, "empty") {
				t.Errorf("%s: %s", r.Status, r.Summary)
			}
		}},
		{"trickle", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(200)
			for {
				if _, err := w.Write([]byte("{")); err != nil {
					return
				}
				w.(http.Flusher).Flush()
				select {
				case <-r.Context().Done():
					return
				case <-time.After(50 * time.Millisecond):
				}
			}
		}, func(t *testing.T, r checks.Result) {
			if r.Status != checks.Fail || r.Cause != "timeout" {
				t.Errorf("%s/%q: %s", r.Status, r.Cause, r.Summary)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := netServe(t, tc.h)
			timeout := short
			if tc.name == "1 GB body" {
				// Reading the first MiB is not what is tested here; under
				// -race it can take longer than the hostile-server bound.
				timeout = netTimeout(5 * time.Second)
			}
			tc.check(t, netModels(t, netSetup(t, "openai", srv.URL+"/v1", hooks{}, timeout)))
		})
	}
}

func TestModelsSilentServer(t *testing.T) {
	addr := netSilent(t)
	r := netModels(t, netSetup(t, "openai", "http://"+addr+"/v1", hooks{}, netTimeout(200*time.Millisecond)))
	if r.Status != checks.Fail || r.Cause != "timeout" {
		t.Errorf("%s/%q: %s", r.Status, r.Cause, r.Summary)
	}
}

func TestModelsTransportFailures(t *testing.T) {
	srv := netTLSServer(t)
	cases := []struct {
		name, base, cause string
	}{
		{"dns", "https://api.gone.invalid/v1", "dns-failure"},
		{"refused", "http://" + netClosedPort(t) + "/v1", "connection-refused"},
		{"tls name", netAt(srv, "wrong.test") + "/v1", "tls-failure"},
		{"https to http port", "https://" + strings.TrimPrefix(netServe(t, newNetOpenAI()).URL, "http://") + "/v1", "tls-failure"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := netModels(t, netSetup(t, "openai", tc.base, hooks{roots: netRoots(srv)}))
			if r.Status != checks.Fail || r.Cause != tc.cause {
				t.Errorf("%s/%q: %s", r.Status, r.Cause, r.Summary)
			}
			if r.Evidence.FailedLayer == "" {
				t.Error("no failed layer")
			}
		})
	}
}

func TestParseModelList(t *testing.T) {
	cases := []struct {
		name    string
		body    string
		ids     []string
		partial bool
		ok      bool
	}{
		{"openai", `{"object":"list","data":[{"id":"a"},{"id":"b"}]}`, []string{"a", "b"}, false, true},
		{"anthropic more pages", `{"data":[{"type":"model","id":"c"}],"has_more":true}`, []string{"c"}, true, true},
		{"models key with names", `{"models":[{"name":"llama3"}]}`, []string{"llama3"}, false, true},
		{"bare array of strings", `["x","y"]`, []string{"x", "y"}, false, true},
		{"empty list", `{"data":[]}`, nil, false, true},
		{"error object", `{"error":{"message":"nope"}}`, nil, false, false},
		{"html", `<html>hi</html>`, nil, false, false},
		{"list of numbers", `[1,2]`, nil, false, false},
		{"cut at the cap", `{"data":[{"id":"a","x":1},{"id":"b","descr`, []string{"a", "b"}, true, true},
		{"null", `null`, nil, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ids, partial, ok := parseModelList([]byte(tc.body))
			if !reflect.DeepEqual(ids, tc.ids) || partial != tc.partial || ok != tc.ok {
				t.Errorf("got %v %v %v, want %v %v %v", ids, partial, ok, tc.ids, tc.partial, tc.ok)
			}
		})
	}
}

func TestModelsURLAsksAnthropicForOnePage(t *testing.T) {
	s := &checks.Setup{Protocol: "anthropic", ModelsURL: "https://api.anthropic.com/v1/models"}
	if got := modelsURLOf(s); got != "https://api.anthropic.com/v1/models?limit=1000" {
		t.Errorf("%q", got)
	}
	s = &checks.Setup{Protocol: "openai", ModelsURL: "https://api.openai.com/v1/models"}
	if got := modelsURLOf(s); got != s.ModelsURL {
		t.Errorf("%q", got)
	}
}

func FuzzParseModelList(f *testing.F) {
	f.Add([]byte(`{"data":[{"id":"a"}]}`))
	f.Add([]byte(`[{"model":"m"}]`))
	f.Add([]byte("\xff{"))
	f.Fuzz(func(t *testing.T, b []byte) {
		ids, _, ok := parseModelList(b)
		if !ok && len(ids) > 0 {
			t.Error("ids without ok")
		}
	})
}
