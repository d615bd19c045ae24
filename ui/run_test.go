package ui

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/decisiontree"
)

// A Load that fails ends Run with its error, without drawing a wizard it
// cannot walk, in either mode.
func TestRunReturnsLoadError(t *testing.T) {
	broken := errors.New("built-in content is broken: tree.yaml: line 3")
	for _, accessible := range []bool{false, true} {
		o := Options{
			Load:       func() (*decisiontree.Tree, *checks.Runner, error) { return nil, nil, broken },
			Accessible: accessible,
			input:      strings.NewReader(""),
			output:     io.Discard,
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		err := Run(ctx, o)
		cancel()
		if !errors.Is(err, broken) {
			t.Errorf("accessible=%v: Run: %v, want the load error", accessible, err)
		}
	}
}

// The line-by-line wizard loads first, then asks the same first question.
func TestAccessibleWithLoad(t *testing.T) {
	f := newFixture(t, nil)
	o := f.opts
	tree, runner := o.Tree, o.Runner
	o.Tree, o.Runner = nil, nil
	o.Load = func() (*decisiontree.Tree, *checks.Runner, error) { return tree, runner, nil }
	out, err := runLines(t, o, "q")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "What do you see when your code calls the API?") {
		t.Errorf("no first question:\n%s", out)
	}
}
