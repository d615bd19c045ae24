package setup

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unstuck-dev/unstuck/checks"
)

// Codex keeps "codex login"'s credentials in $CODEX_HOME/auth.json (the
// shape of codex-rs login/src/auth/storage.rs, AuthDotJson): an API key it
// sends ahead of the shell's OPENAI_API_KEY, or a ChatGPT sign-in, which is
// a subscription login and never a missing key.
func TestCodexAuthJSON(t *testing.T) {
	const stored = "sk-proj-StoredByCodexLogin000000000000000000000000"
	const shell = "sk-proj-TheShellsOwnKey111111111111111111111111111"
	codexHome := t.TempDir()
	h := newClientHome(t, map[string]string{"CODEX_HOME": codexHome})
	auth := filepath.Join(codexHome, "auth.json")

	// Signed in with ChatGPT: tokens, no key.
	must(t, os.WriteFile(auth, []byte(`{
  "OPENAI_API_KEY": null,
  "tokens": {
    "id_token": "eyJhbGciOiJSUzI1NiJ9.eyJlbWFpbCI6ImFAYi5jIn0.c2ln",
    "access_token": "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEyMyJ9.c2ln",
    "refresh_token": "rt_0123456789abcdef",
    "account_id": "acct_0123"
  },
  "last_refresh": "2026-11-28T09:12:44.123456Z"
}`), 0o600))
	s := h.resolve("codex")
	kp := KeyPresent(context.Background(), s)
	if kp.Cause == "key-missing" || kp.Status != checks.Skip || !strings.Contains(kp.Summary, "ChatGPT sign-in") || !strings.Contains(kp.Summary, "cannot check") {
		t.Errorf("signed in with ChatGPT, key-present %s %q: %s", kp.Status, kp.Cause, kp.Summary)
	}
	if !s.Key.Empty() {
		t.Errorf("a sign-in token was taken as an API key: %s", s.Key)
	}
	if s.Endpoint != "https://chatgpt.com/backend-api/codex/responses" {
		t.Errorf("signed in with ChatGPT, Codex calls ChatGPT's backend, not %q", s.Endpoint)
	}
	if used := source(s, "key", true); len(used) != 1 || !strings.Contains(used[0].Name, "ChatGPT sign-in") || used[0].Fingerprint != "" {
		t.Errorf("the used key source should be the sign-in, with no fingerprint: %+v", used)
	}
	if r := BaseURL(context.Background(), s); r.Status != checks.Pass {
		t.Errorf("ChatGPT's backend is Codex's own choice, not a base URL to fix: %s %q: %s", r.Status, r.Cause, r.Summary)
	}
	if s.Profile.Name != "openai" {
		t.Errorf("signed in with ChatGPT, the profile is %q (%s), want openai", s.Profile.Name, s.ProfileReason)
	}
	if cc := ClientConfig(context.Background(), s); cc.Status == checks.Fail || !strings.Contains(cc.Summary, "cannot check") {
		t.Errorf("client-config %s: %s", cc.Status, cc.Summary)
	}
	// The shell's key is listed, and not used.
	h.cfg.Env["OPENAI_API_KEY"] = shell
	s = h.resolve("codex")
	if !s.Key.Empty() || len(source(s, "key", false)) != 1 {
		t.Errorf("with the sign-in, the shell's key is shadowed: key %s, unused %+v", s.Key, source(s, "key", false))
	}

	// An API key stored by "codex login --with-api-key": sent, ahead of
	// the shell's variable, which is shadowed.
	must(t, os.WriteFile(auth, []byte(`{"auth_mode":"apikey","OPENAI_API_KEY":"`+stored+`","tokens":null,"last_refresh":null}`), 0o600))
	s = h.resolve("codex")
	if s.Key.Reveal() != stored || s.Shape.Auth != "bearer" || s.Endpoint != "https://api.openai.com/v1/responses" {
		t.Fatalf("stored key: key %s auth %q endpoint %q", s.Key, s.Shape.Auth, s.Endpoint)
	}
	if kp := KeyPresent(context.Background(), s); kp.Status != checks.Pass || !strings.Contains(kp.Summary, "auth.json") {
		t.Errorf("key-present %s: %s", kp.Status, kp.Summary)
	}
	if ks := KeySources(context.Background(), s); ks.Cause != "key-shadowed" || !strings.Contains(ks.Summary, "auth.json") {
		t.Errorf("the shell's OPENAI_API_KEY is not what Codex sends: key-sources %q: %s", ks.Cause, ks.Summary)
	}

	// A custom provider with env_key reads its variable, not auth.json.
	must(t, os.WriteFile(filepath.Join(codexHome, "config.toml"), []byte(`model_provider = "relay"
[model_providers.relay]
name = "Relay"
base_url = "https://relay.example.com/v1"
env_key = "RELAY_KEY"
`), 0o600))
	s = h.resolve("codex")
	if kp := KeyPresent(context.Background(), s); kp.Cause != "key-missing" || !strings.Contains(kp.Summary, "RELAY_KEY") {
		t.Errorf("custom provider without its variable: key-present %q: %s", kp.Cause, kp.Summary)
	}
	must(t, os.Remove(filepath.Join(codexHome, "config.toml")))

	// Credentials in the keyring: nothing to read, said so.
	must(t, os.Remove(auth))
	delete(h.cfg.Env, "OPENAI_API_KEY")
	must(t, os.WriteFile(filepath.Join(codexHome, "config.toml"), []byte(`cli_auth_credentials_store = "keyring"`+"\n"), 0o600))
	if kp := KeyPresent(context.Background(), h.resolve("codex")); kp.Cause == "key-missing" || !strings.Contains(kp.Summary, "keyring") {
		t.Errorf("keyring store: key-present %q: %s", kp.Cause, kp.Summary)
	}
	must(t, os.Remove(filepath.Join(codexHome, "config.toml")))

	// A malformed auth.json is a clear line, never a crash, and never
	// echoes what it holds.
	must(t, os.WriteFile(auth, []byte(`{"OPENAI_API_KEY": "`+stored+`", `), 0o600))
	s = h.resolve("codex")
	cc := ClientConfig(context.Background(), s)
	if cc.Status != checks.Fail || !strings.Contains(cc.Summary, "auth.json") {
		t.Errorf("malformed auth.json: client-config %s: %s", cc.Status, cc.Summary)
	}
	if strings.Contains(cc.Summary+strings.Join(cc.Details, "\n"), stored[8:20]) {
		t.Errorf("the stored key leaked: %s", cc.Summary)
	}

	// Only auth.json: Codex is configured here (a signed-in Codex).
	must(t, os.WriteFile(auth, []byte(`{"tokens":{"access_token":"eyJ.a.b","refresh_token":"rt"}}`), 0o600))
	if _, reason, ok := chooseClient(h.cfg); !ok || !strings.Contains(reason, "auth.json") {
		t.Errorf("a signed-in Codex is not found as configured: %v %q", ok, reason)
	}
}

