package main

// End-to-end tests of the built binary's headless commands: diagnose,
// explain, causes, --help, --version, usage errors and the wizard's
// no-terminal message. Each test runs the real binary with a controlled
// environment against local servers (e2e_servers_test.go) that fail the way
// real providers and relays do, and checks the contract of INTERFACE.md:
// the cause, the exit status, the evidence, one JSON object on stdout, and
// never the key.
//
//	go test -run E2E -count=1 .
//
// Known findings (a check or the tree giving a wrong verdict) are skipped
// with "known: …"; UNSTUCK_E2E_KNOWN=1 runs them anyway.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/unstuck-dev/unstuck/checks"
	"go.yaml.in/yaml/v3"
)

// Keys with a core ("E2EKEY…") that must never show: a mask shows at most
// the first and last four characters.
const (
	e2eOpenAIKey    = "sk-proj-E2EKEY7f3a9c2d1b8e4f6a0c5d9e2b7a1f4c8d3e6b9a2c5f8d1e4b7a0SECRET"
	e2eAnthropicKey = "sk-ant-api03-E2EKEY4c8d3e6b9a2c5f8d1e4b7a0f3a9c2d1b8e4f6a0c5d9e2b7a1f4c8d3e6b9a2c5f8d1e4b7a0f3a9cSECRET-AA"
	e2eRelayKey     = "sk-E2EKEYr3lay9c2d1b8e4f6a0c5d9e2b7a1f4c8d3e6b9a2cSECRET"
	e2eTokenHubKey  = "th-E2EKEYt0k3nhub8e4f6a0c5d9e2b7a1f4c8d3eSECRET"
	e2eHeaderSecret = "sk-helicone-E2EHDR5d9e2b7a1f4c8d3e6b9a2c5f8dSECRET"
	e2eHerokuKey    = "inf-E2EKEYh3r0ku-8e4f-6a0c-5d9e-2b7a1f4cSECRET"
	e2eLatentKitKey = "lk_live_E2EKEYl4t3ntk1t6a0c5d9e2b7a1f4c8dSECRET"
)

// e2eBin is the binary under test, built once by TestMain when an E2E test
// runs.
var (
	e2eBinDir string
	e2eBuild  = sync.OnceValues(func() (string, error) {
		bin := filepath.Join(e2eBinDir, "unstuck")
		args := []string{"build", "-o", bin}
		if os.Getenv("UNSTUCK_E2E_RACE") == "1" {
			args = append(args, "-race")
		}
		cmd := exec.Command("go", append(args, ".")...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			return "", fmt.Errorf("go build: %v\n%s", err, out)
		}
		return bin, nil
	})
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "unstuck-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	e2eBinDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// e2eKnown skips a test that fails because of a known wrong verdict,
// unless UNSTUCK_E2E_KNOWN=1.
func e2eKnown(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("UNSTUCK_E2E_KNOWN") != "1" {
		t.Skip("known: " + why)
	}
}

// ── Running the binary ──────────────────────────────────────────────────

type e2eCmd struct {
	args  []string
	env   map[string]string // on top of PATH, HOME and GODEBUG
	stdin string
	dir   string        // working directory; "" = a fresh empty one
	limit time.Duration // hard bound; a hang fails the test (default 20 s)
	bin   string        // another binary than the one under test ("" = that one)
}

type e2eOut struct {
	stdout, stderr string
	code           int
}

// e2eStrayEnv is a .env above the temporary directories, which every
// diagnose run would find (the lookup walks up from the working directory).
var e2eStrayEnv = sync.OnceValue(func() string {
	dir, _ := filepath.Abs(os.TempDir())
	for {
		if _, err := os.Stat(filepath.Join(dir, ".env")); err == nil {
			return filepath.Join(dir, ".env")
		}
		up := filepath.Dir(dir)
		if up == dir {
			return ""
		}
		dir = up
	}
})

func e2eRun(t *testing.T, c e2eCmd) e2eOut {
	t.Helper()
	bin, err := e2eBuild()
	if err != nil {
		t.Fatal(err)
	}
	if c.bin != "" {
		bin = c.bin
	}
	if stray := e2eStrayEnv(); stray != "" {
		t.Fatalf("%s exists: every run would read it; remove it or set TMPDIR elsewhere", stray)
	}
	limit := c.limit
	if limit == 0 {
		limit = 20 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, c.args...)
	cmd.WaitDelay = time.Second
	cmd.Dir = c.dir
	if cmd.Dir == "" {
		cmd.Dir = t.TempDir()
	}
	// Only what the test sets: no proxies, no keys, no base URLs from the
	// machine running the tests. netdns=go keeps every lookup in this
	// process: .onion names are refused without asking a resolver.
	// The managed/system configuration root (/etc/claude-code, …) is a
	// fresh folder too, so no test reads this machine's managed settings.
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "UNSTUCK_CONFIG_ROOT=" + t.TempDir(), "GODEBUG=netdns=go"}
	for k, v := range c.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stdin = strings.NewReader(c.stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err = cmd.Run()
	// Logged, never asserted: a slow run is worth a look, not a failure.
	t.Logf("unstuck %.80s: %s", strings.Join(c.args, " "), time.Since(start).Round(time.Millisecond))
	out := e2eOut{stdout: stdout.String(), stderr: stderr.String()}
	if ctx.Err() != nil {
		t.Fatalf("unstuck %s did not return within %s (hang)\nstderr: %s", strings.Join(c.args, " "), limit, out.stderr)
	}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		out.code = ee.ExitCode()
	case err != nil:
		t.Fatalf("running unstuck: %v", err)
	}
	if out.code == 3 || strings.Contains(out.stderr, "unstuck crashed") || strings.Contains(out.stderr, "goroutine ") {
		t.Fatalf("unstuck %s crashed (exit %d):\n%s", strings.Join(c.args, " "), out.code, out.stderr)
	}
	return out
}

// e2eResult is the --json object of INTERFACE.md.
type e2eResult struct {
	Cause struct {
		ID    string `json:"id"`
		Layer string `json:"layer"`
		Title string `json:"title"`
	} `json:"cause"`
	Checks []struct {
		ID      string `json:"id"`
		Status  string `json:"status"`
		Summary string `json:"summary"`
		MS      int64  `json:"ms"`
	} `json:"checks"`
	Evidence checks.Evidence `json:"evidence"`
	Guidance string          `json:"guidance"`
}

// e2eDecode checks that stdout is exactly one JSON object and decodes it.
func e2eDecode(t *testing.T, out e2eOut) e2eResult {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(out.stdout))
	var raw map[string]json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\nstdout: %.2000s\nstderr: %s", err, out.stdout, out.stderr)
	}
	var extra json.RawMessage
	if err := dec.Decode(&extra); err != io.EOF {
		t.Fatalf("stdout holds more than one JSON value (next: %v %.200s)", err, extra)
	}
	if string(raw["checks"]) == "null" {
		t.Errorf(`"checks" is null; the contract wants an array`)
	}
	var res e2eResult
	if err := json.Unmarshal([]byte(out.stdout), &res); err != nil {
		t.Fatalf("JSON does not fit the contract: %v", err)
	}
	if string(raw["recognized"]) == "false" {
		// explain recognised nothing: no cause and no page pretending to
		// explain it (INTERFACE.md), the rest as always.
		for _, f := range []string{"checks", "evidence"} {
			if _, ok := raw[f]; !ok {
				t.Errorf("JSON lacks %q", f)
			}
		}
		for _, f := range []string{"cause", "guidance", "quote"} {
			if _, ok := raw[f]; ok {
				t.Errorf("an unrecognised text has %q: %.200s", f, raw[f])
			}
		}
		if out.code != 1 {
			t.Errorf("recognized: false, exit %d, want 1", out.code)
		}
		return res
	}
	for _, f := range []string{"cause", "checks", "evidence", "guidance"} {
		if _, ok := raw[f]; !ok {
			t.Errorf("JSON lacks %q", f)
		}
	}
	if !e2eIsCause(res.Cause.ID) {
		t.Errorf("cause.id %q is not in the catalogue", res.Cause.ID)
	}
	if res.Cause.Layer == "" || res.Cause.Title == "" {
		t.Errorf("cause lacks layer or title: %+v", res.Cause)
	}
	if strings.TrimSpace(res.Guidance) == "" {
		t.Errorf("guidance is empty")
	}
	return res
}

// e2eNoLeak fails when any secret, whole or in part, shows in any output.
func e2eNoLeak(t *testing.T, texts []string, secrets ...string) {
	t.Helper()
	if leak := e2eLeak(texts, secrets...); leak != "" {
		t.Error(leak)
	}
}

// e2eLeak reports the first secret found in the texts: raw, trimmed,
// unquoted, without its scheme, URL-encoded, or any 10 characters of it
// beyond the first and last four (what a mask may show). "" when none.
func e2eLeak(texts []string, secrets ...string) string {
	for _, s := range secrets {
		variants := map[string]bool{}
		add := func(v string) {
			if len(v) >= 10 {
				variants[v] = true
			}
		}
		core := strings.TrimPrefix(strings.Trim(strings.TrimSpace(s), `"'`), "Bearer ")
		for _, v := range []string{s, strings.TrimSpace(s), core} {
			add(v)
			add(url.QueryEscape(v))
			add(url.PathEscape(v))
		}
		for i := 4; i+10 <= len(core)-4; i++ {
			add(core[i : i+10])
		}
		for _, text := range texts {
			for v := range variants {
				if i := strings.Index(text, v); i >= 0 {
					lo, hi := max(0, i-60), min(len(text), i+len(v)+60)
					return fmt.Sprintf("secret leaked (%q) in output: …%s…", v, text[lo:hi])
				}
			}
		}
	}
	return ""
}

