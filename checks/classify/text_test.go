package classify

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/unstuck-dev/unstuck/checks"
)

// pastedKey is a realistic-looking OpenAI project key that must never
// come back whole from ClassifyText.
const pastedKey = "sk-proj-Qm7Xc2Lp9Vb4Nz6Rt1Ws8Yk3Hd5Jf0Ga" + "Ue2Io7Pa4Sd9Fg6Hj1Kl3Zx8Cv5Bn0Mq"

// textCases are pastes as people paste them.
var textCases = []struct {
	name      string
	text      string
	cause     string
	status    int    // Evidence.Status, 0 to skip
	code      string // Evidence.ErrorCode, "" to skip
	requestID string
	reason    string // fragment of the reason
}{
	// Bare statuses and status lines.
	{name: "bare 429", text: "429", cause: "rate-limited", status: 429},
	{name: "bare 401", text: " 401\n", cause: "key-rejected", status: 401},
	{name: "bare 403", text: "403", cause: "model-access-denied", status: 403},
	{name: "bare 404", text: "404", cause: "base-url-path", status: 404},
	{name: "bare 402", text: "402", cause: "insufficient-balance", status: 402},
	{name: "bare 529", text: "529", cause: "upstream-unavailable", status: 529},
	{name: "status line", text: "429 Too Many Requests", cause: "rate-limited", status: 429},
	{name: "axios 403", text: "AxiosError: Request failed with status code 403", cause: "model-access-denied", status: 403},
	{name: "curl refused", text: "curl: (7) Failed to connect to localhost port 11434 after 0 ms: Couldn't connect to server", cause: "connection-refused"},
	{name: "httpx log line", text: `INFO:httpx:HTTP Request: POST https://api.openai.com/v1/chat/completions "HTTP/1.1 401 Unauthorized"`, cause: "key-rejected", status: 401},
	{name: "status with a quota message", text: "Error 429: You exceeded your current quota, please check your plan and billing details.", cause: "insufficient-balance", status: 429},

	// OpenRouter's error object logged without its "error" wrapper (the AI
	// SDK's provider prints it so): the upstream's refusal of the router's
	// own key, and a rate limit behind the router, are still read from raw.
	{name: "openrouter flat object, upstream key", text: `utils: {"message":"Provider returned error","code":401,"metadata":{"raw":"{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key\"}}","provider_name":"Anthropic"}}`,
		cause: "upstream-auth-failed", reason: "Anthropic"},
	{name: "openrouter flat object, upstream rate", text: `{"message":"Provider returned error","code":429,"metadata":{"raw":"rate limit exceeded, retry shortly","provider_name":"Together"}}`,
		cause: "rate-limited", reason: "Together"},

	// Python SDK tracebacks.
	{name: "python openai insufficient_quota", text: `Traceback (most recent call last):
  File "/home/dev/app/main.py", line 12, in <module>
    resp = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])
  File "/home/dev/.venv/lib/python3.12/site-packages/openai/_utils/_utils.py", line 279, in wrapper
    return func(*args, **kwargs)
  File "/home/dev/.venv/lib/python3.12/site-packages/openai/_base_client.py", line 1037, in _request
    raise self._make_status_error_from_response(err.response) from None
openai.RateLimitError: Error code: 429 - {'error': {'message': 'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.', 'type': 'insufficient_quota', 'param': None, 'code': 'insufficient_quota'}}`,
		cause: "insufficient-balance", status: 429, code: "insufficient_quota", reason: "insufficient_quota"},
	{name: "python anthropic authentication error", text: `Traceback (most recent call last):
  File "/srv/bot/run.py", line 40, in <module>
    msg = client.messages.create(model="claude-sonnet-4-5", max_tokens=512, messages=msgs)
  File "/srv/bot/.venv/lib/python3.11/site-packages/anthropic/_base_client.py", line 1064, in _request
    raise self._make_status_error_from_response(err.response) from None
anthropic.AuthenticationError: Error code: 401 - {'type': 'error', 'error': {'type': 'authentication_error', 'message': 'invalid x-api-key'}, 'request_id': 'req_011CRdGq4Hr5Js6Kt7Lu8Mv9'}`,
		cause: "key-rejected", status: 401, requestID: "req_011CRdGq4Hr5Js6Kt7Lu8Mv9"},
	{name: "python traceback with a key in the source line", text: `Traceback (most recent call last):
  File "/home/dev/app/main.py", line 5, in <module>
    client = OpenAI(api_key="` + pastedKey + `")
  File "/home/dev/app/main.py", line 9, in <module>
    client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
openai.AuthenticationError: Error code: 401 - {'error': {'message': "Incorrect API key provided: ` + pastedKey + `. You can find your API key at https://platform.openai.com/account/api-keys.", 'type': 'invalid_request_error', 'param': None, 'code': 'invalid_api_key'}}`,
		cause: "key-rejected", status: 401, code: "invalid_api_key"},
	{name: "python invalid url", text: `openai.NotFoundError: Error code: 404 - {'error': {'message': 'Invalid URL (POST /v1/chat/completions/chat/completions)', 'type': 'invalid_request_error', 'param': None, 'code': None}}`,
		cause: "base-url-path", status: 404},
	{name: "python old SDK class only", text: `openai.error.RateLimitError: You exceeded your current quota, please check your plan and billing details.`,
		cause: "insufficient-balance", status: 429},
	// The LiteLLM library raised it in this process: the provider refused
	// the caller's own key.
	{name: "python litellm library, own key", text: `litellm.exceptions.AuthenticationError: litellm.AuthenticationError: AuthenticationError: OpenAIException - Error code: 401 - {'error': {'message': 'Incorrect API key provided: sk-abc1****wxyz.', 'type': 'invalid_request_error', 'param': None, 'code': 'invalid_api_key'}}`,
		cause: "key-rejected", status: 401},
	// A LiteLLM proxy answered with the wrapper in its body: its own
	// upstream key failed.
	{name: "litellm proxy upstream auth", text: `openai.AuthenticationError: Error code: 401 - {'error': {'message': 'litellm.AuthenticationError: AuthenticationError: OpenAIException - Incorrect API key provided: sk-abc1****wxyz.', 'type': 'auth_error', 'param': 'None', 'code': '401'}}`,
		cause: "upstream-auth-failed", status: 401, reason: "litellm."},
	{name: "python litellm as a library sends your key", text: `Traceback (most recent call last):
  File "/usr/lib/python3.11/site-packages/litellm/main.py", line 1436, in completion
    response = anthropic_chat_completions.completion(
  File "/usr/lib/python3.11/site-packages/litellm/llms/anthropic.py", line 683, in completion
    raise AnthropicError(
litellm.llms.anthropic.AnthropicError: {"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}`,
		cause: "key-rejected"},
	{name: "cloudflare page in a paste, conditional comments and all", text: `API Error (Request timed out.) · Retrying in 1 seconds…
API Error (520 <!DOCTYPE html>
<!--[if lt IE 7]> <html class="no-js ie6 oldie" lang="en-US"> <![endif]-->
<!--[if gt IE 8]><!--> <html class="no-js" lang="en-US"> <!--<![endif]-->
<head>
<title>api.example.com | 520: Web server is returning an unknown error</title>`,
		cause: "upstream-unavailable", status: 520},
	{name: "python line numbers are not statuses", text: `Traceback (most recent call last):
  File "/app/main.py", line 429, in main
    r = httpx.post(url, json=payload)
httpx.ConnectError: [Errno 111] Connection refused`,
		cause: "connection-refused"},

	// Node SDK errors.
	{name: "node APIError line", text: "APIError: 401 Incorrect API key provided", cause: "key-rejected", status: 401},
	{name: "node anthropic JSON after status", text: `AuthenticationError: 401 {"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"},"request_id":"req_011CRdHa1Bb2Cc3Dd4Ee5Ff6"}
    at APIError.generate (/app/node_modules/@anthropic-ai/sdk/src/core/error.ts:63:14)
    at Anthropic.makeStatusError (/app/node_modules/@anthropic-ai/sdk/src/client.ts:412:21)`,
		cause: "key-rejected", status: 401, requestID: "req_011CRdHa1Bb2Cc3Dd4Ee5Ff6"},
	{name: "node openai inspect dump", text: `RateLimitError: 429 You exceeded your current quota, please check your plan and billing details.
    at APIError.generate (file:///app/node_modules/openai/error.mjs:62:20)
    at OpenAI.makeStatusError (file:///app/node_modules/openai/core.mjs:295:25)
    at process.processTicksAndRejections (node:internal/process/task_queues:95:5) {
  status: 429,
  headers: {
    'cf-ray': '8f2b0c1d2e3f4a5b-IAD',
    'content-type': 'application/json; charset=utf-8',
    'x-request-id': 'req_4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b'
  },
  request_id: 'req_4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b',
  error: {
    message: 'You exceeded your current quota, please check your plan and billing details.',
    type: 'insufficient_quota',
    param: null,
    code: 'insufficient_quota'
  },
  code: 'insufficient_quota',
  param: null,
  type: 'insufficient_quota'
}`,
		cause: "insufficient-balance", status: 429, code: "insufficient_quota", requestID: "req_4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b"},

	// Transport errors in Python and Node words.
	{name: "httpx connect refused", text: "httpx.ConnectError: [Errno 111] Connection refused", cause: "connection-refused"},
	{name: "node ENOTFOUND", text: "Error: getaddrinfo ENOTFOUND api.relay.invalid\n    at GetAddrInfoReqWrap.onlookup [as oncomplete] (node:dns:107:26)", cause: "dns-failure"},
	{name: "node ECONNREFUSED", text: "Error: connect ECONNREFUSED 127.0.0.1:11434\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)", cause: "connection-refused"},
	{name: "python certificate", text: "ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate in certificate chain (_ssl.c:1006)", cause: "tls-failure"},
	{name: "python proxy", text: `requests.exceptions.ProxyError: HTTPSConnectionPool(host='api.openai.com', port=443): Max retries exceeded with url: /v1/chat/completions (Caused by ProxyError('Unable to connect to proxy', NewConnectionError('<urllib3.connection.HTTPSConnection object at 0x7f2a>: Failed to establish a new connection: [Errno 111] Connection refused')))`, cause: "proxy-failure"},
	{name: "python timeout", text: "openai.APITimeoutError: Request timed out.", cause: "timeout"},
	{name: "httpx missing scheme", text: "httpx.UnsupportedProtocol: Request URL is missing an 'http://' or 'https://' protocol.", cause: "base-url-malformed"},

	// Bodies: JSON object, array, SSE, HTML, curl -i.
	{name: "anthropic credit JSON", text: `{"type":"error","error":{"type":"invalid_request_error","message":"Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits."},"request_id":"req_011CRdJk2Ll3Mm4Nn5Oo6Pp7"}`,
		cause: "insufficient-balance", requestID: "req_011CRdJk2Ll3Mm4Nn5Oo6Pp7"},
	{name: "gemini array", text: `[{"error": {"code": 400, "message": "API key not valid. Please pass a valid API key.", "status": "INVALID_ARGUMENT", "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID", "domain": "googleapis.com"}]}}]`,
		cause: "key-rejected", status: 400, code: "API_KEY_INVALID"},
	{name: "sse budget error", text: "event: error\ndata: {\"error\":{\"type\":\"billing_error\",\"code\":\"budget_exceeded\",\"message\":\"Workspace budget exceeded.\"}}\n", cause: "insufficient-balance", code: "budget_exceeded"},
	{name: "sse unknown error", text: "event: error\ndata: {\"error\":{\"type\":\"stream_interrupted\",\"message\":\"stream terminated\"}}", cause: "stream-error"},
	{name: "nginx page", text: "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>", cause: "upstream-unavailable", status: 502},
	{name: "curl -i output", text: `HTTP/2 429
date: Thu, 12 Jun 2025 14:01:34 GMT
content-type: application/json; charset=utf-8
x-ratelimit-limit-requests: 500
x-ratelimit-remaining-requests: 0
x-ratelimit-reset-requests: 120ms
x-request-id: req_77aa88bb99cc00dd11ee22ff33aa44bb
retry-after: 1

{
    "error": {
        "message": "Rate limit reached for gpt-4o in organization org-Zx81kQmP0aLwB3nR on requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again in 120ms.",
        "type": "requests",
        "param": null,
        "code": "rate_limit_exceeded"
    }
}`, cause: "rate-limited", status: 429, requestID: "req_77aa88bb99cc00dd11ee22ff33aa44bb", reason: "retry after 1 s"},
	{name: "request too large without status", text: "Request too large for gpt-4o in organization org-Zx81kQmP0aLwB3nR on tokens per min (TPM): Limit 30000, Requested 41872. The input or output tokens must be reduced in order to run successfully.", cause: "request-over-rate-budget"},

	// Relay messages in Chinese.
	{name: "one-api invalid token", text: "无效的令牌 (request id: 20250612153045123456789aBcDeFgH)", cause: "key-rejected", requestID: "20250612153045123456789aBcDeFgH"},
	{name: "new-api no channel", text: "当前分组 default 下对于模型 gpt-5 无可用渠道", cause: "no-eligible-provider"},
	{name: "one-api user quota", text: "用户额度不足, 剩余额度: ＄0.000000", cause: "insufficient-balance"},

	// Client-side errors.
	{name: "sdk outdated", text: "AttributeError: 'OpenAI' object has no attribute 'chat'", cause: "sdk-outdated"},
	{name: "sdk outdated import", text: "ImportError: cannot import name 'OpenAI' from 'openai' (/usr/lib/python3/dist-packages/openai/__init__.py)", cause: "sdk-outdated"},
	{name: "code older than sdk", text: "openai.lib._old_api.APIRemovedInV1: \n\nYou tried to access openai.ChatCompletion, but this is no longer supported in openai>=1.0.0", cause: "sdk-too-new"},
	{name: "python sdk missing", text: "Traceback (most recent call last):\n  File \"/app/bot.py\", line 1, in <module>\n    import anthropic\nModuleNotFoundError: No module named 'anthropic'", cause: "sdk-missing", reason: "anthropic"},
	{name: "node sdk missing", text: "Error: Cannot find module 'openai'\nRequire stack:\n- /app/index.js\n    at Module._resolveFilename (node:internal/modules/cjs/loader:1145:15)", cause: "sdk-missing", reason: "openai"},
	{name: "node scoped sdk missing", text: "Error [ERR_MODULE_NOT_FOUND]: Cannot find package '@anthropic-ai/sdk' imported from /app/src/index.mjs", cause: "sdk-missing", reason: "@anthropic-ai/sdk"},
	{name: "python key missing", text: "openai.OpenAIError: The api_key client option must be set either by passing api_key to the client or by setting the OPENAI_API_KEY environment variable", cause: "key-missing"},
	{name: "anthropic key missing", text: "TypeError: Could not resolve authentication method. Expected either apiKey or authToken to be set. Or for one of the \"X-Api-Key\" or \"Authorization\" headers to be explicitly omitted", cause: "key-missing"},
	{name: "environ key missing", text: "Traceback (most recent call last):\n  File \"/app/main.py\", line 4, in <module>\n    key = os.environ['OPENAI_API_KEY']\nKeyError: 'OPENAI_API_KEY'", cause: "key-missing", reason: "OPENAI_API_KEY"},
	{name: "finish_reason length", text: "finish_reason: length", cause: "output-truncated"},
	{name: "anthropic stop_reason", text: `{"id":"msg_01XFDUDYJgAACzvnptvVoYEL","type":"message","role":"assistant","content":[{"type":"text","text":"Here is the start of"}],"model":"claude-sonnet-4-5","stop_reason":"max_tokens","usage":{"input_tokens":12,"output_tokens":64}}`, cause: "output-truncated"},
	{name: "mcp disconnected", text: `[{"id":"mcp_8f2","name":"weather","server_status":"disconnected","primitives_status":"ok"}]`, cause: "mcp-server-disconnected"},
	{name: "mcp tool error", text: `{"name": "crm-tools", "server_status": "registered", "primitives_status": "error"}`, cause: "mcp-tool-error"},
	{name: "structured output", text: `Traceback (most recent call last):
  File "/app/extract.py", line 22, in <module>
    data = json.loads(response.choices[0].message.content)
  File "/usr/lib/python3.12/json/__init__.py", line 346, in loads
    return _default_decoder.decode(s)
json.decoder.JSONDecodeError: Expecting ',' delimiter: line 1 column 58 (char 57)`, cause: "structured-output-mismatch"},
	{name: "html where JSON was expected", text: `SyntaxError: Unexpected token '<', "<!DOCTYPE "... is not valid JSON
    at JSON.parse (<anonymous>)
    at parseJSONFromBytes (node:internal/deps/undici/undici:5584:19)`, cause: "base-url-path"},
	{name: "laravel config cache", text: "I changed LATENTKIT_API_KEY in .env but Laravel still sends the old key. We deploy with php artisan config:cache.", cause: "config-cache-stale"},
	{name: "deepseek with anthropic sdk", text: `Traceback (most recent call last):
  File "/app/chat.py", line 8, in <module>
    msg = client.messages.create(model="deepseek-chat", max_tokens=256, messages=msgs)
anthropic.NotFoundError: Error code: 404 - {'error': {'message': 'model deepseek-chat not found', 'type': 'invalid_request_error'}}`, cause: "wrong-sdk-for-model"},
	{name: "aiohttp unclosed session", text: "Unclosed client session\nclient_session: <aiohttp.client.ClientSession object at 0x7f3b2c1d0e50>", cause: "client-not-closed"},
	{name: "httpx too many open files", text: "httpx.ConnectError: [Errno 24] Too many open files", cause: "client-not-closed"},
	{name: "stream cut", text: "httpx.RemoteProtocolError: peer closed connection without sending complete message body (incomplete chunked read)", cause: "stream-error"},

	{name: "relay upstream key words", text: "500 invalid api key from upstream channel #12", cause: "upstream-auth-failed", status: 500},
	{name: "relay own english key error", text: `{"error":{"message":"Invalid API key (request id: 2025061215330011223344mNbVcXz)","type":"new_api_error","code":"invalid_api_key"}}`, cause: "key-rejected", status: 0},

	// Nothing we know.
	{name: "prose", text: "Hello, my app shows a blank page sometimes.", cause: ""},
	{name: "empty", text: "   \n\t ", cause: ""},
}

