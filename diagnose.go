package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/checks/suite"
	"github.com/unstuck-dev/unstuck/content"
	"github.com/unstuck-dev/unstuck/decisiontree"
	"github.com/unstuck-dev/unstuck/report"
	"github.com/unstuck-dev/unstuck/verdict"
)

// runDiagnose runs every check the inputs allow, concurrently, then walks the
// same tree the wizard uses, answering its questions from the evidence.
func runDiagnose(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	var o options
	fs := flag.NewFlagSet("diagnose", flag.ContinueOnError)
	o.register(fs, true)
	fromEnv, err := parseWithEnv(fs, args)
	if err != nil {
		return 2, err
	}
	o.fromEnv = fromEnv
	if fs.NArg() > 0 {
		return 2, usageError{fmt.Sprintf("diagnose takes no arguments, got %q", fs.Arg(0))}
	}
	if err := o.validate(); err != nil {
		return 2, usageError{err.Error()}
	}
	tree, known, err := loadContent()
	if err == nil {
		err = loadRules()
	}
	if err != nil {
		return 1, err
	}
	if o.all {
		return runAll(ctx, o, tree, known, stdout, stderr)
	}
	runner := suite.NewRunner(o.config(known))
	dg, guidance, err := diagnoseWith(ctx, runner, tree)
	if err != nil {
		return 1, err
	}
	v, d := dg.verdict, dg.Diagnosis
	rd := runner.Setup().Redactor
	if o.reportFile != "" {
		said, err := writeReport(o, v.Report(versionString(), d.When), stderr)
		if err != nil {
			return 1, err
		}
		defer said()
	}
	if o.jsonOut {
		if err := writeJSON(stdout, rd, d, guidance, nil); err != nil {
			return 1, err
		}
	} else {
		renderPage(stdout, rd, d, guidance)
	}
	if d.CauseID == "healthy" {
		return 0, nil
	}
	return 1, nil
}

// diagnosis is one configuration diagnosed: its verdict and the
// diagnosis the outputs print.
type diagnosis struct {
	report.Diagnosis
	verdict verdict.Verdict
}

// diagnoseWith runs every check the tree uses on one runner, walks the
// tree and returns the verdict with its guidance.
func diagnoseWith(ctx context.Context, runner *checks.Runner, tree *decisiontree.Tree) (diagnosis, string, error) {
	results := runner.RunAll(ctx, diagnoseChecks(tree))
	if ctx.Err() != nil {
		return diagnosis{}, "", fmt.Errorf("interrupted")
	}
	walk, err := tree.Resolve(tree.Headless, runner.Facts())
	if err != nil {
		return diagnosis{}, "", fmt.Errorf("the decision tree could not decide: %w", err)
	}
	v, err := verdict.Of(runner, walk.Current().Cause, results)
	if err != nil {
		return diagnosis{}, "", err
	}
	v = v.Walked(runner, walk)
	guidance, err := v.Guidance()
	if err != nil {
		return diagnosis{}, "", err
	}
	return diagnosis{Diagnosis: v.Diagnosis(versionString(), time.Now()), verdict: v}, guidance, nil
}

// diagnoseChecks is every check the tree uses but the paste, in the
// registry's order (configuration, network, API), so the printed list reads
// top-down like the ladder.
func diagnoseChecks(tree *decisiontree.Tree) []string {
	used := map[string]bool{}
	for _, id := range tree.ChecksUsed() {
		used[id] = true
	}
	var ids []string
	for _, id := range suite.IDs() {
		if used[id] && id != checks.CheckPaste {
			ids = append(ids, id)
		}
	}
	return ids
}

// knowledge is what the checks take from content/: the provider profiles
// and the key issuers.
type knowledge struct {
	profiles []checks.Profile
	issuers  []checks.KeyIssuer
	clients  []checks.ClientSpec
}

// apply hands the knowledge to a configuration.
func (k knowledge) apply(cfg *checks.Config) {
	cfg.Profiles, cfg.KeyIssuers, cfg.Clients = k.profiles, k.issuers, k.clients
}

// loadRules makes a broken rules.yaml loud for the commands that classify
// at once (diagnose, explain): without it every answer would read as
// unrecognised. The wizard parses the rules later, off its first frame.
func loadRules() error {
	if _, err := content.Rules(); err != nil {
		return fmt.Errorf("built-in content is broken: %w", err)
	}
	return nil
}

func loadContent() (*decisiontree.Tree, knowledge, error) {
	var k knowledge
	tree, err := content.Tree()
	if err == nil {
		k.profiles, err = content.Profiles()
	}
	if err == nil {
		k.issuers, err = content.KeyIssuers()
	}
	if err == nil {
		k.clients, err = content.Clients()
	}
	if err != nil {
		return nil, knowledge{}, fmt.Errorf("built-in content is broken: %w", err)
	}
	return tree, k, nil
}

// writeReport writes the (redacted) report to --report's file and returns
// what says so on stderr, for the caller to run after its output (nothing
// with --json). The path is shown absolute and whole, never through the
// redactor (a path is not a secret), so the reader can find the file.
func writeReport(o options, report string, stderr io.Writer) (say func(), err error) {
	if err := os.WriteFile(o.reportFile, []byte(report), 0o600); err != nil {
		return nil, fmt.Errorf("writing the report: %w", err)
	}
	if o.jsonOut {
		return func() {}, nil
	}
	where := o.reportFile
	if abs, err := filepath.Abs(where); err == nil {
		where = abs
	}
	return func() {
		fmt.Fprintf(stderr, "Report written to %s (redacted; safe to attach to a ticket).\n", checks.StripControls(where))
	}, nil
}
