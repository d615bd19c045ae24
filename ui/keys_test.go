package ui

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/decisiontree"
)

// In text fields letters are text: only esc, the submit keys and ctrl+c
// mean anything else there.
func TestKeysInTextFields(t *testing.T) {
	for _, s := range []screen{scrInput, scrPaste} {
		k := uiDefaultKeys().keysFor(s)
		for _, letter := range []string{"q", "r", "?", "j", "k", "s", "y", "n", "backspace"} {
			for _, b := range k.all() {
				if b.Enabled() && key.Matches(uiKey(letter), *b) {
					t.Errorf("screen %d: %q is bound to %q", s, letter, b.Help().Desc)
				}
			}
		}
		if !key.Matches(uiKey("ctrl+c"), k.ForceQuit) || !key.Matches(uiKey("esc"), k.BackText) {
			t.Errorf("screen %d: ctrl+c or esc lost", s)
		}
	}
}

// Every screen offers a way back and a way out in its short help.
func TestEveryScreenHelpsOut(t *testing.T) {
	for s := scrQuestion; s <= scrError; s++ {
		k := uiDefaultKeys().keysFor(s)
		var quit, back bool
		for _, b := range k.ShortHelp() {
			if !b.Enabled() {
				continue
			}
			quit = quit || key.Matches(uiKey("ctrl+c"), b)
			back = back || key.Matches(uiKey("esc"), b)
		}
		if !quit || !back {
			t.Errorf("screen %d: quit %v, back %v", s, quit, back)
		}
	}
}

// keyScreen is a screen of the wizard, reached afresh for every key sent to
// it, in a state where each of its keys has something to do: the cursor and
// the page in the middle, text in the fields, checks still running.
type keyScreen struct {
	name  string
	want  screen
	reach func(t *testing.T) Model
}

