// Command unstuck gets developers unstuck from AI/LLM API errors: it asks
// what you see, runs live checks on your real setup, walks a decision tree
// drawn from real troubleshooting guides and names one cause with its fix.
//
// Run with no arguments for the interactive wizard; `diagnose`, `explain`
// and `causes` are the same engine for scripts and CI.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…"; otherwise
// it comes from the module's build info.
var version = ""

// versionString is the version and, when the build recorded it, the
// commit: "v0.3.0 (3f9c2d1, modified)", "dev (3f9c2d1)", or "v0.3.0" alone
// for `go install …@latest`, which records no VCS settings.
func versionString() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		bi = nil
	}
	return formatVersion(version, bi)
}

// pseudoVersion matches the versions Go makes up from a commit
// (v0.0.0-20261201161353-3f9c2d1e8b7a, v0.3.1-0.2026…): with the revision
// at hand, "dev (3f9c2d1)" says the same in fewer characters.
var pseudoVersion = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[-.][0-9]{14}-[0-9a-f]{12}(\+dirty)?$`) })

func formatVersion(ldflags string, bi *debug.BuildInfo) string {
	v, rev, modified := ldflags, "", false
	if bi != nil {
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
		if mv := bi.Main.Version; v == "" && mv != "" && mv != "(devel)" && (rev == "" || !pseudoVersion().MatchString(mv)) {
			// Go 1.24+ marks a modified checkout with +dirty; the
			// revision's "modified" says it below.
			v = strings.TrimSuffix(mv, "+dirty")
		}
	}
	if v == "" {
		v = "dev"
	}
	if rev == "" {
		return v
	}
	if len(rev) > 7 {
		rev = rev[:7]
	}
	if modified {
		return v + " (" + rev + ", modified)"
	}
	return v + " (" + rev + ")"
}

// usage is the --help text; the provider names come from the profiles.
func usage() string {
	u := strings.Replace(usageText, "{{providers}}", wrapList(providerNames(), 55, "\n                         "), 1)
	return strings.Replace(u, "{{clients}}", wrapList(clientNames(), 55, "\n                         "), 1)
}

// wrapList joins names with ", " in lines of at most width characters.
func wrapList(names []string, width int, sep string) string {
	var b strings.Builder
	line := 0
	for i, n := range names {
		piece := n
		if i < len(names)-1 {
			piece += ","
		}
		if line > 0 && line+1+len(piece) > width {
			b.WriteString(sep)
			line = 0
		} else if line > 0 {
			b.WriteString(" ")
			line++
		}
		b.WriteString(piece)
		line += len(piece)
	}
	return b.String()
}

const usageText = `unstuck — get unstuck from AI/LLM API errors
(401, 429, connection refused, HTML instead of JSON…)

Usage:
  unstuck [flags]                 the interactive wizard (needs a terminal)
  unstuck diagnose [flags]        check everything, print the cause and its fix
  unstuck explain [TEXT | -]      name the cause of a pasted error ("-": stdin)
  unstuck causes [ID] [--json]    list every cause; with an ID, its page
  unstuck completion SHELL        a completion script for bash, zsh or fish
  unstuck --help | --version

Flags may stand before the command too (unstuck --json diagnose).

Flags (wizard and diagnose):
  --provider NAME        {{providers}}
                         (default: guessed from env, URL and key)
  --protocol P           openai|anthropic|responses|gemini: the request shape
                         your client sends (chat completions, messages,
                         OpenAI's Responses API, Gemini's native API)
  --client NAME          the tool or library whose settings decide what is sent:
                         {{clients}}
                         (default: guessed from what is configured here)
  --run-key-helper       let a client's key helper command run (apiKeyHelper)
  --base-url URL         the base URL you give your SDK, exactly as written
  --key-env NAME         the variable that holds the key (never the key itself)
  --model ID             the model you call
  --header "N: v"        an extra header your client sends (repeatable)
  --env-file PATH        the .env to read (default: nearest .env from here up)
  --mcp-url URL          an MCP server to check for reachability
  --no-request           send nothing billable (the free models list may run)
  --timeout DURATION     bound for each network step (default 10s)
  --json                 one JSON object on stdout (diagnose, explain, causes)
  --report FILE          diagnose: also write a redacted support report
  --all                  diagnose: every client and provider set up here

