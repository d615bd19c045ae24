package main

import (
	"flag"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/unstuck-dev/unstuck/content"
)

// shells are the shells `unstuck completion` writes a script for.
var shells = []string{"bash", "zsh", "fish"}

// runCompletion prints a completion script for a shell. The script is made
// from what the binary knows (its commands, flags, the profiles' provider
// names and the catalogue's cause IDs), so it cannot drift from them.
func runCompletion(args []string, stdout io.Writer) (int, error) {
	fs := flag.NewFlagSet("completion", flag.ContinueOnError)
	if err := parseInterspersed(fs, args); err != nil {
		return 2, err
	}
	if fs.NArg() != 1 || !contains(shells, fs.Arg(0)) {
		return 2, usageError{"completion wants one shell: unstuck completion bash, zsh or fish"}
	}
	c, err := completionData()
	if err != nil {
		return 1, err
	}
	switch fs.Arg(0) {
	case "bash":
		io.WriteString(stdout, c.bash())
	case "zsh":
		io.WriteString(stdout, c.zsh())
	case "fish":
		io.WriteString(stdout, c.fish())
	}
	return 0, nil
}

// completionCommand is a command as the scripts offer it.
type completionCommand struct{ name, about string }

var completionCommands = []completionCommand{
	{"diagnose", "check everything, print the cause and its fix"},
	{"explain", "name the cause of a pasted error"},
	{"causes", "list every cause, or show one"},
	{"completion", "print a shell completion script"},
	{"help", "show the usage"},
}

// completionFlag is one flag: its name, whether it takes a value, and what
// the value completes to ("files", or a list of words; none: anything).
type completionFlag struct {
	name, about string
	value       bool
	files       bool
	words       []string
}

type completion struct {
	wizard, diagnose, explain, causes []completionFlag
	causeIDs                          []string
}

func completionData() (completion, error) {
	list, err := content.Causes()
	if err != nil {
		return completion{}, fmt.Errorf("built-in content is broken: %w", err)
	}
	var c completion
	for _, cause := range list {
		c.causeIDs = append(c.causeIDs, cause.ID)
	}
	c.causeIDs = plainWords(c.causeIDs)
	flags := func(withReport bool) []completionFlag {
		fs := flag.NewFlagSet("", flag.ContinueOnError)
		new(options).register(fs, withReport)
		var out []completionFlag
		fs.VisitAll(func(f *flag.Flag) {
			cf := completionFlag{name: f.Name, about: f.Usage, value: !isBoolFlag(f)}
			switch f.Name {
			case "provider":
				cf.words = plainWords(providerNames())
			case "protocol":
				cf.words = protocols
			case "client":
				cf.words = plainWords(clientNames())
			case "env-file", "report":
				cf.files = true
			}
			out = append(out, cf)
		})
		return out
	}
	c.wizard, c.diagnose = flags(false), flags(true)
	json := completionFlag{name: "json", about: "print JSON"}
	c.explain, c.causes = []completionFlag{json}, []completionFlag{json}
	return c, nil
}

// plainWords keeps the words no shell would read as syntax: the scripts
// paste them unquoted (profiles and causes are ours, but a script that
// breaks on a stray character helps nobody).
func plainWords(words []string) []string {
	var out []string
	for _, w := range words {
		if plainWord().MatchString(w) {
			out = append(out, w)
		}
	}
	return out
}

var plainWord = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`) })

// valueFlags are the flags that take a value, across every command.
func (c completion) valueFlags() []completionFlag {
	var out []completionFlag
	for _, f := range c.diagnose {
		if f.value {
			out = append(out, f)
		}
	}
	return out
}

func commandNames() []string {
	var names []string
	for _, c := range completionCommands {
		names = append(names, c.name)
	}
	return names
}

func dashed(flags []completionFlag, extra ...string) string {
	var out []string
	for _, f := range flags {
		out = append(out, "--"+f.name)
	}
	return strings.Join(append(out, extra...), " ")
}

func (c completion) bash() string {
	var b strings.Builder
	b.WriteString(`# bash completion for unstuck. Load it with
#   eval "$(unstuck completion bash)"
# in ~/.bashrc, or save it as /etc/bash_completion.d/unstuck.
_unstuck() {
    local cur="${COMP_WORDS[COMP_CWORD]}" prev="" cmd="" words="" i
    (( COMP_CWORD > 0 )) && prev="${COMP_WORDS[COMP_CWORD-1]}"
    case "$prev" in
`)
	var free []string
	for _, f := range c.valueFlags() {
		switch {
		case f.files:
			fmt.Fprintf(&b, "        --%s) compopt -o filenames 2>/dev/null; COMPREPLY=( $(compgen -f -- \"$cur\") ); return ;;\n", f.name)
		case len(f.words) > 0:
			fmt.Fprintf(&b, "        --%s) COMPREPLY=( $(compgen -W %q -- \"$cur\") ); return ;;\n", f.name, strings.Join(f.words, " "))
		default:
			free = append(free, "--"+f.name)
		}
	}
	fmt.Fprintf(&b, "        %s) return ;;\n", strings.Join(free, "|"))
	fmt.Fprintf(&b, `    esac
    for (( i = 1; i < COMP_CWORD; i++ )); do
        case "${COMP_WORDS[i]}" in
            %s) cmd="${COMP_WORDS[i]}"; break ;;
            %s) (( i++ )) ;;
        esac
    done
    case "$cmd" in
        "") if [[ "$cur" == -* ]]; then words=%q; else words=%q; fi ;;
        diagnose) words=%q ;;
        explain) words=%q ;;
        causes) if [[ "$cur" == -* ]]; then words=%q; else words=%q; fi ;;
        completion) words=%q ;;
    esac
    COMPREPLY=( $(compgen -W "$words" -- "$cur") )
}
complete -F _unstuck unstuck
`, strings.Join(commandNames(), "|"), strings.ReplaceAll(dashed(c.valueFlags()), " ", "|"),
		dashed(c.wizard, "--help", "--version"), strings.Join(commandNames(), " "),
		dashed(c.diagnose, "--help"), dashed(c.explain, "--help"),
		dashed(c.causes, "--help"), strings.Join(c.causeIDs, " "), strings.Join(shells, " "))
	return b.String()
}

func (c completion) zsh() string {
	var b strings.Builder
	b.WriteString(`#compdef unstuck
