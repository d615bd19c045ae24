package ui

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/term"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/decisiontree"
	"github.com/unstuck-dev/unstuck/report"
)

// The line-by-line mode is for TERM=dumb and screen readers
// (UNSTUCK_ACCESSIBLE=1), as huh's accessible mode is: no alternate
// screen, no cursor moves, no terminal queries, no colour. Questions are
// numbered lines answered on stdin; check results are printed as they
// come; the page is plain text.
//
// It drives the very Model the full-screen wizard runs (the same walk, the
// same consent rule, the same redaction); only the drawing differs. Each
// answer goes through the Model's own methods (chooseIndex, submitInput,
// back, restart) or, for the billable-request question, its keys.

// lineMode is one line-by-line session.
type lineMode struct {
	ctx     context.Context
	m       Model
	out     io.Writer
	lines   <-chan string // stdin, a line at a time; closed at EOF
	msgs    chan tea.Msg  // what the Model's commands returned
	pending int           // commands still running
	lastGen int           // the batch of checks last announced
	allGen  int           // the all-setups search last announced
	allRun  int           // the all-setups checks last announced
	listed  int           // the all-setups list whose lines were all printed as they came
}

// errQuit ends the session the way q ends the wizard.
var errQuit = fmt.Errorf("quit")

// panicMsg is a command that panicked.
type panicMsg struct{ v any }

func runAccessible(ctx context.Context, o Options, in io.Reader, out io.Writer) (err error) {
	o.NoColor = true
	a := &lineMode{ctx: ctx, m: newModel(ctx, o), out: out, msgs: make(chan tea.Msg, 64)}
	// A panic ends in a short, redacted message, never a stack holding
	// what the panic carried (the full-screen wizard's guard does the same).
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("the wizard crashed: %s", a.m.redact(fmt.Sprint(p)))
		}
	}()
	a.m.width = lineWidth(out)
	a.lines = readLines(in)
	defer a.m.stopChecks()
	defer a.m.stopAll()
	if a.m.pending {
		a.m.pending = false
		a.exec(a.m.settle())
	}
	err = a.loop()
	if err == errQuit {
		fmt.Fprintln(out) // the answer stands apart from the questions
		a.m.printFinish(out)
		return nil
	}
	return err
}

// lineWidth is the terminal's width (for wrapping the page), at most 100.
func lineWidth(out io.Writer) int {
	if f, ok := out.(*os.File); ok {
		if w, _, err := term.GetSize(f.Fd()); err == nil && w > 20 {
			return min(w, 100)
		}
	}
	return defaultWidth
}

func readLines(in io.Reader) <-chan string {
	ch := make(chan string)
	go func() {
		defer close(ch)
		r := bufio.NewReaderSize(in, 64<<10)
		for {
			ln, err := r.ReadString('\n')
			if len(ln) > maxLineInput*16 {
				ln = ln[:maxLineInput*16]
			}
			if ln != "" || err == nil {
				ch <- strings.TrimRight(ln, "\r\n")
			}
			if err != nil {
				return
			}
		}
	}()
	return ch
}

// say prints lines, redacted and without any control character, wrapped
// at words to the terminal (which would break them inside a word).
func (a *lineMode) say(lines ...string) {
	for _, ln := range lines {
		ln = checks.StripControls(ansi.Strip(a.m.redact(ln)))
		indent := len(ln) - len(strings.TrimLeft(ln, " "))
		if i := strings.Index(ln, ". "); i > 0 && i < 4 && strings.Trim(ln[:i], " 0123456789") == "" {
			indent = i + 2 // a numbered choice: its next lines under its text
		}
		for j, part := range uiWrapWords(ln, max(a.m.width-indent, 10)) {
			if j > 0 {
				part = strings.Repeat(" ", indent) + part
			}
			fmt.Fprintln(a.out, part)
		}
	}
}

