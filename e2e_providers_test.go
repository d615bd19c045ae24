package main

// End-to-end tests of the cloud provider profiles: `diagnose --provider NAME
// --json` against a local imitation of each provider names the right cause
// for a bad key, a wrong model or deployment, no credit and a rate limit,
// where the provider shows them (README, "Providers"). The servers answer as
// the real ones do: status, headers and body as their docs and issue
// trackers show them (sources next to each answer).

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

// Keys in each provider's own format, with a core that must never show.
const (
	e2eOpenRouterKey = "sk-or-v1-E2EKEY0r0ut3r5d9e2b7a1f4c8d3e6b9a2c5f8d1e4b7a0f3a9c2d1b8eSECRET"
	e2eDeepSeekKey   = "sk-E2EKEYd33p5eek7a1f4c8d3e6SECRET"
	e2eAzureKey      = "E2EKEYaz0re6b9a2c5f8d1e4b7a0SECRET"
	e2eGeminiKey     = "AIzaE2EKEYg3m1n1e4b7a0f3a9c2dSECRET"
	e2eGroqKey       = "gsk_E2EKEYgr0q8d3e6b9a2c5f8d1e4b7a0f3a9c2d1b8e4fSECRET"
	e2eMistralKey    = "E2EKEYm15tr4l9c2d1b8e4f6SECRET"
	e2eXAIKey        = "xai-E2EKEYx41d1e4b7a0f3a9c2d1b8e4f6a0c5d9e2b7a1f4c8d3e6b9SECRET"
)

// e2eCloud imitates one cloud provider's OpenAI-style API. mode picks what
// goes wrong: "" (nothing), "nocredit", "keylimit", "ratelimit".
type e2eCloud struct {
	key     string
	chat    string // the completions path, "/v1/chat/completions"
	models  string // the models path, "" = none
	listed  []string
	public  bool // the models list needs no key (OpenRouter's)
	header  http.Header
	mode    string
	auth    func(r *http.Request) string // the key the request carries
	refuse  func(w http.ResponseWriter)  // a bad key
	unknown func(w http.ResponseWriter, model string)
	broke   func(w http.ResponseWriter) // no credit
	limited func(w http.ResponseWriter) // a rate limit
	// extra answers other paths (the account endpoints, Azure's
	// deployments); true when it answered.
	extra func(a *e2eCloud, w http.ResponseWriter, r *http.Request) bool
	// notFound answers an unknown path.
	notFound func(w http.ResponseWriter, r *http.Request)

	posts atomic.Int32
}

func (a *e2eCloud) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	for k, vs := range a.header {
		w.Header()[k] = vs
	}
	if r.Method == http.MethodPost {
		a.posts.Add(1)
	}
	if a.extra != nil && a.extra(a, w, r) {
		return
	}
	switch {
	case a.models != "" && r.Method == http.MethodGet && r.URL.Path == a.models:
		if !a.public && a.auth(r) != a.key {
			a.refuse(w)
			return
		}
		var data []map[string]any
		for _, m := range a.listed {
			data = append(data, map[string]any{"id": m, "object": "model", "created": 1715367049, "owned_by": "e2e"})
		}
		e2eWriteJSON(w, 200, map[string]any{"object": "list", "data": data})
	case r.Method == http.MethodPost && r.URL.Path == a.chat:
		var req e2eCompletion
		_ = json.Unmarshal(body, &req)
		a.complete(w, r, req.Model)
	default:
		if a.notFound != nil {
			a.notFound(w, r)
			return
		}
		e2eOpenAIError(w, 404, "Unknown request URL: "+r.Method+" "+r.URL.Path, "invalid_request_error", "unknown_url")
	}
}

// complete answers a completion for model (Azure: the deployment).
func (a *e2eCloud) complete(w http.ResponseWriter, r *http.Request, model string) {
	switch {
	case a.auth(r) != a.key:
		a.refuse(w)
	case a.mode == "nocredit" || a.mode == "keylimit":
		a.broke(w)
	case a.mode == "ratelimit":
		a.limited(w)
	case !e2eListed(a.listed, model) && !e2eListed(a.listed, "models/"+model): // Google lists models/ID, takes ID
		a.unknown(w, model)
	default:
		e2eSSEFile(w, "openai_stream.sse")
	}
}

