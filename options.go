package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/checks/setup"
	"github.com/unstuck-dev/unstuck/content"
	"github.com/unstuck-dev/unstuck/internal/typo"
)

// options are the flags shared by the wizard and diagnose (INTERFACE.md).
// Each has an environment default through the provider profile, which
// checks.Resolve applies: a flag left empty means "as the user's SDK would".
type options struct {
	provider, protocol, baseURL, keyEnv, model, envFile, mcpURL string
	headers                                                     headerList
	noRequest, jsonOut                                          bool
	client                                                      string // --client
	runKeyHelper, all                                           bool   // --run-key-helper; --all (diagnose)
	timeout                                                     time.Duration
	reportFile                                                  string
	// fromEnv maps each flag an UNSTUCK_* variable set to that variable,
	// so a bad value is reported under the name the user gave it.
	fromEnv map[string]string
}

// envDefaults are the UNSTUCK_* variables: defaults for the flags that no
// profile variable (OPENAI_BASE_URL, …) sets. A flag on the command line
// beats its variable; an empty variable is unset. UNSTUCK_CLIENT is kept
// for --client: it applies to a command once that takes the flag.
var envDefaults = []struct{ flag, env string }{
	{"provider", "UNSTUCK_PROVIDER"},
	{"protocol", "UNSTUCK_PROTOCOL"},
	{"client", "UNSTUCK_CLIENT"},
	{"env-file", "UNSTUCK_ENV_FILE"},
	{"mcp-url", "UNSTUCK_MCP_URL"},
	{"no-request", "UNSTUCK_NO_REQUEST"},
	{"timeout", "UNSTUCK_TIMEOUT"},
	{"json", "UNSTUCK_JSON"},
	{"report", "UNSTUCK_REPORT"},
}

// applyEnv sets, after parsing, each flag fs takes that the command line
// left alone from its UNSTUCK_* variable. It returns which flags it set.
func applyEnv(fs *flag.FlagSet) (map[string]string, error) {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	set := map[string]string{}
	for _, d := range envDefaults {
		f := fs.Lookup(d.flag)
		v := os.Getenv(d.env)
		if f == nil || given[d.flag] || v == "" {
			continue
		}
		if err := fs.Set(d.flag, v); err != nil {
			switch {
			case d.flag == "timeout":
				return nil, usageError{fmt.Sprintf("%s wants a duration like 10s, 500ms or 1m, got %q", d.env, v)}
			case isBoolFlag(f):
				return nil, usageError{fmt.Sprintf("%s wants 1, true, 0 or false, got %q", d.env, v)}
			}
			return nil, usageError{fmt.Sprintf("%s: %q is not a valid value", d.env, v)}
		}
		set[d.flag] = d.env
	}
	return set, nil
}

// parseWithEnv is parse, then the UNSTUCK_* defaults.
func parseWithEnv(fs *flag.FlagSet, args []string) (map[string]string, error) {
	if err := parse(fs, args); err != nil {
		return nil, err
	}
	return applyEnv(fs)
}

// named is how a usage error names a flag's value: by its variable when an
// UNSTUCK_* variable gave it, else as the flag.
func (o *options) named(flag string) string {
	if env := o.fromEnv[flag]; env != "" {
		return env
	}
	return "--" + flag
}

// headerList is the repeatable --header "Name: value" flag.
type headerList []checks.Header

func (h *headerList) String() string { return fmt.Sprint(len(*h), " headers") }

func (h *headerList) Set(v string) error {
	name, value, ok := strings.Cut(v, ":")
	name = strings.TrimSpace(name)
	if !ok || name == "" || strings.ContainsAny(name, " \t\r\n") {
		return errors.New(`want "Name: value"`)
	}
	*h = append(*h, checks.Header{Name: name, Value: strings.TrimSpace(value)})
	return nil
}

// providerNames are the names --provider takes: every profile in
// content/profiles.yaml, in file order. Nothing here lists them, so a
// profile appended to the file is a provider at once.
func providerNames() []string {
	profiles, err := content.Profiles()
	if err != nil {
		return nil // loadContent reports the broken file
	}
	return setup.ProfileNames(profiles)
}

