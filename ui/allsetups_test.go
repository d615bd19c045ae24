package ui

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/checks/suite"
	"github.com/unstuck-dev/unstuck/content"
	"github.com/unstuck-dev/unstuck/verdict"
)

const otherKey = "sk-proj-ZyXwVuTsRqPoNmLkJiHgFeDcBa9876543210zyxwVUTS"

// allServer answers as OpenAI does: with good the models list and a chat
// completion, else 401 invalid_api_key for everything. posts counts the
// completions asked for.
func allServer(t *testing.T, good bool) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var posts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Method == "POST" {
			posts.Add(1)
		}
		switch {
		case !good:
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"error":{"message":"Incorrect API key provided: sk-proj-****EFGH. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`)
		case r.Method == "GET" && strings.HasSuffix(r.URL.Path, "/models"):
			fmt.Fprint(w, `{"object":"list","data":[{"id":"gpt-4o-mini","object":"model","created":1715367049,"owned_by":"system"}]}`)
		case r.Method == "POST" && strings.HasSuffix(r.URL.Path, "/chat/completions"):
			fmt.Fprint(w, `{"id":"chatcmpl-1","object":"chat.completion","created":1715367049,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":8,"completion_tokens":1,"total_tokens":9}}`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &posts
}

// allSetupsDriver is the real tree and two setups found "on this machine":
// one healthy, one whose key the server refuses. Each setup's check runs
// the real checks and walks the tree headless, as main's does.
func allSetupsDriver(t *testing.T) (*driver, *atomic.Int32, *atomic.Int32, *int) {
	t.Helper()
	o, goodPosts, badPosts, finds := allSetupsOptions(t)
	d := newDriver(t, o, 120, 40)
	if *finds != 0 {
		t.Fatal("setups were looked for before the walk reached the everything checks")
	}
	d.choose("Setting up: check everything")
	d.press("enter", "enter") // base URL, model: keep what the environment says
	d.choose("I don't know / my own code")
	return d, goodPosts, badPosts, finds
}

// allSetupsOptions is allSetupsDriver's wizard before it starts.
func allSetupsOptions(t *testing.T) (Options, *atomic.Int32, *atomic.Int32, *int) {
	t.Helper()
	tree, err := content.Tree()
	if err != nil {
		t.Fatal(err)
	}
	profiles, err := content.Profiles()
	if err != nil {
		t.Fatal(err)
	}
	good, goodPosts := allServer(t, true)
	bad, badPosts := allServer(t, false)
	dir := t.TempDir()
	notInContainer := false
	runner := func(base, key string) *checks.Runner {
		env := checks.Env{"OPENAI_API_KEY": key, "OPENAI_BASE_URL": base, "HOME": dir, "XDG_CONFIG_HOME": dir, "CODEX_HOME": dir}
		return suite.NewRunner(checks.Config{Provider: "openai", Model: "gpt-4o-mini", Env: env, WorkDir: dir, Timeout: 5 * time.Second,
			Profiles: profiles, InContainer: &notInContainer, ConfigRoot: dir})
	}
	var ids []string
	for _, id := range tree.ChecksUsed() {
		if id != checks.CheckPaste {
			ids = append(ids, id)
		}
	}
	setupOf := func(name, base, key string) Setup {
		r := runner(base, key)
		return Setup{Name: name, Provider: "openai", Protocol: "openai", Endpoint: base + "/chat/completions", Runner: r,
			Billed: suite.Billed(r.Setup(), []string{checks.CheckRequest}),
			Check: func(ctx context.Context, send bool) (verdict.Verdict, error) {
				if !send {
					r.Reconfigure(func(c *checks.Config) { c.NoRequest = true })
				}
				results := r.RunAll(ctx, ids)
				walk, err := tree.Resolve(tree.Headless, r.Facts())
				if err != nil {
					return verdict.Verdict{}, err
				}
				v, err := verdict.Of(r, walk.Current().Cause, results)
				return v.Walked(r, walk), err
			}}
	}
	finds := new(int)
	o := Options{Runner: runner(good.URL+"/v1", testKey), Tree: tree, Version: "test", ReportDir: dir,
		FindSetups: func(_ context.Context, _ checks.Config) []Setup {
			*finds++
			return []Setup{setupOf("openai-sdk", good.URL+"/v1", testKey), setupOf("codex", bad.URL+"/v1", otherKey)}
		}}
	return o, goodPosts, badPosts, finds
}

// "Check everything" checks every setup configured here: one consent for
// every billable request (how many, where), one line per setup, then the
// page of the failing one, and back to the list.
func TestCheckEverythingChecksEverySetup(t *testing.T) {
	d, goodPosts, badPosts, finds := allSetupsDriver(t)
	if *finds != 1 || d.model().screen != scrAllConsent {
		t.Fatalf("want the consent for every setup (found %d times):\n%s", *finds, d.screen())
	}
	ask := flatScreen(d)
	for _, want := range []string{"Checking these 2 setups sends up to 2 real requests", "openai-sdk: 1 request to POST", "codex: 1 request to POST", "y to send them all"} {
		if !strings.Contains(ask, want) {
			t.Errorf("the consent does not say %q:\n%s", want, d.screen())
		}
	}
	if goodPosts.Load()+badPosts.Load() != 0 {
		t.Fatal("a billable request went out before the yes")
	}
	d.press("y")
	if d.model().screen != scrAll {
		t.Fatalf("want the list of setups:\n%s", d.screen())
	}
	t.Logf("consent:\n%s", ask)
	t.Logf("list:\n%s", d.screen())
	list := flatScreen(d)
	// The highlighted row is marked as in every other list of the wizard.
	for _, want := range []string{"Every setup on this machine (2)", "✓ openai-sdk", "— healthy", "› ✗ codex", "1 healthy, 1 failing"} {
		if !strings.Contains(list, want) {
			t.Errorf("the list does not say %q:\n%s", want, d.screen())
		}
	}
	if goodPosts.Load() != 1 {
		t.Errorf("the healthy setup's request: %d sent, want 1 after the yes", goodPosts.Load())
	}
	a := d.model().all
	if a.cursor != 1 {
		t.Errorf("the first failing setup should be highlighted, cursor at %d", a.cursor)
	}
	cause := a.results[1].verdict.Cause
	d.press("enter")
	if d.model().screen != scrResult || d.model().res.verdict.Cause.ID != cause.ID || cause.ID == "healthy" {
		t.Fatalf("enter should open the failing setup's page (%s):\n%s", cause.ID, d.screen())
	}
	if !strings.Contains(flatScreen(d), strings.Join(strings.Fields(cause.Title), " ")) {
		t.Errorf("the page does not name %q:\n%s", cause.Title, d.screen())
	}
	d.press("esc")
	if d.model().screen != scrAll {
		t.Fatalf("esc from a setup's page should return to the list:\n%s", d.screen())
	}
	d.press("up", "enter")
	if d.model().res == nil || d.model().res.verdict.Cause.ID != "healthy" {
		t.Fatalf("the healthy setup's page:\n%s", d.screen())
	}
	for _, f := range d.frames {
		if s := ansi.Strip(f); strings.Contains(s, testKey) || strings.Contains(s, otherKey) {
			t.Fatalf("a frame shows a key whole:\n%s", s)
		}
	}
}

// "n" checks every setup without anything billable.
func TestCheckEverythingDeclinedSendsNothing(t *testing.T) {
	d, goodPosts, badPosts, _ := allSetupsDriver(t)
	d.press("n")
	if d.model().screen != scrAll || !strings.Contains(flatScreen(d), "1 healthy, 1 failing") && !strings.Contains(flatScreen(d), "failing") {
		t.Fatalf("want the list:\n%s", d.screen())
	}
	if goodPosts.Load()+badPosts.Load() != 0 {
		t.Fatalf("declined, yet %d billable requests went out", goodPosts.Load()+badPosts.Load())
	}
	for i, r := range d.model().all.results {
		if r.verdict.Cause.ID == "healthy" && r.verdict.Confirmed {
			t.Errorf("setup %d: healthy and confirmed without its test request", i)
		}
	}
}

// Without setups anywhere, the path checks the one setup the shell gives.
func TestCheckEverythingWithNoSetupFallsBack(t *testing.T) {
	tree, err := content.Tree()
	if err != nil {
		t.Fatal(err)
	}
	d := honestDriver(t, "http://127.0.0.1:1/v1", "gpt-4o-mini", true)
	m := d.model()
	m.o.FindSetups = func(context.Context, checks.Config) []Setup { return nil }
	m.o.Tree = tree
	d.m = m
	d.choose("Setting up: check everything")
	d.press("enter", "enter", "enter")
	if d.model().screen == scrAll || d.model().screen == scrAllConsent {
		t.Fatalf("no setup found, yet the all-setups screen:\n%s", d.screen())
	}
	if !strings.Contains(flatScreen(d), "No client or provider is configured") && d.model().screen != scrResult {
		t.Fatalf("want the single setup's verdict:\n%s", d.screen())
	}
}
