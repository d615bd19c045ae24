// Package ui is the interactive wizard: Bubble Tea models over the decision
// tree. It asks the questions, runs each step's checks (with consent for
// anything billable), and shows the guidance page for the cause it reaches.
// It does no diagnosis of its own: checks/ finds, decisiontree/ decides,
// content/ explains, report/ renders.
package ui

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/content"
	"github.com/unstuck-dev/unstuck/decisiontree"
)

// Options is what main hands the wizard.
type Options struct {
	Runner    *checks.Runner
	Tree      *decisiontree.Tree
	Version   string
	NoColor   bool   // NO_COLOR set or TERM=dumb: no colours at all
	ReportDir string // where the report is saved ("" = working directory)
	// Width and Height are the terminal's size when the wizard starts
	// (read by main without a query), so the first frame is laid out for
	// it before Bubble Tea's size message arrives; 0 means 80x24.
	Width, Height int
	// Accessible: questions and results line by line on stdin and stdout,
	// no alternate screen and no terminal queries (TERM=dumb,
	// UNSTUCK_ACCESSIBLE=1); accessible.go.
	Accessible bool
	// Load, when set, makes the tree and the runner (parsing the content,
	// resolving the setup) once Bubble Tea has started, and Tree and Runner
	// are ignored: see Run.
	Load func() (*decisiontree.Tree, *checks.Runner, error)

	// Test seams; nil means the real content package.
	Guidance  func(id string, d content.PageData) (string, error)
	CauseInfo func(id string) (content.Cause, bool)

	// FindClients lists the clients configured on this machine for the
	// client question (nil: setup.Configured). It reads files: the wizard
	// calls it only when that question is reached.
	FindClients func(checks.Config) []string

	// FindSetups lists every setup configured on this machine for "check
	// everything" (nil: that path checks the one setup of Runner). It
	// reads files: the wizard calls it in a command when the walk reaches
	// the everything checks (allsetups.go).
	FindSetups func(context.Context, checks.Config) []Setup

	// Test seams for Run: the terminal's two ends (nil: the real ones).
	input  io.Reader
	output io.Writer
}

// screen is what the wizard is showing.
type screen int

const (
	scrQuestion   screen = iota // pick one of the choices
	scrInput                    // one line of text: base URL, model, MCP URL
	scrPaste                    // several lines: the pasted error
	scrChecks                   // checks running
	scrConsent                  // may we send a billable request?
	scrResult                   // the cause and its guidance page
	scrError                    // the tree itself is broken
	scrAll                      // every setup configured here, one line each (allsetups.go)
	scrAllConsent               // may we send every setup's billable requests?
)

// Model is the wizard's root model.
type Model struct {
	o        Options
	base     context.Context // parent of every check's context; Run's context
	walker   *decisiontree.Walker
	startCfg checks.Config // what the wizard started with; a restart returns to it

	keys   keyMap
	help   help.Model
	st     *styles
	isDark bool
	width  int
	height int

	screen  screen
	pending bool   // the first node is still to be entered (Init does it)
	err     error  // why the walk cannot go on (scrError)
	status  string // one line of news: saved, declined, nothing to go back to

	// question
	cursor  int
	filter  filterState
	clients clientsState // the client question's configured clients (client.go)

	// input and paste
	input    textinput.Model
	area     textarea.Model
	inputErr string

	// checks and consent
	spin spinner.Model
	gen  int // bumped for each batch of checks; stale results are ignored
	run  *checkRun
	now  time.Time // last spinner tick: the clock the elapsed times read

	// result
	res       *resultState
	saved     []string      // reports saved, named again after the wizard quits
	renderSeq *atomic.Int64 // latest page render asked for; older ones are dropped

	frameCache *frameCache
	// frameFoot is the footer of the frame View is drawing, set on View's
	// own copy of the model (frameFootOK), read by bodyHeight.
	frameFoot   string
	frameFootOK bool

	all     *allState // "check everything": every setup configured here (allsetups.go)
	allNone bool      // none is configured: the everything checks run on Runner

	interrupted bool // ctrl+c, SIGINT or Run's context: Run reports ErrInterrupted
}

// Default size until the terminal tells us.
const (
	defaultWidth  = 80
	defaultHeight = 24
)

// New builds the wizard. It does nothing slow: no renderer, no network, no
// files. The first node is entered here, but its checks start in Init.
func New(o Options) Model { return newModel(context.Background(), o) }

