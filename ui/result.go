package ui

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/content"
	"github.com/unstuck-dev/unstuck/decisiontree"
	"github.com/unstuck-dev/unstuck/report"
	"github.com/unstuck-dev/unstuck/verdict"
)

// resultState is the cause reached and its page.
type resultState struct {
	verdict    verdict.Verdict // the cause, its evidence and the checks that ran
	vp         viewport.Model
	rendered   bool // the viewport holds a page (maybe at an older width)
	askedWidth int  // the width of the latest render asked for
	renderErr  error
	search     searchState
	lines      []string         // the page's lines, as the viewport holds them
	widths     []int            // their widths in cells
	longest    int              // the widest: more than the view's width, and the page scrolls sideways
	redactor   *checks.Redactor // the page's setup's, when not the Runner's (a setup of "check everything")
}

// pageRenderedMsg carries a rendered page back from its command.
type pageRenderedMsg struct {
	seq   int64
	width int
	page  string
	err   error
}

// reportSavedMsg says where the support report went.
type reportSavedMsg struct {
	path string
	err  error
}

// enterResult shows the cause: its title and layer at once, its page as
// soon as the renderer is done (rendering is slow the first time, so it
// happens in a command, never in View or Init).
func (m *Model) enterResult(n *decisiontree.Node) tea.Cmd {
	m.stopChecks()
	c, ok := m.o.CauseInfo(n.Cause)
	if !ok {
		c = content.Cause{ID: n.Cause, Title: n.Label()}
	}
	if c.ID == "" {
		c.ID = n.Cause
	}
	vp := viewport.New()
	vp.SoftWrap = false
	m.res = &resultState{
		verdict: verdict.From(m.o.Runner, c, m.ranResults()).Walked(m.o.Runner, m.walker),
		vp:      vp,
	}
	m.screen = scrResult
	m.layout()
	return m.renderPage()
}

// ranResults are the results of the checks on the path taken, in order,
// each once.
func (m Model) ranResults() []checks.Result {
	var out []checks.Result
	seen := map[string]bool{}
	for _, s := range m.walker.Path() {
		if s.Node.Kind != decisiontree.Check {
			continue
		}
		for _, id := range s.Node.Checks {
			if seen[id] {
				continue
			}
			seen[id] = true
			if res, ok := m.o.Runner.Result(id); ok {
				out = append(out, res)
			}
		}
	}
	return out
}

// renderPage asks for the page at the current width and style. Only the
// latest request counts: in a storm of resizes the older commands find
// they are stale and return without rendering.
func (m *Model) renderPage() tea.Cmd {
	r := m.res
	if r == nil {
		return nil
	}
	seq := m.renderSeq.Add(1)
	latest := m.renderSeq
	width, style := m.width, m.st.markdown
	r.askedWidth = width
	guidance, v := m.o.Guidance, r.verdict
	redactor := m.o.Runner.Setup().Redactor
	if r.redactor != nil {
		redactor = r.redactor
	}
	return func() tea.Msg {
		if latest.Load() != seq {
			return nil
		}
		md, err := guidance(v.Cause.ID, v.Page())
		if err != nil {
			return pageRenderedMsg{seq: seq, width: width, err: err}
		}
		md = uiDropTitle(v.Frame(md))
		// Redact before rendering: the renderer styles words in pieces,
		// which the frame's redaction could no longer recognise. Control
		// characters go too: once styled, an ESC is the renderer's.
		out, err := report.Markdown(redactor.Clean(md), width, style)
		return pageRenderedMsg{seq: seq, width: width, page: out, err: err}
	}
}

func (m *Model) pageRendered(msg pageRenderedMsg) {
	if m.res == nil || msg.seq != m.renderSeq.Load() {
		return
	}
	r := m.res
	r.rendered, r.renderErr = true, msg.err
	if msg.err != nil {
		r.setPage(m.st.errText.Render("Could not show the guidance page: ") + m.redact(msg.err.Error()))
		return
	}
	r.setPage(m.redact(uiTrimPadding(strings.TrimRight(msg.page, "\n"))))
	if r.search.query != "" {
		m.findMatches(false) // the page reflowed: the matches moved
	}
}

// setPage puts the page (redacted already) in the viewport and measures
// its lines: the renderer keeps code lines whole, so a command may be wider
// than the view, and then the page scrolls sideways.
func (r *resultState) setPage(page string) {
	r.vp.SetContent(page)
	r.lines = strings.Split(r.vp.GetContent(), "\n")
	r.widths = make([]int, len(r.lines))
	r.longest = 0
	for i, ln := range r.lines {
		r.widths[i] = ansi.StringWidth(ln)
		r.longest = max(r.longest, r.widths[i])
	}
	r.vp.SetXOffset(r.vp.XOffset()) // a narrower page than before: no scrolling past its end
}

// wide says whether some line of the page is cut at the view's edge.
func (r *resultState) wide() bool { return r.longest > r.vp.Width() }

