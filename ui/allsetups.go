package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/decisiontree"
	"github.com/unstuck-dev/unstuck/verdict"
)

// "Setting up: check everything" checks every setup configured on this
// machine, as diagnose --all does: main finds them (Options.FindSetups,
// which reads files: it runs in a command once the walk reaches the
// everything checks, never before the first frame), one consent question
// covers every billable request of every setup, each setup is checked in
// its own command and its line is drawn as its result arrives, then the
// list: one line each, and the verdict page of the one picked (the first
// failing one is highlighted).

// Setup is one distinct setup configured here: the request one or more
// clients would send.
type Setup struct {
	Name     string // its clients: "codex + ai-sdk"
	Provider string
	Protocol string
	Endpoint string         // the request URL, as shown (cleaned)
	Runner   *checks.Runner // its own checks and redactor
	// Billed says what its billable checks would send, one line each
	// ("1 request to POST … for …"); none when nothing billable would go.
	Billed []string
	// Check runs every check diagnose runs (the billable ones only when
	// send) and returns the verdict the tree reaches.
	Check func(ctx context.Context, send bool) (verdict.Verdict, error)
}

// factSymptom and symptomSetup are the root question's fact and the
// answer that is onboarding ("Setting up: check everything").
const (
	factSymptom  = "symptom"
	symptomSetup = "setup"
)

// allState is the all-setups screen's state.
type allState struct {
	gen     int
	finding bool
	setups  []Setup
	results []allResult
	asking  bool // the consent question is up
	send    bool // the user said yes
	cursor  int
	showing bool // a setup's page is open (scrResult)
	started time.Time
	cancel  context.CancelFunc
}

type allResult struct {
	done    bool
	verdict verdict.Verdict
	err     error
	took    time.Duration
}

func (a *allState) busy() bool {
	if a == nil || a.finding || a.asking {
		return a != nil && a.finding
	}
	for _, r := range a.results {
		if !r.done {
			return true
		}
	}
	return false
}

func (r allResult) healthy() bool { return r.err == nil && r.verdict.Cause.ID == "healthy" }

type allFoundMsg struct {
	gen    int
	setups []Setup
}

type allDoneMsg struct {
	gen, i  int
	verdict verdict.Verdict
	err     error
	took    time.Duration
}

// wantsAll: the walk reached the everything checks on the onboarding
// path, and main can find every setup.
func (m Model) wantsAll(n *decisiontree.Node) bool {
	return m.o.FindSetups != nil && !m.allNone && n.Kind == decisiontree.Check &&
		m.walker.Facts()[factSymptom] == symptomSetup
}

// enterAll starts the search for setups.
func (m *Model) enterAll() tea.Cmd {
	m.stopChecks()
	m.gen++
	gen := m.gen
	m.all = &allState{gen: gen, finding: true, started: time.Now()}
	m.now = m.all.started
	m.screen = scrAll
	m.layout()
	find, cfg, ctx := m.o.FindSetups, m.o.Runner.Setup().Config, m.base
	return tea.Batch(func() tea.Msg { return allFoundMsg{gen: gen, setups: find(ctx, cfg)} }, m.spin.Tick)
}

// allFound asks for consent when anything billable would go, else starts.
func (m *Model) allFound(msg allFoundMsg) tea.Cmd {
	a := m.all
	if a == nil || msg.gen != a.gen {
		return nil
	}
	a.finding = false
	if len(msg.setups) == 0 {
		// Nothing configured here: the one setup the environment gives.
		m.all, m.allNone = nil, true
		m.status = "No client or provider is configured on this machine: checking what this shell gives."
		return m.settle()
	}
	a.setups = msg.setups
	a.results = make([]allResult, len(msg.setups))
	if allBilled(a.setups) > 0 {
		a.asking = true
		m.screen = scrAllConsent
		m.layout()
		return nil
	}
	return m.startAll()
}

func allBilled(ss []Setup) int {
	n := 0
	for _, s := range ss {
		n += len(s.Billed)
	}
	return n
}

// startAll checks every setup, each in its own command.
func (m *Model) startAll() tea.Cmd {
	a := m.all
	a.asking = false
	m.screen = scrAll
	m.layout()
	ctx, cancel := context.WithCancel(m.base)
	a.cancel = cancel
	a.started = time.Now()
	m.now = a.started
	cmds := []tea.Cmd{m.spin.Tick}
	for i, s := range a.setups {
		gen, check, send := a.gen, s.Check, a.send
		cmds = append(cmds, func() tea.Msg {
			t0 := time.Now()
			v, err := check(ctx, send)
			return allDoneMsg{gen: gen, i: i, verdict: v, err: err, took: time.Since(t0)}
		})
	}
	return tea.Batch(cmds...)
}