// The leak check must be able to fail, or every test above proves nothing.
func TestE2ELeakCheck(t *testing.T) {
	t.Parallel()
	key := e2eOpenAIKey
	for _, text := range []string{
		"Incorrect API key provided: " + key,
		"key=" + url.QueryEscape("Bearer "+key),
		"cut: " + key[20:40],
		`value "` + key + `"`,
	} {
		if e2eLeak([]string{text}, "Bearer "+key+"\n") == "" {
			t.Errorf("the leak check missed the key in %q", text)
		}
	}
	if leak := e2eLeak([]string{"key: sk-p…CRET (71 chars, from OPENAI_API_KEY)"}, key); leak != "" {
		t.Errorf("the leak check flags a proper mask: %s", leak)
	}
}

// e2eDiagnose runs diagnose --json and returns the decoded object, after
// checking the JSON contract, the exit status's agreement with the cause
// and that no key leaked.
func e2eDiagnose(t *testing.T, c e2eCmd) (e2eResult, e2eOut) {
	t.Helper()
	c.args = append([]string{"diagnose", "--json"}, c.args...)
	out := e2eRun(t, c)
	res := e2eDecode(t, out)
	want := 1
	if res.Cause.ID == "healthy" {
		want = 0
	}
	if out.code != want {
		t.Errorf("exit %d for cause %s, want %d", out.code, res.Cause.ID, want)
	}
	secrets := []string{e2eOpenAIKey, e2eAnthropicKey, e2eRelayKey, e2eTokenHubKey, e2eHeaderSecret, e2eHerokuKey, e2eLatentKitKey}
	for _, v := range c.env {
		if strings.Contains(v, "E2EKEY") {
			secrets = append(secrets, v)
		}
	}
	e2eNoLeak(t, []string{out.stdout, out.stderr}, secrets...)
	return res, out
}

// e2eWant checks the cause and says, when it is wrong, what the checks saw.
func e2eWant(t *testing.T, res e2eResult, cause string) {
	t.Helper()
	if res.Cause.ID == cause {
		return
	}
	var b strings.Builder
	for _, c := range res.Checks {
		fmt.Fprintf(&b, "\n  %-12s %-4s %s", c.ID, c.Status, c.Summary)
	}
	ev, _ := json.Marshal(res.Evidence)
	t.Errorf("cause %q, want %q\nchecks:%s\nevidence: %s", res.Cause.ID, cause, b.String(), ev)
}

func e2eCheck(res e2eResult, id string) (status, summary string) {
	for _, c := range res.Checks {
		if c.ID == id {
			return c.Status, c.Summary
		}
	}
	return "", ""
}

// e2eCatalogue is the public cause IDs in order, as content/causes.yaml
// lists them (content's tests hold that file to CAUSES.md's table): no Go
// list to edit when a cause is added.
var e2eCatalogue = sync.OnceValue(func() []string {
	data, err := os.ReadFile(filepath.Join("content", "causes.yaml"))
	if err != nil {
		panic(err) // a broken checkout, not a finding
	}
	var entries []struct {
		ID string `yaml:"id"`
	}
	if err := yaml.Unmarshal(data, &entries); err != nil {
		panic(err)
	}
	ids := make([]string, len(entries))
	for i, e := range entries {
		ids[i] = e.ID
	}
	return ids
})

func e2eIsCause(id string) bool {
	for _, c := range e2eCatalogue() {
		if c == id {
			return true
		}
	}
	return false
}

// e2eOpenAIServer is a healthy OpenAI-style API.
func e2eOpenAIServer() *e2eAPI {
	return &e2eAPI{style: "openai", key: e2eOpenAIKey,
		models: []string{"gpt-4o", "gpt-4o-mini", "gpt-4.1", "o3-mini", "text-embedding-3-small"},
		header: http.Header{"X-Request-Id": {"req_e2e8f2c1e0a9b7d4e6f"}, "Openai-Processing-Ms": {"212"}}}
}

func e2eOpenAIEnv(key string) map[string]string { return map[string]string{"OPENAI_API_KEY": key} }

// ── diagnose: healthy ───────────────────────────────────────────────────

func TestE2EDiagnoseHealthyOpenAI(t *testing.T) {
	t.Parallel()
	api := e2eOpenAIServer()
	srv := e2eServe(t, api)
	base := e2eURL(srv, "/v1")
	res, _ := e2eDiagnose(t, e2eCmd{
		args: []string{"--base-url", base, "--model", "gpt-4o", "--timeout", "5s"},
		env:  e2eOpenAIEnv(e2eOpenAIKey),
	})
	e2eWant(t, res, "healthy")
	if got := api.posts.Load(); got != 1 {
		t.Errorf("the server got %d completions, want exactly 1", got)
	}
	for _, r := range api.requests() {
		if r.Method != "POST" {
			continue
		}
		if r.Header.Get("Authorization") != "Bearer "+e2eOpenAIKey {
			t.Errorf("the completion was not sent with the key as Bearer")
		}
		var req e2eCompletion
		_ = json.Unmarshal([]byte(r.Body), &req)
		if !req.Stream || req.Model != "gpt-4o" || req.MaxTokens < 1 || req.MaxTokens > 16 {
			t.Errorf("the completion is not the minimal stream it should be: %s", r.Body)
		}
	}
	ev := res.Evidence
	if ev.Endpoint != base+"/chat/completions" {
		t.Errorf("evidence.endpoint = %q, want %q", ev.Endpoint, base+"/chat/completions")
	}
	if ev.Model != "gpt-4o" || ev.Protocol != "openai" {
		t.Errorf("evidence model/protocol = %q/%q", ev.Model, ev.Protocol)
	}
	if !strings.Contains(ev.Key, "(") || !strings.Contains(ev.Key, "OPENAI_API_KEY") {
		t.Errorf("evidence.key = %q, want a fingerprint naming OPENAI_API_KEY", ev.Key)
	}
	if st, _ := e2eCheck(res, "request"); st != "pass" {
		t.Errorf("request check %q, want pass", st)
	}
	if res.Cause.Layer != "none" {
		t.Errorf("healthy layer %q, want none", res.Cause.Layer)
	}
}

func TestE2EDiagnoseHealthyNoRequest(t *testing.T) {
	t.Parallel()
	api := e2eOpenAIServer()
	srv := e2eServe(t, api)
	res, _ := e2eDiagnose(t, e2eCmd{
		args: []string{"--base-url", e2eURL(srv, "/v1"), "--model", "gpt-4o", "--no-request", "--timeout", "5s"},
		env:  e2eOpenAIEnv(e2eOpenAIKey),
	})
	e2eWant(t, res, "healthy")
	if got := api.posts.Load(); got != 0 {
		t.Errorf("--no-request: the server got %d POSTs, want none", got)
	}
	if api.gets.Load() == 0 {
		t.Errorf("--no-request: the free models list was not asked")
	}
	if st, _ := e2eCheck(res, "request"); st != "skip" {
		t.Errorf("request check %q, want skip", st)
	}
}

func e2eAnthropicServer() *e2eAPI {
	return &e2eAPI{style: "anthropic", key: e2eAnthropicKey,
		models: []string{"claude-sonnet-4-5-20250929", "claude-opus-4-1-20250805", "claude-3-5-haiku-20241022"},
		header: http.Header{"Request-Id": {"req_011CE2EHealthy8xQm2LwZ"}}}
}

// With no flags, the base URL and model come from the SDK's variables.
func TestE2EDiagnoseEnvDefaults(t *testing.T) {
	t.Parallel()
	api := e2eOpenAIServer()
	srv := e2eServe(t, api)
	base := e2eURL(srv, "/v1")
	res, _ := e2eDiagnose(t, e2eCmd{
		args: []string{"--timeout", "5s"},
		env:  map[string]string{"OPENAI_API_KEY": e2eOpenAIKey, "OPENAI_BASE_URL": base, "OPENAI_MODEL": "gpt-4o-mini"},
	})
	e2eWant(t, res, "healthy")
	if res.Evidence.BaseURL != base || res.Evidence.Model != "gpt-4o-mini" {
		t.Errorf("evidence base_url/model = %q/%q, want %q/gpt-4o-mini from the environment", res.Evidence.BaseURL, res.Evidence.Model, base)
	}
	if api.posts.Load() != 1 {
		t.Errorf("the server got %d completions, want 1", api.posts.Load())
	}
}

func TestE2EDiagnoseHealthyAnthropic(t *testing.T) {
	t.Parallel()
	api := e2eAnthropicServer()
	srv := e2eServe(t, api)
	base := e2eURL(srv, "")
	res, _ := e2eDiagnose(t, e2eCmd{
		args: []string{"--provider", "anthropic", "--base-url", base, "--model", "claude-sonnet-4-5-20250929", "--timeout", "5s"},
		env:  map[string]string{"ANTHROPIC_API_KEY": e2eAnthropicKey},
	})
	e2eWant(t, res, "healthy")
	if api.posts.Load() != 1 {
		t.Errorf("the server got %d messages requests, want 1", api.posts.Load())
	}
	for _, r := range api.requests() {
		if r.Header.Get("x-api-key") != e2eAnthropicKey || r.Header.Get("anthropic-version") == "" {
			t.Errorf("%s %s without x-api-key or anthropic-version", r.Method, r.Path)
		}
	}
	if res.Evidence.Endpoint != base+"/v1/messages" || res.Evidence.Protocol != "anthropic" {
		t.Errorf("evidence endpoint/protocol = %q/%q", res.Evidence.Endpoint, res.Evidence.Protocol)
	}
}

// Anthropic's models list shows dated IDs only; the aliases people use
// (claude-sonnet-4-5) work on /v1/messages all the same.
func TestE2EDiagnoseAnthropicAlias(t *testing.T) {
	t.Parallel()
	alias := func(t *testing.T, noRequest bool) {
		api := e2eAnthropicServer()
		api.alias = []string{"claude-sonnet-4-5"}
		srv := e2eServe(t, api)
		args := []string{"--provider", "anthropic", "--base-url", e2eURL(srv, ""), "--model", "claude-sonnet-4-5", "--timeout", "5s"}
		if noRequest {
			args = append(args, "--no-request")
		}
		res, _ := e2eDiagnose(t, e2eCmd{args: args, env: map[string]string{"ANTHROPIC_API_KEY": e2eAnthropicKey}})
		e2eWant(t, res, "healthy")
	}
	t.Run("request", func(t *testing.T) { alias(t, false) })
	t.Run("no-request", func(t *testing.T) { alias(t, true) })
}

