// Package checks runs live checks on the user's real setup and returns plain
// results. It does I/O (environment, files, network) and knows nothing of the
// UI or of the decision tree: the tree branches on the facts these results
// carry.
package checks

import (
	"sync"
	"time"
)

// Status is the outcome of one check.
type Status string

const (
	Pass Status = "pass"
	Warn Status = "warn"
	Fail Status = "fail"
	Skip Status = "skip"
)

// Result is what one check found. Results are plain data: safe to print
// (after redaction), to marshal, and to compare in tests.
type Result struct {
	ID       string            // stable check ID, e.g. "key-present", "dns", "request"
	Title    string            // what was checked, in the user's words: "API key is set"
	Status   Status            // pass, warn, fail or skip
	Summary  string            // one line: what was found
	Details  []string          // optional further lines (sources, suggestions)
	Cause    string            // the cause ID this result proves, "" when it proves none
	Facts    map[string]string // extra facts for the tree, beyond <id>.status and <id>.cause
	Evidence Evidence          // what this check observed; merged across checks
	Duration time.Duration
	// Unseen: the check could not gather what it looks for (the request
	// declined or not sent, a check cut off or crashed). A verdict that
	// rests on its facts is not confirmed (Runner.Unseen).
	Unseen bool
}

// Evidence is what the checks observed, in the shape of the JSON contract
// (INTERFACE.md). Empty fields are left out of the JSON.
type Evidence struct {
	Provider     string     `json:"provider,omitempty"`
	Protocol     string     `json:"protocol,omitempty"`
	BaseURL      string     `json:"base_url,omitempty"`
	Endpoint     string     `json:"endpoint,omitempty"`
	Model        string     `json:"model,omitempty"`
	Key          string     `json:"key,omitempty"` // fingerprint only, never the key
	Status       int        `json:"status,omitempty"`
	ErrorType    string     `json:"error_type,omitempty"`
	ErrorCode    string     `json:"error_code,omitempty"`
	ErrorMessage string     `json:"error_message,omitempty"`
	RequestID    string     `json:"request_id,omitempty"`
	ServedBy     string     `json:"served_by,omitempty"`
	RateLimit    *RateLimit `json:"rate_limit,omitempty"`
	TTFBMs       int64      `json:"ttfb_ms,omitempty"`
	TotalMs      int64      `json:"total_ms,omitempty"`

	// Beyond the contract (extensions are allowed; these are additive).
	RequestIDs     []string `json:"request_ids,omitempty"`     // every request ID header seen, "name: value"
	SuggestedModel string   `json:"suggested_model,omitempty"` // nearest real model ID
	Models         []string `json:"models,omitempty"`          // a few model IDs the key may use
	FailedLayer    string   `json:"failed_layer,omitempty"`    // proxy, dns, tcp, tls, http
	Truncated      bool     `json:"truncated,omitempty"`       // a body was cut at the size cap
	ContentType    string   `json:"content_type,omitempty"`
	KeySource      string   `json:"key_source,omitempty"`
	Proxy          string   `json:"proxy,omitempty"` // proxy URL without credentials
	// Quote is the line of a pasted error the verdict rests on. explain
	// prints it as its own top-level "quote", not inside evidence.
	Quote string `json:"-"`

	// The client whose configuration was read (--client or guessed) and
	// every place a key or base URL was found for it (INTERFACE.md).
	Client  string   `json:"client,omitempty"`
	Sources []Source `json:"sources,omitempty"`

	// The provider the pasted text itself names (profiles' paste_signs),
	// "" when it names none or its signs disagree; PasteSigns are the
	// signs found, the deciding one first ("Gemini: API_KEY_INVALID").
	PasteProvider string   `json:"paste_provider,omitempty"`
	PasteSigns    []string `json:"paste_signs,omitempty"`
}