# zsh completion for unstuck. Load it with
#   eval "$(unstuck completion zsh)"
# in ~/.zshrc (after compinit), or save it as _unstuck in a directory on $fpath.
_unstuck() {
  local cur=${words[CURRENT]} prev=${words[CURRENT-1]} cmd= i
  case $prev in
`)
	var free []string
	for _, f := range c.valueFlags() {
		switch {
		case f.files:
			fmt.Fprintf(&b, "    --%s) _files; return ;;\n", f.name)
		case len(f.words) > 0:
			fmt.Fprintf(&b, "    --%s) compadd -- %s; return ;;\n", f.name, strings.Join(f.words, " "))
		default:
			free = append(free, "--"+f.name)
		}
	}
	fmt.Fprintf(&b, "    %s) return ;;\n", strings.Join(free, "|"))
	fmt.Fprintf(&b, `  esac
  for (( i = 2; i < CURRENT; i++ )); do
    case ${words[i]} in
      %s) cmd=${words[i]}; break ;;
      %s) (( i++ )) ;;
    esac
  done
  case $cmd in
    '') if [[ $cur == -* ]]; then compadd -- %s; else compadd -- %s; fi ;;
    diagnose) compadd -- %s ;;
    explain) compadd -- %s ;;
    causes) if [[ $cur == -* ]]; then compadd -- %s; else compadd -- %s; fi ;;
    completion) compadd -- %s ;;
  esac
}
if [[ $funcstack[1] == _unstuck ]]; then
  _unstuck "$@"
else
  compdef _unstuck unstuck
fi
`, strings.Join(commandNames(), "|"), strings.ReplaceAll(dashed(c.valueFlags()), " ", "|"),
		dashed(c.wizard, "--help", "--version"), strings.Join(commandNames(), " "),
		dashed(c.diagnose, "--help"), dashed(c.explain, "--help"),
		dashed(c.causes, "--help"), strings.Join(c.causeIDs, " "), strings.Join(shells, " "))
	return b.String()
}

// fishQuote quotes s for fish, in single quotes.
func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

func (c completion) fish() string {
	var b strings.Builder
	b.WriteString("# fish completion for unstuck. Save it with\n" +
		"#   unstuck completion fish > ~/.config/fish/completions/unstuck.fish\n" +
		"complete -c unstuck -f\n")
	cmds := strings.Join(commandNames(), " ")
	none := "not __fish_seen_subcommand_from " + cmds
	for _, cmd := range completionCommands {
		fmt.Fprintf(&b, "complete -c unstuck -n %s -a %s -d %s\n", fishQuote(none), cmd.name, fishQuote(cmd.about))
	}
	fmt.Fprintf(&b, "complete -c unstuck -n %s -l help -d 'show the usage'\n", fishQuote(none))
	fmt.Fprintf(&b, "complete -c unstuck -n %s -l version -d 'show the version'\n", fishQuote(none))
	// Each flag once, offered where a command takes it: before any
	// command (the wizard's flags) or after one that takes it.
	where := map[string][]string{}
	about := map[string]completionFlag{}
	var order []string
	add := func(cmd string, flags []completionFlag) {
		for _, f := range flags {
			if _, ok := about[f.name]; !ok {
				order = append(order, f.name)
				about[f.name] = f
			}
			where[f.name] = append(where[f.name], cmd)
		}
	}
	add("", c.wizard)
	add("diagnose", c.diagnose)
	add("explain", c.explain)
	add("causes", c.causes)
	for _, name := range order {
		f := about[name]
		var conds []string
		var after []string
		for _, cmd := range where[name] {
			if cmd == "" {
				conds = append(conds, none)
			} else {
				after = append(after, cmd)
			}
		}
		sort.Strings(after)
		if len(after) > 0 {
			conds = append(conds, "__fish_seen_subcommand_from "+strings.Join(after, " "))
		}
		fmt.Fprintf(&b, "complete -c unstuck -n %s -l %s", fishQuote(strings.Join(conds, "; or ")), f.name)
		switch {
		case f.files:
			b.WriteString(" -r -F")
		case len(f.words) > 0:
			fmt.Fprintf(&b, " -x -a %s", fishQuote(strings.Join(f.words, " ")))
		case f.value:
			b.WriteString(" -x")
		}
		fmt.Fprintf(&b, " -d %s\n", fishQuote(f.about))
	}
	fmt.Fprintf(&b, "complete -c unstuck -n '__fish_seen_subcommand_from causes' -a %s\n", fishQuote(strings.Join(c.causeIDs, " ")))
	fmt.Fprintf(&b, "complete -c unstuck -n '__fish_seen_subcommand_from completion' -a %s\n", fishQuote(strings.Join(shells, " ")))
	return b.String()
}
