package setup

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/unstuck-dev/unstuck/checks"
)

// envFinding is one problem in a .env file.
type envFinding struct {
	Line int    // 0 for the whole file
	Name string // the variable concerned, "" when none
	Text string
	Lead bool // leads the summary whatever else is found
}

func (f envFinding) String() string {
	if f.Line > 0 {
		return "line " + strconv.Itoa(f.Line) + ": " + f.Text
	}
	return f.Text
}

// lintEnvFile lists what different loaders read differently in a .env.
// keyVars are the variables that hold the key, which file-wide findings
// name when they concern them. It never fails: it reports.
func lintEnvFile(data []byte, keyVars ...string) []envFinding {
	var fs []envFinding
	if len(data) >= 2 && (data[0] == 0xFF && data[1] == 0xFE || data[0] == 0xFE && data[1] == 0xFF) {
		return []envFinding{{Text: "the file is saved as UTF-16 (PowerShell's > and some editors do that): dotenv and docker read garbage names; save it as UTF-8"}}
	}
	bom := bytes.HasPrefix(data, utf8BOM)
	data = bytes.TrimPrefix(data, utf8BOM)
	lines := scanEnvLines(data)
	if bom {
		first := ""
		for _, l := range lines {
			if l.Name != "" {
				first = l.Name
				break
			}
		}
		fs = append(fs, envFinding{Line: 1, Name: first, Text: "the file starts with a byte-order mark (BOM): loaders read the first name as \\ufeff" + first + ", so " + first + " looks unset; save the file as UTF-8 without BOM"})
	}
	dotenv, dotErr := dotenvRead(data)

	var crLines []int
	crNames := map[string]bool{}
	defined := make(map[string][]int, len(lines)) // name -> indexes into lines
	for i := range lines {
		l := &lines[i]
		if l.CR {
			crLines = append(crLines, l.N)
			if l.Name != "" {
				crNames[l.Name] = true
			}
		}
		if l.Unreadable {
			fs = append(fs, envFinding{Line: l.N, Name: l.Name, Text: "holds a NUL byte or text that is not UTF-8"})
			continue
		}
		if l.Bad {
			what := "is not NAME=value"
			if l.Name != "" || strings.TrimSpace(l.NameRaw) != "" {
				what = "has the name " + strconv.Quote(shorten(strings.TrimSpace(l.NameRaw), 40)) + ", which holds characters other than letters, digits and _"
			}
			fs = append(fs, envFinding{Line: l.N, Text: what + ": Go's dotenv stops reading the file there, others skip the line"})
			continue
		}
		if l.Name == "" {
			continue
		}
		defined[l.Name] = append(defined[l.Name], i)
		fs = append(fs, lintLine(*l)...)
	}
	if len(crLines) > 0 {
		// The finding concerns the key when the key's line is one of them.
		name := ""
		for _, k := range keyVars {
			if crNames[k] {
				name = k
				break
			}
		}
		fs = append(fs, envFinding{Name: name, Text: "uses Windows line endings (CRLF) on " + plural(len(crLines), "line", "lines") +
			": dotenv and docker drop the \\r, but `source .env` and `export $(cat .env | xargs)` keep it at the end of every value"})
	}

	flagged := map[int]bool{}
	for _, f := range fs {
		flagged[f.Line] = true
	}
	names := make([]string, 0, len(defined))
	for n := range defined {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		ls := defined[n]
		last := lines[ls[len(ls)-1]]
		if len(ls) > 1 {
			var at []string
			same := true
			for i, li := range ls {
				l := &lines[li]
				if i < 4 {
					at = append(at, strconv.Itoa(l.N))
				}
				same = same && strings.TrimSpace(l.Value) == strings.TrimSpace(last.Value)
			}
			lines := strings.Join(at, ", ")
			if len(ls) > 4 {
				lines += fmt.Sprintf(" and %d more", len(ls)-4)
			}
			text := n + " is set on lines " + lines + ": the last one (line " + strconv.Itoa(last.N) + ") wins"
			if same {
				text += " (same value)"
			} else {
				text += " — edits to an earlier line have no effect"
			}
			fs = append(fs, envFinding{Line: last.N, Name: n, Text: text})
		}
		// Whatever the specific findings missed: the two loaders disagree.
		if dotErr != nil {
			continue
		}
		dv, ok := dockerValue(last)
		if !ok || dv == dotenv[n] || flagged[last.N] {
			continue
		}
		fs = append(fs, envFinding{Line: last.N, Name: n, Text: "dotenv reads " + n + " as " + checks.Fingerprint(dotenv[n]) +
			", docker run --env-file as " + checks.Fingerprint(dv)})
	}
	var ee *expandError
	if errors.As(dotErr, &ee) {
		// Reported as it is, never followed: expanding it is what would
		// take the machine down.
		fs = append(fs, envFinding{Line: ee.Line, Name: ee.Name, Lead: true, Text: ee.Name + " " + ee.Why +
			"; nothing that size belongs in a .env: write the value out, or put it in single quotes to keep it literally"})
	} else if dotErr != nil && !hasBad(fs) {
		fs = append(fs, envFinding{Text: "Go's dotenv cannot parse this file (an unterminated quote?); python-dotenv may read it differently"})
	}
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].Line < fs[j].Line })
	return fs
}

// lintLine finds what one NAME=value statement does differently across
// loaders.
func lintLine(l envLine) []envFinding {
	var fs []envFinding
	add := func(text string) { fs = append(fs, envFinding{Line: l.N, Name: l.Name, Text: text}) }
	if l.Export {
		add("`export " + l.Name + "=…`: shells and dotenv accept it, docker run --env-file rejects the line")
	}
	if l.Sep == ':' {
		add("`" + l.Name + ": value` (YAML style): Go's dotenv accepts it, shells, docker and python-dotenv do not; write " + l.Name + "=value")
	}
	before := l.NameRaw != strings.TrimRightFunc(l.NameRaw, unicode.IsSpace)
	after := strings.HasPrefix(l.Value, " ") || strings.HasPrefix(l.Value, "\t")
	if before || after {
		add("spaces around `=`: dotenv trims them, docker run --env-file rejects the name or keeps the space in the value, and a shell runs it as a command; write " + l.Name + "=value")
	}
	v := strings.TrimLeft(l.Value, " \t")
	switch {
	case v == "":
	case v[0] == '"' || v[0] == '\'':
		add("quoted value: dotenv removes the quotes, but docker run --env-file keeps them as part of the value")
		if v[0] == '"' && strings.Contains(v, "$") {
			add("`$` inside double quotes: dotenv expands it as a variable; use single quotes to keep it literally")
		}
	case quoteWrap(strings.TrimSpace(v)) != "":
		add("the value is wrapped in " + quoteWrap(strings.TrimSpace(v)) + ", which no loader treats as quotes: they stay in the value")
	default:
		if i := strings.Index(v, " #"); i >= 0 || strings.Contains(v, "\t#") {
			add("inline comment after the value: dotenv drops it, docker run --env-file keeps ` # …` in the value")
		} else if strings.TrimRight(v, " \t") != v {
			add("spaces after the value: dotenv trims them, docker run --env-file keeps them")
		}
		if strings.Contains(v, "$") {
			add("`$` in an unquoted value: dotenv expands it as a variable; wrap the value in single quotes to keep it literally")
		}
	}
	return fs
}

func hasBad(fs []envFinding) bool {
	for _, f := range fs {
		if strings.Contains(f.Text, "stops reading the file") {
			return true
		}
	}
	return false
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
