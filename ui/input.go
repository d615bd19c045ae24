package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/decisiontree"
)

// Input names the tree uses (Node.Input).
const (
	inBaseURL = "base_url"
	inModel   = "model"
	inPasted  = "pasted"
	inMCPURL  = "mcp_url"
)

// Limits that keep a runaway paste from eating memory; a whole traceback
// fits comfortably.
const (
	maxLineInput  = 4096
	maxPasteChars = 256 << 10
	maxPasteLines = 5000
)

// enterInput shows a text field pre-filled with what the user's setup
// already says, so that someone who exported their settings only presses
// enter.
func (m *Model) enterInput(n *decisiontree.Node) tea.Cmd {
	m.inputErr = ""
	val := m.prefill(n)
	if n.Input == inPasted {
		m.screen = scrPaste
		ta := textarea.New()
		ta.SetStyles(m.st.textarea)
		ta.ShowLineNumbers = false
		ta.Placeholder = n.Placeholder
		ta.CharLimit = maxPasteChars
		ta.MaxHeight = 0
		ta.MaxContentHeight = maxPasteLines
		ta.SetValue(val)
		m.area = ta
		m.layout()
		return m.area.Focus()
	}
	m.screen = scrInput
	ti := textinput.New()
	ti.SetStyles(m.st.input)
	ti.Prompt = "› "
	ti.Placeholder = n.Placeholder
	ti.CharLimit = maxLineInput
	ti.SetValue(val)
	ti.CursorEnd()
	m.input = ti
	m.layout()
	return m.input.Focus()
}

// prefill is the answer given last time, else what the setup resolved.
func (m Model) prefill(n *decisiontree.Node) string {
	if v, ok := m.walker.Facts()["input."+n.Input]; ok && v != "" {
		return v
	}
	s := m.o.Runner.Setup()
	switch n.Input {
	case inBaseURL:
		return s.BaseURL
	case inModel:
		return s.Model
	case inPasted:
		return s.Config.Pasted
	case inMCPURL:
		return s.Config.MCPURL
	}
	return ""
}

// prefillSource says where the pre-filled value came from.
func (m Model) prefillSource(n *decisiontree.Node) string {
	s := m.o.Runner.Setup()
	switch n.Input {
	case inBaseURL:
		return s.BaseURLSource
	case inModel:
		return s.ModelSource
	}
	return ""
}

// inputKey: in a text field letters are text. Only esc (back) and the
// submit keys mean something else; ctrl+c was handled before.
func (m *Model) inputKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keysNow() // only one of Submit (a line) and SubmitText (a paste) is on
	switch {
	case key.Matches(msg, k.BackText):
		return m.back()
	case key.Matches(msg, k.SubmitText):
		return m.submitInput(m.area.Value())
	case key.Matches(msg, k.Submit):
		return m.submitInput(m.input.Value())
	}
	m.inputErr = ""
	return m.updateField(msg)
}

// updateField passes a message to the text field being edited.
func (m *Model) updateField(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch m.screen {
	case scrInput:
		m.input, cmd = m.input.Update(msg)
	case scrPaste:
		m.area, cmd = m.area.Update(msg)
	}
	return cmd
}

// submitInput answers the input node. A value that changes the setup
// reconfigures the runner (which forgets results that depended on it); an
// unchanged pre-filled value does not, so earlier checks stay valid.
func (m *Model) submitInput(raw string) tea.Cmd {
	n := m.walker.Current()
	v := strings.TrimSpace(raw)
	if n.Input == inPasted {
		v = strings.Trim(raw, "\r\n")
		if strings.TrimSpace(v) == "" {
			v = ""
		}
	}
	if v == "" && !n.Optional {
		m.inputErr = "This step needs a value (esc goes back)."
		return nil
	}
	if v != "" {
		m.reconfigure(n.Input, v)
	}
	if err := m.walker.Submit(v); err != nil {
		m.fail(err)
		return nil
	}
	m.input.Blur()
	m.area.Blur()
	return m.settle()
}

func (m *Model) reconfigure(name, v string) {
	s := m.o.Runner.Setup()
	var change func(*checks.Config)
	switch name {
	case inBaseURL:
		if v != s.BaseURL {
			change = func(c *checks.Config) { c.BaseURL = v }
		}
	case inModel:
		if v != s.Model {
			change = func(c *checks.Config) { c.Model = v }
		}
	case inPasted:
		if v != s.Config.Pasted {
			change = func(c *checks.Config) { c.Pasted = v }
		}
	case inMCPURL:
		if v != s.Config.MCPURL {
			change = func(c *checks.Config) { c.MCPURL = v }
		}
	}
	if change != nil {
		m.o.Runner.Reconfigure(change)
	}
}

// inputView is the prompt, its help, the field and a line on how to go on.
func (m Model) inputView(w, h int) string {
	n := m.walker.Current()
	head, sub := m.uiHead(n.Prompt, n.Help, w)
	if len(head) == 0 {
		head = []string{m.st.prompt.Render(n.Label())}
	}
	lines := append(head, sub...)
	lines = append(lines, "")

	var note string
	if m.screen == scrPaste {
		note = "enter adds a new line · ctrl+d or ctrl+s submits"
		if n.Optional {
			note += " · submit it empty to skip"
		}
		lines = append(lines, m.st.hint.Render(note), "")
		lines = append(lines, m.fieldView(w, max(h-len(lines)-1, 1)))
	} else {
		lines = append(lines, m.fieldView(w, 1), "")
		switch src := m.prefillSource(n); {
		case m.input.Value() != "" && src != "" && m.input.Value() == m.prefill(n):
			note = "From " + src + ": press enter to keep it, or edit it."
		case n.Optional:
			note = "enter to continue · leave it empty to skip"
		default:
			note = "enter to continue"
		}
		for _, ln := range uiWrap(note, w) {
			lines = append(lines, m.st.hint.Render(ln))
		}
	}
	if m.inputErr != "" {
		lines = append(lines, m.st.errText.Render(m.inputErr))
	}
	return strings.Join(lines, "\n")
}

// fieldView draws the text field. When the text holds the key or anything
// key-like (someone pasted an error with their key in it), it is drawn
// masked and without a cursor: a field that scrolls or wraps could show a
// piece of the key that the frame's redaction cannot recognise.
func (m Model) fieldView(w, h int) string {
	value := m.input.Value()
	if m.screen == scrPaste {
		value = m.area.Value()
	}
	masked := m.redact(value)
	if masked == value {
		if m.screen == scrPaste {
			return m.area.View()
		}
		return m.input.View()
	}
	if m.screen != scrPaste {
		return "› " + uiOneLine(masked) + m.st.hint.Render("  (key masked on screen)")
	}
	var out []string
	for _, ln := range strings.Split(masked, "\n") {
		for _, wl := range uiWrap(ln, max(w-2, 1)) {
			out = append(out, "┃ "+wl)
		}
		if ln == "" {
			out = append(out, "┃ ")
		}
	}
	note := m.st.hint.Render("(a key in this text is masked on screen; it is kept as you pasted it)")
	if len(out) >= h {
		out = out[len(out)-max(h-1, 1):] // keep the end in view, where typing happens
	}
	return strings.Join(append(out, note), "\n")
}

// pasteHeight is the textarea's height: what the screen leaves, within bounds.
func (m Model) pasteHeight() int {
	return min(max(m.bodyHeight()-6, 3), 15)
}