// Inside a container, a base URL on 127.0.0.1 that answers is not the
// localhost trap: the server runs right here (same container, host network).
func TestE2EDiagnoseLoopbackThatAnswers(t *testing.T) {
	t.Parallel()
	api := e2eOpenAIServer()
	srv := e2eServe(t, api)
	res, _ := e2eDiagnose(t, e2eCmd{
		args: []string{"--base-url", srv.URL + "/v1", "--model", "gpt-4o", "--timeout", "5s"},
		env:  e2eOpenAIEnv(e2eOpenAIKey),
	})
	// In a container this is the case that matters: localhost is the
	// container itself, and here something answers there, so it is right.
	e2eWant(t, res, "healthy")
}

// ── diagnose: the key ───────────────────────────────────────────────────

func TestE2EDiagnoseKey(t *testing.T) {
	t.Parallel()
	api := e2eOpenAIServer()
	srv := e2eServe(t, api)
	base := e2eURL(srv, "/v1")
	args := []string{"--base-url", base, "--model", "gpt-4o", "--timeout", "5s"}
	other := "sk-proj-E2EKEYw0rng9c2d1b8e4f6a0c5d9e2b7a1f4c8d3e6b9a2c5f8d1e4b7a0SECRET" // the server knows another key

	cases := []struct {
		name, cause string
		env         map[string]string
		envFile     string // written to .env in the working directory
	}{
		{name: "trailing newline", cause: "key-whitespace", env: e2eOpenAIEnv(other + "\n")},
		{name: "quoted", cause: "key-quoted", env: e2eOpenAIEnv(`"` + other + `"`)},
		{name: "bearer", cause: "key-has-scheme", env: e2eOpenAIEnv("Bearer " + other)},
		{name: "missing", cause: "key-missing"},
		{name: "only in .env", cause: "env-file-not-loaded", envFile: "OPENAI_API_KEY=" + e2eOpenAIKey + "\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if tc.envFile != "" {
				if err := os.WriteFile(filepath.Join(dir, ".env"), []byte(tc.envFile), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			res, out := e2eDiagnose(t, e2eCmd{args: args, env: tc.env, dir: dir})
			e2eWant(t, res, tc.cause)
			e2eNoLeak(t, []string{out.stdout, out.stderr}, other)
		})
	}
}

// e2eOpenAIKeyRejected is the matrix's openai/bad key: a well-formed key
// the server does not know, and the evidence of its 401.
func e2eOpenAIKeyRejected(t *testing.T) {
	api := e2eOpenAIServer()
	srv := e2eServe(t, api)
	other := "sk-proj-E2EKEYw0rng9c2d1b8e4f6a0c5d9e2b7a1f4c8d3e6b9a2c5f8d1e4b7a0SECRET"
	res, out := e2eDiagnose(t, e2eCmd{args: []string{"--base-url", e2eURL(srv, "/v1"), "--model", "gpt-4o", "--timeout", "5s"}, env: e2eOpenAIEnv(other)})
	e2eWant(t, res, "key-rejected")
	e2eNoLeak(t, []string{out.stdout, out.stderr}, other)
	ev := res.Evidence
	if ev.Status != 401 || ev.ErrorCode != "invalid_api_key" {
		t.Errorf("evidence status/code = %d/%q, want 401/invalid_api_key", ev.Status, ev.ErrorCode)
	}
	if ev.RequestID != "req_e2e8f2c1e0a9b7d4e6f" {
		t.Errorf("evidence.request_id = %q, want the x-request-id", ev.RequestID)
	}
	if !strings.Contains(ev.ErrorMessage, "Incorrect API key provided") {
		t.Errorf("evidence.error_message = %q, want the server's message (masked)", ev.ErrorMessage)
	}
}

// ── diagnose: quota and rate limits ─────────────────────────────────────

// e2eOpenAI429 is one of OpenAI's 429s, by name: "insufficient_quota" and
// "rate_limit_exceeded" are the matrix's openai/no credit and rate limit,
// "request too large" is TestE2EDiagnoseQuotaAndRate's.
func e2eOpenAI429(t *testing.T, name string) {
	rateHeaders := func(w http.ResponseWriter) {
		h := w.Header()
		h.Set("x-ratelimit-limit-requests", "500")
		h.Set("x-ratelimit-remaining-requests", "0")
		h.Set("x-ratelimit-reset-requests", "6m0s")
		h.Set("x-ratelimit-limit-tokens", "30000")
		h.Set("x-ratelimit-remaining-tokens", "29990")
		h.Set("x-ratelimit-reset-tokens", "20ms")
		h.Set("retry-after", "20")
	}
	cases := []struct {
		name, cause, fixture string
		headers              func(http.ResponseWriter)
		check                func(t *testing.T, ev checks.Evidence)
	}{
		{name: "insufficient_quota", cause: "insufficient-balance", fixture: "openai_429_insufficient_quota.json",
			check: func(t *testing.T, ev checks.Evidence) {
				if ev.Status != 429 || ev.ErrorCode != "insufficient_quota" {
					t.Errorf("evidence status/code = %d/%q", ev.Status, ev.ErrorCode)
				}
			}},
		{name: "rate_limit_exceeded", cause: "rate-limited", fixture: "openai_429_rate_limit.json", headers: rateHeaders,
			check: func(t *testing.T, ev checks.Evidence) {
				rl := ev.RateLimit
				if rl == nil {
					t.Fatalf("evidence.rate_limit is missing")
				}
				if !strings.HasPrefix(rl.Reset, "in 6 min") {
					t.Errorf("rate_limit.reset = %q, want the exhausted requests' reset, in 6 min (at …)", rl.Reset)
				}
				if rl.RetryAfter != "20 s" {
					t.Errorf("rate_limit.retry_after = %q, want 20 s", rl.RetryAfter)
				}
				if !strings.Contains(rl.Limit, "500") || !strings.Contains(rl.Remaining, "0") {
					t.Errorf("rate_limit limit/remaining = %q/%q", rl.Limit, rl.Remaining)
				}
				if ev.ErrorCode != "rate_limit_exceeded" {
					t.Errorf("evidence.error_code = %q", ev.ErrorCode)
				}
			}},
		{name: "request too large", cause: "request-over-rate-budget", fixture: "openai_429_request_too_large.json",
			headers: func(w http.ResponseWriter) {
				w.Header().Set("x-ratelimit-limit-tokens", "30000")
				w.Header().Set("x-ratelimit-remaining-tokens", "30000")
			}},
	}
	for _, tc := range cases {
		if tc.name != name {
			continue
		}
		api := e2eOpenAIServer()
		api.complete = func(w http.ResponseWriter, r *http.Request, req e2eCompletion) {
			if tc.headers != nil {
				tc.headers(w)
			}
			e2eBody(429, "application/json", tc.fixture)(w, r, req)
		}
		srv := e2eServe(t, api)
		res, _ := e2eDiagnose(t, e2eCmd{
			args: []string{"--base-url", e2eURL(srv, "/v1"), "--model", "gpt-4o", "--timeout", "5s"},
			env:  e2eOpenAIEnv(e2eOpenAIKey),
		})
		e2eWant(t, res, tc.cause)
		if tc.check != nil {
			tc.check(t, res.Evidence)
		}
		if res.Evidence.Endpoint != e2eURL(srv, "/v1")+"/chat/completions" {
			t.Errorf("evidence.endpoint = %q", res.Evidence.Endpoint)
		}
		return
	}
	t.Fatalf("no 429 case %q", name)
}

func TestE2EDiagnoseQuotaAndRate(t *testing.T) {
	t.Parallel()
	e2eOpenAI429(t, "request too large")
}

// ── diagnose: Anthropic's own failures ──────────────────────────────────

// e2eAnthropicFailure is one of Anthropic's own failures, by name: "400
// credit balance" is the matrix's anthropic/no credit.
func e2eAnthropicFailure(t *testing.T, name string) {
	cases := []struct {
		name, cause, fixture string
		status               int
		requestID            string
	}{
		{"529 overloaded", "upstream-unavailable", "anthropic_529_overloaded.json", 529, "req_011CE2EOverL0adXy5Za6Bc7"},
		{"400 credit balance", "insufficient-balance", "anthropic_400_credit_balance.json", 400, "req_011CE2ECredit9kLm0No1Pq2"},
	}
	for _, tc := range cases {
		if tc.name != name {
			continue
		}
		api := e2eAnthropicServer()
		api.header = nil
		api.complete = func(w http.ResponseWriter, r *http.Request, req e2eCompletion) {
			w.Header().Set("request-id", tc.requestID)
			e2eBody(tc.status, "application/json", tc.fixture)(w, r, req)
		}
		srv := e2eServe(t, api)
		res, _ := e2eDiagnose(t, e2eCmd{
			args: []string{"--provider", "anthropic", "--base-url", e2eURL(srv, ""), "--model", "claude-sonnet-4-5-20250929", "--timeout", "5s"},
			env:  map[string]string{"ANTHROPIC_API_KEY": e2eAnthropicKey},
		})
		e2eWant(t, res, tc.cause)
		if res.Evidence.Status != tc.status || res.Evidence.RequestID != tc.requestID {
			t.Errorf("evidence status/request_id = %d/%q, want %d/%q", res.Evidence.Status, res.Evidence.RequestID, tc.status, tc.requestID)
		}
		return
	}
	t.Fatalf("no Anthropic case %q", name)
}

func TestE2EDiagnoseAnthropicFailures(t *testing.T) {
	t.Parallel()
	e2eAnthropicFailure(t, "529 overloaded")
}

// ── diagnose: the model and the URL ─────────────────────────────────────

