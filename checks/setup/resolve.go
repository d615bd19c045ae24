// Package setup resolves the user's setup the way their client would (which
// profile, which key from which source, which base URL, the exact request URL)
// and runs the configuration checks on it: no network, only the environment,
// .env files and shell profiles. It knows nothing of HTTP; checks/probe does.
package setup

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/unstuck-dev/unstuck/checks"
)

// Resolve works out the user's configuration exactly as their client would:
// which profile, which variable holds the key and its value in the process
// environment (an SDK never reads .env by itself), every other place a key
// was found, the base URL and the request URL the SDK builds. It never fails
// and never panics: problems are left for the checks to report.
func Resolve(cfg checks.Config) *checks.Setup {
	if cfg.Env == nil {
		cfg.Env = checks.Env{}
	}
	s := &checks.Setup{Config: cfg, Headers: cfg.Headers, Redactor: checks.NewRedactor()}

	protocolFlag := normalProtocol(cfg.Protocol)
	s.Profile, s.ProfileReason = chooseProfile(cfg, protocolFlag)
	s.Protocol = protocolFlag
	if s.Protocol == "" {
		s.Protocol = normalProtocol(s.Profile.Protocol)
	}
	if s.Protocol == "" {
		s.Protocol = checks.ProtocolOpenAI
	}

	s.EnvFilePath = findEnvFile(cfg)
	var envLines map[string]int
	if s.EnvFilePath != "" {
		if data, err := readCapped(s.EnvFilePath, envFileCap); err == nil {
			s.EnvFileVars, envLines = loadEnvFile(data)
		}
	}

	resolveKey(s, envLines)
	resolveBaseURL(s)
	resolveModel(s)
	geminiEndpoint(s)
	resolveDeployment(s) // azure.go: the deployment in the path
	fillRedactor(s)

	// The tool or library whose configuration decides what is sent:
	// --client, else what is configured here. Its files override the
	// plain SDK reading above.
	if spec, reason, ok := chooseClient(cfg); ok {
		resolveClient(s, spec, reason)
		if cfg.Provider == "" {
			pc := clientProfileConfig(s)
			if st := stateOf(s); st != nil && st.loginBase {
				// The sign-in's backend belongs to the provider of the
				// client's default address (ChatGPT's is OpenAI's).
				pc.BaseURL = st.wire.DefaultBaseURL
			}
			s.Profile, s.ProfileReason = chooseProfile(pc, sdkFamily(s.Protocol))
		}
		clientEndpoints(s)
	} else if name := strings.TrimSpace(cfg.Client); name != "" {
		s.Client, s.ClientReason = name, "--client "+name+" (no such client: plain SDK defaults)"
	}
	return s
}

// clientProfileConfig is the configuration the profile is guessed from
// when a client decided the base URL and the key: what it will send.
func clientProfileConfig(s *checks.Setup) checks.Config {
	cfg := s.Config
	env := checks.Env{}
	for k, v := range cfg.Env {
		env[k] = v
	}
	if s.KeyEnv != "" && !s.Key.Empty() {
		env[s.KeyEnv] = s.Key.Reveal()
	}
	cfg.Env = env
	cfg.BaseURL = s.BaseURL
	return cfg
}

// sdkFamily is the protocol whose SDK variables and profiles apply:
// the Responses API is OpenAI's; Gemini's native API is its own.
func sdkFamily(protocol string) string {
	if protocol == checks.ProtocolResponses {
		return checks.ProtocolOpenAI
	}
	return protocol
}

// normalProtocol is the request shape a --protocol value names, "" when
// it names none: each is judged as itself (its paths, its base-URL rule,
// its SDK's variables), never folded into another.
func normalProtocol(p string) string {
	switch p = strings.ToLower(strings.TrimSpace(p)); p {
	case checks.ProtocolOpenAI, checks.ProtocolAnthropic, checks.ProtocolResponses, checks.ProtocolGemini:
		return p
	}
	return ""
}

// reasonNoProfiles starts the reason of the profile used without any.
const reasonNoProfiles = "no profiles loaded"

