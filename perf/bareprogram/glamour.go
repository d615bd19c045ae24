//go:build withglamour

package main

// Built with -tags withglamour, the bare program also links Glamour (and
// through it Chroma, goldmark and bluemonday) without using it: the
// difference to the plain build is what those packages' init functions cost
// at start-up, before main runs.
import _ "charm.land/glamour/v2"
