package main

// The provider matrix: for every profile in content/profiles.yaml, `diagnose
// --provider NAME --json` against a loopback imitation of that system names
// the right cause for a bad key, a wrong model or deployment, no credit and
// a rate limit — each that the system can show. A case it cannot show has
// its reason in the table instead, and the README's "Providers" table says
// the same (TestE2EMatrixREADME). A profile without a row fails the test, so
// a new profile comes with its runs.
//
//	go test -run TestE2EMatrix -count=1 .

import (
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// e2eMatrixCases are the four failures every profile is asked for, in the
// README's column order.
var e2eMatrixCases = []string{"bad key", "wrong model", "no credit", "rate limit"}

// e2eCell is one profile and case: run proves it, or cannot says why the
// system has no such failure to show.
type e2eCell struct {
	run    func(t *testing.T)
	cannot string
}

func e2eCan(run func(t *testing.T)) e2eCell { return e2eCell{run: run} }
func e2eCannot(why string) e2eCell          { return e2eCell{cannot: why} }

// e2eNoCreditLocal: a model server the user runs bills nothing.
const e2eNoCreditLocal = "a server you run has no credit to run out of"

// e2eMatrix is the table: profile → case → cell.
func e2eMatrix() map[string]map[string]e2eCell {
	provider := func(c e2eProviderCase) e2eCell { return e2eCan(func(t *testing.T) { e2eRunProvider(t, c) }) }
	plain := func(name, profile string, server func(string) *e2eCloud, mode, keyEnv, base, model, want string) e2eCell {
		return provider(e2eProviderCase{name: name, provider: profile, server: server, mode: mode, keyEnv: keyEnv, base: base, model: model, want: want, posts: -1})
	}
	version := []string{"OPENAI_API_VERSION=2024-10-21"}
	return map[string]map[string]e2eCell{
		// ── The guides' systems ──
		"openai": {
			"bad key":     e2eCan(e2eOpenAIKeyRejected),
			"wrong model": e2eCan(e2eOpenAIModelNotFound),
			"no credit":   e2eCan(func(t *testing.T) { e2eOpenAI429(t, "insufficient_quota") }),
			"rate limit":  e2eCan(func(t *testing.T) { e2eOpenAI429(t, "rate_limit_exceeded") }),
		},
		"anthropic": {
			"bad key":     e2eCan(e2eMatrixAnthropic("sk-ant-api03-E2EKEYBADd3e6b9a2c5f8d1e4b7a0f3a9c2d1b8e4f6a0c5d9e2b7a1f4c8d3e6b9a2c5f8d1e4b7a0f3a9cSECRET-AA", "claude-sonnet-4-5-20250929", nil, "key-rejected")),
			"wrong model": e2eCan(e2eMatrixAnthropic(e2eAnthropicKey, "claude-sonnet-4-5-2025", nil, "model-not-found")),
			"no credit":   e2eCan(func(t *testing.T) { e2eAnthropicFailure(t, "400 credit balance") }),
			"rate limit": e2eCan(e2eMatrixAnthropic(e2eAnthropicKey, "claude-sonnet-4-5-20250929", func(w http.ResponseWriter, r *http.Request, req e2eCompletion) {
				h := w.Header()
				h.Set("request-id", "req_011CE2ERateL1m1tAb2Cd3")
				h.Set("retry-after", "12")
				h.Set("anthropic-ratelimit-input-tokens-limit", "50000")
				h.Set("anthropic-ratelimit-input-tokens-remaining", "0")
				h.Set("anthropic-ratelimit-input-tokens-reset", "2025-09-29T12:00:12Z")
				e2eBody(429, "application/json", "anthropic_429_rate_limit.json")(w, r, req)
			}, "rate-limited")),
		},
		"heroku": {
			"bad key": e2eCan(e2eMatrixHeroku("inf-E2EKEYBADh3r0ku-8e4f-6a0c-5d9e-2b7a1f4cSECRET", nil, "key-rejected")),
			// The model is the add-on's: another one is refused with 403
			// (the guide: "403 for an unprovisioned model").
			"wrong model": e2eCan(e2eMatrixHeroku(e2eHerokuKey, e2eFixed(403, "heroku_403_model_access.json", "Request-Id", "3f1b2c4d-5e6f-e2e"), "model-access-denied")),
			"no credit":   e2eCannot("usage is billed to the Heroku account's invoice: no prepaid credit to run out of"),
			"rate limit":  e2eCan(e2eMatrixHeroku(e2eHerokuKey, e2eFixed(429, "heroku_429_rate_limit.json", "Retry-After", "30"), "rate-limited")),
		},
		"agentrouter": {
			"bad key":     e2eCan(e2eMatrixGateway("agentrouter", "AGENTROUTER_API_KEY", e2eAgentRouterKey, "sk-ar-E2EKEYBAD5d9e2b7a1f4c8d3e6b9a2c5fSECRET", "gpt-4o", e2eFixedUnauthorized("agentrouter_401_invalid_api_key.json"), nil, "key-rejected")),
			"wrong model": e2eCan(e2eMatrixGateway("agentrouter", "AGENTROUTER_API_KEY", e2eAgentRouterKey, e2eAgentRouterKey, "gpt4o", nil, nil, "model-not-found")),
			"no credit":   e2eCan(e2eMatrixGateway("agentrouter", "AGENTROUTER_API_KEY", e2eAgentRouterKey, e2eAgentRouterKey, "gpt-4o", nil, e2eFixed(402, "agentrouter_402_insufficient_balance.json"), "insufficient-balance")),
			"rate limit": e2eCan(e2eMatrixGateway("agentrouter", "AGENTROUTER_API_KEY", e2eAgentRouterKey, e2eAgentRouterKey, "gpt-4o", nil,
				e2eFixed(429, "agentrouter_429_rate_limit.json", "X-RateLimit-Limit", "60", "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", "1751328000"), "rate-limited")),
		},
		"latentkit": {
			// The guide's 401 "missing or invalid API key" is given without
			// its body; the shape is that of LatentKit's other errors.
			"bad key": e2eCan(e2eMatrixGateway("latentkit", "LATENTKIT_API_KEY", e2eLatentKitKey, "lk_live_E2EKEYBAD3ntk1t6a0c5d9e2b7a1f4c8dSECRET", "", func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("X-LK-Request-ID", "lkreq_01E2EBADKEY0A1B2C3D4")
				e2eRaw(w, 401, `{"error":{"type":"authentication_error","code":"invalid_api_key","message":"Missing or invalid API key."},"request_id":"lkreq_01E2EBADKEY0A1B2C3D4"}`)
			}, nil, "key-rejected")),
			"wrong model": e2eCannot("the key's published route picks the model; requests name none (the SDK refuses a model field)"),
			"no credit": e2eCan(func(t *testing.T) {
				for _, c := range []struct{ name, fixture string }{
					{"402 budget_exceeded", "latentkit_402_budget_exceeded.json"},
					{"429 free_managed_limit_reached", "latentkit_429_free_managed_limit.json"},
				} {
					status := 402
					if strings.HasPrefix(c.name, "429") {
						status = 429
					}
					t.Run(c.name, func(t *testing.T) {
						t.Parallel()
						e2eMatrixGateway("latentkit", "LATENTKIT_API_KEY", e2eLatentKitKey, e2eLatentKitKey, "", nil,
							e2eFixed(status, c.fixture, "X-LK-Request-ID", "lkreq_01E2ECREDIT0A1B2C3D"), "insufficient-balance")(t)
					})
				}
			}),
			"rate limit": e2eCannot("its guide documents no rate limit of its own: its one 429 is the free workspace's cap, which is no credit"),
		},
		"tokenhub": {
			// The guide's 401 "invalid or missing API key" is given without
			// its body; the shape is that of TokenHub's other errors.
			"bad key": e2eCan(e2eMatrixGateway("tokenhub", "TOKENHUB_API_KEY", e2eTokenHubKey, "th-E2EKEYBADt0k3nhub8e4f6a0c5d9e2b7a1f4c8d3eSECRET", "openai/gpt-4o", func(w http.ResponseWriter, _ *http.Request) {
				e2eRaw(w, 401, `{"error":{"message":"Invalid or missing API key.","type":"authentication_error","code":"invalid_api_key"}}`)
			}, nil, "key-rejected")),
			"wrong model": e2eCan(e2eMatrixGateway("tokenhub", "TOKENHUB_API_KEY", e2eTokenHubKey, e2eTokenHubKey, "OpenAI/GPT-4o", nil, e2eFixed(404, "tokenhub_404_model_not_found.json"), "model-not-found")),
			// A key's monthly limit: its 402 is the key's, not the account's.
			"no credit": e2eCan(e2eTokenHubUsageLimit),
			"rate limit": e2eCan(e2eMatrixGateway("tokenhub", "TOKENHUB_API_KEY", e2eTokenHubKey, e2eTokenHubKey, "openai/gpt-4o", nil,
				e2eFixed(429, "tokenhub_429_rate_limit.json", "Retry-After", "20", "X-Inferoute-Request-Id", "ifr_e2e0r4t3l1m1t0001"), "rate-limited")),
		},
		"openai-compatible": {
			"bad key":     e2eCan(e2eOneAPIKeyRejected),
			"wrong model": e2eCan(e2eMatrixGateway("openai-compatible", "OPENAI_API_KEY", e2eRelayKey, e2eRelayKey, "gpt4o", nil, nil, "model-not-found")),
			"no credit":   e2eCan(e2eMatrixGateway("openai-compatible", "OPENAI_API_KEY", e2eRelayKey, e2eRelayKey, "gpt-4o", nil, e2eFixed(403, "oneapi_403_user_quota.json"), "insufficient-balance")),
			"rate limit": e2eCan(e2eMatrixGateway("openai-compatible", "OPENAI_API_KEY", e2eRelayKey, e2eRelayKey, "gpt-4o", nil,
				e2eFixed(429, "openai_429_rate_limit.json", "retry-after", "20"), "rate-limited")),
		},

		// ── Cloud providers (servers in e2e_providers_test.go) ──
		"openrouter": {
			"bad key":     provider(e2eOpenRouterCase("bad key", "", "openai/gpt-4o-mini", "key-rejected", false, -1)),
			"wrong model": provider(e2eOpenRouterCase("wrong model", "", "gpt-4o-mini", "model-not-found", false, -1)),
			"no credit":   provider(e2eOpenRouterCase("no credit", "nocredit", "openai/gpt-4o-mini", "insufficient-balance", false, -1)),
			"rate limit":  provider(e2eOpenRouterCase("rate limit", "ratelimit", "openai/gpt-4o-mini", "rate-limited", false, 1)),
		},
		"deepseek": {
			"bad key":     provider(e2eDeepSeekCase("bad key", "", "deepseek-chat", "key-rejected", false, -1)),
			"wrong model": provider(e2eDeepSeekCase("wrong model", "", "deep-seek-chat", "model-not-found", false, -1)),
			"no credit":   provider(e2eDeepSeekCase("no credit", "nocredit", "deepseek-chat", "insufficient-balance", false, -1)),
			"rate limit":  provider(e2eDeepSeekCase("rate limit", "ratelimit", "deepseek-chat", "rate-limited", false, 1)),
		},
		"azure": {
			"bad key":     provider(e2eAzureCase("bad key", "", "", "gpt-4o-prod", "key-rejected", version, 1)),
			"wrong model": provider(e2eAzureCase("missing deployment", "", "", "gpt-4o", "model-not-found", version, 1)),
			"no credit":   e2eCannot("usage is billed to the Azure subscription: the API shows no prepaid credit"),
			"rate limit":  provider(e2eAzureCase("rate limit", "ratelimit", "", "gpt-4o-prod", "rate-limited", version, 1)),
		},
		"gemini": {
			"bad key":     plain("bad key", "gemini", e2eGemini, "", "GEMINI_API_KEY", "/v1beta/openai/", "gemini-2.5-flash", "key-rejected"),
			"wrong model": plain("wrong model", "gemini", e2eGemini, "", "GEMINI_API_KEY", "/v1beta/openai/", "gemini-9.0-flash", "model-not-found"),
			"no credit":   plain("no credit", "gemini", e2eGemini, "nocredit", "GEMINI_API_KEY", "/v1beta/openai/", "gemini-2.5-flash", "insufficient-balance"),
			"rate limit":  plain("rate limit", "gemini", e2eGemini, "ratelimit", "GEMINI_API_KEY", "/v1beta/openai/", "gemini-2.5-flash", "rate-limited"),
		},
		"groq": {
			"bad key":     plain("bad key", "groq", e2eGroq, "", "GROQ_API_KEY", "/openai/v1", "llama-3.3-70b-versatile", "key-rejected"),
			"wrong model": plain("wrong model", "groq", e2eGroq, "", "GROQ_API_KEY", "/openai/v1", "llama-3.3-70b-versatil", "model-not-found"),
			"no credit":   e2eCannot("the free tier is rate limits and paid use is billed after: no credit balance to run out of"),
			"rate limit":  plain("rate limit", "groq", e2eGroq, "ratelimit", "GROQ_API_KEY", "/openai/v1", "llama-3.3-70b-versatile", "rate-limited"),
		},
		"mistral": {
			"bad key":     plain("bad key", "mistral", e2eMistral, "", "MISTRAL_API_KEY", "/v1", "mistral-small-latest", "key-rejected"),
			"wrong model": plain("wrong model", "mistral", e2eMistral, "", "MISTRAL_API_KEY", "/v1", "mistral-smal-latest", "model-not-found"),
			"no credit":   e2eCannot("no credit error is documented: the free tier is rate limits, paid use is billed after"),
			"rate limit":  plain("rate limit", "mistral", e2eMistral, "ratelimit", "MISTRAL_API_KEY", "/v1", "mistral-small-latest", "rate-limited"),
		},
		"xai": {
			"bad key":     plain("bad key", "xai", e2eXAI, "", "XAI_API_KEY", "/v1", "grok-4", "key-rejected"),
			"wrong model": plain("wrong model", "xai", e2eXAI, "", "XAI_API_KEY", "/v1", "grok-9", "model-not-found"),
			"no credit":   plain("no credit", "xai", e2eXAI, "nocredit", "XAI_API_KEY", "/v1", "grok-4", "insufficient-balance"),
			"rate limit":  plain("rate limit", "xai", e2eXAI, "ratelimit", "XAI_API_KEY", "/v1", "grok-4", "rate-limited"),
		},

		// ── Local model servers (e2e_local_test.go, e2e_localservers_test.go) ──
		"ollama": {
			"bad key":     e2eCannot("Ollama checks no key: any key, or none, is accepted"),
			"wrong model": e2eCan(e2eOllamaModelNotPulled),
			"no credit":   e2eCannot(e2eNoCreditLocal),
			"rate limit":  e2eCannot("Ollama does not rate-limit: requests queue (OLLAMA_MAX_QUEUE), and a full queue is a 503 busy, not a limit"),
		},
		"lmstudio": {
			"bad key": e2eCan(func(t *testing.T) {
				t.Run("unknown token", func(t *testing.T) {
					t.Parallel()
					e2eMatrixLocal(t, "lmstudio", &e2eLMStudio{downloaded: []string{"qwen2.5-7b-instruct"}, token: e2eLMStudioToken},
						"sk-lm-E2EKEYBAD9c2d1b8e:SECRETa0c5d9e2b7", "qwen2.5-7b-instruct", "key-rejected")
				})
			}),
			"wrong model": e2eCan(func(t *testing.T) {
				t.Run("just-in-time loading, not downloaded", func(t *testing.T) {
					t.Parallel()
					e2eMatrixLocal(t, "lmstudio", &e2eLMStudio{downloaded: []string{"qwen2.5-7b-instruct", "llama-3.2-3b-instruct"}, jit: true},
						"", "qwen2.5-coder-7b-instruct", "model-not-pulled")
				})
				t.Run("no models loaded", func(t *testing.T) {
					t.Parallel()
					e2eMatrixLocal(t, "lmstudio", &e2eLMStudio{}, "", "qwen2.5-7b-instruct", "model-not-pulled")
				})
			}),
			"no credit":  e2eCannot(e2eNoCreditLocal),
			"rate limit": e2eCannot("LM Studio does not rate-limit: requests wait for the loaded model"),
		},
		"vllm": {
			"bad key": e2eCan(func(t *testing.T) {
				e2eMatrixLocal(t, "vllm", &e2eVLLM{served: "Qwen/Qwen2.5-7B-Instruct", apiKey: e2eVLLMKey},
					"token-E2EKEYBADv11m9c2d1b8eSECRET", "Qwen/Qwen2.5-7B-Instruct", "key-rejected")
			}),
			"wrong model": e2eCan(func(t *testing.T) {
				for _, flat := range []bool{false, true} {
					name := "current error body"
					if flat {
						name = "older flat error body"
					}
					t.Run(name, func(t *testing.T) {
						t.Parallel()
						e2eMatrixLocal(t, "vllm", &e2eVLLM{served: "Qwen/Qwen2.5-7B-Instruct", flatErr: flat}, "", "meta-llama/Llama-3.1-8B-Instruct", "model-not-pulled")
					})
				}
			}),
			"no credit":  e2eCannot(e2eNoCreditLocal),
			"rate limit": e2eCannot("vLLM has no rate limiter: requests queue in its scheduler"),
		},
		"llamacpp": {
			"bad key": e2eCan(func(t *testing.T) {
				e2eMatrixLocal(t, "llamacpp", &e2eLlamaCpp{apiKey: e2eLlamaKey}, "sk-E2EKEYBAD11ama9c2d1b8eSECRET", "llama-3.1-8b", "key-rejected")
			}),
			"wrong model": e2eCannot("llama-server answers with the model it was started with, whatever model a request names"),
			"no credit":   e2eCannot(e2eNoCreditLocal),
			"rate limit":  e2eCannot("llama-server does not rate-limit: a request waits for a free slot"),
		},
	}
}