func keyScreens(t *testing.T) []keyScreen {
	// Nothing may leave loopback: the one server the checks could reach
	// fails the test if anything arrives (no command is run anyway). One
	// server for every copy of a screen, so that the copies are alike.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("a key test sent %s %s", r.Method, r.URL.Path)
	}))
	t.Cleanup(srv.Close)
	refuse := func(c *checks.Config) { c.BaseURL = srv.URL + "/v1"; c.Env["OPENAI_API_KEY"] = testKey }
	onDriver := func(t *testing.T, setup func(d *driver)) Model {
		f := newFixture(t, refuse)
		d := newDriver(t, f.opts, 80, 24)
		setup(d)
		return d.model()
	}
	// keyTree's only question leads nowhere: the walk fails with a walk to
	// go back in.
	const keyTree = `
start: root
nodes:
  - id: root
    kind: question
    prompt: Pick one
    choices:
      - {label: "Somewhere", value: a, next: nowhere}
      - {label: "Elsewhere", value: b, next: nowhere}
`
	return []keyScreen{
		{"question", scrQuestion, func(t *testing.T) Model {
			m := onDriver(t, func(*driver) {})
			m.cursor = 2 // up, down, first and last all move it
			return m
		}},
		{"question, filter typed", scrQuestion, func(t *testing.T) Model {
			return onDriver(t, func(d *driver) { d.press("/"); d.typeText("e"); d.press("down") })
		}},
		{"question, status code typed", scrQuestion, func(t *testing.T) Model {
			d := realMenu(t, 80, 24)
			d.press("4", "down", "down")
			return d.model()
		}},
		{"input", scrInput, func(t *testing.T) Model {
			return onDriver(t, func(d *driver) { d.choose("401 Unauthorized") })
		}},
		{"paste", scrPaste, func(t *testing.T) Model {
			f := newFixture(t, func(c *checks.Config) {
				refuse(c)
				c.Pasted = "Error code: 401 - invalid_api_key" // the field's text
			})
			d := newDriver(t, f.opts, 80, 24)
			d.choose("Paste the error")
			return d.model()
		}},
		{"checks", scrChecks, func(t *testing.T) Model {
			// By hand: the driver would run the check to its end.
			f := newFixture(t, refuse)
			var tm tea.Model = New(f.opts)
			for _, msg := range []tea.Msg{tea.WindowSizeMsg{Width: 80, Height: 24}, uiKey("j"), uiKey("j"), uiKey("j"), uiKey("enter")} {
				tm, _ = tm.Update(msg) // to "It hangs"; its check is never started
			}
			m := tm.(Model)
			t.Cleanup(m.stopChecks)
			return m
		}},
		{"consent", scrConsent, func(t *testing.T) Model {
			return onDriver(t, func(d *driver) { d.choose("429 Too Many Requests") })
		}},
		{"result", scrResult, func(t *testing.T) Model {
			m := onDriver(t, func(d *driver) { d.choose("401 Unauthorized"); d.press("enter", "enter") })
			vp := &m.res.vp
			vp.SetYOffset((vp.TotalLineCount() - vp.VisibleLineCount()) / 2)
			if vp.AtTop() || vp.AtBottom() || vp.YOffset() < 2 {
				t.Fatalf("the page does not scroll far enough to test its keys: %d lines, %d shown", vp.TotalLineCount(), vp.VisibleLineCount())
			}
			return m
		}},
		{"result, search typed", scrResult, func(t *testing.T) Model {
			return onDriver(t, func(d *driver) {
				d.choose("401 Unauthorized")
				d.press("enter", "enter", "/")
				d.typeText("step")
			})
		}},
		{"result, matches shown", scrResult, func(t *testing.T) Model {
			m := onDriver(t, func(d *driver) {
				d.choose("401 Unauthorized")
				d.press("enter", "enter", "/")
				d.typeText("step")
				d.press("enter")
			})
			vp := &m.res.vp
			vp.SetYOffset((vp.TotalLineCount() - vp.VisibleLineCount()) / 2)
			if len(m.res.search.matches) < 3 {
				t.Fatalf("the search found %d matches", len(m.res.search.matches))
			}
			return m
		}},
		{"error in a walk", scrError, func(t *testing.T) Model {
			f := newFixture(t, refuse)
			tree, err := decisiontree.Parse([]byte(keyTree))
			if err != nil {
				t.Fatal(err)
			}
			f.opts.Tree = tree
			d := newDriver(t, f.opts, 80, 24)
			d.press("enter")
			return d.model()
		}},
		{"error with no walk", scrError, func(t *testing.T) Model {
			return newDriver(t, Options{}, 80, 24).model()
		}},
	}
}

// candidateKeys is every key a person is likely to press, shaped as Bubble
// Tea's input decoder delivers them: printable ASCII (capitals as shift
// plus the letter), space, the named keys, and ctrl and alt with letters.
func candidateKeys() []tea.KeyPressMsg {
	var ks []tea.KeyPressMsg
	for r := rune('!'); r <= '~'; r++ {
		k := tea.KeyPressMsg{Code: r, Text: string(r)}
		if unicode.IsUpper(r) {
			k = tea.KeyPressMsg{Code: unicode.ToLower(r), ShiftedCode: r, Mod: tea.ModShift, Text: string(r)}
		}
		ks = append(ks, k)
	}
	ks = append(ks, tea.KeyPressMsg{Code: tea.KeySpace, Text: " "})
	for _, c := range []rune{
		tea.KeyUp, tea.KeyDown, tea.KeyLeft, tea.KeyRight, tea.KeyEnter, tea.KeyEscape,
		tea.KeyBackspace, tea.KeyTab, tea.KeyPgUp, tea.KeyPgDown, tea.KeyHome, tea.KeyEnd,
		tea.KeyDelete, tea.KeyInsert, tea.KeyF1, tea.KeyF2, tea.KeyF3, tea.KeyF4, tea.KeyF5,
		tea.KeyF6, tea.KeyF7, tea.KeyF8, tea.KeyF9, tea.KeyF10, tea.KeyF11, tea.KeyF12,
	} {
		ks = append(ks, tea.KeyPressMsg{Code: c})
	}
	ks = append(ks,
		tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift},
		tea.KeyPressMsg{Code: tea.KeyUp, Mod: tea.ModShift}, tea.KeyPressMsg{Code: tea.KeyDown, Mod: tea.ModShift},
		tea.KeyPressMsg{Code: tea.KeyHome, Mod: tea.ModCtrl}, tea.KeyPressMsg{Code: tea.KeyEnd, Mod: tea.ModCtrl},
		tea.KeyPressMsg{Code: tea.KeyEnter, Mod: tea.ModAlt}, tea.KeyPressMsg{Code: tea.KeySpace, Mod: tea.ModCtrl},
	)
	for r := 'a'; r <= 'z'; r++ {
		ks = append(ks, tea.KeyPressMsg{Code: r, Mod: tea.ModCtrl}, tea.KeyPressMsg{Code: r, Mod: tea.ModAlt})
	}
	return ks
}

