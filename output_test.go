package main

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/content"
	"github.com/unstuck-dev/unstuck/report"
)

// The JSON writer's belt: whatever a string holds, the encoded object
// decodes to no control character and stays valid, with newline, tab,
// backslashes and quotes kept.
func TestJSONStripControls(t *testing.T) {
	in := map[string]string{
		"a\u009bkey": "x\u009b2J\x1b[2J\r\n\t\b\f\x00\x7f\u0085 \\u001b \"q\" <&> \u2028 é end",
	}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	clean := jsonStripControls(b)
	var out map[string]string
	if err := json.Unmarshal(clean, &out); err != nil {
		t.Fatalf("%s is not JSON: %v", clean, err)
	}
	for k, v := range out {
		if strings.IndexFunc(k+v, checks.IsControl) >= 0 {
			t.Errorf("a control character survived: %q: %q", k, v)
		}
		if want := "x2J[2J\n\t \\u001b \"q\" <&> \u2028 é end"; v != want {
			t.Errorf("got %q, want %q", v, want)
		}
		if k != "akey" {
			t.Errorf("key %q", k)
		}
	}
}

// diagnoseFixture is a run where the request found the account out of
// credit, the container check warned and the configuration passed.
func diagnoseFixture(t *testing.T) report.Diagnosis {
	t.Helper()
	c, ok := content.CauseByID("insufficient-balance")
	if !ok {
		t.Fatal("insufficient-balance is not in the catalogue")
	}
	ms := time.Millisecond
	return report.Diagnosis{
		CauseID: c.ID, CauseTitle: c.Title, Layer: c.Layer,
		Results: []checks.Result{
			{ID: "key-present", Status: checks.Pass, Summary: "OPENAI_API_KEY is set: sk-p…x9Qa (51 chars, #3f9c), from the environment"},
			{ID: "key-hygiene", Status: checks.Pass, Summary: "OPENAI_API_KEY is a clean token (51 characters, no spaces, quotes or escapes)"},
			{ID: "env-file", Status: checks.Skip, Summary: "no .env file found in the working directory or its parents"},
			{ID: "container", Status: checks.Warn, Summary: "the base URL points at 127.0.0.1, which inside a container is the container itself, not your machine"},
			{ID: "dns", Status: checks.Skip, Summary: "127.0.0.1 is an IP address: nothing to resolve"},
			{ID: "tcp", Status: checks.Pass, Summary: "connected to 127.0.0.1:8000", Duration: 2 * ms},
			{ID: "models", Status: checks.Pass, Summary: "the models list answered 200 with 3 models", Duration: 40 * ms},
			{ID: "request", Status: checks.Fail, Cause: "insufficient-balance", Summary: "the API answered 429 insufficient_quota: You exceeded your current quota, please check your plan and billing details.", Duration: 310 * ms},
		},
	}
}

func nonEmptyLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// diagnose's human output reads like `flutter doctor`: the checks grouped
// by layer under a heading with the layer's worst mark, failing layers
// first and failures first within a layer, each line inside the width;
// then the page; then one closing verdict line, the last thing on screen.
func TestDiagnoseOutputGroupsByLayerAndEndsOnTheVerdict(t *testing.T) {
	d := diagnoseFixture(t)
	guidance, err := content.Guidance(d.CauseID, content.PageData{})
	if err != nil {
		t.Fatal(err)
	}
	for _, width := range []int{80, 60} {
		out := composePage(d, guidance, width, report.Plain)
		if strings.Contains(out, "\x1b") {
			t.Errorf("plain output has escape sequences")
		}
		lines := nonEmptyLines(out)
		for _, l := range lines {
			if w := ansi.StringWidth(l); w > width {
				t.Errorf("at %d columns a line is %d wide: %q", width, w, l)
			}
		}
		// The headings, in order: the failing layer (quota, the request's
		// cause), then the warning (network), then the passes (config, api).
		var headings []string
		for _, l := range lines {
			for _, m := range []string{"✓ ", "! ", "✗ ", "– "} {
				if strings.HasPrefix(l, m) && !strings.Contains(l, " — ") {
					headings = append(headings, l)
				}
			}
		}
		want := []string{"✗ quota", "! network", "✓ config", "✓ api"}
		if strings.Join(headings, "|") != strings.Join(want, "|") {
			t.Errorf("at %d columns the layer headings are %q, want %q\n%s", width, headings, want, out)
		}
		// Within the network layer: the warning, then the pass, then the skip.
		i, j, k := strings.Index(out, "! container"), strings.Index(out, "✓ tcp"), strings.Index(out, "– dns")
		if i < 0 || j < 0 || k < 0 || !(i < j && j < k) {
			t.Errorf("at %d columns the network layer is not worst first:\n%s", width, out)
		}
		// A wrapped summary continues under its own column: four spaces,
		// the mark and a space, the widest ID (key-present), two spaces.
		if col := strings.Repeat(" ", 4+2+len("key-present")+2); !regexp.MustCompile(`\n` + col + `\S`).MatchString(out) {
			t.Errorf("at %d columns no summary wrapped under its column:\n%s", width, out)
		}
		// The closing line is the verdict, after the page; wrapped, it
		// keeps what it rests on in one piece.
		tail := strings.Join(strings.Fields(strings.Join(lines[len(lines)-2:], " ")), " ")
		if want := "✗ insufficient-balance — " + d.CauseTitle + " (failed: request)"; !strings.HasSuffix(tail, want) {
			t.Errorf("at %d columns the output ends on %q, want the verdict %q", width, tail, want)
		}
		if last := lines[len(lines)-1]; !strings.HasSuffix(last, "(failed: request)") {
			t.Errorf("at %d columns the verdict's basis is split: %q", width, last)
		}
		if strings.Index(out, "# "+d.CauseTitle) > strings.LastIndex(out, "✗ insufficient-balance") {
			t.Errorf("the verdict line is not after the page")
		}
	}
	// At 100 columns the verdict is one line.
	lines := nonEmptyLines(composePage(d, guidance, 100, report.Plain))
	if last := lines[len(lines)-1]; last != "✗ insufficient-balance — "+d.CauseTitle+" (failed: request)" {
		t.Errorf("at 100 columns the last line is %q", last)
	}
}