// e2eOpenAIModelNotFound is the matrix's openai/wrong model: a typo and a
// wrong case, each with the nearest real ID suggested.
func e2eOpenAIModelNotFound(t *testing.T) {
	for _, model := range []string{"gpt4o", "GPT-4o"} {
		t.Run(model, func(t *testing.T) {
			t.Parallel()
			api := e2eOpenAIServer()
			srv := e2eServe(t, api)
			res, _ := e2eDiagnose(t, e2eCmd{
				args: []string{"--base-url", e2eURL(srv, "/v1"), "--model", model, "--timeout", "5s"},
				env:  e2eOpenAIEnv(e2eOpenAIKey),
			})
			e2eWant(t, res, "model-not-found")
			if res.Evidence.SuggestedModel != "gpt-4o" {
				t.Errorf("evidence.suggested_model = %q, want gpt-4o", res.Evidence.SuggestedModel)
			}
			if res.Evidence.Model != model {
				t.Errorf("evidence.model = %q, want %q as asked", res.Evidence.Model, model)
			}
			if !strings.Contains(res.Guidance, "gpt-4o") {
				t.Errorf("the guidance does not name the suggested model")
			}
		})
	}
}

func TestE2EDiagnoseBaseURL(t *testing.T) {
	t.Parallel()
	html404 := func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Server", "nginx/1.24.0 (Ubuntu)")
		w.WriteHeader(404)
		_, _ = w.Write(e2eFixture("nginx_404.html"))
	}
	t.Run("no /v1, openai", func(t *testing.T) {
		t.Parallel()
		api := e2eOpenAIServer()
		api.notFound = html404
		srv := e2eServe(t, api)
		res, _ := e2eDiagnose(t, e2eCmd{
			args: []string{"--provider", "openai", "--base-url", e2eURL(srv, ""), "--model", "gpt-4o", "--timeout", "5s"},
			env:  e2eOpenAIEnv(e2eOpenAIKey),
		})
		e2eWant(t, res, "base-url-path")
	})
	t.Run("no /v1, gateway answers 404 HTML", func(t *testing.T) {
		t.Parallel()
		api := e2eOpenAIServer()
		api.notFound = html404
		srv := e2eServe(t, api)
		res, _ := e2eDiagnose(t, e2eCmd{
			args: []string{"--provider", "openai-compatible", "--base-url", e2eURL(srv, ""), "--model", "gpt-4o", "--timeout", "5s"},
			env:  e2eOpenAIEnv(e2eOpenAIKey),
		})
		e2eWant(t, res, "base-url-path")
		if res.Evidence.Status != 404 {
			t.Errorf("evidence.status = %d, want the 404", res.Evidence.Status)
		}
		if got := e2eURL(srv, "") + "/chat/completions"; res.Evidence.Endpoint != got {
			t.Errorf("evidence.endpoint = %q, want %q (the URL the SDK builds)", res.Evidence.Endpoint, got)
		}
	})
	t.Run("no scheme", func(t *testing.T) {
		t.Parallel()
		api := e2eOpenAIServer()
		srv := e2eServe(t, api)
		hostPort := strings.TrimPrefix(e2eURL(srv, "/v1"), "http://")
		res, _ := e2eDiagnose(t, e2eCmd{
			args: []string{"--base-url", hostPort, "--model", "gpt-4o", "--timeout", "2s"},
			env:  e2eOpenAIEnv(e2eOpenAIKey),
		})
		e2eWant(t, res, "base-url-malformed")
		if api.posts.Load() != 0 {
			t.Errorf("a completion was sent to a base URL without a scheme")
		}
	})
}

// ── diagnose: the network ───────────────────────────────────────────────

func TestE2EDiagnoseNetwork(t *testing.T) {
	t.Parallel()
	t.Run("connection refused", func(t *testing.T) {
		t.Parallel()
		_, port, _ := strings.Cut(e2eClosedPort(t), ":")
		res, _ := e2eDiagnose(t, e2eCmd{
			args: []string{"--base-url", "http://" + e2eHost + ":" + port + "/v1", "--model", "gpt-4o", "--timeout", "2s"},
			env:  e2eOpenAIEnv(e2eOpenAIKey),
		})
		e2eWant(t, res, "connection-refused")
		if st, _ := e2eCheck(res, "tcp"); st != "fail" {
			t.Errorf("tcp check %q, want fail", st)
		}
	})
	t.Run("dead proxy", func(t *testing.T) {
		t.Parallel()
		proxy := "http://" + e2eClosedPort(t)
		res, _ := e2eDiagnose(t, e2eCmd{
			args: []string{"--provider", "openai-compatible", "--base-url", "https://api.unstuck-e2e-proxied.onion/v1", "--model", "gpt-4o", "--timeout", "2s"},
			env:  map[string]string{"OPENAI_API_KEY": e2eOpenAIKey, "HTTPS_PROXY": proxy, "HTTP_PROXY": proxy},
		})
		e2eWant(t, res, "proxy-failure")
		if res.Evidence.Proxy == "" {
			t.Errorf("evidence.proxy is empty; the page should name the proxy")
		}
	})
	t.Run("dns", func(t *testing.T) {
		t.Parallel()
		// .onion names are never sent to a resolver (RFC 7686): nothing
		// leaves this machine.
		res, _ := e2eDiagnose(t, e2eCmd{
			args: []string{"--provider", "openai-compatible", "--base-url", "https://api.unstuck-e2e-nxdomain.onion/v1", "--model", "gpt-4o", "--timeout", "2s"},
			env:  e2eOpenAIEnv(e2eOpenAIKey),
		})
		e2eWant(t, res, "dns-failure")
	})
	t.Run("timeout", func(t *testing.T) {
		t.Parallel()
		_, port, _ := strings.Cut(e2eSilent(t), ":")
		res, _ := e2eDiagnose(t, e2eCmd{
			args:  []string{"--base-url", "http://" + e2eHost + ":" + port + "/v1", "--model", "gpt-4o", "--timeout", "300ms"},
			env:   e2eOpenAIEnv(e2eOpenAIKey),
			limit: 10 * time.Second,
		})
		e2eWant(t, res, "timeout")
	})
}

// ── diagnose: relays and routers ────────────────────────────────────────

func TestE2EDiagnoseRelays(t *testing.T) {
	t.Parallel()
	t.Run("new-api 503 no available channel", func(t *testing.T) {
		t.Parallel()
		api := e2eRelay()
		api.complete = func(w http.ResponseWriter, r *http.Request, req e2eCompletion) {
			w.Header().Set("X-Oneapi-Request-Id", "20240612153112987654321xYzAbCdE")
			e2eBody(503, "application/json; charset=utf-8", "newapi_503_no_channel.json")(w, r, req)
		}
		srv := e2eServe(t, api)
		res, _ := e2eDiagnose(t, e2eCmd{
			args: []string{"--provider", "openai-compatible", "--base-url", e2eURL(srv, "/v1"), "--model", "gpt-4o", "--timeout", "5s"},
			env:  e2eOpenAIEnv(e2eRelayKey),
		})
		e2eWant(t, res, "no-eligible-provider")
		if res.Evidence.RequestID != "20240612153112987654321xYzAbCdE" || res.Evidence.Status != 503 {
			t.Errorf("evidence request_id/status = %q/%d", res.Evidence.RequestID, res.Evidence.Status)
		}
	})
}

// e2eRelay is a one-api/new-api style relay with its own keys.
func e2eRelay() *e2eAPI {
	return &e2eAPI{style: "openai", key: e2eRelayKey, models: []string{"gpt-4o", "gpt-4o-mini", "deepseek-chat", "claude-sonnet-4-5"}}
}

// e2eOneAPIKeyRejected is the matrix's openai-compatible/bad key: one-api's
// 401 for a token it does not know, with its request id in the message.
func e2eOneAPIKeyRejected(t *testing.T) {
	api := e2eRelay()
	api.unauthorized = func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(401)
		_, _ = w.Write(e2eFixture("oneapi_401_invalid_token.json"))
	}
	srv := e2eServe(t, api)
	res, _ := e2eDiagnose(t, e2eCmd{
		args: []string{"--provider", "openai-compatible", "--base-url", e2eURL(srv, "/v1"), "--model", "gpt-4o", "--timeout", "5s"},
		env:  e2eOpenAIEnv("sk-E2EKEYn0tTh1s9c2d1b8e4f6a0c5d9e2b7a1f4c8d3e6b9a2cSECRET"),
	})
	e2eWant(t, res, "key-rejected")
	if res.Evidence.RequestID != "20240612153045123456789aBcDeFgH" {
		t.Errorf("evidence.request_id = %q, want the id from the message's (request id: …)", res.Evidence.RequestID)
	}
	if res.Evidence.Status != 401 {
		t.Errorf("evidence.status = %d", res.Evidence.Status)
	}
}

// e2eTokenHubUsageLimit is the matrix's tokenhub/no credit: the key's own
// monthly limit, a 402.
func e2eTokenHubUsageLimit(t *testing.T) {
	api := &e2eAPI{style: "openai", key: e2eTokenHubKey, models: []string{"openai/gpt-4o", "anthropic/claude-sonnet-4-5", "gpt-4o"}}
	api.complete = func(w http.ResponseWriter, r *http.Request, req e2eCompletion) {
		w.Header().Set("X-Inferoute-Request-Id", "ifr_e2e9f8e7d6c5b4a3928")
		e2eBody(402, "application/json", "tokenhub_402_usage_limit.json")(w, r, req)
	}
	srv := e2eServe(t, api)
	res, _ := e2eDiagnose(t, e2eCmd{
		args: []string{"--provider", "tokenhub", "--base-url", e2eURL(srv, "/v1"), "--model", "openai/gpt-4o", "--timeout", "5s"},
		env:  map[string]string{"TOKENHUB_API_KEY": e2eTokenHubKey},
	})
	e2eWant(t, res, "key-usage-limit")
	if res.Evidence.RequestID != "ifr_e2e9f8e7d6c5b4a3928" || res.Evidence.Status != 402 {
		t.Errorf("evidence request_id/status = %q/%d, want the X-Inferoute-Request-Id and 402", res.Evidence.RequestID, res.Evidence.Status)
	}
}

