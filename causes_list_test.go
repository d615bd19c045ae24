package main

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/unstuck-dev/unstuck/content"
)

// `unstuck causes` on a 60-column terminal: titles wrap under their own
// column (the terminal cut "Your key, URL and mo" / "del work"); in a
// pipe each cause stays on one line, for grep.
func TestCauseListWrapsTitlesUnderTheirColumn(t *testing.T) {
	list, err := content.Causes()
	if err != nil {
		t.Fatal(err)
	}
	out := causeList(list, 60)
	for _, ln := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		if w := ansi.StringWidth(ln); w > 60 {
			t.Errorf("a line of %d columns: %q", w, ln)
		}
	}
	flat := strings.Join(strings.Fields(out), " ")
	for _, c := range list {
		if !strings.Contains(flat, c.ID) || !strings.Contains(flat, strings.Join(strings.Fields(c.Title), " ")) {
			t.Errorf("%s: its ID or title is lost at 60 columns", c.ID)
		}
	}
	piped := causeList(list, 0)
	if n := strings.Count(piped, "\n"); n != len(list) {
		t.Errorf("piped: %d lines for %d causes", n, len(list))
	}
}
