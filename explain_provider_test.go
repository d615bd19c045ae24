package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The provider lines of the key-rejected page, one per provider: a page
// for one provider shows its own and no other.
var keyRejectedBlocks = map[string]string{
	"openai":     "OpenAI: project keys",
	"anthropic":  "Anthropic: keys belong to one workspace",
	"gemini":     "Gemini: the key",
	"openrouter": "OpenRouter: keys start",
	"azure":      "Azure OpenAI: Keys and Endpoint",
	"xai":        "xAI: keys start",
	"mistral":    "Mistral: a new key",
	"heroku":     "On Heroku, keys change",
}

// explain writes the page for the provider the paste names, whatever
// this machine's environment says; for the environment's provider only
// when the paste names none and the environment points to one, and says
// so; for none when the paste's signs disagree.
func TestExplainProviderFromPaste(t *testing.T) {
	t.Parallel()
	gemini, err := os.ReadFile(filepath.Join("checks", "classify", "testdata", "bodies", "gemini_400_api_key_invalid.json"))
	if err != nil {
		t.Fatal(err)
	}
	const (
		openaiKey = "sk-proj-T3stK3yAbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
		noSign    = `{"error": {"type": "authentication_error", "message": "Invalid API key provided"}}`
		anthropic = `anthropic.AuthenticationError: Error code: 401 - {'type': 'error', 'error': {'type': 'authentication_error', 'message': 'invalid x-api-key'}, 'request_id': 'req_011CRd4xkAq7Fz3Lw9mWpN2s'}`
		conflict  = `POST https://api.anthropic.com/v1/messages and POST https://api.openai.com/v1/chat/completions: {"error": {"type": "authentication_error", "message": "Invalid API key provided"}}`
	)
	cases := []struct {
		name, paste string
		env         map[string]string
		block       string // the provider whose lines the page shows; "" = none
		evidence    string // evidence.provider and paste_provider
		says        []string
	}{
		{"gemini paste, openai env", string(gemini), map[string]string{"OPENAI_API_KEY": openaiKey}, "gemini", "gemini",
			[]string{"from the paste", "API_KEY_INVALID", "environment points to OpenAI", "may come from another machine", "aistudio.google.com/apikey"}},
		{"gemini paste, no env", string(gemini), nil, "gemini", "gemini", []string{"from the paste"}},
		{"anthropic repr, no env", anthropic, nil, "anthropic", "anthropic", []string{"Provider: **Anthropic**, from the paste"}},
		{"anthropic repr, anthropic env", anthropic, map[string]string{"ANTHROPIC_API_KEY": "sk-ant-api03-T3stK3yAbCdEfGhIjKlMnOpQr"}, "anthropic", "anthropic",
			[]string{"environment points there too"}},
		{"no sign, no env", noSign, nil, "", "", nil},
		{"no sign, openai env", noSign, map[string]string{"OPENAI_API_KEY": openaiKey}, "openai", "",
			[]string{"from this machine's environment", "OPENAI\\_API\\_KEY is set", "not from the paste"}},
		{"conflicting signs", conflict, nil, "", "", []string{"more than one provider", "api.anthropic.com", "api.openai.com"}},
		{"conflicting signs, openai env", conflict, map[string]string{"OPENAI_API_KEY": openaiKey}, "", "", []string{"more than one provider"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := map[string]string{"CODEX_HOME": t.TempDir(), "XDG_CONFIG_HOME": t.TempDir()}
			for k, v := range tc.env {
				env[k] = v
			}
			out := e2eRun(t, e2eCmd{args: []string{"explain", "--json", "-"}, stdin: tc.paste, env: env})
			res := e2eDecode(t, out)
			if res.Cause.ID != "key-rejected" {
				t.Fatalf("cause %q, want key-rejected (the blocks below are that page's)", res.Cause.ID)
			}
			for name, line := range keyRejectedBlocks {
				if got := strings.Contains(res.Guidance, line); got != (name == tc.block) {
					t.Errorf("%s's line %q shown: %v, want %v", name, line, got, name == tc.block)
				}
			}
			if res.Evidence.Provider != tc.evidence || res.Evidence.PasteProvider != tc.evidence {
				t.Errorf("evidence provider %q, paste_provider %q, want %q", res.Evidence.Provider, res.Evidence.PasteProvider, tc.evidence)
			}
			for _, s := range tc.says {
				if !strings.Contains(res.Guidance, s) {
					t.Errorf("the page does not say %q:\n%.1500s", s, res.Guidance)
				}
			}
			if tc.says == nil && strings.Contains(res.Guidance, "Provider:") {
				t.Errorf("a provider is named with nothing to name it:\n%.800s", res.Guidance)
			}
			if strings.Contains(out.stdout, openaiKey) {
				t.Error("the key from the environment is in the output")
			}
		})
	}
}

// The rendered page says it too, under the quote.
func TestExplainProviderRendered(t *testing.T) {
	t.Parallel()
	paste := `groq.BadRequestError: Error code: 400 - {'error': {'message': 'The model mixtral-8x7b-32768 has been decommissioned and is no longer supported.', 'type': 'invalid_request_error', 'code': 'model_decommissioned'}}`
	out := e2eRun(t, e2eCmd{args: []string{"explain", "-"}, stdin: paste,
		env: map[string]string{"CODEX_HOME": t.TempDir(), "XDG_CONFIG_HOME": t.TempDir(), "OPENAI_API_KEY": "sk-proj-T3stK3yAbCdEfGhIjKlMnOpQrStUvWxYz0123456789"}})
	text := strings.Join(strings.Fields(out.stdout), " ")
	for _, want := range []string{"Provider: Groq, from the paste: model_decommissioned", "environment points to OpenAI"} {
		if !strings.Contains(text, want) {
			t.Errorf("the page does not say %q:\n%s", want, out.stdout)
		}
	}
	if q, p := strings.Index(text, "From what you pasted"), strings.Index(text, "Provider: Groq"); q < 0 || p < q {
		t.Errorf("the provider line is not under the quote (quote at %d, provider at %d)", q, p)
	}
}
