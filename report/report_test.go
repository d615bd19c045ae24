package report

import (
	"math"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/checks/setup"
)

const testKey = "sk-proj-REPORTTESTKEY0123456789abcdefSECRET"

func testDiagnosis() Diagnosis {
	setup := setup.Resolve(checks.Config{
		Env:     checks.Env{"OPENAI_API_KEY": testKey},
		Headers: []checks.Header{{Name: "Helicone-Auth", Value: "Bearer sk-helicone-abcdefghijklmnop"}, {Name: "X-Team", Value: "search"}},
	})
	return Diagnosis{
		CauseID: "rate-limited", CauseTitle: "You are sending too fast", Layer: "rate-limit",
		Evidence: checks.Evidence{
			Provider: "openai", Protocol: "openai", BaseURL: "https://api.openai.com/v1",
			Endpoint: "https://api.openai.com/v1/chat/completions", Model: "gpt-4o",
			Key:    checks.Fingerprint(testKey) + " (from OPENAI_API_KEY)",
			Status: 429, ErrorType: "requests", ErrorCode: "rate_limit_exceeded",
			ErrorMessage: "Rate limit reached for gpt-4o; key " + testKey + " echoed by the server",
			RequestID:    "req_abc123", RequestIDs: []string{"x-request-id: req_abc123", "cf-ray: 8f1e2d3c4b5a6978-AMS"},
			RateLimit: &checks.RateLimit{Limit: "500", Remaining: "0", Reset: "in 37 s (at 14:02:11)"},
			TTFBMs:    310, TotalMs: 320,
		},
		Results: []checks.Result{
			{ID: "key-present", Status: checks.Pass, Summary: "OPENAI_API_KEY is set", Duration: time.Millisecond},
			{ID: "request", Status: checks.Fail, Summary: "the request got 429", Duration: 320 * time.Millisecond},
		},
		Setup:   setup,
		When:    time.Date(2026, 11, 23, 14, 1, 34, 0, time.FixedZone("CET", 3600)),
		Version: "v1.2.3",
	}
}

func TestSupportReportHasTheEvidenceAndNoSecrets(t *testing.T) {
	out := Support(testDiagnosis())
	for _, want := range []string{
		"rate-limited", "layer `rate-limit`", "2026-11-23 14:01:34 CET (+01:00)", "unstuck v1.2.3",
		"https://api.openai.com/v1/chat/completions", "`gpt-4o`", "`429`", "`rate_limit_exceeded`",
		"`req_abc123`", "cf-ray: 8f1e2d3c4b5a6978-AMS", "in 37 s (at 14:02:11)",
		"first byte 310 ms", "✓ `key-present`", "✗ `request`", "X-Team", "search",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %q:\n%s", want, out)
		}
	}
	for _, secret := range []string{testKey, "sk-helicone-abcdefghijklmnop", "REPORTTESTKEY0123456789"} {
		if strings.Contains(out, secret) {
			t.Errorf("the report shows %q", secret)
		}
	}
	if !strings.Contains(out, "Helicone-Auth") || !strings.Contains(out, "[redacted]") {
		t.Errorf("a credential header should be named with its value redacted:\n%s", out)
	}
}

func TestSupportReportWithoutSetup(t *testing.T) {
	d := testDiagnosis()
	d.Setup, d.Pasted = nil, true
	out := Support(d)
	if strings.Contains(out, testKey) {
		t.Fatal("a key-like value in pasted evidence leaked")
	}
	if !strings.Contains(out, "pasted error text") {
		t.Errorf("the report should say it came from pasted text:\n%s", out)
	}
}

func TestMarkdownWrapsAtEveryWidthAndStyle(t *testing.T) {
	md := "# Title\n\nA paragraph that is long enough to need wrapping at sixty columns for sure, and then some more words.\n\n1. Run this:\n\n```sh\nexport OPENAI_API_KEY=\"$(pbpaste | tr -d '[:space:]')\"\n```\n"
	for _, style := range []Style{Dark, Light, Plain} {
		for _, width := range []int{10, 40, 60, 80, 200} {
			out, err := Markdown(md, width, style)
			if err != nil {
				t.Fatal(err)
			}
			plain := ansi.Strip(out)
			if !strings.Contains(plain, "Title") || !strings.Contains(plain, "Run this") {
				t.Errorf("style %d width %d lost content:\n%s", style, width, plain)
			}
			limit := max(WrapWidth(width), 20) + 4 // glamour's margin
			for _, ln := range strings.Split(plain, "\n") {
				if strings.HasPrefix(strings.TrimSpace(ln), "export OPENAI_API_KEY=") {
					continue // code is never wrapped (TestCodeLinesAreNeverWrapped)
				}
				if w := ansi.StringWidth(ln); w > limit {
					t.Errorf("style %d width %d: line of %d cells: %q", style, width, w, ln)
				}
			}
			if style == Plain && strings.Contains(out, "\x1b[3") {
				t.Errorf("plain style has colour: %q", out)
			}
		}
	}
}

