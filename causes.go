package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/unstuck-dev/unstuck/content"
)

// runCauses lists the catalogue: one line per cause, or JSON.
func runCauses(args []string, stdout io.Writer) (int, error) {
	var jsonOut bool
	fs := flag.NewFlagSet("causes", flag.ContinueOnError)
	fs.BoolVar(&jsonOut, "json", false, "print a JSON array")
	if err := parse(fs, args); err != nil {
		return 2, err
	}
	list, err := content.Causes()
	if err != nil {
		return 1, err
	}
	if jsonOut {
		b, err := json.MarshalIndent(list, "", "  ")
		if err != nil {
			return 1, err
		}
		fmt.Fprintf(stdout, "%s\n", b)
		return 0, nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	for _, c := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", c.ID, c.Layer, c.Title)
	}
	return 0, tw.Flush()
}
