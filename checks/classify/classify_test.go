package classify

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/unstuck-dev/unstuck/checks"
)

// bodyCase is one real-world error body (a file under testdata/bodies)
// with the status and headers the provider sends with it, and what the
// classifier must make of it.
type bodyCase struct {
	file      string
	status    int
	headers   string // "Name: value" lines
	cause     string
	requestID string // the first request ID, "" to skip
	code      string // Evidence.ErrorCode, "" to skip
	servedBy  string
	reason    string // a fragment the reason must hold, "" to skip
}

const (
	openAIHeaders = "Content-Type: application/json; charset=utf-8\nServer: cloudflare\nCF-RAY: 8f2a7c1e3b9d4a51-FRA\nStrict-Transport-Security: max-age=31536000; includeSubDomains; preload\n"
	anthropicJSON = "Content-Type: application/json\nServer: cloudflare\nCF-RAY: 8f2a7d2f4c0e5b62-AMS\nX-Should-Retry: false\n"
	oneAPIJSON    = "Content-Type: application/json; charset=utf-8\nServer: nginx\n"
)

var bodyCases = []bodyCase{
	// OpenAI.
	{file: "openai_401_invalid_api_key.json", status: 401, headers: openAIHeaders + "x-request-id: req_7f3a9c2e4b1d8f6a0c5e3b9d2a7f4c1e\n",
		cause: "key-rejected", requestID: "req_7f3a9c2e4b1d8f6a0c5e3b9d2a7f4c1e", code: "invalid_api_key", reason: "code invalid_api_key"},
	{file: "openai_401_no_key.json", status: 401, headers: openAIHeaders + "x-request-id: req_0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e\n",
		cause: "key-missing", requestID: "req_0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e"},
	{file: "openai_401_missing_scopes.json", status: 401, headers: openAIHeaders + "x-request-id: req_c4e1b7d3a6f9c2e5b8d1a4f7c0e3b6d9\n",
		cause: "key-scope-missing", requestID: "req_c4e1b7d3a6f9c2e5b8d1a4f7c0e3b6d9", reason: "missing scopes"},
	{file: "openai_403_region.json", status: 403, headers: openAIHeaders + "x-request-id: req_1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d\n",
		cause: "region-blocked", code: "unsupported_country_region_territory"},
	{file: "openai_403_project_model_access.json", status: 403, headers: openAIHeaders + "x-request-id: req_9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b\n",
		cause: "model-access-denied", code: "model_not_found"},
	{file: "openai_404_model_not_found.json", status: 404, headers: openAIHeaders + "x-request-id: req_5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a\n",
		cause: "model-not-found", code: "model_not_found"},
	{file: "openai_404_invalid_url.json", status: 404, headers: openAIHeaders + "x-request-id: req_aa11bb22cc33dd44ee55ff6677889900\n",
		cause: "base-url-path", reason: "invalid url ("},
	{file: "openai_404_unknown_url.json", status: 404, headers: openAIHeaders,
		cause: "base-url-path", requestID: "8f2a7c1e3b9d4a51-FRA"},
	{file: "openai_429_rate_limit.json", status: 429, headers: openAIHeaders + "x-request-id: req_3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f\nx-ratelimit-limit-requests: 3\nx-ratelimit-limit-tokens: 40000\nx-ratelimit-remaining-requests: 0\nx-ratelimit-remaining-tokens: 39985\nx-ratelimit-reset-requests: 20s\nx-ratelimit-reset-tokens: 22ms\nretry-after: 20\n",
		cause: "rate-limited", code: "rate_limit_exceeded", reason: "retry after 20 s"},
	{file: "openai_429_insufficient_quota.json", status: 429, headers: openAIHeaders + "x-request-id: req_6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c\n",
		cause: "insufficient-balance", code: "insufficient_quota", reason: "429 with code insufficient_quota — money, not speed"},
	{file: "openai_429_request_too_large.json", status: 429, headers: openAIHeaders + "x-request-id: req_8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e\nx-ratelimit-limit-tokens: 30000\nx-ratelimit-remaining-tokens: 30000\nx-ratelimit-reset-tokens: 0s\n",
		cause: "request-over-rate-budget", reason: "requested 41872"},
	{file: "openai_400_context_length.json", status: 400, headers: openAIHeaders + "x-request-id: req_0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d\n",
		cause: "context-too-long", code: "context_length_exceeded"},
	{file: "openai_400_missing_parameter.json", status: 400, headers: openAIHeaders,
		cause: "missing-parameter", code: "missing_required_parameter"},
	{file: "openai_400_unrecognized_argument.json", status: 400, headers: openAIHeaders,
		cause: "bad-request", reason: "unrecognized request argument"},
	{file: "openai_500_server_error.json", status: 500, headers: openAIHeaders + "x-request-id: req_f0e1d2c3b4a5968778695a4b3c2d1e0f\n",
		cause: "upstream-error", requestID: "req_f0e1d2c3b4a5968778695a4b3c2d1e0f"},
	{file: "openai_503_overloaded.json", status: 503, headers: openAIHeaders,
		cause: "upstream-unavailable"},

	// Anthropic: request-id header and request_id in the body.
	{file: "anthropic_401_authentication_error.json", status: 401, headers: anthropicJSON + "request-id: req_011CRd4xkAq7Fz3Lw9mWpN2s\n",
		cause: "key-rejected", requestID: "req_011CRd4xkAq7Fz3Lw9mWpN2s"},
	{file: "anthropic_401_no_key.json", status: 401, headers: anthropicJSON + "request-id: req_011CRd5Pq8Tn2Vx6Yb1cKjHe\n",
		cause: "key-missing"},
	{file: "anthropic_403_permission_error.json", status: 403, headers: anthropicJSON + "request-id: req_011CRd6aBc3De4Fg5Hi6Jk7L\n",
		cause: "model-access-denied", reason: "type permission_error"},
	{file: "anthropic_404_not_found_model.json", status: 404, headers: anthropicJSON + "request-id: req_011CRd7mNo8Pq9Rs0Tu1Vw2X\n",
		cause: "model-not-found"},
	{file: "anthropic_429_rate_limit.json", status: 429, headers: anthropicJSON + "request-id: req_011CRd8yZa3Bc4De5Fg6Hi7J\nretry-after: 37\nanthropic-ratelimit-requests-limit: 50\nanthropic-ratelimit-requests-remaining: 49\nanthropic-ratelimit-requests-reset: 2025-06-12T14:01:35Z\nanthropic-ratelimit-input-tokens-limit: 50000\nanthropic-ratelimit-input-tokens-remaining: 0\nanthropic-ratelimit-input-tokens-reset: 2025-06-12T14:02:11Z\n",
		cause: "rate-limited", requestID: "req_011CRd8yZa3Bc4De5Fg6Hi7J", reason: "rate_limit_error"},
	{file: "anthropic_400_credit_balance.json", status: 400, headers: anthropicJSON + "request-id: req_011CRd9kLm0No1Pq2Rs3Tu4V\n",
		cause: "insufficient-balance", reason: "credit balance"},
	{file: "anthropic_529_overloaded.json", status: 529, headers: anthropicJSON + "request-id: req_011CRdAwXy5Za6Bc7De8Fg9H\nx-should-retry: true\n",
		cause: "upstream-unavailable", reason: "overloaded_error"},
	{file: "anthropic_500_api_error.json", status: 500, headers: anthropicJSON + "request-id: req_011CRdBiJk1Lm2No3Pq4Rs5T\n",
		cause: "upstream-error"},
	{file: "anthropic_400_max_tokens_required.json", status: 400, headers: anthropicJSON,
		cause: "missing-parameter", reason: "field required"},
	{file: "anthropic_413_request_too_large.json", status: 413, headers: anthropicJSON,
		cause: "context-too-long"},
	{file: "anthropic_400_prompt_too_long.json", status: 400, headers: anthropicJSON,
		cause: "context-too-long"},
	{file: "anthropic_400_extra_inputs.json", status: 400, headers: anthropicJSON,
		cause: "bad-request", reason: "extra inputs are not permitted"},

	// OpenRouter: numeric codes, the upstream's error inside metadata.raw.
	{file: "openrouter_402_credits.json", status: 402, headers: "Content-Type: application/json\nX-Generation-Id: gen-1747213001-a8Bc2dEf3G\n",
		cause: "insufficient-balance", code: "402", requestID: "gen-1747213001-a8Bc2dEf3G"},
	{file: "openrouter_provider_error_raw_string.json", status: 429, headers: "Content-Type: application/json\n",
		cause: "rate-limited", servedBy: "Together", code: "429", reason: "Together"},
	{file: "openrouter_provider_error_auth.json", status: 401, headers: "Content-Type: application/json\n",
		cause: "upstream-auth-failed", servedBy: "OpenAI", code: "invalid_api_key"},
	{file: "openrouter_404_no_endpoints.json", status: 404, headers: "Content-Type: application/json\n",
		cause: "no-eligible-provider"},
	{file: "openrouter_401_user_not_found.json", status: 401, headers: "Content-Type: application/json\n",
		cause: "key-rejected"},
	{file: "openrouter_401_no_auth.json", status: 401, headers: "Content-Type: application/json\n",
		cause: "key-missing"},
	{file: "openrouter_403_key_limit.json", status: 403, headers: "Content-Type: application/json\n",
		cause: "key-usage-limit"},
	{file: "openrouter_200_midstream_error.txt", status: 200, headers: "Content-Type: text/event-stream\nX-Generation-Id: gen-1747213322-Hq3LxWz9\n",
		cause: "upstream-unavailable", servedBy: "DeepInfra", code: "502", requestID: "gen-1747213322-Hq3LxWz9"},

	// Google's OpenAI-compatible endpoint: an array, and a bad key is a 400.
	{file: "gemini_400_api_key_invalid.json", status: 400, headers: "Content-Type: application/json; charset=UTF-8\nVary: Origin\nServer: scaffolding on HTTPServer2\n",
		cause: "key-rejected", code: "API_KEY_INVALID", reason: "API_KEY_INVALID"},
	{file: "gemini_429_resource_exhausted.json", status: 429, headers: "Content-Type: application/json; charset=UTF-8\n",
		cause: "rate-limited"},
	{file: "gemini_400_location.json", status: 400, headers: "Content-Type: application/json; charset=UTF-8\n",
		cause: "region-blocked"},

	// Azure: string codes, apim-request-id.
	{file: "azure_401_subscription_key.json", status: 401, headers: "Content-Type: application/json\napim-request-id: 6c1f0e3a-2b4d-4e8f-9a1c-3d5e7f9b1c2d\n",
		cause: "key-rejected", requestID: "6c1f0e3a-2b4d-4e8f-9a1c-3d5e7f9b1c2d", code: "401"},
	{file: "azure_404_deployment_not_found.json", status: 404, headers: "Content-Type: application/json\napim-request-id: 0d2e4f6a-8b1c-4d3e-9f5a-7b9c1d3e5f7a\nx-ms-region: Sweden Central\n",
		cause: "model-not-found", code: "DeploymentNotFound"},
	{file: "azure_429_token_rate.json", status: 429, headers: "Content-Type: application/json\napim-request-id: 4a6c8e0f-1b3d-4f5a-8c7e-9d1f3b5d7f9a\nretry-after: 6\nx-ratelimit-remaining-requests: 119\nx-ratelimit-remaining-tokens: 0\n",
		cause: "rate-limited", reason: "retry after 6 s"},

	// one-api / new-api: Chinese messages, "(request id: …)", renamed types.
	{file: "oneapi_401_invalid_token.json", status: 401, headers: oneAPIJSON + "X-Oneapi-Request-Id: 20250612153045123456789aBcDeFgH\n",
		cause: "key-rejected", requestID: "20250612153045123456789aBcDeFgH", reason: "无效的令牌"},
	{file: "newapi_503_no_channel.json", status: 503, headers: oneAPIJSON + "X-Oneapi-Request-Id: 20250612153112987654321xYzAbCdE\n",
		cause: "no-eligible-provider", requestID: "20250612153112987654321xYzAbCdE"},
	{file: "oneapi_403_user_quota.json", status: 403, headers: oneAPIJSON,
		cause: "insufficient-balance", requestID: "2025061215320011223344qWeRtYu", code: "insufficient_user_quota"},
	{file: "newapi_401_token_exhausted.json", status: 401, headers: oneAPIJSON,
		cause: "insufficient-balance", reason: "额度"},
	{file: "oneapi_429_saturated.json", status: 429, headers: oneAPIJSON,
		cause: "upstream-unavailable", reason: "负载已饱和"},
	{file: "oneapi_401_upstream_key.json", status: 401, headers: oneAPIJSON + "X-Oneapi-Request-Id: 2025061215324511223344pOiUyTr\n",
		cause: "upstream-auth-failed"},
	{file: "oneapi_no_channel_english.json", status: 503, headers: oneAPIJSON,
		cause: "no-eligible-provider", requestID: "2025061215330011223344mNbVcXz"},

	// LiteLLM: code is the status as a string, type may be "None", message may be an object.
	{file: "litellm_401_invalid_proxy_token.json", status: 401, headers: "content-type: application/json\nx-litellm-call-id: 7d3e1f2a-9b8c-4d6e-a5f4-3c2b1a0e9d8f\n",
		cause: "key-rejected", requestID: "7d3e1f2a-9b8c-4d6e-a5f4-3c2b1a0e9d8f", code: "401"},
	{file: "litellm_401_token_not_found.json", status: 401, headers: "content-type: application/json\n",
		cause: "key-rejected", reason: "token_not_found_in_db"},
	{file: "litellm_400_budget_exceeded.json", status: 400, headers: "content-type: application/json\n",
		cause: "insufficient-balance", reason: "type budget_exceeded"},
	{file: "litellm_400_message_object.json", status: 400, headers: "content-type: application/json\n",
		cause: "model-not-found", reason: "invalid model"},
	{file: "litellm_401_upstream_auth.json", status: 401, headers: "content-type: application/json\nx-litellm-model-api-base: https://api.openai.com/v1\n",
		cause: "upstream-auth-failed", servedBy: "api.openai.com"},
	{file: "litellm_401_model_not_allowed.json", status: 401, headers: "content-type: application/json\n",
		cause: "model-access-denied"},

	// LatentKit.
	{file: "latentkit_503_all_providers_exhausted.json", status: 503, headers: "Content-Type: application/json\nX-LK-Request-ID: lkreq_01JXH3M8Q2W7ZK4N6P9R\n",
		cause: "no-eligible-provider", requestID: "lkreq_01JXH3M8Q2W7ZK4N6P9R", code: "all_providers_exhausted"},
	{file: "latentkit_402_budget_exceeded.json", status: 402, headers: "Content-Type: application/json\nX-LK-Request-ID: lkreq_01JXH3N1A5B8C2D4E6F8\n",
		cause: "insufficient-balance", code: "budget_exceeded"},
	{file: "latentkit_429_free_managed_limit.json", status: 429, headers: "Content-Type: application/json\nX-LK-Request-ID: lkreq_01JXH3P4G7H9J1K3L5M7\n",
		cause: "insufficient-balance", code: "free_managed_limit_reached"},
	{file: "latentkit_401_no_route.json", status: 401, headers: "Content-Type: application/json\nX-LK-Request-ID: lkreq_01JXH3Q7N9P2R4S6T8V1\n",
		cause: "key-rejected", reason: "route"},
	{file: "latentkit_400_forbidden_field.json", status: 400, headers: "Content-Type: application/json\n",
		cause: "bad-request"},
	{file: "latentkit_sse_budget_error.txt", status: 200, headers: "Content-Type: text/event-stream\nX-LK-Request-ID: lkreq_01JXH3S4C6D8E1F3G5H7\n",
		cause: "insufficient-balance", code: "budget_exceeded"},
	{file: "stream_unknown_error_event.txt", status: 200, headers: "Content-Type: text/event-stream\n",
		cause: "stream-error"},

	// TokenHub (Inferoute).
	{file: "tokenhub_402_usage_limit.json", status: 402, headers: "Content-Type: application/json\nX-Inferoute-Request-Id: ifr_9f8e7d6c5b4a39281706\nX-Inferoute-Provider: openai\n",
		cause: "key-usage-limit", requestID: "ifr_9f8e7d6c5b4a39281706", servedBy: "openai"},
	{file: "tokenhub_404_model_not_found.json", status: 404, headers: "Content-Type: application/json\nX-Inferoute-Request-Id: ifr_1a2b3c4d5e6f70819203\n",
		cause: "model-not-found"},
	{file: "tokenhub_429_rate_limit.json", status: 429, headers: "Content-Type: application/json\nX-Inferoute-Request-Id: ifr_2b3c4d5e6f7081920314\nRetry-After: 12\n",
		cause: "rate-limited", reason: "retry after 12 s"},
	{file: "tokenhub_500_provider_error.json", status: 500, headers: "Content-Type: application/json\nX-Inferoute-Request-Id: ifr_3c4d5e6f708192031425\nX-Inferoute-Provider: anthropic\n",
		cause: "upstream-error", servedBy: "anthropic"},

	// AgentRouter.
	{file: "agentrouter_402_insufficient_balance.json", status: 402, headers: "Content-Type: application/json\nX-Request-Id: ar-5e1c2d3f-4a5b\n",
		cause: "insufficient-balance", code: "insufficient_balance"},
	{file: "agentrouter_401_invalid_api_key.json", status: 401, headers: "Content-Type: application/json\n",
		cause: "key-rejected", code: "invalid_api_key"},
	{file: "agentrouter_429_rate_limit.json", status: 429, headers: "Content-Type: application/json\nX-RateLimit-Limit: 100\nX-RateLimit-Remaining: 0\nX-RateLimit-Reset: 1640000000\n",
		cause: "rate-limited"},
	{file: "agentrouter_500_upstream_key.json", status: 500, headers: "Content-Type: application/json\n",
		cause: "upstream-auth-failed"},

	// Heroku Managed Inference.
	{file: "heroku_403_model_access.json", status: 403, headers: "Content-Type: application/json\nRequest-Id: 3f1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d\n",
		cause: "model-access-denied", requestID: "3f1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"},
	{file: "heroku_401_invalid_key.json", status: 401, headers: "Content-Type: application/json\n",
		cause: "key-rejected"},
	{file: "heroku_429_rate_limit.json", status: 429, headers: "Content-Type: application/json\n",
		cause: "rate-limited"},

	// Other providers and servers seen behind relays.
	{file: "dashscope_401_invalid_api_key.json", status: 401, headers: "Content-Type: application/json\n",
		cause: "key-rejected", requestID: "a9f3c2d1-7b8e-9f0a-b1c2-d3e4f5a6b7c8", code: "InvalidApiKey"},
	{file: "deepseek_402_insufficient_balance.json", status: 402, headers: "Content-Type: application/json\n",
		cause: "insufficient-balance"},
	{file: "groq_429_tokens.json", status: 429, headers: "Content-Type: application/json\nx-ratelimit-limit-tokens: 12000\nx-ratelimit-remaining-tokens: 126\nx-ratelimit-reset-tokens: 2m59.56s\nx-groq-region: us-east-1\n",
		cause: "rate-limited", reason: "code rate_limit_exceeded"},
	{file: "ollama_404_model.json", status: 404, headers: "Content-Type: application/json; charset=utf-8\n",
		cause: "model-not-pulled"},
	{file: "fastapi_404_detail.json", status: 404, headers: "content-type: application/json\nserver: uvicorn\n",
		cause: "base-url-path"},

	// Infrastructure in front of the API.
	{file: "nginx_502.html", status: 502, headers: "Content-Type: text/html\nServer: nginx/1.24.0 (Ubuntu)\n",
		cause: "upstream-unavailable"},
	{file: "nginx_404.html", status: 404, headers: "Content-Type: text/html\nServer: nginx\n",
		cause: "base-url-path"},
	{file: "nginx_413.html", status: 413, headers: "Content-Type: text/html\nServer: nginx\n",
		cause: "context-too-long"},
	{file: "nginx_400_plain_http.html", status: 400, headers: "Content-Type: text/html\nServer: nginx\n",
		cause: "base-url-malformed"},
	{file: "cloudflare_403_blocked.html", status: 403, headers: "Content-Type: text/html; charset=UTF-8\nServer: cloudflare\nCF-RAY: 8f2a9c4e1b7d3a62-LHR\n",
		cause: "policy-blocked", requestID: "8f2a9c4e1b7d3a62-LHR"},
	{file: "cloudflare_524.html", status: 524, headers: "Content-Type: text/html; charset=UTF-8\nServer: cloudflare\nCF-RAY: 8f2a9d11ac4e5b73-CDG\n",
		cause: "upstream-unavailable", requestID: "8f2a9d11ac4e5b73-CDG"},
	{file: "cloudflare_502.html", status: 502, headers: "Content-Type: text/html; charset=UTF-8\nServer: cloudflare\nCF-RAY: 8f2a9e7f0c1d2e34-SJC\n",
		cause: "upstream-unavailable"},
	{file: "spa_200_index.html", status: 200, headers: "Content-Type: text/html\nServer: Vercel\nX-Vercel-Cache: HIT\n",
		cause: "base-url-path", reason: "Relay Console"},
	{file: "squid_403.html", status: 403, headers: "Content-Type: text/html;charset=utf-8\nServer: squid/6.6\nX-Squid-Error: ERR_ACCESS_DENIED 0\nVia: 1.1 proxy.corp.example (squid/6.6)\n",
		cause: "policy-blocked", reason: "x-squid-error"},
	{file: "proxy_403_plain.txt", status: 403, headers: "Content-Type: text/plain\nVia: 1.1 zscaler\n",
		cause: "policy-blocked"},
	{file: "envoy_503.txt", status: 503, headers: "content-type: text/plain\nserver: envoy\n",
		cause: "upstream-unavailable"},
	{file: "go_404.txt", status: 404, headers: "Content-Type: text/plain; charset=utf-8\n",
		cause: "base-url-path"},
}

