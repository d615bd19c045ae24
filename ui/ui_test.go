package ui

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/checks/suite"
	"github.com/unstuck-dev/unstuck/content"
	"github.com/unstuck-dev/unstuck/decisiontree"
)

// fixtureTree is a small tree with every kind of node the wizard shows.
const fixtureTree = `
start: root
nodes:
  - id: root
    kind: question
    title: What you see
    prompt: What do you see when your code calls the API?
    help: Pick the closest match; you can go back at any time.
    set: symptom
    choices:
      - {label: "401 Unauthorized", hint: "invalid_api_key, Incorrect API key provided, authentication_error", value: "401", next: base}
      - {label: "429 Too Many Requests", hint: "rate limit or quota exceeded", value: "429", next: live}
      - {label: "Paste the error", hint: "we read the status and message for you", value: paste, next: paste}
      - {label: "It hangs", hint: "no answer at all", value: hang, next: slow}
      - {label: "Connection refused", value: refused, next: "cause:connection-refused"}
      - {label: "DNS error", value: dns, next: "cause:dns-failure"}
      - {label: "TLS error", value: tls, next: "cause:tls-failure"}
      - {label: "HTML instead of JSON", value: html, next: "cause:base-url-path"}
      - {label: "Model not found", value: model, next: "cause:model-not-found"}
      - {label: "Something else", hint: "we run every check", value: other, next: "cause:key-rejected"}
  - id: base
    kind: input
    title: Base URL
    input: base_url
    prompt: Which base URL does your client use?
    help: Exactly as your code or SDK gets it.
    next: model
  - id: model
    kind: input
    title: Model
    input: model
    optional: true
    prompt: Which model do you call?
    next: keys
  - id: keys
    kind: check
    title: Key checks
    prompt: Checking your API key
    checks: [key-present, key-hygiene]
    edges:
      - {when: key-present.status = fail, to: "cause:key-missing"}
      - {when: key-hygiene.cause = key-whitespace, to: "cause:key-whitespace"}
    next: sort
  - id: sort
    kind: branch
    edges:
      - {when: symptom = 401, to: "cause:key-rejected"}
    next: "cause:healthy"
  - id: live
    kind: check
    title: Live request
    checks: [key-present, request]
    edges:
      - {when: request.cause = rate-limited, to: "cause:rate-limited"}
      - {when: request.status = skip, to: "cause:not-sent"}
    next: "cause:healthy"
  - id: paste
    kind: input
    title: Pasted error
    input: pasted
    placeholder: "Error code: 401 - {'error': …}"
    prompt: Paste the error your code printed.
    next: "cause:key-rejected"
  - id: slow
    kind: check
    title: Models list
    checks: [models]
    next: "cause:timeout"
`

var fixtureCauses = map[string]content.Cause{
	"key-whitespace": {ID: "key-whitespace", Layer: "config", Title: "The key has whitespace or a newline in it"},
	"key-rejected":   {ID: "key-rejected", Layer: "auth", Title: "The provider rejected the key"},
	"key-missing":    {ID: "key-missing", Layer: "config", Title: "No API key is set"},
	"rate-limited":   {ID: "rate-limited", Layer: "rate-limit", Title: "Rate limited"},
	"healthy":        {ID: "healthy", Layer: "none", Title: "Everything works"},
	"not-sent":       {ID: "not-sent", Layer: "none", Title: "Not enough evidence without the request"},
}

// fixtureGuidance is a page long enough to scroll, naming its cause.
func fixtureGuidance(id string, d content.PageData) (string, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "# Page title\n\nFix for %s\n\nThe key in **%s** is %s.\n\n", id, d.KeyEnv, d.Key)
	fmt.Fprintf(&b, "Check it with `printf %%s \"$%s\" | od -c | tail -2`.\n\n", d.KeyEnv)
	for i := 1; i <= 30; i++ {
		fmt.Fprintf(&b, "%d. step number %d of the fix\n", i, i)
	}
	b.WriteString("\nThe last line of the page.\n")
	return b.String(), nil
}

// testKey looks like a real OpenAI project key.
const testKey = "sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdEFGH"

type fixture struct {
	runner *checks.Runner
	opts   Options
	dir    string
}

