package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// The result page is a pager: a line under it says where you are, and "/"
// searches it as less does: enter jumps to the first match at or below the
// top of the view, n and N to the next and previous one, esc clears.

// searchState is the page's search.
type searchState struct {
	typing  bool            // "/" was pressed: the keys are the query's text
	input   textinput.Model // the query being typed
	query   string          // the search in force ("" = none)
	matches []pageMatch
	cur     int // the match jumped to
}

// pageMatch is one match: a line of the page and its cells [start, end).
type pageMatch struct{ line, start, end int }

// uiFindAll finds query in every line of the page, ignoring case, in cells
// of the text as shown (styles stripped).
func uiFindAll(lines []string, query string) []pageMatch {
	q := strings.ToLower(query)
	if strings.TrimSpace(q) == "" {
		return nil
	}
	var out []pageMatch
	for i, ln := range lines {
		plain := ansi.Strip(ln)
		low := strings.ToLower(plain)
		if len(low) != len(plain) {
			low = plain // a case change that changes lengths: search as is
		}
		for from := 0; from < len(low); {
			j := strings.Index(low[from:], q)
			if j < 0 {
				break
			}
			at := from + j
			start := ansi.StringWidth(plain[:at])
			out = append(out, pageMatch{line: i, start: start, end: start + ansi.StringWidth(plain[at:at+len(q)])})
			from = at + len(q)
		}
	}
	return out
}

// startSearch gives the keys to the query field.
func (m *Model) startSearch() tea.Cmd {
	s := &m.res.search
	ti := textinput.New()
	ti.SetStyles(m.st.input)
	ti.Prompt = "/"
	ti.Placeholder = "search the page"
	ti.CharLimit = 200
	ti.SetWidth(max(m.width-24, 8))
	m.res.search.input = ti
	s.typing = true
	return s.input.Focus()
}

// searchKey handles a key while the query is typed.
func (m *Model) searchKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keysNow()
	s := &m.res.search
	switch {
	case key.Matches(msg, k.SearchGo):
		s.typing = false
		s.input.Blur()
		s.query = strings.TrimSpace(s.input.Value())
		m.findMatches(true)
		return nil
	case key.Matches(msg, k.ClearFilter):
		m.clearSearch()
		return nil
	}
	return m.updateText(msg)
}

// findMatches searches the page for the query in force; jump moves the
// view to the first match at or below its top.
func (m *Model) findMatches(jump bool) {
	r := m.res
	s := &r.search
	s.matches = nil
	if s.query == "" {
		return
	}
	s.matches = uiFindAll(strings.Split(r.vp.GetContent(), "\n"), s.query)
	if len(s.matches) == 0 {
		m.status = fmt.Sprintf("%q is not on this page.", s.query)
		return
	}
	if jump {
		s.cur = 0
		for i, mt := range s.matches {
			if mt.line >= r.vp.YOffset() {
				s.cur = i
				break
			}
		}
	}
	s.cur = min(s.cur, len(s.matches)-1)
	m.showMatch()
}

// nextMatch moves to the match delta away, wrapping round.
func (m *Model) nextMatch(delta int) {
	s := &m.res.search
	if len(s.matches) == 0 {
		m.status = fmt.Sprintf("%q is not on this page.", s.query)
		return
	}
	s.cur = ((s.cur+delta)%len(s.matches) + len(s.matches)) % len(s.matches)
	m.showMatch()
}

// showMatch scrolls the current match into view, a third down the page
// when it has to move, so the lines before it give context.
func (m *Model) showMatch() {
	r := m.res
	mt := r.search.matches[r.search.cur]
	vp := &r.vp
	if mt.line < vp.YOffset() || mt.line >= vp.YOffset()+vp.Height() {
		vp.SetYOffset(mt.line - vp.Height()/3)
	}
	// A match in a long command may be past the right edge: bring it in,
	// a third of the way across, or all the way left when it fits there.
	// (The edges' arrows take a cell each.)
	if x, w := vp.XOffset(), vp.Width(); mt.start < x+1 || mt.end > x+w-1 {
		if mt.end <= w-1 {
			vp.SetXOffset(0)
		} else {
			vp.SetXOffset(mt.start - w/3)
		}
	}
}

func (m *Model) clearSearch() {
	s := &m.res.search
	s.typing = false
	s.input.Blur()
	s.query, s.matches, s.cur = "", nil, 0
}

// markMatches draws the matches on the visible lines of the page: every
// one underlined, the current one reversed.
func (m Model) markMatches(view string) string {
	r := m.res
	s := r.search
	if len(s.matches) == 0 {
		return view
	}
	lines := strings.Split(view, "\n")
	top, x, w := r.vp.YOffset(), r.vp.XOffset(), r.vp.Width()
	for i := range lines {
		var ranges []lipgloss.Range
		for j, mt := range s.matches {
			if mt.line != top+i {
				continue
			}
			st := m.st.match
			if j == s.cur {
				st = m.st.matchNow
			}
			// The view starts x cells into the page.
			start, end := max(mt.start-x, 0), min(mt.end-x, w)
			if start >= end {
				continue
			}
			ranges = append(ranges, lipgloss.NewRange(start, end, st))
		}
		if len(ranges) > 0 {
			lines[i] = lipgloss.StyleRanges(lines[i], ranges...)
		}
	}
	return strings.Join(lines, "\n")
}

// pagerLine is the line under the page: the query being typed, or where
// the view is ("lines 10–30 of 80, 42%") and which match it shows.
func (m Model) pagerLine(w int) string {
	r := m.res
	if r == nil || !r.rendered {
		return ""
	}
	s := r.search
	if s.typing {
		return strings.TrimRight(s.input.View(), " ")
	}
	vp := &r.vp
	total := vp.TotalLineCount()
	first := min(vp.YOffset()+1, total)
	last := min(vp.YOffset()+vp.Height(), total)
	pos := fmt.Sprintf("lines %d–%d of %d", first, last, total)
	switch {
	case total <= vp.Height():
		pos = fmt.Sprintf("all %d lines", total)
	case vp.AtBottom():
		pos += " (end)"
	default:
		pos += fmt.Sprintf(" (%d%%)", int(vp.ScrollPercent()*100))
	}
	if r.wide() {
		// The page is wider than the view: say which columns show, and
		// which way there is more.
		x, w := vp.XOffset(), vp.Width()
		more := ""
		if x > 0 {
			more += "←"
		}
		if x+w < r.longest {
			more += "→"
		}
		pos += fmt.Sprintf(" · cols %d–%d of %d %s", x+1, min(x+w, r.longest), r.longest, more)
	}
	if s.query != "" && len(s.matches) > 0 {
		pos = fmt.Sprintf("%q: match %d of %d · ", s.query, s.cur+1, len(s.matches)) + pos
	}
	if ansi.StringWidth(pos) > w {
		pos = ansi.Truncate(pos, w, "…")
	}
	return m.st.hint.Render(pos)
}
