package setup

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/unstuck-dev/unstuck/checks"
)

// clientState is what reading a client's configuration found, kept on the
// Setup (Shared) for the client-config check to report.
type clientState struct {
	spec      checks.ClientSpec
	wire      checks.ClientWire
	read      []string // files read, in precedence order
	problems  []string // files that could not be read or decoded, a CODEX_HOME that is not there
	helper    string   // apiKeyHelper command ("" when none)
	helperIn  string   // the file that names it
	helperRun bool     // it ran (--run-key-helper)
	helperErr string
	conflict  string // "ANTHROPIC_AUTH_TOKEN and ANTHROPIC_API_KEY are both set"
	// shellKey is what this shell shows for the variable the client
	// reads the key from, when the client's winner comes from elsewhere.
	shellKey, shellKeyVar string
	unread                []unreadKey // variables set that it does not send (unread_envs)
	keys                  []candidate // every key found, the winner at keys[winner]
	winner                int
	// login is the subscription sign-in the client uses instead of a key
	// (Codex with ChatGPT, OpenCode's OAuth): nothing unstuck can check.
	login     *login
	loginBase bool // the base URL is the client's own backend for that sign-in
}

type clientStateKey struct{}

func stateOf(s *checks.Setup) *clientState {
	v, _ := s.Shared(clientStateKey{}, func() any { return (*clientState)(nil) }).(*clientState)
	return v
}

// candidate is one place a key or base URL was found.
type candidate struct {
	name  string // "ANTHROPIC_API_KEY in ~/.claude/settings.json (env)"
	kind  string // key | base_url
	value string
	v     string // the variable, when it is one
	layer string // where: "the shell" or the file's label
}

// clientRead is a client's configuration, read in precedence order.
type clientRead struct {
	files    []*fileRead
	read     []string
	problems []string
}

// readClient reads every file of the client that exists, lowest
// precedence first.
func readClient(cfg checks.Config, spec checks.ClientSpec) clientRead {
	var out clientRead
	seen := map[string]bool{}
	var builtins []string
	for _, w := range spec.Wires {
		builtins = append(builtins, w.Match...)
	}
	for _, f := range spec.Files {
		path, label, movedBy, ok := expandPath(cfg, pathFor(f))
		if !ok || seen[path] {
			continue
		}
		seen[path] = true
		if movedBy != "" {
			dir := cfg.Env[movedBy]
			if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
				p := fmt.Sprintf("%s=%s is not a folder: %s will not start (unset it or create the folder)", movedBy, dir, spec.Title)
				if !slices.Contains(out.problems, p) { // said once, for all its files
					out.problems = append(out.problems, p)
				}
				continue
			}
		}
		fr, err := readClientFile(cfg, path, label, f, builtins)
		if err != nil {
			out.problems = append(out.problems, label+" "+err.Error())
			continue
		}
		if fr != nil {
			out.files = append(out.files, fr)
			out.read = append(out.read, label)
		}
	}
	return out
}

// configured reports whether the client's files set anything that decides
// the request, and the first file that does.
func (cr clientRead) configured(spec checks.ClientSpec) (string, bool) {
	for _, f := range cr.files {
		if f.layer != "secrets" && f.relevant(spec.Wires) {
			return f.label, true
		}
	}
	return "", false
}