func e2eListed(ids []string, m string) bool {
	for _, id := range ids {
		if id == m {
			return true
		}
	}
	return false
}

func e2eBearer(r *http.Request) string {
	return strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
}

func e2eRaw(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// e2eOpenRouter: https://openrouter.ai/docs/api/reference/errors-and-debugging
// (numeric error.code), GET /api/v1/key from
// https://openrouter.ai/docs/api/api-reference/api-keys/get-current-key;
// the 401/402/400 wordings are from OpenRouter's answers quoted in client
// issue trackers (e.g. anomalyco/opencode#14252, Gitlawb/openclaude#43).
func e2eOpenRouter(mode string) *e2eCloud {
	return &e2eCloud{
		key: e2eOpenRouterKey, chat: "/api/v1/chat/completions", models: "/api/v1/models", public: true,
		listed: []string{"openai/gpt-4o-mini", "anthropic/claude-sonnet-4.5", "meta-llama/llama-3.3-70b-instruct:free"},
		header: http.Header{"X-Generation-Id": {"gen-1747213001-a8Bc2dEf3G"}},
		mode:   mode, auth: e2eBearer,
		refuse: func(w http.ResponseWriter) { e2eRaw(w, 401, `{"error":{"message":"User not found.","code":401}}`) },
		unknown: func(w http.ResponseWriter, model string) {
			e2eRaw(w, 400, `{"error":{"message":"`+model+` is not a valid model ID","code":400},"user_id":"user_2xKq8ZpL0mWn4RtYv"}`)
		},
		broke: func(w http.ResponseWriter) {
			e2eRaw(w, 402, `{"error":{"message":"Insufficient credits. This account never purchased credits. Make sure your key is on the correct account or org, and if so, purchase more at https://openrouter.ai/settings/credits","code":402}}`)
		},
		limited: func(w http.ResponseWriter) {
			w.Header().Set("X-RateLimit-Limit", "20")
			w.Header().Set("X-RateLimit-Remaining", "0")
			w.Header().Set("X-RateLimit-Reset", "1751328000000")
			e2eRaw(w, 429, `{"error":{"message":"Provider returned error","code":429,"metadata":{"raw":"openai/gpt-4o-mini is temporarily rate-limited upstream. Please retry shortly, or add your own key to accumulate your rate limits: https://openrouter.ai/settings/integrations","provider_name":"OpenAI","is_byok":false}},"user_id":"user_2xKq8ZpL0mWn4RtYv"}`)
		},
		extra: func(a *e2eCloud, w http.ResponseWriter, r *http.Request) bool {
			if r.Method != http.MethodGet || r.URL.Path != "/api/v1/key" {
				return false
			}
			if a.auth(r) != a.key {
				a.refuse(w)
				return true
			}
			limit, remaining, free := "null", "null", "false"
			switch a.mode {
			case "nocredit":
				free = "true"
			case "keylimit":
				limit, remaining = "10", "0"
			}
			e2eRaw(w, 200, `{"data":{"label":"sk-or-v1-E2E...ET","limit":`+limit+`,"limit_remaining":`+remaining+`,"limit_reset":null,"usage":10,"usage_daily":0,"usage_weekly":0,"usage_monthly":10,"is_free_tier":`+free+`,"is_provisioning_key":false,"rate_limit":{"requests":-1,"interval":"10s","note":"This field is deprecated and safe to ignore."}}}`)
			return true
		},
	}
}

// e2eDeepSeek: errors per https://api-docs.deepseek.com/quick_start/error_codes
// (402 "Insufficient Balance"), GET /user/balance per
// https://api-docs.deepseek.com/api/get-user-balance.
func e2eDeepSeek(mode string) *e2eCloud {
	return &e2eCloud{
		key: e2eDeepSeekKey, chat: "/chat/completions", models: "/models",
		listed: []string{"deepseek-chat", "deepseek-reasoner"},
		mode:   mode, auth: e2eBearer,
		refuse: func(w http.ResponseWriter) {
			e2eRaw(w, 401, `{"error":{"message":"Authentication Fails, Your api key: ****SRET is invalid","type":"authentication_error","param":null,"code":"invalid_request_error"}}`)
		},
		unknown: func(w http.ResponseWriter, _ string) {
			e2eRaw(w, 400, `{"error":{"message":"Model Not Exist","type":"invalid_request_error","param":null,"code":"invalid_request_error"}}`)
		},
		broke: func(w http.ResponseWriter) {
			e2eRaw(w, 402, `{"error":{"message":"Insufficient Balance","type":"unknown_error","param":null,"code":"invalid_request_error"}}`)
		},
		limited: func(w http.ResponseWriter) {
			e2eRaw(w, 429, `{"error":{"message":"Rate Limit Reached","type":"rate_limit_error","param":null,"code":"rate_limit_exceeded"}}`)
		},
		extra: func(a *e2eCloud, w http.ResponseWriter, r *http.Request) bool {
			if r.Method != http.MethodGet || r.URL.Path != "/user/balance" {
				return false
			}
			if a.auth(r) != a.key {
				a.refuse(w)
				return true
			}
			if a.mode == "nocredit" {
				e2eRaw(w, 200, `{"is_available":false,"balance_infos":[{"currency":"USD","total_balance":"0.00","granted_balance":"0.00","topped_up_balance":"0.00"}]}`)
				return true
			}
			e2eRaw(w, 200, `{"is_available":true,"balance_infos":[{"currency":"CNY","total_balance":"110.00","granted_balance":"10.00","topped_up_balance":"100.00"}]}`)
			return true
		},
	}
}

// e2eAzure: the deployments path with api-version, the api-key header,
// string codes and apim-request-id (CAUSES.md, "Azure"; the bodies are the
// ones in checks/classify/testdata/bodies and client issue trackers, e.g.
// hotovo/aider-desk#460 for "API version not supported").
func e2eAzure(mode string) *e2eCloud {
	versions := map[string]bool{"2024-10-21": true, "2025-04-01-preview": true}
	resourceNotFound := func(w http.ResponseWriter, _ *http.Request) {
		e2eRaw(w, 404, `{"error":{"code":"404","message":"Resource not found"}}`)
	}
	return &e2eCloud{
		key: e2eAzureKey, chat: "/openai/v1/chat/completions",
		listed: []string{"gpt-4o-prod"},
		header: http.Header{"Apim-Request-Id": {"apim-55aa66bb-77cc-88dd"}, "X-Ms-Region": {"Sweden Central"}},
		mode:   mode, auth: func(r *http.Request) string { return r.Header.Get("api-key") },
		refuse: func(w http.ResponseWriter) {
			e2eRaw(w, 401, `{"error":{"code":"401","message":"Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource."}}`)
		},
		unknown: func(w http.ResponseWriter, _ string) {
			e2eRaw(w, 404, `{"error":{"code":"DeploymentNotFound","message":"The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again."}}`)
		},
		limited: func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", "6")
			w.Header().Set("x-ratelimit-remaining-requests", "119")
			w.Header().Set("x-ratelimit-remaining-tokens", "0")
			e2eRaw(w, 429, `{"error":{"code":"429","message":"Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 6 seconds. Please go here: https://aka.ms/oai/quotaincrease if you would like to further increase the default rate limit."}}`)
		},
		notFound: resourceNotFound,
		extra: func(a *e2eCloud, w http.ResponseWriter, r *http.Request) bool {
			rest, ok := strings.CutPrefix(r.URL.Path, "/openai/deployments/")
			if !ok || r.Method != http.MethodPost {
				return false
			}
			dep, tail, _ := strings.Cut(rest, "/")
			switch v := r.URL.Query().Get("api-version"); {
			case tail != "chat/completions" || v == "":
				resourceNotFound(w, r)
			case a.auth(r) != a.key:
				a.refuse(w)
			case !versions[v]:
				e2eRaw(w, 400, `{"error":{"code":"BadRequest","message":"API version not supported"}}`)
			default:
				a.complete(w, r, dep)
			}
			return true
		},
	}
}

