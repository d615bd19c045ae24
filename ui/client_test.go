package ui

import (
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/checks/setup"
	"github.com/unstuck-dev/unstuck/checks/suite"
	"github.com/unstuck-dev/unstuck/content"
)

// clientWizard is a temporary home where Codex and Continue are set up,
// and the wizard on the real tree over it; finds counts the searches for
// configured clients.
func clientWizard(t *testing.T, mutate func(*checks.Config)) (*driver, *atomic.Int32) {
	t.Helper()
	tree, err := content.Tree()
	if err != nil {
		t.Fatal(err)
	}
	profiles, err := content.Profiles()
	if err != nil {
		t.Fatal(err)
	}
	clients, err := content.Clients()
	if err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	write := func(rel, body string) {
		p := filepath.Join(home, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// Codex and Continue: the second and fifth in clients.yaml's order.
	write(".continue/config.yaml", "name: Local\nversion: 1.0.0\nschema: v1\nmodels:\n  - name: Relay\n    provider: openai\n    model: gpt-4o-mini\n    apiBase: http://127.0.0.1:9/v1\n    apiKey: sk-relay-0123456789abcdef0123456789\n")
	write(".codex/config.toml", "model = \"gpt-5-codex\"\nmodel_provider = \"relay\"\n[model_providers.relay]\nname = \"Relay\"\nbase_url = \"http://127.0.0.1:9/v1\"\nenv_key = \"RELAY_KEY\"\n")
	notInContainer := false
	cfg := checks.Config{
		Env:     checks.Env{"HOME": home, "XDG_CONFIG_HOME": filepath.Join(home, ".config"), "XDG_DATA_HOME": filepath.Join(home, ".local", "share")},
		WorkDir: home, ConfigRoot: home, Timeout: 5 * time.Second,
		Profiles: profiles, Clients: clients, InContainer: &notInContainer, NoRequest: true,
	}
	if mutate != nil {
		mutate(&cfg)
	}
	finds := new(atomic.Int32)
	r := suite.NewRunner(cfg)
	d := newDriver(t, Options{Runner: r, Tree: tree, Version: "test", ReportDir: home,
		FindClients: func(c checks.Config) []string { finds.Add(1); return setup.Configured(c) }}, 80, 24)
	return d, finds
}

// "What are you running?" lists what is configured here first, marked;
// the configured clients are looked for only when the question is reached
// (never for the first frame); the answer is --client for the walk, and a
// restart forgets it.
func TestClientQuestionOffersWhatIsConfiguredFirst(t *testing.T) {
	d, finds := clientWizard(t, nil)
	if finds.Load() != 0 {
		t.Fatal("configured clients were looked for before the client question")
	}
	d.choose("401 Unauthorized")
	d.press("enter", "enter") // base URL, model
	if finds.Load() != 1 {
		t.Fatalf("searches when the question is reached: %d, want 1", finds.Load())
	}
	d.mustShow("What are you running?")
	lines := strings.Split(d.screen(), "\n")
	var rows []string
	for _, ln := range lines {
		if strings.HasPrefix(ln, "  ") || strings.HasPrefix(ln, "› ") {
			rows = append(rows, strings.TrimSpace(strings.TrimPrefix(ln, "› ")))
		}
	}
	if len(rows) < 3 || !strings.HasPrefix(rows[0], "Codex CLI") || !strings.HasPrefix(rows[1], "Continue") ||
		!strings.Contains(rows[0], "configured here") || !strings.Contains(rows[1], "configured here") {
		t.Fatalf("configured clients are not first and marked:\n%s", d.screen())
	}
	marked := 0
	for _, r := range rows {
		if strings.Contains(r, "  configured here") {
			marked++
		}
	}
	if marked != 2 {
		t.Errorf("only the two configured clients are marked:\n%s", d.screen())
	}
	if !strings.Contains(d.screen(), "› Codex CLI") {
		t.Errorf("the highlight is not on the first configured client:\n%s", d.screen())
	}
	d.checkFits(80, 24)

	// down goes to the next shown (Continue), whatever the file order says.
	d.press("down")
	if !strings.Contains(d.screen(), "› Continue") {
		t.Fatalf("down did not move to Continue:\n%s", d.screen())
	}
	d.press("up", "enter")
	if got := d.model().o.Runner.Setup().Config.Client; got != "codex" {
		t.Fatalf("after choosing Codex, --client is %q", got)
	}
	if s := d.model().o.Runner.Setup(); s.Client != "codex" || s.KeyEnv != "RELAY_KEY" {
		t.Errorf("the walk does not read Codex's configuration: client %q key variable %q", s.Client, s.KeyEnv)
	}
	if got := d.model().walker.Facts()["client"]; got != "codex" {
		t.Errorf("fact client = %q", got)
	}

	d.press("r")
	if got := d.model().o.Runner.Setup().Config.Client; got != "" {
		t.Errorf("a restart kept --client %q", got)
	}
}

// --client on the command line is the highlighted answer; "I don't know"
// leaves the choice to the guess.
func TestClientQuestionDefaultsAndUnknown(t *testing.T) {
	d, _ := clientWizard(t, func(c *checks.Config) { c.Client = "aider" })
	d.choose("401 Unauthorized")
	d.press("enter", "enter")
	if !strings.Contains(d.screen(), "› aider") {
		t.Fatalf("--client aider is not highlighted:\n%s", d.screen())
	}
	for range 20 {
		if strings.Contains(d.screen(), "› I don't know") {
			break
		}
		d.press("down")
	}
	d.press("enter")
	if got := d.model().o.Runner.Setup().Config.Client; got != "" {
		t.Errorf("I don't know set --client %q; want the guess", got)
	}
}