// chooseClient is --client, or a guess from what is configured on this
// machine when no flag says where requests go.
func chooseClient(cfg checks.Config) (checks.ClientSpec, string, bool) {
	if name := strings.TrimSpace(cfg.Client); name != "" {
		if c, ok := FindClient(cfg.Clients, name); ok {
			return c, "--client " + c.Name, true
		}
		return checks.ClientSpec{}, "", false
	}
	if cfg.Provider != "" || cfg.BaseURL != "" || cfg.KeyEnv != "" || cfg.Protocol != "" {
		return checks.ClientSpec{}, "", false
	}
	var found []checks.ClientSpec
	var where string
	for _, c := range cfg.Clients {
		if len(c.Files) == 0 {
			continue
		}
		if label, ok := readClient(cfg, c).configured(c); ok {
			if len(found) == 0 {
				where = label
			}
			found = append(found, c)
		}
	}
	if len(found) == 0 {
		return checks.ClientSpec{}, "", false
	}
	reason := "guessed: " + where + " configures " + found[0].Title
	if len(found) > 1 {
		var others []string
		for _, c := range found[1:] {
			others = append(others, c.Name)
		}
		reason += " (also configured here: " + strings.Join(others, ", ") + "; pass --client to choose, or diagnose --all)"
	} else {
		reason += " (pass --client to choose another)"
	}
	return found[0], reason, true
}