// Source is one place a key or a base URL was found: the variable or the
// file and field, with a fingerprint, whether the client uses it and why
// (it wins by precedence, or which source shadows it). evidence.sources.
type Source struct {
	Name        string `json:"name"`                  // "ANTHROPIC_API_KEY in ~/.claude/settings.json (env)"
	Kind        string `json:"kind"`                  // "key" or "base_url"
	Fingerprint string `json:"fingerprint,omitempty"` // keys: Fingerprint; URLs: the URL with credentials redacted
	Used        bool   `json:"used"`
	Why         string `json:"why,omitempty"` // "project settings override user settings", "shadowed by …"
}

// RequestShape is how the user's client sends its request beyond what the
// protocol fixes: setup fills it from the client's entry in
// content/clients.yaml and its configuration; the probe follows it. The
// zero value is plain SDK defaults for the protocol.
type RequestShape struct {
	Path       string            // endpoint path after the base URL ("/v1/messages?beta=true"); "" = the protocol's own
	Auth       string            // bearer | x-api-key | api-key; "" = the protocol's default
	Headers    []Header          // headers the client sends with every call (anthropic-beta, configured http_headers)
	Query      map[string]string // query parameters the client adds (Codex query_params, Azure api-version)
	Stream     bool              // the client streams its answers
	AlsoCalls  []string          // other endpoints the client needs to work: "count_tokens", "small_model"
	SmallModel string            // the model a client uses for background work (Claude Code)
}

// RateLimit is the rate-limit state decoded from response headers.
type RateLimit struct {
	Limit      string `json:"limit,omitempty"`
	Remaining  string `json:"remaining,omitempty"`
	Reset      string `json:"reset,omitempty"`       // human: "in 37 s (at 14:02:11)"
	RetryAfter string `json:"retry_after,omitempty"` // human: "37 s"
}

// Header is one extra header the user's client sends (from --header).
type Header struct {
	Name  string
	Value string
}

// Env is the process environment as the checks see it. main passes the real
// one; tests pass a literal map.
type Env map[string]string

// Config is everything the user told us (flags, wizard inputs) plus the
// environment. It is the only input the checks take.
type Config struct {
	Provider string // profile name; "" means guess
	Protocol string // openai | anthropic | responses | gemini; "" means from the client, else the profile
	Client   string // --client: claude-code, codex, …; "" means guess from what is configured
	// ConfigRoot stands in front of the managed/system configuration paths
	// (/etc/claude-code, /Library/Application Support/…) so tests can point
	// them at a temporary folder; "" means the real root.
	ConfigRoot   string
	RunKeyHelper bool   // --run-key-helper: a configured key helper command may run
	BaseURL      string // exactly as the user wrote it; "" means from env or profile
	KeyEnv       string // variable holding the key; "" means from the profile
	Model        string
	Headers      []Header
	EnvFile      string // "" means the nearest .env from WorkDir up
	WorkDir      string
	NoRequest    bool          // send nothing billable
	Timeout      time.Duration // bound for each network step
	Env          Env
	MCPURL       string      // MCP server URL to probe, when the user gives one
	Pasted       string      // pasted error text (explain, "paste the error")
	Profiles     []Profile   // from content/profiles.yaml
	KeyIssuers   []KeyIssuer // from content/keys.yaml
	InContainer  *bool       // nil: detect; tests set it

	Clients []ClientSpec // from content/clients.yaml
	// DockerHost is the address the name host.docker.internal stands for
	// (UNSTUCK_DOCKER_HOST): an IP, or an IP:port that replaces the port
	// too. "" asks the resolver. Tests and e2e set it; no test looks the
	// name up for real.
	DockerHost string
}

