package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/unstuck-dev/unstuck/decisiontree"
)

// The wizard's content and setup are made on another goroutine (see
// startLoading); what comes back is what the synchronous path gave: the
// real tree, and a runner resolved from the flags, the environment and the
// .env here.
func TestStartLoadingGivesTreeAndResolvedRunner(t *testing.T) {
	home := t.TempDir()
	for _, v := range []string{"HOME", "CODEX_HOME", "XDG_CONFIG_HOME", "UNSTUCK_CONFIG_ROOT"} {
		t.Setenv(v, home)
	}
	t.Setenv("OPENAI_API_KEY", "")
	work := t.TempDir()
	if err := os.WriteFile(filepath.Join(work, ".env"), []byte("OPENAI_API_KEY=sk-proj-LOADTEST0123456789abcdefghijklmnop\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(work)
	load := startLoading(options{model: "gpt-4o-mini", timeout: 3 * time.Second})
	tree, runner, err := load()
	if err != nil {
		t.Fatal(err)
	}
	if n := tree.Node(tree.Start); n == nil || n.Kind != decisiontree.Question {
		t.Fatalf("the tree's first node: %+v", n)
	}
	s := runner.Setup()
	if s.Config.Model != "gpt-4o-mini" || s.Key.Empty() || filepath.Base(s.EnvFilePath) != ".env" {
		t.Errorf("the runner was not resolved from the flags and the .env here: model %q, key empty %v, .env %q",
			s.Config.Model, s.Key.Empty(), s.EnvFilePath)
	}
	if tree2, runner2, _ := load(); tree2 != tree || runner2 != runner {
		t.Error("a second call made new ones")
	}
}