func parseHeaders(t *testing.T, s string) http.Header {
	t.Helper()
	h := http.Header{}
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			t.Fatalf("bad header line %q", line)
		}
		h.Add(strings.TrimSpace(name), strings.TrimSpace(value))
	}
	return h
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "bodies", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestClassifyRealBodies(t *testing.T) {
	for _, tc := range bodyCases {
		t.Run(strings.TrimSuffix(tc.file, filepath.Ext(tc.file)), func(t *testing.T) {
			body := readFixture(t, tc.file)
			h := parseHeaders(t, tc.headers)
			c := Classify(tc.status, h, body, nil)
			if c.Cause != tc.cause {
				t.Fatalf("cause = %q, want %q (reason: %s; evidence %+v)", c.Cause, tc.cause, c.Reason, c.Evidence)
			}
			if !c.Recognized || c.Reason == "" {
				t.Errorf("Recognized=%v Reason=%q: a recognised cause needs a reason", c.Recognized, c.Reason)
			}
			if c.Evidence.Status != tc.status {
				t.Errorf("Evidence.Status = %d, want %d", c.Evidence.Status, tc.status)
			}
			if tc.requestID != "" && c.Evidence.RequestID != tc.requestID {
				t.Errorf("RequestID = %q, want %q (all: %q)", c.Evidence.RequestID, tc.requestID, c.Evidence.RequestIDs)
			}
			if tc.code != "" && c.Evidence.ErrorCode != tc.code {
				t.Errorf("ErrorCode = %q, want %q", c.Evidence.ErrorCode, tc.code)
			}
			if tc.servedBy != "" && c.Evidence.ServedBy != tc.servedBy {
				t.Errorf("ServedBy = %q, want %q", c.Evidence.ServedBy, tc.servedBy)
			}
			if tc.reason != "" && !strings.Contains(strings.ToLower(c.Reason), strings.ToLower(tc.reason)) {
				t.Errorf("Reason = %q, want it to mention %q", c.Reason, tc.reason)
			}
			if c.Evidence.ErrorMessage == "" {
				t.Errorf("no ErrorMessage in evidence")
			}
			if len(c.Evidence.ErrorMessage) > maxMessage+len("…") {
				t.Errorf("ErrorMessage is %d bytes, over the cap", len(c.Evidence.ErrorMessage))
			}
			if strings.Contains(c.Evidence.ErrorMessage, "(request id:") {
				t.Errorf("one-api request id left in the message: %q", c.Evidence.ErrorMessage)
			}
		})
	}
}