// Errors that arrive after a 200: the stream check.
func TestE2EDiagnoseStream(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, cause, fixture string
		served               string
	}{
		// OpenRouter wraps the provider's failure (a 502 from DeepInfra) in
		// a chunk: the inner cause is the more specific one.
		{name: "openrouter error chunk", cause: "upstream-unavailable", fixture: "openrouter_midstream_error.sse", served: "DeepInfra"},
		// The stream stops without [DONE] and without a finish_reason.
		{name: "cut off", cause: "stream-error", fixture: "openai_stream_cut.sse"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			api := &e2eAPI{style: "openai", key: e2eOpenAIKey, prefix: "/api/v1", models: []string{"meta-llama/llama-3.3-70b-instruct", "gpt-4o"}}
			api.complete = func(w http.ResponseWriter, _ *http.Request, _ e2eCompletion) { e2eSSEFile(w, tc.fixture) }
			srv := e2eServe(t, api)
			res, _ := e2eDiagnose(t, e2eCmd{
				args: []string{"--provider", "openai-compatible", "--base-url", e2eURL(srv, "/api/v1"), "--model", "meta-llama/llama-3.3-70b-instruct", "--timeout", "5s"},
				env:  e2eOpenAIEnv(e2eOpenAIKey),
			})
			e2eWant(t, res, tc.cause)
			if tc.served != "" && res.Evidence.ServedBy != tc.served {
				t.Errorf("evidence.served_by = %q, want %q", res.Evidence.ServedBy, tc.served)
			}
		})
	}
	t.Run("error event", func(t *testing.T) {
		t.Parallel()
		api := e2eAnthropicServer()
		api.complete = func(w http.ResponseWriter, _ *http.Request, _ e2eCompletion) {
			w.Header().Set("Content-Type", "text/event-stream")
			w.WriteHeader(200)
			io.WriteString(w, "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_01E2E\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5-20250929\",\"content\":[]}}\n\n"+
				"event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"stream_interrupted\",\"message\":\"stream terminated\"}}\n\n")
		}
		srv := e2eServe(t, api)
		res, _ := e2eDiagnose(t, e2eCmd{
			args: []string{"--provider", "anthropic", "--base-url", e2eURL(srv, ""), "--model", "claude-sonnet-4-5-20250929", "--timeout", "5s"},
			env:  map[string]string{"ANTHROPIC_API_KEY": e2eAnthropicKey},
		})
		e2eWant(t, res, "stream-error")
	})
	// An error event after the first chunk is named by what it says when
	// it names a specific cause, and is a broken stream when it only says
	// the server failed mid-answer; the inner error is evidence either way.
	for _, tc := range []struct{ name, event, cause, message string }{
		{"server failed mid-answer", `{"type":"error","error":{"type":"api_error","message":"Internal server error"}}`, "stream-error", "Internal server error"},
		{"overloaded mid-answer", `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`, "upstream-unavailable", "Overloaded"},
		{"rate limited mid-answer", `{"type":"error","error":{"type":"rate_limit_error","message":"Number of request tokens has exceeded your per-minute rate limit"}}`, "rate-limited", "per-minute rate limit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			api := e2eAnthropicServer()
			api.complete = func(w http.ResponseWriter, _ *http.Request, _ e2eCompletion) {
				w.Header().Set("Content-Type", "text/event-stream")
				w.WriteHeader(200)
				io.WriteString(w, "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_01E2E\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5-20250929\",\"content\":[]}}\n\n"+
					"event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n\n"+
					"event: error\ndata: "+tc.event+"\n\n")
			}
			srv := e2eServe(t, api)
			res, _ := e2eDiagnose(t, e2eCmd{
				args: []string{"--provider", "anthropic", "--base-url", e2eURL(srv, ""), "--model", "claude-sonnet-4-5-20250929", "--timeout", "5s"},
				env:  map[string]string{"ANTHROPIC_API_KEY": e2eAnthropicKey},
			})
			e2eWant(t, res, tc.cause)
			if !strings.Contains(res.Evidence.ErrorMessage, tc.message) {
				t.Errorf("the inner error is not shown: evidence.error_message = %q", res.Evidence.ErrorMessage)
			}
		})
	}
}

