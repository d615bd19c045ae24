// Command bareprogram is the yardstick for unstuck's first frame: the
// smallest Bubble Tea v2 program that draws one line, with the same view
// setup as the wizard (alternate screen). perf/run.sh builds it with the
// same flags as unstuck (and with -tags stack, stack.go) and
// perf/firstframe times them under a PTY.
package main

import (
	"fmt"
	"os"

	tea "charm.land/bubbletea/v2"
)

type bareModel struct{}

func (bareModel) Init() tea.Cmd { return nil }

func (m bareModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch k.String() {
		case "q", "ctrl+c", "esc":
			return m, tea.Quit
		}
	}
	return m, nil
}

func (bareModel) View() tea.View {
	v := tea.NewView("What do you see? (bare Bubble Tea v2 program; q quits)")
	v.AltScreen = true
	return v
}

func main() {
	if _, err := tea.NewProgram(bareModel{}).Run(); err != nil {
		fmt.Fprintln(os.Stderr, "bareprogram:", err)
		os.Exit(1)
	}
}
