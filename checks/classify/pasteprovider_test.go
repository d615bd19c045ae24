package classify

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/checks/setup"
)

// realSigns are the profiles and key issuers users get, parsed as
// strictly as the program parses them.
func realSigns(t *testing.T) ([]checks.Profile, []checks.KeyIssuer) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "content", "profiles.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	ps, err := setup.ParseProfiles(data)
	if err != nil {
		t.Fatal(err)
	}
	if data, err = os.ReadFile(filepath.Join("..", "..", "content", "keys.yaml")); err != nil {
		t.Fatal(err)
	}
	is, err := setup.ParseKeyIssuers(data)
	if err != nil {
		t.Fatal(err)
	}
	return ps, is
}

func body(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "bodies", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The provider a paste names, from the providers' own bodies (the
// fixtures the classifier is tested on) and the ways people paste them:
// an SDK's exception line, a Python repr, a URL in a traceback.
func TestPasteProvider(t *testing.T) {
	ps, is := realSigns(t)
	cases := []struct {
		name, paste, want string
		sign              string // in the deciding sign
	}{
		{"gemini bad key", body(t, "gemini_400_api_key_invalid.json"), "gemini", ""},
		{"gemini bad key, compact, no host", `{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID","domain":"googleapis.com"}]}}`, "gemini", "API_KEY_INVALID"},
		{"gemini quota", body(t, "gemini_429_resource_exhausted.json"), "gemini", "generativelanguage.googleapis.com"},
		{"gemini region", body(t, "gemini_400_location.json"), "gemini", "User location"},
		{"anthropic body", body(t, "anthropic_401_authentication_error.json"), "anthropic", `"type":"error"`},
		{"anthropic python repr", `anthropic.AuthenticationError: Error code: 401 - {'type': 'error', 'error': {'type': 'authentication_error', 'message': 'invalid x-api-key'}, 'request_id': 'req_011CRd4xkAq7Fz3Lw9mWpN2s'}`, "anthropic", `"type":"error"`},
		{"anthropic stream event", body(t, "stream_unknown_error_event.txt"), "anthropic", ""},
		{"azure deployment", body(t, "azure_404_deployment_not_found.json"), "azure", "DeploymentNotFound"},
		{"azure key", body(t, "azure_401_subscription_key.json"), "azure", ""},
		{"azure host in a URL", `openai.NotFoundError: Error code: 404 - {'error': {'code': '404', 'message': 'Resource not found'}} (POST https://contoso-eu.openai.azure.com/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21)`, "azure", "openai.azure.com"},
		{"azure apim header", "HTTP/1.1 429 Too Many Requests\napim-request-id: 1f2e3d4c-5b6a-7980-a1b2-c3d4e5f60718\nretry-after: 6\n", "azure", "apim-request-id"},
		{"openrouter credits", body(t, "openrouter_402_credits.json"), "openrouter", "openrouter.ai"},
		// OpenRouter's wrapper names the router, though the upstream's
		// body inside is OpenAI's.
		{"openrouter wraps openai", body(t, "openrouter_provider_error_auth.json"), "openrouter", "Provider returned error"},
		{"groq rate limit", body(t, "groq_429_tokens.json"), "groq", "console.groq.com"},
		{"groq decommissioned", `groq.BadRequestError: Error code: 400 - {'error': {'message': 'The model ` + "`mixtral-8x7b-32768`" + ` has been decommissioned and is no longer supported.', 'type': 'invalid_request_error', 'code': 'model_decommissioned'}}`, "groq", "model_decommissioned"},
		{"groq key echoed", `Error: 401 Invalid API Key for gsk_abcd****************************WXyz`, "groq", "gsk_"},
		{"xai", `{"code":"Client specified an invalid argument","error":"Incorrect API key provided: xa***Zq. You can obtain an API key from https://console.x.ai."}`, "xai", "console.x.ai"},
		{"xai host", `httpx.HTTPStatusError: Client error '429 Too Many Requests' for url 'https://api.x.ai/v1/chat/completions'`, "xai", "api.x.ai"},
		{"mistral host", `mistralai.models.sdkerror.SDKError: API error occurred: Status 401 Body: {"detail":"Unauthorized"} url=https://api.mistral.ai/v1/chat/completions`, "mistral", "api.mistral.ai"},
		{"mistral model", `{"object":"error","message":"Invalid model: mistral-huge-latest","type":"invalid_model","param":null,"code":"1500"}`, "mistral", "invalid_model"},
		{"deepseek host", `openai.APIStatusError: Error code: 402 - {'error': {'message': 'Insufficient Balance', 'type': 'unknown_error', 'param': None, 'code': 'invalid_request_error'}} POST https://api.deepseek.com/chat/completions`, "deepseek", "api.deepseek.com"},
		{"ollama model", body(t, "ollama_404_model.json"), "ollama", "try pulling it first"},
		{"ollama address", `openai.APIConnectionError: Connection error. httpcore.ConnectError: [Errno 111] Connection refused (http://localhost:11434/v1/chat/completions)`, "ollama", "localhost:11434"},
		{"openai key error", body(t, "openai_401_invalid_api_key.json"), "openai", "platform.openai.com"},
		// OpenAI answered, about an Anthropic key: where the request went
		// outranks whose key it carried.
		{"openai about an anthropic key", `{"error":{"message":"Incorrect API key provided: sk-ant-a**********************************************Qa. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`, "openai", "platform.openai.com"},
		{"claude subscription token alone", `Authentication failed for token sk-ant-oat01-AbCd…wxYZ`, "anthropic", "sk-ant-oat01-"},
		// Names nobody.
		{"bare status", "429 Too Many Requests", "", ""},
		{"bare sk key", `Incorrect API key provided: sk-abc1**************************wxyz.`, "", ""},
		{"deepseek body alone", body(t, "deepseek_402_insufficient_balance.json"), "", ""},
		{"prefix in prose", "Gemini keys start with AIza and Groq keys with gsk_", "", ""},
		{"host inside another", `POST https://xapi.openai.com.example.net/v1 failed`, "", ""},
		{"empty", "   ", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, signs := PasteProvider(tc.paste, ps, is)
			if got != tc.want {
				t.Fatalf("provider %q, want %q (signs %v)", got, tc.want, signs)
			}
			if tc.sign != "" && (len(signs) == 0 || !strings.Contains(signs[0].Sign, tc.sign)) {
				t.Errorf("deciding sign %v, want one with %q", signs, tc.sign)
			}
			if tc.want == "" && tc.sign == "" && len(signs) > 0 && signs[0].Strength > 1 {
				t.Errorf("no provider, yet a strong sign: %v", signs)
			}
		})
	}
}

