package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// bearerOnly is a relay that reads the key from Authorization: Bearer
// alone (as many Claude Code relays do): an x-api-key is ignored.
func bearerOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Del("x-api-key")
		if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
			r.Header.Set("x-api-key", tok)
		}
		next.ServeHTTP(w, r)
	})
}

type e2eClientResult struct {
	Cause struct {
		ID string `json:"id"`
	} `json:"cause"`
	Evidence struct {
		Client  string `json:"client"`
		Sources []struct {
			Name, Kind, Fingerprint, Why string
			Used                         bool
		} `json:"sources"`
		Endpoint string `json:"endpoint"`
	} `json:"evidence"`
}

// claudeHome lays out ~/.claude/settings.json with an env object, as
// `claude config` and the docs write it.
func claudeHome(t *testing.T, base, token string) string {
	t.Helper()
	home := t.TempDir()
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(home, ".claude"), 0o755))
	must(os.WriteFile(filepath.Join(home, ".claude", "settings.json"), []byte(`{
  "$schema": "https://json.schemastore.org/claude-code-settings.json",
  "env": {
    "ANTHROPIC_BASE_URL": "`+base+`",
    "ANTHROPIC_AUTH_TOKEN": "`+token+`",
    "ANTHROPIC_MODEL": "claude-sonnet-4-5-20250929"
  },
  "permissions": {"allow": ["Bash(go test:*)"]}
}`), 0o600))
	return home
}

// claudeAndCodexHome is a home with both Claude Code (settings.json env)
// and Codex (a relay provider in config.toml, key in RELAY_API_KEY) set up
// against srv: two configured clients for the --all and check-everything
// tests.
func claudeAndCodexHome(t *testing.T, srv *httptest.Server) string {
	t.Helper()
	home := claudeHome(t, e2eURL(srv, ""), e2eAnthropicKey)
	codexHome := filepath.Join(home, ".codex")
	if err := os.MkdirAll(codexHome, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(codexHome, "config.toml"), []byte(`model_provider = "relay"

[model_providers.relay]
name = "Relay"
base_url = "`+e2eURL(srv, "/v1")+`"
env_key = "RELAY_API_KEY"
wire_api = "responses"
`), 0o600); err != nil {
		t.Fatal(err)
	}
	return home
}

func TestE2EClaudeCodeSettingsDecideTheRequest(t *testing.T) {
	t.Parallel()
	api := e2eAnthropicServer()
	srv := e2eServe(t, bearerOnly(api))
	home := claudeHome(t, e2eURL(srv, ""), e2eAnthropicKey)
	out := e2eRun(t, e2eCmd{args: []string{"diagnose", "--client", "claude-code", "--json"}, env: map[string]string{
		"HOME": home, "UNSTUCK_CONFIG_ROOT": t.TempDir(),
		// The shell shows another key: Claude Code does not send it.
		"ANTHROPIC_API_KEY": "sk-ant-api03-shell-only-key-that-is-not-sent-0000",
	}})
	e2eDecode(t, out)
	var res e2eClientResult
	if err := json.Unmarshal([]byte(out.stdout), &res); err != nil {
		t.Fatal(err)
	}
	if res.Evidence.Client != "claude-code" {
		t.Errorf("evidence.client %q", res.Evidence.Client)
	}
	used := 0
	for _, s := range res.Evidence.Sources {
		if s.Used && s.Kind == "key" {
			used++
			if !strings.Contains(s.Name, "settings.json") {
				t.Errorf("the used key source is %q, want the settings file", s.Name)
			}
		}
	}
	if used != 1 || len(res.Evidence.Sources) < 3 {
		t.Errorf("sources %+v: want every key and base URL, one key used", res.Evidence.Sources)
	}
	for _, seen := range api.requests() {
		if seen.Method == "POST" && seen.Path != "/v1/messages" && seen.Path != "/v1/messages/count_tokens" {
			t.Errorf("posted to %s", seen.Path)
		}
		if strings.Contains(seen.Header.Get("x-api-key"), "shell-only") {
			t.Errorf("the shell's key was sent")
		}
	}
	if strings.Contains(out.stdout, e2eAnthropicKey) || strings.Contains(out.stdout, "shell-only-key") {
		t.Errorf("a key appears whole in the output")
	}
	// The relay reads only Bearer, which is what Claude Code sends for
	// ANTHROPIC_AUTH_TOKEN: the setup works.
	if res.Cause.ID != "healthy" || out.code != 0 {
		t.Errorf("cause %s, exit %d; want healthy, 0", res.Cause.ID, out.code)
	}
}