// OpenCode's auth.json ("opencode auth login"): a key per provider id,
// used when opencode.json names none; an OAuth entry is a subscription
// login.
func TestOpenCodeAuthJSON(t *testing.T) {
	const stored = "sk-ant-api03-StoredByOpenCode0000000000000000000000"
	xdgData, xdgConf := t.TempDir(), t.TempDir()
	h := newClientHome(t, map[string]string{"XDG_DATA_HOME": xdgData, "XDG_CONFIG_HOME": xdgConf})
	must(t, os.MkdirAll(filepath.Join(xdgData, "opencode"), 0o755))
	must(t, os.MkdirAll(filepath.Join(xdgConf, "opencode"), 0o755))
	auth := filepath.Join(xdgData, "opencode", "auth.json")
	must(t, os.WriteFile(filepath.Join(xdgConf, "opencode", "opencode.json"), []byte(`{"$schema": "https://opencode.ai/config.json", "model": "anthropic/claude-sonnet-4-5"}`), 0o600))

	must(t, os.WriteFile(auth, []byte(`{"anthropic": {"type": "api", "key": "`+stored+`"}}`), 0o600))
	s := h.resolve("opencode")
	if s.Key.Reveal() != stored || s.Shape.Auth != "x-api-key" || !strings.Contains(s.KeySource, "auth.json") {
		t.Errorf("stored key: %s from %q auth %q", s.Key, s.KeySource, s.Shape.Auth)
	}
	if kp := KeyPresent(context.Background(), s); kp.Status != checks.Pass {
		t.Errorf("key-present %s %q: %s", kp.Status, kp.Cause, kp.Summary)
	}

	must(t, os.WriteFile(auth, []byte(`{"anthropic": {"type": "oauth", "refresh": "rt-0123", "access": "at-0123", "expires": 1764590000000}}`), 0o600))
	s = h.resolve("opencode")
	kp := KeyPresent(context.Background(), s)
	if !s.Key.Empty() || kp.Cause == "key-missing" || !strings.Contains(kp.Summary, "OAuth sign-in for anthropic") {
		t.Errorf("OAuth login: key %s, key-present %s %q: %s", s.Key, kp.Status, kp.Cause, kp.Summary)
	}

	// Another provider's entry does not apply.
	must(t, os.WriteFile(auth, []byte(`{"openai": {"type": "api", "key": "sk-proj-other"}}`), 0o600))
	if kp := KeyPresent(context.Background(), h.resolve("opencode")); kp.Cause != "key-missing" {
		t.Errorf("only another provider's login: key-present %q: %s", kp.Cause, kp.Summary)
	}
}