// Signs of two providers, equally strong, name none: the paste disagrees
// with itself, and a page for either would claim more than was seen.
func TestPasteProviderConflict(t *testing.T) {
	ps, is := realSigns(t)
	for _, paste := range []string{
		"tried https://api.anthropic.com/v1/messages, then https://api.openai.com/v1/chat/completions: 401 both times",
		// Mistral's and vLLM's errors share their envelope.
		`{"object":"error","message":"The model does not exist.","type":"NotFoundError","param":null,"code":404}`,
	} {
		got, signs := PasteProvider(paste, ps, is)
		if got != "" || len(signs) < 2 {
			t.Errorf("%.60s: provider %q, signs %v: want none, with both signs", paste, got, signs)
		}
		line := ProviderLine(got, signs)
		if !strings.Contains(line, "more than one provider") || !strings.Contains(line, signs[0].Title) || !strings.Contains(line, signs[1].Title) {
			t.Errorf("the line does not say the signs disagree: %q", line)
		}
	}
}

// The paste check reports the provider as evidence, with the sign.
func TestPasteCheckNamesProvider(t *testing.T) {
	ps, is := realSigns(t)
	s := &checks.Setup{Config: checks.Config{Pasted: body(t, "gemini_400_api_key_invalid.json"), Profiles: ps, KeyIssuers: is}}
	r := Paste(context.Background(), s)
	if r.Evidence.PasteProvider != "gemini" || len(r.Evidence.PasteSigns) == 0 || !strings.HasPrefix(r.Evidence.PasteSigns[0], "gemini: ") {
		t.Fatalf("evidence %q %q", r.Evidence.PasteProvider, r.Evidence.PasteSigns)
	}
	if !strings.Contains(strings.Join(r.Details, "\n"), "from the paste: Google Gemini") {
		t.Errorf("details do not say where the provider came from: %q", r.Details)
	}
	if r.Evidence.Provider != "" {
		t.Errorf("evidence.provider = %q: the paste check leaves the setup's field alone", r.Evidence.Provider)
	}
}

// A hostile paste (a host a million times, prefixes without end) is read
// within bounds and names what it names.
func TestPasteProviderHostile(t *testing.T) {
	ps, is := realSigns(t)
	paste := strings.Repeat("xapi.anthropic.com ", 1<<16) + strings.Repeat("sk-ant-", 1<<16) + " https://api.groq.com/openai/v1"
	if got, _ := PasteProvider(paste, ps, is); got != "groq" && got != "" {
		t.Errorf("provider %q", got)
	}
}
