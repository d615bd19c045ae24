package setup

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/joho/godotenv"
	"github.com/unstuck-dev/unstuck/checks"
)

// cfgEnvFileCap bounds how much of a .env (or shell profile) we read: real
// ones are a few KiB; anything bigger is the wrong file.
const cfgEnvFileCap = 1 << 20

var cfgErrTooBig = errors.New("larger than 1 MiB")

// cfgReadCapped reads at most limit bytes of a regular file. It refuses
// FIFOs and devices, which would block or never end. When the file is
// longer it returns the first limit bytes and cfgErrTooBig.
func cfgReadCapped(path string, limit int64) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		return nil, errors.New("is a directory")
	}
	if !fi.Mode().IsRegular() {
		return nil, errors.New("is not a regular file")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return data[:limit], cfgErrTooBig
	}
	return data, nil
}

var cfgBOM = []byte{0xEF, 0xBB, 0xBF}

// cfgGodotenv parses with godotenv, turning a panic on hostile input into an
// error. godotenv expands $VARS and strips quotes and comments, which is what
// python-dotenv, Node's dotenv and docker compose do too.
func cfgGodotenv(data []byte) (vars map[string]string, err error) {
	defer func() {
		if p := recover(); p != nil {
			vars, err = nil, errors.New("dotenv parser failed")
		}
	}()
	return godotenv.Parse(bytes.NewReader(data))
}

// cfgLoadEnvFile returns the variables as a dotenv loader reads them, and
// the line each name was last set on. A byte-order mark is ignored here (the
// env-file check reports it); when godotenv gives up on the whole file, the
// lines it can read one by one are kept.
func cfgLoadEnvFile(data []byte) (map[string]string, map[string]int) {
	data = bytes.TrimPrefix(data, cfgBOM)
	lines := cfgScanEnvLines(data)
	where := map[string]int{}
	for _, l := range lines {
		if l.Name != "" {
			where[l.Name] = l.N
		}
	}
	vars, err := cfgGodotenv(data)
	if err == nil {
		return vars, where
	}
	vars = map[string]string{}
	for _, l := range lines {
		if l.Name == "" {
			continue
		}
		if one, err := cfgGodotenv([]byte(l.Statement)); err == nil {
			for k, v := range one {
				vars[k] = v
			}
		}
	}
	return vars, where
}

// cfgEnvLine is one statement of a .env file, as written.
type cfgEnvLine struct {
	N          int    // first line number, 1-based
	Statement  string // the statement, continuation lines included, without \r
	Name       string // "" for blank, comment and unparsable lines
	NameRaw    string // text before the separator, export removed
	Value      string // text after the separator, as written
	Sep        byte   // '=' or ':'
	Export     bool
	CR         bool // the line ended in \r\n
	Bad        bool // not NAME=value
	Continued  int  // extra physical lines of a multi-line quoted value
	Unreadable bool // holds NUL or invalid UTF-8
}

// cfgScanEnvLines splits a .env into statements, skipping blank lines and
// comments, without interpreting values. A quoted value may run over
// several lines, as dotenv allows.
func cfgScanEnvLines(data []byte) []cfgEnvLine {
	phys := strings.Split(string(data), "\n")
	out := make([]cfgEnvLine, 0, min(len(phys), 4096))
	for i := 0; i < len(phys); i++ {
		raw := phys[i]
		l := cfgEnvLine{N: i + 1}
		if strings.HasSuffix(raw, "\r") {
			l.CR = true
			raw = strings.TrimSuffix(raw, "\r")
		}
		l.Unreadable = strings.ContainsRune(raw, 0) || !utf8.ValidString(raw)
		l.Statement = raw
		t := strings.TrimLeftFunc(raw, unicode.IsSpace)
		if t == "" || strings.HasPrefix(t, "#") {
			continue // blank lines and comments mean the same to every loader
		}
		if rest, ok := strings.CutPrefix(t, "export"); ok && rest != "" && (rest[0] == ' ' || rest[0] == '\t') {
			l.Export = true
			t = strings.TrimLeft(rest, " \t")
		}
		sep := strings.IndexAny(t, "=:")
		if sep < 0 {
			l.Bad = true
			out = append(out, l)
			continue
		}
		l.Sep = t[sep]
		l.NameRaw, l.Value = t[:sep], t[sep+1:]
		l.Name = strings.TrimSpace(l.NameRaw)
		if !cfgValidEnvName(l.Name) {
			l.Bad = true
		}
		// A quoted value that does not close on this line continues.
		v := strings.TrimLeft(l.Value, " \t")
		if len(v) > 0 && (v[0] == '"' || v[0] == '\'') && !cfgClosesQuote(v[1:], v[0]) {
			for i+1 < len(phys) {
				i++
				l.Continued++
				next := strings.TrimSuffix(phys[i], "\r")
				l.Statement += "\n" + next
				l.Value += "\n" + next
				if cfgClosesQuote(next, v[0]) {
					break
				}
			}
		}
		out = append(out, l)
	}
	return out
}

