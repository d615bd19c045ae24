package main

import (
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/decisiontree"
)

// The wizard's "check everything" gets the setups diagnose --all finds:
// every client configured in a temporary home, the billable requests each
// would send (none for one without a key), and a check that sends nothing
// billable without the yes and reaches the same verdict diagnose does.
func TestWizardSetupsAreDiagnoseAlls(t *testing.T) {
	api := e2eAnthropicServer()
	var posts atomic.Int32
	srv := e2eServe(t, bearerOnly(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && !strings.Contains(r.URL.Path, "count_tokens") { // count_tokens is free
			posts.Add(1)
		}
		api.ServeHTTP(w, r)
	})))
	home := claudeAndCodexHome(t, srv)
	tree, known, err := loadContent()
	if err != nil {
		t.Fatal(err)
	}
	notInContainer := false
	cfg := checks.Config{Env: checks.Env{"HOME": home, "XDG_CONFIG_HOME": filepath.Join(home, ".config")}, WorkDir: home,
		ConfigRoot: t.TempDir(), Timeout: 5 * time.Second, InContainer: &notInContainer, Client: "codex"}
	known.apply(&cfg)
	setups := wizardSetups(func() *decisiontree.Tree { return tree })(t.Context(), cfg)
	by := map[string]int{}
	for i, s := range setups {
		by[s.Name] = i
	}
	cc, ok1 := by["claude-code"]
	cx, ok2 := by["codex"]
	if !ok1 || !ok2 {
		t.Fatalf("want claude-code and codex (the --client asked about does not narrow it), got %+v", by)
	}
	if len(setups[cc].Billed) == 0 || !strings.Contains(setups[cc].Billed[0], "/v1/messages") {
		t.Errorf("claude-code's billable requests: %q", setups[cc].Billed)
	}
	if len(setups[cx].Billed) != 0 {
		t.Errorf("codex has no key: nothing billable would go, yet %q", setups[cx].Billed)
	}
	v, err := setups[cc].Check(t.Context(), false)
	if err != nil {
		t.Fatal(err)
	}
	if posts.Load() != 0 {
		t.Fatalf("declined, yet %d POSTs reached the server", posts.Load())
	}
	if v.Confirmed && v.Cause.ID == "healthy" {
		t.Errorf("healthy and confirmed without the test request")
	}
	v, err = setups[cx].Check(t.Context(), true)
	if err != nil || v.Cause.ID != "key-missing" {
		t.Errorf("codex: %q, %v; want key-missing", v.Cause.ID, err)
	}
}
