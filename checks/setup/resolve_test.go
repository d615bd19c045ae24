package setup

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unstuck-dev/unstuck/checks"
)

// testKey is a distinctive fake key: if it ever shows up whole in a
// result, a check leaked it.
const testKey = "sk-proj-TESTKEY1234567890abcdefSECRET"

// testSetup resolves a config against the real profiles, in an empty working
// directory unless the test gives one.
func testSetup(t testing.TB, cfg checks.Config) *checks.Setup {
	t.Helper()
	if cfg.Profiles == nil {
		cfg.Profiles = testProfiles(t)
	}
	if cfg.KeyIssuers == nil {
		cfg.KeyIssuers = testIssuers(t)
	}
	if cfg.WorkDir == "" {
		cfg.WorkDir = t.TempDir()
	}
	return Resolve(cfg)
}

func writeFile(t testing.TB, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestGuessProfile(t *testing.T) {
	cases := []struct {
		name     string
		cfg      checks.Config
		profile  string
		keyEnv   string
		reason   string // substring of ProfileReason
		endpoint string
	}{
		{"openai key alone", checks.Config{Env: checks.Env{"OPENAI_API_KEY": testKey}},
			"openai", "OPENAI_API_KEY", "OPENAI_API_KEY is set", "https://api.openai.com/v1/chat/completions"},
		{"anthropic key alone", checks.Config{Env: checks.Env{"ANTHROPIC_API_KEY": "sk-ant-api03-abcdefghijklmnop"}},
			"anthropic", "ANTHROPIC_API_KEY", "key prefix sk-ant-api03-", "https://api.anthropic.com/v1/messages"},
		{"anthropic auth token only", checks.Config{Env: checks.Env{"ANTHROPIC_AUTH_TOKEN": "sk-ant-api03-abcdefghijklmnop"}},
			"anthropic", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_AUTH_TOKEN is set", "https://api.anthropic.com/v1/messages"},
		{"openrouter via openai sdk", checks.Config{Env: checks.Env{"OPENAI_API_KEY": "sk-or-v1-abcdefghijklmnopqrstuvwxyz", "OPENAI_BASE_URL": "https://openrouter.ai/api/v1"}},
			"openrouter", "OPENAI_API_KEY", "openrouter.ai", "https://openrouter.ai/api/v1/chat/completions"},
		{"local ollama", checks.Config{Env: checks.Env{"OPENAI_API_KEY": "ollama", "OPENAI_BASE_URL": "http://localhost:11434/v1"}},
			"ollama", "OPENAI_API_KEY", "port 11434", "http://localhost:11434/v1/chat/completions"},
		{"ollama by OLLAMA_HOST alone", checks.Config{Env: checks.Env{"OLLAMA_HOST": "0.0.0.0:11434"}},
			"ollama", "OPENAI_API_KEY", "OLLAMA_HOST is set", "http://127.0.0.1:11434/v1/chat/completions"},
		{"ollama as a compose service", checks.Config{Env: checks.Env{"OPENAI_BASE_URL": "http://ollama:11434/v1"}},
			"ollama", "OPENAI_API_KEY", "ollama", "http://ollama:11434/v1/chat/completions"},
		{"vllm by its port", checks.Config{Env: checks.Env{"OPENAI_API_KEY": "none", "OPENAI_BASE_URL": "http://gpu-box:8000/v1"}},
			"vllm", "OPENAI_API_KEY", "port 8000", "http://gpu-box:8000/v1/chat/completions"},
		{"lm studio by its port", checks.Config{BaseURL: "http://127.0.0.1:1234/v1"},
			"lmstudio", "OPENAI_API_KEY", "port 1234", "http://127.0.0.1:1234/v1/chat/completions"},
		{"a port in another host's URL is no local server", checks.Config{Env: checks.Env{"OPENAI_API_KEY": "sk-proj-abcdefghijklmnopqrstuvwx"}, BaseURL: "https://api.openai.com:443/v1"},
			"openai", "OPENAI_API_KEY", "", "https://api.openai.com:443/v1/chat/completions"},
		{"OLLAMA_HOST does not beat an OpenAI key", checks.Config{Env: checks.Env{"OLLAMA_HOST": "0.0.0.0", "OPENAI_API_KEY": "sk-proj-abcdefghijklmnopqrstuvwx"}},
			"openai", "OPENAI_API_KEY", "", "https://api.openai.com/v1/chat/completions"},
		{"agentrouter own variables", checks.Config{Env: checks.Env{"AGENTROUTER_API_KEY": "sk-ar-abcdefghijklmnopqrstu", "AGENTROUTER_BASE_URL": "https://your-agentrouter.com/v1"}},
			"agentrouter", "AGENTROUTER_API_KEY", "your-agentrouter.com", "https://your-agentrouter.com/v1/chat/completions"},
		{"agentrouter through OPENAI_ variables", checks.Config{Env: checks.Env{"OPENAI_API_KEY": "sk-ar-abcdefghijklmnopqrstu", "OPENAI_BASE_URL": "https://gw.example.com/v1"}},
			"agentrouter", "OPENAI_API_KEY", "key prefix sk-ar-", "https://gw.example.com/v1/chat/completions"},
		{"heroku add-on variables", checks.Config{Env: checks.Env{"INFERENCE_KEY": "inf-abcdefghijklmnop", "INFERENCE_URL": "https://us.inference.heroku.com", "INFERENCE_MODEL_ID": "claude-4-5-sonnet"}},
			"heroku", "INFERENCE_KEY", "inference.heroku.com", "https://us.inference.heroku.com/v1/chat/completions"},
		{"latentkit key", checks.Config{Env: checks.Env{"LATENTKIT_API_KEY": "lk-abcdefghijklmnopqrst", "LATENTKIT_BASE_URL": "https://api.latentkit.example/v1"}},
			"latentkit", "LATENTKIT_API_KEY", "latentkit", "https://api.latentkit.example/v1/chat/completions"},
		{"tokenhub via base url flag", checks.Config{BaseURL: "https://api.tokenhub.ai/v1", Env: checks.Env{"TOKENHUB_API_KEY": "th-abcdefghijklmnop"}},
			"tokenhub", "TOKENHUB_API_KEY", "tokenhub", "https://api.tokenhub.ai/v1/chat/completions"},
		{"explicit provider wins", checks.Config{Provider: "Anthropic", Env: checks.Env{"OPENAI_API_KEY": testKey}},
			"anthropic", "ANTHROPIC_API_KEY", "--provider anthropic", "https://api.anthropic.com/v1/messages"},
		{"key-env flag", checks.Config{KeyEnv: "INFERENCE_KEY", Env: checks.Env{"INFERENCE_KEY": "x-abcdefghijklmnop", "OPENAI_API_KEY": testKey}},
			"heroku", "INFERENCE_KEY", "--key-env INFERENCE_KEY", "https://us.inference.heroku.com/v1/chat/completions"},
		{"nothing set", checks.Config{Env: checks.Env{}},
			"openai", "OPENAI_API_KEY", "nothing in the environment", "https://api.openai.com/v1/chat/completions"},
		{"unknown provider", checks.Config{Provider: "acme", Env: checks.Env{"OPENAI_API_KEY": testKey}},
			"acme", "OPENAI_API_KEY", "no such profile", ""},
		{"both keys: file order decides", checks.Config{Env: checks.Env{"OPENAI_API_KEY": testKey, "ANTHROPIC_API_KEY": "sk-ant-api03-abcdefghijklmnop"}},
			"openai", "OPENAI_API_KEY", "", "https://api.openai.com/v1/chat/completions"},
		{"protocol flag on a relay", checks.Config{Protocol: "anthropic", Env: checks.Env{"AGENTROUTER_API_KEY": "sk-ar-abcdefghijklmnopqrstu", "AGENTROUTER_BASE_URL": "https://your-agentrouter.com"}},
			"agentrouter", "AGENTROUTER_API_KEY", "", "https://your-agentrouter.com/v1/messages"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := testSetup(t, c.cfg)
			if s.Profile.Name != c.profile {
				t.Errorf("profile = %q (%s), want %q", s.Profile.Name, s.ProfileReason, c.profile)
			}
			if s.KeyEnv != c.keyEnv {
				t.Errorf("KeyEnv = %q, want %q", s.KeyEnv, c.keyEnv)
			}
			if !strings.Contains(s.ProfileReason, c.reason) {
				t.Errorf("ProfileReason = %q, want it to mention %q", s.ProfileReason, c.reason)
			}
			if s.Endpoint != c.endpoint {
				t.Errorf("Endpoint = %q, want %q", s.Endpoint, c.endpoint)
			}
			if want := c.cfg.Env[c.keyEnv]; s.Key.Reveal() != want {
				t.Errorf("Key = %v, want the value of %s", s.Key, c.keyEnv)
			}
		})
	}
}

func TestComposeURL(t *testing.T) {
	cases := []struct {
		base, protocol, path, want string
	}{
		// OpenAI-style SDKs append to the base as written.
		{"https://api.openai.com/v1", "openai", PathChat, "https://api.openai.com/v1/chat/completions"},
		{"https://api.openai.com/v1/", "openai", PathChat, "https://api.openai.com/v1/chat/completions"},
		{"https://api.openai.com/v1//", "openai", PathChat, "https://api.openai.com/v1//chat/completions"},
		{"https://api.openai.com", "openai", PathChat, "https://api.openai.com/chat/completions"},
		{"https://api.openai.com/v1", "openai", PathModels, "https://api.openai.com/v1/models"},
		{"https://openrouter.ai/api/v1", "openai", PathChat, "https://openrouter.ai/api/v1/chat/completions"},
		{"https://x.example/v1/chat/completions", "openai", PathChat, "https://x.example/v1/chat/completions/chat/completions"},
		{"https://us.inference.heroku.com/v1", "openai", PathChat, "https://us.inference.heroku.com/v1/chat/completions"},
		{"http://[::1]:8080/v1", "openai", PathChat, "http://[::1]:8080/v1/chat/completions"},
		{"https://gw.example/openai/v1?api-version=2024-10-21", "openai", PathChat, "https://gw.example/openai/v1/chat/completions?api-version=2024-10-21"},
		{"https://api.openai.com/v1", "openai", "/responses", "https://api.openai.com/v1/responses"},
		{"https://api.openai.com/v1", "openai", "embeddings", "https://api.openai.com/v1/embeddings"},
		// Anthropic SDKs add /v1 themselves.
		{"https://api.anthropic.com", "anthropic", PathChat, "https://api.anthropic.com/v1/messages"},
		{"https://api.anthropic.com/", "anthropic", PathChat, "https://api.anthropic.com/v1/messages"},
		{"https://api.anthropic.com/v1", "anthropic", PathChat, "https://api.anthropic.com/v1/v1/messages"},
		{"https://api.anthropic.com", "anthropic", PathModels, "https://api.anthropic.com/v1/models"},
		{"https://your-agentrouter.com", "anthropic", PathChat, "https://your-agentrouter.com/v1/messages"},
		{"https://openrouter.ai/api", "anthropic", PathChat, "https://openrouter.ai/api/v1/messages"},
		{"https://host/a%2Fb", "openai", PathChat, "https://host/a%2Fb/chat/completions"},
		// The Responses API: the base holds /v1.
		{"https://api.openai.com/v1", "responses", PathChat, "https://api.openai.com/v1/responses"},
		{"https://api.openai.com/v1/", "responses", PathModels, "https://api.openai.com/v1/models"},
		// Gemini's native API: the base holds the version, the path names the model.
		{"https://generativelanguage.googleapis.com/v1beta", "gemini", GeminiModelPath("gemini-2.5-flash"), "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent"},
		{"https://generativelanguage.googleapis.com/v1beta/", "gemini", GeminiModelPath("models/gemini-2.5-pro"), "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro:generateContent"},
		{"https://generativelanguage.googleapis.com/v1beta", "gemini", PathModels, "https://generativelanguage.googleapis.com/v1beta/models"},
	}
	for _, c := range cases {
		got, err := ComposeURL(c.base, c.protocol, c.path)
		if err != nil || got != c.want {
			t.Errorf("ComposeURL(%q, %q, %q) = %q, %v; want %q", c.base, c.protocol, c.path, got, err, c.want)
		}
	}

	// Each profile's default base URL composes to a URL under its host.
	for _, p := range testProfiles(t) {
		if p.DefaultBaseURL == "" {
			continue
		}
		got, err := ComposeURL(p.DefaultBaseURL, p.Protocol, PathChat)
		if err != nil {
			t.Errorf("%s: ComposeURL(default) error %v", p.Name, err)
			continue
		}
		// An OpenAI-style base ends where the profile says (/v1 unless
		// it names another path, e.g. DeepSeek's bare host).
		want := map[string]string{checks.ProtocolOpenAI: "/v1/chat/completions", checks.ProtocolAnthropic: "/v1/messages"}[p.Protocol]
		if p.Protocol == checks.ProtocolOpenAI && !strings.HasSuffix(strings.TrimSuffix(p.DefaultBaseURL, "/"), "/v1") {
			want = strings.TrimSuffix(p.OpenAIBasePath, "/") + "/chat/completions"
		}
		if !strings.HasSuffix(got, want) || strings.Contains(got, "/v1/v1") {
			t.Errorf("%s: default endpoint %q does not end in %s", p.Name, got, want)
		}
	}

	bad := []struct{ base, protocol, inWords string }{
		{"", "openai", "empty"},
		{"api.openai.com/v1", "openai", "no scheme"},
		{"localhost:8080/v1", "openai", "no scheme"},
		{" https://api.openai.com/v1", "openai", "starts with a space"},
		{"https://api.openai.com/v1\n", "openai", "newline"},
		{`"https://api.openai.com/v1"`, "openai", "quotes"},
		{"https://api.openai .com/v1", "openai", "space"},
		{"ftp://files.example/v1", "openai", "scheme ftp"},
		{"https://host:99999/v1", "openai", "port 99999"},
		{"https://host:abc/v1", "openai", "invalid port"},
		{"http://::1:8080/v1", "openai", "brackets"},
		{"https:///v1", "openai", "no host"},
		{"http:foo", "openai", "missing //"},
		{"https://api.openai.com/v1", "grpc", "unknown protocol"},
		{"https://host/%zz", "openai", "parse"},
	}
	for _, c := range bad {
		_, err := ComposeURL(c.base, c.protocol, PathChat)
		if err == nil || !strings.Contains(err.Error(), c.inWords) {
			t.Errorf("ComposeURL(%q, %q) error = %v, want one mentioning %q", c.base, c.protocol, err, c.inWords)
		}
	}
}

func TestResolveSources(t *testing.T) {
	root := t.TempDir()
	work := filepath.Join(root, "app", "src")
	if err := os.MkdirAll(work, 0o755); err != nil {
		t.Fatal(err)
	}
	// The nearest .env is two levels up: found by walking up.
	envPath := writeFile(t, filepath.Join(root, "app"), ".env", "# keys\nOPENAI_API_KEY=sk-proj-FROMDOTENVabcdefghijkl\nOPENAI_MODEL=gpt-4o\n")
	home := t.TempDir()
	writeFile(t, home, ".zshrc", "export PATH=$PATH:/x\nexport OPENAI_API_KEY='sk-proj-FROMZSHRCabcdefghijkl'\nexport OPENAI_API_KEY=$(cat ~/.key)\n")

	s := testSetup(t, checks.Config{
		WorkDir: work,
		Env:     checks.Env{"OPENAI_API_KEY": testKey, "ANTHROPIC_API_KEY": "sk-ant-api03-otherclientkey123", "HOME": home},
		Headers: []checks.Header{{Name: "x-portkey-api-key", Value: "pk-HEADERSECRET-123456"}, {Name: "x-portkey-provider", Value: "openai"}},
	})
	if s.EnvFilePath != envPath {
		t.Fatalf("EnvFilePath = %q, want %q", s.EnvFilePath, envPath)
	}
	if s.KeySource != "environment" || s.Key.Reveal() != testKey {
		t.Errorf("key from %q = %v; the SDK reads the environment", s.KeySource, s.Key)
	}
	if s.Model != "" {
		t.Errorf("Model = %q: OPENAI_MODEL is only in .env, which the SDK does not read", s.Model)
	}
	want := map[string]int{
		"environment OPENAI_API_KEY":            0,
		".env OPENAI_API_KEY":                   2,
		"environment ANTHROPIC_API_KEY":         0,
		"shell profile ~/.zshrc OPENAI_API_KEY": 2,
	}
	for _, src := range s.Sources {
		k := src.Where + " " + src.Name
		line, ok := want[k]
		if !ok {
			t.Errorf("unexpected source %s (line %d)", k, src.Line)
			continue
		}
		if line != src.Line {
			t.Errorf("%s: line %d, want %d", k, src.Line, line)
		}
		delete(want, k)
	}
	for k := range want {
		t.Errorf("source %s not found", k)
	}
	// The redactor knows every key and the credential header, but not the
	// harmless header.
	text := s.Redactor.Redact("a " + testKey + " b sk-proj-FROMDOTENVabcdefghijkl c pk-HEADERSECRET-123456 d openai")
	for _, secret := range []string{testKey, "FROMDOTENV", "HEADERSECRET"} {
		if strings.Contains(text, secret) {
			t.Errorf("redactor left %q in %q", secret, text)
		}
	}
	if !strings.HasSuffix(text, "d openai") {
		t.Errorf("redactor masked a harmless value: %q", text)
	}
}

func TestResolveBaseURLOrder(t *testing.T) {
	cases := []struct {
		cfg            checks.Config
		base, source   string
		model, modelBy string
	}{
		{checks.Config{Provider: "openai", BaseURL: "https://flag.example/v1", Model: "m1", Env: checks.Env{"OPENAI_BASE_URL": "https://env.example/v1", "OPENAI_MODEL": "m2"}},
			"https://flag.example/v1", "--base-url", "m1", "--model"},
		{checks.Config{Provider: "openai", Env: checks.Env{"OPENAI_BASE_URL": "https://env.example/v1", "OPENAI_MODEL": "m2"}},
			"https://env.example/v1", "OPENAI_BASE_URL", "m2", "OPENAI_MODEL"},
		{checks.Config{Provider: "openai", Env: checks.Env{}}, "https://api.openai.com/v1", "profile default", "", ""},
		{checks.Config{Provider: "heroku", Env: checks.Env{"INFERENCE_URL": "https://eu.inference.heroku.com/", "INFERENCE_MODEL_ID": "claude-4-5-haiku"}},
			"https://eu.inference.heroku.com/v1", "INFERENCE_URL + /v1", "claude-4-5-haiku", "INFERENCE_MODEL_ID"},
		// A --base-url is taken exactly as written, even for Heroku.
		{checks.Config{Provider: "heroku", BaseURL: "https://us.inference.heroku.com"}, "https://us.inference.heroku.com", "--base-url", "", ""},
		{checks.Config{Provider: "agentrouter", Env: checks.Env{}}, "", "", "", ""},
		{checks.Config{Provider: "agentrouter", Env: checks.Env{"OPENAI_BASE_URL": "https://ar.example/v1"}}, "https://ar.example/v1", "OPENAI_BASE_URL", "", ""},
		{checks.Config{Provider: "anthropic", Protocol: "anthropic", Env: checks.Env{"ANTHROPIC_BASE_URL": "https://proxy.example"}}, "https://proxy.example", "ANTHROPIC_BASE_URL", "", ""},
	}
	for i, c := range cases {
		s := testSetup(t, c.cfg)
		if s.BaseURL != c.base || s.BaseURLSource != c.source || s.Model != c.model || s.ModelSource != c.modelBy {
			t.Errorf("case %d: base %q from %q, model %q from %q; want %q from %q, %q from %q",
				i, s.BaseURL, s.BaseURLSource, s.Model, s.ModelSource, c.base, c.source, c.model, c.modelBy)
		}
		if c.base == "" && s.Endpoint != "" {
			t.Errorf("case %d: endpoint %q without a base URL", i, s.Endpoint)
		}
	}
}

func TestResolveExplicitEnvFile(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "config/prod.env", "OPENAI_API_KEY=sk-proj-PRODabcdefghijklmnop\n")
	writeFile(t, dir, ".env", "OPENAI_API_KEY=sk-proj-DEVabcdefghijklmnop\n")
	s := testSetup(t, checks.Config{WorkDir: dir, EnvFile: "config/prod.env", Env: checks.Env{}})
	if s.EnvFilePath != filepath.Join(dir, "config/prod.env") {
		t.Fatalf("EnvFilePath = %q", s.EnvFilePath)
	}
	if got := s.EnvFileVars["OPENAI_API_KEY"]; got != "sk-proj-PRODabcdefghijklmnop" {
		t.Errorf("EnvFileVars key = %s", checks.Fingerprint(got))
	}
	if !s.Key.Empty() {
		t.Errorf("key %v taken from a .env the SDK does not read", s.Key)
	}
}

