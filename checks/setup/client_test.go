package setup

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/unstuck-dev/unstuck/checks"
)

func testClients(t testing.TB) []checks.ClientSpec {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "content", "clients.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cs, err := ParseClients(data)
	if err != nil {
		t.Fatalf("ParseClients(content/clients.yaml): %v", err)
	}
	return cs
}

// clientHome is a temporary home with a project folder under it (a git
// repository), and a configuration that reads nothing of the developer's.
type clientHome struct {
	home, proj, root string
	cfg              checks.Config
}

func newClientHome(t *testing.T, env map[string]string) *clientHome {
	t.Helper()
	h := &clientHome{home: t.TempDir(), root: t.TempDir()}
	h.proj = filepath.Join(h.home, "work", "app")
	must(t, os.MkdirAll(filepath.Join(h.proj, ".git"), 0o755))
	e := checks.Env{"HOME": h.home}
	for k, v := range env {
		e[k] = v
	}
	h.cfg = checks.Config{Env: e, WorkDir: h.proj, ConfigRoot: h.root, Profiles: testProfiles(t), Clients: testClients(t), Timeout: 5 * time.Second}
	return h
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// write puts a file at a path relative to the home ("~/…"), the project
// (no prefix) or the system root ("/…").
func (h *clientHome) write(t *testing.T, path, body string) string {
	t.Helper()
	var p string
	switch {
	case strings.HasPrefix(path, "~/"):
		p = filepath.Join(h.home, path[2:])
	case strings.HasPrefix(path, "/"):
		p = filepath.Join(h.root, path)
	default:
		p = filepath.Join(h.proj, path)
	}
	must(t, os.MkdirAll(filepath.Dir(p), 0o755))
	must(t, os.WriteFile(p, []byte(body), 0o600))
	return p
}

func (h *clientHome) resolve(client string) *checks.Setup {
	cfg := h.cfg
	cfg.Client = client
	return Resolve(cfg)
}

func source(s *checks.Setup, kind string, used bool) []checks.Source {
	var out []checks.Source
	for _, o := range s.Origins {
		if o.Kind == kind && o.Used == used {
			out = append(out, o)
		}
	}
	return out
}

func hasHeader(hs []checks.Header, name, value string) bool {
	for _, h := range hs {
		if strings.EqualFold(h.Name, name) && (value == "" || h.Value == value) {
			return true
		}
	}
	return false
}

func TestClientsFileIsStrict(t *testing.T) {
	cs := testClients(t)
	for _, want := range []string{"claude-code", "codex", "aider", "opencode", "continue", "openai-sdk", "anthropic-sdk", "langchain", "llamaindex", "ai-sdk"} {
		if _, ok := FindClient(cs, want); !ok {
			t.Errorf("clients.yaml has no %s", want)
		}
	}
	for name, bad := range map[string]string{
		"unknown field": "- {name: x, title: X, runtime: node, wires: [{id: a, protocol: openai}], colour: red}\n",
		"bad schema":    "- {name: x, title: X, runtime: node, files: [{layer: user, format: json, schema: nope, linux: a, macos: a, windows: a}], wires: [{id: a, protocol: openai}]}\n",
		"bad protocol":  "- {name: x, title: X, runtime: node, wires: [{id: a, protocol: grpc}]}\n",
		"auth off list": "- {name: x, title: X, runtime: node, wires: [{id: a, protocol: openai, key_envs: [K], auth: {OTHER: bearer}}]}\n",
		"no wires":      "- {name: x, title: X, runtime: node}\n",
		"bad base_v1":   "- {name: x, title: X, runtime: node, wires: [{id: a, protocol: openai, base_v1: maybe}]}\n",
	} {
		if _, err := ParseClients([]byte(bad)); err == nil {
			t.Errorf("%s: ParseClients accepted it", name)
		}
	}
}

// Claude Code's settings from lowest to highest precedence: user, project,
// local, managed. Their env objects override the shell.
func TestClaudeCodeSettingsLayers(t *testing.T) {
	h := newClientHome(t, map[string]string{"ANTHROPIC_BASE_URL": "https://shell.example.com"})
	h.write(t, "~/.claude/settings.json", `{
  "$schema": "https://json.schemastore.org/claude-code-settings.json",
  "permissions": {"allow": ["Bash(npm run lint)"], "deny": ["Read(./.env)"]},
  "env": {"ANTHROPIC_BASE_URL": "https://user.example.com", "ANTHROPIC_AUTH_TOKEN": "sk-user-token-0000000000000001", "CLAUDE_CODE_ENABLE_TELEMETRY": "1"},
  "model": "claude-sonnet-4-5"
}`)
	h.write(t, ".claude/settings.json", `{"env": {"ANTHROPIC_BASE_URL": "https://project.example.com", "ANTHROPIC_SMALL_FAST_MODEL": "claude-haiku-4-5"}}`)
	h.write(t, ".claude/settings.local.json", `{"env": {"ANTHROPIC_AUTH_TOKEN": "sk-local-token-0000000000000002"}}`)

	s := h.resolve("claude-code")
	if s.Client != "claude-code" || s.Protocol != checks.ProtocolAnthropic {
		t.Fatalf("client %q protocol %q", s.Client, s.Protocol)
	}
	if got := s.Key.Reveal(); got != "sk-local-token-0000000000000002" {
		t.Errorf("key = %s, want the local settings' token", checks.Fingerprint(got))
	}
	if s.BaseURL != "https://project.example.com" {
		t.Errorf("base URL = %q, want the project settings'", s.BaseURL)
	}
	if s.Endpoint != "https://project.example.com/v1/messages?beta=true" {
		t.Errorf("endpoint = %q", s.Endpoint)
	}
	if s.Shape.Auth != "bearer" {
		t.Errorf("ANTHROPIC_AUTH_TOKEN goes out as %q, want bearer", s.Shape.Auth)
	}
	if !hasHeader(s.Shape.Headers, "anthropic-version", "2023-06-01") || !hasHeader(s.Shape.Headers, "anthropic-beta", "") {
		t.Errorf("headers %v lack anthropic-version / anthropic-beta", s.Shape.Headers)
	}
	if s.Shape.SmallModel != "claude-haiku-4-5" || s.Model != "claude-sonnet-4-5" {
		t.Errorf("model %q small %q", s.Model, s.Shape.SmallModel)
	}
	if !strings.Contains(strings.Join(s.Shape.AlsoCalls, ","), "count_tokens") {
		t.Errorf("also calls %v", s.Shape.AlsoCalls)
	}
	used := source(s, "key", true)
	if len(used) != 1 || !strings.Contains(used[0].Name, ".claude/settings.local.json") {
		t.Errorf("used key source %+v", used)
	}
	shadowed := source(s, "base_url", false)
	if len(shadowed) != 2 { // the user settings' and the shell's
		t.Errorf("shadowed base URLs %+v, want the user settings' and the shell's", shadowed)
	}
	for _, o := range shadowed {
		if !strings.HasPrefix(o.Why, "overridden by") {
			t.Errorf("%s: why %q", o.Name, o.Why)
		}
	}

	// Managed settings beat them all.
	h.write(t, "/etc/claude-code/managed-settings.json", `{"env": {"ANTHROPIC_BASE_URL": "https://managed.example.com"}}`)
	if runtime.GOOS == "linux" {
		if s := h.resolve("claude-code"); s.BaseURL != "https://managed.example.com" {
			t.Errorf("with managed settings the base URL is %q", s.BaseURL)
		}
	}
}

func TestClaudeCodeAPIKeyIsXAPIKeyAndConflict(t *testing.T) {
	h := newClientHome(t, map[string]string{"ANTHROPIC_API_KEY": "sk-ant-api03-shell-key-000000000000000000000"})
	s := h.resolve("claude-code")
	if s.Shape.Auth != "x-api-key" || s.KeyEnv != "ANTHROPIC_API_KEY" {
		t.Errorf("auth %q from %q, want x-api-key from ANTHROPIC_API_KEY", s.Shape.Auth, s.KeyEnv)
	}
	if r := ClientConfig(context.Background(), s); r.Status != checks.Pass {
		t.Errorf("client-config %s: %s", r.Status, r.Summary)
	}
	h.write(t, "~/.claude/settings.json", `{"env": {"ANTHROPIC_AUTH_TOKEN": "sk-relay-token-1111111111111111"}}`)
	s = h.resolve("claude-code")
	r := ClientConfig(context.Background(), s)
	if r.Status != checks.Warn || !strings.Contains(r.Summary, "Auth conflict") {
		t.Errorf("client-config %s: %s, want the Auth conflict", r.Status, r.Summary)
	}
	ks := KeySources(context.Background(), s)
	if ks.Cause != "key-shadowed" || !strings.Contains(ks.Summary, "not the one this shell shows") {
		t.Errorf("key-sources %s %q: %s", ks.Status, ks.Cause, ks.Summary)
	}
}

// apiKeyHelper may come with a cloned repository: it never runs unless
// asked, and then bounded.
func TestClaudeCodeKeyHelper(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the helper is a POSIX shell command here")
	}
	h := newClientHome(t, nil)
	marker := filepath.Join(h.home, "ran")
	h.write(t, ".claude/settings.json", `{"apiKeyHelper": "touch `+marker+`; echo sk-ant-api03-helper-key-00000000000000000000"}`)

	s := h.resolve("claude-code")
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("the helper ran without --run-key-helper")
	}
	kp := KeyPresent(context.Background(), s)
	if kp.Status != checks.Skip || kp.Cause != "" || !strings.Contains(kp.Summary, "could not be checked") {
		t.Errorf("key-present %s %q: %s", kp.Status, kp.Cause, kp.Summary)
	}

	h.cfg.RunKeyHelper = true
	s = h.resolve("claude-code")
	if _, err := os.Stat(marker); err != nil {
		t.Fatal("the helper did not run with --run-key-helper")
	}
	if s.Key.Reveal() != "sk-ant-api03-helper-key-00000000000000000000" {
		t.Errorf("key = %s", s.Key)
	}
	if got := s.Redactor.Clean("x " + s.Key.Reveal()); strings.Contains(got, "helper-key") {
		t.Errorf("the redactor does not know the helper's key: %s", got)
	}

	for name, cmd := range map[string]string{
		"hangs":  "sleep 30",
		"junk":   "printf 'not a key at all\\n'",
		"fails":  "exit 3",
		"floods": "yes sk-ant-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx | head -c 200000",
	} {
		h.write(t, ".claude/settings.json", `{"apiKeyHelper": "`+cmd+`"}`)
		h.cfg.Timeout = 300 * time.Millisecond
		s := h.resolve("claude-code")
		r := ClientConfig(context.Background(), s)
		if !s.Key.Empty() || r.Status != checks.Fail || !strings.Contains(r.Summary, "apiKeyHelper") {
			t.Errorf("%s: key %s, client-config %s: %s", name, s.Key, r.Status, r.Summary)
		}
	}
}

