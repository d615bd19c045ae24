package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/unstuck-dev/unstuck/content"
)

// runLines runs the line-by-line wizard on the answers given, one a line.
func runLines(t *testing.T, o Options, answers ...string) (string, error) {
	t.Helper()
	var out strings.Builder
	o.input = strings.NewReader(strings.Join(answers, "\n") + "\n")
	o.output = &out
	o.Accessible = true
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err := Run(ctx, o)
	return out.String(), err
}

// TERM=dumb: numbered questions read from stdin, the checks line by line,
// the page as plain text, the verdict last; never an escape sequence, never
// the key; the same walk as the full-screen wizard.
func TestAccessibleWalk(t *testing.T) {
	f := newFixture(t, nil)
	out, err := runLines(t, f.opts, "1", "", "", "s", "q")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"What do you see when your code calls the API?",
		" 1. 401 Unauthorized — invalid_api_key",
		"10. Something else",
		"Which base URL does your client use?",
		"Press enter to keep https://api.openai.com/v1",
		"Checking your API key",
		"✗ ", "key-hygiene",
		"The key has whitespace or a newline in it (layer: config)",
		"Fix for key-whitespace",
		"The last line of the page.",
		"Report saved to " + f.dir,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the line-by-line wizard does not print %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b") || strings.ContainsRune(out, 0x9b) {
		t.Errorf("escape sequences in the line-by-line output:\n%q", out)
	}
	if strings.Contains(out, testKey[8:20]) {
		t.Error("the key is in the output")
	}
	_, end, _ := strings.Cut(out, "q quit > \n")
	for strings.Contains(end, "q quit > ") {
		_, end, _ = strings.Cut(end, "q quit > ")
	}
	lines := strings.Split(strings.TrimSpace(end), "\n")
	if strings.Join(lines[:len(lines)-1], " ") != "✗ key-whitespace — The key has whitespace or a newline in it (failed: key-hygiene)" ||
		!strings.HasPrefix(lines[len(lines)-1], "Report saved to "+f.dir) {
		t.Errorf("the output does not end with the verdict and the report:\n%s", end)
	}
	reports, _ := filepath.Glob(filepath.Join(f.dir, "unstuck-report-*.md"))
	if len(reports) != 1 {
		t.Fatalf("want one report, found %v", reports)
	}
	body, _ := os.ReadFile(reports[0])
	if !strings.Contains(string(body), "key-whitespace") || strings.Contains(string(body), testKey) {
		t.Errorf("the report:\n%s", body)
	}
}

// Answers may be a status code or a word; back and restart work; a
// billable request is asked for in the wizard's own words and declined
// with n, as with the key.
func TestAccessibleCodesBackAndConsent(t *testing.T) {
	f := newFixture(t, nil)
	out, err := runLines(t, f.opts, "nonsense", "401", "<", "429", "n", "q")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`No choice mentions "nonsense".`,
		"Which base URL does your client use?",
		"Send it? y or n",
		"Nothing billable was sent.",
		// Unconfirmed: the request was declined, so the closing line says so.
		"? not-sent — Not enough evidence without the request (not confirmed: the request was not sent)",
	} {
		if !strings.Contains(strings.Join(strings.Fields(out), " "), want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "What do you see when your code calls the API?"); n != 2 {
		t.Errorf("the first question was asked %d times, want 2 (at the start, after <):\n%s", n, out)
	}
	if got := f.runner.Facts()["request.status"]; got != "skip" {
		t.Errorf("request.status = %q after n, want skip", got)
	}
}

// EOF ends the session as q does; a pasted error is read up to a dot.
func TestAccessiblePasteAndEOF(t *testing.T) {
	f := newFixture(t, nil)
	f.opts.CauseInfo = func(id string) (content.Cause, bool) { c, ok := fixtureCauses[id]; return c, ok }
	out, err := runLines(t, f.opts, "paste", "Error code: 401", "{'error': 'invalid_api_key'}", ".")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "Paste it, then type a line with only a dot") || !strings.Contains(out, "✗ key-rejected — The provider rejected the key") {
		t.Errorf("paste then EOF:\n%s", out)
	}
	if got := f.runner.Setup().Config.Pasted; got != "Error code: 401\n{'error': 'invalid_api_key'}" {
		t.Errorf("pasted %q", got)
	}
}

// The saved report's path is shown whole in line mode too: a folder whose
// name looks like a key ("task-management-service" holds "sk-…") is a
// path, not a secret.
func TestAccessibleReportPathWhole(t *testing.T) {
	f := newFixture(t, nil)
	dir := filepath.Join(f.dir, "task-management-service-0123456789")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	f.opts.ReportDir = dir
	out, err := runLines(t, f.opts, "1", "", "", "s", "q")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(out, "Report saved to "+dir) != 2 || strings.Contains(out, "[redacted") {
		t.Errorf("the report's path is not shown whole, both when saved and at the end:\n%s", out)
	}
}

// The page comes out line by line as the renderer laid it out: a numbered
// step's lines are not wrapped a second time under the number's indent
// (which broke them a word early), and a long command stays on one line.
func TestAccessiblePagePrintedAsLaidOut(t *testing.T) {
	cmd := `curl -sS "https://gateway.example.test/openai/deployments/team-production/v1/models" -H "Authorization: Bearer $OPENAI_API_KEY"`
	md := "# T\n\nIntro.\n\n"
	// Steps of every length around the width, so that some line of them
	// fills it to the last few cells.
	for k := range 9 {
		md += fmt.Sprintf("%d. Compare%s the key's length and last four characters with the key list in your console.\n", k+1, strings.Repeat("s", k))
	}
	md += "\n```sh\n" + cmd + "\n```\n\nThe last line of the page.\n"
	f := newFixture(t, nil)
	f.opts.Guidance = func(string, content.PageData) (string, error) { return md, nil }
	out, err := runLines(t, f.opts, "1", "", "", "q")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(out, "\n")
	has := func(want string) bool {
		for _, ln := range lines {
			if strings.TrimSpace(ln) == want {
				return true
			}
		}
		return false
	}
	if !has(cmd) {
		t.Errorf("the command is not on one line:\n%s", out)
	}
	for i, ln := range lines {
		// A step's line that ends with a single word after its number's
		// line, then goes on at the page's indent, was wrapped twice.
		if i > 0 && strings.HasPrefix(ln, "     ") && !strings.Contains(strings.TrimSpace(ln), " ") &&
			regexp.MustCompile(`^\s+\d\. `).MatchString(lines[i-1]) {
			t.Errorf("line %d %q is one word broken off step %q:\n%s", i, ln, lines[i-1], out)
		}
	}
	if !has("The last line of the page.") {
		t.Errorf("the page's end is missing:\n%s", out)
	}
}
