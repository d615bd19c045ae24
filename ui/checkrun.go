package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/checks/suite"
	"github.com/unstuck-dev/unstuck/decisiontree"
)

// declined is the summary of a billable check the user chose not to send.
const declined = "not sent: you chose not to send a billable request"

// notNeeded is the summary of a billable check the free checks made moot.
const notNeeded = "not sent: the free checks already found the cause"

// checkRun is one check node's checks: those waiting for consent, those
// running (each its own command, so they run concurrently and the UI stays
// responsive) and those done.
type checkRun struct {
	gen     int
	node    *decisiontree.Node
	ids     []string // in the node's order
	billed  []string // billable checks waiting for the free ones, then a yes or no
	sending bool     // the user said yes: the billable checks are being sent
	running map[string]time.Time
	done    map[string]checks.Result
	started time.Time
	cancel  context.CancelFunc
}

func (r *checkRun) busy() bool { return r != nil && len(r.running) > 0 }

// checkDoneMsg carries one check's result back to Update.
type checkDoneMsg struct {
	gen    int
	id     string
	result checks.Result
}

// allRan reports whether every check already has a result.
func (m Model) allRan(ids []string) bool {
	for _, id := range ids {
		if _, ok := m.o.Runner.Result(id); !ok {
			return false
		}
	}
	return true
}

// enterChecks starts a check node. Free checks run first; a billable one
// waits for them, then either is not needed (they already decide the cause)
// or waits for the user's yes.
func (m *Model) enterChecks(n *decisiontree.Node) tea.Cmd {
	m.stopChecks()
	m.gen++
	run := &checkRun{
		gen: m.gen, node: n, ids: n.Checks,
		running: map[string]time.Time{}, done: map[string]checks.Result{},
	}
	noRequest := m.o.Runner.Setup().Config.NoRequest
	for _, id := range n.Checks {
		if res, ok := m.o.Runner.Result(id); ok {
			run.done[id] = res
			continue
		}
		if suite.Billable(id) && !noRequest {
			run.billed = append(run.billed, id)
		}
	}
	m.run = run
	return m.startChecks()
}

// afterFree runs when every check but the billable ones has a result: the
// walk goes on, the billable check is declined as not needed, or the user
// is asked.
func (m *Model) afterFree() tea.Cmd {
	run := m.run
	if len(run.billed) == 0 {
		return m.finishChecks()
	}
	settled := m.o.Tree != nil
	for _, id := range run.billed {
		settled = settled && m.o.Tree.Settled(run.node.ID, m.o.Runner.Facts(), id+".")
	}
	if settled {
		for _, id := range run.billed {
			run.done[id] = m.o.Runner.Decline(id, notNeeded)
		}
		run.billed = nil
		return m.finishChecks()
	}
	// Ask only for what will really be sent: a request with no key, no
	// endpoint or no model to send runs now and reports itself not sent.
	var ask []string
	for _, id := range run.billed {
		if suite.NotSent(m.base, id, m.o.Runner.Setup()) == "" {
			ask = append(ask, id)
		}
	}
	if len(ask) < len(run.billed) {
		run.billed = ask
		if len(ask) == 0 {
			return m.startChecks()
		}
	}
	m.screen = scrConsent
	m.layout()
	return nil
}

// consentKey: y sends the billable request, n records it as declined and
// runs the rest.
func (m *Model) consentKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keysNow()
	switch {
	case key.Matches(msg, k.Send):
		m.run.billed = nil
		m.run.sending = true
		return m.startChecks()
	case key.Matches(msg, k.Skip):
		for _, id := range m.run.billed {
			m.run.done[id] = m.o.Runner.Decline(id, declined)
		}
		m.run.billed = nil
		m.status = "Nothing billable was sent."
		return m.finishChecks()
	}
	return m.globalKey(msg)
}