func newFixture(t *testing.T, mutate func(*checks.Config)) fixture {
	t.Helper()
	tree, err := decisiontree.Parse([]byte(fixtureTree))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cfg := checks.Config{
		KeyEnv:   "OPENAI_API_KEY",
		BaseURL:  "https://api.openai.com/v1",
		Model:    "gpt-4o-mini",
		Timeout:  5 * time.Second,
		WorkDir:  dir,
		EnvFile:  filepath.Join(dir, "no.env"),
		Env:      checks.Env{"OPENAI_API_KEY": testKey + "\n", "HOME": dir},
		Provider: "openai",
		Profiles: []checks.Profile{{
			Name: "openai", Title: "OpenAI", Protocol: "openai", KeyEnvs: []string{"OPENAI_API_KEY"},
			BaseURLEnvs: []string{"OPENAI_BASE_URL"}, DefaultBaseURL: "https://api.openai.com/v1",
			KeyPrefixes: []string{"sk-"}, AuthHeaders: []string{"bearer"}, HasModelsList: true, OpenAIBasePath: "/v1",
		}},
	}
	if mutate != nil {
		mutate(&cfg)
	}
	r := suite.NewRunner(cfg)
	return fixture{runner: r, dir: dir, opts: Options{
		Runner: r, Tree: tree, Version: "test", ReportDir: dir,
		Guidance: fixtureGuidance,
		CauseInfo: func(id string) (content.Cause, bool) {
			c, ok := fixtureCauses[id]
			return c, ok
		},
	}}
}

var sizes = []struct{ w, h int }{{80, 24}, {60, 16}}

func TestWalkToCausePageByKeyboard(t *testing.T) {
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			f := newFixture(t, nil)
			d := newDriver(t, f.opts, sz.w, sz.h)
			d.mustShow("What do you see", "› 401 Unauthorized", "What you see")
			d.checkFits(sz.w, sz.h)

			d.choose("401 Unauthorized")
			d.mustShow("Which base URL", "https://api.openai.com/v1", "401 Unauthorized › Base URL")
			d.checkFits(sz.w, sz.h)
			d.press("enter") // keep the pre-filled base URL
			d.mustShow("Which model", "gpt-4o-mini")
			d.press("enter")

			// The key's trailing newline is found; the walk ends at its page.
			if m := d.model(); m.screen != scrResult {
				t.Fatalf("screen %d, want the result:\n%s", m.screen, d.screen())
			}
			d.mustShow("The key has whitespace or a newline in it", "layer: config", "Fix for key-whitespace",
				"OPENAI_API_KEY", "key-hygiene", "Checks:")
			d.checkFits(sz.w, sz.h)

			// The page scrolls to its end.
			for range 40 {
				d.press("pgdown")
			}
			d.mustShow("The last line of the page.")
			d.press("pgup", "up", "down")
			d.checkFits(sz.w, sz.h)
		})
	}
}

func TestPrefilledInputDoesNotForgetResults(t *testing.T) {
	f := newFixture(t, nil)
	d := newDriver(t, f.opts, 80, 24)
	d.choose("401 Unauthorized")
	d.press("enter", "enter")
	if _, ok := f.runner.Result(checks.CheckKeyHygiene); !ok {
		t.Fatal("key-hygiene did not run")
	}
	// Back to the model input, enter again: unchanged, so the check node
	// passes straight through on the cached results.
	d.press("esc")
	d.mustShow("Which model")
	d.press("enter")
	d.mustShow("Fix for key-whitespace")

	// A changed model reconfigures the runner, which forgets its results;
	// the checks run again and the walk still ends on the same page.
	d.press("esc")
	d.press("backspace", "backspace")
	d.typeText("4.1")
	d.press("enter")
	if got := f.runner.Setup().Model; got != "gpt-4o-mi4.1" {
		t.Fatalf("model after edit = %q", got)
	}
	d.mustShow("Fix for key-whitespace")
}

