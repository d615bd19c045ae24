package setup

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/unstuck-dev/unstuck/checks"
)

// expectResult is what a table test expects of one check result.
type expectResult struct {
	status  checks.Status
	cause   string
	summary []string // substrings of Summary
}

func (w expectResult) check(t *testing.T, r checks.Result) {
	t.Helper()
	if r.Status != w.status || r.Cause != w.cause {
		t.Errorf("%s: status %s cause %q, want %s %q — %s | %v", r.ID, r.Status, r.Cause, w.status, w.cause, r.Summary, r.Details)
	}
	for _, sub := range w.summary {
		if !strings.Contains(r.Summary, sub) {
			t.Errorf("%s: summary %q lacks %q", r.ID, r.Summary, sub)
		}
	}
	if r.Title == "" || r.ID == "" {
		t.Errorf("result without ID or title: %+v", r)
	}
}

func TestKeyPresent(t *testing.T) {
	cases := []struct {
		name   string
		env    checks.Env
		dotenv string
		cfg    checks.Config
		want   expectResult
	}{
		{"set", checks.Env{"OPENAI_API_KEY": testKey}, "", checks.Config{},
			expectResult{checks.Pass, "", []string{"OPENAI_API_KEY is set", "sk-p…CRET (37 chars, #799a)", "environment"}}},
		{"unset", checks.Env{}, "", checks.Config{},
			expectResult{checks.Fail, "key-missing", []string{"OPENAI_API_KEY is not set"}}},
		{"empty", checks.Env{"OPENAI_API_KEY": ""}, "", checks.Config{},
			expectResult{checks.Fail, "key-missing", []string{"set but empty"}}},
		{"only in .env", checks.Env{}, "OPENAI_API_KEY=" + testKey + "\n", checks.Config{},
			expectResult{checks.Fail, "env-file-not-loaded", []string{"not in this process's environment", ".env:1"}}},
		{"key-env flag unset", checks.Env{"OPENAI_API_KEY": testKey}, "", checks.Config{KeyEnv: "MY_KEY"},
			expectResult{checks.Fail, "key-missing", []string{"MY_KEY is not set"}}},
		// The OpenAI SDK falls back to OPENAI_API_KEY when the app passes an
		// unset INFERENCE_KEY (api_key=None).
		{"heroku key missing, openai key set", checks.Env{"OPENAI_API_KEY": testKey}, "", checks.Config{Provider: "heroku"},
			expectResult{checks.Pass, "", []string{"OPENAI_API_KEY is set"}}},
		{"anthropic key missing, openai key set", checks.Env{"OPENAI_API_KEY": testKey}, "", checks.Config{Provider: "anthropic"},
			expectResult{checks.Fail, "key-missing", []string{"ANTHROPIC_API_KEY is not set"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			if c.dotenv != "" {
				writeFile(t, dir, ".env", c.dotenv)
			}
			cfg := c.cfg
			cfg.Env, cfg.WorkDir = c.env, dir
			s := testSetup(t, cfg)
			r := KeyPresent(context.Background(), s)
			c.want.check(t, r)
			if c.want.status == checks.Pass && r.Evidence.Key != "sk-p…CRET (37 chars, #799a, from OPENAI_API_KEY)" {
				t.Errorf("Evidence.Key = %q", r.Evidence.Key)
			}
		})
	}
	// The hint names the variable the user did set.
	s := testSetup(t, checks.Config{Provider: "anthropic", Env: checks.Env{"OPENAI_API_KEY": testKey}})
	r := KeyPresent(context.Background(), s)
	if !strings.Contains(strings.Join(r.Details, "\n"), "OPENAI_API_KEY is set") {
		t.Errorf("no hint about OPENAI_API_KEY: %v", r.Details)
	}
	s = testSetup(t, checks.Config{Provider: "heroku", Env: checks.Env{"OPENAI_API_KEY": testKey}})
	r = KeyPresent(context.Background(), s)
	if !strings.Contains(strings.Join(r.Details, "\n"), "INFERENCE_KEY") {
		t.Errorf("no note that INFERENCE_KEY is unset: %v", r.Details)
	}
}

func TestKeySources(t *testing.T) {
	other := "sk-proj-OTHERKEYabcdefghijklmnop"
	cases := []struct {
		name   string
		env    checks.Env
		dotenv string
		zshrc  string
		cfg    checks.Config
		want   expectResult
		detail string
	}{
		{"one source", checks.Env{"OPENAI_API_KEY": testKey}, "", "", checks.Config{},
			expectResult{checks.Pass, "", []string{"one key"}}, ""},
		{"same in env and .env", checks.Env{"OPENAI_API_KEY": testKey}, "OPENAI_API_KEY=" + testKey + "\n", "", checks.Config{},
			expectResult{checks.Pass, "", []string{"same key"}}, ""},
		{"env and .env differ", checks.Env{"OPENAI_API_KEY": testKey}, "OPENAI_API_KEY=" + other + "\n", "", checks.Config{},
			expectResult{checks.Warn, "key-shadowed", []string{"2 different keys", "environment"}}, "override=True"},
		{"shell profile differs", checks.Env{"OPENAI_API_KEY": testKey}, "", "export OPENAI_API_KEY=\"" + other + "\"\n", checks.Config{},
			expectResult{checks.Warn, "key-shadowed", nil}, "new terminal"},
		{"anthropic: both variables", checks.Env{"ANTHROPIC_API_KEY": "sk-ant-api03-AAAAAAAAAAAAAAAA", "ANTHROPIC_AUTH_TOKEN": "sk-ant-api03-BBBBBBBBBBBBBBBB"}, "", "", checks.Config{},
			expectResult{checks.Warn, "key-shadowed", nil}, "sends both"},
		{"other profile's variable is not shadowing", checks.Env{"OPENAI_API_KEY": testKey, "ANTHROPIC_API_KEY": "sk-ant-api03-AAAAAAAAAAAAAAAA"}, "", "", checks.Config{Provider: "openai"},
			expectResult{checks.Pass, "", nil}, "for other clients: ANTHROPIC_API_KEY"},
		{"trailing newline only", checks.Env{"OPENAI_API_KEY": testKey + "\n"}, "OPENAI_API_KEY=" + testKey + "\n", "", checks.Config{},
			expectResult{checks.Pass, "", nil}, ""},
		{"nothing anywhere", checks.Env{}, "", "", checks.Config{},
			expectResult{checks.Skip, "", nil}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir, home := t.TempDir(), t.TempDir()
			if c.dotenv != "" {
				writeFile(t, dir, ".env", c.dotenv)
			}
			if c.zshrc != "" {
				writeFile(t, home, ".zshrc", c.zshrc)
				c.env["HOME"] = home
			}
			cfg := c.cfg
			cfg.Env, cfg.WorkDir = c.env, dir
			r := KeySources(context.Background(), testSetup(t, cfg))
			c.want.check(t, r)
			if c.detail != "" && !strings.Contains(strings.Join(r.Details, "\n"), c.detail) {
				t.Errorf("details lack %q: %v", c.detail, r.Details)
			}
		})
	}
}