// More systems and failures from CAUSES.md, each as its server answers.
func TestE2EDiagnoseMore(t *testing.T) {
	t.Parallel()
	file := func(status int, ctype, name string, hdr ...string) func(http.ResponseWriter, *http.Request, e2eCompletion) {
		return func(w http.ResponseWriter, r *http.Request, req e2eCompletion) {
			for i := 0; i+1 < len(hdr); i += 2 {
				if hdr[i+1] == "" {
					w.Header().Del(hdr[i]) // not from the API: the block page comes from the CDN
					continue
				}
				w.Header().Set(hdr[i], hdr[i+1])
			}
			e2eBody(status, ctype, name)(w, r, req)
		}
	}
	type scenario struct {
		name, cause string
		api         func() *e2eAPI
		tls         bool
		args        func(base string) []string // base: scheme://host:port
		env         func(base string) map[string]string
		envFile     string
		check       func(t *testing.T, res e2eResult, base string)
		known       string // a known wrong verdict: skipped when the cause differs
	}
	openaiArgs := func(base string) []string {
		return []string{"--base-url", base + "/v1", "--model", "gpt-4o", "--timeout", "5s"}
	}
	openaiEnv := func(string) map[string]string { return e2eOpenAIEnv(e2eOpenAIKey) }
	cases := []scenario{
		{name: "heroku healthy, INFERENCE_URL bare host", cause: "healthy",
			api: func() *e2eAPI {
				return &e2eAPI{style: "openai", key: e2eHerokuKey, models: []string{"claude-4-5-sonnet"}, header: http.Header{"Request-Id": {"3f1b2c4d-e2e"}}}
			},
			args: func(string) []string { return []string{"--provider", "heroku", "--timeout", "5s"} },
			env: func(base string) map[string]string {
				return map[string]string{"INFERENCE_KEY": e2eHerokuKey, "INFERENCE_URL": base, "INFERENCE_MODEL_ID": "claude-4-5-sonnet"}
			},
			check: func(t *testing.T, res e2eResult, base string) {
				if res.Evidence.Endpoint != base+"/v1/chat/completions" {
					t.Errorf("evidence.endpoint = %q, want INFERENCE_URL + /v1/chat/completions", res.Evidence.Endpoint)
				}
			}},
		{name: "heroku key with newline from config:get", cause: "key-whitespace",
			api: func() *e2eAPI {
				return &e2eAPI{style: "openai", key: e2eHerokuKey, models: []string{"claude-4-5-sonnet"}}
			},
			args: func(string) []string { return []string{"--provider", "heroku", "--timeout", "5s"} },
			env: func(base string) map[string]string {
				return map[string]string{"INFERENCE_KEY": e2eHerokuKey + "\n", "INFERENCE_URL": base, "INFERENCE_MODEL_ID": "claude-4-5-sonnet"}
			}},
		{name: "latentkit budget error inside the stream", cause: "insufficient-balance",
			api: func() *e2eAPI {
				a := &e2eAPI{style: "openai", key: e2eLatentKitKey, anyModel: true}
				a.complete = func(w http.ResponseWriter, _ *http.Request, _ e2eCompletion) {
					w.Header().Set("X-LK-Request-ID", "lkreq_01E2E3S4C6D8E1F3G5H7")
					e2eSSEFile(w, "latentkit_sse_budget_error.txt")
				}
				return a
			},
			args: func(base string) []string {
				return []string{"--provider", "latentkit", "--base-url", base + "/v1", "--timeout", "5s"}
			},
			env: func(string) map[string]string { return map[string]string{"LATENTKIT_API_KEY": e2eLatentKitKey} },
			check: func(t *testing.T, res e2eResult, _ string) {
				if res.Evidence.ErrorCode != "budget_exceeded" {
					t.Errorf("evidence.error_code = %q, want budget_exceeded", res.Evidence.ErrorCode)
				}
			}},
		{name: "tokenhub served by another provider", cause: "wrong-provider",
			api: func() *e2eAPI {
				a := &e2eAPI{style: "openai", key: e2eTokenHubKey, models: []string{"openai/gpt-4o", "anthropic/claude-sonnet-4-5"}}
				a.complete = func(w http.ResponseWriter, _ *http.Request, _ e2eCompletion) {
					w.Header().Set("X-Inferoute-Provider", "anthropic")
					w.Header().Set("X-Inferoute-Request-Id", "ifr_e2e0a1b2c3d4e5f6071")
					e2eSSEFile(w, "openai_stream.sse")
				}
				return a
			},
			args: func(base string) []string {
				return []string{"--provider", "tokenhub", "--base-url", base + "/v1", "--model", "openai/gpt-4o", "--timeout", "5s"}
			},
			env: func(string) map[string]string { return map[string]string{"TOKENHUB_API_KEY": e2eTokenHubKey} },
			check: func(t *testing.T, res e2eResult, _ string) {
				if res.Evidence.ServedBy != "anthropic" {
					t.Errorf("evidence.served_by = %q, want anthropic", res.Evidence.ServedBy)
				}
			}},
		{name: "relay's upstream key refused", cause: "upstream-auth-failed",
			api: func() *e2eAPI {
				a := &e2eAPI{style: "openai", key: e2eRelayKey, models: []string{"gpt-4o"}}
				a.complete = file(401, "application/json; charset=utf-8", "oneapi_401_upstream_key.json")
				return a
			},
			args: func(base string) []string {
				return []string{"--provider", "openai-compatible", "--base-url", base + "/v1", "--model", "gpt-4o", "--timeout", "5s"}
			},
			env: func(string) map[string]string { return e2eOpenAIEnv(e2eRelayKey) }},
		{name: "server reads x-api-key only", cause: "auth-header-format",
			api: func() *e2eAPI {
				a := e2eOpenAIServer()
				a.xAPIKey = true
				return a
			},
			args: openaiArgs, env: openaiEnv},
		{name: "anthropic base URL with /v1", cause: "base-url-path",
			api: e2eAnthropicServer,
			args: func(base string) []string {
				return []string{"--provider", "anthropic", "--base-url", base + "/v1", "--model", "claude-sonnet-4-5-20250929", "--timeout", "5s"}
			},
			env: func(string) map[string]string { return map[string]string{"ANTHROPIC_API_KEY": e2eAnthropicKey} }},
		{name: "anthropic key in OPENAI_API_KEY", cause: "key-wrong-platform",
			api: e2eOpenAIServer,
			args: func(base string) []string {
				return []string{"--provider", "openai", "--base-url", base + "/v1", "--model", "gpt-4o", "--timeout", "5s"}
			},
			env: func(string) map[string]string { return e2eOpenAIEnv(e2eAnthropicKey) }},
		{name: "region blocked", cause: "region-blocked",
			api: func() *e2eAPI {
				a := e2eOpenAIServer()
				a.complete = file(403, "application/json", "openai_403_region.json")
				return a
			},
			args: openaiArgs, env: openaiEnv},
		{name: "project without the model", cause: "model-access-denied",
			api: func() *e2eAPI {
				a := e2eOpenAIServer()
				a.complete = file(403, "application/json", "openai_403_project_model_access.json")
				return a
			},
			args: openaiArgs, env: openaiEnv},
		{name: "cloudflare block page", cause: "policy-blocked",
			api: func() *e2eAPI {
				a := e2eOpenAIServer()
				a.complete = file(403, "text/html; charset=UTF-8", "cloudflare_403_blocked.html",
					"X-Request-Id", "", "Openai-Processing-Ms", "", "Server", "cloudflare", "CF-RAY", "8f2a9c4e1b7d3a62-LHR")
				return a
			},
			args: openaiArgs, env: openaiEnv,
			check: func(t *testing.T, res e2eResult, _ string) {
				if res.Evidence.RequestID != "8f2a9c4e1b7d3a62-LHR" {
					t.Errorf("evidence.request_id = %q, want the cf-ray", res.Evidence.RequestID)
				}
			}},
		{name: "self-signed certificate", cause: "tls-failure", tls: true,
			api: e2eOpenAIServer, args: openaiArgs, env: openaiEnv},
		{name: "key in a front-end variable", cause: "key-in-frontend-env",
			api: e2eOpenAIServer, args: openaiArgs,
			env: func(string) map[string]string {
				return map[string]string{"OPENAI_API_KEY": e2eOpenAIKey, "NEXT_PUBLIC_OPENAI_API_KEY": e2eOpenAIKey}
			}},
		{name: ".env with export and CRLF", cause: "env-file-syntax",
			api: e2eOpenAIServer, args: openaiArgs, env: openaiEnv,
			envFile: "export OPENAI_API_KEY=" + e2eOpenAIKey + "\r\nOPENAI_MODEL=gpt-4o\r\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			api := tc.api()
			var srv *httptest.Server
			if tc.tls {
				srv = httptest.NewUnstartedServer(api)
				// The binary refuses the certificate: that is the test, not noise.
				srv.Config.ErrorLog = log.New(io.Discard, "", 0)
				srv.StartTLS()
				t.Cleanup(srv.Close)
			} else {
				srv = e2eServe(t, api)
			}
			base := e2eURL(srv, "")
			if tc.tls {
				base = "https://" + strings.TrimPrefix(base, "http://")
			}
			dir := t.TempDir()
			if tc.envFile != "" {
				if err := os.WriteFile(filepath.Join(dir, ".env"), []byte(tc.envFile), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			res, _ := e2eDiagnose(t, e2eCmd{args: tc.args(base), env: tc.env(base), dir: dir})
			if tc.known != "" && res.Cause.ID != tc.cause {
				e2eKnown(t, tc.known)
			}
			e2eWant(t, res, tc.cause)
			if tc.check != nil {
				tc.check(t, res, base)
			}
		})
	}
}

// ── diagnose: the support report and credential headers ─────────────────

func TestE2EDiagnoseReport(t *testing.T) {
	t.Parallel()
	api := e2eOpenAIServer()
	api.complete = func(w http.ResponseWriter, r *http.Request, req e2eCompletion) {
		w.Header().Set("retry-after", "20")
		e2eBody(429, "application/json", "openai_429_rate_limit.json")(w, r, req)
	}
	srv := e2eServe(t, api)
	dir := t.TempDir()
	reportFile := filepath.Join(dir, "ticket.md")
	for _, asJSON := range []bool{true, false} {
		args := []string{"diagnose", "--base-url", e2eURL(srv, "/v1"), "--model", "gpt-4o", "--timeout", "5s",
			"--header", "Helicone-Auth: Bearer " + e2eHeaderSecret, "--header", "x-portkey-provider: openai", "--report", reportFile}
		if asJSON {
			args = append(args, "--json")
		}
		out := e2eRun(t, e2eCmd{args: args, env: e2eOpenAIEnv(e2eOpenAIKey), dir: dir})
		if out.code != 1 {
			t.Errorf("exit %d, want 1 (rate-limited)", out.code)
		}
		b, err := os.ReadFile(reportFile)
		if err != nil {
			t.Fatalf("--report did not write the file: %v", err)
		}
		report := string(b)
		for _, want := range []string{"rate-limited", e2eURL(srv, "/v1") + "/chat/completions", "req_e2e8f2c1e0a9b7d4e6f", "gpt-4o"} {
			if !strings.Contains(report, want) {
				t.Errorf("the report lacks %q:\n%s", want, report)
			}
		}
		if !regexp.MustCompile(`\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d)?.*([+-]\d\d:?\d\d|Z\b|UTC)`).MatchString(report) {
			t.Errorf("the report has no time with a time zone:\n%s", report)
		}
		if !strings.Contains(report, "x-portkey-provider") {
			t.Errorf("the report lacks the non-secret header the client sends")
		}
		e2eNoLeak(t, []string{report, out.stdout, out.stderr}, e2eOpenAIKey, e2eHeaderSecret)
		if !asJSON && !strings.Contains(out.stderr, reportFile) {
			t.Errorf("without --json, stderr should say where the report went: %q", out.stderr)
		}
		if asJSON {
			e2eDecode(t, out)
		}
		// The header reached the server as the user's client sends it.
		seen := api.requests()
		if len(seen) == 0 || seen[len(seen)-1].Header.Get("Helicone-Auth") != "Bearer "+e2eHeaderSecret {
			t.Errorf("the --header was not sent to the server")
		}
	}
}

// ── diagnose: hostile answers ───────────────────────────────────────────

func TestE2EDiagnoseHostile(t *testing.T) {
	t.Parallel()
	big := bytes.Repeat([]byte("<div>not json, just a very large page</div>\n"), 5<<20/44)
	cases := []struct {
		name   string
		want   string // "" when several causes are defensible
		answer func(w http.ResponseWriter, r *http.Request)
	}{
		{"5 MB non-JSON", "upstream-error", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(500)
			_, _ = w.Write(big)
		}},
		{"5 MB 200 non-JSON", "", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(200)
			_, _ = w.Write(big)
		}},
		{"invalid UTF-8", "key-rejected", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Request-Id", "req_\xff\xfe\x80bad")
			w.WriteHeader(401)
			_, _ = w.Write([]byte("{\"error\":{\"message\":\"Incorrect API key \xff\xfe\xc3\x28 provided: " + e2eOpenAIKey + " \xed\xa0\x80\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}"))
		}},
		{"gzip bomb", "", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Encoding", "gzip")
			w.WriteHeader(200)
			_, _ = w.Write(e2eBomb())
		}},
		{"gzip bomb stream", "stream-error", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/event-stream")
			w.Header().Set("Content-Encoding", "gzip")
			w.WriteHeader(200)
			_, _ = w.Write(e2eBomb())
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := e2eServe(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				tc.answer(w, r)
			}))
			res, out := e2eDiagnose(t, e2eCmd{
				args: []string{"--base-url", e2eURL(srv, "/v1"), "--model", "gpt-4o", "--timeout", "3s"},
				env:  e2eOpenAIEnv(e2eOpenAIKey),
			})
			if res.Cause.ID == "healthy" {
				t.Errorf("a server that never answered properly was called healthy")
			}
			if tc.want != "" {
				e2eWant(t, res, tc.want)
			}
			if !json.Valid([]byte(out.stdout)) {
				t.Errorf("stdout is not valid JSON")
			}
			var b strings.Builder
			for _, c := range res.Checks {
				fmt.Fprintf(&b, "\n  %-12s %-4s %s", c.ID, c.Status, c.Summary)
			}
			t.Logf("%s → %s%s", tc.name, res.Cause.ID, b.String())
		})
	}
}

// ── diagnose: the rendered page ─────────────────────────────────────────

func TestE2EDiagnoseRendered(t *testing.T) {
	t.Parallel()
	api := e2eOpenAIServer()
	srv := e2eServe(t, api)
	out := e2eRun(t, e2eCmd{
		args: []string{"diagnose", "--base-url", e2eURL(srv, "/v1"), "--model", "gpt-4o", "--timeout", "5s"},
		env:  e2eOpenAIEnv("sk-proj-E2EKEYw0rng9c2d1b8e4f6a0c5d9e2b7a1f4c8d3e6b9a2c5f8d1e4b7a0SECRET"),
	})
	if out.code != 1 {
		t.Errorf("exit %d, want 1 (key-rejected)", out.code)
	}
	if i := strings.Index(out.stdout, "\x1b"); i >= 0 {
		t.Errorf("output to a pipe has escape sequences: %q", out.stdout[i:min(len(out.stdout), i+60)])
	}
	if !strings.Contains(out.stdout, "Checks") || !strings.Contains(strings.ToLower(out.stdout), "key") {
		t.Errorf("the page lacks the checks or the cause:\n%s", out.stdout)
	}
	e2eNoLeak(t, []string{out.stdout, out.stderr}, "sk-proj-E2EKEYw0rng9c2d1b8e4f6a0c5d9e2b7a1f4c8d3e6b9a2c5f8d1e4b7a0SECRET")
	if json.Valid([]byte(out.stdout)) {
		t.Errorf("without --json the output should be a page, not JSON")
	}
}

// ── explain ─────────────────────────────────────────────────────────────