func TestCodexConfig(t *testing.T) {
	codexHome := t.TempDir()
	h := newClientHome(t, map[string]string{"CODEX_HOME": codexHome, "AZURE_OPENAI_API_KEY": "azure-key-0123456789abcdef0123456789ab", "RELAY_ORG": "org-777"})
	must(t, os.WriteFile(filepath.Join(codexHome, "config.toml"), []byte(`# Codex configuration
model = "gpt-5-codex"
model_provider = "azure"
approval_policy = "on-request"

[model_providers.azure]
name = "Azure"
base_url = "https://example-resource.openai.azure.com/openai/v1"
env_key = "AZURE_OPENAI_API_KEY"
wire_api = "responses"
query_params = { api-version = "2025-04-01-preview" }
http_headers = { "X-Team" = "infra", "X-Relay-Secret" = "relay-secret-value-42" }
env_http_headers = { "OpenAI-Organization" = "RELAY_ORG" }

[profiles.cheap]
model = "gpt-5-mini"
`), 0o600))
	s := h.resolve("codex")
	if s.Protocol != checks.ProtocolResponses || !s.Shape.Stream {
		t.Errorf("protocol %q stream %v", s.Protocol, s.Shape.Stream)
	}
	if s.Endpoint != "https://example-resource.openai.azure.com/openai/v1/responses?api-version=2025-04-01-preview" {
		t.Errorf("endpoint %q", s.Endpoint)
	}
	if s.KeyEnv != "AZURE_OPENAI_API_KEY" || s.Key.Empty() || s.Shape.Auth != "bearer" {
		t.Errorf("key from %q (%s), auth %q", s.KeyEnv, s.Key, s.Shape.Auth)
	}
	if s.Model != "gpt-5-codex" || s.Shape.Query["api-version"] != "2025-04-01-preview" {
		t.Errorf("model %q query %v", s.Model, s.Shape.Query)
	}
	if !hasHeader(s.Shape.Headers, "X-Team", "infra") || !hasHeader(s.Shape.Headers, "OpenAI-Organization", "org-777") {
		t.Errorf("headers %v", s.Shape.Headers)
	}
	if got := s.Redactor.Clean("relay-secret-value-42"); strings.Contains(got, "relay-secret") {
		t.Errorf("a secret header's value is not redacted: %s", got)
	}

	// Codex reads no CODEX_PROFILE variable (only --profile and the
	// file's profile key): setting one changes nothing.
	h.cfg.Env["CODEX_PROFILE"] = "cheap"
	if s := h.resolve("codex"); s.Model != "gpt-5-codex" {
		t.Errorf("CODEX_PROFILE=cheap changed the model to %q: Codex does not read that variable", s.Model)
	}
	delete(h.cfg.Env, "CODEX_PROFILE")
	// The file's own profile key picks another model.
	conf, err := os.ReadFile(filepath.Join(codexHome, "config.toml"))
	must(t, err)
	must(t, os.WriteFile(filepath.Join(codexHome, "config.toml"), append([]byte("profile = \"cheap\"\n"), conf...), 0o600))
	if s := h.resolve("codex"); s.Model != "gpt-5-mini" {
		t.Errorf("with profile = \"cheap\" the model is %q", s.Model)
	}
	must(t, os.WriteFile(filepath.Join(codexHome, "config.toml"), conf, 0o600))

	// env_key names a variable that is not set: Codex's "Missing
	// environment variable".
	delete(h.cfg.Env, "AZURE_OPENAI_API_KEY")
	s = h.resolve("codex")
	if r := KeyPresent(context.Background(), s); r.Cause != "key-missing" || !strings.Contains(r.Summary, "AZURE_OPENAI_API_KEY") {
		t.Errorf("key-present %q: %s", r.Cause, r.Summary)
	}
}