// Keys of the systems the matrix adds, with a core that must never show.
const (
	e2eAgentRouterKey = "sk-ar-E2EKEYag3ntr0ut3r5d9e2b7a1f4c8d3e6b9a2c5fSECRET"
	e2eLMStudioToken  = "sk-lm-E2EKEYlm5tud10:SECRETc0d3e6b9a2c5f8"
	e2eVLLMKey        = "token-E2EKEYv11m9c2d1b8e4f6a0SECRET"
	e2eLlamaKey       = "sk-E2EKEY11amacpp9c2d1b8e4f6SECRET"
)

// e2eProfileNames reads the profile names from content/profiles.yaml.
func e2eProfileNames(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("content", "profiles.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var ps []struct {
		Name string `yaml:"name"`
	}
	if err := yaml.Unmarshal(data, &ps); err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(ps))
	for _, p := range ps {
		names = append(names, p.Name)
	}
	return names
}

func TestE2EMatrix(t *testing.T) {
	t.Parallel()
	matrix := e2eMatrix()
	names := e2eProfileNames(t)
	if len(names) == 0 {
		t.Fatal("no profiles read")
	}
	for name := range matrix {
		if !slices.Contains(names, name) {
			t.Errorf("the matrix has a row for %q, which content/profiles.yaml does not have", name)
		}
	}
	for _, name := range names {
		row, ok := matrix[name]
		if !ok {
			t.Errorf("profile %q has no row in the matrix (e2e_matrix_test.go): add its four cases, or say why it cannot show one", name)
			continue
		}
		for _, c := range e2eMatrixCases {
			cell, ok := row[c]
			switch {
			case !ok:
				t.Errorf("%s: no cell for %q", name, c)
			case cell.run == nil && cell.cannot == "":
				t.Errorf("%s/%s: neither a run nor a reason", name, c)
			case cell.run != nil && cell.cannot != "":
				t.Errorf("%s/%s: both a run and a reason it cannot", name, c)
			case cell.run != nil:
				t.Run(name+"/"+c, func(t *testing.T) {
					t.Parallel()
					cell.run(t)
				})
			}
		}
		for c := range row {
			if !slices.Contains(e2eMatrixCases, c) {
				t.Errorf("%s: unknown case %q", name, c)
			}
		}
	}
}

