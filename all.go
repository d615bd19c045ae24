package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/checks/setup"
	"github.com/unstuck-dev/unstuck/checks/suite"
	"github.com/unstuck-dev/unstuck/decisiontree"
	"github.com/unstuck-dev/unstuck/report"
	"github.com/unstuck-dev/unstuck/ui"
	"github.com/unstuck-dev/unstuck/verdict"
)

// oneSetup is one distinct request this machine would send: the clients
// that send it, and its diagnosis.
type oneSetup struct {
	clients  []string
	runner   *checks.Runner
	d        diagnosis
	guidance string
	err      error
}

func (s *oneSetup) name() string { return strings.Join(s.clients, " + ") }

// runAll is diagnose --all: every client configured here, each distinct
// setup (request URL, auth header, key) checked once and concurrently, one
// line each, then the verdict of each failing one. Exit 0 only when all
// are healthy.
func runAll(ctx context.Context, o options, tree *decisiontree.Tree, known knowledge, stdout, stderr io.Writer) (int, error) {
	setups := findSetups(o.config(known))
	if len(setups) == 0 {
		fmt.Fprintln(stderr, "unstuck: no client or provider is configured on this machine (no settings files, no key variables); run unstuck diagnose --client NAME")
		return 1, nil
	}
	var wg sync.WaitGroup
	for _, s := range setups {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.d, s.guidance, s.err = diagnoseWith(ctx, s.runner, tree)
		}()
	}
	wg.Wait()
	if ctx.Err() != nil {
		return 1, fmt.Errorf("interrupted")
	}
	healthy, failing := 0, 0
	for _, s := range setups {
		if s.err == nil && s.d.CauseID == "healthy" {
			healthy++
		} else {
			failing++
		}
	}
	if o.reportFile != "" {
		said, err := writeReport(o, allReport(setups, healthy, failing), stderr)
		if err != nil {
			return 1, err
		}
		defer said()
	}
	if o.jsonOut {
		if err := writeAllJSON(stdout, setups, healthy, failing); err != nil {
			return 1, err
		}
	} else {
		renderAll(stdout, setups, healthy, failing)
	}
	if failing > 0 {
		return 1, nil
	}
	return 0, nil
}

// findSetups is every client configured here, resolved, one entry per
// distinct setup (request URL, auth header, key): the same one found for
// two clients is one setup that lists both. It reads files.
func findSetups(base checks.Config) []*oneSetup {
	var setups []*oneSetup
	byID := map[string]*oneSetup{}
	for _, name := range setup.Configured(base) {
		cfg := base
		cfg.Client = name
		r := suite.NewRunner(cfg)
		id := setup.SetupID(r.Setup())
		if s, ok := byID[id]; ok {
			s.clients = append(s.clients, name)
			continue
		}
		s := &oneSetup{clients: []string{name}, runner: r}
		byID[id] = s
		setups = append(setups, s)
	}
	return setups
}

// wizardSetups is the wizard's "check everything" (ui.Options.FindSetups):
// the setups diagnose --all finds, each with what its billable checks
// would send (for the one consent question) and a check that runs what
// diagnose runs and walks the tree headless. Called in a command, never
// before the first frame: it reads files.
func wizardSetups(treeOf func() *decisiontree.Tree) func(context.Context, checks.Config) []ui.Setup {
	return func(ctx context.Context, base checks.Config) []ui.Setup {
		// The tree is parsed off the first frame's path; by the time the
		// wizard asks for setups it is there.
		tree := treeOf()
		if tree == nil {
			return nil
		}
		base.Client = "" // every client configured here, not the one named
		ids := diagnoseChecks(tree)
		var out []ui.Setup
		for _, s := range findSetups(base) {
			r := s.runner
			st := r.Setup()
			// What could be billed, told without the network (finding
			// setups must not connect anywhere): nothing without a key or
			// an endpoint; the rest is an upper bound, as the free checks
			// may make a request unnecessary.
			var billable []string
			if !st.Config.NoRequest && st.Endpoint != "" && (!st.Key.Empty() || st.Profile.Local) {
				for _, id := range ids {
					if suite.Billable(id) {
						billable = append(billable, id)
					}
				}
			}
			out = append(out, ui.Setup{
				Name:     s.name(),
				Provider: st.Profile.Name,
				Protocol: st.Protocol,
				Endpoint: displayEndpoint(st),
				Runner:   r,
				Billed:   suite.Billed(st, billable),
				Check: func(ctx context.Context, send bool) (verdict.Verdict, error) {
					if !send && !r.Setup().Config.NoRequest {
						r.Reconfigure(func(c *checks.Config) { c.NoRequest = true })
					}
					d, _, err := diagnoseWith(ctx, r, tree)
					return d.verdict, err
				},
			})
		}
		return out
	}
}

