package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"golang.org/x/sys/unix"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/decisiontree"
)

// firstWrites keeps what the program writes and says when visible text
// first arrived.
type firstWrites struct {
	mu    sync.Mutex
	all   strings.Builder
	first string // everything up to and including the first write with visible text
	seen  chan struct{}
}

func (w *firstWrites) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.all.Write(p)
	if w.first == "" && strings.TrimSpace(ansi.Strip(w.all.String())) != "" {
		w.first = w.all.String()
		close(w.seen)
	}
	return len(p), nil
}

// With Load, the tree and the runner are made once Bubble Tea runs, and the
// first frame that shows anything is already the first question: never a
// loading screen.
func TestRunWithLoadDrawsTheFirstQuestionFirst(t *testing.T) {
	f := newFixture(t, nil)
	o := f.opts
	tree, runner := o.Tree, o.Runner
	o.Tree, o.Runner = nil, nil
	var calls int
	o.Load = func() (*decisiontree.Tree, *checks.Runner, error) {
		calls++
		return tree, runner, nil
	}
	p := runInPTY(t, o)
	out, cancel, done := p.out, p.cancel, p.done
	out.mu.Lock()
	first := ansi.Strip(out.first)
	out.mu.Unlock()
	if !strings.Contains(first, "What do you see when your code calls the API?") {
		t.Errorf("the first frame is not the first question:\n%s", first)
	}
	cancel()
	if err := <-done; !errors.Is(err, ErrInterrupted) {
		t.Errorf("Run: %v, want ErrInterrupted", err)
	}
	if calls != 1 {
		t.Errorf("Load called %d times, want once", calls)
	}
}

// openPTY opens a pseudo-terminal of the given size; both ends close when
// the test ends.
func openPTY(t *testing.T, cols, rows uint16) (master, tty *os.File) {
	t.Helper()
	mfd, err := unix.Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	master = os.NewFile(uintptr(mfd), "/dev/ptmx")
	t.Cleanup(func() { master.Close() })
	if err := unix.IoctlSetPointerInt(mfd, unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(mfd, unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	tty, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Closed after Run has returned: Run quits Bubble Tea gracefully, which
	// joins its input reader first (a killed program does not, and closing
	// the descriptor then was a data race under -race in CI).
	t.Cleanup(func() { tty.Close() })
	if err := unix.IoctlSetWinsize(int(tty.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: rows, Col: cols}); err != nil {
		t.Fatal(err)
	}
	return master, tty
}

// ctrl+c in a real terminal ends Run with ErrInterrupted, the terminal's
// input reader joined before its descriptor is closed (run under -race in
// CI: a killed program raced there).
func TestRunCtrlCInAPTYIsAnInterrupt(t *testing.T) {
	p := runInPTY(t, newFixture(t, nil).opts)
	if _, err := p.master.Write([]byte{0x03}); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		if !errors.Is(err, ErrInterrupted) {
			t.Errorf("Run: %v, want ErrInterrupted", err)
		}
	case <-p.ctx.Done():
		t.Fatal("ctrl+c did not end Run")
	}
}

// ptyRun is Run in a pseudo-terminal of 80×24 (Bubble Tea draws nothing
// without a size), once it has drawn something.
type ptyRun struct {
	ctx    context.Context
	cancel context.CancelFunc
	master *os.File
	out    *firstWrites
	done   chan error // Run's error
}

func runInPTY(t *testing.T, o Options) ptyRun {
	t.Helper()
	master, tty := openPTY(t, 80, 24)
	p := ptyRun{master: master, out: &firstWrites{seen: make(chan struct{})}, done: make(chan error, 1)}
	go func() { _, _ = io.Copy(p.out, master) }()
	o.input, o.output = tty, tty
	p.ctx, p.cancel = context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(p.cancel)
	go func() { p.done <- Run(p.ctx, o) }()
	select {
	case <-p.out.seen:
	case err := <-p.done:
		t.Fatalf("Run ended before drawing anything: %v", err)
	case <-p.ctx.Done():
		t.Fatal("nothing drawn")
	}
	return p
}