func TestBackReturnsToPreviousQuestion(t *testing.T) {
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			f := newFixture(t, nil)
			d := newDriver(t, f.opts, sz.w, sz.h)
			d.choose("429 Too Many Requests") // to the consent screen
			d.mustShow("429 Too Many Requests")
			d.press("esc")
			d.mustShow("What do you see", "› 429 Too Many Requests")
			d.mustNotShow("429 Too Many Requests ›")

			d.choose("401 Unauthorized")
			d.mustShow("401 Unauthorized › Base URL")
			// In a text field backspace edits; esc goes back.
			d.press("backspace")
			d.mustShow("Which base URL", "https://api.openai.com/v")
			d.mustNotShow("https://api.openai.com/v1")
			d.press("esc")
			d.mustShow("What do you see", "› 401 Unauthorized")
			d.mustNotShow("› Base URL")
			if got := len(d.model().walker.Path()); got != 0 {
				t.Fatalf("path has %d steps after going back to the start", got)
			}

			// From the result page, back lands on the last input.
			d.choose("401 Unauthorized")
			d.press("enter", "enter")
			d.mustShow("Fix for key-whitespace")
			d.press("backspace")
			d.mustShow("Which model", "401 Unauthorized › Base URL › Model")

			// At the first question there is nowhere to go back to.
			d.press("esc", "esc", "esc")
			d.mustShow("What do you see", "This is the first step.")
		})
	}
}

func TestRestartKeepsResults(t *testing.T) {
	f := newFixture(t, nil)
	d := newDriver(t, f.opts, 80, 24)
	d.choose("401 Unauthorized")
	d.press("enter", "enter")
	d.mustShow("Fix for key-whitespace")
	d.press("r")
	d.mustShow("What do you see", "› 401 Unauthorized")
	if len(d.model().walker.Path()) != 0 {
		t.Fatal("restart kept the path")
	}
	if _, ok := f.runner.Result(checks.CheckKeyHygiene); !ok {
		t.Fatal("restart dropped the results")
	}
}

func TestHelpShowsAllKeys(t *testing.T) {
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			f := newFixture(t, nil)
			d := newDriver(t, f.opts, sz.w, sz.h)
			d.mustShow("quit")
			d.mustNotShow("restart")
			d.press("?")
			d.mustShow("restart", "quit", "choose", "back")
			d.checkFits(sz.w, sz.h)
			d.press("?")
			d.mustNotShow("restart")
		})
	}
}

func TestConsentBeforeBillableRequest(t *testing.T) {
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			f := newFixture(t, nil)
			d := newDriver(t, f.opts, sz.w, sz.h)
			d.choose("429 Too Many Requests")
			if d.model().screen != scrConsent {
				t.Fatalf("no consent screen:\n%s", d.screen())
			}
			// The whole sentence, unwrapped.
			flat := unwrapped(d.screen())
			want := "It sends 1 request to POST " + f.runner.Setup().Endpoint +
				" for gpt-4o-mini (1 output token): a fraction of a cent."
			if !strings.Contains(flat, want) {
				t.Fatalf("consent does not say %q:\n%s", want, d.screen())
			}
			d.mustShow("y to send", "n to skip")
			d.checkFits(sz.w, sz.h)
			if _, ran := f.runner.Result(checks.CheckRequest); ran {
				t.Fatal("the request ran before the user answered")
			}
			d.press("n")
			res, ok := f.runner.Result(checks.CheckRequest)
			if !ok || res.Status != checks.Skip || res.Summary != declined {
				t.Fatalf("request result after n = %+v, %v", res, ok)
			}
			// The page leads with the unconfirmed verdict; its fix follows.
			d.mustShow("Not enough evidence", "Not confirmed")
			for range 10 {
				if strings.Contains(d.screen(), "Fix for not-sent") {
					break
				}
				d.press("down")
			}
			d.mustShow("Fix for not-sent")
		})
	}
}

// unwrapped is the screen's text as one line, box borders dropped; a line
// the wrap broke after a hyphen (gpt-4o-|mini) joins without a space.
func unwrapped(screen string) string {
	var flat string
	for _, ln := range strings.Split(screen, "\n") {
		ln = strings.Join(strings.Fields(strings.NewReplacer("│", " ", "|", " ").Replace(ln)), " ")
		if ln == "" {
			continue
		}
		if flat != "" && !strings.HasSuffix(flat, "-") {
			flat += " "
		}
		flat += ln
	}
	return flat
}

// The consent question names the endpoint the client really calls, not
// the chat completions URL: the Responses API's /responses, with the 16
// output tokens it asks for at least.
func TestConsentNamesTheClientsEndpoint(t *testing.T) {
	f := newFixture(t, func(c *checks.Config) { c.Protocol = checks.ProtocolResponses })
	d := newDriver(t, f.opts, 80, 24)
	d.choose("429 Too Many Requests")
	if d.model().screen != scrConsent {
		t.Fatalf("no consent screen:\n%s", d.screen())
	}
	flat := unwrapped(d.screen())
	want := "It sends 1 request to POST https://api.openai.com/v1/responses for gpt-4o-mini (16 output tokens at most"
	if !strings.Contains(flat, want) {
		t.Fatalf("consent does not say %q:\n%s", want, d.screen())
	}
	if strings.Contains(flat, "/chat/completions") {
		t.Errorf("consent names chat completions for a Responses API client:\n%s", d.screen())
	}
	d.checkFits(80, 24)
}