// resolveClient reads the client's configuration the way it does and
// fills the Setup from it: protocol, key, base URL, model, the request's
// shape and every source found. It runs after the plain resolution, which
// it overrides where the client decides otherwise.
func resolveClient(s *checks.Setup, spec checks.ClientSpec, reason string) {
	cfg := s.Config
	st := &clientState{spec: spec}
	s.SetShared(clientStateKey{}, st)
	s.Client, s.ClientReason = spec.Name, reason

	cr := readClient(cfg, spec)
	st.read, st.problems = cr.read, cr.problems

	// The layers of variables: the shell, then each file that sets some
	// (Claude Code's "env" and aider's .env override the shell).
	type layer struct {
		label string
		vars  map[string]string
	}
	layers := []layer{{"the shell", cfg.Env}}
	secrets := map[string]string{}
	var direct fileRead // the file settings, later files winning
	direct.query = map[string]string{}
	direct.envHeaders = map[string]string{}
	logins := map[string]login{} // stored sign-ins, by provider id
	loginStore := ""
	for _, f := range cr.files {
		if f.loginStore != "" {
			loginStore = f.loginStore
		}
		if f.layer == "login" {
			for id, lg := range f.logins {
				logins[id] = lg
			}
			continue
		}
		if f.layer == "secrets" {
			for k, v := range f.env {
				secrets[k] = v
			}
			continue
		}
		if len(f.env) > 0 {
			layers = append(layers, layer{f.label + envSuffix(f), f.env})
		}
		mergeDirect(&direct, f)
	}
	merged := checks.Env{}
	from := map[string]string{}
	for _, l := range layers {
		for k, v := range l.vars {
			merged[k] = v
			from[k] = l.label
		}
	}

	s.ClientEnv = merged

	// Which of its request shapes: --protocol, what the file selects, the
	// variables that are set, else the first.
	st.wire = chooseWire(spec, cfg.Protocol, direct.match, merged)
	w := st.wire
	protocol := w.Protocol
	if direct.protocol != "" {
		protocol = direct.protocol
	}
	if p := normalProtocol(cfg.Protocol); p != "" {
		protocol = p
	}

	// The key: a key written in the file, else the variable the file
	// names, else the client's own variables in order, else its helper.
	var keys []candidate
	keyVars := w.KeyEnvs
	if direct.keyEnv != "" {
		keyVars = []string{direct.keyEnv}
	}
	if cfg.KeyEnv != "" {
		keyVars = []string{cfg.KeyEnv}
	}
	if ref := direct.secretRefs["key"]; ref != "" {
		if v := secrets[ref]; v != "" {
			direct.key = v
		} else if v := cfg.Env[ref]; v != "" {
			direct.key = v
		} else {
			st.problems = append(st.problems, direct.keyField+" names a secret that is set nowhere (not in ~/.continue/.env)")
		}
	}
	if direct.key != "" {
		keys = append(keys, candidate{name: direct.keyField + " in " + direct.label, kind: "key", value: direct.key, layer: direct.label})
	}
	for _, v := range keyVars {
		for i := len(layers) - 1; i >= 0; i-- {
			if val := layers[i].vars[v]; val != "" {
				keys = append(keys, candidate{name: v + " in " + layers[i].label, kind: "key", value: val, v: v, layer: layers[i].label})
			}
		}
	}
	// A stored sign-in (auth.json) for the provider in use comes before
	// the variables, when the configuration names no key of its own:
	// Codex's built-in OpenAI provider, OpenCode's provider without apiKey.
	if direct.key == "" && direct.keyEnv == "" && cfg.KeyEnv == "" {
		id := direct.providerID
		if id == "" {
			id = direct.match
		}
		if id == "" {
			id = w.ID
		}
		lg, ok := logins[id]
		if !ok && !direct.providerDefined {
			lg, ok = logins[builtinProvider]
		}
		switch {
		case ok && lg.key != "":
			keys = append([]candidate{{name: lg.field + " in " + lg.label, kind: "key", value: lg.key, layer: lg.label}}, keys...)
		case ok:
			st.login = &lg
		case loginStore == "keyring" && len(keys) == 0:
			st.login = &login{label: "the system keyring (cli_auth_credentials_store = \"keyring\")", what: "a stored sign-in"}
		}
	}
	winner := -1
	if len(keys) > 0 && st.login == nil {
		winner = 0 // the file's key, else the first variable's highest layer
	}
	if direct.helper != "" {
		st.helper, st.helperIn = direct.helper, direct.helperLabel
	}

	s.Key, s.KeyEnv, s.KeySource = checks.Secret{}, "", ""
	switch {
	case winner >= 0:
		k := keys[winner]
		s.Key = checks.NewSecret(k.value)
		s.KeyEnv = k.v
		if k.v == "" {
			s.KeyEnv = strings.TrimSuffix(k.name, " in "+k.layer)
		}
		s.KeySource = k.layer
		if k.layer == "the shell" {
			s.KeySource = "environment"
		}
	case st.helper != "" && cfg.RunKeyHelper:
		st.helperRun = true
		key, err := runKeyHelper(st.helper, cfg.Timeout, workDir(cfg))
		if err != nil {
			st.helperErr = err.Error()
		} else {
			s.Key = checks.NewSecret(key)
			s.KeyEnv, s.KeySource = "apiKeyHelper", st.helperIn
			keys = append(keys, candidate{name: "apiKeyHelper in " + st.helperIn, kind: "key", value: key, layer: st.helperIn})
			winner = len(keys) - 1
		}
	case st.login != nil:
		s.KeySource = st.login.label
	default:
		if len(keyVars) > 0 {
			s.KeyEnv = keyVars[0]
		}
	}
	if len(keyVars) == 0 && winner < 0 && direct.keyField != "" {
		s.KeyEnv = direct.keyField
	}
	// Variables it does not send (unread_envs): for the wire's own
	// provider, when the configuration names no key variable of its own.
	for _, u := range w.UnreadEnvs {
		if direct.providerDefined || direct.keyEnv != "" || cfg.KeyEnv != "" {
			break
		}
		if val := merged[u.Env]; val != "" && !slices.Contains(keyVars, u.Env) {
			st.unread = append(st.unread, unreadKey{env: u.Env, why: u.Why, layer: from[u.Env], value: val})
		}
	}
	// What this shell shows for the client's variable, when the client
	// takes its key from elsewhere: the "I changed it but nothing changed".
	shown := slices.Clone(keyVars)
	for _, u := range st.unread {
		shown = append(shown, u.env)
	}
	if winner >= 0 && keys[winner].layer != "the shell" {
		for _, v := range shown {
			if val := cfg.Env[v]; val != "" && val != keys[winner].value {
				st.shellKey, st.shellKeyVar = val, v
				break
			}
		}
	}
	for _, group := range spec.Conflicts {
		var set []string
		for _, v := range group {
			if merged[v] != "" {
				set = append(set, v)
			}
		}
		if len(set) > 1 {
			st.conflict = strings.Join(set, " and ") + " are both set"
		}
	}

	// The base URL: --base-url, the file's, the variables, the default.
	var bases []candidate
	if cfg.BaseURL != "" {
		bases = append(bases, candidate{name: "--base-url", kind: "base_url", value: cfg.BaseURL, layer: "--base-url"})
	}
	if direct.base != "" {
		b := direct.base
		if m := opencodeEnvRef().FindStringSubmatch(b); m != nil {
			b = merged[m[1]]
		}
		if b != "" {
			bases = append(bases, candidate{name: direct.baseField + " in " + direct.baseLabel, kind: "base_url", value: b, layer: direct.baseLabel})
		}
	}
	for _, v := range w.BaseURLEnvs {
		for i := len(layers) - 1; i >= 0; i-- {
			if val := layers[i].vars[v]; val != "" {
				bases = append(bases, candidate{name: v + " in " + layers[i].label, kind: "base_url", value: val, v: v, layer: layers[i].label})
			}
		}
	}
	s.BaseURL, s.BaseURLSource = "", ""
	switch {
	case len(bases) > 0:
		s.BaseURL = bases[0].value
		s.BaseURLSource = bases[0].name
	case st.login != nil && w.LoginBaseURL != "":
		s.BaseURL, s.BaseURLSource = w.LoginBaseURL, spec.Title+"'s backend for "+st.login.what
		st.loginBase = true
	case w.DefaultBaseURL != "":
		s.BaseURL, s.BaseURLSource = w.DefaultBaseURL, spec.Title+"'s default"
	}

	// The model and the background model.
	s.Model, s.ModelSource = "", ""
	switch {
	case cfg.Model != "":
		s.Model, s.ModelSource = cfg.Model, "--model"
	default:
		if n, v := firstSet(merged, spec.ModelEnvs); n != "" {
			s.Model, s.ModelSource = v, n+" in "+from[n]
		} else if direct.model != "" {
			s.Model, s.ModelSource = stripModelPrefix(direct.model, w), direct.modelLabel
		}
	}
	small := ""
	if n, v := firstSet(merged, spec.SmallModelEnvs); n != "" {
		small = v
	} else if direct.smallModel != "" {
		small = direct.smallModel
	}

	// The request's shape.
	auth := w.AuthDefault
	if a := w.Auth[s.KeyEnv]; a != "" {
		auth = a
	}
	headers := sortedHeaders(w.Headers)
	for _, h := range sortedHeaders(w.EnvHeaders) {
		if v := merged[h.Value]; v != "" {
			headers = append(headers, checks.Header{Name: h.Name, Value: v})
		}
	}
	headers = append(headers, direct.headers...)
	for _, h := range sortedHeaders(direct.envHeaders) {
		if v := merged[h.Value]; v != "" {
			headers = append(headers, checks.Header{Name: h.Name, Value: v})
		}
	}
	query := map[string]string{}
	for k, v := range direct.query {
		query[k] = v
	}
	s.Shape = checks.RequestShape{
		Path:       w.Path,
		Auth:       auth,
		Headers:    headers,
		Stream:     w.Stream,
		AlsoCalls:  slices.Clone(w.AlsoCalls),
		SmallModel: small,
	}
	if len(query) > 0 {
		s.Shape.Query = query
	}
	if protocol != w.Protocol && direct.protocol == checks.ProtocolOpenAI {
		s.Shape.Path = "/chat/completions" // Codex's old wire_api = "chat"
	}
	s.Protocol = protocol
	s.Headers = append(append([]checks.Header{}, s.Config.Headers...), headers...)

	st.keys, st.winner = keys, winner

	// Every source, with which one is used and why.
	s.Origins = origins(keys, winner, spec, "key")
	if lg := st.login; lg != nil {
		for i := range s.Origins {
			s.Origins[i].Why = "not used: " + spec.Title + " uses its sign-in in " + lg.label
		}
		s.Origins = append([]checks.Source{{Name: lg.what + " in " + lg.label, Kind: "key", Used: true,
			Why: spec.Title + " uses its stored sign-in: a subscription login, not an API key; unstuck cannot check it"}}, s.Origins...)
	}
	baseWinner := -1
	if len(bases) > 0 {
		baseWinner = 0
	}
	s.Origins = append(s.Origins, origins(bases, baseWinner, spec, "base_url")...)
	if len(bases) == 0 && s.BaseURL != "" {
		s.Origins = append(s.Origins, checks.Source{Name: s.BaseURLSource, Kind: "base_url", Fingerprint: displayURL(s.BaseURL), Used: true, Why: "nothing else sets one"})
	}
	for _, u := range st.unread {
		s.Origins = append(s.Origins, checks.Source{Name: u.env + " in " + u.layer, Kind: "key", Fingerprint: checks.Fingerprint(u.value), Why: "not used: " + u.why})
		s.Redactor.Add(u.value)
	}
	if st.helper != "" && !st.helperRun {
		s.Origins = append(s.Origins, checks.Source{Name: "apiKeyHelper in " + st.helperIn, Kind: "key", Used: false, Why: helperWhy(winner >= 0)})
	}

	// Secrets the redactor must know.
	for _, k := range keys {
		s.Redactor.Add(k.value)
	}
	for _, h := range headers {
		if checks.IsCredentialHeader(h.Name) {
			s.Redactor.Add(h.Value)
		}
	}
	for _, b := range bases {
		for _, secret := range urlSecrets(b.value) {
			s.Redactor.Add(secret)
		}
	}
	for k, v := range query {
		if secretName(k) {
			s.Redactor.Add(v)
		}
	}
	for _, l := range layers[1:] {
		for name, v := range l.vars {
			if checks.SecretVar(name, v) {
				s.Redactor.Add(v)
			}
		}
	}
	for name, v := range secrets {
		if checks.SecretVar(name, v) || name == direct.secretRefs["key"] {
			s.Redactor.Add(v)
		}
	}
	s.Redactor.Add(st.shellKey)
}

