package ui

import (
	"strings"
	"sync"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/decisiontree"
)

// resize records the terminal's size and lays the screen out again.
func (m *Model) resize(w, h int) tea.Cmd {
	m.width, m.height = max(w, 1), max(h, 1)
	m.help.SetWidth(m.width)
	m.layout()
	if m.screen == scrResult && m.res != nil && m.res.askedWidth != m.width {
		return m.renderPage()
	}
	return nil
}

// rerender renders the page again after a change of style.
func (m *Model) rerender() tea.Cmd {
	if m.screen == scrResult && m.res != nil {
		return m.renderPage()
	}
	return nil
}

// layout sizes the components of the current screen to the window.
func (m *Model) layout() {
	w := m.width
	m.input.SetWidth(max(w-6, 1))
	m.area.SetWidth(max(w-2, 2))
	m.area.SetHeight(m.pasteHeight())
	if m.res != nil {
		m.res.vp.SetWidth(w)
		// The line under the page says where it is (search.go).
		m.res.vp.SetHeight(max(m.bodyHeight()-m.resultHeaderHeight()-1, 1))
	}
}

// chrome is the top line (brand and breadcrumb) and a blank line under it.
const chrome = 2

// footer is the status line (when there is news, wrapped: it may name a
// long path) and the help.
func (m Model) footer() string {
	k := m.keysNow()
	var hv string
	if m.help.ShowAll {
		hv = m.redact(m.help.View(k))
	} else {
		whole := m.help // measured uncut: the help cuts its line to its width
		whole.SetWidth(0)
		fits := func(bs []key.Binding) bool { return lipgloss.Width(whole.ShortHelpView(bs)) <= m.width }
		hv = m.redact(m.help.ShortHelpView(uiFitShortHelp(k.ShortHelp(), fits, k.Help)))
	}
	if m.status == "" {
		return hv
	}
	st := m.st.status
	if strings.HasPrefix(m.status, "Could not") {
		st = m.st.errText
	}
	lines := uiWrap(m.statusText(), m.width)
	if len(lines) > 3 {
		lines = lines[:3]
	}
	for i, ln := range lines {
		lines[i] = st.Render(ln)
	}
	return strings.Join(lines, "\n") + "\n" + hv
}

// statusText is the status line, redacted, with the path of a report it
// names shown whole: a path is not a secret, and a masked one cannot be
// found (the finish shows it the same way). Everything else in it (a
// search query the user typed, an error's text) is redacted.
func (m Model) statusText() string {
	s := m.status
	for _, p := range m.saved {
		if i := strings.Index(s, p); p != "" && i >= 0 {
			return m.redact(s[:i]) + checks.StripControls(p) + m.redact(s[i+len(p):])
		}
	}
	return m.redact(s)
}

// bodyHeight is how many lines the current screen's body may use.
func (m Model) bodyHeight() int {
	foot := m.frameFoot
	if !m.frameFootOK {
		foot = m.footer()
	}
	return max(m.height-chrome-lipgloss.Height(foot), 1)
}

// View draws the screen. The finished frame passes through the redactor
// (the footer through statusText, which keeps a saved report's path
// whole), so no frame can show the key whatever a screen put in it.
func (m Model) View() tea.View {
	var v tea.View
	v.AltScreen = true
	v.WindowTitle = "unstuck"
	w := m.width
	// The footer once per frame: the body's layout asks for its height
	// (bodyHeight) two or three times, and the help line is most of what a
	// frame costs. m is View's own copy, so this lasts for this frame only.
	m.frameFoot, m.frameFootOK = m.footer(), true
	top := m.st.brand.Render("unstuck")
	crumbs := uiBreadcrumb(m.crumbs(), w-len("unstuck  "), m.st)
	if crumbs != "" {
		top += "  " + crumbs
	}
	body := uiFit(m.body(), w, m.bodyHeight())
	// The footer's status line is redacted by statusText, around the
	// report's path: the frame's redaction would mask a path that merely
	// looks like a key ("…/task-management-service/…").
	frame := m.redactFrame(top+"\n\n"+body) + "\n" + m.frameFoot
	v.SetContent(uiClip(frame, w, m.height))
	return v
}

// redactFrame is redact with a memory of the last frame: Bubble Tea asks for
// a view after every message, and most messages change nothing on screen.
func (m Model) redactFrame(s string) string {
	c := m.frameCache
	if c == nil {
		return m.redact(s)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ok && c.in == s {
		return c.out
	}
	c.in, c.out, c.ok = s, m.redact(s), true
	return c.out
}

// frameCache is the last frame before and after redaction.
type frameCache struct {
	mu      sync.Mutex
	in, out string
	ok      bool
}

// redact masks the key and anything key-like, and drops every control
// character but the frame's own ESC sequences: no C1 control (U+009B is a
// one-byte CSI) ever reaches the terminal.
func (m Model) redact(s string) string {
	if m.o.Runner == nil {
		return checks.StripControlsKeepEscapes((*checks.Redactor)(nil).Redact(s))
	}
	s = m.o.Runner.Setup().Redactor.Redact(s)
	if m.all != nil { // every setup's keys, on the all-setups screens and their pages
		for _, st := range m.all.setups {
			s = st.Runner.Setup().Redactor.Redact(s)
		}
	}
	return checks.StripControlsKeepEscapes(s)
}

func (m Model) crumbs() []string {
	if m.walker == nil {
		return nil
	}
	cur := m.walker.Current()
	label := cur.Label()
	if cur.Kind == decisiontree.Cause {
		if c, ok := m.o.CauseInfo(cur.Cause); ok && c.Title != "" {
			label = c.Title
		}
		// The page's own title: an unconfirmed verdict's title says what
		// was not tried, and the breadcrumb must not claim more.
		if m.screen == scrResult && m.res != nil && m.res.verdict.Cause.ID == cur.Cause {
			if t := m.res.verdict.Title(); t != "" {
				label = t
			}
		}
	}
	return uiCrumbParts(m.walker.Path(), label)
}

func (m Model) body() string {
	w, h := m.width, m.bodyHeight()
	switch m.screen {
	case scrQuestion:
		return m.questionView(w, h)
	case scrInput, scrPaste:
		return m.inputView(w, h)
	case scrChecks:
		return m.checksView(w, h)
	case scrConsent:
		return m.consentView(w, h)
	case scrResult:
		return m.resultView(w)
	case scrAll:
		return m.allView(w, h)
	case scrAllConsent:
		return m.allConsentView(w, m.bodyHeight())
	default:
		msg := "Something is wrong with the wizard's steps."
		if m.err != nil {
			msg = m.err.Error()
		}
		return strings.Join(append(uiWrap(m.st.errText.Render("The wizard cannot go on."), w),
			append([]string{""}, uiWrap(msg, w)...)...), "\n")
	}
}
