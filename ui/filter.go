package ui

import (
	"regexp"
	"strconv"
	"strings"
	"sync"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// The long first menu narrows two ways, as a list does: "/" then words
// keeps the choices whose label or hint holds every word, and digits typed
// at the menu keep the choices whose status code starts with them ("4" the
// 4xx lines, "429" that one line). The walk itself is untouched: a filter
// only hides choices, and enter answers with the choice's own index.

// filterState is the menu's filter: the words being typed (or kept), and
// the digits typed.
type filterState struct {
	typing bool            // "/" was pressed: the keys are the filter's text
	input  textinput.Model // the words
	codes  string          // digits typed at the menu
}

// mode is the state the current screen is in, for the keys.
func (m Model) mode() mode {
	switch m.screen {
	case scrQuestion:
		switch {
		case m.filter.typing:
			return modeFilterTyping
		case m.filter.codes != "":
			return modeCodes
		}
	case scrResult:
		if m.res != nil {
			switch {
			case m.res.search.typing:
				return modeSearchTyping
			case m.res.search.query != "":
				return modeFound
			}
		}
	}
	return modeNone
}

// typing reports whether a text field has the keys: letters are text.
func (m Model) typing() bool {
	md := m.mode()
	return m.screen == scrInput || m.screen == scrPaste || md == modeFilterTyping || md == modeSearchTyping
}

// statusCodes are the HTTP status codes a label starts with: "429 Too Many
// Requests" has 429, "502, 503 or 504" all three.
var statusCodes = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\d{3}(?:(?:, | or |/)\d{3})*\b`) })

var threeDigits = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\d{3}`) })

func uiLabelCodes(label string) []string {
	return threeDigits().FindAllString(statusCodes().FindString(label), -1)
}

// visibleChoices are the indexes of the choices the filter keeps, in order.
func (m Model) visibleChoices() []int {
	if m.walker == nil {
		return nil
	}
	n := m.walker.Current()
	words := strings.Fields(strings.ToLower(m.filter.input.Value()))
	var out []int
	for i, c := range n.Choices {
		if m.filter.codes != "" {
			ok := false
			for _, code := range uiLabelCodes(c.Label) {
				ok = ok || strings.HasPrefix(code, m.filter.codes)
			}
			if !ok {
				continue
			}
		}
		text := strings.ToLower(c.Label + " " + c.Hint + " " + c.Value)
		keep := true
		for _, w := range words {
			keep = keep && strings.Contains(text, w)
		}
		if keep {
			out = append(out, i)
		}
	}
	return m.clientOrder(n, out) // client.go: what is configured here first
}

// filtered reports whether a filter hides any choice.
func (m Model) filtered() bool {
	return m.filter.codes != "" || strings.TrimSpace(m.filter.input.Value()) != ""
}

// clampCursor keeps the highlight on a choice the filter shows.
func (m *Model) clampCursor() {
	vis := m.visibleChoices()
	if len(vis) == 0 {
		return
	}
	for _, i := range vis {
		if i == m.cursor {
			return
		}
	}
	m.cursor = vis[0]
}

// moveCursor moves the highlight by delta visible choices (clamped).
func (m *Model) moveCursor(delta int) {
	vis := m.visibleChoices()
	if len(vis) == 0 {
		return
	}
	at := 0
	for j, i := range vis {
		if i == m.cursor {
			at = j
		}
	}
	at = min(max(at+delta, 0), len(vis)-1)
	m.cursor = vis[at]
}

// clearFilter drops the words and the digits.
func (m *Model) clearFilter() {
	m.filter.typing = false
	m.filter.codes = ""
	m.filter.input.SetValue("")
	m.filter.input.Blur()
}

// startFilter gives the keys to the words field.
func (m *Model) startFilter() tea.Cmd {
	m.filter.codes = ""
	ti := textinput.New()
	ti.SetStyles(m.st.input)
	ti.Prompt = "/"
	ti.Placeholder = "type to filter"
	ti.CharLimit = 80
	ti.SetWidth(max(m.width-24, 8))
	ti.SetValue(m.filter.input.Value())
	ti.CursorEnd()
	m.filter.input = ti
	m.filter.typing = true
	m.layout()
	return m.filter.input.Focus()
}

// filterKey handles a key while the words are typed: arrows move, enter
// chooses, esc drops the filter, anything else is text.
func (m *Model) filterKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keysNow()
	switch {
	case key.Matches(msg, k.ListUp):
		m.moveCursor(-1)
		return nil
	case key.Matches(msg, k.ListDown):
		m.moveCursor(1)
		return nil
	case key.Matches(msg, k.Choose):
		return m.chooseCursor()
	case key.Matches(msg, k.ClearFilter):
		m.clearFilter()
		m.layout()
		return nil
	}
	return m.updateText(msg)
}

// addCode narrows the menu by one more digit of a status code; after
// three digits (a whole code) the next digit starts another code.
func (m *Model) addCode(digit string) {
	if len(m.filter.codes) >= 3 {
		m.filter.codes = ""
	}
	m.filter.codes += digit
	m.clampCursor()
	m.layout()
}

// filterLine is the line under the question that says what the filter
// keeps, or how to filter.
func (m Model) filterLine(w int) string {
	n := m.walker.Current()
	shown := len(m.visibleChoices())
	count := m.st.hint.Render(uiCount(shown, len(n.Choices)))
	switch {
	case m.filter.typing:
		// The field pads itself to its width; the count goes right after the text.
		return strings.TrimRight(m.filter.input.View(), " ") + "  " + count
	case m.filter.codes != "":
		return m.st.prompt.Render("Status code: "+m.filter.codes) + "  " + count
	}
	return ""
}

// uiCount is "5 of 18 shown", or "no match".
func uiCount(shown, total int) string {
	if shown == 0 {
		return "no match"
	}
	return strconv.Itoa(shown) + " of " + strconv.Itoa(total) + " shown"
}

// updateText passes a message to whichever text field has the keys: the
// menu's filter, the page's search, or the step's input (input.go).
func (m *Model) updateText(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch {
	case m.screen == scrQuestion && m.filter.typing:
		m.filter.input, cmd = m.filter.input.Update(msg)
		m.clampCursor()
	case m.screen == scrResult && m.res != nil && m.res.search.typing:
		m.res.search.input, cmd = m.res.search.input.Update(msg)
	default:
		cmd = m.updateField(msg)
	}
	return cmd
}
