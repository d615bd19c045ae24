package checks

import (
	"context"
	"sync"
)

// Setup is the user's configuration resolved the way their client would
// resolve it: which profile, which key from which source, which base URL and
// the exact request URL their SDK would build. Resolve never fails: problems
// are for the checks to report.
type Setup struct {
	Config Config

	Profile       Profile // the chosen or guessed profile
	ProfileReason string  // why this profile: "--provider", "key prefix sk-ant-", "host api.anthropic.com", …
	Protocol      string  // openai | anthropic

	Key       Secret      // the key as the client would send it (raw, not cleaned)
	KeyEnv    string      // the variable the client reads, e.g. OPENAI_API_KEY
	KeySource string      // where the winning value came from: "environment", ".env (/path/.env:3)"
	Sources   []KeySource // every place a key for this profile was found

	EnvFilePath string            // the .env inspected ("" when none found)
	EnvFileVars map[string]string // its variables as a loader would read them (values are secrets: never print)

	BaseURL       string // effective base URL, as written
	BaseURLSource string // "--base-url", "OPENAI_BASE_URL", "profile default"
	Endpoint      string // the full request URL the SDK would build ("" when the base URL does not parse)
	ModelsURL     string // the models-list URL ("" when the profile has none)
	Model         string // effective model ID
	ModelSource   string
	Headers       []Header // extra headers (from --header)

	Redactor *Redactor // knows the key and its variants and credential header values

	// shared holds what the checks of this Setup share (the probe's HTTP
	// session: one client, the models list fetched once, the billable
	// request sent at most once). See Shared.
	shared map[any]any
}

var sharedMu sync.Mutex

// Shared returns the value this Setup keeps under key, calling make on
// first use. Checks that run concurrently against one Setup use it to share
// one value (one HTTP client, a call made once); a new Setup starts empty,
// so nothing is shared across configurations.
func (s *Setup) Shared(key any, make func() any) any {
	sharedMu.Lock()
	defer sharedMu.Unlock()
	if v, ok := s.shared[key]; ok {
		return v
	}
	if s.shared == nil {
		s.shared = map[any]any{}
	}
	v := make()
	s.shared[key] = v
	return v
}

// SetShared replaces the value kept under key (tests: a client with hooks).
func (s *Setup) SetShared(key, v any) {
	sharedMu.Lock()
	defer sharedMu.Unlock()
	if s.shared == nil {
		s.shared = map[any]any{}
	}
	s.shared[key] = v
}

// KeySource is one place a key was found.
type KeySource struct {
	Where string // "environment", ".env", "shell profile ~/.zshrc"
	Name  string // variable name
	Value Secret
	Line  int // line in a file, 0 for the environment
}

// Protocol names: the request shape the user's client sends (--protocol).
// They are protocols, not providers: two profiles share a name with them.
const (
	ProtocolOpenAI    = "openai"
	ProtocolAnthropic = "anthropic"
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

	// Pasted text.
	CheckPaste = "paste" // any cause the classifier recognises in pasted text
)

// CheckFunc is one check: explicit inputs, a structured result, bounded by
// ctx (which carries the --timeout deadline for network steps).
type CheckFunc func(ctx context.Context, s *Setup) Result