// unreadKey is a variable set here that the client does not send.
type unreadKey struct{ env, why, layer, value string }

// clientEndpoints builds the request and models URLs as the client does.
func clientEndpoints(s *checks.Setup) {
	s.Endpoint, s.ModelsURL = "", ""
	if s.BaseURL == "" {
		return
	}
	if ep, err := clientURL(s.BaseURL, s.Shape.Path, s.Shape.Query); err == nil {
		s.Endpoint = ep
	}
	if s.Profile.HasModelsList {
		if mu, err := clientURL(s.BaseURL, modelsPath(s.Shape.Path), nil); err == nil {
			s.ModelsURL = mu
		}
	}
}

func helperWhy(keyWins bool) string {
	if keyWins {
		return "not run: a key variable comes first"
	}
	return "not run: it is a command from a settings file; pass --run-key-helper to let it run"
}

// origins turns candidates into evidence.sources: the winner used, each
// other shadowed by it.
func origins(cands []candidate, winner int, spec checks.ClientSpec, kind string) []checks.Source {
	out := make([]checks.Source, 0, len(cands))
	for i, c := range cands {
		src := checks.Source{Name: c.name, Kind: kind}
		if kind == "key" {
			src.Fingerprint = checks.Fingerprint(c.value)
		} else {
			src.Fingerprint = displayURL(c.value)
		}
		switch {
		case i == winner:
			src.Used = true
			src.Why = spec.Title + " uses this one: " + winWhy(cands, i)
		case winner >= 0 && cands[winner].v != "" && cands[winner].v == c.v:
			src.Why = "overridden by " + cands[winner].layer
		case winner >= 0:
			src.Why = "shadowed by " + cands[winner].name
		default:
			src.Why = "not used"
		}
		out = append(out, src)
	}
	return out
}