// TestE2EMatrixREADME holds the README's "Providers" table to the matrix: a
// row per profile, ✓ in a case's column exactly where the matrix runs it,
// "—" with a reason where it says the system cannot show it.
func TestE2EMatrixREADME(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	start := strings.Index(text, "\n## Providers")
	if start < 0 {
		t.Fatal(`README.md has no "## Providers" section`)
	}
	section := text[start+1:]
	if end := strings.Index(section, "\n### "); end >= 0 {
		section = section[:end]
	}
	var header []string
	rows := map[string][]string{}
	for _, line := range strings.Split(section, "\n") {
		if !strings.HasPrefix(line, "|") || strings.HasPrefix(line, "|---") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if header == nil {
			header = cells
			continue
		}
		rows[strings.Trim(cells[0], "`")] = cells
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	for _, c := range e2eMatrixCases {
		if _, ok := col[c]; !ok {
			t.Fatalf("the Providers table has no %q column (header %q)", c, header)
		}
	}
	matrix := e2eMatrix()
	for _, name := range e2eProfileNames(t) {
		row, ok := rows[name]
		if !ok {
			t.Errorf("the README's Providers table has no row for %q", name)
			continue
		}
		for _, c := range e2eMatrixCases {
			i := col[c]
			if i >= len(row) {
				t.Errorf("%s: the row has no %q cell", name, c)
				continue
			}
			got, cell := row[i], matrix[name][c]
			switch {
			case cell.run != nil && !strings.HasPrefix(got, "✓"):
				t.Errorf("%s/%s: the matrix proves it, the README says %q (want ✓)", name, c, got)
			case cell.run == nil && (!strings.HasPrefix(got, "—") || len(strings.TrimSpace(strings.TrimPrefix(got, "—"))) == 0):
				t.Errorf("%s/%s: the matrix cannot show it (%s), the README says %q (want — and the reason)", name, c, cell.cannot, got)
			}
		}
	}
}

// ── Runs for the systems without a server of their own ──────────────────

// e2eFixed answers a completion with a fixture and headers (name, value
// pairs).
func e2eFixed(status int, fixture string, hdr ...string) func(http.ResponseWriter, *http.Request, e2eCompletion) {
	return func(w http.ResponseWriter, r *http.Request, req e2eCompletion) {
		for i := 0; i+1 < len(hdr); i += 2 {
			w.Header().Set(hdr[i], hdr[i+1])
		}
		e2eBody(status, "application/json", fixture)(w, r, req)
	}
}

// e2eFixedUnauthorized answers a key the server does not know with a
// fixture, as a 401.
func e2eFixedUnauthorized(fixture string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		e2eRaw(w, 401, string(e2eFixture(fixture)))
	}
}

