package ui

import (
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

	tea "charm.land/bubbletea/v2"
)

// honestServer is an OpenAI-style API whose account is out of quota: the
// models list answers (it is free and not metered) while every completion
// gets OpenAI's 429 insufficient_quota. It counts the completions.
func honestServer(t *testing.T, models ...string) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var posts atomic.Int32
	if len(models) == 0 {
		models = []string{"gpt-4o", "gpt-4o-mini"}
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", "req_4e1f0c9a7b2d4c8e9f0a1b2c3d4e5f60")
		switch {
		case r.Method == "GET" && strings.HasSuffix(r.URL.Path, "/models"):
			var b strings.Builder
			for i, m := range models {
				if i > 0 {
					b.WriteString(",")
				}
				fmt.Fprintf(&b, `{"id":%q,"object":"model","created":1715367049,"owned_by":"system"}`, m)
			}
			fmt.Fprintf(w, `{"object":"list","data":[%s]}`, b.String())
		case r.Method == "POST":
			posts.Add(1)
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprint(w, `{"error":{"message":"You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &posts
}

// honestDriver is the wizard on the real tree, causes and pages, against
// base (the base URL the environment gives).
func honestDriver(t *testing.T, base, model string, noRequest bool) *driver {
	t.Helper()
	tree, err := content.Tree()
	if err != nil {
		t.Fatal(err)
	}
	profiles, err := content.Profiles()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	notInContainer := false
	env := checks.Env{"OPENAI_API_KEY": testKey, "OPENAI_BASE_URL": base, "HOME": dir, "XDG_CONFIG_HOME": dir, "CODEX_HOME": dir}
	r := suite.NewRunner(checks.Config{
		Provider: "openai", Model: model, Env: env, WorkDir: dir, Timeout: 5 * time.Second,
		Profiles: profiles, InContainer: &notInContainer, NoRequest: noRequest, ConfigRoot: dir,
	})
	return newDriver(t, Options{Runner: r, Tree: tree, Version: "test", ReportDir: dir}, 100, 40)
}

// flatScreen is the screen as one line of words, so wrapping does not
// matter.
func flatScreen(d *driver) string { return strings.Join(strings.Fields(d.screen()), " ") }

// The journey of issue 13: "429", then "no" to the test request. Nothing
// answered 429 and the account is in fact out of quota, so the wizard must
// not state "you are sending requests too fast": its verdict is the
// likeliest cause, marked unconfirmed, with the candidates and what tells
// them apart.
func TestDeclined429IsUnconfirmed(t *testing.T) {
	d, posts := toConsent(t, "429 Too Many Requests")
	d.press("n")
	if posts.Load() != 0 {
		t.Fatalf("a completion was sent after n")
	}
	m := d.model()
	if m.screen != scrResult {
		t.Fatalf("no result after n:\n%s", d.screen())
	}
	v := m.res.verdict
	if v.Confirmed {
		t.Fatalf("verdict %s is confirmed although the request was declined", v.Cause.ID)
	}
	var alts []string
	for _, a := range v.Alternatives {
		alts = append(alts, a.ID)
	}
	if !strings.Contains(strings.Join(alts, " "), "insufficient-balance") {
		t.Fatalf("alternatives %v do not name insufficient-balance", alts)
	}
	// The page leads with it: the statement is on the first screen.
	flat := flatScreen(d)
	for _, want := range []string{"Not confirmed", "test request", "unstuck diagnose"} {
		if !strings.Contains(flat, want) {
			t.Fatalf("the result does not lead with %q:\n%s", want, d.screen())
		}
	}
	if in, _ := content.CauseByID("insufficient-balance"); !strings.Contains(flat, in.Title) {
		t.Fatalf("the result does not name the candidate %q:\n%s", in.Title, d.screen())
	}
}

// While the checks run, before any question, nothing says a request is
// billed; it is said only after the yes. A "no" never reads "went out".
func TestBillingWordingFollowsTheAnswer(t *testing.T) {
	for _, answer := range []string{"y", "n"} {
		t.Run(answer, func(t *testing.T) {
			d, posts := toConsent(t, "Setting up: check everything")
			for i, f := range d.frames {
				s := ansi.Strip(f)
				if strings.Contains(s, "y to send") {
					break // the question itself may say what it costs
				}
				if strings.Contains(s, "billed") || strings.Contains(s, "went out") {
					t.Fatalf("frame %d, before the question, says a request is billed:\n%s", i, s)
				}
			}
			before := len(d.frames)
			d.press(answer)
			after := strings.Join(d.frames[before:], "\n")
			switch answer {
			case "y":
				if posts.Load() != 1 {
					t.Fatalf("y sent %d completions, want 1", posts.Load())
				}
				if !strings.Contains(ansi.Strip(after), "billed") {
					t.Errorf("after y nothing says the request is billed")
				}
			case "n":
				if posts.Load() != 0 {
					t.Fatalf("n sent %d completions", posts.Load())
				}
				if s := ansi.Strip(after); strings.Contains(s, "went out") || strings.Contains(s, "is billed") {
					t.Errorf("after n a frame says the request went out or is billed:\n%s", s)
				}
			}
		})
	}
}

// With --no-request nothing is asked and nothing claims a request.
func TestNoRequestNeverClaimsARequest(t *testing.T) {
	srv, posts := honestServer(t)
	d := honestDriver(t, srv.URL+"/v1", "gpt-4o-mini", true)
	d.choose("429 Too Many Requests")
	d.press("enter", "enter", "enter")
	if d.model().screen != scrResult {
		t.Fatalf("want the result at once:\n%s", d.screen())
	}
	for i, f := range d.frames {
		if s := ansi.Strip(f); strings.Contains(s, "billed") || strings.Contains(s, "Sending one minimal request") {
			t.Fatalf("frame %d claims a request under --no-request:\n%s", i, s)
		}
	}
	if posts.Load() != 0 {
		t.Fatal("a completion was sent under --no-request")
	}
	if d.model().res.verdict.Confirmed {
		t.Fatal("a verdict without the request is confirmed")
	}
}

// The question is asked only when the request would really be sent: with
// no model given and none to borrow from the models list, the probe would
// not send it, so asking would be a lie.
func TestConsentOnlyWhenTheRequestWouldGo(t *testing.T) {
	srv, posts := honestServer(t, "text-embedding-3-small")
	d := honestDriver(t, srv.URL+"/v1", "", false)
	d.choose("Setting up: check everything")
	d.press("enter", "enter", "enter")
	for _, f := range d.frames {
		if strings.Contains(ansi.Strip(f), "y to send") {
			t.Fatalf("asked to send a request that cannot be sent:\n%s", ansi.Strip(f))
		}
	}
	if d.model().screen != scrResult {
		t.Fatalf("want the result:\n%s", d.screen())
	}
	if posts.Load() != 0 {
		t.Fatal("a completion was sent")
	}
	if d.model().res.verdict.Confirmed {
		t.Fatal("a verdict without the request is confirmed")
	}
}

// An unconfirmed healthy verdict's breadcrumb says what the page says: the
// model was not tried; it never repeats the catalogue's "model work".
func TestDeclinedHealthyBreadcrumbClaimsNoMore(t *testing.T) {
	srv, _ := honestServer(t)
	d := honestDriver(t, srv.URL+"/v1", "gpt-4o-mini", false)
	d.choose("401 Unauthorized")
	d.press("enter", "enter", "enter")
	if d.model().screen != scrConsent {
		t.Fatalf("no consent screen:\n%s", d.screen())
	}
	d.press("n")
	m := d.model()
	if m.screen != scrResult || m.res.verdict.Cause.ID != "healthy" || m.res.verdict.Confirmed {
		t.Fatalf("want an unconfirmed healthy result:\n%s", d.screen())
	}
	top := strings.SplitN(d.screen(), "\n", 2)[0]
	if strings.Contains(top, "model work") || !strings.Contains(top, "not tried") {
		t.Fatalf("breadcrumb %q claims more than the page", top)
	}
}

// On a short screen the consent gives up its box, then the line on y and
// n, then its blanks, before it lets what is sent and where be cut: at
// 60x8 the boxed view ran off the bottom: the request's end and the box's
// were lost.
func TestConsentOnAShortScreenShowsTheRequestWhole(t *testing.T) {
	d, _ := toConsent(t, "429 Too Many Requests")
	d.send(tea.WindowSizeMsg{Width: 60, Height: 8})
	d.checkFits(60, 8)
	flat := flatScreen(d)
	for _, want := range []string{"It sends 1 request to POST", "/v1/chat/completions", "gpt-4o-mini (1 output token)", "a fraction of a cent", "y send"} {
		if !strings.Contains(flat, want) {
			t.Errorf("the consent at 60x8 lacks %q:\n%s", want, d.screen())
		}
	}
	if strings.Contains(d.screen(), "╭") != strings.Contains(d.screen(), "╰") {
		t.Errorf("the consent's box is cut open:\n%s", d.screen())
	}
}

// toConsent walks the wizard to the consent for the test request: the
// first answer, then the base URL and model as the environment has them,
// the client unknown.
func toConsent(t *testing.T, first string) (*driver, *atomic.Int32) {
	t.Helper()
	srv, posts := honestServer(t)
	d := honestDriver(t, srv.URL+"/v1", "gpt-4o-mini", false)
	d.choose(first)
	d.press("enter", "enter", "enter")
	if d.model().screen != scrConsent {
		t.Fatalf("no consent screen:\n%s", d.screen())
	}
	return d, posts
}