func TestCodexHomeNowhereAndBrokenFiles(t *testing.T) {
	h := newClientHome(t, map[string]string{"CODEX_HOME": "/nonexistent/codex-home-for-test"})
	s := h.resolve("codex")
	r := ClientConfig(context.Background(), s)
	if r.Status != checks.Fail || !strings.Contains(r.Summary, "CODEX_HOME") || strings.Contains(r.Summary, "more") {
		t.Errorf("client-config %s: %s (said once for all its files)", r.Status, r.Summary)
	}

	codexHome := t.TempDir()
	h.cfg.Env["CODEX_HOME"] = codexHome
	must(t, os.WriteFile(filepath.Join(codexHome, "config.toml"), []byte("model = \"gpt-5\"\n[model_providers.x\nbase_url = 1\n"), 0o600))
	r = ClientConfig(context.Background(), h.resolve("codex"))
	if r.Status != checks.Fail || !strings.Contains(r.Summary, "not valid TOML") || !strings.Contains(r.Summary, "line 2") {
		t.Errorf("malformed TOML: %s: %s", r.Status, r.Summary)
	}

	huge := strings.Repeat("# padding\n", clientFileCap/10+10)
	must(t, os.WriteFile(filepath.Join(codexHome, "config.toml"), []byte(huge), 0o600))
	r = ClientConfig(context.Background(), h.resolve("codex"))
	if r.Status != checks.Fail || !strings.Contains(r.Summary, "larger than 1 MiB") {
		t.Errorf("huge file: %s: %s", r.Status, r.Summary)
	}

	h.write(t, "~/.claude/settings.json", `{"env": {"ANTHROPIC_BASE_URL": `)
	r = ClientConfig(context.Background(), h.resolve("claude-code"))
	if r.Status != checks.Fail || !strings.Contains(r.Summary, "not valid JSON") {
		t.Errorf("malformed JSON: %s: %s", r.Status, r.Summary)
	}
	if os.Getuid() != 0 && runtime.GOOS != "windows" {
		p := h.write(t, "~/.claude/settings.json", `{}`)
		must(t, os.Chmod(p, 0))
		r = ClientConfig(context.Background(), h.resolve("claude-code"))
		if r.Status != checks.Fail || !strings.Contains(r.Summary, "could not be read") {
			t.Errorf("unreadable: %s: %s", r.Status, r.Summary)
		}
	}
}

