package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	uv "github.com/charmbracelet/ultraviolet"

	"github.com/unstuck-dev/unstuck/checks"
)

// ErrInterrupted is what Run returns after ctrl+c or a cancelled context.
var ErrInterrupted = errors.New("wizard interrupted")

// Run starts the wizard in the alternate screen and returns when the user
// quits. A panic inside the wizard is caught by Bubble Tea, which restores
// the terminal; Run then reports it as an error for main to print.
//
// With o.Load set, Bubble Tea starts first and the model is made in its
// Init, where Load runs: Bubble Tea calls Init after starting its frame
// ticker and sends the first frame on the first tick (1/60 s later), so
// what Load does (parse the content, read .env and the clients' files)
// happens while it waits anyway. The first frame is still the first
// question, never a loading screen.
func Run(ctx context.Context, o Options) error {
	if o.Load != nil && o.Accessible {
		tree, runner, err := o.Load()
		if err != nil {
			return err
		}
		o.Tree, o.Runner, o.Load = tree, runner, nil
	}
	if o.Accessible {
		in, out := o.input, o.output
		if in == nil {
			in = os.Stdin
		}
		if out == nil {
			out = os.Stdout
		}
		return runAccessible(ctx, o, in, out)
	}
	// Run's context is not given to Bubble Tea (tea.WithContext): Bubble
	// Tea treats a cancelled context, like an InterruptMsg, as a kill, and
	// a killed program closes its input reader without waiting for the
	// goroutine still reading it (a data race under -race, charmbracelet/
	// bubbletea#1599 and #1689). Both become interruptMsg instead, which
	// the model answers with a graceful quit, and Run still returns
	// ErrInterrupted.
	opts := []tea.ProgramOption{tea.WithFilter(func(_ tea.Model, msg tea.Msg) tea.Msg {
		if _, ok := msg.(tea.InterruptMsg); ok {
			return interruptMsg{}
		}
		return msg
	})}
	if o.NoColor {
		// Downsample whatever slipped through to no colour at all.
		opts = append(opts, tea.WithColorProfile(colorprofile.Ascii))
	}
	if o.input != nil {
		opts = append(opts, tea.WithInput(o.input))
	}
	if o.output != nil {
		opts = append(opts, tea.WithOutput(o.output))
	}
	var m Model
	var loadErr error
	var initial tea.Model
	if o.Load != nil {
		initial = bootModel{ctx: ctx, o: o, m: &m, err: &loadErr}
	} else {
		m = newModel(ctx, o)
		initial = m
	}
	guard, gerr := guardStderr()
	p := tea.NewProgram(initial, opts...)
	ran := make(chan struct{})
	go interruptOnDone(ctx, p, ran)
	final, err := p.Run()
	close(ran)
	if _, ok := final.(bootModel); ok && m.frameCache != nil {
		final = m // Init made the model; it ended before its first message
	}
	interrupted := false
	if fm, ok := final.(Model); ok {
		interrupted = fm.interrupted
		fm.stopChecks()
		// The alternate screen is gone: the answer stays on the normal one.
		if !errors.Is(err, tea.ErrProgramPanic) {
			out := o.output
			if out == nil {
				out = os.Stdout
			}
			fm.printFinish(out)
		}
	}
	var crash, crashFile string
	if gerr == nil {
		var rd *checks.Redactor
		if m.o.Runner != nil {
			rd = m.o.Runner.Setup().Redactor
		}
		crash, crashFile = guard.release(rd, o.ReportDir)
	}
	switch {
	case loadErr != nil:
		return loadErr
	case err == nil && (interrupted || ctx.Err() != nil):
		return ErrInterrupted
	case err == nil:
		return nil
	case errors.Is(err, tea.ErrProgramPanic):
		if crash == "" {
			crash = "the wizard crashed"
		}
		msg := crash + "\nThe terminal was restored."
		if crashFile != "" {
			msg += " The details (redacted) are in " + crashFile + ": please attach that file to a bug report."
		}
		return errors.New(msg)
	case errors.Is(err, tea.ErrInterrupted), ctx.Err() != nil:
		return ErrInterrupted
	default:
		return fmt.Errorf("wizard: %s", m.redact(err.Error()))
	}
}

// interruptMsg asks the model to stop its checks and quit, and Run to
// report ErrInterrupted.
type interruptMsg struct{}

// interruptGrace is how long a model has to quit after Run's context ends
// before the program is killed.
const interruptGrace = 2 * time.Second

// interruptOnDone turns the end of ctx into an interruptMsg for p, and
// kills p if it has not quit within interruptGrace. It returns when ran is
// closed (p.Run returned).
func interruptOnDone(ctx context.Context, p *tea.Program, ran <-chan struct{}) {
	select {
	case <-ran:
		return
	case <-ctx.Done():
	}
	go p.Send(interruptMsg{})
	select {
	case <-ran:
	case <-time.After(interruptGrace):
		p.Kill()
	}
}

// bootModel is the wizard before its content is loaded: Bubble Tea calls
// its Init once, before any View or Update, and Init makes the real model
// (into *m, so Run finds it). From the first Update on, Bubble Tea holds
// the real model.
type bootModel struct {
	ctx context.Context
	o   Options
	m   *Model
	err *error
}

func (b bootModel) Init() tea.Cmd {
	tree, runner, err := b.o.Load()
	if err != nil {
		*b.err = err
		return tea.Quit
	}
	b.o.Tree, b.o.Runner, b.o.Load = tree, runner, nil
	*b.m = newModel(b.ctx, b.o)
	profile := colorprofile.Env(os.Environ())
	if b.o.NoColor {
		profile = colorprofile.Ascii
	}
	go warmRenderer(b.m.View().Content, b.m.width, b.m.height, profile)
	return b.m.Init()
}

// warmRenderer draws a frame into a scratch screen and serialises it to
// nowhere, the way Bubble Tea's renderer will on its first tick: the first
// draw in a process costs about 1 ms more than later ones (code and tables
// touched for the first time), and here it is paid while Bubble Tea waits
// for that tick rather than on it. (The frame is made before, on the
// caller's goroutine: View is not safe to call alongside Bubble Tea's.)
func warmRenderer(frame string, width, height int, profile colorprofile.Profile) {
	buf := uv.NewScreenBuffer(width, height)
	uv.NewStyledString(frame).Draw(buf, buf.Bounds())
	r := uv.NewTerminalRenderer(io.Discard, os.Environ())
	r.SetColorProfile(profile)
	r.Render(buf.RenderBuffer)
	_ = r.Flush()
}

func (b bootModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if *b.err != nil {
		return b, nil // quitting
	}
	return b.m.Update(msg)
}

func (b bootModel) View() tea.View {
	if *b.err != nil {
		return tea.NewView("")
	}
	return b.m.View()
}