func TestKeyHygiene(t *testing.T) {
	k := testKey
	cases := []struct {
		name string
		key  string
		want expectResult
	}{
		{"clean", k, expectResult{checks.Pass, "", []string{"clean token", "37 characters"}}},
		{"trailing newline", k + "\n", expectResult{checks.Fail, "key-whitespace", []string{`ends with a newline (\n)`, "heroku config:get", "tr -d"}}},
		{"crlf", k + "\r\n", expectResult{checks.Fail, "key-whitespace", []string{`\r\n`, "Windows"}}},
		{"leading space", " " + k, expectResult{checks.Fail, "key-whitespace", []string{"starts with a space"}}},
		{"trailing tab", k + "\t", expectResult{checks.Fail, "key-whitespace", []string{`tab`}}},
		{"inner space", "sk-proj-TESTKEY12345 67890abcdefSECRET", expectResult{checks.Fail, "key-whitespace", []string{"whitespace inside", "character 21"}}},
		{"inner newline", "sk-proj-TESTKEY12345\n67890abcdefSECRET", expectResult{checks.Fail, "key-whitespace", []string{"character 21"}}},
		{"escape char", "sk-proj-TESTKEY\x1b[0m1234567890abcdefSECRET", expectResult{checks.Fail, "key-whitespace", []string{"control character (U+001B)", "character 16"}}},
		{"zero-width space", "sk-proj-TESTKEY1234567890\u200babcdefSECRET", expectResult{checks.Fail, "key-whitespace", []string{"invisible character (U+200B)"}}},
		{"trailing zero-width", k + "\u200b", expectResult{checks.Fail, "key-whitespace", []string{"invisible character"}}},
		{"double quotes", `"` + k + `"`, expectResult{checks.Fail, "key-quoted", []string{`wrapped in "…"`}}},
		{"single quotes", "'" + k + "'", expectResult{checks.Fail, "key-quoted", []string{`'…'`}}},
		{"smart quotes", "“" + k + "”", expectResult{checks.Fail, "key-quoted", []string{"typographic"}}},
		{"stray quote", k + `"`, expectResult{checks.Fail, "key-quoted", []string{"stray quote"}}},
		{"url encoded", "sk-proj-TESTKEY1234567890abc%2BdefSECRET", expectResult{checks.Fail, "key-url-encoded", []string{"%2B", `'+'`}}},
		{"bearer", "Bearer " + k, expectResult{checks.Fail, "key-has-scheme", []string{"Bearer Bearer"}}},
		{"lower bearer", "bearer " + k, expectResult{checks.Fail, "key-has-scheme", nil}},
		{"whole header", "Authorization: Bearer " + k, expectResult{checks.Fail, "key-has-scheme", nil}},
		{"url", "https://api.openai.com/v1", expectResult{checks.Fail, "key-wrong-platform", []string{"not an API key", "URL"}}},
		{"prose", "please paste your key here", expectResult{checks.Fail, "key-wrong-platform", []string{"not an API key", "5 words"}}},
		{"placeholder", "sk-ar-your-api-key", expectResult{checks.Fail, "key-wrong-platform", []string{"placeholder"}}},
		{"look-alike letter", "sk-proj-TESTKЕY1234567890abcdefSECRET", expectResult{checks.Warn, "", []string{"non-ASCII", "U+0415"}}},
		{"quoted with newline", `"` + k + `"` + "\n", expectResult{checks.Fail, "key-quoted", nil}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := testSetup(t, checks.Config{Provider: "openai", Env: checks.Env{"OPENAI_API_KEY": c.key}})
			r := KeyHygiene(context.Background(), s)
			c.want.check(t, r)
			assertNoKey(t, r, c.key)
		})
	}

	// A megabyte-long key is examined quickly and summarised briefly.
	long := strings.Repeat("a", 1<<20) + " " + strings.Repeat("b", 10)
	r := KeyHygiene(context.Background(), testSetup(t, checks.Config{Provider: "openai", Env: checks.Env{"OPENAI_API_KEY": long}}))
	if r.Cause != "key-whitespace" || len(r.Summary) > 400 {
		t.Errorf("long key: %s %q (len %d)", r.Cause, r.Summary[:min(len(r.Summary), 200)], len(r.Summary))
	}
	many := strings.Repeat("a b", 1000)
	r = KeyHygiene(context.Background(), testSetup(t, checks.Config{Provider: "openai", Env: checks.Env{"OPENAI_API_KEY": many}}))
	if r.Cause != "key-wrong-platform" || len(strings.Join(r.Details, "")) > 2000 {
		t.Errorf("many spaces: %s %v", r.Cause, r.Details)
	}

	// With the key only in .env, the .env value is examined.
	dir := t.TempDir()
	writeFile(t, dir, ".env", "OPENAI_API_KEY=\" "+k+"\"\n")
	r = KeyHygiene(context.Background(), testSetup(t, checks.Config{WorkDir: dir, Provider: "openai", Env: checks.Env{}}))
	if r.Cause != "key-whitespace" || !strings.Contains(r.Summary, "in .env") {
		t.Errorf(".env key: %s %q", r.Cause, r.Summary)
	}
}