// allSetupJSON is one entry of diagnose --all --json: the setup's names,
// then the object of a single diagnose.
type allSetupJSON struct {
	Name     string   `json:"name"`
	Client   string   `json:"client"`
	Clients  []string `json:"clients,omitempty"` // every client that sends this setup, when more than one
	Provider string   `json:"provider,omitempty"`
	Error    string   `json:"error,omitempty"`
	jsonOutput
}

func writeAllJSON(w io.Writer, setups []*oneSetup, healthy, failing int) error {
	out := struct {
		Setups  []allSetupJSON `json:"setups"`
		Healthy int            `json:"healthy"`
		Failing int            `json:"failing"`
	}{Setups: []allSetupJSON{}, Healthy: healthy, Failing: failing}
	for _, s := range setups {
		e := allSetupJSON{Name: s.name(), Client: s.clients[0], Provider: s.runner.Setup().Profile.Name}
		if len(s.clients) > 1 {
			e.Clients = s.clients
		}
		if s.err != nil {
			e.Error = s.err.Error()
			e.jsonOutput = jsonOutput{Checks: []jsonCheck{}}
		} else {
			e.jsonOutput = jsonOf(s.d.Diagnosis, s.guidance, nil)
		}
		out.Setups = append(out.Setups, e)
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	emit(w, nil, redactEvery(setups, string(jsonStripControls(b))+"\n"))
	return nil
}

// redactEvery passes text through every setup's redactor: one setup's
// output may name another's values.
func redactEvery(setups []*oneSetup, text string) string {
	for _, s := range setups {
		text = s.runner.Setup().Redactor.Redact(text)
	}
	return text
}

// renderAll prints one line per setup, as flutter doctor does, then the
// page of each failing one.
func renderAll(w io.Writer, setups []*oneSetup, healthy, failing int) {
	var b strings.Builder
	width := 0
	for _, s := range setups {
		width = max(width, len(s.name()))
	}
	for _, s := range setups {
		st := s.runner.Setup()
		mark, what := report.Mark(checks.Pass), "healthy"
		switch {
		case s.err != nil:
			mark, what = report.Mark(checks.Fail), s.err.Error()
		case s.d.CauseID != "healthy":
			mark, what = report.Mark(checks.Fail), s.d.CauseTitle+" ("+s.d.CauseID+")"
		}
		fmt.Fprintf(&b, "%s %-*s  %s %s — %s\n", mark, width, s.name(), st.Protocol, displayEndpoint(st), what)
	}
	fmt.Fprintf(&b, "\n%d healthy, %d failing\n", healthy, failing)
	emit(w, nil, redactEvery(setups, b.String()))
	for _, s := range setups {
		if s.err == nil && s.d.CauseID != "healthy" {
			fmt.Fprintf(w, "\n── %s ──\n", s.name())
			renderPage(w, s.runner.Setup().Redactor, s.d.Diagnosis, s.guidance)
		}
	}
}

func displayEndpoint(s *checks.Setup) string {
	if s.Endpoint == "" {
		return "(no endpoint)"
	}
	return checks.StripControls(s.Redactor.Clean(s.Endpoint))
}

// allReport is --report for --all: one file covering every setup, the
// one-line list first, then each setup's own support report (healthy ones
// too: a ticket shows what works as well as what does not).
func allReport(setups []*oneSetup, healthy, failing int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# unstuck report: %d setups on this machine (%d healthy, %d failing)\n\n", len(setups), healthy, failing)
	for _, s := range setups {
		st := s.runner.Setup()
		what := "healthy"
		switch {
		case s.err != nil:
			what = s.err.Error()
		case s.d.CauseID != "healthy":
			what = s.d.CauseTitle + " (`" + s.d.CauseID + "`)"
		}
		fmt.Fprintf(&b, "- %s `%s`: %s %s — %s\n", setupMark(s), s.name(), st.Protocol, displayEndpoint(st), what)
	}
	for i, s := range setups {
		fmt.Fprintf(&b, "\n---\n\n# Setup %d of %d: %s\n\n", i+1, len(setups), s.name())
		if s.err != nil {
			fmt.Fprintf(&b, "Not diagnosed: %s\n", s.err)
			continue
		}
		b.WriteString(s.d.verdict.Report(versionString(), s.d.When))
	}
	return checks.StripControls(redactEvery(setups, b.String()))
}

func setupMark(s *oneSetup) string {
	if s.err == nil && s.d.CauseID == "healthy" {
		return report.Mark(checks.Pass)
	}
	return report.Mark(checks.Fail)
}
