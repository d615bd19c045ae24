package checks

// ClientSpec is how one tool or library (Claude Code, Codex, the OpenAI
// SDK, …) decides what it sends: its configuration files in order of
// precedence, the variables it reads and the request it makes. Loaded from
// content/clients.yaml so that a support engineer can edit it.
type ClientSpec struct {
	Name    string `yaml:"name"`    // what --client takes
	Title   string `yaml:"title"`   // "Claude Code"
	Runtime string `yaml:"runtime"` // node | python | bun | rust: which roots it trusts
	// CAEnvs are the variables naming extra CA certificates it honours.
	CAEnvs []string `yaml:"ca_envs"`
	// Files are its configuration files, lowest precedence first: a later
	// file overrides an earlier one.
	Files []ClientFile `yaml:"files"`
	// ModelEnvs and SmallModelEnvs hold its main model and the model it
	// uses for background work, in the order it reads them.
	ModelEnvs      []string `yaml:"model_envs"`
	SmallModelEnvs []string `yaml:"small_model_envs"`
	// Wires are the request shapes it can send (one per provider kind it
	// speaks), the default first.
	Wires []ClientWire `yaml:"wires"`
	// Conflicts are variables it refuses to see set together (Claude
	// Code's "Auth conflict": a token and a key).
	Conflicts [][]string `yaml:"conflicts"`
	Notes     []string   `yaml:"notes"`
	// Trust is which roots it trusts, one entry per runtime it ships on
	// (the OpenAI SDK: Node and Python): the trust check verifies the
	// server's chain the way each would.
	Trust []ClientTrust `yaml:"trust"`
}

// ClientTrust is how one runtime of a client decides which certificate
// authorities to trust.
type ClientTrust struct {
	Name    string `yaml:"name"`    // what the user calls it: "Node", "Bun", "httpx"
	Runtime string `yaml:"runtime"` // node | python | bun | rust
	// Roots is the set it trusts when no variable says otherwise: mozilla
	// (bundled in the runtime), certifi (Python's copy of Mozilla's) or
	// system (the operating system's store).
	Roots string `yaml:"roots"`
	// CAFiles are the variables naming CA files, in the order it reads
	// them: the first one set is used, the others are not read.
	CAFiles []CAFile `yaml:"ca_files"`
	// SystemCA is what makes it add the system's store: a variable set to
	// 1 (NODE_USE_SYSTEM_CA) or a flag in NODE_OPTIONS (--use-system-ca).
	SystemCA []string `yaml:"system_ca"`
	// SystemStore "maybe": some releases also read the system's store by
	// themselves, so a root only the system has is a warning, not a failure.
	SystemStore string `yaml:"system_store"`
}

// CAFile is one variable naming extra certificate authorities.
type CAFile struct {
	Env string `yaml:"env"`
	Use string `yaml:"use"` // add: to its roots; replace: instead of them
	Dir bool   `yaml:"dir"` // it names a folder of certificates (SSL_CERT_DIR)
	// Broken is what the client does with a file it cannot read or parse:
	// ignored (Node warns and goes on) or fatal (no connection at all).
	Broken string `yaml:"broken"`
}

// ClientFile is one configuration file of a client. Paths start with ~/
// (the home folder), ${VAR:-default} (a folder a variable may move), {git}/
// (the repository root), / or a drive letter (a system path, under
// Config.ConfigRoot), or nothing (the working folder).
type ClientFile struct {
	Layer   string `yaml:"layer"`  // user | project | local | managed
	Format  string `yaml:"format"` // json | jsonc | toml | yaml | dotenv
	Schema  string `yaml:"schema"` // which reader understands it: claude-settings, codex-config, aider-conf, dotenv, opencode, continue
	Linux   string `yaml:"linux"`
	MacOS   string `yaml:"macos"`
	Windows string `yaml:"windows"`
}

// ClientWire is one request shape of a client: for which configured
// provider, with which variables, sent how.
type ClientWire struct {
	ID string `yaml:"id"`
	// Match names what selects this wire in the client's configuration: an
	// AI SDK package, a provider name, a model's provider prefix.
	Match          []string          `yaml:"match"`
	Protocol       string            `yaml:"protocol"`      // openai | anthropic | responses | gemini
	KeyEnvs        []string          `yaml:"key_envs"`      // in the order the client tries them
	BaseURLEnvs    []string          `yaml:"base_url_envs"` // in the order the client tries them
	DefaultBaseURL string            `yaml:"default_base_url"`
	Auth           map[string]string `yaml:"auth"`         // key variable → bearer | x-api-key | api-key
	AuthDefault    string            `yaml:"auth_default"` // for a key from anywhere else
	Path           string            `yaml:"path"`         // appended to the base URL, query included
	BaseV1         string            `yaml:"base_v1"`      // with: the base URL includes /v1; without: the client adds it
	Headers        map[string]string `yaml:"headers"`      // sent with every call
	EnvHeaders     map[string]string `yaml:"env_headers"`  // header → variable whose value it carries
	Stream         bool              `yaml:"stream"`
	AlsoCalls      []string          `yaml:"also_calls"` // count_tokens, small_model
	// LoginBaseURL is where the client sends its requests when signed in
	// with a subscription rather than a key (Codex with ChatGPT).
	LoginBaseURL string `yaml:"login_base_url"`
	// UnreadEnvs are variables people expect it to send that it does not
	// (Codex's built-in provider and OPENAI_API_KEY): each one set is
	// listed as a source it does not use, with why, and named when no key
	// is found.
	UnreadEnvs []UnreadEnv `yaml:"unread_envs"`
}

// UnreadEnv is one variable a client does not send, and why.
type UnreadEnv struct {
	Env string `yaml:"env"`
	Why string `yaml:"why"` // "Codex does not send it: …"
}