// e2eGemini: Google's OpenAI-compatible endpoint answers errors as a JSON
// array; a bad key is a 400 API_KEY_INVALID (CAUSES.md, "Google").
func e2eGemini(mode string) *e2eCloud {
	return &e2eCloud{
		key: e2eGeminiKey, chat: "/v1beta/openai/chat/completions", models: "/v1beta/openai/models",
		listed: []string{"models/gemini-2.5-flash", "models/gemini-2.5-pro"},
		mode:   mode, auth: e2eBearer,
		refuse: func(w http.ResponseWriter) { e2eRaw(w, 400, string(e2eFixture("gemini_400_api_key_invalid.json"))) },
		unknown: func(w http.ResponseWriter, model string) {
			e2eRaw(w, 404, `[{"error":{"code":404,"message":"models/`+model+` is not found for API version v1main, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.","status":"NOT_FOUND"}}]`)
		},
		broke: func(w http.ResponseWriter) {
			e2eRaw(w, 429, `[{"error":{"code":429,"message":"Your prepayment credits are depleted. Please go to AI Studio at https://ai.studio/projects to manage your project and billing.","status":"RESOURCE_EXHAUSTED"}}]`)
		},
		limited: func(w http.ResponseWriter) { e2eRaw(w, 429, string(e2eFixture("gemini_429_resource_exhausted.json"))) },
	}
}