// With no profiles at all (content failed to load), a generic client of
// the SDK variables stands in; it names no profile.
func TestResolveWithoutProfiles(t *testing.T) {
	s := Resolve(checks.Config{Env: checks.Env{"OPENAI_API_KEY": testKey, "OPENAI_BASE_URL": "http://127.0.0.1:4000/v1"}, WorkDir: t.TempDir()})
	if s.Profile.Name != "unknown" || s.KeyEnv != "OPENAI_API_KEY" || s.Endpoint != "http://127.0.0.1:4000/v1/chat/completions" {
		t.Errorf("fallback resolution: %q %q %q", s.Profile.Name, s.KeyEnv, s.Endpoint)
	}
	s = Resolve(checks.Config{})
	if s == nil || s.Redactor == nil || s.Protocol != checks.ProtocolOpenAI {
		t.Errorf("Resolve(Config{}) = %+v", s)
	}
}

func TestKeyEvidence(t *testing.T) {
	got := keyEvidence(checks.NewSecret(testKey), "OPENAI_API_KEY")
	if got != "sk-p…CRET (37 chars, #799a, from OPENAI_API_KEY)" {
		t.Errorf("keyEvidence = %q", got)
	}
	if got := keyEvidence(checks.NewSecret(""), "X"); got != "(empty, from X)" {
		t.Errorf("empty = %q", got)
	}
}

