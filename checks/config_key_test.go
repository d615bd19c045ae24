package checks

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// cfgExpect is what a table test expects of one check result.
type cfgExpect struct {
	status  Status
	cause   string
	summary []string // substrings of Summary
}

func (w cfgExpect) check(t *testing.T, r Result) {
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

func TestCfgKeyPresent(t *testing.T) {
	cases := []struct {
		name   string
		env    Env
		dotenv string
		cfg    Config
		want   cfgExpect
	}{
		{"set", Env{"OPENAI_API_KEY": cfgTestKey}, "", Config{},
			cfgExpect{Pass, "", []string{"OPENAI_API_KEY is set", "sk-p…CRET (37 chars)", "environment"}}},
		{"unset", Env{}, "", Config{},
			cfgExpect{Fail, "key-missing", []string{"OPENAI_API_KEY is not set"}}},
		{"empty", Env{"OPENAI_API_KEY": ""}, "", Config{},
			cfgExpect{Fail, "key-missing", []string{"set but empty"}}},
		{"only in .env", Env{}, "OPENAI_API_KEY=" + cfgTestKey + "\n", Config{},
			cfgExpect{Fail, "env-file-not-loaded", []string{"not in this process's environment", ".env:1"}}},
		{"key-env flag unset", Env{"OPENAI_API_KEY": cfgTestKey}, "", Config{KeyEnv: "MY_KEY"},
			cfgExpect{Fail, "key-missing", []string{"MY_KEY is not set"}}},
		// The OpenAI SDK falls back to OPENAI_API_KEY when the app passes an
		// unset INFERENCE_KEY (api_key=None).
		{"heroku key missing, openai key set", Env{"OPENAI_API_KEY": cfgTestKey}, "", Config{Provider: "heroku"},
			cfgExpect{Pass, "", []string{"OPENAI_API_KEY is set"}}},
		{"anthropic key missing, openai key set", Env{"OPENAI_API_KEY": cfgTestKey}, "", Config{Provider: "anthropic"},
			cfgExpect{Fail, "key-missing", []string{"ANTHROPIC_API_KEY is not set"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			if c.dotenv != "" {
				cfgWriteFile(t, dir, ".env", c.dotenv)
			}
			cfg := c.cfg
			cfg.Env, cfg.WorkDir = c.env, dir
			s := cfgSetup(t, cfg)
			r := KeyPresent(context.Background(), s)
			c.want.check(t, r)
			if c.want.status == Pass && r.Evidence.Key != "sk-p…CRET (37 chars, from OPENAI_API_KEY)" {
				t.Errorf("Evidence.Key = %q", r.Evidence.Key)
			}
		})
	}
	// The hint names the variable the user did set.
	s := cfgSetup(t, Config{Provider: "anthropic", Env: Env{"OPENAI_API_KEY": cfgTestKey}})
	r := KeyPresent(context.Background(), s)
	if !strings.Contains(strings.Join(r.Details, "\n"), "OPENAI_API_KEY is set") {
		t.Errorf("no hint about OPENAI_API_KEY: %v", r.Details)
	}
	s = cfgSetup(t, Config{Provider: "heroku", Env: Env{"OPENAI_API_KEY": cfgTestKey}})
	r = KeyPresent(context.Background(), s)
	if !strings.Contains(strings.Join(r.Details, "\n"), "INFERENCE_KEY") {
		t.Errorf("no note that INFERENCE_KEY is unset: %v", r.Details)
	}
}

func TestCfgKeySources(t *testing.T) {
	other := "sk-proj-OTHERKEYabcdefghijklmnop"
	cases := []struct {
		name   string
		env    Env
		dotenv string
		zshrc  string
		cfg    Config
		want   cfgExpect
		detail string
	}{
		{"one source", Env{"OPENAI_API_KEY": cfgTestKey}, "", "", Config{},
			cfgExpect{Pass, "", []string{"one key"}}, ""},
		{"same in env and .env", Env{"OPENAI_API_KEY": cfgTestKey}, "OPENAI_API_KEY=" + cfgTestKey + "\n", "", Config{},
			cfgExpect{Pass, "", []string{"same key"}}, ""},
		{"env and .env differ", Env{"OPENAI_API_KEY": cfgTestKey}, "OPENAI_API_KEY=" + other + "\n", "", Config{},
			cfgExpect{Warn, "key-shadowed", []string{"2 different keys", "environment"}}, "override=True"},
		{"shell profile differs", Env{"OPENAI_API_KEY": cfgTestKey}, "", "export OPENAI_API_KEY=\"" + other + "\"\n", Config{},
			cfgExpect{Warn, "key-shadowed", nil}, "new terminal"},
		{"anthropic: both variables", Env{"ANTHROPIC_API_KEY": "sk-ant-api03-AAAAAAAAAAAAAAAA", "ANTHROPIC_AUTH_TOKEN": "sk-ant-api03-BBBBBBBBBBBBBBBB"}, "", "", Config{},
			cfgExpect{Warn, "key-shadowed", nil}, "sends both"},
		{"other profile's variable is not shadowing", Env{"OPENAI_API_KEY": cfgTestKey, "ANTHROPIC_API_KEY": "sk-ant-api03-AAAAAAAAAAAAAAAA"}, "", "", Config{Provider: "openai"},
			cfgExpect{Pass, "", nil}, "for other clients: ANTHROPIC_API_KEY"},
		{"trailing newline only", Env{"OPENAI_API_KEY": cfgTestKey + "\n"}, "OPENAI_API_KEY=" + cfgTestKey + "\n", "", Config{},
			cfgExpect{Pass, "", nil}, ""},
		{"nothing anywhere", Env{}, "", "", Config{},
			cfgExpect{Skip, "", nil}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir, home := t.TempDir(), t.TempDir()
			if c.dotenv != "" {
				cfgWriteFile(t, dir, ".env", c.dotenv)
			}
			if c.zshrc != "" {
				cfgWriteFile(t, home, ".zshrc", c.zshrc)
				c.env["HOME"] = home
			}
			cfg := c.cfg
			cfg.Env, cfg.WorkDir = c.env, dir
			r := KeySources(context.Background(), cfgSetup(t, cfg))
			c.want.check(t, r)
			if c.detail != "" && !strings.Contains(strings.Join(r.Details, "\n"), c.detail) {
				t.Errorf("details lack %q: %v", c.detail, r.Details)
			}
		})
	}
}

func TestCfgKeyHygiene(t *testing.T) {
	k := cfgTestKey
	cases := []struct {
		name string
		key  string
		want cfgExpect
	}{
		{"clean", k, cfgExpect{Pass, "", []string{"clean token", "37 characters"}}},
		{"trailing newline", k + "\n", cfgExpect{Fail, "key-whitespace", []string{`ends with a newline (\n)`, "heroku config:get", "tr -d"}}},
		{"crlf", k + "\r\n", cfgExpect{Fail, "key-whitespace", []string{`\r\n`, "Windows"}}},
		{"leading space", " " + k, cfgExpect{Fail, "key-whitespace", []string{"starts with a space"}}},
		{"trailing tab", k + "\t", cfgExpect{Fail, "key-whitespace", []string{`tab`}}},
		{"inner space", "sk-proj-TESTKEY12345 67890abcdefSECRET", cfgExpect{Fail, "key-whitespace", []string{"whitespace inside", "character 21"}}},
		{"inner newline", "sk-proj-TESTKEY12345\n67890abcdefSECRET", cfgExpect{Fail, "key-whitespace", []string{"character 21"}}},
		{"escape char", "sk-proj-TESTKEY\x1b[0m1234567890abcdefSECRET", cfgExpect{Fail, "key-whitespace", []string{"control character (U+001B)", "character 16"}}},
		{"zero-width space", "sk-proj-TESTKEY1234567890\u200babcdefSECRET", cfgExpect{Fail, "key-whitespace", []string{"invisible character (U+200B)"}}},
		{"trailing zero-width", k + "\u200b", cfgExpect{Fail, "key-whitespace", []string{"invisible character"}}},
		{"double quotes", `"` + k + `"`, cfgExpect{Fail, "key-quoted", []string{`wrapped in "…"`}}},
		{"single quotes", "'" + k + "'", cfgExpect{Fail, "key-quoted", []string{`'…'`}}},
		{"smart quotes", "“" + k + "”", cfgExpect{Fail, "key-quoted", []string{"typographic"}}},
		{"stray quote", k + `"`, cfgExpect{Fail, "key-quoted", []string{"stray quote"}}},
		{"url encoded", "sk-proj-TESTKEY1234567890abc%2BdefSECRET", cfgExpect{Fail, "key-url-encoded", []string{"%2B", `'+'`}}},
		{"bearer", "Bearer " + k, cfgExpect{Fail, "key-has-scheme", []string{"Bearer Bearer"}}},
		{"lower bearer", "bearer " + k, cfgExpect{Fail, "key-has-scheme", nil}},
		{"whole header", "Authorization: Bearer " + k, cfgExpect{Fail, "key-has-scheme", nil}},
		{"url", "https://api.openai.com/v1", cfgExpect{Fail, "key-wrong-platform", []string{"not an API key", "URL"}}},
		{"prose", "please paste your key here", cfgExpect{Fail, "key-wrong-platform", []string{"not an API key", "5 words"}}},
		{"placeholder", "sk-ar-your-api-key", cfgExpect{Fail, "key-wrong-platform", []string{"placeholder"}}},
		{"look-alike letter", "sk-proj-TESTKЕY1234567890abcdefSECRET", cfgExpect{Warn, "", []string{"non-ASCII", "U+0415"}}},
		{"quoted with newline", `"` + k + `"` + "\n", cfgExpect{Fail, "key-quoted", nil}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := cfgSetup(t, Config{Provider: "openai", Env: Env{"OPENAI_API_KEY": c.key}})
			r := KeyHygiene(context.Background(), s)
			c.want.check(t, r)
			cfgAssertNoKey(t, r, c.key)
		})
	}

	// A megabyte-long key is examined quickly and summarised briefly.
	long := strings.Repeat("a", 1<<20) + " " + strings.Repeat("b", 10)
	r := KeyHygiene(context.Background(), cfgSetup(t, Config{Provider: "openai", Env: Env{"OPENAI_API_KEY": long}}))
	if r.Cause != "key-whitespace" || len(r.Summary) > 400 {
		t.Errorf("long key: %s %q (len %d)", r.Cause, r.Summary[:min(len(r.Summary), 200)], len(r.Summary))
	}
	many := strings.Repeat("a b", 1000)
	r = KeyHygiene(context.Background(), cfgSetup(t, Config{Provider: "openai", Env: Env{"OPENAI_API_KEY": many}}))
	if r.Cause != "key-wrong-platform" || len(strings.Join(r.Details, "")) > 2000 {
		t.Errorf("many spaces: %s %v", r.Cause, r.Details)
	}

	// With the key only in .env, the .env value is examined.
	dir := t.TempDir()
	cfgWriteFile(t, dir, ".env", "OPENAI_API_KEY=\" "+k+"\"\n")
	r = KeyHygiene(context.Background(), cfgSetup(t, Config{WorkDir: dir, Provider: "openai", Env: Env{}}))
	if r.Cause != "key-whitespace" || !strings.Contains(r.Summary, "in .env") {
		t.Errorf(".env key: %s %q", r.Cause, r.Summary)
	}
}

