package setup

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/pelletier/go-toml/v2"
	"github.com/tailscale/hujson"
	"github.com/unstuck-dev/unstuck/checks"
	"go.yaml.in/yaml/v3"
)

// clientFileCap bounds how much of a client's configuration file is read:
// real ones are a few KiB.
const clientFileCap = 1 << 20

// fileRead is what one configuration file says that decides the request.
// Empty fields were not set there.
type fileRead struct {
	label string // the path as the user knows it: ~/.claude/settings.json
	layer string

	env map[string]string // variables the file sets for the client (Claude Code "env", aider .env and api keys)

	key, keyField   string // a key written in the file, and where
	keyEnv          string // the variable the file says holds the key (Codex env_key, OpenCode {env:X})
	keyEnvField     string
	base, baseField string
	model           string
	smallModel      string
	match           string // what selects the wire: a provider id, an AI SDK package, a model prefix
	protocol        string // Codex wire_api
	headers         []checks.Header
	envHeaders      map[string]string // header → variable
	query           map[string]string
	helper          string            // Claude Code apiKeyHelper
	secretRefs      map[string]string // Continue: field → secret name (${{ secrets.X }})
	providerDefined bool              // the file names its own provider (Codex model_providers, OpenCode provider)
	providerID      string            // the provider the model names (OpenCode's "anthropic/…"), when known
	logins          map[string]login  // a stored sign-in per provider id (auth.json)
	loginStore      string            // where the client keeps its sign-in (Codex cli_auth_credentials_store)

	// Where each merged setting came from (mergeDirect).
	baseLabel, modelLabel, helperLabel string
}

// relevant reports whether the file configures anything that decides the
// request: what makes a client "configured here" for guessing and --all.
func (f *fileRead) relevant(wires []checks.ClientWire) bool {
	if f.key != "" || f.keyEnv != "" || f.base != "" || f.helper != "" || f.providerDefined || f.model != "" && f.layer != "" || len(f.logins) > 0 {
		return true
	}
	for _, w := range wires {
		for _, v := range append(append([]string{}, w.KeyEnvs...), w.BaseURLEnvs...) {
			if f.env[v] != "" {
				return true
			}
		}
	}
	return false
}

// pathFor is the file's path on this platform.
func pathFor(f checks.ClientFile) string {
	switch runtime.GOOS {
	case "darwin":
		return f.MacOS
	case "windows":
		return f.Windows
	}
	return f.Linux
}

