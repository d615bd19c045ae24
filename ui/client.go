package ui

import (
	"slices"

	tea "charm.land/bubbletea/v2"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/checks/setup"
	"github.com/unstuck-dev/unstuck/decisiontree"
)

// The "What are you running?" question (content/tree.yaml: the question
// that sets the fact client). Its choices are the clients of clients.yaml;
// the wizard lists those configured on this machine first, marked, and the
// answer becomes --client for the rest of the walk. Finding them reads the
// clients' files, so it happens only when the question is reached, in a
// command of its own: never before the first frame, never in Update.

// factClient is the fact the client question sets.
const factClient = "client"

// clientUnknown is the choice that leaves the client to the guess.
const clientUnknown = "unknown"

// configuredHere marks a client whose configuration this machine holds.
const configuredHere = "configured here"

// clientsState is what the wizard knows of the clients configured here.
type clientsState struct {
	finding bool
	found   []string // nil until the search ends
	done    bool
	cursor  int // the highlight the wizard chose; moved again only while the user left it there
}

// clientsFoundMsg carries the clients configured here.
type clientsFoundMsg struct{ names []string }

func isClientQuestion(n *decisiontree.Node) bool {
	return n != nil && n.Kind == decisiontree.Question && n.Set == factClient
}

// clientsCmd starts the search when the client question is entered for the
// first time, and puts the highlight on the likeliest answer.
func (m *Model) clientsCmd(n *decisiontree.Node) tea.Cmd {
	if !isClientQuestion(n) {
		return nil
	}
	m.defaultClientCursor()
	if m.clients.done || m.clients.finding {
		return nil
	}
	m.clients.finding = true
	find := m.o.FindClients
	if find == nil {
		find = setup.Configured
	}
	cfg := m.o.Runner.Setup().Config
	return func() tea.Msg { return clientsFoundMsg{names: find(cfg)} }
}

// clientsFound records the search's answer and redraws the question.
func (m *Model) clientsFound(msg clientsFoundMsg) {
	m.clients.finding, m.clients.done = false, true
	m.clients.found = msg.names
	if m.screen == scrQuestion && isClientQuestion(m.walker.Current()) {
		m.defaultClientCursor()
		m.layout()
	}
}

// defaultClientCursor highlights --client when given, else the first
// client configured here, else "I don't know" — unless the user moved the
// highlight since the wizard last placed it.
func (m *Model) defaultClientCursor() {
	n := m.walker.Current()
	if m.cursor != m.clients.cursor && m.cursor != 0 {
		return
	}
	want := m.o.Runner.Setup().Config.Client
	at := -1
	for i, c := range n.Choices {
		if want != "" && c.Value == want {
			at = i
		}
	}
	if at < 0 {
		if vis := m.clientOrder(n, indexes(len(n.Choices))); len(vis) > 0 {
			at = vis[0]
			if !m.isConfigured(n.Choices[at].Value) {
				at = slices.IndexFunc(n.Choices, func(c decisiontree.Choice) bool { return c.Value == clientUnknown })
			}
		}
	}
	if at >= 0 {
		m.cursor, m.clients.cursor = at, at
	}
}

func indexes(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

func (m Model) isConfigured(name string) bool {
	return name != "" && slices.Contains(m.clients.found, name)
}

// clientOrder puts the configured clients first, keeping the file's order
// within each group. Other questions keep their order.
func (m Model) clientOrder(n *decisiontree.Node, vis []int) []int {
	if !isClientQuestion(n) || len(m.clients.found) == 0 {
		return vis
	}
	var first, rest []int
	for _, i := range vis {
		if m.isConfigured(n.Choices[i].Value) {
			first = append(first, i)
		} else {
			rest = append(rest, i)
		}
	}
	return append(first, rest...)
}

// choiceHint is a choice's hint as shown: a configured client says so.
func (m Model) choiceHint(n *decisiontree.Node, c decisiontree.Choice) string {
	if isClientQuestion(n) && m.isConfigured(c.Value) {
		if c.Hint == "" {
			return configuredHere
		}
		return configuredHere + " · " + c.Hint
	}
	return c.Hint
}

// chooseClient makes the client answer the walk's --client: the runner is
// reconfigured (results that depended on the client are forgotten). "I
// don't know" goes back to the guess.
func (m *Model) chooseClient(n *decisiontree.Node, i int) {
	if !isClientQuestion(n) || i < 0 || i >= len(n.Choices) {
		return
	}
	v := n.Choices[i].Value
	if v == clientUnknown {
		v = ""
	}
	if v != m.o.Runner.Setup().Config.Client {
		m.o.Runner.Reconfigure(func(c *checks.Config) { c.Client = v })
	}
}