// y sends exactly one request; the server's 429 decides the walk.
func TestConsentYesSendsOneRequest(t *testing.T) {
	var (
		mu   sync.Mutex
		hits []string
	)
	sent := func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), hits...) }
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits = append(hits, r.Method+" "+r.URL.Path)
		mu.Unlock()
		// OpenAI's answer to a request over the RPM limit.
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", "req_7c1e9a0b2f4d4e5f8a9b0c1d2e3f4a5b")
		w.Header().Set("X-Ratelimit-Limit-Requests", "500")
		w.Header().Set("X-Ratelimit-Remaining-Requests", "0")
		w.Header().Set("X-Ratelimit-Reset-Requests", "120ms")
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, `{"error":{"message":"Rate limit reached for gpt-4o-mini in organization org-abc on requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again in 120ms. Visit https://platform.openai.com/account/rate-limits to learn more.","type":"requests","param":null,"code":"rate_limit_exceeded"}}`)
	}))
	defer srv.Close()
	f := newFixture(t, func(c *checks.Config) {
		c.BaseURL = srv.URL + "/v1"
		c.Env["OPENAI_API_KEY"] = testKey
	})
	d := newDriver(t, f.opts, 80, 24)
	d.choose("429 Too Many Requests")
	d.mustShow(srv.URL + "/v1/chat/completions")
	if h := sent(); len(h) != 0 {
		t.Fatalf("sent before consent: %v", h)
	}
	d.press("y")
	if h := sent(); len(h) != 1 || h[0] != "POST /v1/chat/completions" {
		t.Fatalf("requests sent: %v", h)
	}
	d.mustShow("Rate limited", "Fix for rate-limited", "✓ key-present")
}

func TestNoRequestSkipsConsent(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("--no-request sent %s %s", r.Method, r.URL.Path)
	}))
	defer srv.Close()
	f := newFixture(t, func(c *checks.Config) { c.NoRequest = true; c.BaseURL = srv.URL + "/v1" })
	d := newDriver(t, f.opts, 80, 24)
	d.choose("429 Too Many Requests")
	if d.model().screen != scrResult {
		t.Fatalf("consent asked although nothing billable may be sent:\n%s", d.screen())
	}
	d.mustShow("Fix for not-sent")
}

func TestQuitKeys(t *testing.T) {
	f := newFixture(t, nil)
	d := newDriver(t, f.opts, 80, 24)
	d.press("q")
	if !d.quit {
		t.Fatal("q did not quit")
	}

	// In a text field q, r and ? are text; ctrl+c still quits.
	d = newDriver(t, f.opts, 80, 24)
	d.choose("401 Unauthorized")
	d.press("ctrl+u") // clear the field
	d.typeText("qr?")
	if d.quit {
		t.Fatal("q in a text field quit")
	}
	d.mustShow("Which base URL", "› qr?")
	d.press("ctrl+c")
	if !d.quit {
		t.Fatal("ctrl+c in a text field did not quit")
	}
}

