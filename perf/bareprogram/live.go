//go:build stack && live

package main

// Built with -tags stack,live, the bare program also makes the stack
// reachable without running it: a Glamour renderer and an HTTP request
// behind a condition that is never true. The linker keeps a package-level
// table only when code that reads it is reachable (goldmark's case folding
// and entities, x/net/html's entities, bluemonday's policies, net/http's
// and crypto/tls's own), and their initialisation runs before main: what
// any program that renders markdown and calls an HTTP API pays, and the
// plain stack floor does not. perf/run.sh measures against both.
import (
	"net/http"
	"os"

	"charm.land/glamour/v2"
)

func init() {
	if os.Getenv("UNSTUCK_PERF_NEVER_SET") == "this is never set" {
		r, err := glamour.NewTermRenderer(glamour.WithStandardStyle("dark"))
		if err != nil {
			return
		}
		page, _ := r.Render("# never")
		if resp, err := http.Get(page); err == nil {
			resp.Body.Close()
		}
	}
}
