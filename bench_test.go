package main

// Benchmarks for what a person waits on: the work before the wizard's first
// frame (content parsing, resolving the setup, the first View), the whole
// headless diagnose against a local server with no delay (so what is left is
// unstuck's own time), and the pieces every diagnosis uses (guidance
// templating, the error classifier, the tree walk). The numbers live in the
// README's "Performance" section; nothing here asserts a time.
//
//	go test -run '^$' -bench . -benchmem .

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"text/template"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/checks/classify"
	"github.com/unstuck-dev/unstuck/checks/setup"
	"github.com/unstuck-dev/unstuck/checks/suite"
	"github.com/unstuck-dev/unstuck/content"
	"github.com/unstuck-dev/unstuck/decisiontree"
	"github.com/unstuck-dev/unstuck/ui"
)

// benchKey is shaped like an OpenAI project key; it is fake.
const benchKey = "sk-proj-BENCHKEY0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2"

// benchEnv gives a run what a real user has: a key in the environment and a
// home directory, and nothing else of this machine's (no .env found above
// the working directory, no proxy).
func benchEnv(b *testing.B) {
	b.Helper()
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.Contains(strings.ToUpper(k), "PROXY") || strings.HasSuffix(k, "_API_KEY") || strings.HasSuffix(k, "_BASE_URL") {
			b.Setenv(k, "")
			os.Unsetenv(k)
		}
	}
	b.Setenv("HOME", b.TempDir())
	b.Setenv("OPENAI_API_KEY", benchKey)
	b.Chdir(b.TempDir())
}

// benchServer answers like OpenAI, at once: a models list and a streamed
// one-token completion; a wrong key gets OpenAI's 401.
func benchServer(b *testing.B) *httptest.Server {
	b.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("x-request-id", "req_bench0001")
		if r.Header.Get("Authorization") != "Bearer "+benchKey {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"error":{"message":"Incorrect API key provided: sk-proj-****c1d2. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`)
			return
		}
		switch r.URL.Path {
		case "/v1/models":
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"object":"list","data":[{"id":"gpt-4o-mini","object":"model","created":1721172741,"owned_by":"system"},{"id":"gpt-4o","object":"model","created":1715367049,"owned_by":"system"}]}`)
		case "/v1/chat/completions":
			w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
			for _, d := range []string{
				`{"id":"chatcmpl-b","object":"chat.completion.chunk","model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":{"content":"OK"},"finish_reason":null}]}`,
				`{"id":"chatcmpl-b","object":"chat.completion.chunk","model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":{},"finish_reason":"length"}]}`,
				`[DONE]`,
			} {
				fmt.Fprintf(w, "data: %s\n\n", d)
			}
		default:
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"error":{"message":"Invalid URL (`+r.Method+` `+r.URL.Path+`)","type":"invalid_request_error","param":null,"code":null}}`)
		}
	}))
	b.Cleanup(srv.Close)
	return srv
}

// benchBaseURL is the server's base URL. Inside a container a loopback
// address is exactly what the container check flags, so the host is a name
// /etc/hosts maps to 127.0.0.1 when there is one (as the E2E tests do).
func benchBaseURL(srv *httptest.Server) string {
	return strings.Replace(srv.URL, "127.0.0.1", e2eHost, 1) + "/v1"
}

// BenchmarkDiagnose is `unstuck diagnose` in process, output discarded,
// against a server that answers at once: unstuck's own cost per diagnosis,
// checks included, process start-up excluded.
func BenchmarkDiagnose(b *testing.B) {
	srv := benchServer(b)
	benchEnv(b)
	for _, tc := range []struct{ name, key string }{{"healthy", benchKey}, {"401", benchKey[:len(benchKey)-4] + "XXXX"}} {
		for _, format := range []string{"text", "json"} {
			b.Run(tc.name+"/"+format, func(b *testing.B) {
				b.Setenv("OPENAI_API_KEY", tc.key)
				args := []string{"diagnose", "--base-url", benchBaseURL(srv), "--model", "gpt-4o-mini"}
				if format == "json" {
					args = append(args, "--json")
				}
				want := 0
				if tc.name != "healthy" {
					want = 1
				}
				b.ReportAllocs()
				for b.Loop() {
					if code := run(context.Background(), args, strings.NewReader(""), io.Discard, io.Discard); code != want {
						b.Fatalf("exit %d, want %d", code, want)
					}
				}
			})
		}
	}
}

// BenchmarkExplain is `unstuck explain` on typical pastes.
func BenchmarkExplain(b *testing.B) {
	benchEnv(b)
	for name, text := range map[string]string{
		"status":   "429",
		"json":     `{"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}`,
		"trace":    "openai.AuthenticationError: Error code: 401 - {'error': {'message': 'Incorrect API key provided: sk-proj-****c1d2.', 'type': 'invalid_request_error', 'param': None, 'code': 'invalid_api_key'}}",
		"refused":  "httpx.ConnectError: [Errno 111] Connection refused",
		"unknown":  "something odd happened",
		"htmlbody": "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>",
	} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				run(context.Background(), []string{"explain", text}, strings.NewReader(""), io.Discard, io.Discard)
			}
		})
	}
}