// A check that takes long keeps the UI responsive and ticking; ctrl+c
// cancels it through its context.
func TestChecksTickAndCtrlCCancels(t *testing.T) {
	started, cancelled := make(chan struct{}), make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-r.Context().Done() // never answers; only cancellation ends it
		close(cancelled)
	}))
	defer srv.Close()
	f := newFixture(t, func(c *checks.Config) {
		c.BaseURL = srv.URL + "/v1"
		c.Timeout = time.Minute
		c.Env["OPENAI_API_KEY"] = testKey // clean, so that it is sent
	})

	m := New(f.opts)
	var tm tea.Model = m
	tm, _ = tm.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	for range 3 {
		tm, _ = tm.Update(uiKey("j")) // to "It hangs"
	}
	tm, cmd := tm.Update(uiKey("enter"))
	if tm.(Model).screen != scrChecks {
		t.Fatalf("not on the checks screen:\n%s", ansi.Strip(tm.View().Content))
	}
	// Run the check's command the way Bubble Tea would: in the background.
	msgs := make(chan tea.Msg, 8)
	go func() {
		for _, c := range cmd().(tea.BatchMsg) {
			go func() { msgs <- c() }()
		}
	}()
	view := ansi.Strip(tm.View().Content)
	for _, want := range []string{"Checking: Models list", "models", "Elapsed"} {
		if !strings.Contains(view, want) {
			t.Fatalf("checks screen lacks %q:\n%s", want, view)
		}
	}
	// A tick from the spinner moves the clock on screen.
	tm, _ = tm.Update(spinner.TickMsg{Time: time.Now().Add(90 * time.Second)})
	view = ansi.Strip(tm.View().Content)
	if !regexp.MustCompile(`Elapsed (89|90)\.\d s`).MatchString(view) {
		t.Fatalf("elapsed time did not tick:\n%s", view)
	}
	// Keys still work while the check runs.
	tm, _ = tm.Update(uiKey("?"))
	if !strings.Contains(ansi.Strip(tm.View().Content), "restart") {
		t.Fatal("help did not open while checks ran")
	}
	select {
	case <-started:
	case <-time.After(10 * time.Second):
		t.Fatal("the check never reached the server")
	}
	_, cmd = tm.Update(uiKey("ctrl+c"))
	if cmd == nil {
		t.Fatal("ctrl+c returned no command")
	}
	msg := cmd()
	if _, ok := msg.(interruptMsg); !ok {
		t.Fatalf("ctrl+c did not interrupt: %T", msg)
	}
	tm, cmd = tm.Update(msg)
	if !tm.(Model).interrupted || cmd == nil {
		t.Fatal("the interrupt did not end the wizard")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("the interrupt did not quit")
	}
	select {
	case <-cancelled:
	case <-time.After(10 * time.Second):
		t.Fatal("the running check was not cancelled")
	}
}

func TestResizeStorm(t *testing.T) {
	f := newFixture(t, nil)
	d := newDriver(t, f.opts, 80, 24)
	storm := func() {
		t.Helper()
		var msgs []tea.Msg
		for i := range 60 {
			w, h := 1+(i*37)%140, 1+(i*11)%50
			if i%17 == 0 {
				w, h = 0, 0
			}
			msgs = append(msgs, tea.WindowSizeMsg{Width: w, Height: h})
		}
		for _, sz := range []struct{ w, h int }{{40, 10}, {20, 5}, {3, 2}, {1, 1}, {80, 24}} {
			msgs = append(msgs, tea.WindowSizeMsg{Width: sz.w, Height: sz.h})
		}
		d.burst(msgs, func(msg tea.Msg) {
			if sz := msg.(tea.WindowSizeMsg); sz.Width > 0 && sz.Height > 0 {
				d.checkFits(sz.Width, sz.Height)
			}
		})
		d.checkFits(80, 24)
	}
	storm() // question
	d.choose("401 Unauthorized")
	storm() // input
	d.press("enter", "enter")
	storm() // result
	d.mustShow("Fix for key-whitespace")
	d.press("r")
	d.choose("Paste the error")
	storm() // textarea
	d.send(tea.WindowSizeMsg{Width: 40, Height: 10})
	d.mustShow("Paste")
	d.checkFits(40, 10)
}

func TestQuestionListScrolls(t *testing.T) {
	f := newFixture(t, nil)
	d := newDriver(t, f.opts, 60, 12)
	d.mustShow("↓ ")
	for range 9 {
		d.press("j")
	}
	d.mustShow("› Something else", "more")
	d.mustNotShow("401 Unauthorized")
	d.checkFits(60, 12)
	d.send(tea.WindowSizeMsg{Width: 40, Height: 10})
	d.mustShow("› Something else")
	d.checkFits(40, 10)
	for range 9 {
		d.press("k")
	}
	d.mustShow("› 401 Unauthorized")
}

func TestPasteUsesTextarea(t *testing.T) {
	f := newFixture(t, nil)
	d := newDriver(t, f.opts, 80, 24)
	d.choose("Paste the error")
	d.mustShow("ctrl+d or ctrl+s submits", "enter adds a new line")
	d.typeText("Error code: 401")
	d.press("enter") // a new line, not a submit
	d.typeText("invalid_api_key")
	if d.model().screen != scrPaste {
		t.Fatal("enter submitted the pasted text")
	}
	d.press("ctrl+s")
	if got := f.runner.Setup().Config.Pasted; got != "Error code: 401\ninvalid_api_key" {
		t.Fatalf("pasted = %q", got)
	}
	d.mustShow("The provider rejected the key")
}

