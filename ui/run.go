package ui

import (
	"context"
	"errors"
	"fmt"
	"os"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
)

// ErrInterrupted is what Run returns after ctrl+c or a cancelled context.
var ErrInterrupted = errors.New("wizard interrupted")

// Run starts the wizard in the alternate screen and returns when the user
// quits. A panic inside the wizard is caught by Bubble Tea, which restores
// the terminal; Run then reports it as an error for main to print.
func Run(ctx context.Context, o Options) error {
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
	opts := []tea.ProgramOption{tea.WithContext(ctx)}
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
	m := newModel(ctx, o)
	guard, gerr := guardStderr()
	final, err := tea.NewProgram(m, opts...).Run()
	if fm, ok := final.(Model); ok {
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
		crash, crashFile = guard.release(m.o.Runner.Setup().Redactor, o.ReportDir)
	}
	switch {
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
