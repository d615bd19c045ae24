package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/checks/suite"
	"github.com/unstuck-dev/unstuck/content"
	"github.com/unstuck-dev/unstuck/decisiontree"
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
	runner := suite.NewRunner(o.config(known))
	results := runner.RunAll(ctx, diagnoseChecks(tree))
	if ctx.Err() != nil {
		return 1, fmt.Errorf("interrupted")
	}
	walk, err := tree.Resolve(tree.Headless, runner.Facts())
	if err != nil {
		return 1, fmt.Errorf("the decision tree could not decide: %w", err)
	}
	v, err := verdict.Of(runner, walk.Current().Cause, results)
	if err != nil {
		return 1, err
	}
	v = v.Walked(runner, walk)
	guidance, err := v.Guidance()
	if err != nil {
		return 1, err
	}
	d := v.Diagnosis(versionString(), time.Now())
	rd := runner.Setup().Redactor
	if o.reportFile != "" {
		if err := os.WriteFile(o.reportFile, []byte(v.Report(versionString(), d.When)), 0o600); err != nil {
			return 1, fmt.Errorf("writing the report: %w", err)
		}
		if !o.jsonOut {
			defer fmt.Fprintf(stderr, "Report written to %s (redacted; safe to attach to a ticket).\n", checks.StripControls(o.reportFile))
		}
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
}

// apply hands the knowledge to a configuration.
func (k knowledge) apply(cfg *checks.Config) {
	cfg.Profiles, cfg.KeyIssuers = k.profiles, k.issuers
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
	if err != nil {
		return nil, knowledge{}, fmt.Errorf("built-in content is broken: %w", err)
	}
	return tree, k, nil
}
