package ui

import (
	"slices"

	"charm.land/bubbles/v2/key"
)

// keyMap is every key the wizard answers to. Which of them apply depends on
// the screen: keysFor switches the others off, and the screens' handlers
// match only against the switched-on map, so that the help and what the
// keys do cannot drift apart. A binding's help names every key it holds.
type keyMap struct {
	Up, Down, First, Last, Choose key.Binding // question
	Submit, SubmitText            key.Binding // input: enter; pasted text: ctrl+d / ctrl+s
	Send, Skip                    key.Binding // consent
	ScrollUp, ScrollDown          key.Binding // result page
	HalfPageUp, HalfPageDown      key.Binding
	PageUp, PageDown              key.Binding
	Top, Bottom                   key.Binding
	Save                          key.Binding
	Back, BackText                key.Binding // esc/backspace; in text inputs esc only
	Restart, Help, Quit           key.Binding
	ForceQuit                     key.Binding // ctrl+c: works everywhere, even in text
}

func uiDefaultKeys() keyMap {
	return keyMap{
		Up:           key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:         key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		First:        key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "first")),
		Last:         key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", "last")),
		Choose:       key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "choose")),
		Submit:       key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "continue")),
		SubmitText:   key.NewBinding(key.WithKeys("ctrl+d", "ctrl+s"), key.WithHelp("ctrl+d/ctrl+s", "submit")),
		Send:         key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "send it")),
		Skip:         key.NewBinding(key.WithKeys("n", "N"), key.WithHelp("n", "don't send")),
		ScrollUp:     key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "scroll up")),
		ScrollDown:   key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "scroll down")),
		HalfPageUp:   key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "half page up")),
		HalfPageDown: key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "half page down")),
		PageUp:       key.NewBinding(key.WithKeys("pgup", "b"), key.WithHelp("pgup/b", "page up")),
		PageDown:     key.NewBinding(key.WithKeys("pgdown", "space", "f"), key.WithHelp("pgdn/space/f", "page down")),
		Top:          key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "top")),
		Bottom:       key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", "bottom")),
		Save:         key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "save report + copy")),
		Back:         key.NewBinding(key.WithKeys("esc", "backspace"), key.WithHelp("esc/⌫", "back")),
		BackText:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Restart:      key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "restart")),
		Help:         key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "more keys")),
		Quit:         key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		ForceQuit:    key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
	}
}

// keysFor is the key map with only the bindings that work on this screen
// enabled. In text inputs letters are text: q, r, ? and backspace belong to
// the input there, and only esc and ctrl+c keep a global meaning.
func (k keyMap) keysFor(s screen) keyMap {
	on := map[*key.Binding]bool{&k.ForceQuit: true}
	enable := func(bs ...*key.Binding) {
		for _, b := range bs {
			on[b] = true
		}
	}
	global := []*key.Binding{&k.Back, &k.Restart, &k.Help, &k.Quit}
	switch s {
	case scrQuestion:
		enable(&k.Up, &k.Down, &k.First, &k.Last, &k.Choose)
		enable(global...)
	case scrInput:
		enable(&k.Submit, &k.BackText)
	case scrPaste:
		enable(&k.SubmitText, &k.BackText)
	case scrConsent:
		enable(&k.Send, &k.Skip)
		enable(global...)
	case scrResult:
		enable(&k.ScrollUp, &k.ScrollDown, &k.HalfPageUp, &k.HalfPageDown,
			&k.PageUp, &k.PageDown, &k.Top, &k.Bottom, &k.Save)
		enable(global...)
	default: // checks, error
		enable(global...)
	}
	for _, b := range k.all() {
		b.SetEnabled(on[b])
	}
	return k
}

func (k *keyMap) all() []*key.Binding {
	return []*key.Binding{
		&k.Up, &k.Down, &k.First, &k.Last, &k.Choose, &k.Submit, &k.SubmitText, &k.Send, &k.Skip,
		&k.ScrollUp, &k.ScrollDown, &k.HalfPageUp, &k.HalfPageDown, &k.PageUp, &k.PageDown,
		&k.Top, &k.Bottom, &k.Save,
		&k.Back, &k.BackText, &k.Restart, &k.Help, &k.Quit, &k.ForceQuit,
	}
}

// ShortHelp is the one-line help at the bottom of every screen; the rest
// waits for ? to keep it short. Two items abbreviate: back shows as esc (it
// is backspace too) and quit as q (ctrl+c too), or as ctrl+c where q is text.
// The full help names every key.
func (k keyMap) ShortHelp() []key.Binding {
	back := k.Back
	back.SetHelp("esc", k.Back.Help().Desc)
	quit := k.ForceQuit
	if k.Quit.Enabled() {
		quit = k.Quit
		quit.SetKeys(slices.Concat(k.Quit.Keys(), k.ForceQuit.Keys())...)
	}
	return []key.Binding{
		k.Up, k.Down, k.Choose, k.Submit, k.SubmitText, k.Send, k.Skip,
		k.ScrollDown, k.Save, back, k.BackText, quit, k.Help,
	}
}

// FullHelp is what ? shows: the keys of this screen, the page's, then the
// global ones. It lists every binding, so every key that works is in it.
func (k keyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.First, k.Last, k.Choose, k.Submit, k.SubmitText, k.Send, k.Skip},
		{k.ScrollUp, k.ScrollDown, k.HalfPageUp, k.HalfPageDown, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.Save, k.Back, k.BackText, k.Restart, k.Help, k.Quit, k.ForceQuit},
	}
}

// keysNow is the key map of what the user is looking at: the screen's, less
// going back and restarting when there is no walk to go back in (the tree
// or the runner was missing), and ? saying what it does now.
func (m Model) keysNow() keyMap {
	k := m.keys.keysFor(m.screen)
	if m.walker == nil {
		k.Back.SetEnabled(false)
		k.Restart.SetEnabled(false)
	}
	if m.help.ShowAll {
		k.Help.SetHelp("?", "fewer keys")
	}
	return k
}