// The models list a client's checks ask for sits where its endpoint's
// family does: an OpenAI SDK's {base}/models, never {base}/chat/models.
func TestClientModelsURL(t *testing.T) {
	for path, want := range map[string]string{
		"/chat/completions":      "/models",
		"/v1/messages?beta=true": "/v1/models",
		"/messages":              "/models",
		"/responses":             "/models",
		"":                       "/models",
	} {
		if got := modelsPath(path); got != want {
			t.Errorf("modelsPath(%q) = %q, want %q", path, got, want)
		}
	}
	h := newClientHome(t, map[string]string{"OPENAI_API_KEY": "sk-proj-0123456789abcdef0123456789abcdef", "OPENAI_BASE_URL": "http://127.0.0.1:9/v1"})
	if s := h.resolve("openai-sdk"); s.ModelsURL != "http://127.0.0.1:9/v1/models" {
		t.Errorf("openai-sdk models list %q, want http://127.0.0.1:9/v1/models", s.ModelsURL)
	}
}

// Codex's built-in OpenAI provider has no env_key: it sends what auth.json
// holds, never the shell's OPENAI_API_KEY (codex-rs model_provider_info.rs,
// login/src/api_bridge.rs). That variable alone is no key for Codex, and
// the check says how to store it; a provider whose env_key names it does
// send it.
func TestCodexDoesNotSendOpenAIAPIKey(t *testing.T) {
	const shell = "sk-proj-TheShellsOwnKey111111111111111111111111111"
	codexHome := t.TempDir()
	h := newClientHome(t, map[string]string{"CODEX_HOME": codexHome, "OPENAI_API_KEY": shell})
	s := h.resolve("codex")
	if !s.Key.Empty() {
		t.Fatalf("Codex would send the shell's OPENAI_API_KEY: %s", s.Key)
	}
	kp := KeyPresent(context.Background(), s)
	if kp.Cause != "key-missing" || !strings.Contains(kp.Summary, "OPENAI_API_KEY is set in the shell, but Codex does not send it") ||
		!strings.Contains(kp.Summary, "codex login --with-api-key") || strings.Contains(kp.Summary, shell) {
		t.Errorf("key-present %q: %s", kp.Cause, kp.Summary)
	}
	unused := source(s, "key", false)
	if len(unused) != 1 || !strings.HasPrefix(unused[0].Name, "OPENAI_API_KEY") || !strings.Contains(unused[0].Why, "not used") || unused[0].Fingerprint == "" {
		t.Errorf("the shell's key should be listed, not used, with why: %+v", unused)
	}
	must(t, os.WriteFile(filepath.Join(codexHome, "config.toml"), []byte(`model_provider = "proxy"
[model_providers.proxy]
name = "OpenAI via a proxy"
base_url = "https://proxy.example.com/v1"
env_key = "OPENAI_API_KEY"
wire_api = "responses"
`), 0o600))
	s = h.resolve("codex")
	if s.Key.Reveal() != shell || s.KeyEnv != "OPENAI_API_KEY" {
		t.Errorf("env_key = OPENAI_API_KEY: Codex sends it, got %q from %q", s.Key, s.KeyEnv)
	}
}