// No frame ever shows the key: not the one from the environment, not one
// pasted with an error, not after saving the report.
func TestKeyNeverOnScreen(t *testing.T) {
	f := newFixture(t, nil)
	d := newDriver(t, f.opts, 80, 24)
	d.choose("401 Unauthorized")
	d.press("enter", "enter")
	d.press("s")
	d.press("r")
	d.choose("Paste the error")
	d.send(tea.PasteMsg{Content: "openai.AuthenticationError: Error code: 401\nAuthorization: Bearer " + testKey + "\nIncorrect API key provided: " + testKey + "."})
	d.send(tea.WindowSizeMsg{Width: 60, Height: 16})
	d.send(tea.WindowSizeMsg{Width: 40, Height: 10})
	d.press("ctrl+d")
	d.mustShow("The provider rejected the key")

	if len(d.frames) < 10 {
		t.Fatalf("only %d frames", len(d.frames))
	}
	for i, fr := range d.frames {
		plain := ansi.Strip(fr)
		for _, s := range []string{fr, plain, strings.ReplaceAll(plain, "\n", "")} {
			// Any 12 characters of the key would be a leak.
			for j := 0; j+12 <= len(testKey); j += 4 {
				if strings.Contains(s, testKey[j:j+12]) {
					t.Fatalf("frame %d shows part of the key (%q):\n%s", i, testKey[j:j+12], plain)
				}
			}
		}
	}
	for _, c := range d.clip {
		if strings.Contains(c, testKey[8:24]) {
			t.Fatal("the clipboard got the key")
		}
	}
}

func TestSaveReport(t *testing.T) {
	f := newFixture(t, nil)
	d := newDriver(t, f.opts, 80, 24)
	d.choose("401 Unauthorized")
	d.press("enter", "enter")
	d.press("s")
	files, _ := filepath.Glob(filepath.Join(f.dir, "unstuck-report-*.md"))
	if len(files) != 1 {
		t.Fatalf("report files: %v", files)
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "key-whitespace") || strings.Contains(string(data), testKey[8:24]) {
		t.Fatalf("report:\n%s", data)
	}
	if len(d.clip) != 1 || d.clip[0] != string(data) {
		t.Fatalf("clipboard got %d copies; first matches file: %v", len(d.clip), len(d.clip) > 0 && d.clip[0] == string(data))
	}
	flat := strings.Join(strings.Fields(d.screen()), " ")
	if !strings.Contains(flat, "copied to the clipboard") || !strings.Contains(flat, "Report saved to") {
		t.Fatalf("no status line:\n%s", d.screen())
	}
	if st, _ := os.Stat(files[0]); st.Mode().Perm() != 0o600 {
		t.Fatalf("report mode %v", st.Mode())
	}
	// A second save does not overwrite the first.
	d.press("s")
	files, _ = filepath.Glob(filepath.Join(f.dir, "unstuck-report-*.md"))
	if len(files) != 2 {
		t.Fatalf("report files after a second save: %v", files)
	}
}

// sgrColour finds SGR sequences that set a colour.
var sgrColour = regexp.MustCompile(`\x1b\[([0-9;:]*)m`)

func hasColour(s string) bool {
	for _, m := range sgrColour.FindAllStringSubmatch(s, -1) {
		for _, p := range strings.FieldsFunc(m[1], func(r rune) bool { return r == ';' || r == ':' }) {
			n, _ := strconv.Atoi(p)
			if (n >= 30 && n <= 49) || (n >= 90 && n <= 107) {
				return true
			}
		}
	}
	return false
}

func TestNoColour(t *testing.T) {
	f := newFixture(t, nil)
	f.opts.NoColor = true
	d := newDriver(t, f.opts, 80, 24)
	d.send(tea.BackgroundColorMsg{})
	d.choose("401 Unauthorized")
	d.press("enter", "enter")
	d.press("?")
	d.mustShow("Fix for key-whitespace")
	for i, fr := range d.frames {
		if hasColour(fr) {
			t.Fatalf("frame %d has colour: %q", i, fr)
		}
	}

	// With colour, there is colour (the test above can fail).
	f = newFixture(t, nil)
	d = newDriver(t, f.opts, 80, 24)
	if !hasColour(d.m.View().Content) {
		t.Fatal("no colour in the coloured frame")
	}
}