// Every fixture is in the table, so none rots unread.
func TestClassifyFixturesAllUsed(t *testing.T) {
	used := map[string]bool{}
	for _, tc := range bodyCases {
		used[tc.file] = true
	}
	entries, err := os.ReadDir(filepath.Join("testdata", "bodies"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !used[e.Name()] {
			t.Errorf("testdata/bodies/%s is in no test case", e.Name())
		}
	}
}

// Every cause the classifier emits is in the catalogue, when the shared
// catalogue sits beside the repository (as in CI).
func TestClassifyCausesInCatalogue(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "CAUSES.md"))
	if err != nil {
		t.Skip("../shared/CAUSES.md not present:", err)
	}
	ids := map[string]bool{}
	for _, m := range regexp.MustCompile("(?m)^\\| `([a-z0-9-]+)` \\|").FindAllStringSubmatch(string(data), -1) {
		ids[m[1]] = true
	}
	if len(ids) < 40 {
		t.Fatalf("read only %d cause IDs from CAUSES.md", len(ids))
	}
	check := func(where, cause string) {
		if cause != "" && !ids[cause] {
			t.Errorf("%s: cause %q is not in CAUSES.md", where, cause)
		}
	}
	for _, tc := range bodyCases {
		check(tc.file, tc.cause)
	}
	for _, tc := range textCases {
		check(tc.name, tc.cause)
	}
	for _, tc := range transportCases {
		check(tc.name, tc.cause)
	}
	for st := 100; st < 600; st++ {
		check(fmt.Sprint("status ", st), Classify(st, nil, nil, nil).Cause)
	}
}

