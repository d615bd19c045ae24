package setup

import (
	"context"
	"strings"
	"testing"

	"github.com/unstuck-dev/unstuck/checks"
)

func TestBaseURL(t *testing.T) {
	cases := []struct {
		name     string
		cfg      checks.Config
		want     expectResult
		endpoint string // Evidence.Endpoint
		fix      string // substring of the details
	}{
		{"openai default", checks.Config{Provider: "openai"},
			expectResult{checks.Pass, "", []string{"https://api.openai.com/v1 fits the openai protocol"}}, "https://api.openai.com/v1/chat/completions", ""},
		{"openai without /v1", checks.Config{Provider: "openai", BaseURL: "https://api.openai.com"},
			expectResult{checks.Fail, "base-url-path", []string{"no /v1", "https://api.openai.com/chat/completions"}}, "https://api.openai.com/chat/completions", "write https://api.openai.com/v1"},
		{"agentrouter without /v1", checks.Config{Provider: "agentrouter", BaseURL: "https://your-agentrouter.com/"},
			expectResult{checks.Fail, "base-url-path", []string{"no /v1"}}, "https://your-agentrouter.com/chat/completions", "https://your-agentrouter.com/v1"},
		{"agentrouter with anthropic sdk has none", checks.Config{Provider: "agentrouter", Protocol: "anthropic", BaseURL: "https://your-agentrouter.com"},
			expectResult{checks.Pass, "", nil}, "https://your-agentrouter.com/v1/messages", ""},
		{"anthropic with /v1", checks.Config{Provider: "anthropic", BaseURL: "https://api.anthropic.com/v1"},
			expectResult{checks.Fail, "base-url-path", []string{"ends with /v1", "/v1/v1/messages"}}, "https://api.anthropic.com/v1/v1/messages", "write https://api.anthropic.com (without /v1)"},
		{"anthropic with /v1/", checks.Config{Provider: "anthropic", BaseURL: "https://api.anthropic.com/v1/"},
			expectResult{checks.Fail, "base-url-path", nil}, "https://api.anthropic.com/v1/v1/messages", ""},
		{"pasted chat endpoint", checks.Config{Provider: "openai-compatible", BaseURL: "https://gw.example.com/v1/chat/completions"},
			expectResult{checks.Fail, "base-url-path", []string{"full endpoint", "/chat/completions/chat/completions"}}, "", "write https://gw.example.com/v1 instead"},
		{"pasted messages endpoint", checks.Config{Provider: "anthropic", BaseURL: "https://api.anthropic.com/v1/messages"},
			expectResult{checks.Fail, "base-url-path", []string{"full endpoint"}}, "", "write https://api.anthropic.com instead"},
		{"pasted responses endpoint", checks.Config{Provider: "openai", BaseURL: "https://api.openai.com/v1/responses"},
			expectResult{checks.Fail, "base-url-path", []string{"/responses"}}, "", "https://api.openai.com/v1 instead"},
		{"generic server without path warns", checks.Config{Provider: "openai-compatible", BaseURL: "https://llm.corp.example"},
			expectResult{checks.Warn, "base-url-path", []string{"most OpenAI-compatible servers expect /v1"}}, "", "https://llm.corp.example/v1"},
		{"deepseek root is fine", checks.Config{Provider: "openai-compatible", BaseURL: "https://api.deepseek.com"},
			expectResult{checks.Pass, "", nil}, "https://api.deepseek.com/chat/completions", ""},
		{"openrouter", checks.Config{Provider: "openai-compatible", BaseURL: "https://openrouter.ai/api/v1"},
			expectResult{checks.Pass, "", nil}, "", ""},
		{"heroku from INFERENCE_URL", checks.Config{Provider: "heroku", Env: checks.Env{"INFERENCE_URL": "https://us.inference.heroku.com"}},
			expectResult{checks.Pass, "", nil}, "https://us.inference.heroku.com/v1/chat/completions", "INFERENCE_URL + /v1"},
		{"heroku bare host as --base-url", checks.Config{Provider: "heroku", BaseURL: "https://us.inference.heroku.com"},
			expectResult{checks.Fail, "base-url-path", []string{"no /v1"}}, "", ""},
		{"no scheme", checks.Config{Provider: "openai", BaseURL: "api.openai.com/v1"},
			expectResult{checks.Fail, "base-url-malformed", []string{"no scheme", "https://api.openai.com/v1"}}, "", ""},
		{"quotes", checks.Config{Provider: "openai", Env: checks.Env{"OPENAI_BASE_URL": `"https://api.openai.com/v1"`}},
			expectResult{checks.Fail, "base-url-malformed", []string{"quotes"}}, "", "OPENAI_BASE_URL"},
		{"trailing newline", checks.Config{Provider: "openai", Env: checks.Env{"OPENAI_BASE_URL": "https://api.openai.com/v1\n"}},
			expectResult{checks.Fail, "base-url-malformed", []string{`newline (\n)`}}, "", ""},
		{"inner space", checks.Config{Provider: "openai", BaseURL: "https://api.openai.com/ v1"},
			expectResult{checks.Fail, "base-url-malformed", []string{"space at character 24"}}, "", ""},
		{"bad port", checks.Config{Provider: "openai", BaseURL: "http://localhost:80800/v1"},
			expectResult{checks.Fail, "base-url-malformed", []string{"port 80800"}}, "", ""},
		{"websocket scheme", checks.Config{Provider: "openai", BaseURL: "wss://api.openai.com/v1"},
			expectResult{checks.Fail, "base-url-malformed", []string{"wss://"}}, "", ""},
		{"ipv6 without brackets", checks.Config{Provider: "openai-compatible", BaseURL: "http://::1:8080/v1"},
			expectResult{checks.Fail, "base-url-malformed", []string{"brackets"}}, "", ""},
		{"ipv6 literal", checks.Config{Provider: "openai-compatible", BaseURL: "http://[::1]:8080/v1"},
			expectResult{checks.Pass, "", nil}, "http://[::1]:8080/v1/chat/completions", ""},
		{"unicode host", checks.Config{Provider: "openai-compatible", BaseURL: "https://api.exämple.com/v1"},
			expectResult{checks.Pass, "", nil}, "https://api.exämple.com/v1/chat/completions", ""},
		{"credentials masked", checks.Config{Provider: "openai-compatible", BaseURL: "https://bob:hunter2hunter2@gw.example.com/v1"},
			expectResult{checks.Pass, "", []string{"***@gw.example.com"}}, "https://***@gw.example.com/v1/chat/completions", "credentials"},
		{"plain http to a public host", checks.Config{Provider: "openai-compatible", BaseURL: "http://gw.example.com/v1"},
			expectResult{checks.Warn, "", []string{"unencrypted"}}, "", "https://gw.example.com/v1"},
		{"plain http to localhost", checks.Config{Provider: "openai-compatible", BaseURL: "http://localhost:11434/v1"},
			expectResult{checks.Pass, "", nil}, "", ""},
		{"plain http to a compose service", checks.Config{Provider: "openai-compatible", BaseURL: "http://litellm:4000/v1"},
			expectResult{checks.Pass, "", nil}, "", ""},
		// Each protocol is judged as itself: the Responses API's base
		// holds /v1 and the client appends /responses; Gemini's native
		// base is …/v1beta and the path names the model.
		{"responses without /v1", checks.Config{Provider: "openai", Protocol: "responses", BaseURL: "https://api.openai.com"},
			expectResult{checks.Fail, "base-url-path", []string{"appends /responses", "https://api.openai.com/responses"}}, "https://api.openai.com/responses", "write https://api.openai.com/v1"},
		{"responses with /v1", checks.Config{Provider: "openai", Protocol: "responses"},
			expectResult{checks.Pass, "", []string{"fits the responses protocol"}}, "https://api.openai.com/v1/responses", ""},
		{"gemini native default", checks.Config{Provider: "gemini", Protocol: "gemini", Model: "gemini-2.5-flash"},
			expectResult{checks.Pass, "", []string{"https://generativelanguage.googleapis.com/v1beta fits the gemini protocol"}},
			"https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent", "profile default (native API)"},
		{"gemini native on the OpenAI-compatible base", checks.Config{Provider: "gemini", Protocol: "gemini", Model: "models/gemini-2.5-flash", BaseURL: "https://generativelanguage.googleapis.com/v1beta/openai/"},
			expectResult{checks.Fail, "base-url-path", []string{"ends with /openai", "native API"}},
			"https://generativelanguage.googleapis.com/v1beta/openai/models/gemini-2.5-flash:generateContent", "write https://generativelanguage.googleapis.com/v1beta (the native API)"},
		{"gemini native without a version", checks.Config{Provider: "gemini", Protocol: "gemini", BaseURL: "https://generativelanguage.googleapis.com"},
			expectResult{checks.Fail, "base-url-path", []string{"no API version (/v1beta)", "/models/{model}:generateContent"}}, "", "write https://generativelanguage.googleapis.com/v1beta"},
		{"gemini native pasted endpoint", checks.Config{Provider: "gemini", Protocol: "gemini", BaseURL: "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent"},
			expectResult{checks.Fail, "base-url-path", []string{"full endpoint"}}, "", "write https://generativelanguage.googleapis.com/v1beta instead"},
		{"gemini native on a relay with a version", checks.Config{Provider: "openai-compatible", Protocol: "gemini", BaseURL: "https://relay.example.com/gemini/v1beta"},
			expectResult{checks.Pass, "", nil}, "", ""},
		{"gemini SDK root variable", checks.Config{Protocol: "gemini", Model: "gemini-2.5-flash", Env: checks.Env{"GEMINI_API_KEY": "AIzaSyExample0123456789abcdefghijklmnop", "GOOGLE_GEMINI_BASE_URL": "https://relay.example.com/"}},
			expectResult{checks.Pass, "", nil}, "https://relay.example.com/v1beta/models/gemini-2.5-flash:generateContent", "GOOGLE_GEMINI_BASE_URL + /v1beta"},
		{"gemini OpenAI-compatible still wants /openai", checks.Config{Provider: "gemini", BaseURL: "https://generativelanguage.googleapis.com/v1beta"},
			expectResult{checks.Fail, "base-url-path", []string{"no /openai"}}, "https://generativelanguage.googleapis.com/v1beta/chat/completions", ""},
		{"no base url for a relay", checks.Config{Provider: "latentkit"},
			expectResult{checks.Fail, "base-url-malformed", []string{"no base URL", "LatentKit"}}, "", "LATENTKIT_BASE_URL"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.cfg.Env == nil {
				c.cfg.Env = checks.Env{}
			}
			r := BaseURL(context.Background(), testSetup(t, c.cfg))
			c.want.check(t, r)
			if c.endpoint != "" && r.Evidence.Endpoint != c.endpoint {
				t.Errorf("Evidence.Endpoint = %q, want %q", r.Evidence.Endpoint, c.endpoint)
			}
			if c.fix != "" && !strings.Contains(strings.Join(r.Details, "\n"), c.fix) {
				t.Errorf("details lack %q: %v", c.fix, r.Details)
			}
			for _, text := range append([]string{r.Summary, r.Evidence.BaseURL, r.Evidence.Endpoint}, r.Details...) {
				if strings.Contains(text, "hunter2") {
					t.Errorf("password shown: %q", text)
				}
			}
		})
	}
}