// Profile is what is particular to one provider or gateway. Loaded from
// content/profiles.yaml so that support engineers can edit it.
type Profile struct {
	Name             string            `yaml:"name"`               // what --provider takes
	Title            string            `yaml:"title"`              // "Heroku Managed Inference and Agents"
	Protocol         string            `yaml:"protocol"`           // default request shape: openai | anthropic
	KeyEnvs          []string          `yaml:"key_envs"`           // variables that may hold the key, in priority order
	BaseURLEnvs      []string          `yaml:"base_url_envs"`      // variables that may hold the base URL
	ModelEnvs        []string          `yaml:"model_envs"`         // variables that may hold the model
	DefaultBaseURL   string            `yaml:"default_base_url"`   // when nothing else gives one
	KeyPrefixes      []string          `yaml:"key_prefixes"`       // prefixes its keys start with; empty means any
	AuthHeaders      []string          `yaml:"auth_headers"`       // header forms it reads: bearer, x-api-key, api-key
	ExtraHeaders     map[string]string `yaml:"extra_headers"`      // sent with every request, e.g. anthropic-version
	RequestIDHeaders []string          `yaml:"request_id_headers"` // where its request ID lives
	ProviderHeader   string            `yaml:"provider_header"`    // header naming the serving provider
	HostHints        []string          `yaml:"host_hints"`         // host substrings that imply this profile
	HasModelsList    bool              `yaml:"has_models_list"`    // GET {base}/models exists
	// Added for the base-url check and Resolve (additive):
	OpenAIBasePath   string `yaml:"openai_base_path"`    // path an OpenAI-style base URL must end with, e.g. /v1; "" = not known, only warn
	BaseURLEnvSuffix string `yaml:"base_url_env_suffix"` // appended to a bare-host base URL read from BaseURLEnvs (Heroku's INFERENCE_URL + /v1)
	// Capabilities: what is particular to a provider is named here, and Go
	// code keys on the capability, never on a profile's name.
	Default        bool `yaml:"default"`          // assumed when nothing in the environment points to a provider
	Fallback       bool `yaml:"fallback"`         // used for a base URL no profile claims
	ModelFromRoute bool `yaml:"model_from_route"` // the key's route picks the model: the request sends none

	// Added for cloud providers (issue 12; additive):
	AccountURL       string   `yaml:"account_url"`        // free account endpoint: "key" = {base}/key, "/user/balance" = from the host's root
	AccountShape     string   `yaml:"account_shape"`      // how to read it: openrouter-key | deepseek-balance
	DeploymentInPath bool     `yaml:"deployment_in_path"` // the model is a deployment named in the path (Azure OpenAI)
	APIVersionEnvs   []string `yaml:"api_version_envs"`   // variables that may hold the api-version query parameter

	Console    string   `yaml:"console"` // where keys are managed, for guidance
	StatusPage string   `yaml:"status_page"`
	Notes      []string `yaml:"notes"`

	// Local model servers (additive; see content/profiles.yaml's header).
	// A port or a variable makes a profile a candidate; only what the
	// server answers (Confirm) makes it the server.
	Local            bool          `yaml:"local"`              // a model server the user runs: the key is optional, there is no credit
	Ports            []int         `yaml:"ports"`              // default ports; a base URL on one of them points here
	HostEnvs         []string      `yaml:"host_envs"`          // variables holding its address as host[:port], scheme optional, 0.0.0.0 = this machine (OLLAMA_HOST)
	Confirm          []ServerProbe `yaml:"confirm"`            // what it answers that tells it apart; every probe must hold
	StartCommand     string        `yaml:"start_command"`      // how to start it, for a server that does not run
	LocalModelsPath  string        `yaml:"local_models_path"`  // its own list of downloaded models ({"models":[{"name"}]}); "" = the OpenAI list
	LoadedModelsPath string        `yaml:"loaded_models_path"` // the loaded models with their context_length ({"models":[{"name","context_length"}]})
	PullCommand      string        `yaml:"pull_command"`       // how to get a model it lacks; {model} stands for the model's name
	LoadCommand      string        `yaml:"load_command"`       // how to load a downloaded model, when loading is a step of its own
	MinContext       int           `yaml:"min_context"`        // warn when the loaded context is below this many tokens
	AnyModel         bool          `yaml:"any_model"`          // it answers whatever model is asked for (llama.cpp)

	// Native protocols (additive): the base of the provider's own API when
	// --protocol names it (Gemini's …/v1beta), not the OpenAI-compatible one.
	NativeBaseURL string `yaml:"native_base_url"`

	// PasteSigns tell this provider's errors in pasted text (explain):
	// its host in a URL, its own codes and body shapes, its keys' prefixes.
	PasteSigns []PasteSign `yaml:"paste_signs"`
}

