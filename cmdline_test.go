package main

// End-to-end tests of the command line itself: where flags may stand, the
// environment defaults, causes ID, completion scripts and --version.

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// e2eUsageError checks the contract of a usage error: exit 2, one line on
// stderr that contains every want, nothing on stdout.
func e2eUsageError(t *testing.T, out e2eOut, args []string, wants ...string) {
	t.Helper()
	if out.code != 2 {
		t.Errorf("%v: exit %d, want 2 (usage error)\nstderr: %s", args, out.code, out.stderr)
	}
	if n := strings.Count(strings.TrimRight(out.stderr, "\n"), "\n"); n != 0 || out.stderr == "" {
		t.Errorf("%v: stderr should be one line, got:\n%s", args, out.stderr)
	}
	if out.stdout != "" {
		t.Errorf("%v: stdout should be empty on a usage error, got %q", args, out.stdout)
	}
	for _, w := range wants {
		if !strings.Contains(out.stderr, w) {
			t.Errorf("%v: stderr %q should name %q", args, out.stderr, w)
		}
	}
}

// Flags may stand before the command: they mean what they mean after it.
func TestE2EFlagsBeforeCommand(t *testing.T) {
	t.Parallel()
	api := e2eOpenAIServer()
	srv := e2eServe(t, api)
	base := e2eURL(srv, "/v1")
	env := e2eOpenAIEnv(e2eOpenAIKey)
	env["OPENAI_BASE_URL"] = base

	for _, args := range [][]string{
		{"--json", "diagnose", "--no-request", "--model", "gpt-4o"},
		{"--no-request", "--timeout", "5s", "diagnose", "--json", "--model", "gpt-4o"},
		{"--no-request", "--timeout=5s", "--model", "gpt-4o", "--json", "diagnose"},
	} {
		out := e2eRun(t, e2eCmd{args: args, env: env})
		res := e2eDecode(t, out)
		if res.Cause.ID != "healthy" || out.code != 0 {
			t.Errorf("%v: cause %q exit %d, want healthy, 0\nstderr: %s", args, res.Cause.ID, out.code, out.stderr)
		}
		if st, _ := e2eCheck(res, "request"); st != "skip" {
			t.Errorf("%v: request check %q, want skip (--no-request before the command)", args, st)
		}
	}
	if got := api.posts.Load(); got != 0 {
		t.Errorf("--no-request before diagnose: the server got %d POSTs, want none", got)
	}

	out := e2eRun(t, e2eCmd{args: []string{"--json", "explain", "429"}})
	if res := e2eDecode(t, out); res.Cause.ID == "" || out.code != 0 {
		t.Errorf("--json explain 429: cause %q exit %d\nstderr: %s", res.Cause.ID, out.code, out.stderr)
	}

	out = e2eRun(t, e2eCmd{args: []string{"--json", "causes"}})
	var list []struct{ ID string }
	if err := json.Unmarshal([]byte(out.stdout), &list); err != nil || len(list) == 0 || out.code != 0 {
		t.Errorf("--json causes: exit %d, %v, stdout %.200q", out.code, err, out.stdout)
	}

	// A flag the command does not take is a usage error, wherever it stands.
	for _, tc := range []struct {
		args  []string
		wants []string
	}{
		{[]string{"--timeout", "5s", "explain", "429"}, []string{"explain", "--timeout"}},
		{[]string{"explain", "--timeout", "5s", "429"}, []string{"explain", "--timeout"}},
		{[]string{"--no-request", "causes"}, []string{"causes", "--no-request"}},
		{[]string{"--report", "r.md", "explain", "429"}, []string{"explain", "--report"}},
		{[]string{"--frobnicate", "diagnose"}, []string{"--frobnicate"}},
		{[]string{"--json", "frobnicate"}, []string{"frobnicate"}},
	} {
		out := e2eRun(t, e2eCmd{args: tc.args, env: env})
		e2eUsageError(t, out, tc.args, tc.wants...)
	}

	// The wizard (no command) still takes the flags: without a terminal it
	// says what to run instead, which it only does once they parsed.
	out = e2eRun(t, e2eCmd{args: []string{"--no-request", "--timeout", "5s", "--provider", "openai"}, env: env})
	if out.code != 2 || !strings.Contains(out.stderr, "needs a terminal") {
		t.Errorf("wizard with flags: exit %d, stderr %q", out.code, out.stderr)
	}
}