// The same /v1 base URL is wrong for Claude Code and right for the AI SDK.
func TestE2EV1RulePerClient(t *testing.T) {
	t.Parallel()
	home := claudeHome(t, "https://api.anthropic.com/v1", "sk-ant-api03-token-000000000000000000000000000000")
	out := e2eRun(t, e2eCmd{args: []string{"diagnose", "--client", "claude-code", "--json", "--no-request"}, env: map[string]string{
		"HOME": home, "UNSTUCK_CONFIG_ROOT": t.TempDir(), "GODEBUG": "netdns=go",
	}})
	var res e2eClientResult
	_ = json.Unmarshal([]byte(out.stdout), &res)
	if res.Cause.ID != "base-url-path" || out.code != 1 {
		t.Errorf("claude-code with /v1: cause %q exit %d\n%s", res.Cause.ID, out.code, out.stderr)
	}
	out = e2eRun(t, e2eCmd{args: []string{"diagnose", "--client", "ai-sdk", "--provider", "anthropic", "--base-url", "https://api.anthropic.com/v1", "--json", "--no-request"},
		env: map[string]string{"ANTHROPIC_API_KEY": "sk-ant-api03-key-0000000000000000000000000000000"}})
	r := e2eDecode(t, out)
	if st, _ := e2eCheck(r, "base-url"); st != "pass" {
		t.Errorf("ai-sdk with /v1: base-url %q, want pass (its Anthropic base URL includes /v1)", st)
	}
}

func TestE2EAllListsEverySetup(t *testing.T) {
	t.Parallel()
	api := e2eAnthropicServer()
	srv := e2eServe(t, bearerOnly(api))
	home := claudeHome(t, e2eURL(srv, ""), e2eAnthropicKey)
	codexHome := filepath.Join(home, ".codex")
	if err := os.MkdirAll(codexHome, 0o755); err != nil {
		t.Fatal(err)
	}
	// Codex points at a relay whose key variable is not set: key-missing.
	if err := os.WriteFile(filepath.Join(codexHome, "config.toml"), []byte(`model = "gpt-5-codex"
model_provider = "relay"

[model_providers.relay]
name = "Relay"
base_url = "`+e2eURL(srv, "/v1")+`"
env_key = "RELAY_API_KEY"
wire_api = "responses"
`), 0o600); err != nil {
		t.Fatal(err)
	}
	out := e2eRun(t, e2eCmd{args: []string{"diagnose", "--all", "--json"}, env: map[string]string{"HOME": home, "UNSTUCK_CONFIG_ROOT": t.TempDir()}})
	var res struct {
		Setups []struct {
			Name, Client string
			Cause        struct{ ID string }
		}
		Healthy, Failing int
	}
	if err := json.Unmarshal([]byte(out.stdout), &res); err != nil {
		t.Fatalf("%v\n%s\n%s", err, out.stdout, out.stderr)
	}
	clients := map[string]string{}
	for _, s := range res.Setups {
		clients[s.Client] = s.Cause.ID
	}
	if clients["codex"] != "key-missing" {
		t.Errorf("codex: %q, want key-missing (setups %+v)", clients["codex"], res.Setups)
	}
	if _, ok := clients["claude-code"]; !ok {
		t.Errorf("claude-code is not listed: %+v", res.Setups)
	}
	if out.code != 1 || res.Failing < 1 || res.Healthy+res.Failing != len(res.Setups) {
		t.Errorf("exit %d, healthy %d failing %d of %d", out.code, res.Healthy, res.Failing, len(res.Setups))
	}
}

func TestE2EUnknownClientIsAUsageError(t *testing.T) {
	t.Parallel()
	out := e2eRun(t, e2eCmd{args: []string{"diagnose", "--client", "claude-cod"}})
	if out.code != 2 || !strings.Contains(out.stderr, "did you mean claude-code") {
		t.Errorf("exit %d: %s", out.code, out.stderr)
	}
}

// diagnose --all --report writes one report that covers every setup: the
// list, then each setup's own report, with no key whole in it.
func TestE2EAllWritesOneReport(t *testing.T) {
	t.Parallel()
	api := e2eAnthropicServer()
	srv := e2eServe(t, bearerOnly(api))
	home := claudeAndCodexHome(t, srv)
	file := filepath.Join(t.TempDir(), "all.md")
	out := e2eRun(t, e2eCmd{args: []string{"diagnose", "--all", "--report", file}, env: map[string]string{"HOME": home, "UNSTUCK_CONFIG_ROOT": t.TempDir()}})
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("no report written (exit %d): %v\n%s", out.code, err, out.stderr)
	}
	rep := string(b)
	for _, want := range []string{"setups on this machine", "`claude-code`", "`codex`", "# Setup 1 of", "## unstuck report: key-missing"} {
		if !strings.Contains(rep, want) {
			t.Errorf("the report does not say %q:\n%s", want, rep)
		}
	}
	if strings.Count(rep, "## unstuck report: ") < 2 {
		t.Errorf("the report should hold one section per setup:\n%s", rep)
	}
	if strings.Contains(rep, e2eAnthropicKey) {
		t.Error("the report holds the key whole")
	}
	if !strings.Contains(out.stderr, file) {
		t.Errorf("stderr does not say where the report went: %s", out.stderr)
	}
}
