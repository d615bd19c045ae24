package main

// Hostile input from the machine under diagnosis: files, environment values
// and server answers that try to exhaust memory, write to the terminal or
// hide where things are.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A .env whose lines each double the last (under 1 KiB, terabytes when
// expanded) is a finding on its line, under a 2 GiB address-space cap: a
// parser that expands it dies of out-of-memory here, not on the machine.
// (1 GiB of address space is too tight for a healthy run: the runtime's
// reservations and thread stacks alone sometimes pass it under gVisor.)
func TestE2EEnvFileExpansionBomb(t *testing.T) {
	t.Parallel()
	prlimit, err := exec.LookPath("prlimit")
	if err != nil {
		t.Skip("prlimit (util-linux) is not installed; checks/setup's TestEnvFileExpansionBomb caps memory itself")
	}
	bin, err := e2eBuild()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("A0=xxxxxxxx\n")
	for i := 1; i < 40; i++ {
		fmt.Fprintf(&b, "A%d=${A%d}${A%d}\n", i, i-1, i-1)
	}
	if err := os.WriteFile(filepath.Join(dir, "bomb.env"), []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	srv := e2eServe(t, e2eOpenAIServer())
	for _, asJSON := range []bool{true, false} {
		args := []string{"--as=" + fmt.Sprint(2<<30), "--", bin, "diagnose", "--no-request", "--env-file", "bomb.env",
			"--base-url", e2eURL(srv, "/v1"), "--model", "gpt-4o", "--timeout", "5s"}
		if asJSON {
			args = append(args, "--json")
		}
		out := e2eRun(t, e2eCmd{bin: prlimit, args: args, env: e2eOpenAIEnv(e2eOpenAIKey), dir: dir})
		if out.code != 0 && out.code != 1 {
			t.Fatalf("exit %d, want 0 or 1 (a finding)\nstderr: %.2000s", out.code, out.stderr)
		}
		summary := out.stdout
		if asJSON {
			_, summary = e2eCheck(e2eDecode(t, out), "env-file")
		}
		if !strings.Contains(summary, "line 19: A18 expands to more than 1 MiB") {
			t.Errorf("the env-file finding does not name the line that expands too far:\n%.3000s", summary)
		}
	}
}

// Paths are not secrets: $PWD and $OLDPWD hold the working folder, and every
// path under it (the .env, the report, the load_dotenv line to copy) must
// show whole, while the key, in the environment or in .env, never does.
func TestE2EPathsAreNotSecrets(t *testing.T) {
	t.Parallel()
	srv := e2eServe(t, e2eOpenAIServer())
	dir := t.TempDir()
	envFile := filepath.Join(dir, ".env")
	if err := os.WriteFile(envFile, []byte("OPENAI_API_KEY="+e2eOpenAIKey+"\nTOKENIZERS_PARALLELISM=false\nPASSWD_FILE="+dir+"/passwd\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	reportFile := filepath.Join(dir, "report.md")
	env := map[string]string{"PWD": dir, "OLDPWD": filepath.Join(dir, "previous"), "KEYBOARD": dir + "/layout", "XAUTHORITY": dir + "/.Xauthority"}
	args := []string{"--base-url", e2eURL(srv, "/v1"), "--model", "gpt-4o", "--no-request", "--timeout", "5s", "--report", reportFile}

	// The key only in .env: the page says where the file is and how to load it.
	res, out := e2eDiagnose(t, e2eCmd{args: args, env: env, dir: dir})
	e2eWant(t, res, "env-file-not-loaded")
	rendered := e2eRun(t, e2eCmd{args: append([]string{"diagnose"}, args...), env: env, dir: dir})
	b, err := os.ReadFile(reportFile)
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"--json": out.stdout, "rendered": rendered.stdout, "report": string(b), "stderr": rendered.stderr} {
		if strings.Contains(text, "[redacted /") || strings.Contains(text, "[redacted "+dir[:2]) {
			t.Errorf("%s masks a path:\n%.3000s", name, text)
		}
	}
	for name, text := range map[string]string{"--json": out.stdout, "rendered": rendered.stdout, "report": string(b)} {
		if !strings.Contains(text, envFile) {
			t.Errorf("%s does not show the .env's path %s whole:\n%.3000s", name, envFile, text)
		}
	}
	if !strings.Contains(res.Guidance, `load_dotenv("`+envFile+`")`) {
		t.Errorf("the load_dotenv line does not name the file:\n%s", res.Guidance)
	}
	if !strings.Contains(rendered.stderr, reportFile) {
		t.Errorf("stderr does not say where the report went: %q", rendered.stderr)
	}
	e2eNoLeak(t, []string{out.stdout, out.stderr, rendered.stdout, rendered.stderr, string(b)}, e2eOpenAIKey)

	// The key in the environment too, and a server that echoes it back.
	env["OPENAI_API_KEY"] = e2eOpenAIKey
	echo := e2eOpenAIServer()
	echo.key = "sk-proj-another-key-the-server-wants-0000000000"
	srv2 := e2eServe(t, echo)
	args[1] = e2eURL(srv2, "/v1")
	_, out = e2eDiagnose(t, e2eCmd{args: args, env: env, dir: dir})
	rendered = e2eRun(t, e2eCmd{args: append([]string{"diagnose"}, args...), env: env, dir: dir})
	b, _ = os.ReadFile(reportFile)
	e2eNoLeak(t, []string{out.stdout, out.stderr, rendered.stdout, rendered.stderr, string(b)}, e2eOpenAIKey)
	if strings.Contains(out.stdout+rendered.stdout+string(b), "[redacted /") {
		t.Errorf("a path is masked with the key in the environment:\n%.3000s", out.stdout)
	}
}

// e2eHostileText carries C1 controls (U+009B is a one-byte CSI, U+0085 a
// newline to some terminals) and ESC sequences that clear the screen or
// forge a link.
const e2eHostileText = "Incorrect API key provided\u009b2J \x1b[2J\x1b]8;;http://evil.example\x07click\x1b]8;;\x07 \u0085\u0090x\u009c\x07\b\r\x7f end"

// e2eControl finds a C0 (but newline and tab) or C1 control character, or
// DEL; -1 when there is none.
func e2eControl(s string) int {
	return strings.IndexFunc(s, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\t' || r >= 0x7f && r <= 0x9f })
}

// e2eNoControls fails when a text, or any string in a JSON text, holds a
// control character from outside.
func e2eNoControls(t *testing.T, name, text string, isJSON bool) {
	t.Helper()
	if i := e2eControl(text); i >= 0 {
		t.Errorf("%s holds the control character %q: …%q…", name, []rune(text[i:])[0], text[max(0, i-60):min(len(text), i+60)])
	}
	if !isJSON {
		return
	}
	var v any
	if err := json.Unmarshal([]byte(text), &v); err != nil {
		t.Errorf("%s is not JSON: %v", name, err)
		return
	}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			if i := e2eControl(v); i >= 0 {
				t.Errorf("a %s string holds the control character %q: %q", name, []rune(v[i:])[0], v)
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		case map[string]any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(v)
}

// Control characters from outside never reach the terminal, the JSON or
// the report: a server that puts them in its error message and headers, and
// a paste that holds them.
func TestE2EControlCharacters(t *testing.T) {
	t.Parallel()
	api := e2eOpenAIServer()
	api.unauthorized = func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Request-Id", "req_\u009b31m_\u0085x")
		w.Header().Set("Server", "evil\u009b2J")
		e2eOpenAIError(w, 401, e2eHostileText, "invalid_request_error\u009b", "invalid_api_key")
	}
	srv := e2eServe(t, api)
	dir := t.TempDir()
	reportFile := filepath.Join(dir, "report.md")
	args := []string{"--base-url", e2eURL(srv, "/v1"), "--model", "gpt-4o", "--timeout", "5s", "--report", reportFile}
	env := e2eOpenAIEnv("sk-proj-WRONGKEY-" + strings.Repeat("a", 40))

	res, out := e2eDiagnose(t, e2eCmd{args: args, env: env, dir: dir})
	if !strings.Contains(res.Evidence.ErrorMessage, "Incorrect API key provided") {
		t.Errorf("the server's message is not in the evidence: %q", res.Evidence.ErrorMessage)
	}
	e2eNoControls(t, "diagnose --json", out.stdout, true)
	e2eNoControls(t, "diagnose --json stderr", out.stderr, false)
	b, _ := os.ReadFile(reportFile)
	e2eNoControls(t, "the report", string(b), false)
	out = e2eRun(t, e2eCmd{args: append([]string{"diagnose"}, args...), env: env, dir: dir})
	e2eNoControls(t, "diagnose", out.stdout, false)
	e2eNoControls(t, "diagnose stderr", out.stderr, false)
	b, _ = os.ReadFile(reportFile)
	e2eNoControls(t, "the report", string(b), false)

	paste := "openai.AuthenticationError: Error code: 401 - {'error': {'message': '" + e2eHostileText + "', 'type': 'invalid_request_error\u009b', 'code': 'invalid_api_key'}}"
	out = e2eRun(t, e2eCmd{args: []string{"explain", "--json", "-"}, stdin: paste})
	e2eWant(t, e2eDecode(t, out), "key-rejected")
	e2eNoControls(t, "explain --json", out.stdout, true)
	e2eNoControls(t, "explain --json stderr", out.stderr, false)
	out = e2eRun(t, e2eCmd{args: []string{"explain", "-"}, stdin: paste})
	e2eNoControls(t, "explain", out.stdout, false)
	e2eNoControls(t, "explain stderr", out.stderr, false)
	out = e2eRun(t, e2eCmd{args: []string{"explain", "-"}, stdin: "nothing known\u009b2J here \x1b[2J"})
	e2eNoControls(t, "explain (unrecognised)", out.stdout+out.stderr, false)
}
