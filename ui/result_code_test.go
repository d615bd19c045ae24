package ui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/unstuck-dev/unstuck/content"
)

// The renderer leaves code lines whole however narrow the window, so a
// command can be wider than the result viewport. The frame still fits the
// window, the lines around the command are untouched, and the command
// starts where it should (the viewport cuts what does not fit).
func TestWideCodeLineKeepsTheFrame(t *testing.T) {
	cmd := "curl -sS https://api.openai.com/v1/models -H \"Authorization: Bearer $OPENAI_API_KEY\" | head -c 300 ; echo end-of-command"
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			f := newFixture(t, nil)
			f.opts.Guidance = func(id string, d content.PageData) (string, error) {
				return "# Page title\n\nFix for " + id + "\n\nBefore the command.\n\n```sh\n" + cmd + "\necho second line\n```\n\nAfter the command.\n", nil
			}
			d := newDriver(t, f.opts, sz.w, sz.h)
			d.choose("401 Unauthorized")
			d.press("enter", "enter")
			d.mustShow("Fix for key-whitespace", "Before the command.", "After the command.", "echo second line")
			d.checkFits(sz.w, sz.h)
			lines := strings.Split(ansi.Strip(d.frames[len(d.frames)-1]), "\n")
			at := -1
			for i, ln := range lines {
				if strings.Contains(ln, "curl -sS https://api.openai.com/v1/models") {
					at = i
				}
			}
			if at < 0 {
				t.Fatalf("no command on screen:\n%s", d.screen())
			}
			if !strings.Contains(lines[at+1], "echo second line") || strings.Contains(lines[at+1], "Bearer") {
				t.Errorf("the line after the command is %q:\n%s", lines[at+1], d.screen())
			}
		})
	}
}