// reacts reports whether the wizard did anything with the key: a command,
// another screen or another frame. In a text field it counts what the
// wizard did other than hand the key to the field, by comparing with a
// second copy of the screen whose field alone got the key: typing a letter
// there is the field's business, submitting or swallowing it is not.
func (s keyScreen) reacts(t *testing.T, k tea.KeyPressMsg) bool {
	t.Helper()
	m := s.reach(t)
	wantScreen, wantFrame := m.screen, m.View().Content
	var wantCmd tea.Cmd
	if m.typing() {
		ref := s.reach(t)
		wantCmd = ref.updateText(k)
		wantScreen, wantFrame = ref.screen, ref.View().Content
	}
	next, cmd := m.Update(k)
	got := next.(Model)
	return (cmd == nil) != (wantCmd == nil) || got.screen != wantScreen || got.View().Content != wantFrame
}

// helpKeys is every key the full help of this key map lists, each once.
func helpKeys(t *testing.T, k keyMap) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, col := range k.FullHelp() {
		for _, b := range col {
			if !b.Enabled() {
				continue
			}
			for _, name := range b.Keys() {
				if out[name] {
					t.Errorf("%q is in two bindings of one screen's help", name)
				}
				out[name] = true
			}
		}
	}
	for _, b := range k.ShortHelp() {
		for _, name := range b.Keys() {
			if b.Enabled() && !out[name] {
				t.Errorf("the short help has %q (%s), the full help does not", name, b.Help().Desc)
			}
		}
	}
	return out
}

// The help of each screen lists every key that does something there, and
// only those: a key handled without a binding, or a binding no handler
// answers, fails here.
func TestHelpListsExactlyTheKeysThatWork(t *testing.T) {
	cands := candidateKeys()
	names := map[string]bool{}
	for _, k := range cands {
		if names[k.String()] {
			t.Fatalf("candidate %q twice", k.String())
		}
		names[k.String()] = true
	}
	for _, must := range []string{"G", "space", "ctrl+d", "pgdown", "esc", "backspace", "?", "home", "shift+tab"} {
		if !names[must] {
			t.Fatalf("no candidate is %q: the key shapes are off", must)
		}
	}
	for _, s := range keyScreens(t) {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			m := s.reach(t)
			if m.screen != s.want {
				t.Fatalf("reached screen %d, want %d:\n%s", m.screen, s.want, ansi.Strip(m.View().Content))
			}
			if m.typing() {
				// The comparison with the field alone must see typing.
				ref := s.reach(t)
				ref.updateText(uiKey("x"))
				if ref.View().Content == m.View().Content {
					t.Fatal("typing x into the field changes nothing: the test could not tell text from keys")
				}
			}
			listed := helpKeys(t, m.keysNow())
			var worked []string
			for _, k := range cands {
				if s.reacts(t, k) {
					worked = append(worked, k.String())
				}
			}
			for _, name := range worked {
				if !listed[name] {
					t.Errorf("%q does something on the %s screen, but its help does not list it", name, s.name)
				}
			}
			for name := range listed {
				switch {
				case !names[name]:
					t.Errorf("the help lists %q, which is not among the keys this test sends: add it to candidateKeys", name)
				case !slices.Contains(worked, name):
					t.Errorf("the help lists %q on the %s screen, but pressing it does nothing", name, s.name)
				}
			}
			t.Logf("%s: %v", s.name, worked)
		})
	}
}

