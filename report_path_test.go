package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// `diagnose --report ticket.md` says where the report went as an absolute
// path, whole: "Report written to ticket.md" left the reader to guess the
// folder, and a path is never masked as if it were a secret, even when a
// secret-named variable happens to hold the folder.
func TestDiagnoseReportPathIsAbsoluteAndWhole(t *testing.T) {
	t.Parallel()
	srv := e2eServe(t, e2eOpenAIServer())
	dir := t.TempDir()
	env := e2eOpenAIEnv(e2eOpenAIKey)
	env["DEPLOY_SECRET_DIR"] = dir // secret-like name, a path for a value
	out := e2eRun(t, e2eCmd{args: []string{"diagnose", "--base-url", e2eURL(srv, "/v1"), "--model", "gpt-4o",
		"--no-request", "--timeout", "5s", "--report", "ticket.md"}, env: env, dir: dir})
	want := "Report written to " + filepath.Join(dir, "ticket.md")
	if !strings.Contains(out.stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, out.stderr)
	}
	e2eNoLeak(t, []string{out.stdout, out.stderr}, e2eOpenAIKey)
}
