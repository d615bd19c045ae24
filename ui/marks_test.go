package ui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/content"
	"github.com/unstuck-dev/unstuck/verdict"
)

// The result page's checks line puts failures first and never cuts off a
// ✗, however many checks passed before it; at 60 columns it wraps.
func TestResultMarksPutFailuresFirst(t *testing.T) {
	f := newFixture(t, nil)
	var results []checks.Result
	for i := range 14 {
		results = append(results, checks.Result{ID: fmt.Sprintf("check-%02d", i), Status: checks.Pass})
	}
	results = append(results, checks.Result{ID: "request", Status: checks.Fail}, checks.Result{ID: "container", Status: checks.Warn})
	for _, w := range []int{80, 60} {
		m := New(f.opts)
		m.width, m.height = w, 24
		m.res = &resultState{verdict: verdict.Verdict{Cause: content.Cause{ID: "insufficient-balance", Title: "Out of credit"}, Results: results}}
		lines := strings.Split(ansi.Strip(m.resultHeader(w)), "\n")
		marks := strings.Join(lines[1:], " ")
		i, j := strings.Index(marks, "✗ request"), strings.Index(marks, "! container")
		if i < 0 || j < 0 || i > j || i > strings.Index(marks, "✓") {
			t.Errorf("at %d columns the failure is not first in the checks line:\n%s", w, strings.Join(lines, "\n"))
		}
		for _, l := range lines {
			if ansi.StringWidth(l) > w {
				t.Errorf("at %d columns a line is %d wide: %q", w, ansi.StringWidth(l), l)
			}
		}
	}
}