// ask prints a prompt and reads one line; errQuit at EOF.
func (a *lineMode) ask(prompt string) (string, error) {
	fmt.Fprint(a.out, checks.StripControls(a.m.redact(prompt)))
	select {
	case <-a.ctx.Done():
		return "", ErrInterrupted
	case ln, ok := <-a.lines:
		if !ok {
			fmt.Fprintln(a.out)
			return "", errQuit
		}
		return ln, nil
	}
}

// exec runs a command of the Model in the background.
func (a *lineMode) exec(c tea.Cmd) {
	if c == nil {
		return
	}
	a.pending++
	go func() {
		defer func() {
			if p := recover(); p != nil {
				a.msgs <- panicMsg{p}
			}
		}()
		a.msgs <- c()
	}()
}

// settleAll waits for every command, handing their messages to the Model.
func (a *lineMode) settleAll() error {
	for a.pending > 0 {
		select {
		case <-a.ctx.Done():
			return ErrInterrupted
		case msg := <-a.msgs:
			a.pending--
			a.handle(msg)
		}
	}
	return nil
}

func (a *lineMode) handle(msg tea.Msg) {
	switch msg := msg.(type) {
	case panicMsg:
		panic(msg.v)
	case tea.BatchMsg:
		for _, c := range msg {
			a.exec(c)
		}
	case checkDoneMsg:
		if a.m.run != nil && msg.gen == a.m.run.gen {
			r := msg.result
			title := r.Title
			if title == "" {
				title = r.ID
			}
			line := "  " + report.Mark(r.Status) + " " + uiOneLine(title)
			if s := uiOneLine(r.Summary); s != "" {
				line += ": " + s
			}
			a.say(line + fmt.Sprintf(" (%d ms)", r.Duration.Milliseconds()))
		}
		a.feed(msg)
	case allDoneMsg:
		a.feed(msg)
		if all := a.m.all; all != nil && msg.gen == all.gen && msg.i >= 0 && msg.i < len(all.results) {
			a.say(a.allLine(msg.i))
		}
	case pageRenderedMsg, settleMsg, allFoundMsg:
		a.feed(msg)
	}
	// Anything else (spinner ticks, cursor blinks) is drawing: dropped.
}

func (a *lineMode) feed(msg tea.Msg) {
	next, cmd := a.m.Update(msg)
	a.m = next.(Model)
	a.exec(cmd)
	a.announce()
}

// announce names a batch of checks when it starts, and the search for
// every setup and their checks when they start.
func (a *lineMode) announce() {
	if all := a.m.all; all != nil && a.m.screen == scrAll {
		switch {
		case all.finding && all.gen != a.allGen:
			a.allGen = all.gen
			a.say("", "Looking for every client and provider configured on this machine…")
		case !all.finding && all.gen != a.allRun:
			a.allRun = all.gen
			a.say("", fmt.Sprintf("Every setup on this machine (%d)", len(all.setups)))
		}
		return
	}
	run := a.m.run
	if a.m.screen != scrChecks || run == nil || run.gen == a.lastGen {
		return
	}
	a.lastGen = run.gen
	prompt := run.node.Prompt
	if prompt == "" {
		prompt = "Checking: " + run.node.Label()
	}
	a.say("", prompt)
}

func (a *lineMode) loop() error {
	for {
		a.announce()
		if err := a.settleAll(); err != nil {
			return err
		}
		if a.m.status != "" {
			a.say(a.m.status)
			a.m.status = ""
		}
		var err error
		switch a.m.screen {
		case scrQuestion:
			err = a.question()
		case scrInput:
			err = a.input()
		case scrPaste:
			err = a.paste()
		case scrConsent:
			err = a.consent()
		case scrAllConsent:
			err = a.allConsent()
		case scrAll:
			err = a.allList()
		case scrResult:
			err = a.result()
		case scrError:
			msg := "the wizard's steps are broken"
			if a.m.err != nil {
				msg = a.m.err.Error()
			}
			a.say("The wizard cannot go on: " + msg)
			return fmt.Errorf("%s", a.m.redact(msg))
		default:
			// Checks with nothing left running: nothing would move on.
			return fmt.Errorf("the checks stopped without a result")
		}
		if err != nil {
			return err
		}
	}
}

