package ui

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unstuck-dev/unstuck/content"
)

// What the wizard leaves on the normal screen: the verdict's line and the
// report's path, redacted, without colour under NO_COLOR; nothing when it
// quit before a verdict.
func TestFinishNamesTheVerdictAndTheReport(t *testing.T) {
	f := newFixture(t, nil)
	// A title quoting the key (as a page could quote a server): masked.
	f.opts.CauseInfo = func(id string) (content.Cause, bool) {
		c, ok := fixtureCauses[id]
		if id == "key-whitespace" {
			c.Title += " (" + testKey + ")"
		}
		return c, ok
	}
	f.opts.NoColor = true
	// A redactor that (wrongly) knows the working folder as a secret, as
	// $PWD once was: the report's path is still shown whole.
	f.runner.Setup().Redactor.Add(f.dir)
	d := newDriver(t, f.opts, 80, 24)
	if got := d.model().finish(); got != "" {
		t.Errorf("before a verdict the finish is %q, want nothing", got)
	}
	d.choose("401 Unauthorized")
	d.press("enter", "enter", "s")
	d.mustShow("Report saved to")
	var out bytes.Buffer
	d.model().printFinish(&out)
	got := out.String()
	lines := strings.Split(strings.TrimRight(got, "\n"), "\n")
	first := strings.Join(lines[:len(lines)-1], " ") // the verdict wraps at 80
	if !strings.HasPrefix(first, "✗ key-whitespace — The key has whitespace or a newline in it (") ||
		!strings.HasSuffix(first, "(failed: key-hygiene)") || !strings.HasPrefix(lines[len(lines)-1], "Report saved to "+f.dir) {
		t.Errorf("the finish:\n%s", got)
	}
	if strings.Contains(got, testKey[8:20]) {
		t.Errorf("the finish shows the key:\n%s", got)
	}
	if strings.ContainsAny(got, "\x1b") {
		t.Errorf("NO_COLOR, yet the finish has escapes: %q", got)
	}
}

// The closing line wraps at spaces to the window, never inside an ID.
func TestFinishWrapsAtSpaces(t *testing.T) {
	got := uiWrapWords("✗ key-whitespace — Your API key has a trailing newline or spaces (failed: key-hygiene)", 80)
	if len(got) != 2 || !strings.HasSuffix(got[1], "key-hygiene)") || strings.Join(got, " ") != "✗ key-whitespace — Your API key has a trailing newline or spaces (failed: key-hygiene)" {
		t.Errorf("wrapped at 80: %q", got)
	}
	for _, ln := range uiWrapWords("✗ a-very-long-cause — words words words words (failed: request)", 20) {
		if strings.HasSuffix(ln, "-") {
			t.Errorf("split at a hyphen: %q", ln)
		}
	}
}

// The status line after "s" showed the report's path through the frame's
// redaction: a folder such as "task-management-service" looks like a key
// ("sk-management-service"), and the path on screen was masked. It is
// shown whole, as the finish shows it; the key itself stays masked.
func TestStatusLineShowsTheReportPathWhole(t *testing.T) {
	f := newFixture(t, nil)
	f.opts.ReportDir = filepath.Join(f.dir, "task-management-service")
	if err := os.MkdirAll(f.opts.ReportDir, 0o755); err != nil {
		t.Fatal(err)
	}
	f.runner.Setup().Redactor.Add(f.dir) // as $PWD once was
	d := newDriver(t, f.opts, 220, 30)
	d.choose("401 Unauthorized")
	d.press("enter", "enter", "s")
	saved := d.model().saved
	if len(saved) != 1 {
		t.Fatalf("saved %q", saved)
	}
	d.mustShow("Report saved to " + saved[0] + " and copied")
	if strings.Contains(d.screen(), testKey[8:20]) {
		t.Errorf("the screen shows the key:\n%s", d.screen())
	}
}