func TestCfgKeyPlatform(t *testing.T) {
	cases := []struct {
		name     string
		cfg      Config
		want     cfgExpect
		platform string
	}{
		{"openai key to openai", Config{Env: Env{"OPENAI_API_KEY": cfgTestKey}},
			cfgExpect{Pass, "", []string{"OpenAI key"}}, "openai"},
		{"anthropic key to openai", Config{Provider: "openai", Env: Env{"OPENAI_API_KEY": "sk-ant-api03-abcdefghijklmnopqrstu"}},
			cfgExpect{Fail, "key-wrong-platform", []string{"Anthropic API key", "api.openai.com"}}, "anthropic"},
		{"anthropic key, openai profile, local gateway", Config{Provider: "openai", BaseURL: "http://127.0.0.1:8080/v1", Env: Env{"OPENAI_API_KEY": "sk-ant-api03-abcdefghijklmnopqrstu"}},
			cfgExpect{Fail, "key-wrong-platform", []string{"Anthropic API key", "OpenAI profile"}}, "anthropic"},
		{"openai key to anthropic", Config{Provider: "anthropic", Env: Env{"ANTHROPIC_API_KEY": cfgTestKey}},
			cfgExpect{Fail, "key-wrong-platform", []string{"OpenAI key", "api.anthropic.com", "sk-ant-"}}, "openai"},
		{"claude subscription token", Config{Provider: "anthropic", Env: Env{"ANTHROPIC_API_KEY": "sk-ant-oat01-abcdefghijklmnopqrstu"}},
			cfgExpect{Fail, "key-wrong-platform", []string{"subscription", "not an API key"}}, "claude-subscription"},
		{"claude subscription token to a relay", Config{Env: Env{"OPENAI_API_KEY": "sk-ant-oat01-abcdefghijklmnopqrstu", "OPENAI_BASE_URL": "https://gw.corp.example/v1"}},
			cfgExpect{Fail, "key-wrong-platform", []string{"subscription"}}, "claude-subscription"},
		{"openai admin key", Config{Env: Env{"OPENAI_API_KEY": "sk-admin-abcdefghijklmnopqrstu"}},
			cfgExpect{Fail, "key-wrong-platform", []string{"Admin"}}, "openai-admin"},
		{"agentrouter needs sk-ar-", Config{Provider: "agentrouter", Env: Env{"AGENTROUTER_API_KEY": cfgTestKey, "AGENTROUTER_BASE_URL": "https://gw.example.com/v1"}},
			cfgExpect{Fail, "key-wrong-platform", []string{"AgentRouter keys start with sk-ar-", "OpenAI key"}}, "openai"},
		{"agentrouter key to agentrouter", Config{Env: Env{"AGENTROUTER_API_KEY": "sk-ar-abcdefghijklmnopqrstu", "AGENTROUTER_BASE_URL": "https://your-agentrouter.com/v1"}},
			cfgExpect{Pass, "", []string{"AgentRouter key"}}, "agentrouter"},
		{"openrouter key to openai", Config{Provider: "openai", Env: Env{"OPENAI_API_KEY": "sk-or-v1-abcdefghijklmnopqrstu"}},
			cfgExpect{Fail, "key-wrong-platform", []string{"OpenRouter"}}, "openrouter"},
		{"openai key to openrouter", Config{Env: Env{"OPENAI_API_KEY": cfgTestKey, "OPENAI_BASE_URL": "https://openrouter.ai/api/v1"}},
			cfgExpect{Fail, "key-wrong-platform", []string{"openrouter.ai", "sk-or-v1-"}}, "openai"},
		{"bare sk- to a relay", Config{Env: Env{"OPENAI_API_KEY": "sk-1234567890abcdefghij", "OPENAI_BASE_URL": "https://oneapi.corp.example/v1"}},
			cfgExpect{Pass, "", []string{"bare sk-"}}, "ambiguous-sk"},
		{"bare sk- to deepseek", Config{Env: Env{"OPENAI_API_KEY": "sk-1234567890abcdefghij", "OPENAI_BASE_URL": "https://api.deepseek.com"}},
			cfgExpect{Pass, "", nil}, "ambiguous-sk"},
		{"bare sk- to openai", Config{Provider: "openai", Env: Env{"OPENAI_API_KEY": "sk-1234567890abcdefghij"}},
			cfgExpect{Pass, "", nil}, "ambiguous-sk"},
		{"bare sk- to anthropic", Config{Provider: "anthropic", Env: Env{"ANTHROPIC_API_KEY": "sk-1234567890abcdefghij"}},
			cfgExpect{Fail, "key-wrong-platform", nil}, "ambiguous-sk"},
		{"google key to groq", Config{Env: Env{"OPENAI_API_KEY": "AIzaSyabcdefghijklmnopqrstu", "OPENAI_BASE_URL": "https://api.groq.com/openai/v1"}},
			cfgExpect{Fail, "key-wrong-platform", []string{"Google", "gsk_"}}, "google"},
		{"anthropic key via a company gateway", Config{Provider: "anthropic", Env: Env{"ANTHROPIC_API_KEY": "sk-ant-api03-abcdefghijklmnopqrstu", "ANTHROPIC_BASE_URL": "https://llm.corp.example"}},
			cfgExpect{Pass, "", nil}, "anthropic"},
		{"unknown key to a relay", Config{Provider: "latentkit", Env: Env{"LATENTKIT_API_KEY": "lk_live_abcdefghijklmnop", "LATENTKIT_BASE_URL": "https://api.latentkit.example/v1"}},
			cfgExpect{Pass, "", []string{"no prefix we know"}}, "unknown"},
		{"quoted key is still recognised", Config{Provider: "openai", Env: Env{"OPENAI_API_KEY": `"sk-ant-api03-abcdefghijklmnopqrstu"`}},
			cfgExpect{Fail, "key-wrong-platform", nil}, "anthropic"},
		{"no key", Config{Env: Env{}}, cfgExpect{Skip, "", nil}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := KeyPlatform(context.Background(), cfgSetup(t, c.cfg))
			c.want.check(t, r)
			if got := r.Facts["key-platform.platform"]; got != c.platform {
				t.Errorf("platform fact = %q, want %q", got, c.platform)
			}
		})
	}
}