func winWhy(cands []candidate, i int) string {
	c := cands[i]
	var over []string
	for j, o := range cands {
		if j != i && o.v != "" && o.v == c.v {
			over = append(over, o.layer)
		}
	}
	switch {
	case c.layer == "--base-url":
		return "given on the command line"
	case c.v == "":
		return "the configuration file sets it, ahead of any variable"
	case len(over) > 0:
		return c.layer + " overrides " + strings.Join(over, " and ")
	case len(cands) > 1:
		return c.v + " comes first in the order it reads them"
	}
	return "the only place it is set"
}

// envSuffix labels a file's variables: "(env)" for Claude Code's env
// object, nothing for a .env file.
func envSuffix(f *fileRead) string {
	if strings.HasSuffix(f.label, ".json") {
		return " (env)"
	}
	return ""
}

// mergeDirect lays a later file's settings over the earlier ones'.
func mergeDirect(d *fileRead, f *fileRead) {
	if f.key != "" || f.secretRefs != nil {
		d.key, d.keyField, d.label, d.secretRefs = f.key, f.keyField, f.label, f.secretRefs
	}
	if f.keyEnv != "" {
		d.keyEnv, d.keyEnvField = f.keyEnv, f.keyEnvField
	}
	if f.base != "" {
		d.base, d.baseField, d.baseLabel = f.base, f.baseField, f.label
	}
	if f.model != "" {
		d.model, d.modelLabel = f.model, f.label
	}
	if f.smallModel != "" {
		d.smallModel = f.smallModel
	}
	if f.match != "" {
		d.match = f.match
	}
	if f.protocol != "" {
		d.protocol = f.protocol
	}
	if f.helper != "" {
		d.helper, d.helperLabel = f.helper, f.label
	}
	if len(f.headers) > 0 {
		d.headers = f.headers
	}
	for k, v := range f.envHeaders {
		d.envHeaders[k] = v
	}
	for k, v := range f.query {
		d.query[k] = v
	}
}