func TestClassifyText(t *testing.T) {
	for _, tc := range textCases {
		t.Run(tc.name, func(t *testing.T) {
			c := ClassifyText(tc.text)
			if c.Cause != tc.cause {
				t.Fatalf("cause = %q, want %q (reason: %s; evidence %+v)", c.Cause, tc.cause, c.Reason, c.Evidence)
			}
			if c.Recognized != (tc.cause != "") {
				t.Errorf("Recognized = %v", c.Recognized)
			}
			if tc.cause != "" && c.Reason == "" {
				t.Errorf("no reason")
			}
			if tc.status != 0 && c.Evidence.Status != tc.status {
				t.Errorf("Status = %d, want %d", c.Evidence.Status, tc.status)
			}
			if tc.code != "" && c.Evidence.ErrorCode != tc.code {
				t.Errorf("ErrorCode = %q, want %q", c.Evidence.ErrorCode, tc.code)
			}
			if tc.requestID != "" && c.Evidence.RequestID != tc.requestID {
				t.Errorf("RequestID = %q, want %q (all %q)", c.Evidence.RequestID, tc.requestID, c.Evidence.RequestIDs)
			}
			if tc.reason != "" && !strings.Contains(strings.ToLower(c.Reason), strings.ToLower(tc.reason)) {
				t.Errorf("Reason = %q, want it to mention %q", c.Reason, tc.reason)
			}
			if tc.cause != "" && c.Evidence.ErrorMessage == "" {
				t.Errorf("no ErrorMessage: explain has nothing to quote")
			}
			assertNoKey(t, c, pastedKey)
		})
	}
}

