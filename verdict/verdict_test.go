package verdict

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/content"
)

const key = "sk-proj-VERDICTTESTKEY0123456789abcdef"

func runner(t *testing.T) *checks.Runner {
	t.Helper()
	resolve := func(cfg checks.Config) *checks.Setup {
		s := &checks.Setup{Config: cfg, Redactor: checks.NewRedactor(), KeyEnv: "OPENAI_API_KEY",
			Key: checks.NewSecret(key), BaseURL: "https://api.openai.com/v1"}
		s.Redactor.Add(key)
		return s
	}
	paste := checks.Single(checks.Spec{ID: checks.CheckPaste, AnyCause: true}, func(ctx context.Context, s *checks.Setup) checks.Result {
		if !strings.Contains(s.Config.Pasted, "429") {
			return checks.Result{ID: checks.CheckPaste, Status: checks.Warn, Summary: "not recognised"}
		}
		return checks.Result{ID: checks.CheckPaste, Status: checks.Fail, Cause: "rate-limited", Summary: "pasted 429",
			Evidence: checks.Evidence{Status: 429}}
	})
	present := checks.Single(checks.Spec{ID: checks.CheckKeyPresent}, func(ctx context.Context, s *checks.Setup) checks.Result {
		return checks.Result{ID: checks.CheckKeyPresent, Status: checks.Pass, Evidence: checks.Evidence{Key: s.Key.String()}}
	})
	return checks.NewRunner(checks.Config{Pasted: "HTTP 429 " + key}, checks.Suite{Groups: []checks.Group{paste, present}, Resolve: resolve})
}

