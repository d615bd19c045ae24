package setup

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/unstuck-dev/unstuck/checks"
)

// envBomb is a .env under 1 KiB whose variables expand one another, each
// line doubling the last: a loader that expands it in full needs 2^40 × 8
// bytes.
func envBomb(lines int) string {
	var b strings.Builder
	b.WriteString("A0=xxxxxxxx\n")
	for i := 1; i < lines; i++ {
		fmt.Fprintf(&b, "A%d=${A%d}${A%d}\n", i, i-1, i-1)
	}
	return b.String()
}

// TestEnvFileExpansionBomb runs the whole .env path (Resolve, which loads
// the file, and the env-file check, which lints it) in a child process
// whose address space is capped at 1 GiB above what it holds at the start:
// a parser that expands the bomb fails this test with an out-of-memory
// exit instead of taking the machine down.
func TestEnvFileExpansionBomb(t *testing.T) {
	if os.Getenv("UNSTUCK_ENVBOMB_CHILD") != "" {
		t.Skip("the child runs TestEnvFileExpansionBombChild only")
	}
	if !capAddressSpaceSupported {
		t.Skip("no address-space cap on this platform")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestEnvFileExpansionBombChild$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), "UNSTUCK_ENVBOMB_CHILD=1", "HOME="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("the child did not finish within 60 s:\n%.3000s", out)
	}
	if err != nil {
		t.Fatalf("the child failed (%v): a .env that expands itself must be a finding, not a crash:\n%.3000s", err, out)
	}
	if !strings.Contains(string(out), "CHILD OK") {
		t.Fatalf("the child did not report:\n%.3000s", out)
	}
}

func TestEnvFileExpansionBombChild(t *testing.T) {
	if os.Getenv("UNSTUCK_ENVBOMB_CHILD") == "" {
		t.Skip("run by TestEnvFileExpansionBomb")
	}
	if err := capAddressSpace(1 << 30); err != nil {
		t.Fatalf("cannot cap the address space: %v", err)
	}
	dir := t.TempDir()
	bomb := envBomb(40)
	if len(bomb) > 1024 {
		t.Fatalf("the bomb is %d bytes, want under 1 KiB", len(bomb))
	}
	writeFile(t, dir, ".env", "OPENAI_API_KEY="+testKey+"\n"+bomb)
	s := testSetup(t, checks.Config{WorkDir: dir, Provider: "openai", Env: checks.Env{}})
	if s.EnvFilePath == "" {
		t.Fatal("the .env was not found")
	}
	if got := s.EnvFileVars["OPENAI_API_KEY"]; got != testKey {
		t.Errorf("the key before the bomb reads %q", got)
	}
	for n, v := range s.EnvFileVars {
		if len(v) > envFileCap {
			t.Errorf("%s holds %d bytes: expansion was not bounded", n, len(v))
		}
	}
	r := EnvFile(context.Background(), s)
	all := r.Summary + "\n" + strings.Join(r.Details, "\n")
	t.Logf("%s %s\n%s", r.Status, r.Cause, all)
	if r.Status != checks.Warn && r.Status != checks.Fail {
		t.Errorf("status %s, want a warning", r.Status)
	}
	if !strings.Contains(all, "expand") || !strings.Contains(all, "line ") {
		t.Errorf("the finding does not say which line expands too far:\n%s", all)
	}
	for _, c := range []checks.CheckFunc{KeyPresent, KeySources, KeyHygiene, FrontendEnv} {
		c(context.Background(), s)
	}
	fmt.Println("CHILD OK " + strconv.Itoa(len(s.EnvFileVars)))
}