// e2eExplainTexts are errors as people paste them, one per cause that text
// can show.
var e2eExplainTexts = []struct{ cause, text, known string }{
	{"key-missing", "openai.OpenAIError: The api_key client option must be set either by passing api_key to the client or by setting the OPENAI_API_KEY environment variable", ""},
	{"key-rejected", `Error code: 401 - {'error': {'message': 'Incorrect API key provided: sk-proj-****Xq9A. You can find your API key at https://platform.openai.com/account/api-keys.', 'type': 'invalid_request_error', 'param': None, 'code': 'invalid_api_key'}}`, ""},
	{"key-rejected", `{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"},"request_id":"req_011CE2E"}`, ""},
	{"key-rejected", `{"error":{"message":"无效的令牌 (request id: 20240612153045123456789aBcDeFgH)","type":"new_api_error","param":"","code":""}}`, ""},
	{"key-scope-missing", `Error code: 401 - {'error': {'message': 'You have insufficient permissions for this operation. Missing scopes: model.request. Check that you have the correct role in your organization (Reader, Writer, Owner) and project (Member, Owner), and if you're using a restricted API key, that it has the necessary scopes.', 'type': 'invalid_request_error', 'param': None, 'code': None}}`, ""},
	{"region-blocked", `Error code: 403 - {'error': {'code': 'unsupported_country_region_territory', 'message': 'Country, region, or territory not supported', 'param': None, 'type': 'request_forbidden'}}`, ""},
	{"model-access-denied", `{"type":"error","error":{"type":"permission_error","message":"Your API key does not have permission to use the specified resource."}}`, ""},
	{"insufficient-balance", `Error code: 429 - {'error': {'message': 'You exceeded your current quota, please check your plan and billing details.', 'type': 'insufficient_quota', 'param': None, 'code': 'insufficient_quota'}}`, ""},
	{"insufficient-balance", `anthropic.BadRequestError: Error code: 400 - {'type': 'error', 'error': {'type': 'invalid_request_error', 'message': 'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.'}}`, ""},
	{"insufficient-balance", `{"error":{"message":"Insufficient balance","type":"insufficient_balance","code":"insufficient_balance"}}`, ""},
	{"key-usage-limit", `402 Payment Required {"error":{"message":"Usage limit reached for this API key: monthly token limit exceeded.","type":"usage_limit_error","code":"usage_limit_reached"}}`, ""},
	{"rate-limited", `Error code: 429 - {'error': {'message': 'Rate limit reached for gpt-4o in organization org-abc on requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again in 120ms.', 'type': 'requests', 'param': None, 'code': 'rate_limit_exceeded'}}`, ""},
	{"request-over-rate-budget", `Error code: 429 - {'error': {'message': 'Request too large for gpt-4o in organization org-abc on tokens per min (TPM): Limit 30000, Requested 50000. The input or output tokens must be reduced in order to run successfully.', 'type': 'tokens', 'param': None, 'code': 'rate_limit_exceeded'}}`, ""},
	{"model-not-found", `Error code: 404 - {'error': {'message': 'The model ` + "`gpt-5-turbo`" + ` does not exist or you do not have access to it.', 'type': 'invalid_request_error', 'param': None, 'code': 'model_not_found'}}`, ""},
	{"missing-parameter", `{"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: Field required"}}`, ""},
	{"context-too-long", `Error code: 400 - {'error': {'message': "This model's maximum context length is 128000 tokens. However, your messages resulted in 140213 tokens. Please reduce the length of the messages.", 'type': 'invalid_request_error', 'param': 'messages', 'code': 'context_length_exceeded'}}`, ""},
	{"base-url-path", `Error code: 404 - {'error': {'message': 'Invalid URL (POST /chat/completions)', 'type': 'invalid_request_error', 'param': None, 'code': None}}`, ""},
	{"base-url-malformed", `Post "api.openai.com/v1/chat/completions": unsupported protocol scheme ""`, ""},
	{"no-eligible-provider", `{"error":{"message":"当前分组 default 下对于模型 gpt-4o 无可用渠道 (request id: 20240612153112987654321xYzAbCdE)","type":"new_api_error","param":"","code":"model_not_found"}}`, ""},
	{"no-eligible-provider", `503 {"error":{"type":"all_providers_exhausted","message":"No eligible provider for this route"}}`, ""},
	{"upstream-unavailable", `anthropic.InternalServerError: Error code: 529 - {'type': 'error', 'error': {'type': 'overloaded_error', 'message': 'Overloaded'}}`, ""},
	{"upstream-error", `Error code: 500 - {'error': {'message': 'The server had an error while processing your request. Sorry about that!', 'type': 'server_error', 'param': None, 'code': None}}`, ""},
	{"connection-refused", `httpx.ConnectError: [Errno 111] Connection refused`, ""},
	{"dns-failure", `httpcore.ConnectError: [Errno -2] Name or service not known`, ""},
	{"dns-failure", `Post "https://api.openai.com/v1/chat/completions": dial tcp: lookup api.openai.com: no such host`, ""},
	{"tls-failure", `httpx.ConnectError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate in certificate chain (_ssl.c:1006)`, ""},
	{"proxy-failure", `requests.exceptions.ProxyError: HTTPSConnectionPool(host='api.openai.com', port=443): Max retries exceeded with url: /v1/chat/completions (Caused by ProxyError('Unable to connect to proxy', NewConnectionError('<urllib3.connection.HTTPSConnection object at 0x7f>: Failed to establish a new connection: [Errno 111] Connection refused')))`, ""},
	{"timeout", `openai.APITimeoutError: Request timed out.`, ""},
	{"sdk-outdated", `AttributeError: 'OpenAI' object has no attribute 'chat'`, ""},
	{"sdk-missing", `ModuleNotFoundError: No module named 'anthropic'`, ""},
	{"mcp-server-disconnected", `{"server_status": "disconnected", "tools": []}`, ""},
	{"policy-blocked", "403 Forbidden\n<html><head><title>Attention Required! | Cloudflare</title></head><body>Sorry, you have been blocked</body></html>", ""},
	{"connection-refused", "Error: connect ECONNREFUSED 127.0.0.1:11434", ""},
	{"dns-failure", "Error: getaddrinfo ENOTFOUND api.openai.com", ""},
	{"tls-failure", `Post "https://relay.example.com/v1/chat/completions": tls: failed to verify certificate: x509: certificate signed by unknown authority`, ""},
	{"key-rejected", `[{"error": {"code": 400, "message": "API key not valid. Please pass a valid API key.", "status": "INVALID_ARGUMENT", "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID", "domain": "googleapis.com"}]}}]`, ""},
	{"model-not-found", `{"error":{"code":"DeploymentNotFound","message":"The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again."}}`, ""},
	{"insufficient-balance", `{"error":{"message":"Budget has been exceeded! Current cost: 10.2, Max budget: 10.0","type":"budget_exceeded","param":null,"code":"400"}}`, ""},
	{"insufficient-balance", `{"error":{"message":"Insufficient credits. Add more using https://openrouter.ai/settings/credits","code":402}}`, ""},
	{"context-too-long", `anthropic.BadRequestError: Error code: 400 - {'type': 'error', 'error': {'type': 'invalid_request_error', 'message': 'prompt is too long: 215000 tokens > 200000 maximum'}}`, ""},
	{"bad-request", `anthropic.BadRequestError: Error code: 400 - {'type': 'error', 'error': {'type': 'invalid_request_error', 'message': "messages.0.role: Input should be 'user' or 'assistant'"}}`, ""},
	{"upstream-auth-failed", `{"error":{"message":"Incorrect API key provided: sk-abc1**************************wxyz. You can find your API key at https://platform.openai.com/account/api-keys. (request id: 2024061215324511223344pOiUyTr)","type":"invalid_request_error","param":"","code":"invalid_api_key"}}`, ""},
	{"sdk-too-new", "You tried to access openai.ChatCompletion, but this is no longer supported in openai>=1.0.0 - see the README at https://github.com/openai/openai-python for the API.", ""},
	{"stream-error", "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"stream_interrupted\",\"message\":\"stream terminated\"}}\n", ""},
	{"output-truncated", `{"id":"chatcmpl-abc","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"The answer is"},"finish_reason":"length"}]}`, ""},
	// A key with a trailing newline, as Python's httpx and Node refuse to
	// send it: the classic symptom of heroku config:get without tr -d.
	{"key-whitespace", `httpx.LocalProtocolError: Illegal header value b'Bearer sk-proj-abc123def456\n'`, ""},
	{"key-whitespace", `TypeError [ERR_INVALID_CHAR]: Invalid character in header content ["Authorization"]`, ""},
}

func TestE2EExplain(t *testing.T) {
	t.Parallel()
	for i, tc := range e2eExplainTexts {
		t.Run(fmt.Sprintf("%02d %s", i, tc.cause), func(t *testing.T) {
			t.Parallel()
			// As an argument, rendered.
			out := e2eRun(t, e2eCmd{args: []string{"explain", tc.text}})
			if out.code != 0 && tc.known == "" {
				t.Errorf("explain (argument) exit %d, want 0 (recognised)\nstderr: %s", out.code, out.stderr)
			}
			// From stdin with "-", as JSON.
			out = e2eRun(t, e2eCmd{args: []string{"explain", "--json", "-"}, stdin: tc.text})
			res := e2eDecode(t, out)
			if tc.known != "" && res.Cause.ID != tc.cause {
				e2eKnown(t, tc.known)
			}
			e2eWant(t, res, tc.cause)
			if out.code != 0 {
				t.Errorf("explain - exit %d, want 0", out.code)
			}
			if len(res.Checks) != 0 {
				t.Errorf("explain --json: checks = %d entries, want []", len(res.Checks))
			}
		})
	}
}

func TestE2EExplainUnrecognised(t *testing.T) {
	t.Parallel()
	out := e2eRun(t, e2eCmd{args: []string{"explain", "the weather was lovely and the tea was warm"}})
	if out.code != 1 {
		t.Errorf("unrecognised text: exit %d, want 1", out.code)
	}
	if !strings.Contains(out.stderr, "did not recognise") {
		t.Errorf("stderr does not say the text was not recognised: %q", out.stderr)
	}
	out = e2eRun(t, e2eCmd{args: []string{"explain", "--json", "-"}, stdin: "the weather was lovely"})
	if out.code != 1 {
		t.Errorf("unrecognised text (--json): exit %d, want 1", out.code)
	}
	if !strings.Contains(out.stdout, `"recognized": false`) {
		t.Errorf("--json does not say recognized: false:\n%s", out.stdout)
	}
	e2eDecode(t, out)
}

