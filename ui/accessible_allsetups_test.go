package ui

import (
	"strings"
	"testing"
)

// Line mode takes "check everything" across every setup configured here,
// as the full-screen wizard does: one consent in the all-setups words, a
// line per setup as its result arrives, then the page of the one picked
// (enter: the first failing), and the closing verdict line.
func TestAccessibleCheckEverySetup(t *testing.T) {
	o, goodPosts, badPosts, finds := allSetupsOptions(t)
	out, err := runLines(t, o, "setting", "", "", "my own code", "y", "", "q")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("output:\n%s", out)
	if *finds != 1 {
		t.Fatalf("setups were looked for %d times, want once:\n%s", *finds, out)
	}
	flat := strings.Join(strings.Fields(out), " ")
	for _, want := range []string{
		"Checking these 2 setups sends up to 2 real requests that may be billed.",
		"· openai-sdk: 1 request to POST",
		"· codex: 1 request to POST",
		"y to send them all · n to check every setup without them",
		"Send them? y or n",
		"Every setup on this machine (2)",
		"✓ openai-sdk openai " + o.Runner.Setup().Config.Env["OPENAI_BASE_URL"] + "/chat/completions — healthy",
		"✗ codex openai http://127.0.0.1:",
		"(key-rejected)",
		"1 healthy, 1 failing",
		"Which setup's page? Type its number (1-2); enter shows 2 (codex)",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
	if strings.Count(out, "Checking these 2 setups") != 1 {
		t.Errorf("want one consent for every setup:\n%s", out)
	}
	if goodPosts.Load() != 1 || badPosts.Load() != 1 {
		t.Errorf("after the yes: %d and %d test requests, want 1 each", goodPosts.Load(), badPosts.Load())
	}
	// The failing setup's page, as plain text, then its closing line.
	_, page, ok := strings.Cut(out, "enter shows 2 (codex)")
	if !ok || !strings.Contains(page, "Setup 2 of 2: codex — openai http://127.0.0.1:") || !strings.Contains(page, "(layer: ") || !strings.Contains(page, "Checks:") {
		t.Errorf("enter did not show the failing setup's page:\n%s", page)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if last := lines[len(lines)-1]; !strings.HasPrefix(last, "✗ key-rejected — ") {
		t.Errorf("the output does not end with the failing setup's verdict: %q", last)
	}
	if strings.Contains(out, "\x1b") || strings.ContainsRune(out, 0x9b) {
		t.Errorf("escape sequences in the line-by-line output:\n%q", out)
	}
	for _, k := range []string{testKey, otherKey} {
		if strings.Contains(out, k[8:20]) {
			t.Errorf("a key is in the output: %s…", k[:8])
		}
	}
}

// n checks every setup without anything billable; a number shows that
// setup's page and b returns to the list.
func TestAccessibleCheckEverySetupDeclined(t *testing.T) {
	o, goodPosts, badPosts, _ := allSetupsOptions(t)
	out, err := runLines(t, o, "setting", "", "", "my own code", "n", "7", "1", "b", "q")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("output:\n%s", out)
	if goodPosts.Load()+badPosts.Load() != 0 {
		t.Fatalf("declined, yet %d billable requests went out", goodPosts.Load()+badPosts.Load())
	}
	flat := strings.Join(strings.Fields(out), " ")
	for _, want := range []string{
		"Nothing billable is sent: verdicts that need the test request say they are unconfirmed.",
		"7 is not a setup's number.",
		"✗ codex",
		// The healthy setup's request was declined: not confirmed, and
		// never a plain "healthy".
		"1. ! openai-sdk",
		"healthy, not confirmed",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
	// Back from the page of setup 1: the list again, in order, numbered.
	_, again, ok := strings.Cut(out, "b back to the list")
	if !ok || !strings.Contains(again, "1. ") || !strings.Contains(again, "2. ✗ codex") || !strings.Contains(again, "enter shows 2 (codex)") {
		t.Errorf("b did not return to the list:\n%s", again)
	}
	if strings.Contains(out, "\x1b") || strings.Contains(out, otherKey[8:20]) || strings.Contains(out, testKey[8:20]) {
		t.Errorf("escape sequences or a key in the output:\n%q", out)
	}
}