func TestClassifyStatusOnly(t *testing.T) {
	cases := []struct {
		status int
		cause  string
	}{
		{200, ""}, {204, ""}, {301, ""}, {400, "bad-request"}, {401, "key-rejected"}, {402, "insufficient-balance"},
		{403, "model-access-denied"}, {404, "base-url-path"}, {405, "base-url-path"}, {407, "proxy-failure"},
		{408, "timeout"}, {413, "context-too-long"}, {422, "bad-request"}, {429, "rate-limited"},
		{451, "region-blocked"}, {500, "upstream-error"}, {502, "upstream-unavailable"}, {503, "upstream-unavailable"},
		{504, "upstream-unavailable"}, {524, "upstream-unavailable"}, {529, "upstream-unavailable"}, {0, ""}, {-1, ""}, {99999, ""},
	}
	for _, tc := range cases {
		c := Classify(tc.status, nil, nil, nil)
		if c.Cause != tc.cause {
			t.Errorf("Classify(%d) = %q, want %q (%s)", tc.status, c.Cause, tc.cause, c.Reason)
		}
		if c.Recognized != (c.Cause != "") {
			t.Errorf("Classify(%d): Recognized=%v with cause %q", tc.status, c.Recognized, c.Cause)
		}
	}
}

// A 403 with an empty body behind a WAF is the WAF's, not the API's.
func TestClassify403WAFHeaders(t *testing.T) {
	h := http.Header{"Cf-Mitigated": {"challenge"}, "Server": {"cloudflare"}, "Content-Type": {"text/html; charset=UTF-8"}}
	c := Classify(403, h, []byte("<!DOCTYPE html><html><head><title>Just a moment...</title></head><body></body></html>"), nil)
	if c.Cause != "policy-blocked" {
		t.Fatalf("cause = %q (%s), want policy-blocked", c.Cause, c.Reason)
	}
	c = Classify(403, http.Header{"X-Amzn-Waf-Action": {"block"}}, nil, nil)
	if c.Cause != "policy-blocked" {
		t.Fatalf("empty 403 with x-amzn-waf-action: cause = %q, want policy-blocked", c.Cause)
	}
}