func newModel(ctx context.Context, o Options) Model {
	if o.Guidance == nil {
		o.Guidance = content.Guidance
	}
	if o.CauseInfo == nil {
		o.CauseInfo = content.CauseByID
	}
	m := Model{
		o:          o,
		base:       ctx,
		keys:       uiDefaultKeys(),
		help:       help.New(),
		isDark:     true,
		width:      cmp.Or(o.Width, defaultWidth),
		height:     cmp.Or(o.Height, defaultHeight),
		renderSeq:  new(atomic.Int64),
		frameCache: new(frameCache),
		spin:       spinner.New(spinner.WithSpinner(spinner.MiniDot)),
		input:      textinput.New(),
		filter:     filterState{input: textinput.New()},
		area:       textarea.New(),
		now:        time.Now(),
	}
	m.applyStyles()
	switch {
	case o.Runner == nil:
		m.fail(errors.New("the wizard was started without a runner"))
	case o.Tree == nil:
		m.fail(errors.New("the wizard was started without a decision tree"))
	default:
		w, err := o.Tree.NewWalker("")
		if err != nil {
			m.fail(err)
			return m
		}
		m.walker = w
		m.startCfg = o.Runner.Setup().Config
		// Questions and inputs are entered now, so the first frame shows
		// them; anything that starts work waits for Init.
		if k := w.Current().Kind; k == decisiontree.Question || k == decisiontree.Input {
			m.settle()
		} else {
			m.pending = true
			m.screen = scrChecks // "Starting…" until Init's message arrives
		}
	}
	return m
}

// Init asks the terminal for its background colour and, when the first node
// runs checks, starts them.
func (m Model) Init() tea.Cmd {
	if m.pending {
		return tea.Batch(tea.RequestBackgroundColor, func() tea.Msg { return settleMsg{} })
	}
	return tea.RequestBackgroundColor
}

// settleMsg asks the model to enter the current node (the first one).
type settleMsg struct{}

func (m *Model) fail(err error) {
	m.err = err
	m.screen = scrError
}

func (m *Model) applyStyles() {
	m.st = uiNewStyles(m.isDark, m.o.NoColor)
	m.help.Styles = m.st.help2
	m.spin.Style = m.st.spinner
	m.input.SetStyles(m.st.input)
	m.area.SetStyles(m.st.textarea)
}

// Update handles one message.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case interruptMsg:
		m.stopChecks()
		m.stopAll()
		m.interrupted = true
		return m, tea.Quit
	case settleMsg:
		if m.err != nil || !m.pending {
			return m, nil
		}
		m.pending = false
		return m, m.settle()
	case tea.WindowSizeMsg:
		return m, m.resize(msg.Width, msg.Height)
	case tea.BackgroundColorMsg:
		if dark := msg.IsDark(); dark != m.isDark {
			m.isDark = dark
			m.applyStyles()
			return m, m.rerender()
		}
		return m, nil
	case spinner.TickMsg:
		m.now = msg.Time
		if (m.run == nil || !m.run.busy()) && !m.all.busy() {
			return m, nil // let the tick chain end while nothing runs
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return m, cmd
	case checkDoneMsg:
		return m, m.checkDone(msg)
	case allFoundMsg:
		return m, m.allFound(msg)
	case allDoneMsg:
		m.allDone(msg)
		return m, nil
	case clientsFoundMsg:
		m.clientsFound(msg)
		return m, nil
	case pageRenderedMsg:
		m.pageRendered(msg)
		return m, nil
	case reportSavedMsg:
		m.reportSaved(msg)
		return m, nil
	case tea.KeyPressMsg:
		return m.key(msg)
	}
	// Anything else belongs to the text field being edited (its own paste
	// and clipboard messages).
	return m, m.updateText(msg)
}

// key routes a key press: ctrl+c first, everywhere; then the screen's keys.
// Every handler matches against keysNow, the map the help is drawn from: a
// key works exactly where the help lists it.
func (m Model) key(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if key.Matches(msg, m.keysNow().ForceQuit) {
		// An interrupt, not a quit: Run reports ErrInterrupted so the
		// shell sees 130, as after any ctrl+c. The interruptMsg stops the
		// checks and quits, the same way as SIGINT and Run's context.
		return m, func() tea.Msg { return interruptMsg{} }
	}
	m.status = ""
	switch m.screen {
	case scrInput, scrPaste:
		return m, m.inputKey(msg)
	case scrQuestion:
		return m, m.questionKey(msg)
	case scrConsent:
		return m, m.consentKey(msg)
	case scrResult:
		return m, m.resultKey(msg)
	case scrAll:
		return m, m.allKey(msg)
	case scrAllConsent:
		return m, m.allConsentKey(msg)
	default: // checks, error
		return m, m.globalKey(msg)
	}
}