// aider reads .env and .aider.conf.yml from the home, the git root and the
// working folder, later winning; .env overrides the shell.
func TestAiderFiles(t *testing.T) {
	h := newClientHome(t, map[string]string{"OPENAI_API_KEY": "sk-shell-00000000000000000000000000000000"})
	h.write(t, "~/.env", "OPENAI_API_KEY=sk-home-111111111111111111111111111111\n")
	h.cfg.WorkDir = filepath.Join(h.proj, "sub")
	must(t, os.MkdirAll(h.cfg.WorkDir, 0o755))
	h.write(t, ".env", "OPENAI_API_KEY=sk-gitroot-2222222222222222222222222222\n")
	h.write(t, "~/.aider.conf.yml", "model: openai/gpt-4o-mini\nopenai-api-base: https://relay.example.com/v1\ndark-mode: true\n")

	s := h.resolve("aider")
	if s.Key.Reveal() != "sk-gitroot-2222222222222222222222222222" {
		t.Errorf("key = %s, want the git root's .env", s.Key)
	}
	if s.Model != "gpt-4o-mini" {
		t.Errorf("model %q: the openai/ prefix is stripped before the request", s.Model)
	}
	if s.BaseURL != "https://relay.example.com/v1" || s.Endpoint != "https://relay.example.com/v1/chat/completions" {
		t.Errorf("base %q endpoint %q", s.BaseURL, s.Endpoint)
	}
	ks := KeySources(context.Background(), s)
	if ks.Cause != "key-shadowed" {
		t.Errorf("key-sources %s %q: %s", ks.Status, ks.Cause, ks.Summary)
	}
}