// chooseWire picks the client's request shape.
func chooseWire(spec checks.ClientSpec, protocolFlag, match string, env checks.Env) checks.ClientWire {
	if p := normalProtocol(protocolFlag); p != "" {
		for _, w := range spec.Wires {
			if w.Protocol == p {
				return w
			}
		}
	}
	if match != "" {
		m := strings.ToLower(match)
		prefix, _, _ := strings.Cut(m, "/")
		for _, w := range spec.Wires {
			for _, x := range w.Match {
				x = strings.ToLower(x)
				if m == x || prefix == x || strings.HasPrefix(m, x) {
					return w
				}
			}
		}
	}
	for _, w := range spec.Wires {
		if n, _ := firstSet(env, w.KeyEnvs); n != "" {
			return w
		}
	}
	return spec.Wires[0]
}

// stripModelPrefix drops a LiteLLM-style provider prefix the client strips
// before the request goes out ("openai/gpt-4o-mini" → "gpt-4o-mini").
func stripModelPrefix(model string, w checks.ClientWire) string {
	prefix, rest, ok := strings.Cut(model, "/")
	if !ok {
		return model
	}
	if slices.Contains(w.Match, prefix) || prefix == w.ID {
		return rest
	}
	return model
}

// clientURL is base + path (which may carry a query) + query, built as the
// clients do: one trailing slash of the base dropped, the path appended.
func clientURL(base, path string, query map[string]string) (string, error) {
	p, q, _ := strings.Cut(path, "?")
	proto := checks.ProtocolOpenAI
	if p == "" {
		p = "/chat/completions"
	}
	ep, err := ComposeURL(base, proto, p)
	if err != nil {
		return "", err
	}
	u, err := url.Parse(ep)
	if err != nil {
		return "", err
	}
	vals := u.Query()
	if q != "" {
		extra, _ := url.ParseQuery(q)
		for k, vs := range extra {
			vals[k] = vs
		}
	}
	for k, v := range query {
		vals.Set(k, v)
	}
	if len(vals) > 0 {
		return strings.SplitN(ep, "?", 2)[0] + "?" + vals.Encode(), nil
	}
	return ep, nil
}