// e2eMatrixGateway runs one case against an OpenAI-style gateway that knows
// one key and the models gpt-4o, openai/gpt-4o and anthropic/claude-sonnet-4-5
// (any model when model is "": the route picks it). send is the key the
// client sends; unauthorized and complete override the server's answers.
func e2eMatrixGateway(profile, keyEnv, key, send, model string, unauthorized func(http.ResponseWriter, *http.Request),
	complete func(http.ResponseWriter, *http.Request, e2eCompletion), want string) func(t *testing.T) {
	return func(t *testing.T) {
		api := &e2eAPI{style: "openai", key: key, models: []string{"gpt-4o", "openai/gpt-4o", "anthropic/claude-sonnet-4-5"},
			anyModel: model == "", unauthorized: unauthorized, complete: complete}
		srv := e2eServe(t, api)
		args := []string{"--provider", profile, "--base-url", e2eURL(srv, "/v1"), "--timeout", "5s"}
		if model != "" {
			args = append(args, "--model", model)
		}
		res, out := e2eDiagnose(t, e2eCmd{args: args, env: map[string]string{keyEnv: send}})
		e2eWant(t, res, want)
		if res.Evidence.Provider != profile {
			t.Errorf("evidence.provider = %q, want %q", res.Evidence.Provider, profile)
		}
		e2eNoLeak(t, []string{out.stdout, out.stderr}, key, send)
	}
}