// causes ID prints one cause's page: plain in a pipe, the object with
// cause and guidance with --json; an unknown ID names the nearest real one.
func TestE2ECausesID(t *testing.T) {
	t.Parallel()
	out := e2eRun(t, e2eCmd{args: []string{"causes", "rate-limited"}})
	if out.code != 0 {
		t.Fatalf("causes rate-limited: exit %d\nstderr: %s", out.code, out.stderr)
	}
	if !strings.Contains(out.stdout, "You are sending requests too fast") || !strings.Contains(out.stdout, "429") {
		t.Errorf("causes rate-limited should print the page, got:\n%s", out.stdout)
	}
	if strings.Contains(out.stdout, "\x1b") || strings.Contains(out.stdout, "{{") ||
		strings.HasPrefix(strings.TrimLeft(out.stdout, "\n"), "# ") {
		t.Errorf("causes rate-limited in a pipe should be plain rendered text, got:\n%q", out.stdout)
	}

	for _, args := range [][]string{{"causes", "rate-limited", "--json"}, {"causes", "--json", "rate-limited"}, {"--json", "causes", "rate-limited"}} {
		out := e2eRun(t, e2eCmd{args: args})
		var obj map[string]json.RawMessage
		if err := json.Unmarshal([]byte(out.stdout), &obj); err != nil || out.code != 0 {
			t.Errorf("%v: exit %d, %v, stdout %.200q", args, out.code, err, out.stdout)
			continue
		}
		var c struct{ ID, Layer, Title string }
		var guidance string
		_ = json.Unmarshal(obj["cause"], &c)
		_ = json.Unmarshal(obj["guidance"], &guidance)
		if c.ID != "rate-limited" || c.Layer != "rate-limit" || c.Title == "" {
			t.Errorf("%v: cause = %+v", args, c)
		}
		if !strings.HasPrefix(guidance, "# You are sending requests too fast") {
			t.Errorf("%v: guidance should be the page's markdown, got %.80q", args, guidance)
		}
		if len(obj) != 2 {
			t.Errorf("%v: want only cause and guidance, got %d fields", args, len(obj))
		}
	}

	for _, tc := range []struct {
		args  []string
		wants []string
	}{
		{[]string{"causes", "rate-limted"}, []string{`"rate-limted"`, "rate-limited"}},
		{[]string{"causes", "--json", "keymissing"}, []string{"key-missing"}},
		{[]string{"causes", "rate-limited", "timeout"}, []string{"one"}},
	} {
		e2eUsageError(t, e2eRun(t, e2eCmd{args: tc.args}), tc.args, tc.wants...)
	}
}

