// Package ui is the interactive wizard: Bubble Tea models over the decision
// tree. It asks the questions, runs each step's checks (with consent for
// anything billable), and shows the guidance page for the cause it reaches.
// It does no diagnosis of its own: checks/ finds, decisiontree/ decides,
// content/ explains, report/ renders.
package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"

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

	// Test seams; nil means the real content package.
	Guidance  func(id string, d content.PageData) (string, error)
	CauseInfo func(id string) (content.Cause, bool)

	// Test seams for Run: the terminal's two ends (nil: the real ones).
	input  io.Reader
	output io.Writer
}

// screen is what the wizard is showing.
type screen int

const (
	scrQuestion screen = iota // pick one of the choices
	scrInput                  // one line of text: base URL, model, MCP URL
	scrPaste                  // several lines: the pasted error
	scrChecks                 // checks running
	scrConsent                // may we send a billable request?
	scrResult                 // the cause and its guidance page
	scrError                  // the tree itself is broken
)

// Model is the wizard's root model.
type Model struct {
	o      Options
	base   context.Context // parent of every check's context; Run's context
	walker *decisiontree.Walker

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
	cursor int

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
	renderSeq *atomic.Int64 // latest page render asked for; older ones are dropped

	frameCache *frameCache
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
		width:      defaultWidth,
		height:     defaultHeight,
		renderSeq:  new(atomic.Int64),
		frameCache: new(frameCache),
		spin:       spinner.New(spinner.WithSpinner(spinner.MiniDot)),
		input:      textinput.New(),
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
		if m.run == nil || !m.run.busy() {
			return m, nil // let the tick chain end while nothing runs
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return m, cmd
	case checkDoneMsg:
		return m, m.checkDone(msg)
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
	return m, m.updateField(msg)
}

// key routes a key press: ctrl+c first, everywhere; then the screen's keys.
// Every handler matches against keysNow, the map the help is drawn from: a
// key works exactly where the help lists it.
func (m Model) key(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if key.Matches(msg, m.keysNow().ForceQuit) {
		// An interrupt, not a quit: Run reports ErrInterrupted so the
		// shell sees 130, as after any ctrl+c.
		m.stopChecks()
		return m, tea.Interrupt
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
	return tea.Quit
}

// restart goes back to the first question. Checks that already ran keep
// their results: the user is retracing steps, not changing their setup.
func (m *Model) restart() tea.Cmd {
	if m.walker == nil {
		return nil
	}
	m.stopChecks()
	m.err = nil
	m.walker.Restart()
	m.cursor = 0
	m.res = nil
	return m.settle()
}

// back returns to the last question or input answered.
func (m *Model) back() tea.Cmd {
	if m.walker == nil {
		return nil
	}
	m.stopChecks()
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
			m.cursor = min(m.cursor, max(len(n.Choices)-1, 0))
			m.layout()
			return nil
		case decisiontree.Input:
			return m.enterInput(n)
		case decisiontree.Check:
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
		m.res.vp.SetHeight(max(m.bodyHeight()-m.resultHeaderHeight(), 1))
	}
}

// chrome is the top line (brand and breadcrumb) and a blank line under it.
const chrome = 2

// footer is the status line (when there is news, wrapped: it may name a
// long path) and the help.
func (m Model) footer() string {
	hv := m.help.View(m.keysNow())
	if m.status == "" {
		return hv
	}
	st := m.st.status
	if strings.HasPrefix(m.status, "Could not") {
		st = m.st.errText
	}
	lines := uiWrap(m.status, m.width)
	if len(lines) > 3 {
		lines = lines[:3]
	}
	for i, ln := range lines {
		lines[i] = st.Render(ln)
	}
	return strings.Join(lines, "\n") + "\n" + hv
}

// bodyHeight is how many lines the current screen's body may use.
func (m Model) bodyHeight() int {
	return max(m.height-chrome-lipgloss.Height(m.footer()), 1)
}

// View draws the screen. The finished frame passes through the redactor:
// one place, so no frame can show the key whatever a screen put in it.
func (m Model) View() tea.View {
	var v tea.View
	v.AltScreen = true
	v.WindowTitle = "unstuck"
	w := m.width
	top := m.st.brand.Render("unstuck")
	crumbs := uiBreadcrumb(m.crumbs(), w-len("unstuck  "), m.st)
	if crumbs != "" {
		top += "  " + crumbs
	}
	body := uiFit(m.body(), w, m.bodyHeight())
	frame := top + "\n\n" + body + "\n" + m.footer()
	frame = m.redactFrame(frame)
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

// redact masks the key and anything key-like.
func (m Model) redact(s string) string {
	if m.o.Runner == nil {
		return (*checks.Redactor)(nil).Redact(s)
	}
	return m.o.Runner.Setup().Redactor.Redact(s)
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
		return m.consentView(w)
	case scrResult:
		return m.resultView(w)
	default:
		msg := "Something is wrong with the wizard's steps."
		if m.err != nil {
			msg = m.err.Error()
		}
		return strings.Join(append(uiWrap(m.st.errText.Render("The wizard cannot go on."), w),
			append([]string{""}, uiWrap(msg, w)...)...), "\n")
	}
}

// ErrInterrupted is what Run returns after ctrl+c or a cancelled context.
var ErrInterrupted = errors.New("wizard interrupted")

// Run starts the wizard in the alternate screen and returns when the user
// quits. A panic inside the wizard is caught by Bubble Tea, which restores
// the terminal; Run then reports it as an error for main to print.
func Run(ctx context.Context, o Options) error {
	opts := []tea.ProgramOption{tea.WithContext(ctx)}
	if o.NoColor {
		// Downsample whatever slipped through to no colour at all.
		opts = append(opts, tea.WithColorProfile(colorprofile.Ascii))
	}
	if o.input != nil {
		opts = append(opts, tea.WithInput(o.input))
	}
	if o.output != nil {
		opts = append(opts, tea.WithOutput(o.output))
	}
	m := newModel(ctx, o)
	guard, gerr := guardStderr()
	final, err := tea.NewProgram(m, opts...).Run()
	if fm, ok := final.(Model); ok {
		fm.stopChecks()
	}
	var crash, crashFile string
	if gerr == nil {
		crash, crashFile = guard.release(m.o.Runner.Setup().Redactor, o.ReportDir)
	}
	switch {
	case err == nil:
		return nil
	case errors.Is(err, tea.ErrProgramPanic):
		if crash == "" {
			crash = "the wizard crashed"
		}
		msg := crash + "\nThe terminal was restored."
		if crashFile != "" {
			msg += " The details (redacted) are in " + crashFile + ": please attach that file to a bug report."
		}
		return errors.New(msg)
	case errors.Is(err, tea.ErrInterrupted), ctx.Err() != nil:
		return ErrInterrupted
	default:
		return fmt.Errorf("wizard: %s", m.redact(err.Error()))
	}
}