// startChecks runs every check of the node that has no result yet, each in
// its own command under one cancellable context.
func (m *Model) startChecks() tea.Cmd {
	run := m.run
	m.screen = scrChecks
	m.layout()
	ctx, cancel := context.WithCancel(m.base)
	run.cancel = cancel
	run.started = time.Now()
	m.now = run.started
	var cmds []tea.Cmd
	for _, id := range run.ids {
		if _, ok := run.done[id]; ok {
			continue
		}
		if _, ok := run.running[id]; ok {
			continue // listed twice in the node
		}
		if slices.Contains(run.billed, id) {
			continue // waits for the free checks and, maybe, a yes
		}
		run.running[id] = run.started
		cmds = append(cmds, uiRunCheck(ctx, m.o.Runner, run.gen, id))
	}
	if len(cmds) == 0 {
		return m.afterFree()
	}
	return tea.Batch(append(cmds, m.spin.Tick)...)
}

func uiRunCheck(ctx context.Context, r *checks.Runner, gen int, id string) tea.Cmd {
	return func() tea.Msg {
		return checkDoneMsg{gen: gen, id: id, result: r.Run(ctx, id)}
	}
}

// checkDone records one result; the last one moves the walk on.
func (m *Model) checkDone(msg checkDoneMsg) tea.Cmd {
	run := m.run
	if run == nil || msg.gen != run.gen {
		return nil // from checks the user walked away from
	}
	delete(run.running, msg.id)
	run.done[msg.id] = msg.result
	if run.busy() {
		return nil
	}
	return m.afterFree()
}

// finishChecks hands the facts to the tree and enters the next node.
func (m *Model) finishChecks() tea.Cmd {
	if m.run != nil && m.run.cancel != nil {
		m.run.cancel()
	}
	m.run = nil
	if err := m.walker.Observe(m.o.Runner.Facts()); err != nil {
		m.fail(err)
		return nil
	}
	return m.settle()
}

// stopChecks cancels checks still running. The runner keeps no result of
// a cancelled run, so they run afresh if the walk comes back to them.
func (m *Model) stopChecks() {
	run := m.run
	if run == nil {
		return
	}
	m.run = nil
	if run.cancel != nil {
		run.cancel()
	}
}

// checksView lists the node's checks: a spinner and the time so far while
// running, then the mark, the one-line summary and the time taken.
func (m Model) checksView(w, h int) string {
	run := m.run
	if run == nil {
		return m.st.hint.Render("Starting…")
	}
	n := run.node
	prompt := n.Prompt
	if prompt == "" {
		prompt = "Checking: " + n.Label()
	}
	head, sub := m.uiHead(prompt, n.Help, w)
	lines := append(head, sub...)
	if b := m.billingLine(); b != "" {
		for _, ln := range uiWrap(b, w) {
			lines = append(lines, m.st.hint.Render(ln))
		}
	}
	lines = append(lines, "")

	// Two lines per check (title, then summary) when they fit, else one;
	// when even one line each does not fit, the finished passes and skips
	// fold into one count, so what runs, fails or warns and the elapsed
	// line always stay on screen.
	roomy := len(lines)+2*len(run.ids)+2 <= h
	spare := h - (len(lines) + 2*len(run.ids) + 2) // rows for summaries that wrap
	fold := len(lines)+len(run.ids)+2 > h
	var passed, skipped int
	for _, id := range run.ids {
		if res, ok := run.done[id]; ok && fold {
			switch res.Status {
			case checks.Pass:
				passed++
				continue
			case checks.Skip:
				skipped++
				continue
			}
		}
		if t0, ok := run.running[id]; ok {
			lines = append(lines, m.spin.View()+" "+id+"  "+m.st.hint.Render(uiSeconds(m.now.Sub(t0))))
			continue
		}
		res, ok := run.done[id]
		if !ok {
			lines = append(lines, m.st.skip.Render("· "+id))
			continue
		}
		title := res.Title
		if title == "" {
			title = id
		}
		ms := m.st.hint.Render(fmt.Sprintf("%d ms", res.Duration.Milliseconds()))
		summary := uiOneLine(res.Summary)
		if roomy {
			lines = append(lines, m.st.mark(res.Status)+" "+uiOneLine(title)+"  "+ms)
			// A summary wider than the screen wraps onto the rows left
			// over, rather than losing its end ("… has no fre…").
			parts := uiWrap(summary, max(w-2, 8))
			n := min(len(parts), 1+max(spare, 0))
			spare -= n - 1
			if n < len(parts) {
				parts[n-1] = ansi.Truncate(strings.Join(parts[n-1:], " "), max(w-2, 8), "…")
			}
			for _, p := range parts[:n] {
				lines = append(lines, "  "+m.st.hint.Render(p))
			}
		} else {
			lines = append(lines, m.st.mark(res.Status)+" "+uiOneLine(title)+": "+summary+"  "+ms)
		}
	}
	if passed+skipped > 0 {
		var parts []string
		if passed > 0 {
			parts = append(parts, m.st.mark(checks.Pass)+fmt.Sprintf(" %d passed", passed))
		}
		if skipped > 0 {
			parts = append(parts, m.st.mark(checks.Skip)+fmt.Sprintf(" %d not needed", skipped))
		}
		lines = append(lines, strings.Join(parts, "  "))
	}
	lines = append(lines, "", m.st.hint.Render("Elapsed "+uiSeconds(m.now.Sub(run.started))))
	return strings.Join(lines, "\n")
}