// The container check itself lives in checks/probe (it connects); what
// it reads from the configuration is here: whether this is a container,
// whether the base URL is this machine's loopback, and the advice.
func TestContainerInputs(t *testing.T) {
	yes, no := true, false
	if in, why := InContainer(checks.Config{InContainer: &yes}); !in || !strings.Contains(why, "UNSTUCK_IN_CONTAINER") {
		t.Errorf("pinned yes: %v %q", in, why)
	}
	if in, _ := InContainer(checks.Config{InContainer: &no, Env: checks.Env{"KUBERNETES_SERVICE_HOST": "10.0.0.1"}}); in {
		t.Errorf("pinned no was overruled by detection")
	}
	cases := []struct {
		name, base, addr, swap string // addr "" = not loopback
	}{
		{"localhost", "http://localhost:11434/v1", "localhost:11434", "http://host.docker.internal:11434/v1"},
		{"127.0.0.1", "http://127.0.0.1:4000/v1", "127.0.0.1:4000", "http://host.docker.internal:4000/v1"},
		{"::1", "http://[::1]:8000/v1", "[::1]:8000", "http://host.docker.internal:8000/v1"},
		{"0.0.0.0 is reached as 127.0.0.1", "http://0.0.0.0:8000/v1", "127.0.0.1:8000", "http://host.docker.internal:8000/v1"},
		{"no port: the scheme's", "https://localhost/v1", "localhost:443", "https://host.docker.internal/v1"},
		{"host.docker.internal is not loopback", "http://host.docker.internal:11434/v1", "", ""},
		{"public host", "https://api.openai.com/v1", "", ""},
		{"malformed base", "localhost:11434", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l, ok := LoopbackBase(testSetup(t, checks.Config{BaseURL: c.base, Env: checks.Env{}}))
			if ok != (c.addr != "") {
				t.Fatalf("loopback %v, want %v", ok, c.addr != "")
			}
			if !ok {
				return
			}
			if l.Addr() != c.addr {
				t.Errorf("Addr %q, want %q", l.Addr(), c.addr)
			}
			adv := strings.Join(ContainerAdvice(l), "\n")
			if !strings.Contains(adv, c.swap) || !strings.Contains(adv, "service name") || !strings.Contains(adv, "0.0.0.0") {
				t.Errorf("advice lacks %q: %s", c.swap, adv)
			}
		})
	}
	// Detection itself must not fail or hang on this machine, whatever it is.
	in, why := detectContainer(checks.Env{})
	if in && why == "" {
		t.Errorf("detected a container without saying why")
	}
	if in, why := detectContainer(checks.Env{"KUBERNETES_SERVICE_HOST": "10.0.0.1"}); !in || why == "" {
		t.Errorf("KUBERNETES_SERVICE_HOST not taken as a container: %v %q", in, why)
	}
}