func TestCfgFrontendEnv(t *testing.T) {
	cases := []struct {
		name   string
		env    Env
		files  map[string]string
		want   cfgExpect
		detail string
	}{
		{"clean", Env{"OPENAI_API_KEY": cfgTestKey, "NEXT_PUBLIC_SITE_URL": "https://example.com"}, nil,
			cfgExpect{Pass, "", nil}, ""},
		{"next public in env", Env{"NEXT_PUBLIC_OPENAI_API_KEY": cfgTestKey}, nil,
			cfgExpect{Warn, "key-in-frontend-env", []string{"NEXT_PUBLIC_OPENAI_API_KEY", "browser"}}, "sk-p…CRET (37 chars)"},
		{"vite in .env.local", Env{}, map[string]string{".env.local": "VITE_LATENTKIT_API_KEY=lk_live_abcdefghijklmnopq\n"},
			cfgExpect{Warn, "key-in-frontend-env", []string{"VITE_LATENTKIT_API_KEY"}}, "LATENTKIT_API_KEY"},
		{"react app copy of the real key", Env{"OPENAI_API_KEY": cfgTestKey}, map[string]string{".env": "REACT_APP_AI=" + cfgTestKey + "\n"},
			cfgExpect{Warn, "key-in-frontend-env", []string{"REACT_APP_AI"}}, ""},
		{"publishable keys are fine", Env{"NEXT_PUBLIC_STRIPE_KEY": "pk_live_abcdefghijklmnopqrstuv"}, nil,
			cfgExpect{Pass, "", nil}, ""},
		{"expo", Env{"EXPO_PUBLIC_GROQ": "gsk_abcdefghijklmnopqrstuv"}, nil,
			cfgExpect{Warn, "key-in-frontend-env", nil}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			for n, content := range c.files {
				cfgWriteFile(t, dir, n, content)
			}
			r := FrontendEnv(context.Background(), cfgSetup(t, Config{WorkDir: dir, Env: c.env}))
			c.want.check(t, r)
			if c.detail != "" && !strings.Contains(strings.Join(r.Details, "\n"), c.detail) {
				t.Errorf("details lack %q: %v", c.detail, r.Details)
			}
			for _, v := range c.files {
				_, val, _ := strings.Cut(strings.TrimSpace(v), "=")
				cfgAssertNoKey(t, r, val)
			}
			for _, v := range c.env {
				cfgAssertNoKey(t, r, v)
			}
		})
	}
}

