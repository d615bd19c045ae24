package ui

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/checks/suite"
	"github.com/unstuck-dev/unstuck/content"
	"github.com/unstuck-dev/unstuck/decisiontree"
)

const crashKey = "sk-proj-CRASHTESTKEY0123456789abcdefSECRET"

// A panic inside the wizard must end in a short, redacted message and a
// crash log without the key, not in a stack trace holding it.
func TestRunCrashIsShortAndRedacted(t *testing.T) {
	tree, err := decisiontree.Parse([]byte("start: cause:key-missing\nheadless: cause:key-missing\nexplain: cause:key-missing\nnodes:\n  - {id: cause:key-missing, kind: cause, cause: key-missing}\n"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	stderr, err := os.CreateTemp(dir, "stderr")
	if err != nil {
		t.Fatal(err)
	}
	realStderr := os.Stderr
	os.Stderr = stderr // what the guard hands on lands here
	defer func() { os.Stderr = realStderr }()

	o := Options{
		Runner:    suite.NewRunner(checks.Config{Env: checks.Env{"OPENAI_API_KEY": crashKey}, Timeout: time.Second}),
		Tree:      tree,
		ReportDir: dir,
		CauseInfo: func(id string) (content.Cause, bool) {
			panic("the server said: Incorrect API key provided: " + crashKey)
		},
		input:  strings.NewReader(""),
		output: io.Discard,
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	runErr := Run(ctx, o)
	if runErr == nil {
		t.Fatal("a panicking wizard returned no error")
	}
	msg := runErr.Error()
	if strings.Contains(msg, crashKey) || !strings.Contains(msg, "crashed") || !strings.Contains(msg, "restored") {
		t.Errorf("Run's error: %q", msg)
	}
	logs, _ := filepath.Glob(filepath.Join(dir, "unstuck-crash-*.log"))
	if len(logs) != 1 || !strings.Contains(msg, logs[0]) {
		t.Fatalf("want one crash log named in the error, got %v (%q)", logs, msg)
	}
	crashLog, _ := os.ReadFile(logs[0])
	if !strings.Contains(string(crashLog), "Incorrect API key provided") || strings.Contains(string(crashLog), crashKey) {
		t.Errorf("the crash log should hold the redacted panic:\n%s", crashLog)
	}
	shown, _ := os.ReadFile(stderr.Name())
	if strings.Contains(string(shown), crashKey) || strings.Contains(string(shown), "goroutine ") {
		t.Errorf("stderr shows the key or a stack:\n%s", shown)
	}
}