func TestLightBackgroundRerendersPage(t *testing.T) {
	f := newFixture(t, nil)
	d := newDriver(t, f.opts, 80, 24)
	d.choose("401 Unauthorized")
	d.press("enter", "enter")
	dark := d.m.View().Content
	d.send(tea.BackgroundColorMsg{Color: white{}})
	if d.model().isDark {
		t.Fatal("a white background was taken for dark")
	}
	if d.m.View().Content == dark {
		t.Fatal("the page looks the same on a light background")
	}
	d.mustShow("Fix for key-whitespace")
}

type white struct{}

func (white) RGBA() (r, g, b, a uint32) { return 0xffff, 0xffff, 0xffff, 0xffff }

// A tree may start with checks (as diagnose's does): they start from Init,
// never from New, and the walk goes on by itself.
func TestStartAtCheckNode(t *testing.T) {
	f := newFixture(t, nil)
	tree, err := decisiontree.Parse([]byte(`
start: first
nodes:
  - id: first
    kind: check
    title: First checks
    checks: [key-present, key-hygiene]
    next: route
  - id: route
    kind: branch
    edges:
      - {when: key-hygiene.cause = key-whitespace, to: "cause:key-whitespace"}
    next: "cause:healthy"
`))
	if err != nil {
		t.Fatal(err)
	}
	f.opts.Tree = tree
	m := New(f.opts)
	if !strings.Contains(ansi.Strip(m.View().Content), "Starting") {
		t.Fatalf("first frame:\n%s", ansi.Strip(m.View().Content))
	}
	if _, ran := f.runner.Result(checks.CheckKeyPresent); ran {
		t.Fatal("New ran a check")
	}
	d := newDriver(t, f.opts, 80, 24)
	d.mustShow("Fix for key-whitespace", "First checks")
}

func TestBrokenSetupShowsError(t *testing.T) {
	d := newDriver(t, Options{}, 80, 24)
	d.mustShow("cannot go on", "without a runner")
	d.press("q")
	if !d.quit {
		t.Fatal("q did not quit the error screen")
	}
}

func BenchmarkFirstFrame(b *testing.B) {
	tree, err := decisiontree.Parse([]byte(fixtureTree))
	if err != nil {
		b.Fatal(err)
	}
	r := suite.NewRunner(checks.Config{Env: checks.Env{}, WorkDir: b.TempDir(), KeyEnv: "OPENAI_API_KEY"})
	o := Options{Runner: r, Tree: tree}
	for b.Loop() {
		m := New(o)
		_ = m.Init()
		_ = m.View()
	}
}