func chooseProfile(cfg checks.Config, protocolFlag string) (checks.Profile, string) {
	if name := strings.TrimSpace(cfg.Provider); name != "" {
		if p, ok := FindProfile(cfg.Profiles, name); ok {
			return p, "--provider " + p.Name
		}
		return fallbackProfile(cfg.Profiles, strings.ToLower(name), protocolFlag),
			"--provider " + name + " (no such profile; treated as an OpenAI-compatible server)"
	}
	if len(cfg.Profiles) == 0 {
		return fallbackProfile(nil, "", protocolFlag), reasonNoProfiles + "; assuming an OpenAI-compatible server"
	}
	return guessProfile(cfg, cfg.Profiles, protocolFlag)
}

// resolveKey picks the variable the client reads and records every source.
func resolveKey(s *checks.Setup, envLines map[string]int) {
	env := s.Config.Env
	own := clientKeyVars(s)
	switch {
	case s.Config.KeyEnv != "":
		s.KeyEnv = s.Config.KeyEnv
	default:
		if name, _ := firstSet(env, own); name != "" {
			s.KeyEnv = name
		} else if len(own) > 0 {
			s.KeyEnv = own[0]
		}
	}
	if v := env[s.KeyEnv]; v != "" {
		s.Key = checks.NewSecret(v)
		s.KeySource = "environment"
	}

	// Every variable this client may read, then other profiles' variables:
	// the key-sources check compares the first group, the key-present check
	// uses the second for hints.
	names := own
	for _, p := range s.Config.Profiles {
		names = append(names, p.KeyEnvs...)
	}
	for _, n := range unique(names) {
		if v := env[n]; v != "" {
			s.Sources = append(s.Sources, checks.KeySource{Where: "environment", Name: n, Value: checks.NewSecret(v)})
		}
		if v := s.EnvFileVars[n]; v != "" {
			s.Sources = append(s.Sources, checks.KeySource{Where: ".env", Name: n, Value: checks.NewSecret(v), Line: envLines[n]})
		}
	}
	s.Sources = append(s.Sources, shellProfileSources(env, own)...)
}

// clientKeyVars are the variables the user's client may take the key from,
// in the order it tries them.
func clientKeyVars(s *checks.Setup) []string {
	vars := keyVarsOf(s.Profile, s.Protocol)
	if s.Config.KeyEnv != "" {
		vars = unique(append([]string{s.Config.KeyEnv}, vars...))
	}
	return vars
}

// resolveBaseURL applies the order the SDKs use: explicit value, then the
// variables, then the built-in default.
func resolveBaseURL(s *checks.Setup) {
	switch {
	case s.Config.BaseURL != "":
		s.BaseURL, s.BaseURLSource = s.Config.BaseURL, "--base-url"
	default:
		if name, v := firstSet(s.Config.Env, baseURLVarsOf(s.Profile, s.Protocol)); name != "" {
			s.BaseURL, s.BaseURLSource = v, name
			if name == geminiBaseURLEnv && s.Protocol == checks.ProtocolGemini {
				s.BaseURL, s.BaseURLSource = geminiRootURL(v, s.Config.Env)
			}
			// Heroku documents INFERENCE_URL as a bare host and tells apps to
			// add /v1; only the profile's own variables carry that convention.
			if suf := s.Profile.BaseURLEnvSuffix; suf != "" && slices.Contains(s.Profile.BaseURLEnvs, name) {
				if u, problem := parseBaseURL(v); problem == "" && strings.Trim(u.Path, "/") == "" {
					s.BaseURL = strings.TrimRight(v, "/") + suf
					s.BaseURLSource = name + " + " + suf
				}
			}
		} else if name, v := firstSet(s.Config.Env, s.Profile.HostEnvs); name != "" && hostEnvURL(v, s.Profile) != "" {
			// A local server's own address variable (OLLAMA_HOST), read
			// the way that server's client reads it.
			s.BaseURL, s.BaseURLSource = hostEnvURL(v, s.Profile), name
		} else if s.Protocol == checks.ProtocolGemini {
			// Gemini's native API is not at the OpenAI-compatible default.
			if s.Profile.NativeBaseURL != "" {
				s.BaseURL, s.BaseURLSource = s.Profile.NativeBaseURL, "profile default (native API)"
			}
		} else if s.Profile.DefaultBaseURL != "" {
			s.BaseURL, s.BaseURLSource = s.Profile.DefaultBaseURL, "profile default"
		}
	}
	if s.BaseURL == "" {
		return
	}
	if ep, err := ComposeURL(s.BaseURL, s.Protocol, PathChat); err == nil {
		s.Endpoint = ep
	}
	if s.Profile.HasModelsList || s.Protocol == checks.ProtocolGemini {
		if mu, err := ComposeURL(s.BaseURL, s.Protocol, PathModels); err == nil {
			s.ModelsURL = mu
		}
	}
}

