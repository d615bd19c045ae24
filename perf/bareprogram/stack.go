//go:build stack

package main

// Built with -tags stack, the bare program also links the rest of the
// wizard's stack without using it: Lip Gloss, the Bubbles the wizard uses,
// and Glamour (and through it Chroma, goldmark and bluemonday). The
// difference to the plain build is what those packages cost at start-up
// (their init functions, most of it Chroma's), before main runs: the floor
// the wizard's first frame is held to.
import (
	_ "charm.land/bubbles/v2/help"
	_ "charm.land/bubbles/v2/key"
	_ "charm.land/bubbles/v2/spinner"
	_ "charm.land/bubbles/v2/textarea"
	_ "charm.land/bubbles/v2/textinput"
	_ "charm.land/bubbles/v2/viewport"
	_ "charm.land/glamour/v2"
	_ "charm.land/lipgloss/v2"
)