// One rule decides whether a verdict was read from a paste, for every
// output: then its page quotes the paste, never this machine's setup.
func TestPastedVerdictQuotesThePasteAlone(t *testing.T) {
	r := runner(t)
	r.Run(context.Background(), checks.CheckPaste)
	v, err := Of(r, "rate-limited", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !v.Pasted || v.Page().KeyEnv != "" || v.Page().BaseURL != "" || v.Page().Status != 429 {
		t.Fatalf("pasted verdict: %+v page %+v", v, v.Page())
	}
	// The tree's fallback for an unrecognised paste is still about the
	// paste: nothing else ran.
	if v, _ := Of(r, "upstream-error", nil); !v.Pasted || v.Page().KeyEnv != "" {
		t.Fatalf("fallback verdict quotes this machine: %+v", v.Page())
	}
	md, err := v.Guidance()
	if err != nil || strings.Contains(md, key) {
		t.Fatalf("guidance: %v, key shown: %v", err, strings.Contains(md, key))
	}
	if rep := v.Report("test", time.Now()); !strings.Contains(rep, "rate-limited") || strings.Contains(rep, key) {
		t.Fatalf("report:\n%s", rep)
	}
}

func TestLiveVerdictQuotesTheSetup(t *testing.T) {
	r := runner(t)
	r.Run(context.Background(), checks.CheckKeyPresent)
	v, err := Of(r, "key-rejected", nil)
	if err != nil {
		t.Fatal(err)
	}
	if v.Pasted || v.Page().KeyEnv != "OPENAI_API_KEY" || v.Page().BaseURL == "" {
		t.Fatalf("live verdict: %+v page %+v", v, v.Page())
	}
	if _, err := Of(r, "no-such-cause", nil); err == nil {
		t.Fatal("a cause outside the catalogue was accepted")
	}
}

// An unconfirmed verdict's page leads with the statement, under the title
// and before the page's own text; its report says so; a confirmed one's
// page is the page alone.
func TestUnconfirmedVerdictLeadsThePage(t *testing.T) {
	r := runner(t)
	v := From(r, content.Cause{ID: "healthy", Title: "Your key, URL and model work"}, nil)
	page := "# Your key, URL and model work\n\nThe page's own text.\n"
	if got := v.Frame(page); got != page {
		t.Fatalf("a confirmed verdict's page changed:\n%s", got)
	}
	v.Confirmed = false
	v.Alternatives = []content.Cause{{ID: "insufficient-balance", Title: "Your account is out of credit or quota"}}
	v.Missing = []checks.Result{{ID: checks.CheckRequest, Status: checks.Skip, Summary: "not sent: you chose not to send a billable request"}}
	got := v.Frame(page)
	lead, rest, _ := strings.Cut(got, "The page's own text.")
	if rest == "" || !strings.HasPrefix(lead, "# Your key, URL and model work\n") {
		t.Fatalf("the page lost its title or text:\n%s", got)
	}
	for _, want := range []string{"Not confirmed", "the test request was not sent: you chose not to send a billable request",
		"Your account is out of credit or quota (`insufficient-balance`)", "`unstuck diagnose`"} {
		if !strings.Contains(lead, want) {
			t.Errorf("the lead lacks %q:\n%s", want, lead)
		}
	}
	if rep := v.Report("test", time.Now()); !strings.Contains(rep, "**Confirmed:** no") || !strings.Contains(rep, "`insufficient-balance`") {
		t.Errorf("the report does not say the verdict is unconfirmed:\n%s", rep)
	}
}

// One line closes every output, and it says when the verdict is not
// confirmed; an unconfirmed healthy verdict does not claim the model
// worked, while the JSON keeps the catalogue's title.
func TestLineSaysWhatTheVerdictRestsOn(t *testing.T) {
	r := runner(t)
	healthy, _ := content.CauseByID("healthy")
	limited, _ := content.CauseByID("rate-limited")
	models := checks.Result{ID: checks.CheckModels, Status: checks.Pass, Summary: "the models list answered 200"}
	skipped := checks.Result{ID: checks.CheckRequest, Status: checks.Skip, Summary: "not sent: --no-request (nothing billable is sent)"}
	failed := checks.Result{ID: checks.CheckRequest, Status: checks.Fail, Summary: "the API answered 429"}

	v := From(r, limited, []checks.Result{models, failed})
	if got, want := v.Line().String(), "✗ rate-limited — "+limited.Title+" (failed: request)"; got != want {
		t.Errorf("confirmed: %q, want %q", got, want)
	}
	v = From(r, limited, []checks.Result{models, skipped})
	v.Confirmed, v.Missing = false, []checks.Result{skipped}
	if got, want := v.Line().String(), "? rate-limited — "+limited.Title+" (not confirmed: the request was not sent)"; got != want {
		t.Errorf("unconfirmed: %q, want %q", got, want)
	}

	v = From(r, healthy, []checks.Result{models, skipped})
	if got := v.Line(); got.Mark != "✓" || got.Title != healthy.Title {
		t.Errorf("confirmed healthy: %+v", got)
	}
	v.Confirmed, v.Missing = false, []checks.Result{skipped}
	want := "? healthy — Your key and base URL work; the model was not tried (not confirmed: the request was not sent)"
	if got := v.Line().String(); got != want {
		t.Errorf("unconfirmed healthy: %q, want %q", got, want)
	}
	md, err := v.Guidance()
	if err != nil || !strings.HasPrefix(md, "# Your key and base URL work; the model was not tried\n") {
		t.Errorf("the page's title does not match the line (%v):\n%s", err, md)
	}
	d := v.Diagnosis("test", time.Now())
	if d.CauseTitle != healthy.Title {
		t.Errorf("the JSON's cause title is %q, want the catalogue's %q", d.CauseTitle, healthy.Title)
	}
	if rep := v.Report("test", time.Now()); !strings.Contains(rep, "the model was not tried") {
		t.Errorf("the report claims the model worked:\n%s", rep)
	}
}

// "unstuck explain 429" listed "Message: 429" under What we found: a
// message that is only the status, or the whole paste, says nothing new.
func TestPageListsNoMessageThatIsTheStatusOrThePaste(t *testing.T) {
	for _, c := range []struct {
		msg, pasted string
		want        bool
	}{
		{"429", "429", false},
		{"429 Too Many Requests", "HTTP/1.1 429 Too Many Requests", false},
		{"HTTP/1.1 429\n  oops", "HTTP/1.1 429 oops", false}, // the whole paste, spaced differently
		{"Rate limit reached for gpt-4o", "429 Rate limit reached for gpt-4o", true},
	} {
		r := runner(t)
		r.Run(context.Background(), checks.CheckPaste)
		v, err := Of(r, "rate-limited", nil)
		if err != nil {
			t.Fatal(err)
		}
		v.Setup.Config.Pasted = c.pasted
		v.Evidence.ErrorMessage = c.msg
		if got := v.Page().ErrorMessage != ""; got != c.want {
			t.Errorf("message %q (paste %q) listed: %v, want %v", c.msg, c.pasted, got, c.want)
		}
		md, err := v.Guidance()
		if err != nil {
			t.Fatal(err)
		}
		if listed := strings.Contains(md, "- Message: "); listed != c.want {
			t.Errorf("page lists %q: %v, want %v:\n%s", c.msg, listed, c.want, md)
		}
	}
}

// The pasted line is quoted as a fenced block, whole: a blockquote was
// re-wrapped by the renderer, and a JSON body came out cut mid-token. A
// fence inside the paste does not end the block.
func TestQuoteIsOneFencedBlock(t *testing.T) {
	v := Verdict{Pasted: true, Confirmed: true}
	v.Evidence.Quote = `{"error":{"message":"use ` + "```" + ` here","code":"x"}}`
	md := v.Frame("# Title\n\nBody\n")
	want := "````text\n" + v.Evidence.Quote + "\n````\n"
	if !strings.Contains(md, want) {
		t.Errorf("quote block:\n%s\nwant it to hold\n%s", md, want)
	}
}