// navigate handles the words every step takes: back, restart, quit.
func (a *lineMode) navigate(ans string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(ans)) {
	case "q", "quit":
		return true, errQuit
	case "b", "back":
		a.exec(a.m.back())
		return true, nil
	case "r", "restart":
		a.lastGen = 0
		a.exec(a.m.restart())
		return true, nil
	}
	return false, nil
}

func (a *lineMode) head(prompt, help string) {
	a.say("")
	a.say(uiOneLine(prompt))
	if help != "" {
		a.say(uiOneLine(help))
	}
}

func (a *lineMode) question() error {
	n := a.m.walker.Current()
	a.head(n.Prompt, n.Help)
	width := len(strconv.Itoa(len(n.Choices)))
	for i, c := range n.Choices {
		line := fmt.Sprintf("%*d. %s", width, i+1, uiOneLine(c.Label))
		if h := a.m.choiceHint(n, c); h != "" {
			line += " — " + uiOneLine(h)
		}
		a.say(line)
	}
	a.say(fmt.Sprintf("Type a number (1-%d), a status code or a word; b goes back, r restarts, q quits.", len(n.Choices)))
	for {
		ans, err := a.ask("> ")
		if err != nil {
			return err
		}
		if done, err := a.navigate(ans); done {
			return err
		}
		i, why := pickChoice(n.Choices, ans)
		if i >= 0 {
			a.say("→ " + uiOneLine(n.Choices[i].Label))
			a.exec(a.m.chooseIndex(i))
			return nil
		}
		a.say(why)
	}
}

// pickChoice reads an answer to a question: the choice's number, a status
// code its label starts with, or words only one choice holds (the same
// matching as the menu's filter).
func pickChoice(choices []decisiontree.Choice, ans string) (int, string) {
	ans = strings.TrimSpace(ans)
	if ans == "" {
		return -1, "Type the number of a choice."
	}
	if n, err := strconv.Atoi(ans); err == nil {
		if n >= 1 && n <= len(choices) {
			return n - 1, ""
		}
		for i, c := range choices {
			for _, code := range uiLabelCodes(c.Label) {
				if code == ans {
					return i, ""
				}
			}
		}
		return -1, fmt.Sprintf("%s is neither a choice's number nor a status code listed.", ans)
	}
	words := strings.Fields(strings.ToLower(ans))
	var hits []int
	for i, c := range choices {
		text := strings.ToLower(c.Label + " " + c.Hint + " " + c.Value)
		all := true
		for _, w := range words {
			all = all && strings.Contains(text, w)
		}
		if all {
			hits = append(hits, i)
		}
	}
	switch len(hits) {
	case 1:
		return hits[0], ""
	case 0:
		return -1, fmt.Sprintf("No choice mentions %q.", ans)
	}
	var nums []string
	for _, i := range hits {
		nums = append(nums, strconv.Itoa(i+1))
	}
	return -1, fmt.Sprintf("%q fits choices %s: type one number.", ans, strings.Join(nums, ", "))
}

func (a *lineMode) input() error {
	n := a.m.walker.Current()
	a.head(n.Prompt, n.Help)
	pre := a.m.prefill(n)
	switch src := a.m.prefillSource(n); {
	case pre != "" && src != "":
		a.say("Press enter to keep " + pre + " (from " + src + "), or type another value.")
	case pre != "":
		a.say("Press enter to keep " + pre + ", or type another value.")
	case n.Optional:
		a.say("Press enter to skip it.")
	}
	a.say("A line with only < goes back.")
	for {
		ans, err := a.ask("> ")
		if err != nil {
			return err
		}
		if strings.TrimSpace(ans) == "<" {
			a.exec(a.m.back())
			return nil
		}
		if strings.TrimSpace(ans) == "" {
			ans = pre
		}
		a.m.input.SetValue(ans)
		a.exec(a.m.submitInput(ans))
		if a.m.screen == scrInput && a.m.inputErr != "" {
			a.say(a.m.inputErr)
			a.m.inputErr = ""
			continue
		}
		return nil
	}
}

