package setup

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/unstuck-dev/unstuck/checks"
)

// FuzzResolve: whatever the user types or the environment holds, Resolve
// and every configuration check return a result without panicking, and a
// composed endpoint is always a URL the HTTP client can send.
func FuzzResolve(f *testing.F) {
	seeds := [][7]string{
		{"", "", "", "", testKey, "", ""},
		{"anthropic", "anthropic", "https://api.anthropic.com/v1", "", "sk-ant-api03-abc\n", "claude", "OPENAI_API_KEY=x\r\n"},
		{"heroku", "", "", "INFERENCE_KEY", " inf-123 ", "", "export INFERENCE_KEY = 'x'"},
		{"nope", "grpc", "localhost:8080", "", "Bearer \"sk-x\"", "", "A=\"unterminated"},
		{"", "", "http://[::1]:99999/v1", "", "%2B%zz", "", "\ufeffX=1\n\x00"},
		{"", "openai", "https://u:p@h/v1/chat/completions?key=a", "WEIRD NAME", "", "", ""},
		{"agentrouter", "", "ftp://x", "", "sk-ar-your-api-key", "", "OPENAI_API_KEY: y\nOPENAI_API_KEY: z"},
		{"", "", "http://::1:80/v1", "", strings.Repeat("a ", 50), "", "#\n#\n"},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1], s[2], s[3], s[4], s[5], s[6])
	}
	profiles, issuers := testProfiles(f), testIssuers(f)
	yes := true
	f.Fuzz(func(t *testing.T, provider, protocol, baseURL, keyEnv, key, model, dotenv string) {
		dir := t.TempDir()
		if dotenv != "" {
			writeFile(t, dir, ".env", dotenv)
		}
		env := checks.Env{"OPENAI_API_KEY": key, "ANTHROPIC_BASE_URL": baseURL, "NEXT_PUBLIC_X_KEY": key}
		if keyEnv != "" {
			env[keyEnv] = key
		}
		s := Resolve(checks.Config{
			Provider: provider, Protocol: protocol, BaseURL: baseURL, KeyEnv: keyEnv, Model: model,
			Env: env, WorkDir: dir, Profiles: profiles, KeyIssuers: issuers, InContainer: &yes,
			Headers: []checks.Header{{Name: "Authorization", Value: key}},
		})
		if s == nil || s.Redactor == nil {
			t.Fatal("Resolve returned no setup")
		}
		if s.Endpoint != "" {
			u, err := url.Parse(s.Endpoint)
			if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
				t.Fatalf("endpoint %q is not a sendable URL (%v)", s.Endpoint, err)
			}
		}
		// What the container check reads from the setup must not panic either.
		if l, ok := LoopbackBase(s); ok {
			_, _ = l.Addr(), ContainerAdvice(l)
		}
		for _, check := range []checks.CheckFunc{KeyPresent, KeySources, EnvFile, KeyHygiene, KeyPlatform, FrontendEnv, BaseURL} {
			r := check(context.Background(), s)
			if r.ID == "" || r.Status == "" {
				t.Fatalf("check returned %+v", r)
			}
		}
	})
}

// FuzzComposeURL: ComposeURL never panics; when it succeeds, the URL
// parses, keeps the base's host, and ends with the protocol's path.
func FuzzComposeURL(f *testing.F) {
	for _, s := range []string{
		"https://api.openai.com/v1", "https://api.anthropic.com", "https://api.anthropic.com/v1/",
		"http://[::1]:8080/v1", "http://::1:8080", "localhost:8080", "https://u:p@h/v1?x=1#f",
		"https://host/a%2Fb", "https://host/%zz", " https://x ", "https://äpi.example/v1", "//h/v1", "http:x",
		"https://h:0/", "https://h:65536", "HTTPS://H/V1",
	} {
		f.Add(s, "openai", PathChat)
		f.Add(s, "anthropic", PathModels)
	}
	f.Add("https://h/v1", "openai", "responses")
	f.Add("http://0", "anthropic", "\x7f")
	f.Fuzz(func(t *testing.T, base, protocol, path string) {
		got, err := ComposeURL(base, protocol, path)
		if err != nil {
			if got != "" {
				t.Fatalf("error %v with a URL %q", err, got)
			}
			return
		}
		u, perr := url.Parse(got)
		if perr != nil {
			t.Fatalf("ComposeURL(%q, %q, %q) = %q, which does not parse: %v", base, protocol, path, got, perr)
		}
		b, _ := url.Parse(base)
		if u.Host != b.Host || u.Scheme != strings.ToLower(b.Scheme) {
			t.Fatalf("ComposeURL(%q) = %q changed the host or scheme", base, got)
		}
		want := map[string]string{"openai|chat": "/chat/completions", "anthropic|chat": "/v1/messages",
			"openai|models": "/models", "anthropic|models": "/v1/models"}[protocol+"|"+path]
		if want != "" && !strings.HasSuffix(u.EscapedPath(), want) {
			t.Fatalf("ComposeURL(%q, %q, %q) = %q does not end in %s", base, protocol, path, got, want)
		}
	})
}

// FuzzEnvFileLint: any bytes, from a real .env to a binary blob, are linted
// and loaded without a panic, and findings point at lines that exist.
func FuzzEnvFileLint(f *testing.F) {
	for _, s := range []string{
		"OPENAI_API_KEY=sk-abc\n",
		"export A = \"b\" # c\r\nA=2\n",
		"\ufeffA=1",
		"A=\"multi\nline\"\nB='x\n",
		"A: yaml\nno equals\nMY-KEY=1\n",
		"A=$B ${C} $(D)\nB=\\\"\n",
		"\xff\xfeA\x00=\x00",
		"A=“x”\n\x00\x01",
		"#\n#\n#\n",
		"=\n==\n:\n'\n\"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > envFileCap {
			data = data[:envFileCap]
		}
		lines := strings.Count(string(data), "\n") + 1
		for _, fd := range lintEnvFile(data) {
			if fd.Line < 0 || fd.Line > lines {
				t.Fatalf("finding on line %d of a %d-line file: %s", fd.Line, lines, fd)
			}
			if fd.Text == "" {
				t.Fatal("finding without text")
			}
		}
		vars, where := loadEnvFile(data)
		for name, line := range where {
			if line < 1 || line > lines {
				t.Fatalf("%s on line %d of %d", name, line, lines)
			}
		}
		_ = vars
	})
}