// clientNames are the names --client takes: every client in
// content/clients.yaml, in file order.
func clientNames() []string {
	clients, err := content.Clients()
	if err != nil {
		return nil
	}
	return setup.ClientNames(clients)
}

// nearestName is the name closest to s when it is close enough to be a
// typo ("claud-code"), else "".
func nearestName(names []string, s string) string {
	best, dist := "", -1
	for _, n := range names {
		if d := typo.Distance(strings.ToLower(s), n); dist < 0 || d < dist {
			best, dist = n, d
		}
	}
	if dist < 0 || dist > 3 || dist*2 > len(best) {
		return ""
	}
	return best
}

func (o *options) register(fs *flag.FlagSet, withReport bool) {
	fs.StringVar(&o.provider, "provider", "", "provider profile, see --help (default: guessed)")
	fs.StringVar(&o.protocol, "protocol", "", "request shape your client sends: "+strings.Join(protocols, " or ")+" (default: from the profile)")
	fs.StringVar(&o.baseURL, "base-url", "", "the base URL you give your SDK, exactly as written (default: $OPENAI_BASE_URL, … by profile)")
	fs.StringVar(&o.keyEnv, "key-env", "", "the environment variable that holds the key (default: by profile, e.g. OPENAI_API_KEY)")
	fs.StringVar(&o.model, "model", "", "the model ID you call (default: by profile, e.g. $INFERENCE_MODEL_ID)")
	fs.Var(&o.headers, "header", `extra header your client sends, "Name: value" (repeatable)`)
	fs.StringVar(&o.envFile, "env-file", "", "the .env to inspect (default: the nearest .env from here up)")
	fs.StringVar(&o.mcpURL, "mcp-url", "", "an MCP server URL to check for reachability")
	fs.BoolVar(&o.noRequest, "no-request", false, "send nothing that could be billed (the free models list may still run)")
	fs.DurationVar(&o.timeout, "timeout", 10*time.Second, "bound for each network step")
	fs.BoolVar(&o.jsonOut, "json", false, "print one JSON object instead of the rendered report")
	fs.StringVar(&o.client, "client", "", "the tool or library you run, whose configuration decides what is sent (default: guessed from what is configured here)")
	fs.BoolVar(&o.runKeyHelper, "run-key-helper", false, "allow running a client's configured key helper command (Claude Code's apiKeyHelper)")
	if withReport {
		fs.StringVar(&o.reportFile, "report", "", "also write a redacted support report (markdown) to this file")
		fs.BoolVar(&o.all, "all", false, "diagnose every client and provider configured on this machine, concurrently")
	}
}

// protocols are the request shapes --protocol takes.
var protocols = []string{checks.ProtocolOpenAI, checks.ProtocolAnthropic, checks.ProtocolResponses, checks.ProtocolGemini}

// validate catches usage errors before anything runs.
func (o *options) validate() error {
	if o.provider != "" {
		if names := providerNames(); !contains(names, o.provider) {
			return fmt.Errorf("%sunknown provider %q (want one of: %s)", o.envPrefix("provider"), o.provider, strings.Join(names, ", "))
		}
	}
	if o.protocol != "" && !contains(protocols, o.protocol) {
		return fmt.Errorf("%sunknown protocol %q (want %s)", o.envPrefix("protocol"), o.protocol, strings.Join(protocols, " or "))
	}
	if o.client != "" {
		if names := clientNames(); !contains(names, o.client) {
			msg := fmt.Sprintf("%sunknown client %q", o.envPrefix("client"), o.client)
			if near := nearestName(names, o.client); near != "" {
				msg += fmt.Sprintf(" — did you mean %s?", near)
			}
			return fmt.Errorf("%s (want one of: %s)", msg, strings.Join(names, ", "))
		}
	}
	if o.all && o.client != "" {
		return fmt.Errorf("--all checks every client; drop --client %s (or --all)", o.client)
	}
	if o.timeout <= 0 {
		return fmt.Errorf("%s must be positive, got %s", o.named("timeout"), o.timeout)
	}
	if o.keyEnv != "" && strings.ContainsAny(o.keyEnv, "= \t\n") {
		return fmt.Errorf("--key-env takes a variable name, not a value (got something with %q in it)", "=")
	}
	return nil
}

