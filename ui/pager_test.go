package ui

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/content"
	"github.com/unstuck-dev/unstuck/verdict"
)

// toPage walks the fixture to the key-whitespace page.
func toPage(t *testing.T, w, h int) *driver {
	t.Helper()
	f := newFixture(t, nil)
	d := newDriver(t, f.opts, w, h)
	d.choose("401 Unauthorized")
	d.press("enter", "enter")
	d.mustShow("Fix for key-whitespace")
	return d
}

var linesAt = regexp.MustCompile(`lines (\d+)–(\d+) of (\d+)`)

// The page says where the view is, and the numbers follow the scrolling.
func TestPagerShowsWhereYouAre(t *testing.T) {
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			d := toPage(t, sz.w, sz.h)
			m := linesAt.FindStringSubmatch(d.screen())
			if m == nil || m[1] != "1" {
				t.Fatalf("no \"lines 1–N of M\" on the page:\n%s", d.screen())
			}
			d.mustShow("(0%)")
			d.press("pgdown")
			m2 := linesAt.FindStringSubmatch(d.screen())
			if m2 == nil || m2[1] == "1" || m2[3] != m[3] {
				t.Fatalf("after pgdown the position is %v, was %v:\n%s", m2, m, d.screen())
			}
			d.press("G")
			d.mustShow("(end)", "The last line of the page.")
			d.checkFits(sz.w, sz.h)
		})
	}
}

// "/" searches the page: enter jumps to the first match, n and N go on
// and back, the match is marked, esc clears; a query not on the page says so.
func TestPagerSearch(t *testing.T) {
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			d := toPage(t, sz.w, sz.h)
			d.mustNotShow("step number 25 ")
			d.press("/")
			d.mustShow("enter search", "esc clear search")
			d.mustNotShow("q quit")
			d.typeText("NUMBER 25")
			d.press("enter")
			d.mustShow("step number 25 of the fix", `"NUMBER 25": match 1 of 1`, "n/N next/prev match")
			// The match is drawn reversed.
			marked := false
			for _, ln := range strings.Split(d.frames[len(d.frames)-1], "\n") {
				if strings.Contains(ansi.Strip(ln), "step number 25 ") {
					marked = regexp.MustCompile(`\x1b\[([0-9;]*;)?7(;[0-9;]*)?m`).MatchString(ln)
				}
			}
			if !marked {
				t.Errorf("the match is not drawn reversed:\n%s", d.screen())
			}
			d.checkFits(sz.w, sz.h)

			d.press("esc")
			d.mustShow("esc back")
			d.press("g", "/")
			d.typeText("step number")
			d.press("enter")
			d.mustShow("match 1 of 30")
			d.press("N")
			d.mustShow("match 30 of 30", "step number 30 of the fix")
			d.press("n", "n")
			d.mustShow("match 2 of 30")

			d.press("esc", "/")
			d.typeText("zebra")
			d.press("enter")
			d.mustShow(`"zebra" is not on this page.`)
		})
	}
}

// The checks line wraps at 60 columns and never cuts off a ✗: when the
// tokens need more than two lines, passes are counted instead.
func TestChecksLineWrapsAndKeepsEveryFailure(t *testing.T) {
	f := newFixture(t, nil)
	var results []checks.Result
	for i := range 10 {
		results = append(results, checks.Result{ID: fmt.Sprintf("check-%02d", i), Status: checks.Pass})
	}
	for i := range 6 {
		results = append(results, checks.Result{ID: fmt.Sprintf("broken-%d", i), Status: checks.Fail})
	}
	results = append(results, checks.Result{ID: "skipped", Status: checks.Skip})
	for _, w := range []int{80, 60, 40} {
		m := New(f.opts)
		m.width, m.height = w, 24
		m.res = &resultState{verdict: verdict.Verdict{Cause: content.Cause{ID: "x", Title: "Out of credit"}, Results: results}}
		head := ansi.Strip(m.resultHeader(w))
		flat := strings.Join(strings.Fields(head), " ")
		for i := range 6 {
			if !strings.Contains(flat, fmt.Sprintf("✗ broken-%d", i)) {
				t.Errorf("at %d columns ✗ broken-%d is not on the checks line:\n%s", w, i, head)
			}
		}
		if strings.Contains(head, "…") {
			t.Errorf("at %d columns the checks line is cut:\n%s", w, head)
		}
		if !strings.Contains(flat, "✓ 10 more passed") {
			t.Errorf("at %d columns the passes are not counted:\n%s", w, head)
		}
		for _, l := range strings.Split(head, "\n") {
			if ansi.StringWidth(l) > w {
				t.Errorf("at %d columns a line is %d wide: %q", w, ansi.StringWidth(l), l)
			}
		}
	}
}
