// Command coldstart times, in a fresh process, the one-off costs that go
// benchmarks cannot see because they run once per process: parsing the
// embedded content, resolving the setup, the wizard's first View, and the
// first markdown render (which compiles chroma's lexer and builds the
// renderer) against the second. Package initialisation happens before main;
// perf/run.sh reads it with GODEBUG=inittrace=1.
//
//	coldstart -n 20   # runs itself 20 times, prints medians
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/checks/suite"
	"github.com/unstuck-dev/unstuck/content"
	"github.com/unstuck-dev/unstuck/report"
	"github.com/unstuck-dev/unstuck/ui"
)

var csSteps = []string{"content", "runner", "first view", "guidance", "render 1st (dark)", "render 2nd (dark)", "render 1st (plain)"}

func main() {
	n := flag.Int("n", 20, "fresh processes to run (0: measure this process once and print raw)")
	flag.Parse()
	if *n == 0 {
		csOnce()
		return
	}
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	samples := make([][]float64, 2*len(csSteps)) // ms per step, then KiB allocated per step
	for i := 0; i < *n; i++ {
		out, err := exec.Command(self, "-n", "0").Output()
		if err != nil {
			fmt.Fprintln(os.Stderr, "coldstart:", err)
			os.Exit(1)
		}
		for j, f := range strings.Fields(string(out)) {
			v, _ := strconv.ParseFloat(f, 64)
			samples[j] = append(samples[j], v)
		}
	}
	fmt.Printf("median of %d fresh processes:\n  %-20s %7s %9s\n", *n, "step", "ms", "KiB alloc")
	for j, name := range csSteps {
		for _, s := range [][]float64{samples[j], samples[len(csSteps)+j]} {
			slices.Sort(s)
		}
		fmt.Printf("  %-20s %7.2f %9.0f\n", name, samples[j][len(samples[j])/2], samples[len(csSteps)+j][*n/2])
	}
}

// csOnce measures each step once and prints the durations in ms, then
// what each allocated in KiB (the heap a start-up grows before Go's first
// collection is 4 MiB: what a step allocates decides whether one runs).
func csOnce() {
	var ms, kib []string
	var before, after runtime.MemStats
	step := func(f func()) {
		runtime.ReadMemStats(&before)
		t := time.Now()
		f()
		d := time.Since(t)
		runtime.ReadMemStats(&after)
		ms = append(ms, fmt.Sprintf("%.3f", float64(d)/1e6))
		kib = append(kib, fmt.Sprintf("%.0f", float64(after.TotalAlloc-before.TotalAlloc)/1024))
	}
	must := func(err error) {
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	var runner *checks.Runner
	step(func() { _, err := content.Tree(); must(err) })
	tree, _ := content.Tree()
	profiles, _ := content.Profiles()
	issuers, _ := content.KeyIssuers()
	step(func() {
		wd, _ := os.Getwd()
		env := checks.Env{}
		for _, kv := range os.Environ() {
			if k, v, ok := strings.Cut(kv, "="); ok {
				env[k] = v
			}
		}
		runner = suite.NewRunner(checks.Config{Env: env, WorkDir: wd, Timeout: 10 * time.Second, Profiles: profiles, KeyIssuers: issuers})
	})
	step(func() { ui.New(ui.Options{Runner: runner, Tree: tree, Version: "coldstart"}).View() })
	var page string
	step(func() {
		var err error
		page, err = content.Guidance("rate-limited", content.PageData{Status: 429, Model: "gpt-4o-mini", KeyEnv: "OPENAI_API_KEY"})
		must(err)
	})
	step(func() { _, err := report.Markdown(page, 80, report.Dark); must(err) })
	step(func() { _, err := report.Markdown(page, 80, report.Dark); must(err) })
	step(func() { _, err := report.Markdown(page, 80, report.Plain); must(err) })
	fmt.Println(strings.Join(append(ms, kib...), " "))
}
