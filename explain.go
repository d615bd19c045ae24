package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/checks/setup"
	"github.com/unstuck-dev/unstuck/checks/suite"
	"github.com/unstuck-dev/unstuck/content"
	"github.com/unstuck-dev/unstuck/report"
	"github.com/unstuck-dev/unstuck/verdict"
)

// maxPaste caps what explain reads: error texts are small, and a runaway
// pipe must not eat memory.
const maxPaste = 1 << 20

// runExplain classifies pasted error text with the same tree, starting at its
// paste node.
func runExplain(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	var jsonOut bool
	fs := flag.NewFlagSet("explain", flag.ContinueOnError)
	fs.BoolVar(&jsonOut, "json", false, "print one JSON object")
	if _, err := parseWithEnv(fs, args); err != nil {
		return 2, err
	}
	text, err := pastedText(fs.Args(), stdin)
	if err != nil {
		return 2, err
	}
	tree, known, err := loadContent()
	if err == nil {
		err = loadRules()
	}
	if err != nil {
		return 1, err
	}
	cfg := checks.Config{Env: environ(), Pasted: text, NoRequest: true}
	known.apply(&cfg)
	runner := suite.NewRunner(cfg)
	res := runner.Run(ctx, checks.CheckPaste)
	facts := runner.Facts()
	facts["input.pasted"] = text
	walk, err := tree.Resolve(tree.Explain, facts)
	if err != nil {
		return 1, fmt.Errorf("the decision tree could not decide: %w", err)
	}
	recognised := res.Cause != ""
	rd := runner.Setup().Redactor
	if !recognised && jsonOut {
		// No cause and no page: the tree's fallback would be a guess
		// dressed as a verdict. What was read is still evidence.
		d := report.Diagnosis{Evidence: res.Evidence, Pasted: true}
		if err := writeJSON(stdout, rd, d, "", &recognised); err != nil {
			return 1, err
		}
		return 1, nil
	}
	if !recognised {
		// No page: the tree's fallback is a guess, and a person reading
		// "the server hit an internal error" about text we could not read
		// would be misled. Say so and point at what can find out.
		emit(stderr, rd, "unstuck did not recognise this error.\n"+
			"  unstuck             asks what you see and checks your setup step by step\n"+
			"  unstuck diagnose    checks your key, URL, network and API in one go\n"+
			"Paste the whole error (status line and JSON body, or the traceback) for a better match.\n")
		return 1, nil
	}
	// Evidence from the pasted text only: nothing about this machine's
	// setup was checked, so none of it is reported (verdict.Of asks the
	// runner, for which the paste is all that ran).
	v, err := verdict.Of(runner, walk.Current().Cause, nil)
	if err != nil {
		return 1, err
	}
	prof, note := explainProvider(res.Evidence, runner.Setup(), known.profiles)
	if prof != nil && res.Evidence.PasteProvider == prof.Name {
		v.Evidence.Provider = prof.Name // seen in the paste
	}
	guidance, err := explainGuidance(v, prof, note)
	if err != nil {
		return 1, err
	}
	d := v.Diagnosis(versionString(), time.Now())
	if jsonOut {
		if err := writeJSON(stdout, rd, d, guidance, &recognised); err != nil {
			return 1, err
		}
	} else {
		renderPage(stdout, rd, d, guidance)
	}
	if recognised {
		return 0, nil
	}
	return 1, nil
}

// explainProvider is the provider a pasted error's page is written for,
// and the line that says where that came from: the provider the paste
// names (the paste wins over this machine's environment, for it may come
// from another machine); else the environment's profile when the
// environment points to one; else none. Signs that disagree name none.
func explainProvider(ev checks.Evidence, s *checks.Setup, profiles []checks.Profile) (*checks.Profile, string) {
	var env *checks.Profile
	if s != nil && !setup.ProfileAssumed(s) {
		env = &s.Profile
	}
	provider, signs := ev.PasteProvider, ev.PasteSigns
	if provider != "" {
		p, ok := setup.FindProfile(profiles, provider)
		if !ok {
			return nil, ""
		}
		note := fmt.Sprintf("Provider: **%s**, from the paste: %s.", p.DisplayName(), verdict.MarkdownLiteral(strings.TrimPrefix(firstOf(signs), p.Name+": ")))
		switch {
		case env != nil && env.Name == p.Name:
			note += " This machine's environment points there too."
		case env != nil:
			note += fmt.Sprintf(" This machine's environment points to %s (%s); the steps follow the paste, which may come from another machine.",
				env.DisplayName(), verdict.MarkdownLiteral(s.ProfileReason))
		}
		return &p, note + "\n"
	}
	if len(signs) > 0 {
		// Signs but no provider: the strongest disagree.
		return nil, "No provider's steps: the paste has signs of more than one provider (" + verdict.MarkdownLiteral(strings.Join(signs, "; ")) + ").\n"
	}
	if env != nil {
		return env, fmt.Sprintf("Provider: **%s**, from this machine's environment (%s), not from the paste: nothing in it names a provider.\n",
			env.DisplayName(), verdict.MarkdownLiteral(s.ProfileReason))
	}
	return nil, ""
}

func firstOf(signs []string) string {
	if len(signs) == 0 {
		return ""
	}
	return signs[0]
}

// explainGuidance is the verdict's page written for the provider (none:
// no provider's own lines) with the line saying where the provider came
// from under its title, redacted.
func explainGuidance(v verdict.Verdict, prof *checks.Profile, note string) (string, error) {
	page := v.Page()
	if prof != nil {
		page = page.ForProfile(*prof)
	}
	md, err := content.Guidance(v.Cause.ID, page)
	if err != nil {
		return "", err
	}
	if note != "" {
		if title, rest, ok := strings.Cut(md, "\n"); ok && strings.HasPrefix(title, "# ") {
			md = title + "\n\n" + note + rest
		} else {
			md = note + "\n" + md
		}
	}
	return v.Setup.Redactor.Redact(v.Frame(md)), nil
}

// pastedText reads the error from the arguments, or stdin for "-" (or no
// arguments with a pipe), capped and made valid UTF-8.
func pastedText(args []string, stdin io.Reader) (string, error) {
	var text string
	switch {
	case len(args) == 1 && args[0] == "-", len(args) == 0 && !stdinIsTerminal(stdin):
		b, err := io.ReadAll(io.LimitReader(stdin, maxPaste))
		if err != nil {
			return "", fmt.Errorf("reading stdin: %w", err)
		}
		text = string(b)
	case len(args) == 0:
		return "", usageError{`explain needs the error text: unstuck explain "429 Too Many Requests", or pipe it in with "-"`}
	default:
		text = strings.Join(args, " ")
	}
	if len(text) > maxPaste {
		text = text[:maxPaste]
	}
	text = strings.ToValidUTF8(text, "\uFFFD")
	if strings.TrimSpace(text) == "" {
		return "", usageError{"explain got empty text"}
	}
	return text, nil
}

func stdinIsTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && isTerminal(f)
}
