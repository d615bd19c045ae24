package setup

import (
	"context"
	"strings"
	"testing"

	"github.com/unstuck-dev/unstuck/checks"
)

// A local model server needs no key: none set is no key-missing, and the
// OpenAI SDK's own need for some value is said.
func TestKeyPresentLocalServer(t *testing.T) {
	r := KeyPresent(context.Background(), testSetup(t, checks.Config{Provider: "ollama", Env: checks.Env{}}))
	if r.Status != checks.Skip || r.Cause != "" || !strings.Contains(strings.Join(r.Details, " "), "OPENAI_API_KEY=local") {
		t.Errorf("got %s %q: %s %v", r.Status, r.Cause, r.Summary, r.Details)
	}
	// A cloud profile still needs one.
	if r := KeyPresent(context.Background(), testSetup(t, checks.Config{Provider: "openai", Env: checks.Env{}})); r.Cause != "key-missing" {
		t.Errorf("openai without a key: %s %q", r.Status, r.Cause)
	}
}

// OLLAMA_HOST gives the base URL when no base URL variable does.
func TestOllamaHostIsTheBaseURL(t *testing.T) {
	s := testSetup(t, checks.Config{Provider: "ollama", Env: checks.Env{"OLLAMA_HOST": "0.0.0.0:11500"}})
	if s.BaseURL != "http://127.0.0.1:11500/v1" || s.BaseURLSource != "OLLAMA_HOST" {
		t.Errorf("base %q from %q", s.BaseURL, s.BaseURLSource)
	}
	s = testSetup(t, checks.Config{Provider: "ollama", Env: checks.Env{"OLLAMA_HOST": "0.0.0.0", "OPENAI_BASE_URL": "http://box:11434/v1"}})
	if s.BaseURL != "http://box:11434/v1" {
		t.Errorf("OPENAI_BASE_URL should win over OLLAMA_HOST: %q", s.BaseURL)
	}
	s = testSetup(t, checks.Config{Provider: "ollama", Env: checks.Env{}})
	if s.BaseURL != "http://localhost:11434/v1" || s.BaseURLSource != "profile default" {
		t.Errorf("default %q from %q", s.BaseURL, s.BaseURLSource)
	}
}

// A local profile without confirm probes, a port out of range or a probe
// that holds for any answer is refused when the file is read.
func TestParseProfilesLocalFields(t *testing.T) {
	for name, y := range map[string]string{
		"no confirm":     "- {name: x, protocol: openai, local: true}",
		"bad port":       "- {name: x, protocol: openai, ports: [70000]}",
		"any answer":     "- {name: x, protocol: openai, local: true, confirm: [{path: /}]}",
		"path without /": "- {name: x, protocol: openai, local: true, confirm: [{path: health, status: 200}]}",
	} {
		if _, err := ParseProfiles([]byte(y)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := ParseProfiles([]byte("- {name: x, protocol: openai, local: true, ports: [1234], confirm: [{path: /, says: hi}]}")); err != nil {
		t.Errorf("a good local profile refused: %v", err)
	}
}