func TestKeyPlatform(t *testing.T) {
	cases := []struct {
		name     string
		cfg      checks.Config
		want     expectResult
		platform string
	}{
		{"openai key to openai", checks.Config{Env: checks.Env{"OPENAI_API_KEY": testKey}},
			expectResult{checks.Pass, "", []string{"OpenAI key"}}, "openai"},
		{"anthropic key to openai", checks.Config{Provider: "openai", Env: checks.Env{"OPENAI_API_KEY": "sk-ant-api03-abcdefghijklmnopqrstu"}},
			expectResult{checks.Fail, "key-wrong-platform", []string{"Anthropic API key", "api.openai.com"}}, "anthropic"},
		{"anthropic key, openai profile, local gateway", checks.Config{Provider: "openai", BaseURL: "http://127.0.0.1:8080/v1", Env: checks.Env{"OPENAI_API_KEY": "sk-ant-api03-abcdefghijklmnopqrstu"}},
			expectResult{checks.Fail, "key-wrong-platform", []string{"Anthropic API key", "OpenAI profile"}}, "anthropic"},
		{"openai key to anthropic", checks.Config{Provider: "anthropic", Env: checks.Env{"ANTHROPIC_API_KEY": testKey}},
			expectResult{checks.Fail, "key-wrong-platform", []string{"OpenAI key", "api.anthropic.com", "sk-ant-"}}, "openai"},
		{"claude subscription token", checks.Config{Provider: "anthropic", Env: checks.Env{"ANTHROPIC_API_KEY": "sk-ant-oat01-abcdefghijklmnopqrstu"}},
			expectResult{checks.Fail, "key-wrong-platform", []string{"subscription", "not an API key"}}, "claude-subscription"},
		{"claude subscription token to a relay", checks.Config{Env: checks.Env{"OPENAI_API_KEY": "sk-ant-oat01-abcdefghijklmnopqrstu", "OPENAI_BASE_URL": "https://gw.corp.example/v1"}},
			expectResult{checks.Fail, "key-wrong-platform", []string{"subscription"}}, "claude-subscription"},
		{"openai admin key", checks.Config{Env: checks.Env{"OPENAI_API_KEY": "sk-admin-abcdefghijklmnopqrstu"}},
			expectResult{checks.Fail, "key-wrong-platform", []string{"Admin"}}, "openai-admin"},
		{"agentrouter needs sk-ar-", checks.Config{Provider: "agentrouter", Env: checks.Env{"AGENTROUTER_API_KEY": testKey, "AGENTROUTER_BASE_URL": "https://gw.example.com/v1"}},
			expectResult{checks.Fail, "key-wrong-platform", []string{"AgentRouter keys start with sk-ar-", "OpenAI key"}}, "openai"},
		{"agentrouter key to agentrouter", checks.Config{Env: checks.Env{"AGENTROUTER_API_KEY": "sk-ar-abcdefghijklmnopqrstu", "AGENTROUTER_BASE_URL": "https://your-agentrouter.com/v1"}},
			expectResult{checks.Pass, "", []string{"AgentRouter key"}}, "agentrouter"},
		{"openrouter key to openai", checks.Config{Provider: "openai", Env: checks.Env{"OPENAI_API_KEY": "sk-or-v1-abcdefghijklmnopqrstu"}},
			expectResult{checks.Fail, "key-wrong-platform", []string{"OpenRouter"}}, "openrouter"},
		{"openai key to openrouter", checks.Config{Env: checks.Env{"OPENAI_API_KEY": testKey, "OPENAI_BASE_URL": "https://openrouter.ai/api/v1"}},
			expectResult{checks.Fail, "key-wrong-platform", []string{"openrouter.ai", "sk-or-v1-"}}, "openai"},
		{"bare sk- to a relay", checks.Config{Env: checks.Env{"OPENAI_API_KEY": "sk-1234567890abcdefghij", "OPENAI_BASE_URL": "https://oneapi.corp.example/v1"}},
			expectResult{checks.Pass, "", []string{"bare sk-"}}, "ambiguous-sk"},
		{"bare sk- to deepseek", checks.Config{Env: checks.Env{"OPENAI_API_KEY": "sk-1234567890abcdefghij", "OPENAI_BASE_URL": "https://api.deepseek.com"}},
			expectResult{checks.Pass, "", nil}, "ambiguous-sk"},
		{"bare sk- to openai", checks.Config{Provider: "openai", Env: checks.Env{"OPENAI_API_KEY": "sk-1234567890abcdefghij"}},
			expectResult{checks.Pass, "", nil}, "ambiguous-sk"},
		{"bare sk- to anthropic", checks.Config{Provider: "anthropic", Env: checks.Env{"ANTHROPIC_API_KEY": "sk-1234567890abcdefghij"}},
			expectResult{checks.Fail, "key-wrong-platform", nil}, "ambiguous-sk"},
		{"google key to groq", checks.Config{Env: checks.Env{"OPENAI_API_KEY": "AIzaSyabcdefghijklmnopqrstu", "OPENAI_BASE_URL": "https://api.groq.com/openai/v1"}},
			expectResult{checks.Fail, "key-wrong-platform", []string{"Google", "gsk_"}}, "google"},
		{"anthropic key via a company gateway", checks.Config{Provider: "anthropic", Env: checks.Env{"ANTHROPIC_API_KEY": "sk-ant-api03-abcdefghijklmnopqrstu", "ANTHROPIC_BASE_URL": "https://llm.corp.example"}},
			expectResult{checks.Pass, "", nil}, "anthropic"},
		{"unknown key to a relay", checks.Config{Provider: "latentkit", Env: checks.Env{"LATENTKIT_API_KEY": "lk_live_abcdefghijklmnop", "LATENTKIT_BASE_URL": "https://api.latentkit.example/v1"}},
			expectResult{checks.Pass, "", []string{"no prefix we know"}}, "unknown"},
		{"quoted key is still recognised", checks.Config{Provider: "openai", Env: checks.Env{"OPENAI_API_KEY": `"sk-ant-api03-abcdefghijklmnopqrstu"`}},
			expectResult{checks.Fail, "key-wrong-platform", nil}, "anthropic"},
		{"no key", checks.Config{Env: checks.Env{}}, expectResult{checks.Skip, "", nil}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := KeyPlatform(context.Background(), testSetup(t, c.cfg))
			c.want.check(t, r)
			if got := r.Facts["key-platform.platform"]; got != c.platform {
				t.Errorf("platform fact = %q, want %q", got, c.platform)
			}
		})
	}
}