// e2eMatrixAnthropic runs one case against the Anthropic imitation, which
// knows e2eAnthropicKey; complete overrides its answer to a completion.
func e2eMatrixAnthropic(send, model string, complete func(http.ResponseWriter, *http.Request, e2eCompletion), want string) func(t *testing.T) {
	return func(t *testing.T) {
		api := e2eAnthropicServer()
		api.complete = complete
		srv := e2eServe(t, api)
		res, out := e2eDiagnose(t, e2eCmd{
			args: []string{"--provider", "anthropic", "--base-url", e2eURL(srv, ""), "--model", model, "--timeout", "5s"},
			env:  map[string]string{"ANTHROPIC_API_KEY": send},
		})
		e2eWant(t, res, want)
		e2eNoLeak(t, []string{out.stdout, out.stderr}, send)
	}
}

// e2eMatrixHeroku runs one case against a Heroku-like API, configured as the
// add-on does: INFERENCE_URL a bare host, INFERENCE_MODEL_ID the model.
func e2eMatrixHeroku(send string, complete func(http.ResponseWriter, *http.Request, e2eCompletion), want string) func(t *testing.T) {
	return func(t *testing.T) {
		api := &e2eAPI{style: "openai", key: e2eHerokuKey, models: []string{"claude-4-5-sonnet"}, header: http.Header{"Request-Id": {"3f1b2c4d-e2e"}},
			unauthorized: e2eFixedUnauthorized("heroku_401_invalid_key.json"), complete: complete}
		srv := e2eServe(t, api)
		res, out := e2eDiagnose(t, e2eCmd{
			args: []string{"--provider", "heroku", "--timeout", "5s"},
			env:  map[string]string{"INFERENCE_KEY": send, "INFERENCE_URL": e2eURL(srv, ""), "INFERENCE_MODEL_ID": "claude-4-5-sonnet"},
		})
		e2eWant(t, res, want)
		if res.Evidence.RequestID == "" {
			t.Errorf("evidence.request_id is empty; Heroku's Request-Id was sent")
		}
		e2eNoLeak(t, []string{out.stdout, out.stderr}, send)
	}
}

// e2eMatrixLocal runs one case against a local model server on loopback,
// outside a container; key is sent as OPENAI_API_KEY when set.
func e2eMatrixLocal(t *testing.T, profile string, h http.Handler, key, model, want string) {
	t.Helper()
	srv := e2eServe(t, h)
	env := map[string]string{"UNSTUCK_IN_CONTAINER": "0"}
	if key != "" {
		env["OPENAI_API_KEY"] = key
	}
	res, out := e2eDiagnose(t, e2eCmd{args: []string{"--provider", profile, "--base-url", e2eLocalBase(srv), "--model", model, "--timeout", "5s"}, env: env})
	e2eWant(t, res, want)
	if key != "" {
		e2eNoLeak(t, []string{out.stdout, out.stderr}, key)
	}
}