// allDone records one setup's verdict; when the last is in, the first
// failing one is highlighted.
func (m *Model) allDone(msg allDoneMsg) {
	a := m.all
	if a == nil || msg.gen != a.gen || msg.i < 0 || msg.i >= len(a.results) {
		return
	}
	a.results[msg.i] = allResult{done: true, verdict: msg.verdict, err: msg.err, took: msg.took}
	if !a.busy() {
		a.cursor = a.firstFailing()
	}
}

// firstFailing is the first setup not found healthy, else the first.
func (a *allState) firstFailing() int {
	for i, r := range a.results {
		if !r.healthy() {
			return i
		}
	}
	return 0
}

// stopAll cancels the setups still being checked and leaves the screen.
func (m *Model) stopAll() {
	if m.all != nil && m.all.cancel != nil {
		m.all.cancel()
	}
	m.all = nil
}

// allKey moves through the list and opens a setup's page.
func (m *Model) allKey(msg tea.KeyPressMsg) tea.Cmd {
	a, k := m.all, m.keysNow()
	switch {
	case a == nil:
	case key.Matches(msg, k.Up):
		a.cursor = max(a.cursor-1, 0)
		return nil
	case key.Matches(msg, k.Down):
		a.cursor = min(a.cursor+1, max(len(a.setups)-1, 0))
		return nil
	case key.Matches(msg, k.Choose):
		return m.openAll(a.cursor)
	}
	return m.globalKey(msg)
}

// openAll shows one setup's verdict page; back returns to the list.
func (m *Model) openAll(i int) tea.Cmd {
	a := m.all
	if a == nil || i < 0 || i >= len(a.results) || !a.results[i].done || a.results[i].err != nil {
		return nil
	}
	v := a.results[i].verdict
	vp := viewport.New()
	vp.SoftWrap = false
	m.res = &resultState{verdict: v, vp: vp, redactor: v.Setup.Redactor}
	a.showing = true
	m.screen = scrResult
	m.layout()
	return m.renderPage()
}

// allBack leaves a setup's page for the list; false when no page of the
// list is open.
func (m *Model) allBack() bool {
	if m.all == nil || !m.all.showing || m.screen != scrResult {
		return false
	}
	m.all.showing = false
	m.res = nil
	m.screen = scrAll
	m.layout()
	return true
}

// allConsentKey: y sends every setup's billable requests, n checks every
// setup without them.
func (m *Model) allConsentKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keysNow()
	switch {
	case m.all == nil:
	case key.Matches(msg, k.Send):
		m.all.send = true
		return m.startAll()
	case key.Matches(msg, k.Skip):
		m.all.send = false
		m.status = "Nothing billable is sent: verdicts that need the test request say they are unconfirmed."
		return m.startAll()
	}
	return m.globalKey(msg)
}

// allConsentView says how many requests would go where, for every setup,
// before any is sent.
func (m Model) allConsentView(w, h int) string {
	a := m.all
	n := allBilled(a.setups)
	head, _ := m.uiHead(fmt.Sprintf("Checking these %d setups sends up to %d real %s that may be billed.", len(a.setups), n, plural(n, "request", "requests")), "", w)
	hint := uiWrap("y to send them all · n to check every setup without them (nothing billable is sent)", w)
	// Where each request goes must show whole, so on a short screen the
	// view gives up the rest first: the box, then the words every request
	// shares ("for the smallest chat model …", said once), then the line
	// on y and n (the help line says it too) and the blank under the
	// question; only then are lines cut.
	var all []string
	for _, s := range a.setups {
		all = append(all, s.Billed...)
	}
	common := uiCommonFor(all)
	build := func(boxed, factor, oneLine, withHint, gap bool) []string {
		iw := max(w-2, 4)
		if boxed {
			iw = max(w-4, 4)
		}
		item := func(s string) []string {
			if oneLine {
				return []string{ansi.Truncate(s, iw, "…")}
			}
			if boxed {
				return uiWrap(s, iw)
			}
			lines := uiWrap(s, iw-2) // under the item's text, not its "·"
			for i := 1; i < len(lines); i++ {
				lines[i] = "  " + lines[i]
			}
			return lines
		}
		var body []string
		for _, s := range a.setups {
			if len(s.Billed) == 0 {
				body = append(body, item(s.Name+": nothing billable")...)
				continue
			}
			for _, b := range s.Billed {
				if factor && common != "" {
					b = strings.Replace(b, common, "", 1)
				}
				body = append(body, item("· "+s.Name+": "+b)...)
			}
		}
		cost := "A fraction of a cent each."
		if factor && common != "" {
			cost = "Each" + common + ": a fraction of a cent."
		}
		lines := append([]string{}, head...)
		if gap {
			lines = append(lines, "")
		}
		if boxed {
			body = append(append(body, ""), uiWrap(cost, iw)...)
			lines = append(lines, m.st.consent.Width(max(w, 8)).Render(strings.Join(body, "\n")))
		} else {
			for _, ln := range append(body, uiWrap(cost, iw)...) {
				lines = append(lines, "  "+ln)
			}
		}
		if withHint {
			lines = append(lines, "")
			for _, ln := range hint {
				lines = append(lines, m.st.hint.Render(ln))
			}
		}
		return lines
	}
	return uiFirstFit(h,
		build(true, false, false, true, true), build(true, true, false, true, true), build(false, true, false, true, true),
		build(false, true, false, false, true), build(false, true, false, false, false), build(false, true, true, false, false))
}

