package setup

import (
	"errors"
	"path/filepath"
	"strings"

	"github.com/unstuck-dev/unstuck/checks"
)

// shellProfiles are the files a new terminal reads, where an old key may
// still be exported.
var shellProfiles = []string{".bashrc", ".bash_profile", ".profile", ".zshrc", ".zprofile", ".zshenv", ".config/fish/config.fish"}

// shellProfileSources finds keys exported in the user's shell start-up
// files: the next terminal will have that value, whatever this one has.
func shellProfileSources(env checks.Env, names []string) []checks.KeySource {
	home := env["HOME"]
	if home == "" || len(names) == 0 {
		return nil
	}
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	var out []checks.KeySource
	for _, rel := range shellProfiles {
		data, err := readCapped(filepath.Join(home, rel), envFileCap)
		if err != nil && !errors.Is(err, errTooBig) {
			continue
		}
		for i, line := range strings.Split(string(data), "\n") {
			name, value, ok := shellAssignment(line)
			if !ok || !want[name] {
				continue
			}
			out = append(out, checks.KeySource{Where: "shell profile ~/" + rel, Name: name, Value: checks.NewSecret(value), Line: i + 1})
		}
	}
	return out
}

// shellAssignment reads `export NAME=value`, `NAME=value` and fish's
// `set -gx NAME value`. Values built by command substitution or from other
// variables cannot be known without running the shell, so they are skipped.
func shellAssignment(line string) (name, value string, ok bool) {
	t := strings.TrimSpace(strings.TrimSuffix(line, "\r"))
	if t == "" || t[0] == '#' {
		return "", "", false
	}
	if f := strings.Fields(t); len(f) >= 4 && f[0] == "set" && strings.HasPrefix(f[1], "-") && strings.Contains(f[1], "x") {
		name, value = f[2], strings.Join(f[3:], " ")
	} else {
		t = strings.TrimPrefix(t, "export ")
		n, v, found := strings.Cut(strings.TrimSpace(t), "=")
		if !found || !validEnvName(n) {
			return "", "", false
		}
		name, value = n, v
	}
	value = strings.TrimSpace(value)
	if value != "" && (value[0] == '"' || value[0] == '\'') {
		end := strings.IndexByte(value[1:], value[0])
		if end < 0 {
			return "", "", false
		}
		value = value[1 : end+1]
	} else if i := strings.Index(value, " #"); i >= 0 {
		value = strings.TrimSpace(value[:i])
	}
	if value == "" || strings.ContainsAny(value, "$`") {
		return "", "", false
	}
	return name, value, true
}