func (a *lineMode) paste() error {
	n := a.m.walker.Current()
	a.head(n.Prompt, n.Help)
	a.say("Paste it, then type a line with only a dot (.) to finish. A dot alone on the first line goes back.")
	var lines []string
	for {
		ln, err := a.ask("")
		if err == errQuit && len(lines) > 0 {
			break // EOF ends the paste; the next question reads EOF again
		}
		if err != nil {
			return err
		}
		if strings.TrimSpace(ln) == "." {
			if len(lines) == 0 {
				a.exec(a.m.back())
				return nil
			}
			break
		}
		lines = append(lines, ln)
		if len(lines) >= maxPasteLines {
			break
		}
	}
	text := strings.Join(lines, "\n")
	if len(text) > maxPasteChars {
		text = text[:maxPasteChars]
	}
	a.exec(a.m.submitInput(text))
	if a.m.screen == scrPaste && a.m.inputErr != "" {
		a.say(a.m.inputErr)
		a.m.inputErr = ""
	}
	return nil
}

// consent asks the billable-request question in the Model's own words
// (consentView), without its box, and answers with its keys.
func (a *lineMode) consent() error {
	a.sayUnboxed(a.m.consentView(a.m.width, math.MaxInt))
	for {
		ans, err := a.ask("Send it? y or n (b back, r restart, q quit) > ")
		if err != nil {
			return err
		}
		if done, err := a.navigate(ans); done {
			return err
		}
		switch strings.ToLower(strings.TrimSpace(ans)) {
		case "y", "yes":
			a.feed(uiKeyPress("y"))
			return nil
		case "n", "no":
			a.feed(uiKeyPress("n"))
			return nil
		}
		a.say("Type y to send it or n to skip it.")
	}
}

// sayUnboxed prints a view without its box's frame.
func (a *lineMode) sayUnboxed(view string) {
	a.say("")
	for _, ln := range strings.Split(ansi.Strip(view), "\n") {
		ln = strings.TrimSpace(strings.Trim(strings.TrimSpace(ln), "│┃|"))
		if strings.Trim(ln, "─┌┐└┘╭╮╰╯-+ ") == "" {
			continue // the box's top and bottom
		}
		a.say(ln)
	}
}

// allConsent asks, once, for every billable request of every setup, in
// the full-screen wizard's words (allConsentView), and answers with its
// keys.
func (a *lineMode) allConsent() error {
	a.sayUnboxed(a.m.allConsentView(a.m.width, math.MaxInt))
	for {
		ans, err := a.ask("Send them? y or n (b back, r restart, q quit) > ")
		if err != nil {
			return err
		}
		if done, err := a.navigate(ans); done {
			return err
		}
		switch strings.ToLower(strings.TrimSpace(ans)) {
		case "y", "yes", "n", "no":
			a.feed(uiKeyPress(strings.ToLower(strings.TrimSpace(ans))[:1]))
			if a.m.status != "" { // before the setups' lines, not after
				a.say(a.m.status)
				a.m.status = ""
			}
			return nil
		}
		a.say("Type y to send them all or n to check every setup without them.")
	}
}

// allLine is setup i's numbered line: mark, clients, provider, endpoint
// and what was found (the full-screen list's row).
func (a *lineMode) allLine(i int) string {
	all := a.m.all
	status, where, what := all.row(i)
	width := len(strconv.Itoa(len(all.setups)))
	return fmt.Sprintf("%*d. %s %s  %s — %s", width, i+1, report.Mark(status), all.setups[i].Name, where, what)
}