func TestFrontendEnv(t *testing.T) {
	cases := []struct {
		name   string
		env    checks.Env
		files  map[string]string
		want   expectResult
		detail string
	}{
		{"clean", checks.Env{"OPENAI_API_KEY": testKey, "NEXT_PUBLIC_SITE_URL": "https://example.com"}, nil,
			expectResult{checks.Pass, "", nil}, ""},
		{"next public in env", checks.Env{"NEXT_PUBLIC_OPENAI_API_KEY": testKey}, nil,
			expectResult{checks.Warn, "key-in-frontend-env", []string{"NEXT_PUBLIC_OPENAI_API_KEY", "browser"}}, "sk-p…CRET (37 chars, #799a)"},
		{"vite in .env.local", checks.Env{}, map[string]string{".env.local": "VITE_LATENTKIT_API_KEY=lk_live_abcdefghijklmnopq\n"},
			expectResult{checks.Warn, "key-in-frontend-env", []string{"VITE_LATENTKIT_API_KEY"}}, "LATENTKIT_API_KEY"},
		{"react app copy of the real key", checks.Env{"OPENAI_API_KEY": testKey}, map[string]string{".env": "REACT_APP_AI=" + testKey + "\n"},
			expectResult{checks.Warn, "key-in-frontend-env", []string{"REACT_APP_AI"}}, ""},
		{"publishable keys are fine", checks.Env{"NEXT_PUBLIC_STRIPE_KEY": "pk_live_abcdefghijklmnopqrstuv"}, nil,
			expectResult{checks.Pass, "", nil}, ""},
		{"expo", checks.Env{"EXPO_PUBLIC_GROQ": "gsk_abcdefghijklmnopqrstuv"}, nil,
			expectResult{checks.Warn, "key-in-frontend-env", nil}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			for n, content := range c.files {
				writeFile(t, dir, n, content)
			}
			r := FrontendEnv(context.Background(), testSetup(t, checks.Config{WorkDir: dir, Env: c.env}))
			c.want.check(t, r)
			if c.detail != "" && !strings.Contains(strings.Join(r.Details, "\n"), c.detail) {
				t.Errorf("details lack %q: %v", c.detail, r.Details)
			}
			for _, v := range c.files {
				_, val, _ := strings.Cut(strings.TrimSpace(v), "=")
				assertNoKey(t, r, val)
			}
			for _, v := range c.env {
				assertNoKey(t, r, v)
			}
		})
	}
}