// BenchmarkStartupContent is what content.Tree() costs the first time:
// parsing the embedded YAML (tree, catalogue, profiles) and every guidance
// template. In the binary this runs once, before the wizard's first frame.
func BenchmarkStartupContent(b *testing.B) {
	read := func(name string) []byte {
		data, err := os.ReadFile(filepath.Join("content", name))
		if err != nil {
			b.Fatal(err)
		}
		return data
	}
	tree, causes, profiles := read("tree.yaml"), read("causes.yaml"), read("profiles.yaml")
	pages, err := filepath.Glob(filepath.Join("content", "pages", "*.md"))
	if err != nil || len(pages) == 0 {
		b.Fatalf("no pages: %v", err)
	}
	var pageSrc []string
	for _, p := range pages {
		data, _ := os.ReadFile(p)
		pageSrc = append(pageSrc, string(data))
	}
	b.Run("tree", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := decisiontree.Parse(tree); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("causes", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var cs []content.Cause
			if err := yaml.Unmarshal(causes, &cs); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("profiles", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := setup.ParseProfiles(profiles); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("pages", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for i, src := range pageSrc {
				if _, err := template.New(strconv.Itoa(i)).Option("missingkey=zero").Parse(src); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

// BenchmarkWizardFirstView is the wizard's work from main to its first
// frame, without a terminal: resolving the setup (environment, .env search,
// key checks) and building the model and its first View. Content parsing
// (above) and package initialisation are not in it.
func BenchmarkWizardFirstView(b *testing.B) {
	benchEnv(b)
	tree, known, err := loadContent()
	if err != nil {
		b.Fatal(err)
	}
	var o options
	o.timeout = 10 * time.Second
	b.Run("runner", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			suite.NewRunner(o.config(known))
		}
	})
	b.Run("model+view", func(b *testing.B) {
		runner := suite.NewRunner(o.config(known))
		b.ReportAllocs()
		for b.Loop() {
			m := ui.New(ui.Options{Runner: runner, Tree: tree, Version: "bench"})
			if v := m.View(); v.Content == "" {
				b.Fatal("empty first view")
			}
		}
	})
}

// BenchmarkGuidance fills every cause's page with realistic evidence.
func BenchmarkGuidance(b *testing.B) {
	causes, err := content.Causes()
	if err != nil {
		b.Fatal(err)
	}
	d := benchPageData()
	b.ReportAllocs()
	for b.Loop() {
		for _, c := range causes {
			if _, err := content.Guidance(c.ID, d); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(causes))/1e3, "µs/page")
}

func benchPageData() content.PageData {
	ev := checks.Evidence{
		Provider: "openai", Protocol: "openai", BaseURL: "https://api.openai.com/v1",
		Endpoint: "https://api.openai.com/v1/chat/completions", Model: "gpt-4o-mni",
		SuggestedModel: "gpt-4o-mini", Models: []string{"gpt-4o-mini", "gpt-4o", "gpt-4.1"},
		Key: "sk-p…c1d2 (56 chars)", KeySource: "environment", Status: 429,
		ErrorType: "requests", ErrorCode: "rate_limit_exceeded",
		ErrorMessage: "Rate limit reached for gpt-4o-mini on requests per min (RPM): Limit 3, Used 3, Requested 1.",
		RequestID:    "req_8f1a2b3c4d5e6f708192a3b4c5d6e7f8", ServedBy: "cloudflare",
		RateLimit: &checks.RateLimit{Limit: "3", Remaining: "0", Reset: "in 20 s", RetryAfter: "20 s"},
		TTFBMs:    412, TotalMs: 655, FailedLayer: "http", Proxy: "http://proxy.internal:3128",
	}
	d := content.NewPageData(ev, nil, "the API answered 429 rate_limit_exceeded")
	d.KeyEnv, d.EnvFile, d.ProviderTitle = "OPENAI_API_KEY", "/home/dev/app/.env", "OpenAI"
	d.Console, d.StatusPage = "https://platform.openai.com/settings", "https://status.openai.com"
	return d
}

// BenchmarkClassify runs the error classifier over every recorded provider,
// relay and proxy answer in checks/classify/testdata/bodies.
func BenchmarkClassify(b *testing.B) {
	type reply struct {
		status int
		header http.Header
		body   []byte
	}
	files, _ := filepath.Glob(filepath.Join("checks", "classify", "testdata", "bodies", "*"))
	var replies []reply
	for _, f := range files {
		parts := strings.Split(filepath.Base(f), "_")
		status, err := strconv.Atoi(parts[1])
		if err != nil {
			status = 200 // streams and messages without a status in the name
		}
		body, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		ct := map[string]string{".json": "application/json", ".html": "text/html; charset=utf-8", ".txt": "text/plain"}[filepath.Ext(f)]
		replies = append(replies, reply{status, http.Header{"Content-Type": {ct}, "X-Request-Id": {"req_123"}}, body})
	}
	if len(replies) == 0 {
		b.Fatal("no recorded bodies")
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, r := range replies {
			classify.Classify(r.status, r.header, r.body, nil)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(replies))/1e3, "µs/reply")
}

// BenchmarkResolve walks the real tree headlessly from the facts a real
// diagnose gathered (healthy, and a refused key).
func BenchmarkResolve(b *testing.B) {
	srv := benchServer(b)
	benchEnv(b)
	tree, known, err := loadContent()
	if err != nil {
		b.Fatal(err)
	}
	ids := diagnoseChecks(tree)
	for _, tc := range []struct{ name, key, cause string }{
		{"healthy", benchKey, "healthy"},
		{"401", benchKey[:len(benchKey)-4] + "XXXX", "key-rejected"},
	} {
		b.Setenv("OPENAI_API_KEY", tc.key)
		o := options{baseURL: benchBaseURL(srv), model: "gpt-4o-mini", timeout: 10 * time.Second}
		runner := suite.NewRunner(o.config(known))
		runner.RunAll(context.Background(), ids)
		facts := runner.Facts()
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				w, err := tree.Resolve(tree.Headless, facts)
				if err != nil {
					b.Fatal(err)
				}
				if got := w.Current().Cause; got != tc.cause {
					b.Fatalf("the walk ended at %q, want %q", got, tc.cause)
				}
			}
		})
	}
}