// UNSTUCK_* variables are defaults for the flags no profile variable sets;
// a flag on the command line beats them, and a bad value is a usage error
// that names the variable.
func TestE2EEnvDefaults(t *testing.T) {
	t.Parallel()
	api := e2eOpenAIServer()
	srv := e2eServe(t, api)
	env := func(kv ...string) map[string]string {
		m := e2eOpenAIEnv(e2eOpenAIKey)
		m["OPENAI_BASE_URL"] = e2eURL(srv, "/v1")
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}

	dir := t.TempDir()
	report := filepath.Join(dir, "ticket.md")
	out := e2eRun(t, e2eCmd{args: []string{"diagnose", "--model", "gpt-4o"}, dir: dir,
		env: env("UNSTUCK_JSON", "1", "UNSTUCK_NO_REQUEST", "true", "UNSTUCK_TIMEOUT", "5s", "UNSTUCK_REPORT", report, "UNSTUCK_PROVIDER", "openai")})
	res := e2eDecode(t, out)
	if res.Cause.ID != "healthy" || out.code != 0 {
		t.Errorf("diagnose with UNSTUCK_*: cause %q exit %d\nstderr: %s", res.Cause.ID, out.code, out.stderr)
	}
	if st, _ := e2eCheck(res, "request"); st != "skip" {
		t.Errorf("UNSTUCK_NO_REQUEST=true: request check %q, want skip", st)
	}
	if got := api.posts.Load(); got != 0 {
		t.Errorf("UNSTUCK_NO_REQUEST=true: the server got %d POSTs, want none", got)
	}
	if _, err := os.Stat(report); err != nil {
		t.Errorf("UNSTUCK_REPORT: no report written: %v", err)
	}

	// The command line beats the variable, even a bad one.
	out = e2eRun(t, e2eCmd{args: []string{"diagnose", "--model", "gpt-4o", "--no-request=false", "--timeout", "5s", "--json"},
		env: env("UNSTUCK_NO_REQUEST", "1", "UNSTUCK_TIMEOUT", "abc")})
	if res := e2eDecode(t, out); res.Cause.ID != "healthy" || api.posts.Load() != 1 {
		t.Errorf("flags over UNSTUCK_*: cause %q, %d POSTs (want healthy, 1)\nstderr: %s", res.Cause.ID, api.posts.Load(), out.stderr)
	}
	out = e2eRun(t, e2eCmd{args: []string{"diagnose", "--json=false", "--no-request", "--provider", "openai", "--model", "gpt-4o"}, env: env("UNSTUCK_JSON", "1", "UNSTUCK_PROVIDER", "acme")})
	if strings.HasPrefix(out.stdout, "{") || out.code != 0 {
		t.Errorf("--json=false over UNSTUCK_JSON=1: exit %d, stdout %.100q\nstderr: %s", out.code, out.stdout, out.stderr)
	}

	// explain and causes read UNSTUCK_JSON too.
	out = e2eRun(t, e2eCmd{args: []string{"explain", "429"}, env: map[string]string{"UNSTUCK_JSON": "1"}})
	if res := e2eDecode(t, out); res.Cause.ID == "" {
		t.Errorf("UNSTUCK_JSON=1 explain 429: no cause in %q", out.stdout)
	}
	out = e2eRun(t, e2eCmd{args: []string{"causes"}, env: map[string]string{"UNSTUCK_JSON": "1"}})
	if !strings.HasPrefix(out.stdout, "[") {
		t.Errorf("UNSTUCK_JSON=1 causes: stdout %.100q, want a JSON array", out.stdout)
	}

	for _, tc := range []struct {
		args []string
		env  []string
	}{
		{[]string{"diagnose"}, []string{"UNSTUCK_TIMEOUT", "abc"}},
		{[]string{"diagnose"}, []string{"UNSTUCK_TIMEOUT", "-1s"}},
		{[]string{"diagnose"}, []string{"UNSTUCK_NO_REQUEST", "maybe"}},
		{[]string{"diagnose"}, []string{"UNSTUCK_JSON", "yes please"}},
		{[]string{"diagnose"}, []string{"UNSTUCK_PROVIDER", "acme"}},
		{[]string{"diagnose"}, []string{"UNSTUCK_PROTOCOL", "grpc"}},
		{[]string{"explain", "429"}, []string{"UNSTUCK_JSON", "maybe"}},
		{[]string{}, []string{"UNSTUCK_TIMEOUT", "abc"}}, // the wizard
		{[]string{"diagnose"}, []string{"UNSTUCK_PROVIDER", e2eOpenAIKey}},
		{[]string{"diagnose"}, []string{"UNSTUCK_TIMEOUT", e2eOpenAIKey}},
	} {
		out := e2eRun(t, e2eCmd{args: tc.args, env: env(tc.env...)})
		e2eUsageError(t, out, append(tc.args, tc.env[0]), tc.env[0])
		e2eNoLeak(t, []string{out.stdout, out.stderr}, e2eOpenAIKey)
	}
}

