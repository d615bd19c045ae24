package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/unstuck-dev/unstuck/content"
	"github.com/unstuck-dev/unstuck/internal/typo"
	"github.com/unstuck-dev/unstuck/report"
)

// runCauses lists the catalogue: one line per cause, or JSON; with an ID,
// that cause's page.
func runCauses(args []string, stdout io.Writer) (int, error) {
	var jsonOut bool
	fs := flag.NewFlagSet("causes", flag.ContinueOnError)
	fs.BoolVar(&jsonOut, "json", false, "print a JSON array")
	if err := parseInterspersed(fs, args); err != nil {
		return 2, err
	}
	if _, err := applyEnv(fs); err != nil {
		return 2, err
	}
	list, err := content.Causes()
	if err != nil {
		return 1, err
	}
	switch fs.NArg() {
	case 0:
	case 1:
		return causePage(list, fs.Arg(0), jsonOut, stdout)
	default:
		return 2, usageError{fmt.Sprintf("causes takes one cause ID at most, got %d arguments", fs.NArg())}
	}
	if jsonOut {
		b, err := json.MarshalIndent(list, "", "  ")
		if err != nil {
			return 1, err
		}
		fmt.Fprintf(stdout, "%s\n", b)
		return 0, nil
	}
	width := 0 // a pipe or a file: one line per cause, for grep
	if f, ok := stdout.(*os.File); ok {
		if w, _, err := termSize(f); err == nil {
			width = w
		}
	}
	_, err = io.WriteString(stdout, causeList(list, width))
	return 0, err
}

// causeList is the catalogue in three columns: ID, layer, title. On a
// terminal (width > 0) a title too long for its column wraps under
// itself, rather than the terminal cutting words at its edge.
func causeList(list []content.Cause, width int) string {
	idW, layerW := 0, 0
	for _, c := range list {
		idW, layerW = max(idW, len(c.ID)), max(layerW, len(c.Layer))
	}
	col := idW + 2 + layerW + 2
	var b strings.Builder
	for _, c := range list {
		lines := []string{c.Title}
		if width > 0 {
			lines = wrapWords(c.Title, max(width-1-col, 20))
		}
		fmt.Fprintf(&b, "%-*s  %-*s  %s\n", idW, c.ID, layerW, c.Layer, lines[0])
		for _, l := range lines[1:] {
			fmt.Fprintf(&b, "%s%s\n", strings.Repeat(" ", col), l)
		}
	}
	return b.String()
}

// causePage prints one cause's page without evidence: rendered like
// explain's for a person, or {"cause", "guidance"} with --json.
func causePage(list []content.Cause, id string, jsonOut bool, stdout io.Writer) (int, error) {
	c, ok := content.CauseByID(id)
	if !ok {
		return 2, usageError{fmt.Sprintf("unknown cause %q: did you mean %s?", id, nearestCause(list, id))}
	}
	guidance, err := content.Guidance(c.ID, content.PageData{})
	if err != nil {
		return 1, err
	}
	if jsonOut {
		b, err := json.MarshalIndent(struct {
			Cause    content.Cause `json:"cause"`
			Guidance string        `json:"guidance"`
		}{c, guidance}, "", "  ")
		if err != nil {
			return 1, err
		}
		fmt.Fprintf(stdout, "%s\n", b)
		return 0, nil
	}
	renderPage(stdout, nil, report.Diagnosis{}, guidance)
	return 0, nil
}

// nearestCause is the catalogue's ID closest to id by edit distance (the
// first of equals, in catalogue order).
func nearestCause(list []content.Cause, id string) string {
	best, dist := "", -1
	for _, c := range list {
		if d := typo.Distance(id, c.ID); dist < 0 || d < dist {
			best, dist = c.ID, d
		}
	}
	return best
}
