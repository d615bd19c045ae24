package setup

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/unstuck-dev/unstuck/checks"
	"go.yaml.in/yaml/v3"
)

// What content/clients.yaml may say, checked by ParseClients.
var (
	clientRuntimes = []string{"node", "python", "bun", "rust", "any"}
	// login: a stored sign-in (auth.json)
	clientLayers  = []string{"user", "project", "local", "managed", "login"}
	clientFormats = map[string][]string{ // schema → the formats its reader takes
		"claude-settings":  {"json"},
		"codex-config":     {"toml"},
		"aider-conf":       {"yaml"},
		"dotenv":           {"dotenv"},
		"opencode":         {"json", "jsonc"},
		"continue":         {"yaml"},
		"continue-secrets": {"dotenv"},
		"codex-auth":       {"json"},
		"opencode-auth":    {"json"},
	}
	clientProtocols = []string{checks.ProtocolOpenAI, checks.ProtocolAnthropic, checks.ProtocolResponses, checks.ProtocolGemini}
	clientAuths     = []string{"bearer", "x-api-key", "api-key"}
	clientAlso      = []string{"count_tokens", "small_model"}
)

// ParseClients reads content/clients.yaml as strictly as the profiles: an
// unknown field, a schema no reader understands or a wire without a
// protocol fails the tests instead of being ignored at run time.
func ParseClients(data []byte) ([]checks.ClientSpec, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var cs []checks.ClientSpec
	if err := dec.Decode(&cs); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("clients: the file holds no clients")
		}
		return nil, fmt.Errorf("clients: %w", err)
	}
	seen := map[string]bool{}
	for i, c := range cs {
		where := fmt.Sprintf("clients: entry %d (%q)", i+1, c.Name)
		switch {
		case c.Name == "":
			return nil, fmt.Errorf("clients: entry %d has no name", i+1)
		case c.Name != strings.ToLower(c.Name) || strings.ContainsAny(c.Name, " \t/"):
			return nil, fmt.Errorf("%s: name must be lower case without spaces", where)
		case seen[c.Name]:
			return nil, fmt.Errorf("%s: duplicate name", where)
		case c.Title == "":
			return nil, fmt.Errorf("%s: no title", where)
		case !slices.Contains(clientRuntimes, c.Runtime):
			return nil, fmt.Errorf("%s: runtime %q is not one of %v", where, c.Runtime, clientRuntimes)
		case len(c.Wires) == 0:
			return nil, fmt.Errorf("%s: no wires: say at least which protocol it speaks", where)
		}
		seen[c.Name] = true
		for j, f := range c.Files {
			fw := fmt.Sprintf("%s: file %d", where, j+1)
			formats, ok := clientFormats[f.Schema]
			switch {
			case !slices.Contains(clientLayers, f.Layer):
				return nil, fmt.Errorf("%s: layer %q is not one of %v", fw, f.Layer, clientLayers)
			case !ok:
				return nil, fmt.Errorf("%s: no reader understands schema %q", fw, f.Schema)
			case !slices.Contains(formats, f.Format):
				return nil, fmt.Errorf("%s: schema %s reads %v, not %q", fw, f.Schema, formats, f.Format)
			case f.Linux == "" || f.MacOS == "" || f.Windows == "":
				return nil, fmt.Errorf("%s: give the path for linux, macos and windows", fw)
			}
		}
		ids := map[string]bool{}
		for j, w := range c.Wires {
			ww := fmt.Sprintf("%s: wire %d (%q)", where, j+1, w.ID)
			switch {
			case w.ID == "" || ids[w.ID]:
				return nil, fmt.Errorf("%s: every wire needs its own id", ww)
			case !slices.Contains(clientProtocols, w.Protocol):
				return nil, fmt.Errorf("%s: protocol %q is not one of %v", ww, w.Protocol, clientProtocols)
			case w.BaseV1 != "with" && w.BaseV1 != "without" && w.BaseV1 != "":
				return nil, fmt.Errorf("%s: base_v1 is with or without, not %q", ww, w.BaseV1)
			case w.Path != "" && !strings.HasPrefix(w.Path, "/"):
				return nil, fmt.Errorf("%s: path must start with /", ww)
			}
			ids[w.ID] = true
			if w.LoginBaseURL != "" {
				if _, problem := parseBaseURL(w.LoginBaseURL); problem != "" {
					return nil, fmt.Errorf("%s: login_base_url %s", ww, problem)
				}
			}
			if w.DefaultBaseURL != "" {
				if _, problem := parseBaseURL(w.DefaultBaseURL); problem != "" {
					return nil, fmt.Errorf("%s: default_base_url %s", ww, problem)
				}
			}
			for v, a := range w.Auth {
				if !slices.Contains(w.KeyEnvs, v) {
					return nil, fmt.Errorf("%s: auth names %s, which is not in key_envs", ww, v)
				}
				if !slices.Contains(clientAuths, a) {
					return nil, fmt.Errorf("%s: auth %q is not one of %v", ww, a, clientAuths)
				}
			}
			if w.AuthDefault != "" && !slices.Contains(clientAuths, w.AuthDefault) {
				return nil, fmt.Errorf("%s: auth_default %q is not one of %v", ww, w.AuthDefault, clientAuths)
			}
			for _, u := range w.UnreadEnvs {
				switch {
				case u.Env == "" || strings.ToUpper(u.Env) != u.Env || strings.ContainsAny(u.Env, " =$"):
					return nil, fmt.Errorf("%s: unread_envs: %q is not a variable name", ww, u.Env)
				case slices.Contains(w.KeyEnvs, u.Env):
					return nil, fmt.Errorf("%s: %s is in key_envs and unread_envs", ww, u.Env)
				case strings.TrimSpace(u.Why) == "":
					return nil, fmt.Errorf("%s: unread_envs: say why %s is not sent", ww, u.Env)
				}
			}
			for _, a := range w.AlsoCalls {
				if !slices.Contains(clientAlso, a) {
					return nil, fmt.Errorf("%s: also_calls %q is not one of %v", ww, a, clientAlso)
				}
			}
		}
		if err := checkTrust(where, c); err != nil {
			return nil, err
		}
		for _, group := range c.Conflicts {
			if len(group) < 2 {
				return nil, fmt.Errorf("%s: a conflict names at least two variables", where)
			}
		}
	}
	if len(cs) == 0 {
		return nil, errors.New("clients: the file holds no clients")
	}
	return cs, nil
}

// FindClient returns the client with this name.
func FindClient(clients []checks.ClientSpec, name string) (checks.ClientSpec, bool) {
	name = strings.ToLower(strings.TrimSpace(name))
	for _, c := range clients {
		if c.Name == name {
			return c, true
		}
	}
	return checks.ClientSpec{}, false
}

// ClientNames lists the client names in file order.
func ClientNames(clients []checks.ClientSpec) []string {
	out := make([]string, 0, len(clients))
	for _, c := range clients {
		out = append(out, c.Name)
	}
	return out
}
