package setup

import (
	"fmt"
	"slices"
	"strings"

	"github.com/unstuck-dev/unstuck/checks"
)

// What a client's trust entries may say (content/clients.yaml).
var (
	trustRuntimes = []string{"node", "python", "bun", "rust"}
	trustRoots    = []string{"mozilla", "certifi", "system"}
	trustUses     = []string{"add", "replace"}
	trustBroken   = []string{"ignored", "fatal"}
)

// checkTrust validates a client's trust entries: every runtime known, every
// CA variable named once and listed in ca_envs (and every ca_envs variable
// described by an entry), so the data the trust check follows cannot drift
// from what the client-config check prints.
func checkTrust(where string, c checks.ClientSpec) error {
	if len(c.Trust) == 0 {
		return fmt.Errorf("%s: no trust entry: say which roots it trusts (trust: [{name, runtime, roots}])", where)
	}
	described := map[string]bool{}
	for i, t := range c.Trust {
		tw := fmt.Sprintf("%s: trust %d (%q)", where, i+1, t.Name)
		switch {
		case t.Name == "":
			return fmt.Errorf("%s: no name (what the user calls the runtime)", tw)
		case !slices.Contains(trustRuntimes, t.Runtime):
			return fmt.Errorf("%s: runtime %q is not one of %v", tw, t.Runtime, trustRuntimes)
		case c.Runtime != "any" && t.Runtime != c.Runtime:
			return fmt.Errorf("%s: runtime %s, but the client's runtime is %s", tw, t.Runtime, c.Runtime)
		case !slices.Contains(trustRoots, t.Roots):
			return fmt.Errorf("%s: roots %q is not one of %v", tw, t.Roots, trustRoots)
		case t.SystemStore != "" && t.SystemStore != "maybe":
			return fmt.Errorf("%s: system_store is maybe or nothing, not %q", tw, t.SystemStore)
		}
		seen := map[string]bool{}
		for _, f := range t.CAFiles {
			switch {
			case f.Env == "" || strings.ToUpper(f.Env) != f.Env || strings.ContainsAny(f.Env, " =$"):
				return fmt.Errorf("%s: ca_files: %q is not a variable name", tw, f.Env)
			case seen[f.Env]:
				return fmt.Errorf("%s: ca_files names %s twice", tw, f.Env)
			case !slices.Contains(trustUses, f.Use):
				return fmt.Errorf("%s: %s: use %q is not one of %v", tw, f.Env, f.Use, trustUses)
			case !slices.Contains(trustBroken, f.Broken):
				return fmt.Errorf("%s: %s: broken %q is not one of %v", tw, f.Env, f.Broken, trustBroken)
			case !slices.Contains(c.CAEnvs, f.Env):
				return fmt.Errorf("%s: %s is not in the client's ca_envs", tw, f.Env)
			}
			seen[f.Env] = true
			described[f.Env] = true
		}
		for _, s := range t.SystemCA {
			flag := strings.HasPrefix(s, "--") && len(s) > 2
			if !flag && (s == "" || strings.ToUpper(s) != s || strings.ContainsAny(s, " =$")) {
				return fmt.Errorf("%s: system_ca: %q is neither a variable nor a --flag", tw, s)
			}
		}
	}
	for _, v := range c.CAEnvs {
		if !described[v] {
			return fmt.Errorf("%s: ca_envs names %s, but no trust entry says how it reads it", where, v)
		}
	}
	return nil
}

// trustLine says in words what one trust entry trusts: the roots it starts
// from, the CA variables it reads (in order, the first set one used), and
// what adds the system's store. From the data, so Codex (the system's
// store) and Node (its bundled Mozilla roots) each read true.
func trustLine(t checks.ClientTrust) string {
	var b strings.Builder
	b.WriteString(t.Name + " trusts ")
	switch t.Roots {
	case "system":
		b.WriteString("the system's store")
	case "certifi":
		b.WriteString("certifi's copy of the Mozilla roots")
	default:
		b.WriteString("the Mozilla roots bundled in it")
	}
	var add, replace []string
	for _, f := range t.CAFiles {
		if f.Use == "replace" {
			replace = append(replace, f.Env)
		} else {
			add = append(add, f.Env)
		}
	}
	if len(add) > 0 {
		b.WriteString(", plus the file in " + strings.Join(add, ", else "))
	}
	if len(replace) > 0 {
		b.WriteString(", or instead the file in " + strings.Join(replace, ", else "))
	}
	if len(t.SystemCA) > 0 && t.Roots != "system" {
		var on []string
		for _, s := range t.SystemCA {
			if strings.HasPrefix(s, "--") {
				on = append(on, "NODE_OPTIONS "+s)
			} else {
				on = append(on, s+"=1")
			}
		}
		b.WriteString("; the system's store too with " + strings.Join(on, " or "))
	}
	if t.SystemStore == "maybe" && t.Roots != "system" {
		b.WriteString(" (recent releases read the system's store by themselves)")
	}
	return b.String()
}