// geminiRootURL is GOOGLE_GEMINI_BASE_URL as the genai SDKs read it: a
// root to which they add the API version (GOOGLE_GENAI_API_VERSION, else
// v1beta). It returns the base URL and where it came from.
func geminiRootURL(v string, env checks.Env) (string, string) {
	version := strings.Trim(strings.TrimSpace(env[geminiAPIVersionEnv]), "/")
	from := geminiBaseURLEnv + " + /"
	if version == "" {
		version = geminiAPIVersion
	} else {
		from = geminiBaseURLEnv + " + " + geminiAPIVersionEnv + " /"
	}
	return strings.TrimRight(v, "/") + "/" + version, from + version
}

// geminiEndpoint is the URL of Gemini's native generateContent for the
// model: the path names the model, so it is known only once the model is.
func geminiEndpoint(s *checks.Setup) {
	if s.Protocol != checks.ProtocolGemini || s.BaseURL == "" || s.Model == "" {
		return
	}
	if ep, err := ComposeURL(s.BaseURL, s.Protocol, GeminiModelPath(s.Model)); err == nil {
		s.Endpoint = ep
	}
}

// GeminiModelPath is the native API's path for a model's generateContent.
func GeminiModelPath(model string) string {
	return "/models/" + strings.TrimPrefix(strings.TrimSpace(model), "models/") + ":generateContent"
}

func resolveModel(s *checks.Setup) {
	if s.Config.Model != "" {
		s.Model, s.ModelSource = s.Config.Model, "--model"
		return
	}
	if name, v := firstSet(s.Config.Env, s.Profile.ModelEnvs); name != "" {
		s.Model, s.ModelSource = v, name
	}
}

// fillRedactor teaches the redactor every secret we know of: each key
// source, credential header values, credentials inside the base URL, and any
// variable whose name says it holds a secret, unless its value cannot be one
// (a path, a boolean, a number: checks.SecretVar).
func fillRedactor(s *checks.Setup) {
	r := s.Redactor
	for _, src := range s.Sources {
		r.Add(src.Value.Reveal())
	}
	r.Add(s.Key.Reveal())
	for _, h := range s.Headers {
		if checks.IsCredentialHeader(h.Name) {
			r.Add(h.Value)
		}
	}
	for _, secret := range urlSecrets(s.BaseURL) {
		r.Add(secret)
	}
	for _, vars := range []map[string]string{s.Config.Env, s.EnvFileVars} {
		for name, v := range vars {
			if checks.SecretVar(name, v) {
				r.Add(v)
			}
		}
	}
}

// secretName is checks.SecretName: a name that says it holds a credential.
func secretName(name string) bool { return checks.SecretName(name) }

// findEnvFile returns the .env to inspect: --env-file (relative to the
// working directory), else the nearest .env from the working directory up,
// which is where python-dotenv's find_dotenv and most tools look.
func findEnvFile(cfg checks.Config) string {
	dir := cfg.WorkDir
	if dir == "" {
		if wd, err := os.Getwd(); err == nil {
			dir = wd
		}
	}
	if cfg.EnvFile != "" {
		p := cfg.EnvFile
		if !filepath.IsAbs(p) && dir != "" {
			p = filepath.Join(dir, p)
		}
		return p
	}
	if dir == "" {
		return ""
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for i := 0; i < 64; i++ {
		p := filepath.Join(dir, ".env")
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return ""
}

// keyEvidence is the key as the JSON contract shows it:
// "sk-p…x9Qa (51 chars, from OPENAI_API_KEY)".
func keyEvidence(key checks.Secret, from string) string {
	fp := checks.Fingerprint(key.Reveal())
	if from == "" {
		return fp
	}
	if strings.HasSuffix(fp, ")") {
		return fp[:len(fp)-1] + ", from " + from + ")"
	}
	return fp + " (from " + from + ")"
}

// newResult starts a result with the fields every configuration check fills.
func newResult(s *checks.Setup, id, title string) checks.Result {
	return checks.Result{
		ID:    id,
		Title: title,
		Evidence: checks.Evidence{
			Provider: s.Profile.Name,
			Protocol: s.Protocol,
			Model:    s.Model,
		},
	}
}

// plural is "1 line" / "3 lines".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