var varPrefix = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}(.*)$`) })

// expandPath turns a clients.yaml path into a real one: ~/ is the home
// folder, ${VAR:-default} a folder a variable moves (movedBy names it when
// it did), {git}/ the repository root, an absolute path a system path under
// cfg.ConfigRoot, anything else relative to the working folder. ok is false
// when the path cannot be placed (no home, no repository).
func expandPath(cfg checks.Config, p string) (path, label, movedBy string, ok bool) {
	if m := varPrefix().FindStringSubmatch(p); m != nil {
		if v := cfg.Env[m[1]]; v != "" {
			return filepath.Join(v, filepath.FromSlash(m[3])), "$" + m[1] + m[3], m[1], true
		}
		p = m[2] + m[3]
	}
	switch {
	case strings.HasPrefix(p, "~/"):
		home := homeDir(cfg.Env)
		if home == "" {
			return "", "", "", false
		}
		return filepath.Join(home, filepath.FromSlash(p[2:])), p, "", true
	case strings.HasPrefix(p, "{git}/"):
		root := gitRoot(cfg.WorkDir)
		if root == "" {
			return "", "", "", false
		}
		return filepath.Join(root, filepath.FromSlash(p[6:])), filepath.Join(root, filepath.FromSlash(p[6:])), "", true
	case strings.HasPrefix(p, "/") || len(p) > 2 && p[1] == ':' && (p[2] == '/' || p[2] == '\\'):
		if cfg.ConfigRoot == "" {
			return filepath.FromSlash(p), p, "", true
		}
		rest := p
		if p[0] != '/' {
			rest = p[2:] // the drive letter
		}
		return filepath.Join(cfg.ConfigRoot, filepath.FromSlash(rest)), p, "", true
	}
	wd := workDir(cfg)
	if wd == "" {
		return "", "", "", false
	}
	return filepath.Join(wd, filepath.FromSlash(p)), p, "", true
}

func homeDir(env checks.Env) string {
	if h := env["HOME"]; h != "" {
		return h
	}
	return env["USERPROFILE"]
}

func workDir(cfg checks.Config) string {
	if cfg.WorkDir != "" {
		return cfg.WorkDir
	}
	wd, _ := os.Getwd()
	return wd
}

// gitRoot is the nearest folder from dir up that holds .git, "" when none.
func gitRoot(dir string) string {
	if dir == "" {
		dir, _ = os.Getwd()
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for range 64 {
		if _, err := os.Lstat(filepath.Join(dir, ".git")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
	return ""
}

// readClientFile reads and decodes one file. A file that is not there
// returns (nil, nil); one that cannot be read or decoded returns the
// problem in words.
func readClientFile(cfg checks.Config, path, label string, f checks.ClientFile, builtins []string) (*fileRead, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	data, err := readCapped(path, clientFileCap)
	if errors.Is(err, errTooBig) {
		return nil, errors.New("is larger than 1 MiB: not a configuration file, not read")
	}
	if err != nil {
		return nil, fmt.Errorf("could not be read: %s", plainErr(err))
	}
	out := &fileRead{label: label, layer: f.Layer}
	switch f.Schema {
	case "claude-settings":
		err = readClaudeSettings(data, out)
	case "codex-config":
		err = readCodexConfig(cfg, data, out, builtins)
	case "aider-conf":
		err = readAiderConf(data, out)
	case "dotenv", "continue-secrets":
		vars, _ := loadEnvFile(data)
		out.env = vars
		if f.Schema == "continue-secrets" {
			out.layer = "secrets"
		}
	case "opencode":
		err = readOpenCode(data, out)
	case "continue":
		err = readContinue(data, out)
	case "codex-auth":
		err = readCodexAuth(data, out)
	case "opencode-auth":
		err = readOpenCodeAuth(data, out)
	default:
		err = fmt.Errorf("no reader for schema %q", f.Schema)
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// plainErr is an error without the path it repeats.
func plainErr(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// scalar is a JSON, TOML or YAML scalar as the client would turn it into an
// environment value; ok is false for objects and lists.
func scalar(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case bool:
		return strconv.FormatBool(x), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case int:
		return strconv.Itoa(x), true
	case uint64:
		return strconv.FormatUint(x, 10), true
	}
	return "", false
}

func stringMap(v any) map[string]string {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, val := range m {
		if s, ok := scalar(val); ok {
			out[k] = s
		}
	}
	return out
}

func sortedHeaders(m map[string]string) []checks.Header {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]checks.Header, 0, len(m))
	for _, n := range names {
		out = append(out, checks.Header{Name: n, Value: m[n]})
	}
	return out
}

// jsonError says where a JSON file broke, by line.
func jsonError(data []byte, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line := 1 + strings.Count(string(data[:min(int(se.Offset), len(data))]), "\n")
		return fmt.Errorf("is not valid JSON (line %d: %s)", line, se.Error())
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Errorf("has the wrong shape: %s should be %s, not %s", te.Field, te.Type, te.Value)
	}
	return fmt.Errorf("is not valid JSON: %s", err.Error())
}

// readClaudeSettings reads a Claude Code settings file: its "env" object,
// apiKeyHelper and model.
func readClaudeSettings(data []byte, out *fileRead) error {
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		return jsonError(data, err)
	}
	if doc == nil {
		return nil
	}
	if e, ok := doc["env"]; ok {
		if _, isObj := e.(map[string]any); !isObj {
			return errors.New(`has an "env" that is not an object: Claude Code ignores it`)
		}
		out.env = stringMap(e)
	}
	if h, ok := doc["apiKeyHelper"].(string); ok {
		out.helper = strings.TrimSpace(h)
	}
	if m, ok := doc["model"].(string); ok {
		out.model = m
	}
	return nil
}

// codexProvider is one [model_providers.<id>] table.
type codexProvider struct {
	Name           string            `toml:"name"`
	BaseURL        string            `toml:"base_url"`
	EnvKey         string            `toml:"env_key"`
	WireAPI        string            `toml:"wire_api"`
	HTTPHeaders    map[string]string `toml:"http_headers"`
	EnvHTTPHeaders map[string]string `toml:"env_http_headers"`
	QueryParams    map[string]string `toml:"query_params"`
}

type codexProfile struct {
	Model         string `toml:"model"`
	ModelProvider string `toml:"model_provider"`
}

type codexConfig struct {
	Model          string                   `toml:"model"`
	ModelProvider  string                   `toml:"model_provider"`
	Profile        string                   `toml:"profile"`
	Profiles       map[string]codexProfile  `toml:"profiles"`
	ModelProviders map[string]codexProvider `toml:"model_providers"`
	// Where Codex keeps its sign-in: file (auth.json), keyring, auto.
	AuthStore string `toml:"cli_auth_credentials_store"`
}

// readCodexConfig reads $CODEX_HOME/config.toml: the profile picks the
// model and provider, the provider's table the base URL, the key's
// variable, the protocol, headers and query parameters. Codex reads no
// variable for the profile: only its --profile flag (which unstuck cannot
// see) and the file's profile key. builtins are the providers Codex has
// without a table (clients.yaml: the wires' match names).
func readCodexConfig(cfg checks.Config, data []byte, out *fileRead, builtins []string) error {
	var c codexConfig
	if err := toml.Unmarshal(data, &c); err != nil {
		var de *toml.DecodeError
		if errors.As(err, &de) {
			row, _ := de.Position()
			return fmt.Errorf("is not valid TOML (line %d: %s)", row, de.Error())
		}
		return fmt.Errorf("is not valid TOML: %s", err.Error())
	}
	model, provider := c.Model, c.ModelProvider
	out.loginStore = strings.ToLower(c.AuthStore)
	profile := c.Profile
	if profile != "" {
		p, ok := c.Profiles[profile]
		if !ok {
			return fmt.Errorf("selects profile %q, which has no [profiles.%s] table: Codex refuses to start", profile, profile)
		}
		if p.Model != "" {
			model = p.Model
		}
		if p.ModelProvider != "" {
			provider = p.ModelProvider
		}
	}
	out.model = model
	out.match = provider
	mp, ok := c.ModelProviders[provider]
	if !ok {
		if provider != "" && !contains(builtins, provider) {
			return fmt.Errorf("selects model_provider %q, which has no [model_providers.%s] table", provider, provider)
		}
		return nil
	}
	field := "model_providers." + provider
	out.providerDefined = true
	out.base, out.baseField = mp.BaseURL, field+".base_url"
	if mp.EnvKey != "" {
		out.keyEnv, out.keyEnvField = mp.EnvKey, field+".env_key"
	}
	switch strings.ToLower(mp.WireAPI) {
	case "", "responses":
		out.protocol = checks.ProtocolResponses
	case "chat":
		out.protocol = checks.ProtocolOpenAI
	default:
		return fmt.Errorf("has %s.wire_api = %q: Codex knows only \"responses\"", field, mp.WireAPI)
	}
	out.headers = sortedHeaders(mp.HTTPHeaders)
	out.envHeaders = mp.EnvHTTPHeaders
	out.query = mp.QueryParams
	return nil
}

// aiderKeyVars are the .aider.conf.yml options that set a variable, as
// aider's own --openai-api-key & co do.
var aiderKeyVars = map[string]string{
	"openai-api-key":         "OPENAI_API_KEY",
	"anthropic-api-key":      "ANTHROPIC_API_KEY",
	"openai-api-base":        "OPENAI_API_BASE",
	"openai-api-type":        "OPENAI_API_TYPE",
	"openai-api-version":     "OPENAI_API_VERSION",
	"openai-organization-id": "OPENAI_ORGANIZATION",
}

// readAiderConf reads .aider.conf.yml: the model and the options that set
// variables (openai-api-key, api-key: provider=key, set-env: VAR=value).
func readAiderConf(data []byte, out *fileRead) error {
	var doc map[string]any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("is not valid YAML: %s", err.Error())
	}
	out.env = map[string]string{}
	for opt, v := range aiderKeyVars {
		if s, ok := scalar(doc[opt]); ok && s != "" {
			out.env[v] = s
		}
	}
	for _, kv := range listOf(doc["api-key"]) {
		if p, k, ok := strings.Cut(kv, "="); ok && p != "" {
			out.env[strings.ToUpper(strings.TrimSpace(p))+"_API_KEY"] = strings.TrimSpace(k)
		}
	}
	for _, kv := range listOf(doc["set-env"]) {
		if n, v, ok := strings.Cut(kv, "="); ok && n != "" {
			out.env[strings.TrimSpace(n)] = strings.TrimSpace(v)
		}
	}
	if m, ok := scalar(doc["model"]); ok {
		out.model = m
	}
	return nil
}

// listOf is a YAML value that may be one string or a list of them.
func listOf(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := scalar(e); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

var opencodeEnvRef = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\{env:([A-Za-z_][A-Za-z0-9_]*)\}$`) })

