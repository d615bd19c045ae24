package setup

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/unstuck-dev/unstuck/checks"
)

// envFileCap bounds how much of a .env (or shell profile) we read: real
// ones are a few KiB; anything bigger is the wrong file.
const envFileCap = 1 << 20

var errTooBig = errors.New("larger than 1 MiB")

// readCapped reads at most limit bytes of a regular file. It refuses
// FIFOs and devices, which would block or never end. When the file is
// longer it returns the first limit bytes and errTooBig.
func readCapped(path string, limit int64) ([]byte, error) {
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
		return data[:limit], errTooBig
	}
	return data, nil
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// dotenvRead parses as Go's dotenv does (parseDotenv), turning a panic on
// hostile input into an error. Go's dotenv expands $VARS and strips quotes
// and comments, which is what python-dotenv, Node's dotenv and docker
// compose do too.
func dotenvRead(data []byte) (vars map[string]string, err error) {
	defer func() {
		if p := recover(); p != nil {
			vars, err = nil, errors.New("dotenv parser failed")
		}
	}()
	return parseDotenv(data)
}

// loadEnvFile returns the variables as a dotenv loader reads them, and
// the line each name was last set on. A byte-order mark is ignored here (the
// env-file check reports it); when godotenv gives up on the whole file, the
// lines it can read one by one are kept.
func loadEnvFile(data []byte) (map[string]string, map[string]int) {
	data = bytes.TrimPrefix(data, utf8BOM)
	lines := scanEnvLines(data)
	where := make(map[string]int, len(lines))
	for _, l := range lines {
		if l.Name != "" {
			where[l.Name] = l.N
		}
	}
	vars, err := dotenvRead(data)
	if err == nil {
		return vars, where
	}
	vars = map[string]string{}
	for _, l := range lines {
		if l.Name == "" {
			continue
		}
		if one, err := dotenvRead([]byte(l.Statement)); err == nil {
			for k, v := range one {
				vars[k] = v
			}
		}
	}
	return vars, where
}

// envLine is one statement of a .env file, as written.
type envLine struct {
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

// scanEnvLines splits a .env into statements, skipping blank lines and
// comments, without interpreting values. A quoted value may run over
// several lines, as dotenv allows.
func scanEnvLines(data []byte) []envLine {
	phys := strings.Split(string(data), "\n")
	out := make([]envLine, 0, min(len(phys), 4096))
	for i := 0; i < len(phys); i++ {
		raw := phys[i]
		l := envLine{N: i + 1}
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
		if !validEnvName(l.Name) {
			l.Bad = true
		}
		// A quoted value that does not close on this line continues. The
		// statement is built once, not line by line: an opening quote that
		// never closes makes the rest of the file one statement.
		v := strings.TrimLeft(l.Value, " \t")
		if len(v) > 0 && (v[0] == '"' || v[0] == '\'') && !closesQuote(v[1:], v[0]) {
			first := i
			for i+1 < len(phys) {
				i++
				l.Continued++
				if closesQuote(strings.TrimSuffix(phys[i], "\r"), v[0]) {
					break
				}
			}
			var more strings.Builder
			for _, next := range phys[first+1 : i+1] {
				more.WriteString("\n")
				more.WriteString(strings.TrimSuffix(next, "\r"))
			}
			l.Statement += more.String()
			l.Value += more.String()
		}
		out = append(out, l)
	}
	return out
}

func closesQuote(s string, q byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == q && (i == 0 || s[i-1] != '\\') {
			return true
		}
	}
	return false
}

// validEnvName accepts the names shells and docker accept.
func validEnvName(n string) bool {
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

// dockerValue is what `docker run --env-file` (and docker-compose before
// 1.26) reads: everything after the first "=", untouched — quotes, inline
// comments and trailing spaces included.
func dockerValue(l envLine) (string, bool) {
	if l.Export || l.Sep != '=' || l.Bad || strings.ContainsAny(l.NameRaw, " \t") || l.Continued > 0 {
		return "", false // docker refuses the line or reads another name
	}
	return l.Value, true
}

// EnvFile lints the .env the user's app would load: a value that reads one
// way with dotenv and another way with docker or a shell is a key that
// "is right" but fails.
func EnvFile(_ context.Context, s *checks.Setup) checks.Result {
	r := newResult(s, checks.CheckEnvFile, ".env file reads the same in every loader")
	if s.EnvFilePath == "" {
		r.Status, r.Summary = checks.Skip, "no .env file found in the working directory or its parents"
		return r
	}
	data, err := readCapped(s.EnvFilePath, envFileCap)
	switch {
	case errors.Is(err, errTooBig):
		r.Details = append(r.Details, s.EnvFilePath+" is larger than 1 MiB: only the first MiB was checked — is this really a .env file?")
	case err != nil:
		r.Status = checks.Warn
		r.Summary = "cannot read " + s.EnvFilePath + ": " + errText(err)
		return r
	}
	if bytes.IndexByte(data, 0) >= 0 && !(len(data) >= 2 && (data[0] == 0xFF || data[0] == 0xFE)) {
		r.Status = checks.Warn
		r.Summary = s.EnvFilePath + " is not a text file (it holds NUL bytes); loaders will misread it"
		return r
	}

	keyVars := map[string]bool{}
	for _, n := range clientKeyVars(s) {
		keyVars[n] = true
	}
	fs := lintEnvFile(data, clientKeyVars(s)...)
	if len(fs) == 1 && strings.Contains(fs[0].Text, "UTF-16") && uTF16Mentions(data, s.KeyEnv) {
		fs[0].Name = s.KeyEnv
	}
	if len(fs) == 0 {
		r.Status = checks.Pass
		r.Summary = s.EnvFilePath + ": " + plural(len(s.EnvFileVars), "variable", "variables") + ", no syntax problems"
		if len(r.Details) > 0 {
			r.Status = checks.Warn
		}
		return r
	}

	r.Cause, r.Status = "env-file-syntax", checks.Warn
	var lead *envFinding
	for i := range fs {
		if keyVars[fs[i].Name] {
			r.Status = checks.Fail
			if lead == nil {
				lead = &fs[i]
			}
		}
	}
	for i := range fs {
		if fs[i].Lead {
			lead = &fs[i]
			break
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
	return r
}

// uTF16Mentions reports whether a UTF-16 file names the variable.
func uTF16Mentions(data []byte, name string) bool {
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

// errText is an OS error without the Go wrapping noise.
func errText(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