// A 200 JSON answer is no error, whatever words the model wrote.
func TestClassifySuccessIsNotAnError(t *testing.T) {
	body := `{"id":"chatcmpl-1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"A rate limit exceeded error means you hit the invalid api key quota."},"finish_reason":"stop"}]}`
	c := Classify(200, http.Header{"Content-Type": {"application/json"}}, []byte(body), nil)
	if c.Recognized || c.Cause != "" {
		t.Fatalf("a successful answer was classified as %q (%s)", c.Cause, c.Reason)
	}
}

func TestClassifyMasksKeysInEvidence(t *testing.T) {
	key := "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z" + "AbCdEfGhIjKlMnOpQrStUv"
	body := `{"error":{"message":"Incorrect API key provided: ` + key + `. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`
	h := http.Header{"X-Request-Id": {"req_1 " + key}}
	c := Classify(401, h, []byte(body), nil)
	if c.Cause != "key-rejected" {
		t.Fatalf("cause = %q", c.Cause)
	}
	assertNoKey(t, c, key)
}

// assertNoKey fails when the key appears whole in any evidence field.
func assertNoKey(t testing.TB, c Classification, key string) {
	t.Helper()
	all := fmt.Sprintf("%s|%s|%+v|%v", c.Reason, c.Cause, c.Evidence, c.Evidence.RequestIDs)
	if c.Evidence.RateLimit != nil {
		all += fmt.Sprintf("%+v", *c.Evidence.RateLimit)
	}
	if strings.Contains(all, key) {
		t.Fatalf("the key appears whole in the classification: %s", all)
	}
}

