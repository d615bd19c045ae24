package ui

import (
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/content"
	"github.com/unstuck-dev/unstuck/decisiontree"
)

// hostileText carries C1 controls (U+009B is a one-byte CSI, U+0085 a
// newline to some terminals) and ESC sequences that clear the screen or
// forge a link.
const hostileText = "Error code: 401 - Incorrect API key provided\u009b2J \x1b[2J\x1b]8;;http://evil.example\x07click\x1b]8;;\x07 \u0085\u0090x\u009c\x07\b\r end"

// No frame carries a control character that came from outside: the
// frame's own styling is ESC sequences, never C1, and never the pasted ones.
func TestPastedControlsNeverReachTheFrame(t *testing.T) {
	f := newFixture(t, nil)
	// The page quotes what the paste said, as real pages do.
	f.opts.Guidance = func(id string, pd content.PageData) (string, error) {
		return "# Page\n\nThe server said: " + pd.ErrorMessage + "\n\nFound: " + pd.Summary + "\n", nil
	}
	// And the paste is read by the paste check, as in the real tree.
	tree, err := decisiontree.Parse([]byte(strings.Replace(fixtureTree,
		"    prompt: Paste the error your code printed.\n    next: \"cause:key-rejected\"",
		"    prompt: Paste the error your code printed.\n    next: read\n  - id: read\n    kind: check\n    title: Reading the paste\n    checks: [paste]\n    next: \"cause:key-rejected\"", 1)))
	if err != nil {
		t.Fatal(err)
	}
	f.opts.Tree = tree
	d := newDriver(t, f.opts, 80, 24)
	d.choose("Paste the error")
	d.send(tea.PasteMsg{Content: hostileText})
	d.send(tea.WindowSizeMsg{Width: 60, Height: 16})
	d.press("ctrl+d")
	d.mustShow("The server said", "Incorrect API key provided")
	d.press("s")
	for i, fr := range d.frames {
		for _, r := range fr {
			if r >= 0x80 && r <= 0x9f {
				t.Fatalf("frame %d holds the C1 control %U:\n%q", i, r, fr)
			}
		}
		for _, bad := range []string{"\x1b[2J", "\x1b]8;;http://evil", "\b", "\r"} {
			if strings.Contains(fr, bad) {
				t.Fatalf("frame %d holds the pasted %q:\n%q", i, bad, fr)
			}
		}
	}
	for _, c := range d.clip {
		if i := strings.IndexFunc(c, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\t' || r >= 0x7f && r <= 0x9f }); i >= 0 {
			t.Fatalf("the copied report holds a control character at %d: %q", i, c)
		}
	}
}

// The saved report's path shows whole, with $PWD (the folder it is saved
// in) set: a path is not a secret.
func TestReportPathShowsWhole(t *testing.T) {
	dir := t.TempDir()
	f := newFixture(t, func(c *checks.Config) { c.Env["PWD"], c.Env["OLDPWD"] = dir, dir })
	f.opts.ReportDir = dir
	d := newDriver(t, f.opts, 80, 24)
	d.choose("401 Unauthorized")
	d.press("enter", "enter")
	d.press("s")
	files, _ := filepath.Glob(filepath.Join(dir, "unstuck-report-*.md"))
	if len(files) != 1 {
		t.Fatalf("report files: %v", files)
	}
	screen := strings.Join(strings.Fields(d.screen()), "")
	if !strings.Contains(screen, files[0]) || strings.Contains(screen, "[redacted") {
		t.Fatalf("the screen does not show %s whole:\n%s", files[0], d.screen())
	}
}
