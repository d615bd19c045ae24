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
	Filter, ByCode, CodeDel       key.Binding // question: "/" filters by words, digits by status code
	ListUp, ListDown              key.Binding // while a filter or search is typed: arrows only
	ClearFilter                   key.Binding // esc: drop the filter or the search
	Submit, SubmitText            key.Binding // input: enter; pasted text: ctrl+d / ctrl+s
	Send, Skip                    key.Binding // consent
	ScrollUp, ScrollDown          key.Binding // result page
	ScrollLeft, ScrollRight       key.Binding // result page, only when a line is wider than the view
	HalfPageUp, HalfPageDown      key.Binding
	PageUp, PageDown              key.Binding
	Top, Bottom                   key.Binding
	Save                          key.Binding
	Search, SearchGo              key.Binding // result page: "/" then enter
	NextMatch, PrevMatch          key.Binding
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
		Filter:       key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		ByCode:       key.NewBinding(key.WithKeys("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), key.WithHelp("0-9", "status code")),
		CodeDel:      key.NewBinding(key.WithKeys("backspace"), key.WithHelp("⌫", "delete a digit")),
		ListUp:       key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", "up")),
		ListDown:     key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "down")),
		ClearFilter:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear")),
		Submit:       key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "continue")),
		SubmitText:   key.NewBinding(key.WithKeys("ctrl+d", "ctrl+s"), key.WithHelp("ctrl+d/ctrl+s", "submit")),
		Send:         key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "send it")),
		Skip:         key.NewBinding(key.WithKeys("n", "N"), key.WithHelp("n", "don't send")),
		ScrollUp:     key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "scroll up")),
		ScrollDown:   key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "scroll down")),
		ScrollLeft:   key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←/h", "scroll left")),
		ScrollRight:  key.NewBinding(key.WithKeys("right", "l"), key.WithHelp("→/l", "scroll right")),
		HalfPageUp:   key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "half page up")),
		HalfPageDown: key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "half page down")),
		PageUp:       key.NewBinding(key.WithKeys("pgup", "b"), key.WithHelp("pgup/b", "page up")),
		PageDown:     key.NewBinding(key.WithKeys("pgdown", "space", "f"), key.WithHelp("pgdn/space/f", "page down")),
		Top:          key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "top")),
		Bottom:       key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", "bottom")),
		Save:         key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "save report + copy")),
		Search:       key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "search")),
		SearchGo:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "search")),
		NextMatch:    key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "next match")),
		PrevMatch:    key.NewBinding(key.WithKeys("N"), key.WithHelp("N", "previous match")),
		Back:         key.NewBinding(key.WithKeys("esc", "backspace"), key.WithHelp("esc/⌫", "back")),
		BackText:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Restart:      key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "restart")),
		Help:         key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "more keys")),
		Quit:         key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		ForceQuit:    key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
	}
}

// mode is a state inside a screen that changes what keys do: a filter or a
// search being typed (letters are text then), or one in force (esc clears
// it before it goes back).
type mode int

const (
	modeNone         mode = iota
	modeFilterTyping      // question: "/" and words
	modeCodes             // question: digits typed, the list narrowed to those codes
	modeSearchTyping      // result: "/" and words
	modeFound             // result: a search's matches are marked
)

// keysFor is the key map with only the bindings that work on this screen
// enabled. In text inputs letters are text: q, r, ? and backspace belong to
// the input there, and only esc and ctrl+c keep a global meaning.
func (k keyMap) keysFor(s screen) keyMap { return k.keysIn(s, modeNone) }

// keysIn is keysFor for a screen in a mode.
func (k keyMap) keysIn(s screen, md mode) keyMap {
	on := map[*key.Binding]bool{&k.ForceQuit: true}
	enable := func(bs ...*key.Binding) {
		for _, b := range bs {
			on[b] = true
		}
	}
	global := []*key.Binding{&k.Back, &k.Restart, &k.Help, &k.Quit}
	pager := []*key.Binding{&k.ScrollUp, &k.ScrollDown, &k.ScrollLeft, &k.ScrollRight, &k.HalfPageUp, &k.HalfPageDown,
		&k.PageUp, &k.PageDown, &k.Top, &k.Bottom, &k.Save, &k.Search}
	switch {
	case s == scrQuestion && md == modeFilterTyping:
		// Letters, digits and backspace are the filter's text.
		enable(&k.ListUp, &k.ListDown, &k.Choose, &k.ClearFilter)
	case s == scrQuestion && md == modeCodes:
		// esc and backspace edit the digits: no going back from here.
		enable(&k.Up, &k.Down, &k.First, &k.Last, &k.Choose, &k.Filter, &k.ByCode, &k.CodeDel, &k.ClearFilter)
		enable(&k.Restart, &k.Help, &k.Quit)
	case s == scrQuestion:
		enable(&k.Up, &k.Down, &k.First, &k.Last, &k.Choose, &k.Filter, &k.ByCode)
		enable(global...)
	case s == scrInput:
		enable(&k.Submit, &k.BackText)
	case s == scrPaste:
		enable(&k.SubmitText, &k.BackText)
	case s == scrConsent, s == scrAllConsent:
		enable(&k.Send, &k.Skip)
		enable(global...)
	case s == scrAll:
		enable(&k.Up, &k.Down, &k.Choose)
		enable(global...)
	case s == scrResult && md == modeSearchTyping:
		enable(&k.SearchGo, &k.ClearFilter)
	case s == scrResult && md == modeFound:
		enable(pager...)
		enable(&k.NextMatch, &k.PrevMatch, &k.ClearFilter, &k.Restart, &k.Help, &k.Quit)
	case s == scrResult:
		enable(pager...)
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
		&k.Up, &k.Down, &k.First, &k.Last, &k.Choose, &k.Filter, &k.ByCode, &k.CodeDel,
		&k.ListUp, &k.ListDown, &k.ClearFilter,
		&k.Submit, &k.SubmitText, &k.Send, &k.Skip,
		&k.ScrollUp, &k.ScrollDown, &k.ScrollLeft, &k.ScrollRight, &k.HalfPageUp, &k.HalfPageDown,
		&k.PageUp, &k.PageDown, &k.Top, &k.Bottom, &k.Save, &k.Search, &k.SearchGo, &k.NextMatch, &k.PrevMatch,
		&k.Back, &k.BackText, &k.Restart, &k.Help, &k.Quit, &k.ForceQuit,
	}
}

