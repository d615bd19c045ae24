package ui

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// driver runs the model the way Bubble Tea would, but synchronously: it
// feeds a message to Update, runs the returned commands, and feeds their
// messages back until nothing is left. Spinner ticks are dropped (they
// would tick forever). Every frame is kept, so a test can check that no
// frame ever showed something.
type driver struct {
	t      *testing.T
	m      tea.Model
	quit   bool
	clip   []string // what was sent to the clipboard
	frames []string // every View, as sent to the terminal (with ANSI)
}

func newDriver(t *testing.T, o Options, w, h int) *driver {
	t.Helper()
	d := &driver{t: t, m: New(o)}
	d.frame()
	d.exec(d.m.Init())
	d.send(tea.WindowSizeMsg{Width: w, Height: h})
	return d
}

// exec runs a command and feeds back what it returns.
func (d *driver) exec(c tea.Cmd) {
	for _, msg := range d.run(c) {
		d.send(msg)
	}
}

func (d *driver) send(first tea.Msg) {
	d.t.Helper()
	queue := []tea.Msg{first}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 10000 {
			d.t.Fatal("the model keeps sending messages to itself")
		}
		msg := queue[0]
		queue = queue[1:]
		switch msg := msg.(type) {
		case nil, spinner.TickMsg:
			continue
		case tea.BatchMsg:
			for _, c := range msg {
				queue = append(queue, d.run(c)...)
			}
			continue
		case tea.QuitMsg, tea.InterruptMsg:
			d.quit = true
			continue
		}
		if cmds, ok := uiSequence(msg); ok {
			for _, c := range cmds {
				queue = append(queue, d.run(c)...)
			}
			continue
		}
		// tea.SetClipboard's message is unexported; it is a string.
		if t := reflect.TypeOf(msg); t.PkgPath() == reflect.TypeOf(tea.QuitMsg{}).PkgPath() && t.Kind() == reflect.String &&
			strings.Contains(t.Name(), "lipboard") {
			d.clip = append(d.clip, reflect.ValueOf(msg).String())
			continue
		}
		var cmd tea.Cmd
		d.m, cmd = d.m.Update(msg)
		d.frame()
		queue = append(queue, d.run(cmd)...)
	}
}

// uiSequence unpacks tea.Sequence's unexported message ([]tea.Cmd).
func uiSequence(msg tea.Msg) ([]tea.Cmd, bool) {
	v := reflect.ValueOf(msg)
	if v.Kind() != reflect.Slice || v.Type().Elem() != reflect.TypeOf(tea.Cmd(nil)) {
		return nil, false
	}
	out := make([]tea.Cmd, v.Len())
	for i := range out {
		out[i] = v.Index(i).Interface().(tea.Cmd)
	}
	return out, true
}

// burst sends messages faster than commands finish, as a resize storm
// does: every Update runs first, then the commands they returned.
func (d *driver) burst(msgs []tea.Msg, after func(tea.Msg)) {
	d.t.Helper()
	var cmds []tea.Cmd
	for _, msg := range msgs {
		var cmd tea.Cmd
		d.m, cmd = d.m.Update(msg)
		d.frame()
		if after != nil {
			after(msg)
		}
		cmds = append(cmds, cmd)
	}
	for _, c := range cmds {
		for _, msg := range d.run(c) {
			d.send(msg)
		}
	}
}

func (d *driver) run(c tea.Cmd) []tea.Msg {
	if c == nil {
		return nil
	}
	ch := make(chan tea.Msg, 1)
	go func() { ch <- c() }()
	select {
	case msg := <-ch:
		return []tea.Msg{msg}
	case <-time.After(20 * time.Second):
		d.t.Fatal("a command did not return")
		return nil
	}
}

func (d *driver) frame() string {
	s := d.m.View().Content
	d.frames = append(d.frames, s)
	return s
}

// screen is the current frame without ANSI.
func (d *driver) screen() string { return ansi.Strip(d.m.View().Content) }

func (d *driver) model() Model { return d.m.(Model) }

// press sends key presses by name: "enter", "esc", "ctrl+c", "j", "?".
func (d *driver) press(keys ...string) {
	d.t.Helper()
	for _, k := range keys {
		d.send(uiKey(k))
	}
}

// typeText types text one key at a time.
func (d *driver) typeText(s string) {
	for _, r := range s {
		d.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

func uiKey(k string) tea.KeyPressMsg {
	named := map[string]rune{
		"enter": tea.KeyEnter, "esc": tea.KeyEscape, "backspace": tea.KeyBackspace,
		"up": tea.KeyUp, "down": tea.KeyDown, "left": tea.KeyLeft, "right": tea.KeyRight, "pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown,
		"tab": tea.KeyTab,
	}
	if c, ok := named[k]; ok {
		return tea.KeyPressMsg{Code: c}
	}
	if k == "space" {
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	}
	if c, ok := strings.CutPrefix(k, "ctrl+"); ok {
		return tea.KeyPressMsg{Code: []rune(c)[0], Mod: tea.ModCtrl}
	}
	r := []rune(k)
	if len(r) != 1 {
		panic(fmt.Sprintf("unknown key %q", k))
	}
	return tea.KeyPressMsg{Code: r[0], Text: k}
}

// choose moves the highlight to the choice with this label and presses enter.
func (d *driver) choose(label string) {
	d.t.Helper()
	n := d.model().walker.Current()
	want := -1
	for i, c := range n.Choices {
		if c.Label == label {
			want = i
		}
	}
	if want < 0 {
		d.t.Fatalf("no choice %q at %q:\n%s", label, n.ID, d.screen())
	}
	for d.model().cursor < want {
		d.press("j")
	}
	for d.model().cursor > want {
		d.press("k")
	}
	if !strings.Contains(d.screen(), "› "+label) {
		d.t.Fatalf("choice %q is not highlighted on screen:\n%s", label, d.screen())
	}
	d.press("enter")
}

// mustShow fails unless the screen shows every string.
func (d *driver) mustShow(wants ...string) {
	d.t.Helper()
	s := d.screen()
	for _, w := range wants {
		if !strings.Contains(s, w) {
			d.t.Fatalf("screen does not show %q:\n%s", w, s)
		}
	}
}

func (d *driver) mustNotShow(wants ...string) {
	d.t.Helper()
	s := d.screen()
	for _, w := range wants {
		if strings.Contains(s, w) {
			d.t.Fatalf("screen shows %q:\n%s", w, s)
		}
	}
}

// checkFits fails when a frame is wider or taller than the window.
func (d *driver) checkFits(w, h int) {
	d.t.Helper()
	lines := strings.Split(ansi.Strip(d.frames[len(d.frames)-1]), "\n")
	if len(lines) > h {
		d.t.Fatalf("frame has %d lines for a %dx%d window", len(lines), w, h)
	}
	for _, ln := range lines {
		if ansi.StringWidth(ln) > w {
			d.t.Fatalf("line %q is %d cells wide in a %dx%d window", ln, ansi.StringWidth(ln), w, h)
		}
	}
}
