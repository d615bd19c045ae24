package ui

import (
	"testing"

	"charm.land/bubbles/v2/key"
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
