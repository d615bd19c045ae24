package setup

import (
	"context"
	"path/filepath"
	"sort"
	"strings"

	"github.com/unstuck-dev/unstuck/checks"
)

// frontendPrefixes are variables that bundlers copy into code shipped to
// the browser.
var frontendPrefixes = []string{"NEXT_PUBLIC_", "VITE_", "REACT_APP_", "EXPO_PUBLIC_", "NUXT_PUBLIC_", "NUXT_ENV_", "PUBLIC_", "GATSBY_", "VUE_APP_", "STORYBOOK_"}

// frontendFiles are the env files the front-end tool chains read next to
// .env.
var frontendFiles = []string{".env", ".env.local", ".env.development", ".env.development.local", ".env.production", ".env.production.local"}

// FrontendEnv warns when a key sits in a variable that front-end bundlers
// publish to every visitor's browser.
func FrontendEnv(_ context.Context, s *checks.Setup) checks.Result {
	r := keyResult(s, checks.CheckFrontendEnv, "No key in front-end variables")
	known := map[string]bool{}
	for _, src := range s.Sources {
		known[strings.TrimSpace(src.Value.Reveal())] = true
	}
	type hit struct{ name, where, value string }
	var hits []hit
	look := func(vars map[string]string, where string) {
		names := make([]string, 0, len(vars))
		for n := range vars {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			v := strings.TrimSpace(vars[n])
			if frontendName(n) && keyLikeValue(n, v, known) {
				hits = append(hits, hit{n, where, v})
			}
		}
	}
	look(s.Config.Env, "environment")
	dir := s.Config.WorkDir
	if s.EnvFilePath != "" {
		dir = filepath.Dir(s.EnvFilePath)
	}
	if dir != "" {
		for _, f := range frontendFiles {
			p := filepath.Join(dir, f)
			if data, err := readCapped(p, envFileCap); err == nil {
				vars, _ := loadEnvFile(data)
				for n, v := range vars {
					if checks.SecretVar(n, v) || keyLikeValue(n, strings.TrimSpace(v), known) {
						s.Redactor.Add(v)
					}
				}
				look(vars, p)
			}
		}
	}
	if len(hits) == 0 {
		r.Status, r.Summary = checks.Pass, "no key in NEXT_PUBLIC_, VITE_, REACT_APP_ or other front-end variables"
		return r
	}
	r.Status, r.Cause = checks.Warn, "key-in-frontend-env"
	r.Summary = hits[0].name + " (" + hits[0].where + ") holds a key: bundlers ship it to every visitor's browser"
	for _, h := range hits {
		r.Details = append(r.Details, h.name+" in "+h.where+": "+checks.Fingerprint(h.value))
	}
	r.Details = append(r.Details,
		"rename it without the public prefix (e.g. "+strings.TrimPrefix(stripFrontendPrefix(hits[0].name), "_")+"), call the API from a server route (/api/chat), and rotate the key if the site was ever built with it")
	return r
}

func frontendName(n string) bool {
	u := strings.ToUpper(n)
	for _, p := range frontendPrefixes {
		if strings.HasPrefix(u, p) {
			return true
		}
	}
	return false
}

func stripFrontendPrefix(n string) string {
	u := strings.ToUpper(n)
	for _, p := range frontendPrefixes {
		if strings.HasPrefix(u, p) {
			return n[len(p):]
		}
	}
	return n
}

// keyLikeValue: a value is a key when it is one we found elsewhere, looks
// like a known platform's key, or sits in a variable named like a secret and
// looks like a token.
func keyLikeValue(name, v string, known map[string]bool) bool {
	if len(v) < 8 {
		return false
	}
	if known[v] || checks.LooksLikeKey(v) {
		return true
	}
	return secretName(name) && len(v) >= 16 && !strings.ContainsAny(v, " \t/:") && !strings.HasPrefix(strings.ToLower(v), "pk_")
}