// pageView is the visible part of the page. The viewport draws it while
// the view is at the left edge; scrolled sideways, the lines are cut here,
// because the viewport's cut keeps a wide rune (漢, an emoji) that straddles
// the view's left edge whole, and the line one cell too wide then wraps
// onto the next. Either way a line cut at an edge shows a dim arrow there
// ("→" more to the right, "←" more to the left).
func (m Model) pageView() string {
	r := m.res
	vp := &r.vp
	x, w, h := vp.XOffset(), vp.Width(), vp.Height()
	if !r.wide() || w < 4 {
		return vp.View()
	}
	top := vp.YOffset()
	out := make([]string, 0, h)
	for i := top; i < top+h && i < len(r.lines); i++ {
		ln, lw := r.lines[i], r.widths[i]
		left := x > 0 && strings.TrimSpace(ansi.Strip(ansi.Cut(ln, 0, x))) != ""
		right := lw > x+w
		from, to := x, x+w
		if left {
			from++
		}
		if right {
			to--
		}
		cut := uiCutCells(ln, from, to)
		if left {
			cut = m.st.hint.Render("←") + cut
		}
		if right {
			cut += strings.Repeat(" ", max(to-from-ansi.StringWidth(cut)+btoi(left), 0)) + m.st.hint.Render("→")
		}
		out = append(out, cut)
	}
	for len(out) < h {
		out = append(out, "")
	}
	return strings.Join(out, "\n")
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// uiCutCells is the cells [from, to) of a styled line, never wider: a wide
// rune that straddles an edge gives way to spaces.
func uiCutCells(ln string, from, to int) string {
	if to <= from {
		return ""
	}
	cut := ansi.Cut(ln, from, to)
	for k := 1; ansi.StringWidth(cut) > to-from && k <= 4; k++ {
		cut = strings.Repeat(" ", k) + ansi.Cut(ln, from+k, to)
	}
	return cut
}

// trailingPad is the padding glamour puts after each line's text: spaces,
// each maybe styled.
var trailingPad = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?:\x1b\[[0-9;:]*m| )+$`) })

// uiTrimPadding drops that padding (ending the line with a style reset), so
// frames are a third the size and cost less to draw and redact.
func uiTrimPadding(page string) string {
	lines := strings.Split(page, "\n")
	for len(lines) > 1 && strings.TrimSpace(ansi.Strip(lines[0])) == "" {
		lines = lines[1:] // the renderer's top margin: the header is enough
	}
	for i, ln := range lines {
		if loc := trailingPad().FindStringIndex(ln); loc != nil {
			cut := ln[:loc[0]]
			if strings.Contains(ln[loc[0]:], "\x1b") {
				cut += "\x1b[m"
			}
			lines[i] = cut
		}
	}
	return strings.Join(lines, "\n")
}

// resultKey scrolls the page (the viewport is driven by our bindings, not
// its own map, so that only keys in the help move it), saves the report, or
// goes back.
func (m *Model) resultKey(msg tea.KeyPressMsg) tea.Cmd {
	if m.res.search.typing {
		return m.searchKey(msg)
	}
	k, vp := m.keysNow(), &m.res.vp
	switch {
	case key.Matches(msg, k.Search):
		return m.startSearch()
	case key.Matches(msg, k.NextMatch):
		m.nextMatch(1)
	case key.Matches(msg, k.PrevMatch):
		m.nextMatch(-1)
	case key.Matches(msg, k.ClearFilter):
		m.clearSearch()
	case key.Matches(msg, k.Save):
		return m.saveReport()
	case key.Matches(msg, k.ScrollUp):
		vp.ScrollUp(1)
	case key.Matches(msg, k.ScrollDown):
		vp.ScrollDown(1)
	case key.Matches(msg, k.ScrollLeft):
		vp.ScrollLeft(vp.Width() / 2)
	case key.Matches(msg, k.ScrollRight):
		vp.ScrollRight(vp.Width() / 2)
	case key.Matches(msg, k.HalfPageUp):
		vp.HalfPageUp()
	case key.Matches(msg, k.HalfPageDown):
		vp.HalfPageDown()
	case key.Matches(msg, k.PageUp):
		vp.PageUp()
	case key.Matches(msg, k.PageDown):
		vp.PageDown()
	case key.Matches(msg, k.Top):
		vp.GotoTop()
	case key.Matches(msg, k.Bottom):
		vp.GotoBottom()
	default:
		return m.globalKey(msg)
	}
	return nil
}

// resultHeaderHeight is the lines above the page: title and layer, the
// marks of the checks that ran, a blank line.
func (m Model) resultHeaderHeight() int {
	return strings.Count(m.resultHeader(m.width), "\n") + 1
}

func (m Model) resultHeader(w int) string {
	r := m.res
	if r == nil {
		return ""
	}
	title := m.st.header.Render(uiOneLine(r.verdict.Title()))
	if r.verdict.Cause.Layer != "" {
		title += "  " + m.st.layer.Render("layer: "+r.verdict.Cause.Layer)
	}
	// On a short screen the page needs every line: one line of title,
	// no marks (the report has them).
	short := m.height-chrome < 12
	lines := uiWrap(title, w)
	switch {
	case short:
		lines = []string{ansi.Truncate(title, w, "…")}
	case len(lines) > 2:
		lines = lines[:2]
	}
	if len(r.verdict.Results) > 0 && !short {
		lines = append(lines, m.checkMarks(r.verdict.Results, w)...)
	}
	return strings.Join(append(lines, ""), "\n")
}

func (m Model) resultView(w int) string {
	r := m.res
	if r == nil {
		return ""
	}
	page := m.markMatches(m.pageView())
	if !r.rendered {
		page = m.st.hint.Render("Rendering the guidance page…")
		return m.resultHeader(w) + "\n" + page
	}
	return m.resultHeader(w) + "\n" + page + "\n" + m.pagerLine(w)
}

// saveReport writes the support report to a file and copies it to the
// clipboard (OSC 52, which some terminals block, hence the file too).
func (m *Model) saveReport() tea.Cmd {
	r := m.res
	if r == nil {
		return nil
	}
	now := time.Now()
	text := r.verdict.Report(m.o.Version, now)
	dir := m.o.ReportDir
	return tea.Batch(tea.SetClipboard(text), func() tea.Msg {
		path, err := uiWriteReport(dir, now, text)
		return reportSavedMsg{path: path, err: err}
	})
}

// uiWriteReport writes the report under a new name (never over another
// file), readable by the user only: it names their endpoint and setup.
func uiWriteReport(dir string, now time.Time, text string) (string, error) {
	if dir == "" {
		dir = "."
	}
	base := "unstuck-report-" + now.Format("20060102-150405")
	for i := 1; i <= 100; i++ {
		name := base + ".md"
		if i > 1 {
			name = fmt.Sprintf("%s-%d.md", base, i)
		}
		path := filepath.Join(dir, name)
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		if _, err := f.WriteString(text); err != nil {
			f.Close()
			return "", err
		}
		if err := f.Close(); err != nil {
			return "", err
		}
		if abs, err := filepath.Abs(path); err == nil {
			path = abs
		}
		return path, nil
	}
	return "", errors.New("too many reports with the same time stamp")
}

func (m *Model) reportSaved(msg reportSavedMsg) {
	if msg.err != nil {
		m.status = "Could not save the report: " + msg.err.Error() + " (it was copied to the clipboard)"
		return
	}
	m.saved = append(m.saved, msg.path)
	m.status = "Report saved to " + msg.path + " and copied to the clipboard."
}

// uiDropTitle removes the page's own H1: the result header above the page
// already names the cause, and saying it twice costs two rows at 80x24.
func uiDropTitle(md string) string {
	trimmed := strings.TrimLeft(md, "\n")
	if strings.HasPrefix(trimmed, "# ") {
		if _, rest, ok := strings.Cut(trimmed, "\n"); ok {
			return rest
		}
		return ""
	}
	return md
}

// checkMarks is the checks line under the title: "Checks: ✗ request
// ✓ key-present …", whole "✓ id" tokens wrapped to the width, failures
// first. When every token would take more than two lines, the passes and
// skips are counted instead ("✓ 9 more passed"), and the failures and
// warnings still wrap onto as many lines as they need: nothing is cut, a ✗
// least of all.
func (m Model) checkMarks(rs []checks.Result, w int) []string {
	label := m.st.hint.Render("Checks:")
	fill := func(toks []string) []string {
		ml := []string{label}
		for _, tok := range toks {
			last := &ml[len(ml)-1]
			if ansi.StringWidth(*last)+2+ansi.StringWidth(tok) <= w || *last == label {
				sep := "  "
				if *last == label {
					sep = " "
				}
				*last += sep + tok
			} else {
				ml = append(ml, tok)
			}
		}
		return ml
	}
	var all, bad []string
	counts := map[checks.Status]int{}
	for _, res := range failuresFirst(rs) {
		tok := m.st.mark(res.Status) + " " + res.ID
		all = append(all, tok)
		if res.Status == checks.Fail || res.Status == checks.Warn {
			bad = append(bad, tok)
		} else {
			counts[res.Status]++
		}
	}
	if ml := fill(all); len(ml) <= 2 {
		return ml
	}
	more := ""
	if len(bad) > 0 {
		more = " more"
	}
	if n := counts[checks.Pass]; n > 0 {
		bad = append(bad, m.st.mark(checks.Pass)+fmt.Sprintf(" %d%s passed", n, more))
	}
	if n := counts[checks.Skip]; n > 0 {
		bad = append(bad, m.st.mark(checks.Skip)+fmt.Sprintf(" %d skipped", n))
	}
	return fill(bad)
}

// failuresFirst orders results fail, warn, pass, skip, keeping the order
// within each.
func failuresFirst(rs []checks.Result) []checks.Result {
	rank := map[checks.Status]int{checks.Fail: 0, checks.Warn: 1, checks.Pass: 2, checks.Skip: 3}
	out := slices.Clone(rs)
	slices.SortStableFunc(out, func(a, b checks.Result) int { return rank[a.Status] - rank[b.Status] })
	return out
}
