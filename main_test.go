package main

import (
	"strings"
	"testing"
)

func TestSplitCommand(t *testing.T) {
	for _, c := range []struct{ args, cmd, rest string }{
		{"", "", ""},
		{"diagnose --json", "diagnose", "--json"},
		{"--json diagnose", "diagnose", "--json"},
		{"--no-request --timeout 5s diagnose --json", "diagnose", "--no-request --timeout 5s --json"},
		{"--provider diagnose", "", "--provider diagnose"}, // a value, not the command
		{"--model explain explain 429", "explain", "--model explain 429"},
		{"--timeout=5s causes rate-limited", "causes", "--timeout=5s rate-limited"},
		{"-json completion bash", "completion", "-json bash"},
		{"--no-request", "", "--no-request"},
		{"--json frobnicate", "", "--json frobnicate"},
		{"--frobnicate diagnose", "", "--frobnicate diagnose"},
		{"--json --help", "help", ""},
		{"--timeout 5s --version", "version", ""},
		{"-- diagnose", "", "-- diagnose"},
		{"explain --json -", "explain", "--json -"},
	} {
		cmd, rest := splitCommand(strings.Fields(c.args))
		if cmd != c.cmd || strings.Join(rest, " ") != c.rest {
			t.Errorf("splitCommand(%q) = %q, %q; want %q, %q", c.args, cmd, strings.Join(rest, " "), c.cmd, c.rest)
		}
	}
}