// Renderers are shared through the cache; many goroutines may render at
// once (run with -race).
func TestMarkdownIsSafeConcurrently(t *testing.T) {
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := Markdown("## Heading\n\n- item "+strings.Repeat("word ", i), 60+i%3, Style(i%3)); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
}

func TestJoinSoftBreaks(t *testing.T) {
	in := "# Title\nnot joined to a heading\n\n1. First line\n   goes on here.\n\n   ```sh\n   echo one\n   echo two\n   ```\n\n   After the code\n   it goes on.\n2. Next item\n   - a sub item\n   - another\n\nHard break  \nkept. A line\\\nkept too.\n| a | b |\n|---|---|\n"
	want := "# Title\nnot joined to a heading\n\n1. First line goes on here.\n\n   ```sh\n   echo one\n   echo two\n   ```\n\n   After the code it goes on.\n2. Next item\n   - a sub item\n   - another\n\nHard break  \nkept. A line\\\nkept too.\n| a | b |\n|---|---|\n"
	if got := joinSoftBreaks(in); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// A paragraph inside a list item must wrap at the terminal's width, not
// keep the source's line breaks.
func TestListParagraphsReflow(t *testing.T) {
	md := "1. Step one.\n\n   ```sh\n   true\n   ```\n\n   Compare the length and last four characters with\n   the key above. If the\n   app runs somewhere else, run the wizard there.\n"
	out, err := Markdown(md, 100, Plain)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "with the key above. If the app runs") {
		t.Errorf("the paragraph kept its source line breaks:\n%s", out)
	}
}

// The plain style (pipes, NO_COLOR, TERM=dumb) printed bold as literal
// asterisks, split at every underscore: "**OPENAI_****API_****KEY**".
// Plain text carries no markdown emphasis marks at all.
func TestPlainStyleShowsNoEmphasisMarks(t *testing.T) {
	md := "**Not confirmed.** Set **OPENAI_API_KEY** and *then* ~~not~~ run it.\n\n1. Step with **bold_word_here** in a list.\n"
	out, err := Markdown(md, 80, Plain)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"*", "~~"} {
		if strings.Contains(out, bad) {
			t.Errorf("plain output shows %q:\n%s", bad, out)
		}
	}
	for _, want := range []string{"Not confirmed. Set OPENAI_API_KEY and then not run it.", "bold_word_here"} {
		if !strings.Contains(out, want) {
			t.Errorf("plain output lacks %q:\n%s", want, out)
		}
	}
}

// A wrap inside inline code broke a flag: `read -rs` came out as "read -"
// and "rs" on two lines. Code spans and flags never break at a hyphen, in
// every style, and the hyphens come back as plain "-" to copy.
func TestCodeSpansAndFlagsDoNotBreakAtHyphens(t *testing.T) {
	for _, style := range []Style{Dark, Light, Plain} {
		for width := 30; width <= 90; width++ {
			md := "2. Set it and export it. A plain `NAME=value` line without `export` stays in the shell and never reaches the programs you start. Reading it with `read -rs` keeps the key out of your history, or `docker run --env-file .env` or -rs alone.\n"
			out, err := Markdown(md, width, style)
			if err != nil {
				t.Fatal(err)
			}
			plain := ansi.Strip(out)
			for _, ln := range strings.Split(plain, "\n") {
				ln = strings.TrimRight(ln, " ")
				if strings.HasSuffix(ln, "-") {
					t.Errorf("style %d width %d: a line ends in a hyphen: %q\n%s", style, width, ln, plain)
				}
			}
			if strings.ContainsRune(out, nbHyphen) {
				t.Errorf("style %d width %d: the placeholder hyphen leaked: %q", style, width, out)
			}
			flat := strings.Join(strings.Fields(plain), " ")
			for _, want := range []string{"read -rs", "--env-file", "-rs alone"} {
				if !strings.Contains(flat, want) {
					t.Errorf("style %d width %d: lacks %q:\n%s", style, width, want, plain)
				}
			}
		}
	}
}