Environment: the SDK's own variables (OPENAI_API_KEY, OPENAI_BASE_URL, …) as
your SDK reads them; UNSTUCK_PROVIDER, UNSTUCK_PROTOCOL, UNSTUCK_ENV_FILE,
UNSTUCK_MCP_URL, UNSTUCK_NO_REQUEST, UNSTUCK_TIMEOUT, UNSTUCK_JSON and
UNSTUCK_REPORT are defaults for their flags (a flag given beats them;
booleans take 1 or 0); UNSTUCK_CLIENT is the default for --client.
UNSTUCK_IN_CONTAINER=1|0 says whether unstuck runs in a container (when
detection is wrong); UNSTUCK_DOCKER_HOST=IP or IP:port is the address the
container check tries for host.docker.internal, instead of looking it up.
NO_COLOR=1 disables colour; output is plain when not a terminal.

Examples:
  unstuck                             # walk through it interactively
  unstuck diagnose                    # settings from OPENAI_API_KEY & co.
  unstuck diagnose --provider anthropic --model claude-sonnet-4-5
  unstuck diagnose --base-url https://relay.example.com/v1 --key-env RELAY_KEY
  unstuck diagnose --client claude-code  # what Claude Code's settings send
  unstuck diagnose --all              # every setup on this machine
  unstuck diagnose --no-request --report ticket.md  # free checks, a report
  UNSTUCK_NO_REQUEST=1 unstuck --json diagnose      # --no-request, set once
  unstuck explain 429
  pbpaste | unstuck explain -
  unstuck explain '{"error":{"code":"insufficient_quota"}}'
  unstuck causes rate-limited         # what a cause means and how to fix it
  eval "$(unstuck completion bash)"   # TAB completion, in ~/.bashrc

Exit status: diagnose 0 when healthy, 1 when a cause was found; explain 0
when it recognised the error, 1 when not; 2 for a usage error.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// commands are the words that name a command; anything else is the wizard.
var commands = map[string]bool{"diagnose": true, "explain": true, "causes": true, "completion": true, "help": true, "version": true}

// splitCommand finds the command among the arguments, so that flags may
// stand before it (`unstuck --json diagnose`): it skips the leading flags,
// and their values, and returns the command with every other argument in
// order, the leading flags first. The command then parses them all, so a
// flag it does not take is its usage error wherever the flag stood. With
// no command ("" ) the arguments are the wizard's. --help and --version
// are commands of their own wherever they stand among the leading flags.
func splitCommand(args []string) (string, []string) {
	all := flag.NewFlagSet("all", flag.ContinueOnError)
	new(options).register(all, true)
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch a {
		case "-h", "-help", "--help":
			return "help", nil
		case "-version", "--version":
			return "version", nil
		}
		if !strings.HasPrefix(a, "-") || a == "-" || a == "--" {
			if commands[a] {
				return a, append(args[:i:i], args[i+1:]...)
			}
			return "", args
		}
		name, _, inline := strings.Cut(strings.TrimLeft(a, "-"), "=")
		f := all.Lookup(name)
		if f == nil {
			return "", args // the wizard names the unknown flag
		}
		if !inline && !isBoolFlag(f) {
			i++ // its value, which may look like a command
		}
	}
	return "", args
}

func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// run is main without the process: it returns the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	defer func() {
		if p := recover(); p != nil {
			// Never print the value raw: it might hold the key.
			fmt.Fprintf(stderr, "unstuck crashed: %s\nPlease report this with the command you ran (not your key).\n",
				redactAny(p))
			code = 3
		}
	}()
	cmd, args := splitCommand(args)
	var err error
	switch cmd {
	case "diagnose":
		code, err = runDiagnose(ctx, args, stdout, stderr)
	case "explain":
		code, err = runExplain(ctx, args, stdin, stdout, stderr)
	case "causes":
		code, err = runCauses(args, stdout)
	case "completion":
		code, err = runCompletion(args, stdout)
	case "help":
		fmt.Fprint(stdout, usage())
		return 0
	case "version":
		fmt.Fprintf(stdout, "unstuck %s\n", versionString())
		return 0
	default:
		code, err = runWizard(ctx, args, stdout, stderr)
	}
	var ue usageError
	switch {
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stdout, usage())
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "unstuck: %s (see unstuck --help)\n", redactAny(ue.msg))
		return 2
	case err != nil:
		fmt.Fprintf(stderr, "unstuck: %s\n", redactAny(err.Error()))
		if code == 0 {
			code = 1
		}
	}
	return code
}