// The masked key still says which key it was (its fingerprint), so a person
// can tell their key from another.
func TestClassifyTextMasksKeyWithFingerprint(t *testing.T) {
	text := `openai.AuthenticationError: Error code: 401 - {'error': {'message': 'Incorrect API key provided: ` + pastedKey + `.', 'type': 'invalid_request_error', 'param': None, 'code': 'invalid_api_key'}}`
	c := ClassifyText(text)
	if c.Cause != "key-rejected" {
		t.Fatalf("cause %q", c.Cause)
	}
	assertNoKey(t, c, pastedKey)
	if !strings.Contains(c.Evidence.ErrorMessage, "[redacted sk-p…") {
		t.Fatalf("ErrorMessage = %q, want a masked key with its fingerprint", c.Evidence.ErrorMessage)
	}
}

func TestClassifyTextCurlRateLimit(t *testing.T) {
	text := "HTTP/1.1 429 Too Many Requests\r\nX-RateLimit-Limit: 100\r\nX-RateLimit-Remaining: 0\r\nX-RateLimit-Reset: 1749736931\r\n\r\n{\"error\":{\"message\":\"Rate limit exceeded\",\"type\":\"rate_limit_error\",\"code\":\"rate_limit_exceeded\"}}"
	c := defaultRules().classifyText(text, time.Date(2025, 6, 12, 14, 1, 34, 0, time.UTC))
	if c.Cause != "rate-limited" || c.Evidence.RateLimit == nil {
		t.Fatalf("cause %q rate limit %+v", c.Cause, c.Evidence.RateLimit)
	}
	if got := *c.Evidence.RateLimit; got.Limit != "100" || got.Remaining != "0" || got.Reset != "in 37 s (at 14:02:11)" {
		t.Fatalf("rate limit = %+v", got)
	}
}