// envPrefix is "UNSTUCK_X: " when that variable gave the flag its value.
func (o *options) envPrefix(flag string) string {
	if env := o.fromEnv[flag]; env != "" {
		return env + ": "
	}
	return ""
}

// config turns the options into the checks' input.
func (o *options) config(k knowledge) checks.Config {
	wd, _ := os.Getwd()
	cfg := checks.Config{
		Provider: o.provider, Protocol: o.protocol, BaseURL: o.baseURL, KeyEnv: o.keyEnv,
		Model: o.model, Headers: o.headers, EnvFile: o.envFile, WorkDir: wd,
		NoRequest: o.noRequest, Timeout: o.timeout, Env: environ(), MCPURL: o.mcpURL,
		Client: o.client, RunKeyHelper: o.runKeyHelper, ConfigRoot: os.Getenv("UNSTUCK_CONFIG_ROOT"),
	}
	cfg.InContainer, cfg.DockerHost = containerEnv(cfg.Env)
	k.apply(&cfg)
	return cfg
}

// containerEnv reads the two variables that pin what the container check
// sees: UNSTUCK_IN_CONTAINER (1 or 0; anything else leaves it to
// detection) for a container that is not detected, or detected wrongly,
// and UNSTUCK_DOCKER_HOST, the address host.docker.internal stands for (an
// IP, or IP:port), for a host that resolves it differently, and for tests.
func containerEnv(env checks.Env) (*bool, string) {
	var in *bool
	switch strings.ToLower(strings.TrimSpace(env["UNSTUCK_IN_CONTAINER"])) {
	case "1", "true", "yes", "on":
		t := true
		in = &t
	case "0", "false", "no", "off":
		f := false
		in = &f
	}
	return in, strings.TrimSpace(env["UNSTUCK_DOCKER_HOST"])
}

func environ() checks.Env {
	env := checks.Env{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	return env
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// usageError is a mistake in how the command was called: exit 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// parse parses flags quietly; flag's own chatter is replaced by one clear
// line and a pointer to --help.
func parse(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{flagMessage(fs.Name(), err.Error())}
	}
	return nil
}

// flagMessage rewrites the flag package's wording in the form people type
// (--flag, not -flag) and says what a duration looks like. A flag that
// another command takes is named as such: "explain does not take
// --timeout" says more than "unknown flag".
func flagMessage(command, msg string) string {
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		name = strings.TrimLeft(name, "-")
		all := flag.NewFlagSet("all", flag.ContinueOnError)
		new(options).register(all, true)
		if all.Lookup(name) == nil {
			return "unknown flag --" + name
		}
		if command == "unstuck" {
			command = "the wizard"
		}
		return command + " does not take --" + name
	}
	if rest, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok {
		return "--" + strings.TrimLeft(rest, "-") + " needs a value"
	}
	if strings.HasPrefix(msg, "invalid value ") {
		value, rest, _ := strings.Cut(strings.TrimPrefix(msg, "invalid value "), " for flag -")
		name, _, _ := strings.Cut(rest, ":")
		if name == "timeout" {
			return "--timeout wants a duration like 10s, 500ms or 1m, got " + value
		}
		return "--" + name + ": " + value + " is not a valid value"
	}
	return msg
}

// parseInterspersed is parse for a command whose arguments and flags may
// mix (`causes rate-limited --json`): it parses the flags after each
// argument too, and leaves the arguments in fs.Args(). After "--" all is
// argument.
func parseInterspersed(fs *flag.FlagSet, args []string) error {
	var pos []string
	for {
		if err := parse(fs, args); err != nil {
			return err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			pos = append(pos, rest...)
			break
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
	return fs.Parse(append([]string{"--"}, pos...))
}