// OpenCode: JSON with comments, {env:VAR}, and the AI SDK's Anthropic
// base URL that includes /v1.
func TestOpenCodeAndTheV1Rule(t *testing.T) {
	xdg := t.TempDir()
	h := newClientHome(t, map[string]string{"XDG_CONFIG_HOME": xdg, "RELAY_KEY": "sk-relay-abcdefabcdefabcdefabcdef"})
	write := func(base string) {
		must(t, os.MkdirAll(filepath.Join(xdg, "opencode"), 0o755))
		must(t, os.WriteFile(filepath.Join(xdg, "opencode", "opencode.json"), []byte(`{
  "$schema": "https://opencode.ai/config.json",
  // the team relay
  "model": "relay/claude-sonnet-4-5",
  "provider": {
    "relay": {
      "npm": "@ai-sdk/anthropic",
      "name": "Relay",
      "options": {
        "baseURL": "`+base+`",
        "apiKey": "{env:RELAY_KEY}",
      },
      "models": {"claude-sonnet-4-5": {}},
    },
  },
}`), 0o600))
	}
	write("https://relay.example.com/v1")
	s := h.resolve("opencode")
	if s.Protocol != checks.ProtocolAnthropic || s.Endpoint != "https://relay.example.com/v1/messages" {
		t.Fatalf("protocol %q endpoint %q", s.Protocol, s.Endpoint)
	}
	if s.Model != "claude-sonnet-4-5" || s.Key.Reveal() != "sk-relay-abcdefabcdefabcdefabcdef" || s.Shape.Auth != "x-api-key" {
		t.Errorf("model %q key %s auth %q", s.Model, s.Key, s.Shape.Auth)
	}
	if r := BaseURL(context.Background(), s); r.Status == checks.Fail {
		t.Errorf("/v1 is right for OpenCode's Anthropic provider: %s", r.Summary)
	}
	write("https://relay.example.com")
	if r := BaseURL(context.Background(), h.resolve("opencode")); r.Cause != "base-url-path" {
		t.Errorf("without /v1: %s %q: %s", r.Status, r.Cause, r.Summary)
	}
}