// billingLine says what the node's billable check costs, truthfully for
// the moment: nothing is billed before the yes, "billed" once it is being
// sent, "went out" only when it did.
func (m Model) billingLine() string {
	run := m.run
	var ids []string
	for _, id := range run.ids {
		if suite.Billable(id) && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return ""
	}
	for _, id := range ids {
		if _, busy := run.running[id]; busy && run.sending {
			return "Sending the test request you agreed to: one minimal request, billed (a few tokens)."
		}
	}
	for _, id := range ids {
		res, ok := run.done[id]
		switch {
		case !ok:
		case res.Unseen || res.Status == checks.Skip:
			return "The test request was " + res.Summary + "."
		case run.sending:
			return "The test request went out (billed: a few tokens)."
		}
	}
	if m.o.Runner.Setup().Config.NoRequest {
		return "Nothing billable is sent (--no-request)."
	}
	return "Free checks first: nothing billable is sent unless you say yes."
}

// uiSeconds is a duration as the elapsed line shows it: "3.4 s".
func uiSeconds(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}

// consentView says exactly what will be sent before anything billable is:
// each request the waiting checks would send, to which endpoint (the one
// the client calls: /responses, Gemini's generateContent, …) and for which
// model, the background model's included.
func (m Model) consentView(w, h int) string {
	s := m.o.Runner.Setup()
	var ids []string
	if m.run != nil {
		ids = m.run.billed
	}
	sends := suite.Billed(s, ids)
	var what string
	switch len(sends) {
	case 0:
		endpoint := s.Endpoint
		if endpoint == "" {
			endpoint = s.BaseURL
		}
		what = "It sends one minimal request to " + endpoint + " (a fraction of a cent)."
	case 1:
		what = "It sends " + sends[0] + ": a fraction of a cent."
	default:
		what = fmt.Sprintf("It sends %d requests, a fraction of a cent in all:", len(sends))
		for _, l := range sends {
			what += "\n· " + l
		}
	}
	head, _ := m.uiHead("The next check sends a real request that may be billed.", "", w)
	// What is sent, and where, must show whole: on a short screen (two or
	// three requests at 60x16) the view gives up the box first, then the
	// line on y and n (the help line says it too), then the blanks.
	build := func(boxed, withHint, gap bool) []string {
		lines := append([]string{}, head...)
		if gap {
			lines = append(lines, "")
		}
		iw := max(w-2, 4)
		if boxed {
			iw = max(w-4, 4)
		}
		var body []string
		for _, para := range strings.Split(what, "\n") {
			body = append(body, uiWrap(para, iw)...)
		}
		if boxed {
			lines = append(lines, m.st.consent.Width(max(w, 8)).Render(strings.Join(body, "\n")))
		} else {
			for _, ln := range body {
				lines = append(lines, "  "+ln)
			}
		}
		if withHint {
			if gap {
				lines = append(lines, "")
			}
			for _, ln := range uiWrap("y to send it · n to skip it (nothing is sent; the diagnosis goes on without it)", w) {
				lines = append(lines, m.st.hint.Render(ln))
			}
		}
		return lines
	}
	return uiFirstFit(h, build(true, true, true), build(false, true, true), build(false, false, true), build(false, false, false))
}