// completion prints a script each shell can load, naming the commands,
// the flags, the providers and the cause IDs.
func TestE2ECompletion(t *testing.T) {
	t.Parallel()
	wants := append([]string{"diagnose", "explain", "causes", "completion", "--provider", "--protocol",
		"--no-request", "--timeout", "--json", "--report", "--env-file", "--base-url", "rate-limited", "key-missing"},
		providerNames()...)
	syntax := map[string][]string{"bash": {"bash", "-n"}, "zsh": {"zsh", "-n"}, "fish": {"fish", "--no-execute"}}
	scripts := map[string]string{}
	for _, shell := range []string{"bash", "zsh", "fish"} {
		out := e2eRun(t, e2eCmd{args: []string{"completion", shell}})
		if out.code != 0 || out.stderr != "" {
			t.Errorf("completion %s: exit %d, stderr %q", shell, out.code, out.stderr)
			continue
		}
		for _, w := range wants {
			if name, ok := strings.CutPrefix(w, "--"); ok && shell == "fish" {
				w = "-l " + name // fish's own spelling
			}
			if !strings.Contains(out.stdout, w) {
				t.Errorf("completion %s does not name %q", shell, w)
			}
		}
		file := filepath.Join(t.TempDir(), "unstuck."+shell)
		if err := os.WriteFile(file, []byte(out.stdout), 0o644); err != nil {
			t.Fatal(err)
		}
		scripts[shell] = file
		if _, err := exec.LookPath(syntax[shell][0]); err != nil {
			t.Logf("%s is not installed: its script's syntax is not checked", shell)
			continue
		}
		cmd := exec.Command(syntax[shell][0], append(syntax[shell][1:], file)...)
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s rejects the completion script: %v\n%s", shell, err, b)
		}
	}

	// In bash, the script completes what it should.
	if _, err := exec.LookPath("bash"); err == nil && scripts["bash"] != "" {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "ticket.md"), nil, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			words     []string // the last is the word being completed
			want, not string
		}{
			{[]string{""}, "diagnose", "--json"},
			{[]string{"di"}, "diagnose", "explain"},
			{[]string{"--json", ""}, "causes", "--json"},
			{[]string{"--timeout", "5s", "d"}, "diagnose", "causes"},
			{[]string{"--provider", ""}, "anthropic", "diagnose"},
			{[]string{"diagnose", "--provider", "open"}, "openai-compatible", "anthropic"},
			{[]string{"diagnose", "--protocol", ""}, "anthropic", "--json"},
			{[]string{"diagnose", "--no"}, "--no-request", "--json"},
			{[]string{"diagnose", "--"}, "--report", "diagnose"},
			{[]string{"explain", "--"}, "--json", "--timeout"},
			{[]string{"causes", "rate-"}, "rate-limited", "timeout"},
			{[]string{"completion", ""}, "fish", "diagnose"},
			{[]string{"diagnose", "--report", "tick"}, "ticket.md", "--json"},
		} {
			script := fmt.Sprintf(". %s\nCOMP_WORDS=(unstuck %s)\nCOMP_CWORD=%d\n_unstuck\nprintf '%%s\\n' \"${COMPREPLY[@]}\"\n",
				scripts["bash"], e2eShellWords(tc.words), len(tc.words))
			cmd := exec.Command("bash", "--norc", "--noprofile", "-c", script)
			cmd.Dir = dir
			cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
			b, err := cmd.CombinedOutput()
			got := strings.Fields(string(b))
			if err != nil || !contains(got, tc.want) || contains(got, tc.not) {
				t.Errorf("bash: unstuck %s<TAB> offers %v (err %v), want %q and not %q", strings.Join(tc.words, " "), got, err, tc.want, tc.not)
			}
		}
	}

	for _, args := range [][]string{{"completion"}, {"completion", "powershell"}, {"completion", "bash", "zsh"}} {
		e2eUsageError(t, e2eRun(t, e2eCmd{args: args}), args, "bash")
	}
}

// e2eShellWords quotes words for a bash array.
func e2eShellWords(words []string) string {
	var q []string
	for _, w := range words {
		q = append(q, "'"+strings.ReplaceAll(w, "'", `'\''`)+"'")
	}
	return strings.Join(q, " ")
}

// --help fits an 80-column terminal and tells of the command line's
// features: completion, causes ID, flags before the command, UNSTUCK_*.
func TestE2EHelpDocumentsCommandLine(t *testing.T) {
	t.Parallel()
	out := e2eRun(t, e2eCmd{args: []string{"--help"}})
	for i, line := range strings.Split(out.stdout, "\n") {
		if n := utf8.RuneCountInString(line); n > 80 {
			t.Errorf("--help line %d is %d columns wide (max 80): %q", i+1, n, line)
		}
	}
	wants := []string{"unstuck completion", "causes [ID]", "before the command", "UNSTUCK_CLIENT",
		strings.Join(protocols, "|")} // every shape --protocol takes
	for _, d := range envDefaults {
		wants = append(wants, d.env)
	}
	for _, w := range wants {
		if !strings.Contains(out.stdout, w) {
			t.Errorf("--help does not mention %q", w)
		}
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"unstuck completion", "UNSTUCK_TIMEOUT", "unstuck causes rate-limited", "--json diagnose"} {
		if !strings.Contains(string(readme), w) {
			t.Errorf("README does not mention %q", w)
		}
	}
}