func TestSecretName(t *testing.T) {
	for name, want := range map[string]bool{
		"OPENAI_API_KEY": true, "ANTHROPIC_AUTH_TOKEN": true, "HF_TOKEN": true, "api-key": true, "apikey": true,
		"DB_PASSWORD": true, "sig": true, "access_token": true, "CLIENT_SECRET": true, "GITHUB_TOKEN": true,
		"AUTHOR": false, "KEYBOARD_LAYOUT": false, "OPENAI_BASE_URL": false, "PATH": false, "MONKEY": false, "api-version": false,
		// The working folder and paths to secrets are not secrets.
		"PWD": false, "OLDPWD": false, "PASSWD_FILE": false, "KEY_FILE": false, "SSL_KEY_PATH": false, "TOKENIZERS_PARALLELISM": false,
		"MYSQL_PWD": true, "DB_PASS": true, "KEYBOARD": false,
	} {
		if got := secretName(name); got != want {
			t.Errorf("secretName(%q) = %v", name, got)
		}
	}
}

// OLLAMA_HOST is read as Ollama's own client reads it (envconfig.Host in
// ollama/ollama): the scheme is optional, a bare host takes 11434, an
// explicit http:// without a port is 80, and 0.0.0.0 is reached as
// 127.0.0.1.
func TestHostEnvURL(t *testing.T) {
	p := checks.Profile{Ports: []int{11434}, OpenAIBasePath: "/v1"}
	for in, want := range map[string]string{
		"":                         "",
		"0.0.0.0":                  "http://127.0.0.1:11434/v1",
		"0.0.0.0:11434":            "http://127.0.0.1:11434/v1",
		"127.0.0.1:9999":           "http://127.0.0.1:9999/v1",
		"localhost":                "http://localhost:11434/v1",
		"gpu-box:11434":            "http://gpu-box:11434/v1",
		"http://gpu-box":           "http://gpu-box:80/v1",
		"https://ollama.example":   "https://ollama.example:443/v1",
		"http://10.0.0.5:11434/":   "http://10.0.0.5:11434/v1",
		"[::]:11434":               "http://[::1]:11434/v1",
		"::1":                      "http://[::1]:11434/v1",
		"host:notaport":            "http://host:11434/v1",
		"ftp://x":                  "",
		"a b":                      "",
		"http://h:11434/custom/v1": "http://h:11434/custom/v1",
	} {
		if got := hostEnvURL(in, p); got != want {
			t.Errorf("hostEnvURL(%q) = %q, want %q", in, got, want)
		}
	}
}
