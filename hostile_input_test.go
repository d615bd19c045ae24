package main

// Hostile input from the machine under diagnosis: files, environment values
// and server answers that try to exhaust memory, write to the terminal or
// hide where things are.

import (
	"fmt"
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