// readOpenCode reads opencode.json (JSON with comments): the model
// "provider/model", and that provider's npm package, baseURL, apiKey
// ({env:VAR} names a variable) and headers.
func readOpenCode(data []byte, out *fileRead) error {
	std, err := hujson.Standardize(data)
	if err != nil {
		return fmt.Errorf("is not valid JSON with comments: %s", err.Error())
	}
	var doc struct {
		Model      string `json:"model"`
		SmallModel string `json:"small_model"`
		Provider   map[string]struct {
			NPM     string         `json:"npm"`
			Options map[string]any `json:"options"`
		} `json:"provider"`
	}
	if err := json.Unmarshal(std, &doc); err != nil {
		return jsonError(std, err)
	}
	id, model, _ := strings.Cut(doc.Model, "/")
	if doc.Model != "" {
		out.model = model
		out.match = id
		out.providerID = id
	}
	if _, small, ok := strings.Cut(doc.SmallModel, "/"); ok {
		out.smallModel = small
	}
	if id == "" && len(doc.Provider) == 1 {
		for only := range doc.Provider {
			id = only
		}
		out.match = id
		out.providerID = id
	}
	p, ok := doc.Provider[id]
	if !ok {
		return nil
	}
	out.providerDefined = true
	if p.NPM != "" {
		out.match = p.NPM
	}
	field := "provider." + id + ".options."
	if s, ok := p.Options["baseURL"].(string); ok && s != "" {
		out.base, out.baseField = s, field+"baseURL"
	}
	if s, ok := p.Options["apiKey"].(string); ok && s != "" {
		if m := opencodeEnvRef().FindStringSubmatch(s); m != nil {
			out.keyEnv, out.keyEnvField = m[1], field+"apiKey"
		} else {
			out.key, out.keyField = s, field+"apiKey"
		}
	}
	out.headers = sortedHeaders(stringMap(p.Options["headers"]))
	return nil
}