// keyNames is how the help writes a key: arrows as arrows, the rest as
// Bubble Tea names them.
var keyNames = map[string]string{"up": "↑", "down": "↓", "left": "←", "right": "→", "pgdown": "pgdn", "backspace": "⌫"}

// uiHelpTokens maps each key named in a help label ("↑/k") to Bubble
// Tea's name for it ("up", "k").
func uiHelpTokens(label string) map[string]bool {
	byName := map[string]string{}
	for k, v := range keyNames {
		byName[v] = k
	}
	out := map[string]bool{}
	if label == "/" {
		return map[string]bool{"/": true}
	}
	if label == "0-9" {
		for d := '0'; d <= '9'; d++ {
			out[string(d)] = true
		}
		return out
	}
	for _, tok := range strings.Split(label, "/") {
		if k, ok := byName[tok]; ok {
			tok = k
		}
		out[tok] = true
	}
	return out
}

// The full help names every key of each binding, and no key the binding
// lacks; a capital is covered by its letter in the same binding (y sends,
// and so does Y).
func TestHelpLabelsNameEveryKey(t *testing.T) {
	k := uiDefaultKeys()
	for _, b := range k.all() {
		named := uiHelpTokens(b.Help().Key)
		keys := map[string]bool{}
		for _, name := range b.Keys() {
			keys[name] = true
			lower := strings.ToLower(name)
			if !named[name] && !(lower != name && named[lower]) {
				t.Errorf("binding %q (%s) has key %q but its help does not name it", b.Help().Key, b.Help().Desc, name)
			}
		}
		for tok := range named {
			if !keys[tok] {
				t.Errorf("binding %q (%s) names %q, which it does not hold", b.Help().Key, b.Help().Desc, tok)
			}
		}
	}
	// The short line may abbreviate, never name what does not work.
	for s := scrQuestion; s <= scrError; s++ {
		for _, b := range k.keysFor(s).ShortHelp() {
			for tok := range uiHelpTokens(b.Help().Key) {
				if b.Enabled() && !slices.Contains(b.Keys(), tok) {
					t.Errorf("screen %d: the short help names %q for %q, which is not its key", s, tok, b.Help().Desc)
				}
			}
		}
	}
}

// The full help lists every binding there is, and all lists every binding
// the key map has: a binding added to the struct but not to these would
// work (or not) out of the help's sight.
func TestFullHelpHasEveryBinding(t *testing.T) {
	k := uiDefaultKeys()
	fields := reflect.TypeOf(k).NumField()
	if n := len(k.all()); n != fields {
		t.Fatalf("all() has %d bindings, keyMap has %d fields", n, fields)
	}
	var full []key.Binding
	for _, col := range k.FullHelp() {
		full = append(full, col...)
	}
	for _, b := range k.all() {
		if !slices.ContainsFunc(full, func(f key.Binding) bool {
			return f.Help() == b.Help() && slices.Equal(f.Keys(), b.Keys())
		}) {
			t.Errorf("binding %q (%s) is not in the full help", b.Help().Key, b.Help().Desc)
		}
	}
}

// No handler looks at a key press other than through key.Matches: a key
// read by its name, code or text would work outside the keymap, where the
// help cannot see it (and where the test above may not either, when it
// changes nothing on screen, as a case that only swallows a key).
func TestHandlersReadKeysOnlyThroughBindings(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			fn, ok := n.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				return true
			}
			keys := map[string]bool{} // parameters that hold a key press
			for _, p := range fn.Type.Params.List {
				if sel, ok := p.Type.(*ast.SelectorExpr); ok && strings.HasPrefix(sel.Sel.Name, "Key") && strings.HasSuffix(sel.Sel.Name, "Msg") {
					for _, id := range p.Names {
						keys[id.Name] = true
					}
				}
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				sel, ok := n.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				if id, ok := sel.X.(*ast.Ident); ok && keys[id.Name] {
					t.Errorf("%s: %s reads %s.%s; match the key with key.Matches and a binding instead",
						fset.Position(sel.Pos()), fn.Name.Name, id.Name, sel.Sel.Name)
				}
				return true
			})
			return false
		})
	}
}
