package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/checks/suite"
	"github.com/unstuck-dev/unstuck/decisiontree"
	"github.com/unstuck-dev/unstuck/ui"
)

// runWizard starts the interactive wizard when both ends are a terminal, and
// otherwise says what to run instead rather than drawing into a pipe.
func runWizard(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	var o options
	fs := flag.NewFlagSet("unstuck", flag.ContinueOnError)
	o.register(fs, false)
	fromEnv, err := parseWithEnv(fs, args)
	if err != nil {
		return 2, err
	}
	o.fromEnv = fromEnv
	if fs.NArg() > 0 {
		return 2, usageError{fmt.Sprintf("unknown command %q", fs.Arg(0))}
	}
	if err := o.validate(); err != nil {
		return 2, usageError{err.Error()}
	}
	if !isTerminal(os.Stdin) || !isTerminal(os.Stdout) {
		fmt.Fprint(stderr, "unstuck: the wizard needs a terminal. Without one, run:\n"+
			"  unstuck diagnose          check your setup and print the cause\n"+
			"  unstuck diagnose --json   the same as one JSON object\n"+
			"  unstuck explain -         name the cause of an error piped in\n")
		return 2, nil
	}
	noColor := os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb"
	defer pauseGC(startGCPause)()
	load := startLoading(o)
	w, h, _ := termSize(os.Stdout)
	err = ui.Run(ctx, ui.Options{
		Load:       load,
		Width:      max(w, 0),
		Height:     max(h, 0),
		Version:    versionString(),
		NoColor:    noColor,
		Accessible: accessible(os.Getenv),
		FindSetups: wizardSetups(func() *decisiontree.Tree { t, _, _ := load(); return t }),
	})
	if errors.Is(err, ui.ErrInterrupted) {
		return 130, nil // like any program stopped with ctrl+c; nothing to add
	}
	if err != nil {
		return 1, err
	}
	return 0, nil
}

// startGCPause is how long the collector waits when the wizard starts:
// Bubble Tea draws the first frame on its first tick, 1/60 s after it
// starts, and this is three ticks.
const startGCPause = 50 * time.Millisecond

// pauseGC turns the garbage collector off for d, or until the returned
// function is called. Go's first collection after package initialisation
// comes while the wizard starts (the heap passes its 4 MiB starting goal as
// content loads, the model is made and Bubble Tea sets up), and it ran
// beside Bubble Tea on the way to the first frame, on a machine's every
// other core. A memory limit of 256 MiB (unless GOMEMLIMIT set one) still
// collects if anything in that window allocates without bound.
func pauseGC(d time.Duration) (resume func()) {
	percent := debug.SetGCPercent(-1)
	limit := debug.SetMemoryLimit(-1)
	if limit == math.MaxInt64 {
		debug.SetMemoryLimit(256 << 20)
	}
	resume = sync.OnceFunc(func() {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(limit)
	})
	time.AfterFunc(d, resume)
	return resume
}

// accessible: the line-by-line wizard, for a terminal that cannot draw a
// screen (TERM=dumb) or a person who reads it with a screen reader
// (UNSTUCK_ACCESSIBLE=1; 0, false, no or off turn it off again).
func accessible(getenv func(string) string) bool {
	switch strings.ToLower(strings.TrimSpace(getenv("UNSTUCK_ACCESSIBLE"))) {
	case "":
	case "0", "false", "no", "off":
		return false
	default:
		return true
	}
	return getenv("TERM") == "dumb"
}

// startLoading parses the built-in content and resolves the setup (.env,
// the clients' configuration files) on another goroutine, so that neither
// stands between exec and the wizard's first frame: the work overlaps
// Bubble Tea's start, and ui.Run waits for it only once Bubble Tea is
// waiting for its first frame tick. The returned func waits for the result.
func startLoading(o options) func() (*decisiontree.Tree, *checks.Runner, error) {
	type loaded struct {
		tree   *decisiontree.Tree
		runner *checks.Runner
		err    error
	}
	done := make(chan loaded, 1)
	go func() {
		tree, known, err := loadContent()
		if err != nil {
			done <- loaded{err: err}
			return
		}
		done <- loaded{tree: tree, runner: suite.NewRunner(o.config(known))}
	}()
	result := sync.OnceValue(func() loaded { return <-done })
	return func() (*decisiontree.Tree, *checks.Runner, error) {
		l := result()
		return l.tree, l.runner, l.err
	}
}