// e2eGroq: OpenAI-style bodies with Groq's codes (model_decommissioned) and
// x-ratelimit-* headers with durations.
func e2eGroq(mode string) *e2eCloud {
	return &e2eCloud{
		key: e2eGroqKey, chat: "/openai/v1/chat/completions", models: "/openai/v1/models",
		listed: []string{"llama-3.3-70b-versatile", "llama-3.1-8b-instant"},
		header: http.Header{"X-Request-Id": {"req_01jzgr0qzzyyxxwwvvuu"}},
		mode:   mode, auth: e2eBearer,
		refuse: func(w http.ResponseWriter) {
			e2eRaw(w, 401, `{"error":{"message":"Invalid API Key","type":"invalid_request_error","code":"invalid_api_key"}}`)
		},
		unknown: func(w http.ResponseWriter, model string) {
			if model == "llama3-70b-8192" {
				e2eRaw(w, 400, `{"error":{"message":"The model `+"`llama3-70b-8192`"+` has been decommissioned and is no longer supported. Please refer to https://console.groq.com/docs/deprecations for a recommendation on which model to use instead.","type":"invalid_request_error","code":"model_decommissioned"}}`)
				return
			}
			e2eRaw(w, 404, `{"error":{"message":"The model `+"`"+model+"`"+` does not exist or you do not have access to it.","type":"invalid_request_error","code":"model_not_found"}}`)
		},
		limited: func(w http.ResponseWriter) {
			w.Header().Set("retry-after", "6")
			w.Header().Set("x-ratelimit-limit-tokens", "12000")
			w.Header().Set("x-ratelimit-remaining-tokens", "126")
			w.Header().Set("x-ratelimit-reset-tokens", "5.385s")
			e2eRaw(w, 429, string(e2eFixture("groq_429_tokens.json")))
		},
	}
}

// e2eMistral: {"object":"error",…} bodies; a bad key is a bare 401
// "Unauthorized" with a request_id (cline/cline#1734).
func e2eMistral(mode string) *e2eCloud {
	return &e2eCloud{
		key: e2eMistralKey, chat: "/v1/chat/completions", models: "/v1/models",
		listed: []string{"mistral-large-latest", "mistral-small-latest", "codestral-latest"},
		header: http.Header{"Mistral-Correlation-Id": {"mc-0198e2e4-aabbccddeeff"}},
		mode:   mode, auth: e2eBearer,
		refuse: func(w http.ResponseWriter) {
			e2eRaw(w, 401, `{"message":"Unauthorized","request_id":"933f233947ff6d346065bb297e4a4d56"}`)
		},
		unknown: func(w http.ResponseWriter, model string) {
			e2eRaw(w, 400, `{"object":"error","message":"Invalid model: `+model+`","type":"invalid_model","param":null,"code":"1500"}`)
		},
		limited: func(w http.ResponseWriter) {
			e2eRaw(w, 429, `{"object":"error","message":"Requests rate limit exceeded","type":"rate_limited","param":null,"code":"1300"}`)
		},
	}
}