// uiCommonFor is the " for …" words every one of ss shares after its last
// " for " (" for the smallest chat model your models list offers"), up to
// where they differ ("(1 output token)", "(16 output tokens at most …)");
// "" when there are not two of them or they share too little.
func uiCommonFor(ss []string) string {
	const sep = " for "
	if len(ss) < 2 {
		return ""
	}
	var common []string
	for i, s := range ss {
		j := strings.LastIndex(s, sep)
		if j < 0 {
			return ""
		}
		words := strings.Fields(s[j+len(sep):])
		if i == 0 {
			common = words
			continue
		}
		n := 0
		for n < len(common) && n < len(words) && common[n] == words[n] {
			n++
		}
		common = common[:n]
	}
	if len(common) < 2 {
		return ""
	}
	return sep + strings.Join(common, " ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// allView is one line per setup, as diagnose --all prints them: a spinner
// while it is checked, then its mark, clients, provider, endpoint and
// verdict.
func (m Model) allView(w, h int) string {
	a := m.all
	if a == nil || a.finding {
		return m.spin.View() + " " + m.st.hint.Render("Looking for every client and provider configured on this machine…")
	}
	head, _ := m.uiHead(fmt.Sprintf("Every setup on this machine (%d)", len(a.setups)), "", w)
	lines := append(head, "")
	width := 0
	for _, s := range a.setups {
		width = max(width, len(s.Name))
	}
	for i, s := range a.setups {
		status, where, what := a.row(i)
		mark := m.spin.View()
		if a.results[i].done {
			mark = m.st.mark(status)
		} else {
			what = m.st.hint.Render("checking… " + uiSeconds(m.now.Sub(a.started)))
		}
		cur := "  "
		if !a.busy() && i == a.cursor {
			cur = m.st.selected.Render("› ")
		}
		lines = append(lines, cur+mark+" "+fmt.Sprintf("%-*s", width, s.Name)+"  "+m.st.hint.Render(where)+" — "+what)
	}
	lines = append(lines, "")
	if a.busy() {
		lines = append(lines, m.st.hint.Render("Elapsed "+uiSeconds(m.now.Sub(a.started))))
	} else {
		lines = append(lines, a.tally())
		lines = append(lines, m.st.hint.Render("enter shows the highlighted setup's verdict page"))
		// The highlighted row in full when the screen cuts it ("http://127.0.…"),
		// in the rows left.
		if i := a.cursor; i >= 0 && i < len(a.setups) && len(head)+1+i < len(lines) && ansi.StringWidth(lines[len(head)+1+i]) > w {
			_, where, what := a.row(i)
			var more []string
			for _, ln := range uiWrap(a.setups[i].Name+": "+where+" — "+what, max(w-2, 8)) {
				more = append(more, "  "+m.st.hint.Render(ln))
			}
			if len(lines)+1+len(more) <= h {
				lines = append(append(lines, ""), more...)
			}
		}
	}
	return strings.Join(lines, "\n")
}

// row is setup i's line but for its mark's colour (allView and line mode
// both draw it): its status once checked, its provider and endpoint, and
// what was found (empty while it is checked).
func (a *allState) row(i int) (status checks.Status, where, what string) {
	s, r := a.setups[i], a.results[i]
	provider := s.Provider
	if provider == "" {
		provider = s.Protocol
	}
	where = provider + " " + s.Endpoint
	switch {
	case !r.done:
		return checks.Skip, where, ""
	case r.err != nil:
		return checks.Fail, where, uiOneLine(r.err.Error())
	case r.healthy() && !r.verdict.Confirmed:
		// The request was not sent: the key and URL answered, the model
		// was not tried. Say so rather than "healthy".
		return checks.Warn, where, "healthy, not confirmed: " + uiOneLine(r.verdict.Title())
	case r.healthy():
		return checks.Pass, where, "healthy"
	}
	return checks.Fail, where, uiOneLine(r.verdict.Title()) + " (" + r.verdict.Cause.ID + ")"
}

// tally is "1 healthy, 1 failing" once every setup is checked.
func (a *allState) tally() string {
	healthy, failing := 0, 0
	for _, r := range a.results {
		switch {
		case !r.done:
		case r.healthy():
			healthy++
		default:
			failing++
		}
	}
	return fmt.Sprintf("%d healthy, %d failing", healthy, failing)
}