func TestClassifyHugeAndBrokenBodies(t *testing.T) {
	// A huge body: parsing stops at the cap and says so.
	big := `{"error":{"message":"` + strings.Repeat("x", 3<<20) + `","type":"server_error"}}`
	c := Classify(500, nil, []byte(big), nil)
	if !c.Evidence.Truncated {
		t.Errorf("a 3 MiB body was not marked truncated")
	}
	if c.Cause != "upstream-error" {
		t.Errorf("huge 500: cause %q", c.Cause)
	}
	if len(c.Evidence.ErrorMessage) > maxMessage+len("…") {
		t.Errorf("ErrorMessage is %d bytes", len(c.Evidence.ErrorMessage))
	}
	// Invalid UTF-8 comes out as valid text.
	c = Classify(429, nil, []byte("{\"error\":{\"message\":\"rate limit \xff\xfe exceeded\",\"code\":\"rate_limit_exceeded\"}}"), nil)
	if c.Cause != "rate-limited" {
		t.Errorf("invalid UTF-8: cause %q", c.Cause)
	}
	if !strings.Contains(c.Evidence.ErrorMessage, "rate limit") || !utf8Valid(c.Evidence.ErrorMessage) {
		t.Errorf("invalid UTF-8 message kept as %q", c.Evidence.ErrorMessage)
	}
	// Deep nesting must not blow the stack.
	deep := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	_ = Classify(400, nil, []byte(deep), nil)
	// A JSON string holding JSON.
	c = Classify(401, nil, []byte(`"{\"error\":{\"message\":\"Invalid API key\",\"code\":\"invalid_api_key\"}}"`), nil)
	if c.Cause != "key-rejected" || c.Evidence.ErrorCode != "invalid_api_key" {
		t.Errorf("double-encoded body: cause %q code %q", c.Cause, c.Evidence.ErrorCode)
	}
	// A message that is itself an error body (Gemini CLI, LiteLLM's proxy):
	// the inner error's status and code decide; the wrapper's status stays.
	c = Classify(429, nil, []byte(`{"error":{"message":"{\n  \"error\": {\n    \"code\": 429,\n    \"message\": \"Resource has been exhausted (e.g. check quota).\",\n    \"status\": \"RESOURCE_EXHAUSTED\"\n  }\n}\n","code":429,"status":"Too Many Requests"}}`), nil)
	if c.Cause != "rate-limited" || c.Evidence.ErrorType != "RESOURCE_EXHAUSTED" || c.Evidence.Status != 429 {
		t.Errorf("error in a message: cause %q type %q status %d (%s)", c.Cause, c.Evidence.ErrorType, c.Evidence.Status, c.Reason)
	}
	c = Classify(400, nil, []byte(`{"error":{"message":"{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key\"}}. Received Model Group=claude","type":"None","param":"None","code":"400"}}`), nil)
	if c.Evidence.ErrorType != "authentication_error" || c.Evidence.ErrorMessage != "invalid x-api-key" {
		t.Errorf("error in a message with text after it: type %q message %q", c.Evidence.ErrorType, c.Evidence.ErrorMessage)
	}
	c = Classify(400, nil, []byte(`{"error":{"message":"litellm.BadRequestError: VertexAIException BadRequestError - {\n  \"error\": {\n    \"code\": 400,\n    \"message\": \"API key not valid.\",\n    \"status\": \"INVALID_ARGUMENT\",\n    \"details\": [{\"reason\": \"API_KEY_INVALID\"}]\n  }\n}\n","type":null,"param":null,"code":"400"}}`), nil)
	if c.Evidence.ErrorCode != "API_KEY_INVALID" || c.Evidence.ErrorMessage != "API key not valid." {
		t.Errorf("error after LiteLLM's prefix: code %q message %q", c.Evidence.ErrorCode, c.Evidence.ErrorMessage)
	}
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "?") == s }