// cfgAssertNoKey fails when a result shows a secret whole: in the summary,
// details, facts or any evidence field.
func cfgAssertNoKey(t *testing.T, r Result, secret string) {
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
func TestCfgNoCheckLeaksTheKey(t *testing.T) {
	k := cfgTestKey
	checks := map[string]CheckFunc{
		"KeyPresent": KeyPresent, "KeySources": KeySources, "EnvFile": EnvFile, "KeyHygiene": KeyHygiene,
		"KeyPlatform": KeyPlatform, "FrontendEnv": FrontendEnv, "BaseURL": BaseURL, "Container": Container,
	}
	yes := true
	setups := []struct {
		env    Env
		dotenv string
		cfg    Config
	}{
		{Env{"OPENAI_API_KEY": k}, "", Config{}},
		{Env{"OPENAI_API_KEY": k + "\n"}, "OPENAI_API_KEY=\"" + k + "\" # old\r\nOPENAI_API_KEY=" + k + "x\r\n", Config{}},
		{Env{"OPENAI_API_KEY": "Bearer " + k}, "export OPENAI_API_KEY = '" + k + "'\n", Config{}},
		{Env{"OPENAI_API_KEY": `"` + k + `"`, "NEXT_PUBLIC_OPENAI_API_KEY": k}, "VITE_KEY=" + k + "\n", Config{}},
		{Env{}, "OPENAI_API_KEY=" + k + "\n", Config{}},
		{Env{"ANTHROPIC_API_KEY": k}, "", Config{Provider: "anthropic", BaseURL: "https://api.anthropic.com/v1"}},
		{Env{"OPENAI_API_KEY": k}, "", Config{BaseURL: "http://user:" + k + "@localhost:8080/v1?api-key=" + k, InContainer: &yes}},
		{Env{"OPENAI_API_KEY": k}, "", Config{BaseURL: k}},
		{Env{"OPENAI_API_KEY": k}, "", Config{BaseURL: "https://" + k + ".example/v1/chat/completions"}},
		{Env{"OPENAI_API_KEY": strings.Replace(k, "KEY", "K%45Y", 1)}, "", Config{}},
		{Env{"AGENTROUTER_API_KEY": k}, "", Config{Provider: "agentrouter"}},
		{Env{"OPENAI_API_KEY": k}, "OPENAI_API_KEY " + k + "\n" + k + "\nbad-name=" + k + "\n", Config{}},
	}
	for i, su := range setups {
		dir := t.TempDir()
		if su.dotenv != "" {
			cfgWriteFile(t, dir, ".env", su.dotenv)
		}
		cfg := su.cfg
		cfg.Env, cfg.WorkDir = su.env, dir
		s := cfgSetup(t, cfg)
		for name, check := range checks {
			r := check(context.Background(), s)
			if r.ID == "" {
				t.Errorf("setup %d: %s returned no ID", i, name)
			}
			cfgAssertNoKey(t, r, k)
		}
	}
}