// login is a stored sign-in: an API key the client keeps for itself, or a
// subscription login (OAuth tokens) that unstuck cannot check.
type login struct {
	label string // the file: ~/.codex/auth.json
	field string // where the key is: OPENAI_API_KEY, anthropic.key
	key   string // "" for a subscription login
	what  string // a subscription login in words: "a ChatGPT sign-in"
}

// builtinProvider keys a login that belongs to the client's built-in
// provider, whatever its name (Codex's auth.json: requires_openai_auth).
const builtinProvider = ""

// readCodexAuth reads $CODEX_HOME/auth.json, where "codex login" keeps its
// credentials (codex-rs login/src/auth/storage.rs, AuthDotJson): an API key
// in OPENAI_API_KEY, or ChatGPT's tokens (id_token, access_token,
// refresh_token) for a subscription. auth_mode says which when both are
// there; without it the tokens win, as Codex prefers the ChatGPT sign-in.
// It applies to Codex's built-in OpenAI provider.
func readCodexAuth(data []byte, out *fileRead) error {
	var doc struct {
		AuthMode string `json:"auth_mode"`
		Key      string `json:"OPENAI_API_KEY"`
		Tokens   *struct {
			Access  string `json:"access_token"`
			Refresh string `json:"refresh_token"`
		} `json:"tokens"`
		PAT string `json:"personal_access_token"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return jsonError(data, err)
	}
	mode := strings.ToLower(strings.ReplaceAll(doc.AuthMode, "_", ""))
	tokens := doc.Tokens != nil && (doc.Tokens.Access != "" || doc.Tokens.Refresh != "")
	lg := login{label: out.label}
	switch {
	case strings.TrimSpace(doc.Key) != "" && (mode == "apikey" || mode == "" && !tokens):
		lg.field, lg.key = "OPENAI_API_KEY", doc.Key
	case tokens || strings.HasPrefix(mode, "chatgpt"):
		lg.what = "a ChatGPT sign-in"
	case doc.PAT != "":
		lg.what = "a personal access token sign-in"
	default:
		return nil // an empty or logged-out file
	}
	out.logins = map[string]login{builtinProvider: lg}
	return nil
}

// readOpenCodeAuth reads OpenCode's auth.json (${XDG_DATA_HOME:-~/.local/share}/opencode,
// packages/opencode/src/auth): one entry per provider id, {"type":"api","key"}
// for a key "opencode auth login" stored, {"type":"oauth","access","refresh",
// "expires"} for a subscription login, {"type":"wellknown","key","token"}.
func readOpenCodeAuth(data []byte, out *fileRead) error {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(data, &doc); err != nil {
		return jsonError(data, err)
	}
	for id, raw := range doc {
		var e struct {
			Type  string `json:"type"`
			Key   string `json:"key"`
			Token string `json:"token"`
		}
		if json.Unmarshal(raw, &e) != nil {
			continue // OpenCode skips an entry it cannot decode
		}
		id = strings.TrimRight(id, "/")
		lg := login{label: out.label, field: id + ".key"}
		switch e.Type {
		case "api":
			if strings.TrimSpace(e.Key) == "" {
				continue
			}
			lg.key = e.Key
		case "oauth":
			lg.field, lg.what = "", "an OAuth sign-in for "+id
		case "wellknown":
			lg.field, lg.what = "", "a well-known token for "+id
		default:
			continue
		}
		if out.logins == nil {
			out.logins = map[string]login{}
		}
		out.logins[id] = lg
	}
	return nil
}

var continueSecret = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^\$\{\{\s*secrets\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$`)
})

