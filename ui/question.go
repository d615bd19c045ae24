package ui

import (
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// questionKey moves through the choices and answers with enter; "/" and
// digits filter the choices (filter.go).
func (m *Model) questionKey(msg tea.KeyPressMsg) tea.Cmd {
	if m.filter.typing {
		return m.filterKey(msg)
	}
	k := m.keysNow()
	switch {
	case key.Matches(msg, k.Up):
		m.moveCursor(-1)
		return nil
	case key.Matches(msg, k.Down):
		m.moveCursor(1)
		return nil
	case key.Matches(msg, k.First):
		m.moveCursor(-len(m.walker.Current().Choices))
		return nil
	case key.Matches(msg, k.Last):
		m.moveCursor(len(m.walker.Current().Choices))
		return nil
	case key.Matches(msg, k.Choose):
		return m.chooseCursor()
	case key.Matches(msg, k.Filter):
		return m.startFilter()
	case key.Matches(msg, k.ByCode):
		for _, d := range k.ByCode.Keys() {
			if key.Matches(msg, key.NewBinding(key.WithKeys(d))) {
				m.addCode(d)
			}
		}
		return nil
	case key.Matches(msg, k.CodeDel):
		m.filter.codes = m.filter.codes[:max(len(m.filter.codes)-1, 0)]
		m.clampCursor()
		m.layout()
		return nil
	case key.Matches(msg, k.ClearFilter):
		m.clearFilter()
		m.layout()
		return nil
	}
	return m.globalKey(msg)
}

// chooseCursor answers the question with the highlighted choice, when the
// filter shows it.
func (m *Model) chooseCursor() tea.Cmd {
	if !slices.Contains(m.visibleChoices(), m.cursor) {
		return nil
	}
	return m.chooseIndex(m.cursor)
}

// chooseIndex answers the question with choice i: the one way a question
// is answered, from the keys and from the line-by-line mode alike.
func (m *Model) chooseIndex(i int) tea.Cmd {
	m.chooseClient(m.walker.Current(), i) // client.go: the answer is --client
	if err := m.walker.Choose(i); err != nil {
		m.fail(err)
		return nil
	}
	m.cursor = 0
	m.clearFilter()
	return m.settle()
}

// uiHead is a step's prompt (bold) and help (dim), wrapped to width.
func (m Model) uiHead(prompt, helpText string, w int) (head, sub []string) {
	for _, ln := range uiWrap(prompt, w) {
		head = append(head, m.st.prompt.Render(ln))
	}
	for _, ln := range uiWrap(helpText, w) {
		sub = append(sub, m.st.help.Render(ln))
	}
	return head, sub
}

// questionView is the prompt, its help and the choices. When the list does
// not fit it scrolls to keep the highlighted choice in view; when room is
// short the help goes first, then the prompt is cut, never the list.
func (m Model) questionView(w, h int) string {
	n := m.walker.Current()
	head, sub := m.uiHead(n.Prompt, n.Help, w)
	if len(head) == 0 {
		head = []string{m.st.prompt.Render(n.Label())}
	}

	// The hint of the highlighted choice, in full, when its line cuts it.
	var detail []string
	if m.cursor < len(n.Choices) && slices.Contains(m.visibleChoices(), m.cursor) {
		c := n.Choices[m.cursor]
		c.Hint = m.choiceHint(n, c)
		if c.Hint != "" && m.hintCut(c.Label, c.Hint, w) {
			for _, ln := range uiWrap(uiOneLine(c.Hint), w-2) {
				detail = append(detail, "  "+m.st.hint.Render(ln))
			}
		}
	}

	want := min(len(n.Choices), 3) // the list keeps at least this many rows
	top := append(append([]string{}, head...), sub...)
	top = append(top, "")
	if fl := m.filterLine(w); fl != "" {
		// The filter replaces the help under the prompt: room is short.
		top = append(append(append([]string{}, head...), ""), fl, "")
	}
	if len(top)+want+len(detail) > h {
		detail = nil
	}
	if len(top)+want > h && m.filterLine(w) == "" {
		top = append(append([]string{}, head...), "")
	}
	if len(top)+want > h {
		top = head[:max(min(len(head), h-want), 0)]
	}
	listH := max(h-len(top)-len(detail), 1)
	if len(detail) > 0 {
		detail = append([]string{""}, detail...)
		listH = max(h-len(top)-len(detail), 1)
	}

	lines := append(top, m.choiceLines(w, listH)...)
	lines = append(lines, detail...)
	return strings.Join(lines, "\n")
}

// labelColumn is the width the labels are padded to, so that the hints
// line up in one column; 0 when the labels leave no room for that.
func (m Model) labelColumn(w int) int {
	labelW := 0
	for _, c := range m.walker.Current().Choices {
		labelW = max(labelW, ansi.StringWidth(uiOneLine(c.Label)))
	}
	if labelW+4+12 > w {
		return 0
	}
	return labelW
}

// hintCut says whether the list's line cuts the choice's hint (or leaves
// it out): measured as choiceLines lays the line out, its label padded to
// the hints' column.
func (m Model) hintCut(label, hint string, w int) bool {
	lw := ansi.StringWidth(uiOneLine(label))
	if col := m.labelColumn(w); col > 0 {
		lw = max(lw, col)
	}
	room := w - 2 - lw - 2
	return room <= 4 || ansi.StringWidth(uiOneLine(hint)) > room
}

// choiceLines is the visible window of the choice list, with a marker when
// choices are hidden above or below.
func (m Model) choiceLines(w, h int) []string {
	n := m.walker.Current()
	vis := m.visibleChoices()
	total := len(vis)
	if len(n.Choices) == 0 {
		return []string{m.st.hint.Render("(this question has no answers)")}
	}
	if total == 0 {
		return []string{m.st.hint.Render("  No choice matches. esc clears the filter.")}
	}
	at := max(slices.Index(vis, m.cursor), 0)
	start, end := 0, total
	markers := total > h && h > 2 // room for "more" markers
	if total > h {
		v := h
		if markers {
			v = h - 2
		}
		start = min(max(at-v/2, 0), total-v)
		end = start + v
		if markers {
			if start == 0 {
				end++ // no "↑ more" row: one more choice fits
			} else if end == total {
				start-- // no "↓ more" row
			}
		}
	}
	labelW := m.labelColumn(w)
	var out []string
	if markers && start > 0 {
		out = append(out, m.st.hint.Render("  ↑ "+strconv.Itoa(start)+" more"))
	}
	for _, i := range vis[start:min(end, total)] {
		c := n.Choices[i]
		c.Hint = m.choiceHint(n, c)
		label := uiOneLine(c.Label)
		if c.Hint != "" && labelW > 0 {
			label += strings.Repeat(" ", labelW-ansi.StringWidth(label))
		}
		var ln string
		if i == m.cursor {
			ln = m.st.selected.Render("› " + label)
		} else {
			ln = "  " + m.st.choice.Render(label)
		}
		if c.Hint != "" {
			room := w - ansi.StringWidth(ansi.Strip(ln)) - 2
			if room > 4 {
				ln += "  " + m.st.hint.Render(ansi.Truncate(uiOneLine(c.Hint), room, "…"))
			}
		}
		out = append(out, ln)
	}
	if markers && end < total {
		out = append(out, m.st.hint.Render("  ↓ "+strconv.Itoa(total-end)+" more"))
	}
	return out
}
