package main

import (
	"strings"
	"testing"
)

// The real binary in a real terminal: "Setting up: check everything" with
// Claude Code and Codex configured in the home finds both, asks once for
// every billable request, lists one line per setup and opens the failing
// one's page; esc returns to the list.
func TestTmuxCheckEverythingListsEverySetup(t *testing.T) {
	t.Parallel()
	srv := e2eServe(t, bearerOnly(e2eAnthropicServer()))
	home := claudeAndCodexHome(t, srv)
	p := tmuxStart(t, tmuxOpts{width: 120, height: 32, env: map[string]string{"HOME": home, "UNSTUCK_CONFIG_ROOT": t.TempDir()}})
	p.waitText(tmuxRootPrompt)
	p.choose("Setting up: check everything")
	p.waitText(tmuxURLPrompt)
	p.keys("Enter")
	p.waitText(tmuxModelPrompt)
	p.keys("Enter")
	p.waitText(tmuxClientPrompt)
	p.keys("Enter")
	s := p.waitText("Checking these 2 setups")
	if !tmuxHas(s, "claude-code: 1 request to POST") || !tmuxHas(s, "codex: nothing billable") {
		t.Fatalf("the consent should name each setup's requests:%s", p.show(s))
	}
	p.keys("y")
	s = p.waitText("1 healthy, 1 failing")
	for _, want := range []string{"claude-code", "— healthy", "codex", "(key-missing)"} {
		if !tmuxHas(s, want) {
			t.Errorf("the list does not show %q:%s", want, p.show(s))
		}
	}
	p.keys("Enter")
	s = p.waitText("What we found")
	if !strings.Contains(s, "RELAY_API_KEY is not set") {
		t.Errorf("the page should be codex's (RELAY_API_KEY):%s", p.show(s))
	}
	p.keys("Escape")
	p.waitText("1 healthy, 1 failing")
	mid := e2eAnthropicKey[len(e2eAnthropicKey)/2-6 : len(e2eAnthropicKey)/2+6]
	for _, shot := range []string{p.screen("-J", "-S", "-"), p.screen("-e", "-S", "-")} {
		if strings.Contains(strings.Join(strings.Fields(shot), ""), mid) {
			t.Fatalf("the key shows on screen or in the scrollback:%s", p.show(shot))
		}
	}
}