// readContinue reads ~/.continue/config.yaml: the first chat model's
// provider, model, apiBase, apiKey (${{ secrets.X }} names a secret) and
// requestOptions.headers.
func readContinue(data []byte, out *fileRead) error {
	var doc struct {
		Models []struct {
			Name           string   `yaml:"name"`
			Provider       string   `yaml:"provider"`
			Model          string   `yaml:"model"`
			APIBase        string   `yaml:"apiBase"`
			APIKey         string   `yaml:"apiKey"`
			Roles          []string `yaml:"roles"`
			RequestOptions struct {
				Headers map[string]string `yaml:"headers"`
			} `yaml:"requestOptions"`
		} `yaml:"models"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("is not valid YAML: %s", err.Error())
	}
	for i, m := range doc.Models {
		if len(m.Roles) > 0 && !contains(m.Roles, "chat") {
			continue
		}
		field := fmt.Sprintf("models[%d]", i)
		out.providerDefined = true
		out.match, out.model = m.Provider, m.Model
		if m.APIBase != "" {
			out.base, out.baseField = m.APIBase, field+".apiBase"
		}
		if m.APIKey != "" {
			if s := continueSecret().FindStringSubmatch(m.APIKey); s != nil {
				out.secretRefs = map[string]string{"key": s[1]}
				out.keyField = field + ".apiKey (secrets." + s[1] + ")"
			} else {
				out.key, out.keyField = m.APIKey, field+".apiKey"
			}
		}
		out.headers = sortedHeaders(m.RequestOptions.Headers)
		return nil
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