// explain quotes the line of the paste its verdict rests on, in the JSON
// and on the page, so a person sees why.
func TestE2EExplainQuotesTheLine(t *testing.T) {
	t.Parallel()
	paste := "Traceback (most recent call last):\n  File \"app.py\", line 9, in <module>\n    r = client.chat.completions.create(model=\"gpt-4o\")\n" +
		`openai.RateLimitError: Error code: 429 - {'error': {'message': 'You exceeded your current quota', 'type': 'insufficient_quota', 'code': 'insufficient_quota'}}` + "\n"
	out := e2eRun(t, e2eCmd{args: []string{"explain", "--json", "-"}, stdin: paste})
	res := e2eDecode(t, out)
	var raw struct {
		Quote string `json:"quote"`
	}
	_ = json.Unmarshal([]byte(out.stdout), &raw)
	if res.Cause.ID != "insufficient-balance" || !strings.HasPrefix(raw.Quote, "openai.RateLimitError: Error code: 429") {
		t.Fatalf("cause %s, quote %q", res.Cause.ID, raw.Quote)
	}
	page := e2eRun(t, e2eCmd{args: []string{"explain", "-"}, stdin: paste})
	if !strings.Contains(page.stdout, "From what you pasted") || !strings.Contains(page.stdout, "openai.RateLimitError") {
		t.Errorf("the page does not quote the line:\n%s", page.stdout)
	}
}

// Without "-", a pipe on stdin is read too; the rendered page is plain.
func TestE2EExplainStdinWithoutDash(t *testing.T) {
	t.Parallel()
	out := e2eRun(t, e2eCmd{args: []string{"explain"}, stdin: `{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","code":"insufficient_quota"}}`})
	if out.code != 0 {
		t.Errorf("exit %d, want 0\nstderr: %s", out.code, out.stderr)
	}
	if !strings.Contains(strings.ToLower(out.stdout), "quota") && !strings.Contains(strings.ToLower(out.stdout), "credit") {
		t.Errorf("the page does not talk about quota or credit:\n%s", out.stdout)
	}
	if i := strings.Index(out.stdout, "\x1b"); i >= 0 {
		t.Errorf("explain's page printed to a pipe has escape sequences: %q", out.stdout[i:min(len(out.stdout), i+60)])
	}
}

// Whatever is piped in, explain answers with one JSON object and returns.
func TestE2EExplainHostile(t *testing.T) {
	t.Parallel()
	junk := make([]byte, 3<<20)
	for i := range junk {
		junk[i] = byte(i*7919 + i/3)
	}
	for name, in := range map[string]string{
		"3 MB of bytes":   string(junk),
		"invalid UTF-8":   "Error code: 429 \xff\xfe\xed\xa0\x80 insufficient_quota \xc3\x28",
		"NUL and escapes": "401\x00\x1b[2J\x1b]8;;http://x\x07Unauthorized",
		"deep JSON":       strings.Repeat(`{"error":`, 100000) + `"x"` + strings.Repeat("}", 100000),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			out := e2eRun(t, e2eCmd{args: []string{"explain", "--json", "-"}, stdin: in})
			if out.code != 0 && out.code != 1 {
				t.Errorf("exit %d, want 0 or 1\nstderr: %s", out.code, out.stderr)
			}
			e2eDecode(t, out)
			// Rendered for a person, the pasted control characters must not
			// reach the terminal: they could clear it or forge links.
			out = e2eRun(t, e2eCmd{args: []string{"explain", "-"}, stdin: in})
			for _, bad := range []string{"\x1b[2J", "\x1b]8;;http://x", "\x00"} {
				if strings.Contains(out.stdout+out.stderr, bad) {
					t.Errorf("the pasted %q reached the output raw", bad)
				}
			}
		})
	}
}

func TestE2EExplainMasksKey(t *testing.T) {
	t.Parallel()
	traceback := `Traceback (most recent call last):
  File "/app/main.py", line 12, in <module>
    client = OpenAI(api_key="` + e2eOpenAIKey + `")
  File "/app/.venv/lib/python3.12/site-packages/openai/_base_client.py", line 1047, in _request
    raise self._make_status_error_from_response(err.response) from None
openai.AuthenticationError: Error code: 401 - {'error': {'message': 'Incorrect API key provided: ` + e2eOpenAIKey + `. You can find your API key at https://platform.openai.com/account/api-keys.', 'type': 'invalid_request_error', 'param': None, 'code': 'invalid_api_key'}}`
	for _, asJSON := range []bool{false, true} {
		args := []string{"explain", "-"}
		if asJSON {
			args = []string{"explain", "--json", "-"}
		}
		out := e2eRun(t, e2eCmd{args: args, stdin: traceback})
		if out.code != 0 {
			t.Errorf("exit %d, want 0", out.code)
		}
		e2eNoLeak(t, []string{out.stdout, out.stderr}, e2eOpenAIKey)
		if asJSON {
			e2eWant(t, e2eDecode(t, out), "key-rejected")
		}
	}
	// As an argument too: the key is in argv, and must not come back out.
	out := e2eRun(t, e2eCmd{args: []string{"explain", traceback}})
	e2eNoLeak(t, []string{out.stdout, out.stderr}, e2eOpenAIKey)
}

// ── causes, help, version, usage errors ─────────────────────────────────

func TestE2ECauses(t *testing.T) {
	t.Parallel()
	out := e2eRun(t, e2eCmd{args: []string{"causes", "--json"}})
	if out.code != 0 {
		t.Fatalf("causes --json exit %d", out.code)
	}
	var list []struct{ ID, Layer, Title string }
	dec := json.NewDecoder(strings.NewReader(out.stdout))
	if err := dec.Decode(&list); err != nil {
		t.Fatalf("causes --json: %v", err)
	}
	if dec.Decode(new(json.RawMessage)) != io.EOF {
		t.Errorf("causes --json printed more than one JSON value")
	}
	var ids []string
	for _, c := range list {
		ids = append(ids, c.ID)
		if c.Layer == "" || c.Title == "" {
			t.Errorf("cause %s lacks layer or title", c.ID)
		}
	}
	if strings.Join(ids, " ") != strings.Join(e2eCatalogue(), " ") {
		t.Errorf("causes --json ids:\n%v\nwant CAUSES.md's:\n%v", ids, e2eCatalogue())
	}

	out = e2eRun(t, e2eCmd{args: []string{"causes"}})
	if out.code != 0 {
		t.Fatalf("causes exit %d", out.code)
	}
	lines := strings.Split(strings.TrimRight(out.stdout, "\n"), "\n")
	if len(lines) != len(e2eCatalogue()) {
		t.Errorf("causes printed %d lines, want %d", len(lines), len(e2eCatalogue()))
	}
	for i, l := range lines {
		if i < len(e2eCatalogue()) && strings.Fields(l)[0] != e2eCatalogue()[i] {
			t.Errorf("line %d = %q, want it to start with %s", i+1, l, e2eCatalogue()[i])
		}
	}
}

func TestE2EHelpAndVersion(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}, {"diagnose", "--help"}} {
		out := e2eRun(t, e2eCmd{args: args})
		if out.code != 0 {
			t.Errorf("%v: exit %d, want 0", args, out.code)
		}
		for _, want := range []string{"Examples:", "unstuck diagnose", "unstuck explain", "--json"} {
			if !strings.Contains(out.stdout, want) {
				t.Errorf("%v: help lacks %q", args, want)
			}
		}
	}
	out := e2eRun(t, e2eCmd{args: []string{"--version"}})
	if out.code != 0 || !regexp.MustCompile(`^unstuck \S+( \([0-9a-f]{7}(, modified)?\))?\n$`).MatchString(out.stdout) {
		t.Errorf("--version: exit %d, stdout %q", out.code, out.stdout)
	}
}

func TestE2EUsageErrors(t *testing.T) {
	t.Parallel()
	cases := [][]string{
		{"diagnose", "--no-such-flag"},
		{"diagnose", "--timeout", "soon"},
		{"diagnose", "--timeout", "-1s"},
		{"diagnose", "--provider", "acme"},
		{"diagnose", "--protocol", "grpc"},
		{"diagnose", "extra-arg"},
		{"diagnose", "--json", "--provider", "acme"},
		{"--no-such-flag"},
		{"explain", "--no-such-flag", "429"},
		{"causes", "--no-such-flag"},
		{"frobnicate"},
		{"explain", "-"}, // empty stdin
	}
	for _, args := range cases {
		out := e2eRun(t, e2eCmd{args: args, env: e2eOpenAIEnv(e2eOpenAIKey)})
		if out.code != 2 {
			t.Errorf("%v: exit %d, want 2", args, out.code)
		}
		if n := strings.Count(strings.TrimRight(out.stderr, "\n"), "\n"); n != 0 || out.stderr == "" {
			t.Errorf("%v: stderr should be one line, got:\n%s", args, out.stderr)
		}
		if out.stdout != "" {
			t.Errorf("%v: stdout should be empty on a usage error, got %q", args, out.stdout)
		}
		e2eNoLeak(t, []string{out.stdout, out.stderr}, e2eOpenAIKey)
	}
}

func TestE2EWizardWithoutTerminal(t *testing.T) {
	t.Parallel()
	out := e2eRun(t, e2eCmd{env: e2eOpenAIEnv(e2eOpenAIKey)})
	if out.code != 2 {
		t.Errorf("bare wizard without a terminal: exit %d, want 2", out.code)
	}
	if !strings.Contains(out.stderr, "diagnose") {
		t.Errorf("the message should point to diagnose: %q", out.stderr)
	}
	if out.stdout != "" {
		t.Errorf("nothing should be drawn on stdout: %q", out.stdout)
	}
}