// globalKey handles the keys every non-text screen shares. It returns nil
// when the key is not one of them.
func (m *Model) globalKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keysNow()
	switch {
	case key.Matches(msg, k.Quit):
		return m.quit()
	case key.Matches(msg, k.Help):
		m.help.ShowAll = !m.help.ShowAll
		m.layout()
		return nil
	case key.Matches(msg, k.Restart):
		return m.restart()
	case key.Matches(msg, k.Back):
		return m.back()
	}
	return nil
}

func (m *Model) quit() tea.Cmd {
	m.stopChecks()
	if m.all != nil && m.all.cancel != nil {
		m.all.cancel() // stopped, but kept: the finish names every setup checked
	}
	return tea.Quit
}

// restart goes back to the first question. Checks that already ran keep
// their results: the user is retracing steps, not changing their setup.
func (m *Model) restart() tea.Cmd {
	if m.walker == nil {
		return nil
	}
	m.stopChecks()
	m.stopAll()
	m.allNone = false
	m.err = nil
	// Forget every answer, paste and typed value: a fresh walk, and the
	// configuration the wizard started with (results of checks that ran
	// against it stay valid and are kept).
	if typed(m.o.Runner.Setup().Config) != typed(m.startCfg) {
		start := m.startCfg
		m.o.Runner.Reconfigure(func(c *checks.Config) { *c = start })
	}
	w, err := m.o.Tree.NewWalker("")
	if err != nil {
		m.fail(err)
		return nil
	}
	m.walker = w
	m.input.SetValue("")
	m.area.SetValue("")
	m.cursor = 0
	m.res = nil
	return m.settle()
}

// back returns to the last question or input answered.
func (m *Model) back() tea.Cmd {
	if m.walker == nil {
		return nil
	}
	if m.allBack() {
		return nil // from a setup's page to the list of every setup
	}
	m.stopChecks()
	m.stopAll()
	m.allNone = false
	old := m.walker.Path()
	if !m.walker.Back() {
		m.status = "This is the first step."
		return m.settle()
	}
	m.err = nil
	m.res = nil
	m.cursor = 0
	if i := len(m.walker.Path()); i < len(old) {
		ans := old[i].Answer
		for j, c := range m.walker.Current().Choices {
			if c.Label == ans {
				m.cursor = j
			}
		}
	}
	return m.settle()
}

// maxAutoSteps bounds how many nodes settle passes through without the
// user; a valid tree has no cycles, this guards against one that does.
const maxAutoSteps = 1000

// settle enters the current node: questions and inputs wait for the user;
// check nodes whose checks all ran pass straight through, as do branch
// nodes; other check nodes start their checks; a cause shows its page.
func (m *Model) settle() tea.Cmd {
	if m.walker == nil {
		return nil
	}
	for range maxAutoSteps {
		n := m.walker.Current()
		switch n.Kind {
		case decisiontree.Question:
			m.screen = scrQuestion
			m.clearFilter() // a filter belongs to the question it was typed at
			m.cursor = min(m.cursor, max(len(n.Choices)-1, 0))
			cmd := m.clientsCmd(n) // the client question: what is configured here
			m.layout()
			return cmd
		case decisiontree.Input:
			return m.enterInput(n)
		case decisiontree.Check:
			if m.wantsAll(n) {
				return m.enterAll()
			}
			if m.allRan(n.Checks) {
				if err := m.walker.Observe(m.o.Runner.Facts()); err != nil {
					m.fail(err)
					return nil
				}
				continue
			}
			return m.enterChecks(n)
		case decisiontree.Branch:
			if err := m.walker.Observe(m.o.Runner.Facts()); err != nil {
				m.fail(err)
				return nil
			}
			continue
		case decisiontree.Cause:
			return m.enterResult(n)
		default:
			m.fail(fmt.Errorf("step %q has a kind the wizard does not know: %q", n.ID, n.Kind))
			return nil
		}
	}
	m.fail(fmt.Errorf("the walk did not stop after %d automatic steps; the tree has a loop", maxAutoSteps))
	return nil
}

// typedValues are the parts of a configuration the wizard's inputs change
// (input.go, reconfigure).
type typedValues struct{ baseURL, model, pasted, mcpURL, client string }

func typed(c checks.Config) typedValues {
	return typedValues{c.BaseURL, c.Model, c.Pasted, c.MCPURL, c.Client}
}