// DisplayName is the profile's title, else its name.
func (p Profile) DisplayName() string {
	if p.Title != "" {
		return p.Title
	}
	return p.Name
}

// PasteSign is one thing in a pasted error that says which provider sent
// it. Exactly one of Host, Says and KeyIssuer is set.
type PasteSign struct {
	Host      string `yaml:"host"`       // a host (or its tail) named in the paste: "api.anthropic.com", ".openai.azure.com"
	Says      string `yaml:"says"`       // literal text; spaces, quote style and escaping are ignored
	KeyIssuer string `yaml:"key_issuer"` // a key in the paste starts with a prefix of this keys.yaml issuer
	Why       string `yaml:"why"`        // a short reason, shown with the sign
	// Strength ranks signs: 3 where the request went (a host), 2 the
	// server's own words, 1 a key's prefix (a key can be sent anywhere).
	// 0 means the kind's.
	Strength int `yaml:"strength"`
}

// ServerProbe is one GET a local server answers in its own way: the path
// (from the server's root, not the base URL), the status, and a text in
// the body or a JSON key (a dot path) with, optionally, its string value.
type ServerProbe struct {
	Path      string `yaml:"path"`
	Status    int    `yaml:"status"`     // 0 means any
	Says      string `yaml:"says"`       // the body contains this (case-insensitive)
	JSONKey   string `yaml:"json_key"`   // the JSON body has this key, e.g. "version", "default_generation_settings.n_ctx"
	JSONValue string `yaml:"json_value"` // ... and that key is this string
}

// KeyIssuer is a platform that issues API keys, told by the key's prefix
// and the hosts it serves (content/keys.yaml). Issuers are more than the
// profiles: a Claude subscription token or a GitHub token is recognised so
// that it can be named, though no profile takes it.
type KeyIssuer struct {
	ID        string   `yaml:"id"`
	Title     string   `yaml:"title"`       // "an Anthropic API key"
	Prefixes  []string `yaml:"prefixes"`    // longest match wins
	Hosts     []string `yaml:"hosts"`       // host substrings this issuer serves
	BareSK    bool     `yaml:"bare_sk"`     // its hosts also take keys that are just sk-…
	NotAPIKey string   `yaml:"not_api_key"` // why this kind of key never works as an API key
}

// Setup is the user's configuration resolved the way their client would
// resolve it: which profile, which key from which source, which base URL and
// the exact request URL their SDK would build. Resolve never fails: problems
// are for the checks to report.
type Setup struct {
	Config Config

	Profile       Profile // the chosen or guessed profile
	ProfileReason string  // why this profile: "--provider", "key prefix sk-ant-", "host api.anthropic.com", …
	Protocol      string  // openai | anthropic | responses | gemini

	Client       string       // the tool or library whose configuration was read (content/clients.yaml); "" = plain SDK defaults
	ClientReason string       // why this client: "--client", "configured in ~/.codex/config.toml"
	Shape        RequestShape // the request that client sends
	Origins      []Source     // every place a key or base URL was found for this client
	// ClientEnv is the environment the client runs with: the shell's, then
	// the variables its own files set over it (Claude Code's settings
	// "env", aider's .env). nil = no client read: the shell's (Config.Env).
	ClientEnv Env

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
	// ContextTokens is the context window the client's configuration asks
	// for (a client's context length setting); 0 = none configured.
	ContextTokens int

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