// Names in prose stay whole too ("host.docker." / "internal" came out of a
// list item at one width), while rules, tables and sentences render as
// before.
func TestNamesInProseStayWhole(t *testing.T) {
	md := "- nothing answers at 127.0.0.1:18080 inside this container (connection refused), nor on the machine that runs it (host.docker.internal does not resolve here): see key-hygiene and e.g. v1.2.3.\n\n---\n\n| a-b | c.d |\n|-----|-----|\n| x-y | z.w |\n"
	for _, style := range []Style{Dark, Plain} {
		for width := 30; width <= 100; width++ {
			out, err := Markdown(md, width, style)
			if err != nil {
				t.Fatal(err)
			}
			plain := ansi.Strip(out)
			for _, ln := range strings.Split(plain, "\n") {
				ln = strings.TrimRight(ln, " ")
				if strings.Trim(ln, " -|") == "" {
					continue // a rule or a table's separator
				}
				if strings.HasSuffix(ln, "-") || strings.HasSuffix(ln, "host.") || strings.HasSuffix(ln, "docker.") {
					t.Errorf("style %d width %d: a word broke: %q\n%s", style, width, ln, plain)
				}
			}
			flat := strings.Join(strings.Fields(plain), " ")
			for _, want := range []string{"host.docker.internal", "127.0.0.1:18080", "key-hygiene", "v1.2.3.", "a-b", "z.w"} {
				if !strings.Contains(flat, want) {
					t.Errorf("style %d width %d: lacks %q:\n%s", style, width, want, plain)
				}
			}
			if strings.ContainsAny(out, string([]rune{nbHyphen, nbDot})) {
				t.Errorf("style %d width %d: a placeholder leaked", style, width)
			}
		}
	}
}

// A URL in prose comes out whole at every width it fits in, and without
// the parenthesis around it: the renderer linked it, broke the link after
// a dot at the line's end, and took the ")" into its target.
func TestURLsInProseStayWhole(t *testing.T) {
	const url = "https://aistudio.google.com/apikey"
	md := "1. Get a fresh key from the place that issues it (" + url + "). Then try again with the new key in place.\n"
	atEveryWidth(t, md, 45, func(style Style, width int, out, plain string) {
		if !strings.Contains(plain, url) {
			t.Errorf("style %d width %d: the URL is not whole on one line:\n%s", style, width, plain)
		}
		if strings.Contains(out, url+")\a") || strings.Contains(out, url+")\x1b") {
			t.Errorf("style %d width %d: a link takes in the closing parenthesis", style, width)
		}
	})
}

// An address in a code span stays whole too: "Sent to: `http://127.0.0.1:…`"
// broke after "127.0.0." at 80 columns.
func TestCodeSpansKeepAddressesWhole(t *testing.T) {
	const addr = "http://127.0.0.1:18080/v1/chat/completions"
	md := "- Sent to: `" + addr + "` from the request check, which ran last of all\n"
	atEveryWidth(t, md, 50, func(style Style, width int, _, plain string) {
		if !strings.Contains(plain, addr) {
			t.Errorf("style %d width %d: the address is cut:\n%s", style, width, plain)
		}
	})
}

// atEveryWidth renders md dark and plain at every width from min to 100
// and hands check the output and its text without escapes.
func atEveryWidth(t *testing.T, md string, min int, check func(style Style, width int, out, plain string)) {
	t.Helper()
	for _, style := range []Style{Dark, Plain} {
		for width := min; width <= 100; width++ {
			out, err := Markdown(md, width, style)
			if err != nil {
				t.Fatal(err)
			}
			check(style, width, out, ansi.Strip(out))
		}
	}
}

// Inline code reads on every coloured style: its colour against its own
// background is at least 4.5:1 (WCAG's figure for text). Glamour's light
// style had 2.3:1.
func TestInlineCodeContrast(t *testing.T) {
	for _, style := range []Style{Dark, Light} {
		c := styleConfig(style).Code
		if c.Color == nil || c.BackgroundColor == nil {
			t.Fatalf("style %d: inline code has no colour pair", style)
		}
		if r := contrast(xterm256(t, *c.Color), xterm256(t, *c.BackgroundColor)); r < 4.5 {
			t.Errorf("style %d: inline code %s on %s is %.1f:1, under 4.5:1", style, *c.Color, *c.BackgroundColor, r)
		}
	}
}

// xterm256 is the RGB of an xterm 256-colour index from 16 up.
func xterm256(t *testing.T, s string) [3]float64 {
	n, err := strconv.Atoi(s)
	if err != nil || n < 16 || n > 255 {
		t.Fatalf("colour %q is not an xterm index from 16 to 255", s)
	}
	if n >= 232 {
		v := float64(8 + 10*(n-232))
		return [3]float64{v, v, v}
	}
	n -= 16
	level := func(i int) float64 {
		if i == 0 {
			return 0
		}
		return float64(55 + 40*i)
	}
	return [3]float64{level(n / 36), level(n / 6 % 6), level(n % 6)}
}

func contrast(a, b [3]float64) float64 {
	lum := func(c [3]float64) float64 {
		var l [3]float64
		for i, v := range c {
			v /= 255
			if v <= 0.03928 {
				l[i] = v / 12.92
			} else {
				l[i] = math.Pow((v+0.055)/1.055, 2.4)
			}
		}
		return 0.2126*l[0] + 0.7152*l[1] + 0.0722*l[2]
	}
	la, lb := lum(a), lum(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}