func TestRequestIDs(t *testing.T) {
	h := http.Header{}
	h.Set("X-Oneapi-Request-Id", "20250612153045123456789aBcDeFgH")
	h.Set("X-Request-Id", "req_upstream_123")
	h.Set("CF-RAY", "8f2a9c4e1b7d3a62-LHR")
	h.Set("apim-request-id", "6c1f0e3a-2b4d")
	body := []byte(`{"error":{"message":"无效的令牌 (request id: 20250612153045123456789aBcDeFgH)","type":"new_api_error"},"request_id":"req_body_456"}`)
	got := RequestIDs(h, body)
	want := []string{
		"X-Oneapi-Request-Id: 20250612153045123456789aBcDeFgH",
		"x-request-id: req_upstream_123",
		"body request_id: req_body_456",
		"apim-request-id: 6c1f0e3a-2b4d",
		"cf-ray: 8f2a9c4e1b7d3a62-LHR",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("RequestIDs =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if ids := RequestIDs(http.Header{}, nil); len(ids) != 0 {
		t.Fatalf("no IDs expected, got %q", ids)
	}
	// A header value is cleaned: one line, capped.
	h = http.Header{"X-Request-Id": {strings.Repeat("a", 500) + "\x00\n"}}
	ids := RequestIDs(h, nil)
	if len(ids) != 1 || len(ids[0]) > 160 || strings.ContainsAny(ids[0], "\x00\n") {
		t.Fatalf("unclean ID: %q", ids)
	}
}

func TestServedBy(t *testing.T) {
	cases := []struct {
		name   string
		h      http.Header
		body   string
		served string
	}{
		{"inferoute header", http.Header{"X-Inferoute-Provider": {"anthropic"}}, "", "anthropic"},
		{"openrouter error metadata", nil, `{"error":{"message":"Provider returned error","code":502,"metadata":{"provider_name":"Fireworks","raw":"upstream timeout"}}}`, "Fireworks"},
		{"openrouter success", nil, `{"id":"gen-1","provider":"Google","model":"google/gemini-2.5-flash","choices":[]}`, "Google"},
		{"fastly node is noise", http.Header{"X-Served-By": {"cache-fra-etou8220112-FRA, cache-ams21047-AMS"}}, "", ""},
		{"nothing", http.Header{"Server": {"cloudflare"}}, `{"error":{"message":"x"}}`, ""},
	}
	for _, tc := range cases {
		h := tc.h
		if h == nil {
			h = http.Header{}
		}
		if got := ServedBy(h, []byte(tc.body)); got != tc.served {
			t.Errorf("%s: ServedBy = %q, want %q", tc.name, got, tc.served)
		}
	}
}

func TestParseRateLimit(t *testing.T) {
	now := time.Date(2025, 6, 12, 14, 1, 34, 0, time.UTC)
	cases := []struct {
		name    string
		headers string
		want    *checks.RateLimit
	}{
		{"none", "Content-Type: application/json\n", nil},
		{"openai durations, requests exhausted",
			"x-ratelimit-limit-requests: 500\nx-ratelimit-limit-tokens: 30000\nx-ratelimit-remaining-requests: 0\nx-ratelimit-remaining-tokens: 29000\nx-ratelimit-reset-requests: 37s\nx-ratelimit-reset-tokens: 644ms\n",
			&checks.RateLimit{Limit: "500 requests, 30000 tokens", Remaining: "0 requests, 29000 tokens", Reset: "in 37 s (at 14:02:11)"}},
		{"openai minutes",
			"x-ratelimit-limit-requests: 10000\nx-ratelimit-remaining-requests: 9999\nx-ratelimit-reset-requests: 6m0s\n",
			&checks.RateLimit{Limit: "10000 requests", Remaining: "9999 requests", Reset: "in 6 min (at 14:07:34)"}},
		{"openai milliseconds only",
			"x-ratelimit-remaining-tokens: 0\nx-ratelimit-reset-tokens: 644ms\n",
			&checks.RateLimit{Remaining: "0 tokens", Reset: "in 644 ms (at 14:01:34)"}},
		{"groq fractional",
			"x-ratelimit-limit-tokens: 12000\nx-ratelimit-remaining-tokens: 0\nx-ratelimit-reset-tokens: 2m59.56s\n",
			&checks.RateLimit{Limit: "12000 tokens", Remaining: "0 tokens", Reset: "in 3 min (at 14:04:33)"}},
		{"X-RateLimit epoch seconds",
			"X-RateLimit-Limit: 100\nX-RateLimit-Remaining: 0\nX-RateLimit-Reset: 1749736931\n",
			&checks.RateLimit{Limit: "100", Remaining: "0", Reset: "in 37 s (at 14:02:11)"}},
		{"X-RateLimit epoch milliseconds (OpenRouter)",
			"X-RateLimit-Limit: 20\nX-RateLimit-Remaining: 0\nX-RateLimit-Reset: 1749736954000\n",
			&checks.RateLimit{Limit: "20", Remaining: "0", Reset: "in 1 min (at 14:02:34)"}},
		{"X-RateLimit reset in the past",
			"X-RateLimit-Limit: 100\nX-RateLimit-Remaining: 100\nX-RateLimit-Reset: 1640000000\n",
			&checks.RateLimit{Limit: "100", Remaining: "100", Reset: "now (at 2021-12-20 11:33:20)"}},
		{"anthropic RFC 3339, input tokens exhausted",
			"anthropic-ratelimit-requests-limit: 50\nanthropic-ratelimit-requests-remaining: 49\nanthropic-ratelimit-requests-reset: 2025-06-12T14:01:35Z\nanthropic-ratelimit-input-tokens-limit: 50000\nanthropic-ratelimit-input-tokens-remaining: 0\nanthropic-ratelimit-input-tokens-reset: 2025-06-12T14:02:11Z\nretry-after: 37\n",
			&checks.RateLimit{Limit: "50 requests, 50000 input tokens", Remaining: "49 requests, 0 input tokens", Reset: "in 37 s (at 14:02:11)", RetryAfter: "37 s"}},
		{"retry-after seconds only", "Retry-After: 12\n",
			&checks.RateLimit{Reset: "in 12 s (at 14:01:46)", RetryAfter: "12 s"}},
		{"retry-after HTTP date", "Retry-After: Thu, 12 Jun 2025 14:02:11 GMT\n",
			&checks.RateLimit{Reset: "in 37 s (at 14:02:11)", RetryAfter: "37 s"}},
		{"retry-after-ms wins over retry-after", "retry-after-ms: 1500\nretry-after: 2\n",
			&checks.RateLimit{Reset: "in 2 s (at 14:01:35)", RetryAfter: "2 s"}},
		{"garbage values", "x-ratelimit-reset-requests: soon\nRetry-After: later\nX-RateLimit-Reset: 1e400\n", nil},
		{"hour-long reset", "x-ratelimit-remaining-requests: 0\nx-ratelimit-reset-requests: 1h5m\n",
			&checks.RateLimit{Remaining: "0 requests", Reset: "in 1 h 5 min (at 15:06:34)"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := ParseRateLimit(parseHeaders(t, tc.headers), now)
			if tc.want == nil {
				// Garbage limit values may still show what they are; garbage
				// resets must not become times.
				if got != nil && (got.Reset != "" || got.RetryAfter != "") {
					t.Fatalf("got %+v, want no reset", *got)
				}
				return
			}
			if got == nil {
				t.Fatalf("got nil, want %+v", *tc.want)
			}
			if *got != *tc.want {
				t.Fatalf("got  %+v\nwant %+v", *got, *tc.want)
			}
		})
	}
}

// transportCases are transport errors as Go's net/http returns them.
var transportCases = []struct {
	name  string
	err   error
	cause string
	layer string
}{
	{"dns", &url.Error{Op: "Post", URL: "https://api.example.invalid/v1/chat/completions", Err: &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "api.example.invalid", IsNotFound: true}}}, "dns-failure", "dns"},
	{"refused", &url.Error{Op: "Post", URL: "http://127.0.0.1:9/v1", Err: &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}}, "connection-refused", "tcp"},
	//lint:ignore ST1005 the text is net/http's own error, as it prints it
	{"refused text", errors.New(`Post "http://127.0.0.1:11434/v1/chat/completions": dial tcp 127.0.0.1:11434: connect: connection refused`), "connection-refused", "tcp"},
	{"x509 unknown authority", &url.Error{Op: "Get", URL: "https://relay.example/v1/models", Err: &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}}, "tls-failure", "tls"},
	{"tls record header", &url.Error{Op: "Get", URL: "https://127.0.0.1:8080/v1/models", Err: tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}}, "tls-failure", "tls"},
	//lint:ignore ST1005 the text is net/http's own error, as it prints it
	{"http to https client", errors.New(`Get "https://127.0.0.1:8080/v1/models": http: server gave HTTP response to HTTPS client`), "tls-failure", "tls"},
	{"proxyconnect", &url.Error{Op: "Post", URL: "https://api.openai.com/v1/chat/completions", Err: &net.OpError{Op: "proxyconnect", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}}, "proxy-failure", "proxy"},
	{"proxy refused tunnel", errors.New("the proxy http://127.0.0.1:3128 refused to open a tunnel: 403 Forbidden"), "proxy-failure", "proxy"},
	{"deadline", &url.Error{Op: "Post", URL: "https://api.openai.com/v1", Err: context.DeadlineExceeded}, "timeout", ""},
	//lint:ignore ST1005 the text is net/http's own error, as it prints it
	{"client timeout", errors.New(`Post "https://api.openai.com/v1/chat/completions": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`), "timeout", ""},
	{"unsupported scheme", &url.Error{Op: "Post", URL: "api.openai.com/v1/chat/completions", Err: errors.New(`unsupported protocol scheme ""`)}, "base-url-malformed", ""},
	{"key with a newline", &checks.KeyUnsendableError{Header: "Authorization: Bearer"}, "key-whitespace", ""},
	{"unknown", errors.New("something odd"), "", ""},
}