// allList asks which setup's page to show once every setup is checked;
// enter takes the one the Model highlights (the first failing).
func (a *lineMode) allList() error {
	all := a.m.all
	if all == nil || all.busy() {
		return fmt.Errorf("the checks stopped without a result")
	}
	if a.listed != all.gen {
		a.listed = all.gen // the lines were printed as they came
	} else {
		a.say("", fmt.Sprintf("Every setup on this machine (%d)", len(all.setups)))
		for i := range all.setups {
			a.say(a.allLine(i))
		}
	}
	a.say(all.tally())
	def := all.firstFailing()
	for {
		ans, err := a.ask(fmt.Sprintf("Which setup's page? Type its number (1-%d); enter shows %d (%s); b back, r restart, q quit > ",
			len(all.setups), def+1, uiOneLine(all.setups[def].Name)))
		if err != nil {
			return err
		}
		if done, err := a.navigate(ans); done {
			return err
		}
		i := def
		if t := strings.TrimSpace(ans); t != "" {
			n, err := strconv.Atoi(t)
			if err != nil || n < 1 || n > len(all.setups) {
				a.say(fmt.Sprintf("%s is not a setup's number.", t))
				continue
			}
			i = n - 1
		}
		if r := all.results[i]; r.err != nil {
			a.say(fmt.Sprintf("Setup %d has no page: its checks did not finish (%s).", i+1, uiOneLine(r.err.Error())))
			continue
		}
		all.cursor = i
		a.say("→ " + uiOneLine(all.setups[i].Name))
		a.exec(a.m.openAll(i))
		return nil
	}
}

// uiKeyPress is the key press a letter is.
func uiKeyPress(letter string) tea.KeyPressMsg {
	r := []rune(letter)[0]
	return tea.KeyPressMsg{Code: r, Text: letter}
}

func (a *lineMode) result() error {
	r := a.m.res
	v := r.verdict
	a.say("")
	if all := a.m.all; all != nil && all.showing && all.cursor < len(all.setups) {
		_, where, _ := all.row(all.cursor)
		a.say(fmt.Sprintf("Setup %d of %d: %s — %s", all.cursor+1, len(all.setups), uiOneLine(all.setups[all.cursor].Name), where))
	}
	title := uiOneLine(v.Title())
	if v.Cause.Layer != "" {
		title += " (layer: " + v.Cause.Layer + ")"
	}
	a.say(title)
	if len(v.Results) > 0 {
		a.say("Checks:")
		for _, res := range failuresFirst(v.Results) {
			line := "  " + report.Mark(res.Status) + " " + res.ID
			if s := uiOneLine(res.Summary); s != "" {
				line += ": " + s
			}
			a.say(line)
		}
	}
	a.say("")
	// The page as the renderer laid it out, at this width: wrapped again
	// by say, a list item's line would break a word early under its
	// number's indent ("4. … set it there too:" / "docker" / "run -e …"),
	// and a command would be cut at its spaces, which a copied command
	// does not survive.
	page := r.vp.GetContent()
	for _, ln := range strings.Split(ansi.Strip(page), "\n") {
		fmt.Fprintln(a.out, checks.StripControls(a.m.redact(strings.TrimRight(ln, " "))))
	}
	a.say("")
	prompt := "s saves a support report; b back, r restart, q quit > "
	if a.m.all != nil && a.m.all.showing {
		prompt = "s saves a support report; b back to the list, r restart, q quit > "
	}
	for {
		ans, err := a.ask(prompt)
		if err != nil {
			return err
		}
		if done, err := a.navigate(ans); done {
			return err
		}
		if strings.ToLower(strings.TrimSpace(ans)) == "s" {
			text := v.Report(a.m.o.Version, time.Now())
			path, err := uiWriteReport(a.m.o.ReportDir, time.Now(), text)
			if err != nil {
				a.say("Could not save the report: " + err.Error())
				continue
			}
			a.m.saved = append(a.m.saved, path)
			// The path is shown whole: paths are not secrets, and a folder
			// named like a key must not be masked.
			fmt.Fprintln(a.out, "Report saved to "+checks.StripControls(path))
			continue
		}
		a.say("Type s, b, r or q.")
	}
}