func TestLiteralToJSON(t *testing.T) {
	cases := map[string]string{
		`{'a': None, 'b': True, 'c': 'it\'s', "d": "say \"hi\""}`: `{"a": null, "b": true, "c": "it's", "d": "say \"hi\""}`,
		`{ error: { type: 'x', code: null }, list: [Object] }`:    `{ "error": { "type": "x", "code": null }, "list": ["Object"] }`,
		`{'e': '\xe9\u00e9'}`: `{"e": "éé"}`,
	}
	for in, want := range cases {
		got, ok := literalToJSON(in)
		if !ok || got != want {
			t.Errorf("literalToJSON(%s) = %s, %v; want %s", in, got, ok, want)
		}
	}
	if _, ok := literalToJSON(`{'unterminated: 1}`); ok {
		t.Errorf("an unterminated string must fail")
	}
}

func TestPaste(t *testing.T) {
	red := checks.NewRedactor()
	userKey := "sk-relay-7Hq2Lm9Xc4Vb1Nz8Rt5Ws3Yk"
	red.Add(userKey)
	s := &checks.Setup{Redactor: red}
	s.Config.Pasted = `{"error":{"message":"Invalid token ` + userKey + ` (request id: 20250612153045123456789aBcDeFgH)","type":"new_api_error","code":"invalid_api_key"}}`
	r := Paste(context.Background(), s)
	if r.ID != checks.CheckPaste || r.Status != checks.Fail || r.Cause != "key-rejected" {
		t.Fatalf("result = %+v", r)
	}
	if r.Facts["paste.recognized"] != "yes" {
		t.Errorf("facts = %v", r.Facts)
	}
	if r.Evidence.RequestID != "20250612153045123456789aBcDeFgH" {
		t.Errorf("request id = %q", r.Evidence.RequestID)
	}
	// The user's own key (a relay key keyLike does not know) is masked too.
	all := r.Summary + strings.Join(r.Details, "|") + r.Evidence.ErrorMessage
	if strings.Contains(all, userKey) {
		t.Fatalf("the user's key leaked: %s", all)
	}

	s.Config.Pasted = "429"
	r = Paste(context.Background(), s)
	if r.Cause != "rate-limited" || r.Facts["paste.http"] != "429" {
		t.Fatalf("bare 429: %+v", r)
	}

	s.Config.Pasted = "the weather is nice"
	if r = Paste(context.Background(), s); r.Status != checks.Warn || r.Cause != "" || r.Facts["paste.recognized"] != "no" {
		t.Fatalf("unrecognised: %+v", r)
	}

	s.Config.Pasted = ""
	if r = Paste(context.Background(), s); r.Status != checks.Skip {
		t.Fatalf("nothing pasted: %+v", r)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s.Config.Pasted = "401"
	if r = Paste(ctx, s); r.Status != checks.Skip {
		t.Fatalf("cancelled: %+v", r)
	}
	if r = Paste(context.Background(), nil); r.Status != checks.Skip {
		t.Fatalf("nil setup: %+v", r)
	}
}

func BenchmarkClassifyText(b *testing.B) {
	var texts []string
	for _, tc := range bodyCases {
		texts = append(texts, string(readFixture(b, tc.file)))
	}
	for _, tc := range textCases {
		texts = append(texts, tc.text)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = ClassifyText(texts[i%len(texts)])
	}
}

func TestClassifyTextHeaderRefusedMeansWhitespace(t *testing.T) {
	for _, text := range []string{
		"httpx.LocalProtocolError: Illegal header value b'Bearer sk-proj-abcdefghijklmnopqrstuvwxyz012345\\n'",
		`TypeError [ERR_INVALID_CHAR]: Invalid character in header content ["Authorization"]`,
		`net/http: invalid header field value for "Authorization"`,
	} {
		c := ClassifyText(text)
		if c.Cause != "key-whitespace" {
			t.Errorf("%q: got %q, want key-whitespace", text, c.Cause)
		}
		if strings.Contains(c.Evidence.ErrorMessage+c.Reason, "abcdefghijklmnopqrstuvwxyz012345") {
			t.Errorf("%q: the key came back", text)
		}
	}
}

// aiohttp's parser errors carry their own code 400 in their repr; it is not
// a status any server sent, while ClientResponseError's 400 is one.
func TestStatusFromTextSkipsParserCodes(t *testing.T) {
	for _, c := range []struct {
		text string
		want int
	}{
		{`Response payload is not completed: <TransferEncodingError: 400, message='Not enough data to satisfy transfer length header.'>")>`, 0},
		{`aiohttp.client_exceptions.ClientPayloadError: <ContentLengthError: 400, message='Not enough data for satisfy content length header.'>`, 0},
		{`aiohttp.client_exceptions.ClientResponseError: 400, message='Bad Request', url='https://api.openai.com/v1/chat/completions'`, 400},
		{"APIError: 429 Too Many Requests", 429},
	} {
		if got := statusFromText(c.text); got != c.want {
			t.Errorf("statusFromText(%.60q) = %d, want %d", c.text, got, c.want)
		}
	}
}

// A whole key in a paste is masked but keeps its platform's prefix, which
// is evidence (an sk-ant- key refused by OpenAI), and never shows whole.
func TestPasteKeepsKeyPrefixNotKey(t *testing.T) {
	key := "sk-ant-api03-FAKEabcdefghijklmnopqrstuvwxyz0123456789"
	c := ClassifyText(`{"error":{"message":"Incorrect API key provided: ` + key + `. You can find your API key at https://platform.openai.com/account/api-keys.","code":"invalid_api_key"}}`)
	if c.Cause != "key-wrong-platform" {
		t.Errorf("cause %q, want key-wrong-platform (reason %q)", c.Cause, c.Reason)
	}
	for _, s := range []string{c.Quote, c.Reason, c.Evidence.ErrorMessage} {
		if strings.Contains(s, "FAKEabcdefghijkl") {
			t.Errorf("the key shows whole: %q", s)
		}
	}
	if !strings.Contains(c.Quote, "sk-ant-api03-[redacted ") {
		t.Errorf("quote %q lost the key's prefix", c.Quote)
	}
}
