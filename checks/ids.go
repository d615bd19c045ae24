package checks

import "context"

// Protocol names: the request shape the user's client sends (--protocol).
// They are protocols, not providers: two profiles share a name with them.
const (
	ProtocolOpenAI    = "openai"
	ProtocolAnthropic = "anthropic"
	ProtocolResponses = "responses" // OpenAI's Responses API: POST {base}/responses (Codex, the AI SDK's openai(id))
	ProtocolGemini    = "gemini"    // Gemini's native API: POST {base}/models/{model}:generateContent
)

// Check IDs. Each check reports <id>.status and <id>.cause as facts for the
// decision tree, plus any facts listed in its doc comment.
const (
	// Configuration (no network).
	CheckKeyPresent  = "key-present"  // key-missing, env-file-not-loaded
	CheckKeySources  = "key-sources"  // key-shadowed
	CheckEnvFile     = "env-file"     // env-file-syntax
	CheckKeyHygiene  = "key-hygiene"  // key-whitespace, key-quoted, key-url-encoded, key-has-scheme
	CheckKeyPlatform = "key-platform" // key-wrong-platform
	CheckFrontendEnv = "frontend-env" // key-in-frontend-env
	CheckBaseURL     = "base-url"     // base-url-malformed, base-url-path
	CheckContainer   = "container"    // localhost-in-container

	// Network ladder: one connection attempt, one result per layer.
	CheckProxy = "proxy" // proxy-failure
	CheckDNS   = "dns"   // dns-failure
	CheckTCP   = "tcp"   // connection-refused, timeout
	CheckTLS   = "tls"   // tls-failure

	// API.
	CheckModels     = "models"      // classifier causes, model-not-found; facts: models.http, models.has_model (yes|no|unknown)
	CheckAuthHeader = "auth-header" // auth-header-format; facts: auth-header.http
	CheckRequest    = "request"     // classifier causes, stream-error, slow-response, wrong-provider, output-truncated; facts: request.http
	CheckMCP        = "mcp"         // mcp-server-disconnected
	CheckAccount    = "account"     // insufficient-balance, key-usage-limit from a free account endpoint; facts: account.http, account.credit

	// Pasted text.
	CheckPaste = "paste" // any cause the classifier recognises in pasted text
)

// CheckFunc is one check: explicit inputs, a structured result, bounded by
// ctx (which carries the --timeout deadline for network steps).
type CheckFunc func(ctx context.Context, s *Setup) Result