// modelsPath is where the client's models list lives: where its endpoint's
// family does, the endpoint cut off (/v1/messages → /v1/models,
// /chat/completions → /models, /responses → /models).
func modelsPath(path string) string {
	p, _, _ := strings.Cut(path, "?")
	for _, ep := range []string{"/chat/completions", "/completions", "/messages", "/responses"} {
		if strings.HasSuffix(p, ep) {
			return strings.TrimSuffix(p, ep) + "/models"
		}
	}
	i := strings.LastIndex(p, "/")
	if i < 0 {
		return "/models"
	}
	return p[:i] + "/models"
}

// helperCap bounds what a key helper may print.
const helperCap = 64 << 10

// runKeyHelper runs Claude Code's apiKeyHelper as it does (a shell
// command), bounded in time and output. The key is its output's first
// line; the error never holds the output.
func runKeyHelper(command string, timeout time.Duration, dir string) (string, error) {
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var cmd *exec.Cmd
	if runtime.GOOS == "windows" {
		cmd = exec.CommandContext(ctx, "cmd", "/C", command)
	} else {
		cmd = exec.CommandContext(ctx, "/bin/sh", "-c", command)
	}
	cmd.Dir = dir
	cmd.WaitDelay = time.Second // a child that keeps the pipe open cannot hold us
	var out limitedBuffer
	out.limit = helperCap
	cmd.Stdout = &out
	cmd.Stderr = nil
	err := cmd.Run()
	switch {
	case ctx.Err() != nil:
		return "", fmt.Errorf("gave no key within %s and was stopped", timeout)
	case err != nil:
		return "", fmt.Errorf("failed (%s)", exitText(err))
	case out.over:
		return "", fmt.Errorf("printed more than %d KiB: that is not a key", helperCap>>10)
	}
	key, _, _ := strings.Cut(strings.TrimSpace(out.buf.String()), "\n")
	key = strings.TrimSpace(key)
	switch {
	case key == "":
		return "", fmt.Errorf("printed nothing")
	case strings.IndexFunc(key, func(r rune) bool { return unicode.IsControl(r) || r == ' ' }) >= 0:
		return "", fmt.Errorf("printed something that is not a key (spaces or control characters)")
	}
	return key, nil
}

func exitText(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return fmt.Sprintf("exit status %d", ee.ExitCode())
	}
	return plainErr(err)
}

type limitedBuffer struct {
	buf   bytes.Buffer
	limit int
	over  bool
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.limit - b.buf.Len(); room < len(p) {
		b.over = true
		if room > 0 {
			b.buf.Write(p[:room])
		}
		return len(p), nil
	}
	return b.buf.Write(p)
}

// Configured lists the clients set up on this machine, in clients.yaml
// order: those whose files configure a key, a base URL or a provider, and
// those without files whose key variable this shell sets. It reads files:
// call it off the wizard's first frame.
func Configured(cfg checks.Config) []string {
	var out []string
	for _, c := range cfg.Clients {
		if len(c.Files) > 0 {
			if _, ok := readClient(cfg, c).configured(c); ok {
				out = append(out, c.Name)
			}
			continue
		}
		for _, w := range c.Wires {
			if n, _ := firstSet(cfg.Env, w.KeyEnvs); n != "" {
				out = append(out, c.Name)
				break
			}
		}
	}
	return out
}

// SetupID is what makes two setups the same: the request that would be
// sent (its URL and auth header) and the key. Two clients with one
// SetupID are checked once.
func SetupID(s *checks.Setup) string {
	return s.Protocol + " " + s.Endpoint + " " + s.Shape.Auth + " " + checks.Fingerprint(s.Key.Reveal())
}