// e2eXAI: {"code": "<gRPC status in words>", "error": "…"}; a bad key is a
// 400 (continuedev/continue#10778), a team without credits a 403
// (continuedev/continue#12670).
func e2eXAI(mode string) *e2eCloud {
	return &e2eCloud{
		key: e2eXAIKey, chat: "/v1/chat/completions", models: "/v1/models",
		listed: []string{"grok-4", "grok-3-mini"},
		header: http.Header{"X-Request-Id": {"xr-0q1w2e3r4t5y6u7i8o9p"}},
		mode:   mode, auth: e2eBearer,
		refuse: func(w http.ResponseWriter) {
			e2eRaw(w, 400, `{"code":"Client specified an invalid argument","error":"Incorrect API key provided: xa***ET. You can obtain an API key from https://console.x.ai."}`)
		},
		unknown: func(w http.ResponseWriter, model string) {
			e2eRaw(w, 404, `{"code":"Some requested entity was not found","error":"The model `+model+` does not exist or your team 0a1b2c3d-4e5f-6789-abcd-ef0123456789 does not have access to it."}`)
		},
		broke: func(w http.ResponseWriter) {
			e2eRaw(w, 403, `{"code":"The caller does not have permission to execute the specified operation","error":"Your newly created team doesn't have any credits or licenses yet. You can purchase those on https://console.x.ai/team/0a1b2c3d-4e5f-6789-abcd-ef0123456789."}`)
		},
		limited: func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", "2")
			e2eRaw(w, 429, `{"code":"Some resource has been exhausted","error":"Too many requests: your team 0a1b2c3d-4e5f-6789-abcd-ef0123456789 has exceeded its rate limit of 480 requests per minute for grok-4. Please slow down."}`)
		},
	}
}

// e2eProviderCase is one diagnose run against one provider's imitation.
type e2eProviderCase struct {
	name      string
	provider  string
	server    func(mode string) *e2eCloud
	mode      string
	keyEnv    string
	base      string   // path after the server's address
	model     string   //
	env       []string // more variables, "NAME=value"
	noRequest bool
	want      string
	posts     int // completions the server must have got; -1 = any
}

// TestE2EProviders runs what the matrix (e2e_matrix_test.go) does not: the
// healthy runs, --no-request and the account endpoints, a key's own limit,
// Azure's api-version and paths, Groq's decommissioned models. The four
// common failures of every profile are the matrix's.
func TestE2EProviders(t *testing.T) {
	t.Parallel()
	or := func(name, mode, model, want string, noRequest bool, posts int) e2eProviderCase {
		return e2eOpenRouterCase(name, mode, model, want, noRequest, posts)
	}
	ds := func(name, mode, model, want string, noRequest bool, posts int) e2eProviderCase {
		return e2eDeepSeekCase(name, mode, model, want, noRequest, posts)
	}
	az := func(name, mode, base, model, want string, env []string, posts int) e2eProviderCase {
		return e2eAzureCase(name, mode, base, model, want, env, posts)
	}
	healthy := func(provider string, server func(string) *e2eCloud, keyEnv, base, good string) e2eProviderCase {
		return e2eProviderCase{name: "healthy", provider: provider, server: server, keyEnv: keyEnv, base: base, model: good, want: "healthy", posts: 1}
	}
	version := []string{"OPENAI_API_VERSION=2024-10-21"}
	cases := []e2eProviderCase{
		or("healthy", "", "openai/gpt-4o-mini", "healthy", false, 1),
		or("no credit, --no-request", "nocredit", "openai/gpt-4o-mini", "insufficient-balance", true, 0),
		or("key limit spent, --no-request", "keylimit", "openai/gpt-4o-mini", "key-usage-limit", true, 0),
		or("key limit spent: the 402 is the key's", "keylimit", "openai/gpt-4o-mini", "key-usage-limit", false, 1),
		ds("healthy", "", "deepseek-chat", "healthy", false, 1),
		ds("healthy, --no-request", "", "deepseek-chat", "healthy", true, 0),
		ds("no credit, --no-request", "nocredit", "deepseek-chat", "insufficient-balance", true, 0),
		az("healthy", "", "", "gpt-4o-prod", "healthy", version, 1),
		az("healthy, version in the URL", "", "/openai/deployments/gpt-4o-prod?api-version=2025-04-01-preview", "", "healthy", nil, 1),
		az("healthy, the v1 API", "", "/openai/v1", "gpt-4o-prod", "healthy", nil, 1),
		az("no api-version", "", "", "gpt-4o-prod", "api-version-invalid", nil, -1),
		az("retired api-version", "", "", "gpt-4o-prod", "api-version-invalid", []string{"AZURE_OPENAI_API_VERSION=2022-12-01"}, 1),
		az("wrong path", "", "/v1", "gpt-4o-prod", "base-url-path", version, -1),
		healthy("gemini", e2eGemini, "GEMINI_API_KEY", "/v1beta/openai/", "gemini-2.5-flash"),
		healthy("groq", e2eGroq, "GROQ_API_KEY", "/openai/v1", "llama-3.3-70b-versatile"),
		{name: "decommissioned model", provider: "groq", server: e2eGroq, keyEnv: "GROQ_API_KEY",
			base: "/openai/v1", model: "llama3-70b-8192", want: "model-not-found", posts: -1},
		healthy("mistral", e2eMistral, "MISTRAL_API_KEY", "/v1", "mistral-small-latest"),
		healthy("xai", e2eXAI, "XAI_API_KEY", "/v1", "grok-4"),
	}
	for _, c := range cases {
		t.Run(c.provider+"/"+c.name, func(t *testing.T) {
			t.Parallel()
			e2eRunProvider(t, c)
		})
	}
}

