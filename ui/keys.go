package ui

import "charm.land/bubbles/v2/key"

// keyMap is every key the wizard answers to. Which of them apply depends on
// the screen: keysFor switches the others off, so that help lists only what
// works where the user is.
type keyMap struct {
	Up, Down, Choose    key.Binding // question
	Submit, SubmitText  key.Binding // input: enter; pasted text: ctrl+d / ctrl+s
	Send, Skip          key.Binding // consent
	ScrollUp, ScrollDn  key.Binding // result page
	PageUp, PageDown    key.Binding
	Save                key.Binding
	Back, BackText      key.Binding // esc/backspace; in text inputs esc only
	Restart, Help, Quit key.Binding
	ForceQuit           key.Binding // ctrl+c: works everywhere, even in text
}

func uiDefaultKeys() keyMap {
	return keyMap{
		Up:         key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:       key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Choose:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "choose")),
		Submit:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "continue")),
		SubmitText: key.NewBinding(key.WithKeys("ctrl+d", "ctrl+s"), key.WithHelp("ctrl+d/ctrl+s", "submit")),
		Send:       key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "send it")),
		Skip:       key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "don't send")),
		ScrollUp:   key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "scroll up")),
		ScrollDn:   key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "scroll down")),
		PageUp:     key.NewBinding(key.WithKeys("pgup", "b"), key.WithHelp("pgup", "page up")),
		PageDown:   key.NewBinding(key.WithKeys("pgdown", "space", "f"), key.WithHelp("pgdn", "page down")),
		Save:       key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "save report + copy")),
		Back:       key.NewBinding(key.WithKeys("esc", "backspace"), key.WithHelp("esc", "back")),
		BackText:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Restart:    key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "restart")),
		Help:       key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "more keys")),
		Quit:       key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		ForceQuit:  key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
	}
}

// keysFor is the key map with only the bindings that work on this screen
// enabled. In text inputs letters are text: q, r, ? and backspace belong to
// the input there, and only esc and ctrl+c keep a global meaning.
func (k keyMap) keysFor(s screen) keyMap {
	on := map[*key.Binding]bool{}
	enable := func(bs ...*key.Binding) {
		for _, b := range bs {
			on[b] = true
		}
	}
	switch s {
	case scrQuestion:
		enable(&k.Up, &k.Down, &k.Choose, &k.Back, &k.Restart, &k.Help, &k.Quit)
	case scrInput:
		enable(&k.Submit, &k.BackText, &k.ForceQuit)
	case scrPaste:
		enable(&k.SubmitText, &k.BackText, &k.ForceQuit)
	case scrChecks:
		enable(&k.Back, &k.Restart, &k.Help, &k.Quit)
	case scrConsent:
		enable(&k.Send, &k.Skip, &k.Back, &k.Restart, &k.Help, &k.Quit)
	case scrResult:
		enable(&k.ScrollUp, &k.ScrollDn, &k.PageUp, &k.PageDown, &k.Save, &k.Back, &k.Restart, &k.Help, &k.Quit)
	default:
		enable(&k.Back, &k.Restart, &k.Help, &k.Quit)
	}
	for _, b := range k.all() {
		b.SetEnabled(on[b])
	}
	return k
}

func (k *keyMap) all() []*key.Binding {
	return []*key.Binding{
		&k.Up, &k.Down, &k.Choose, &k.Submit, &k.SubmitText, &k.Send, &k.Skip,
		&k.ScrollUp, &k.ScrollDn, &k.PageUp, &k.PageDown, &k.Save,
		&k.Back, &k.BackText, &k.Restart, &k.Help, &k.Quit, &k.ForceQuit,
	}
}

// ShortHelp is the one-line help at the bottom of every screen; restart
// and paging wait for ? to keep it short.
func (k keyMap) ShortHelp() []key.Binding {
	return []key.Binding{
		k.Up, k.Down, k.Choose, k.Submit, k.SubmitText, k.Send, k.Skip,
		k.ScrollDn, k.Save, k.Back, k.BackText, k.Quit, k.ForceQuit, k.Help,
	}
}

// FullHelp is what ? shows: the keys of this screen, then the global ones.
func (k keyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.Choose, k.Submit, k.SubmitText, k.Send, k.Skip},
		{k.ScrollUp, k.ScrollDn, k.PageUp, k.PageDown, k.Save},
		{k.Back, k.BackText, k.Restart, k.Quit, k.ForceQuit},
	}
}