func TestClassifyTransportErrors(t *testing.T) {
	for _, tc := range transportCases {
		t.Run(tc.name, func(t *testing.T) {
			c := Classify(0, nil, nil, tc.err)
			if c.Cause != tc.cause {
				t.Fatalf("cause = %q (%s), want %q", c.Cause, c.Reason, tc.cause)
			}
			if c.Evidence.FailedLayer != tc.layer {
				t.Errorf("FailedLayer = %q, want %q", c.Evidence.FailedLayer, tc.layer)
			}
			if c.Evidence.ErrorMessage == "" {
				t.Errorf("no error message kept")
			}
		})
	}
}

// A transport error from a real dial: a port on loopback nobody listens on.
func TestClassifyRealRefusedDial(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skip(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	client := &http.Client{Timeout: 5 * time.Second}
	_, err = client.Get("http://" + addr + "/v1/models")
	if err == nil {
		t.Skip("something answered on a closed port")
	}
	if c := Classify(0, nil, nil, err); c.Cause != "connection-refused" {
		t.Fatalf("cause = %q (%s) for %v", c.Cause, c.Reason, err)
	}
}

func BenchmarkClassify(b *testing.B) {
	bodies := []struct {
		status int
		h      http.Header
		body   []byte
	}{}
	for _, tc := range bodyCases {
		hb := http.Header{}
		for _, line := range strings.Split(tc.headers, "\n") {
			if name, value, ok := strings.Cut(line, ":"); ok {
				hb.Add(strings.TrimSpace(name), strings.TrimSpace(value))
			}
		}
		bodies = append(bodies, struct {
			status int
			h      http.Header
			body   []byte
		}{tc.status, hb, readFixture(b, tc.file)})
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x := bodies[i%len(bodies)]
		_ = Classify(x.status, x.h, x.body, nil)
	}
}