// The cases the matrix and TestE2EProviders share, one constructor per
// provider whose runs take more than a mode.
func e2eOpenRouterCase(name, mode, model, want string, noRequest bool, posts int) e2eProviderCase {
	return e2eProviderCase{name: name, provider: "openrouter", server: e2eOpenRouter, mode: mode, keyEnv: "OPENROUTER_API_KEY",
		base: "/api/v1", model: model, noRequest: noRequest, want: want, posts: posts}
}

func e2eDeepSeekCase(name, mode, model, want string, noRequest bool, posts int) e2eProviderCase {
	return e2eProviderCase{name: name, provider: "deepseek", server: e2eDeepSeek, mode: mode, keyEnv: "DEEPSEEK_API_KEY",
		model: model, noRequest: noRequest, want: want, posts: posts}
}

func e2eAzureCase(name, mode, base, model, want string, env []string, posts int) e2eProviderCase {
	return e2eProviderCase{name: name, provider: "azure", server: e2eAzure, mode: mode, keyEnv: "AZURE_OPENAI_API_KEY",
		base: base, model: model, env: env, want: want, posts: posts}
}

// e2eRunProvider runs diagnose --provider against one provider's imitation.
// A case named "bad key" sends a key in the provider's own format that the
// server does not know.
func e2eRunProvider(t *testing.T, c e2eProviderCase) {
	t.Helper()
	api := c.server(c.mode)
	key := api.key
	if c.name == "bad key" {
		// The provider's own format, so that only the server can
		// tell it is wrong.
		key = strings.Replace(api.key, "E2EKEY", "E2EKEYBAD", 1)
	}
	srv := e2eServe(t, api)
	env := map[string]string{c.keyEnv: key}
	for _, kv := range c.env {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	args := []string{"--provider", c.provider, "--base-url", e2eURL(srv, c.base), "--timeout", "5s"}
	if c.model != "" {
		args = append(args, "--model", c.model)
	}
	if c.noRequest {
		args = append(args, "--no-request")
	}
	res, _ := e2eDiagnose(t, e2eCmd{args: args, env: env})
	e2eWant(t, res, c.want)
	if res.Evidence.Provider != c.provider {
		t.Errorf("evidence.provider = %q, want %q", res.Evidence.Provider, c.provider)
	}
	if got := int(api.posts.Load()); c.posts >= 0 && got != c.posts {
		t.Errorf("the server got %d completions, want %d", got, c.posts)
	}
	e2eNoLeak(t, []string{res.Guidance}, key)
}
