package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/checks/suite"
	"github.com/unstuck-dev/unstuck/content"
)

// realMenu is a driver on the real tree's first question (18 choices),
// with a runner that has nothing to reach.
func realMenu(t *testing.T, w, h int) *driver {
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
	no := false
	r := suite.NewRunner(checks.Config{
		Env: checks.Env{"OPENAI_API_KEY": testKey + "\n", "HOME": dir}, WorkDir: dir,
		Timeout: 5 * time.Second, Profiles: profiles, InContainer: &no,
	})
	d := newDriver(t, Options{Runner: r, Tree: tree, Version: "test", ReportDir: dir}, w, h)
	if n := len(d.model().walker.Current().Choices); n < 15 {
		t.Fatalf("the real first question has %d choices; this test wants the long menu", n)
	}
	return d
}

// choiceRows are the choice lines on screen, the highlighted one with "›".
func choiceRows(d *driver) []string {
	var rows []string
	for _, ln := range strings.Split(d.screen(), "\n") {
		t := strings.TrimSpace(ln)
		for _, c := range d.model().walker.Current().Choices {
			if strings.HasPrefix(strings.TrimPrefix(t, "› "), c.Label) {
				rows = append(rows, t)
				break
			}
		}
	}
	return rows
}

// Digits typed at the menu pick by status code: "4" keeps the 4xx lines,
// "429" that one line, and enter answers it; esc clears.
func TestMenuDigitsPickByStatusCode(t *testing.T) {
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			d := realMenu(t, sz.w, sz.h)
			d.press("4")
			rows := choiceRows(d)
			if len(rows) != 7 {
				t.Fatalf("after 4: want the seven 4xx choices, got %d:\n%s", len(rows), d.screen())
			}
			for _, r := range rows {
				if !strings.HasPrefix(strings.TrimPrefix(r, "› "), "4") {
					t.Errorf("after 4 the menu shows %q", r)
				}
			}
			d.mustShow("Status code: 4", "7 of 18 shown", "esc clear filter")
			d.mustNotShow("esc back") // esc clears the digits here
			d.checkFits(sz.w, sz.h)
			d.press("2", "9")
			if rows := choiceRows(d); len(rows) != 1 || !strings.Contains(rows[0], "› 429 Too Many Requests") {
				t.Fatalf("after 429: want that one line, highlighted:\n%s", d.screen())
			}
			// backspace takes a digit off; esc clears them all.
			d.press("backspace")
			d.mustShow("Status code: 42")
			d.press("esc")
			if rows := choiceRows(d); d.model().filtered() || len(rows) < 5 {
				t.Fatalf("esc did not clear the filter:\n%s", d.screen())
			}
			d.mustShow("esc back")
			// 503 is one of "502, 503 or 504".
			d.press("5", "0", "3")
			d.mustShow("› 502, 503 or 504", "1 of 18 shown")
			d.press("4", "2", "9", "enter")
			if got := d.model().walker.Facts()["symptom"]; got != "429" {
				t.Fatalf("429 then enter answered %q:\n%s", got, d.screen())
			}
		})
	}
}

// "/" then words filter the menu by label and hint; arrows move within
// what is left, enter answers the highlighted choice, esc clears. While
// the words are typed, letters are text: q does not quit.
func TestMenuSlashFilters(t *testing.T) {
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			d := realMenu(t, sz.w, sz.h)
			d.press("/")
			d.mustShow("esc clear filter", "enter choose")
			d.mustNotShow("q quit", "esc back")
			d.typeText("quota")
			rows := choiceRows(d)
			if len(rows) == 0 || len(rows) > 3 {
				t.Fatalf("filter quota: want one to three choices, got:\n%s", d.screen())
			}
			d.mustShow("429 Too Many Requests", "/quota")
			d.mustNotShow("401 Unauthorized", "Slow answers")
			d.checkFits(sz.w, sz.h)
			d.press("esc")
			if d.model().filtered() || len(choiceRows(d)) < 5 {
				t.Fatalf("esc did not clear the filter:\n%s", d.screen())
			}
			d.press("/")
			d.typeText("stream q")
			if d.quit {
				t.Fatal("q typed into the filter quit the wizard")
			}
			d.mustShow("No choice matches")
			d.press("backspace", "backspace")
			d.mustShow("› A stream breaks off")
			d.press("enter")
			if got := d.model().walker.Facts()["symptom"]; got == "" || got == "401" {
				t.Fatalf("enter on the filtered choice answered %q:\n%s", got, d.screen())
			}
			if m := d.model(); m.filter.typing || m.filtered() {
				t.Fatal("the filter outlived its question")
			}
		})
	}
}