// The same base URL is right for one client and wrong for another.
func TestV1RuleFollowsTheClient(t *testing.T) {
	h := newClientHome(t, map[string]string{"ANTHROPIC_API_KEY": "sk-ant-api03-0000000000000000000000000000"})
	h.cfg.Provider, h.cfg.BaseURL = "anthropic", "https://api.anthropic.com/v1"
	for client, wantFail := range map[string]bool{"ai-sdk": false, "opencode": false, "claude-code": true, "anthropic-sdk": true} {
		s := h.resolve(client)
		r := BaseURL(context.Background(), s)
		if (r.Cause == "base-url-path") != wantFail {
			t.Errorf("%s: base-url %s %q: %s (endpoint %s)", client, r.Status, r.Cause, r.Summary, s.Endpoint)
		}
	}
}

func TestContinueConfig(t *testing.T) {
	h := newClientHome(t, nil)
	h.write(t, "~/.continue/.env", "RELAY_KEY=sk-cont-999999999999999999999999\n")
	h.write(t, "~/.continue/config.yaml", `name: Local Assistant
version: 1.0.0
schema: v1
models:
  - name: Autocomplete
    provider: openai
    model: qwen2.5-coder
    roles: [autocomplete]
  - name: Relay Claude
    provider: anthropic
    model: claude-sonnet-4-5
    apiBase: https://relay.example.com/v1/
    apiKey: ${{ secrets.RELAY_KEY }}
    roles: [chat, edit]
    requestOptions:
      headers:
        X-Relay-Token: tok-secret-123456
`)
	s := h.resolve("continue")
	if s.Protocol != checks.ProtocolAnthropic || s.Model != "claude-sonnet-4-5" {
		t.Errorf("protocol %q model %q", s.Protocol, s.Model)
	}
	if s.Key.Reveal() != "sk-cont-999999999999999999999999" {
		t.Errorf("key %s: the secret is read from ~/.continue/.env", s.Key)
	}
	if s.Endpoint != "https://relay.example.com/v1/messages" {
		t.Errorf("endpoint %q", s.Endpoint)
	}
	if got := s.Redactor.Clean("tok-secret-123456"); strings.Contains(got, "secret-123") {
		t.Errorf("credential header not redacted: %s", got)
	}
}

func TestLibrariesReadTheirOwnVariables(t *testing.T) {
	h := newClientHome(t, map[string]string{
		"OPENAI_API_KEY": "sk-proj-000000000000000000000000", "OPENAI_API_BASE": "https://old.example.com/v1", "OPENAI_BASE_URL": "https://new.example.com/v1",
	})
	for client, want := range map[string]string{"langchain": "https://old.example.com/v1", "llamaindex": "https://old.example.com/v1", "openai-sdk": "https://new.example.com/v1"} {
		if s := h.resolve(client); s.BaseURL != want {
			t.Errorf("%s: base URL %q, want %q", client, s.BaseURL, want)
		}
	}
	delete(h.cfg.Env, "OPENAI_API_BASE")
	if s := h.resolve("llamaindex"); s.BaseURL != "https://api.openai.com/v1" {
		t.Errorf("llamaindex reads OPENAI_API_BASE only, got %q", s.BaseURL)
	}
	if s := h.resolve("ai-sdk"); s.Protocol != checks.ProtocolResponses || !strings.HasSuffix(s.Endpoint, "/responses") {
		t.Errorf("ai-sdk with an OpenAI key: protocol %q endpoint %q", s.Protocol, s.Endpoint)
	}
}

func TestClientGuessedFromConfiguration(t *testing.T) {
	h := newClientHome(t, nil)
	if s := h.resolve(""); s.Client != "" {
		t.Errorf("nothing configured, yet client %q (%s)", s.Client, s.ClientReason)
	}
	h.write(t, "~/.claude/settings.json", `{"env": {"ANTHROPIC_BASE_URL": "https://relay.example.com"}}`)
	s := h.resolve("")
	if s.Client != "claude-code" || !strings.HasPrefix(s.ClientReason, "guessed") {
		t.Errorf("client %q (%s)", s.Client, s.ClientReason)
	}
	h.cfg.BaseURL = "https://other.example.com/v1"
	if s := h.resolve(""); s.Client != "" {
		t.Errorf("--base-url says where requests go, yet client %q was guessed", s.Client)
	}
}