// ShortHelp is the one-line help at the bottom of every screen; the rest
// waits for ? to keep it short. Some items abbreviate: up and down show as
// one "↑/↓ move", back as esc (it is backspace too) and quit as q (ctrl+c
// too), or as ctrl+c where q is text. The full help names every key.
func (k keyMap) ShortHelp() []key.Binding {
	back := k.Back
	back.SetHelp("esc", k.Back.Help().Desc)
	quit := k.ForceQuit
	if k.Quit.Enabled() {
		quit = k.Quit
		quit.SetKeys(slices.Concat(k.Quit.Keys(), k.ForceQuit.Keys())...)
	}
	pair := func(a, b key.Binding, keys, desc string) key.Binding {
		p := key.NewBinding(key.WithKeys(slices.Concat(a.Keys(), b.Keys())...), key.WithHelp(keys, desc))
		p.SetEnabled(a.Enabled() && b.Enabled())
		return p
	}
	move := func(up, down key.Binding) key.Binding { return pair(up, down, "↑/↓", "move") }
	code := k.ByCode
	code.SetHelp(k.ByCode.Help().Key, "code")
	save := k.Save
	save.SetHelp(k.Save.Help().Key, "save report")
	// What a narrow line cuts off is at the end: the ways on and out come
	// first (esc, which clears a search in force, before the scrolling),
	// then what filters, searches and saves.
	return []key.Binding{
		move(k.Up, k.Down), move(k.ListUp, k.ListDown), k.Choose,
		k.Submit, k.SubmitText, k.Send, k.Skip,
		k.SearchGo, pair(k.NextMatch, k.PrevMatch, "n/N", "next/prev match"), k.ClearFilter,
		pair(k.ScrollUp, k.ScrollDown, "↑/↓", "scroll"), pair(k.ScrollLeft, k.ScrollRight, "←/→", "sideways"),
		back, k.BackText, quit,
		k.Filter, code, k.CodeDel, k.Search, save, k.Help,
	}
}

// uiFitShortHelp drops items from the end of the short help until the line
// fits the width, but never "? more keys": cut off with the rest, it would
// leave no way to learn what was dropped.
func uiFitShortHelp(bs []key.Binding, fits func([]key.Binding) bool, help key.Binding) []key.Binding {
	for !fits(bs) {
		drop := -1
		for i := len(bs) - 1; i >= 0; i-- {
			if bs[i].Enabled() && !(help.Enabled() && slices.Equal(bs[i].Keys(), help.Keys())) {
				drop = i
				break
			}
		}
		if drop < 0 {
			break
		}
		bs = slices.Delete(slices.Clone(bs), drop, drop+1)
	}
	return bs
}

// FullHelp is what ? shows: the keys of this screen, the page's, then the
// global ones. It lists every binding, so every key that works is in it.
func (k keyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.ListUp, k.ListDown, k.First, k.Last, k.Choose, k.Filter, k.ByCode, k.CodeDel,
			k.Submit, k.SubmitText, k.Send, k.Skip},
		{k.ScrollUp, k.ScrollDown, k.ScrollLeft, k.ScrollRight, k.HalfPageUp, k.HalfPageDown, k.PageUp, k.PageDown, k.Top, k.Bottom,
			k.Search, k.SearchGo, k.NextMatch, k.PrevMatch},
		{k.Save, k.Back, k.BackText, k.ClearFilter, k.Restart, k.Help, k.Quit, k.ForceQuit},
	}
}

// keysNow is the key map of what the user is looking at: the screen's, less
// going back and restarting when there is no walk to go back in (the tree
// or the runner was missing), and ? saying what it does now.
func (m Model) keysNow() keyMap {
	md := m.mode()
	k := m.keys.keysIn(m.screen, md)
	switch md {
	case modeFilterTyping, modeCodes:
		k.ClearFilter.SetHelp("esc", "clear filter")
	case modeSearchTyping, modeFound:
		k.ClearFilter.SetHelp("esc", "clear search")
	}
	if m.screen == scrQuestion && len(m.visibleChoices()) == 0 {
		k.Choose.SetEnabled(false) // nothing left to choose
	}
	if m.screen == scrResult && (m.res == nil || !m.res.wide()) {
		// Sideways means something only when a line is cut at the edge.
		k.ScrollLeft.SetEnabled(false)
		k.ScrollRight.SetEnabled(false)
	}
	if m.screen == scrResult && (m.res == nil || m.res.vp.TotalLineCount() <= m.res.vp.Height()) {
		// The whole page shows: scrolling up or down would do nothing.
		for _, b := range []*key.Binding{&k.ScrollUp, &k.ScrollDown, &k.HalfPageUp, &k.HalfPageDown,
			&k.PageUp, &k.PageDown, &k.Top, &k.Bottom} {
			b.SetEnabled(false)
		}
	}
	if m.walker == nil {
		k.Back.SetEnabled(false)
		k.Restart.SetEnabled(false)
	}
	if m.help.ShowAll {
		k.Help.SetHelp("?", "fewer keys")
	}
	return k
}