// assertNoKey fails when a result shows a secret whole: in the summary,
// details, facts or any evidence field.
func assertNoKey(t *testing.T, r checks.Result, secret string) {
	t.Helper()
	core := strings.Trim(strings.TrimSpace(secret), `"'“”`)
	if strings.HasPrefix(strings.ToLower(core), "bearer ") {
		core = core[7:]
	}
	if len(core) < 12 {
		return
	}
	texts := append([]string{r.Summary, r.Title}, r.Details...)
	for _, v := range r.Facts {
		texts = append(texts, v)
	}
	ev, err := json.Marshal(r.Evidence)
	if err != nil {
		t.Fatal(err)
	}
	texts = append(texts, string(ev))
	for _, s := range texts {
		if strings.Contains(s, core) {
			t.Errorf("%s leaks the key in %q", r.ID, s)
		}
	}
}

// Every configuration check, on setups built to make each one talk, never
// shows the key whole.
func TestNoCheckLeaksTheKey(t *testing.T) {
	k := testKey
	all := map[string]checks.CheckFunc{
		checks.CheckKeyPresent: KeyPresent, checks.CheckKeySources: KeySources, checks.CheckEnvFile: EnvFile,
		checks.CheckKeyHygiene: KeyHygiene, checks.CheckKeyPlatform: KeyPlatform, checks.CheckFrontendEnv: FrontendEnv,
		checks.CheckBaseURL: BaseURL,
	}
	// What leaves is what the runner hands on: it is the one place that
	// redacts a result.
	var groups []checks.Group
	var ids []string
	for id, check := range all {
		groups = append(groups, checks.Single(checks.Spec{ID: id, Facts: []string{"key-platform.platform"}}, check))
		ids = append(ids, id)
	}
	yes := true
	setups := []struct {
		env    checks.Env
		dotenv string
		cfg    checks.Config
	}{
		{checks.Env{"OPENAI_API_KEY": k}, "", checks.Config{}},
		{checks.Env{"OPENAI_API_KEY": k + "\n"}, "OPENAI_API_KEY=\"" + k + "\" # old\r\nOPENAI_API_KEY=" + k + "x\r\n", checks.Config{}},
		{checks.Env{"OPENAI_API_KEY": "Bearer " + k}, "export OPENAI_API_KEY = '" + k + "'\n", checks.Config{}},
		{checks.Env{"OPENAI_API_KEY": `"` + k + `"`, "NEXT_PUBLIC_OPENAI_API_KEY": k}, "VITE_KEY=" + k + "\n", checks.Config{}},
		{checks.Env{}, "OPENAI_API_KEY=" + k + "\n", checks.Config{}},
		{checks.Env{"ANTHROPIC_API_KEY": k}, "", checks.Config{Provider: "anthropic", BaseURL: "https://api.anthropic.com/v1"}},
		{checks.Env{"OPENAI_API_KEY": k}, "", checks.Config{BaseURL: "http://user:" + k + "@localhost:8080/v1?api-key=" + k, InContainer: &yes}},
		{checks.Env{"OPENAI_API_KEY": k}, "", checks.Config{BaseURL: k}},
		{checks.Env{"OPENAI_API_KEY": k}, "", checks.Config{BaseURL: "https://" + k + ".example/v1/chat/completions"}},
		{checks.Env{"OPENAI_API_KEY": strings.Replace(k, "KEY", "K%45Y", 1)}, "", checks.Config{}},
		{checks.Env{"AGENTROUTER_API_KEY": k}, "", checks.Config{Provider: "agentrouter"}},
		{checks.Env{"OPENAI_API_KEY": k}, "OPENAI_API_KEY " + k + "\n" + k + "\nbad-name=" + k + "\n", checks.Config{}},
	}
	for i, su := range setups {
		dir := t.TempDir()
		if su.dotenv != "" {
			writeFile(t, dir, ".env", su.dotenv)
		}
		cfg := su.cfg
		cfg.Env, cfg.WorkDir = su.env, dir
		run := checks.NewRunner(cfg, checks.Suite{Groups: groups, Resolve: func(c checks.Config) *checks.Setup { return testSetup(t, c) }})
		for j, r := range run.RunAll(context.Background(), ids) {
			if r.ID != ids[j] || r.Status == "" {
				t.Errorf("setup %d: %s returned %q, status %q", i, ids[j], r.ID, r.Status)
			}
			assertNoKey(t, r, k)
		}
	}
}