func cfgClosesQuote(s string, q byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == q && (i == 0 || s[i-1] != '\\') {
			return true
		}
	}
	return false
}

// cfgValidEnvName accepts the names shells and docker accept.
func cfgValidEnvName(n string) bool {
	if n == "" {
		return false
	}
	for i, r := range n {
		switch {
		case r == '_', r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// cfgDockerValue is what `docker run --env-file` (and docker-compose before
// 1.26) reads: everything after the first "=", untouched — quotes, inline
// comments and trailing spaces included.
func cfgDockerValue(l cfgEnvLine) (string, bool) {
	if l.Export || l.Sep != '=' || l.Bad || strings.ContainsAny(l.NameRaw, " \t") || l.Continued > 0 {
		return "", false // docker refuses the line or reads another name
	}
	return l.Value, true
}

// cfgEnvFinding is one problem in a .env file.
type cfgEnvFinding struct {
	Line int    // 0 for the whole file
	Name string // the variable concerned, "" when none
	Text string
}

func (f cfgEnvFinding) String() string {
	if f.Line > 0 {
		return "line " + strconv.Itoa(f.Line) + ": " + f.Text
	}
	return f.Text
}

// cfgLintEnvFile lists what different loaders read differently in a .env.
// keyVars are the variables that hold the key, which file-wide findings
// name when they concern them. It never fails: it reports.
func cfgLintEnvFile(data []byte, keyVars ...string) []cfgEnvFinding {
	var fs []cfgEnvFinding
	if len(data) >= 2 && (data[0] == 0xFF && data[1] == 0xFE || data[0] == 0xFE && data[1] == 0xFF) {
		return []cfgEnvFinding{{Text: "the file is saved as UTF-16 (PowerShell's > and some editors do that): dotenv and docker read garbage names; save it as UTF-8"}}
	}
	if bytes.HasPrefix(data, cfgBOM) {
		data = data[len(cfgBOM):]
		first := ""
		for _, l := range cfgScanEnvLines(data) {
			if l.Name != "" {
				first = l.Name
				break
			}
		}
		fs = append(fs, cfgEnvFinding{Line: 1, Name: first, Text: "the file starts with a byte-order mark (BOM): loaders read the first name as \\ufeff" + first + ", so " + first + " looks unset; save the file as UTF-8 without BOM"})
	}
	lines := cfgScanEnvLines(data)
	dotenv, dotErr := cfgGodotenv(data)

	var crLines []int
	crNames := map[string]bool{}
	defined := map[string][]int{} // name -> indexes into lines
	for i := range lines {
		l := &lines[i]
		if l.CR {
			crLines = append(crLines, l.N)
			if l.Name != "" {
				crNames[l.Name] = true
			}
		}
		if l.Unreadable {
			fs = append(fs, cfgEnvFinding{Line: l.N, Name: l.Name, Text: "holds a NUL byte or text that is not UTF-8"})
			continue
		}
		if l.Bad {
			what := "is not NAME=value"
			if l.Name != "" || strings.TrimSpace(l.NameRaw) != "" {
				what = "has the name " + strconv.Quote(cfgShorten(strings.TrimSpace(l.NameRaw), 40)) + ", which holds characters other than letters, digits and _"
			}
			fs = append(fs, cfgEnvFinding{Line: l.N, Text: what + ": Go's dotenv stops reading the file there, others skip the line"})
			continue
		}
		if l.Name == "" {
			continue
		}
		defined[l.Name] = append(defined[l.Name], i)
		fs = append(fs, cfgLintLine(*l)...)
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
		fs = append(fs, cfgEnvFinding{Name: name, Text: "uses Windows line endings (CRLF) on " + cfgPlural(len(crLines), "line", "lines") +
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
			fs = append(fs, cfgEnvFinding{Line: last.N, Name: n, Text: text})
		}
		// Whatever the specific findings missed: the two loaders disagree.
		if dotErr != nil {
			continue
		}
		dv, ok := cfgDockerValue(last)
		if !ok || dv == dotenv[n] || flagged[last.N] {
			continue
		}
		fs = append(fs, cfgEnvFinding{Line: last.N, Name: n, Text: "dotenv reads " + n + " as " + checks.Fingerprint(dotenv[n]) +
			", docker run --env-file as " + checks.Fingerprint(dv)})
	}
	if dotErr != nil && !cfgHasBad(fs) {
		fs = append(fs, cfgEnvFinding{Text: "Go's dotenv cannot parse this file (an unterminated quote?); python-dotenv may read it differently"})
	}
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].Line < fs[j].Line })
	return fs
}

// cfgLintLine finds what one NAME=value statement does differently across
// loaders.
func cfgLintLine(l cfgEnvLine) []cfgEnvFinding {
	var fs []cfgEnvFinding
	add := func(text string) { fs = append(fs, cfgEnvFinding{Line: l.N, Name: l.Name, Text: text}) }
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
	case cfgQuoteWrap(strings.TrimSpace(v)) != "":
		add("the value is wrapped in " + cfgQuoteWrap(strings.TrimSpace(v)) + ", which no loader treats as quotes: they stay in the value")
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

func cfgHasBad(fs []cfgEnvFinding) bool {
	for _, f := range fs {
		if strings.Contains(f.Text, "stops reading the file") {
			return true
		}
	}
	return false
}

func cfgShorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// EnvFile lints the .env the user's app would load: a value that reads one
// way with dotenv and another way with docker or a shell is a key that
// "is right" but fails.
func EnvFile(_ context.Context, s *checks.Setup) checks.Result {
	start := time.Now()
	r := cfgResult(s, checks.CheckEnvFile, ".env file reads the same in every loader")
	if s.EnvFilePath == "" {
		r.Status, r.Summary = checks.Skip, "no .env file found in the working directory or its parents"
		return cfgFinish(s, r, start)
	}
	data, err := cfgReadCapped(s.EnvFilePath, cfgEnvFileCap)
	switch {
	case errors.Is(err, cfgErrTooBig):
		r.Details = append(r.Details, s.EnvFilePath+" is larger than 1 MiB: only the first MiB was checked — is this really a .env file?")
	case err != nil:
		r.Status = checks.Warn
		r.Summary = "cannot read " + s.EnvFilePath + ": " + cfgErrText(err)
		return cfgFinish(s, r, start)
	}
	if bytes.IndexByte(data, 0) >= 0 && !(len(data) >= 2 && (data[0] == 0xFF || data[0] == 0xFE)) {
		r.Status = checks.Warn
		r.Summary = s.EnvFilePath + " is not a text file (it holds NUL bytes); loaders will misread it"
		return cfgFinish(s, r, start)
	}

	keyVars := map[string]bool{}
	for _, n := range clientKeyVars(s) {
		keyVars[n] = true
	}
	fs := cfgLintEnvFile(data, clientKeyVars(s)...)
	if len(fs) == 1 && strings.Contains(fs[0].Text, "UTF-16") && cfgUTF16Mentions(data, s.KeyEnv) {
		fs[0].Name = s.KeyEnv
	}
	if len(fs) == 0 {
		r.Status = checks.Pass
		r.Summary = s.EnvFilePath + ": " + cfgPlural(len(s.EnvFileVars), "variable", "variables") + ", no syntax problems"
		if len(r.Details) > 0 {
			r.Status = checks.Warn
		}
		return cfgFinish(s, r, start)
	}

	r.Cause, r.Status = "env-file-syntax", checks.Warn
	var lead *cfgEnvFinding
	for i := range fs {
		if keyVars[fs[i].Name] {
			r.Status = checks.Fail
			if lead == nil {
				lead = &fs[i]
			}
		}
	}
	if lead == nil {
		lead = &fs[0]
	}
	r.Summary = filepath.Base(s.EnvFilePath) + " " + lead.String()
	if lead.Name != "" && keyVars[lead.Name] {
		r.Summary = filepath.Base(s.EnvFilePath) + ", " + lead.String() + " (this is the key variable)"
	}
	r.Details = append(r.Details, "file: "+s.EnvFilePath)
	const maxShown = 20
	for i, f := range fs {
		if i == maxShown {
			r.Details = append(r.Details, fmt.Sprintf("… and %d more", len(fs)-maxShown))
			break
		}
		r.Details = append(r.Details, f.String())
	}
	return cfgFinish(s, r, start)
}

// cfgUTF16Mentions reports whether a UTF-16 file names the variable.
func cfgUTF16Mentions(data []byte, name string) bool {
	if name == "" || len(data) < 2 {
		return false
	}
	le := data[0] == 0xFF
	u := make([]uint16, 0, len(data)/2)
	for i := 2; i+1 < len(data); i += 2 {
		if le {
			u = append(u, uint16(data[i])|uint16(data[i+1])<<8)
		} else {
			u = append(u, uint16(data[i])<<8|uint16(data[i+1]))
		}
	}
	return strings.Contains(string(utf16.Decode(u)), name+"=")
}

// cfgErrText is an OS error without the Go wrapping noise.
func cfgErrText(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// cfgShellProfiles are the files a new terminal reads, where an old key may
// still be exported.
var cfgShellProfiles = []string{".bashrc", ".bash_profile", ".profile", ".zshrc", ".zprofile", ".zshenv", ".config/fish/config.fish"}

// cfgShellProfileSources finds keys exported in the user's shell start-up
// files: the next terminal will have that value, whatever this one has.
func cfgShellProfileSources(env checks.Env, names []string) []checks.KeySource {
	home := env["HOME"]
	if home == "" || len(names) == 0 {
		return nil
	}
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	var out []checks.KeySource
	for _, rel := range cfgShellProfiles {
		data, err := cfgReadCapped(filepath.Join(home, rel), cfgEnvFileCap)
		if err != nil && !errors.Is(err, cfgErrTooBig) {
			continue
		}
		for i, line := range strings.Split(string(data), "\n") {
			name, value, ok := cfgShellAssignment(line)
			if !ok || !want[name] {
				continue
			}
			out = append(out, checks.KeySource{Where: "shell profile ~/" + rel, Name: name, Value: checks.NewSecret(value), Line: i + 1})
		}
	}
	return out
}

// cfgShellAssignment reads `export NAME=value`, `NAME=value` and fish's
// `set -gx NAME value`. Values built by command substitution or from other
// variables cannot be known without running the shell, so they are skipped.
func cfgShellAssignment(line string) (name, value string, ok bool) {
	t := strings.TrimSpace(strings.TrimSuffix(line, "\r"))
	if t == "" || t[0] == '#' {
		return "", "", false
	}
	if f := strings.Fields(t); len(f) >= 4 && f[0] == "set" && strings.HasPrefix(f[1], "-") && strings.Contains(f[1], "x") {
		name, value = f[2], strings.Join(f[3:], " ")
	} else {
		t = strings.TrimPrefix(t, "export ")
		n, v, found := strings.Cut(strings.TrimSpace(t), "=")
		if !found || !cfgValidEnvName(n) {
			return "", "", false
		}
		name, value = n, v
	}
	value = strings.TrimSpace(value)
	if value != "" && (value[0] == '"' || value[0] == '\'') {
		end := strings.IndexByte(value[1:], value[0])
		if end < 0 {
			return "", "", false
		}
		value = value[1 : end+1]
	} else if i := strings.Index(value, " #"); i >= 0 {
		value = strings.TrimSpace(value[:i])
	}
	if value == "" || strings.ContainsAny(value, "$`") {
		return "", "", false
	}
	return name, value, true
}