func TestResultPageDropsItsOwnTitle(t *testing.T) {
	for in, want := range map[string]string{
		"# Title\n\nBody\n": "\nBody\n",
		"\n# Title\nBody":   "Body",
		"Body only\n":       "Body only\n",
		"## Not H1\nBody":   "## Not H1\nBody",
	} {
		if got := uiDropTitle(in); got != want {
			t.Errorf("uiDropTitle(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBreadcrumbShowsAnswersAndStagesNotRouting(t *testing.T) {
	q := &decisiontree.Node{ID: "root", Kind: decisiontree.Question, Title: "What you see"}
	in := &decisiontree.Node{ID: "url", Kind: decisiontree.Input, Title: "Base URL"}
	br := &decisiontree.Node{ID: "route", Kind: decisiontree.Branch, Title: "API verdict"}
	ck := &decisiontree.Node{ID: "models", Kind: decisiontree.Check, Title: "Models list"}
	got := uiCrumbParts([]decisiontree.Step{
		{Node: q, Answer: "429 Too Many Requests"}, {Node: in, Answer: "https://x/v1"},
		{Node: br, Answer: "symptom = 429"}, {Node: ck, Answer: "otherwise"},
	}, "Out of credit")
	want := []string{"429 Too Many Requests", "Base URL", "Models list", "Out of credit"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// When the free checks already decide the cause, the billable request is
// neither sent nor asked about.
func TestNoConsentWhenFreeChecksDecide(t *testing.T) {
	const src = `
start: all
headless: all
explain: all
nodes:
  - id: all
    kind: check
    title: Every check
    checks: [key-present, request]
    edges:
      - when: key-present.cause = key-missing
        to: "cause:key-missing"
      - when: request.status = pass
        to: "cause:key-rejected"
    next: cause:key-whitespace
`
	tree, err := decisiontree.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		env     checks.Env
		consent bool
	}{
		{"no key: decided for free", checks.Env{}, false},
		{"a key: the request would decide", checks.Env{"OPENAI_API_KEY": testKey}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, func(c *checks.Config) { c.Env = tc.env })
			f.opts.Tree = tree
			d := newDriver(t, f.opts, 80, 24)
			if got := d.model().screen == scrConsent; got != tc.consent {
				t.Fatalf("consent screen shown = %v, want %v:\n%s", got, tc.consent, d.screen())
			}
			if !tc.consent {
				res, _ := f.runner.Result(checks.CheckRequest)
				if res.Status != checks.Skip || res.Summary != notNeeded {
					t.Fatalf("request = %+v, want skipped as not needed", res)
				}
				d.mustShow("No API key is set")
			}
		})
	}
}

// A restart forgets every answer, paste and typed value: a second error
// pasted after r is read alone, not after the first one.
func TestRestartForgetsThePaste(t *testing.T) {
	f := newFixture(t, nil)
	d := newDriver(t, f.opts, 80, 24)
	d.choose("Paste the error")
	d.typeText("Error code: 401 first")
	d.press("ctrl+s")
	d.mustShow("The provider rejected the key")
	d.press("r")
	d.choose("Paste the error")
	if got := d.model().area.Value(); got != "" {
		t.Fatalf("after a restart the paste field still holds %q", got)
	}
	d.typeText("Error code: 429 second")
	d.press("ctrl+s")
	if got := f.runner.Setup().Config.Pasted; got != "Error code: 429 second" {
		t.Fatalf("after a restart the runner read %q", got)
	}
}

// A restart also forgets a typed base URL: the field shows the setup's own
// again, with where it came from.
func TestRestartForgetsTypedValues(t *testing.T) {
	f := newFixture(t, nil)
	before := f.runner.Setup().Config
	d := newDriver(t, f.opts, 80, 24)
	d.choose("401 Unauthorized")
	if d.model().screen != scrInput {
		t.Skip("the fixture's 401 path asks no base URL")
	}
	d.press("ctrl+u")
	d.typeText("http://127.0.0.1:1/v1")
	d.press("enter") // the base URL
	d.press("enter") // the model, as it stands
	if d.model().screen == scrInput || d.model().screen == scrPaste {
		t.Fatal("still in a text field: r would be text there")
	}
	if f.runner.Setup().Config.BaseURL != "http://127.0.0.1:1/v1" {
		t.Fatal("the typed base URL was not taken")
	}
	d.press("r")
	if got := f.runner.Setup().Config; got.BaseURL != before.BaseURL {
		t.Fatalf("after a restart the base URL is %q, want %q", got.BaseURL, before.BaseURL)
	}
}

// BenchmarkView is one View of the first question on a model already made:
// what Bubble Tea asks for after every message (six times before the first
// frame: after Init and after each start-up message).
func BenchmarkView(b *testing.B) {
	tree, err := decisiontree.Parse([]byte(fixtureTree))
	if err != nil {
		b.Fatal(err)
	}
	r := suite.NewRunner(checks.Config{Env: checks.Env{}, WorkDir: b.TempDir(), KeyEnv: "OPENAI_API_KEY"})
	m := New(Options{Runner: r, Tree: tree})
	_ = m.Init()
	_ = m.View()
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}

// A model ID, a header or a cause is never cut at one of its hyphens, where
// a person copies it; a word longer than the line is still broken.
func TestWrapKeepsHyphenatedWordsWhole(t *testing.T) {
	got := uiWrap("It sends one request with claude-sonnet-4-5 and x-api-key.", 20)
	want := []string{"It sends one request", "with", "claude-sonnet-4-5", "and x-api-key."}
	if !slices.Equal(got, want) {
		t.Errorf("uiWrap = %q\nwant     %q", got, want)
	}
	for _, ln := range uiWrap("see https://example.com/a-very-long-path-that-is-longer-than-the-line", 16) {
		if w := ansi.StringWidth(ln); w > 16 {
			t.Errorf("line %q is %d cells wide, over 16", ln, w)
		}
	}
	if got := strings.Join(uiWrap("a-b c\u2011d", 3), "|"); !strings.Contains(got, "\u2011") {
		t.Errorf("a U+2011 of the text's own is lost: %q", got)
	}
}
