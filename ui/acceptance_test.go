package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/checks/suite"
	"github.com/unstuck-dev/unstuck/content"
)

// With the real tree, causes and pages: a 401 whose cause is a trailing
// newline in OPENAI_API_KEY reaches the key-whitespace page by keyboard
// alone. Only configuration checks run on this path, so nothing leaves the
// machine.
func TestAcceptance401TrailingNewline(t *testing.T) {
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
	r := suite.NewRunner(checks.Config{
		Env:         checks.Env{"OPENAI_API_KEY": testKey + "\n", "HOME": dir},
		WorkDir:     dir,
		Timeout:     5 * time.Second,
		Profiles:    profiles,
		InContainer: &notInContainer,
	})
	for _, sz := range sizes {
		d := newDriver(t, Options{Runner: r, Tree: tree, Version: "test", ReportDir: dir}, sz.w, sz.h)
		d.choose("401 Unauthorized")
		d.mustShow("Base URL")
		d.press("enter") // the base URL as the environment has it
		d.mustShow("Model")
		d.press("enter")
		d.mustShow("What are you running?")
		d.press("enter") // nothing is configured here: "I don't know" is highlighted

		m := d.model()
		if m.screen != scrResult || m.res.verdict.Cause.ID != "key-whitespace" {
			t.Fatalf("%dx%d: walk ended at %q, not key-whitespace:\n%s", sz.w, sz.h, m.walker.Current().ID, d.screen())
		}
		c, _ := content.CauseByID("key-whitespace")
		flat := strings.Join(strings.Fields(d.screen()), " ")
		if !strings.Contains(flat, c.Title) {
			t.Fatalf("%dx%d: no cause title %q:\n%s", sz.w, sz.h, c.Title, d.screen())
		}
		// Page text, found by scrolling: the fix names the variable.
		found := false
		for range 60 {
			if strings.Contains(d.screen(), "tr -d") && strings.Contains(d.screen(), "OPENAI_API_KEY") {
				found = true
				break
			}
			d.press("down")
		}
		if !found {
			t.Fatalf("%dx%d: the page's fix never showed", sz.w, sz.h)
		}
		for _, fr := range d.frames {
			if strings.Contains(fr, testKey[8:20]) {
				t.Fatal("a frame showed the key")
			}
		}
	}
}