// Colour follows the status on a terminal (red ✗, yellow !, green ✓) and
// is absent from plain output (a pipe, NO_COLOR).
func TestDiagnoseOutputColoursMarksByStatus(t *testing.T) {
	d := diagnoseFixture(t)
	out := composePage(d, "# "+d.CauseTitle+"\n", 80, report.Dark)
	for _, want := range []string{
		lipgloss.NewStyle().Foreground(lipgloss.Red).Bold(true).Render("✗") + " request",
		lipgloss.NewStyle().Foreground(lipgloss.Yellow).Bold(true).Render("!") + " container",
		lipgloss.NewStyle().Foreground(lipgloss.Green).Render("✓") + " tcp",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("styled output lacks %q:\n%q", want, out)
		}
	}
	var b bytes.Buffer
	t.Setenv("NO_COLOR", "1")
	renderPage(&b, nil, d, "# "+d.CauseTitle+"\n")
	if strings.Contains(b.String(), "\x1b") || !strings.Contains(b.String(), "✗ request") {
		t.Errorf("NO_COLOR output:\n%q", b.String())
	}
}

// A healthy run closes on a ✓ and says what it rests on; a verdict from a
// paste says so; the `causes ID` page (no cause) has no closing line.
func TestVerdictLine(t *testing.T) {
	h, _ := content.CauseByID("healthy")
	d := report.Diagnosis{CauseID: h.ID, CauseTitle: h.Title, Layer: h.Layer, Results: []checks.Result{
		{ID: "key-present", Status: checks.Pass}, {ID: "request", Status: checks.Pass}, {ID: "mcp", Status: checks.Skip},
	}}
	if got, want := verdictLine(d, 100, report.Plain), "✓ healthy — "+h.Title+" (2 checks passed, 1 skipped)"; got != want {
		t.Errorf("healthy: %q, want %q", got, want)
	}
	r, _ := content.CauseByID("rate-limited")
	d = report.Diagnosis{CauseID: r.ID, CauseTitle: r.Title, Layer: r.Layer, Pasted: true}
	if got, want := verdictLine(d, 100, report.Plain), "✗ rate-limited — "+r.Title+" (read from the pasted text)"; got != want {
		t.Errorf("pasted: %q, want %q", got, want)
	}
	f, _ := content.CauseByID("key-in-frontend-env")
	d = report.Diagnosis{CauseID: f.ID, CauseTitle: f.Title, Layer: f.Layer, Results: []checks.Result{
		{ID: "key-present", Status: checks.Pass}, {ID: "frontend-env", Status: checks.Warn},
	}}
	if got, want := verdictLine(d, 100, report.Plain), "! key-in-frontend-env — "+f.Title+" (warned: frontend-env)"; got != want {
		t.Errorf("warning: %q, want %q", got, want)
	}
	// Unconfirmed (the request declined or not sent): a ? and what is missing.
	d = report.Diagnosis{CauseID: r.ID, CauseTitle: r.Title, Layer: r.Layer, Unconfirmed: true, Missing: []string{"request"},
		Results: []checks.Result{{ID: "models", Status: checks.Pass}, {ID: "request", Status: checks.Skip}}}
	if got, want := verdictLine(d, 100, report.Plain), "? rate-limited — "+r.Title+" (not confirmed: the request was not sent)"; got != want {
		t.Errorf("unconfirmed: %q, want %q", got, want)
	}
	if got := verdictLine(report.Diagnosis{}, 80, report.Plain); got != "" {
		t.Errorf("no cause: %q", got)
	}
}

func TestWrapWords(t *testing.T) {
	for _, c := range []struct {
		in    string
		limit int
		want  []string
	}{
		{"a bb ccc", 4, []string{"a bb", "ccc"}},
		{"", 10, []string{""}},
		{"https://example.test/very/long/path", 10, []string{"https://ex", "ample.test", "/very/long", "/path"}},
		{"éé éé", 2, []string{"éé", "éé"}},
	} {
		if got := wrapWords(c.in, c.limit); strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("wrapWords(%q, %d) = %q, want %q", c.in, c.limit, got, c.want)
		}
	}
}
