package setup

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode"
)

// The reading below follows github.com/joho/godotenv v1.5.1's parser.go
// function by function (the names in the comments are godotenv's), so it is
// a derived work: Copyright (c) 2013 John Barton, MIT License, whose text is
// in LICENCE.godotenv beside this file.

// parseDotenv reads a .env exactly as github.com/joho/godotenv v1.5.1 does
// (Go's dotenv, whose reading the lint describes and the fuzz test pins),
// with two differences: it runs in time linear in the file, and variable
// expansion is bounded. godotenv expands ${A}${A} in full, so a file under
// 1 KiB whose lines each double the last asks for terabytes; here a value
// that would grow past maxExpandedValue, expansions that would produce more
// than maxExpandedTotal bytes in all, or a chain of expansions deeper than
// maxExpandDepth stop the parse with an *expandError, which the env-file
// check reports as a finding.
func parseDotenv(src []byte) (map[string]string, error) {
	n := bytes.Count(src, []byte("\n")) + 1
	p := dotenvParser{out: make(map[string]string, n), depth: map[string]int{}}
	err := p.parse(src)
	return p.out, err
}

const (
	maxExpandedValue = envFileCap // no single value may outgrow the file cap
	maxExpandedTotal = 8 << 20    // bytes all expansions may produce together
	maxExpandDepth   = 64         // A=${B}, B=${C}, …: far beyond any real file
)

// expandError says which statement expands too far.
type expandError struct {
	Line int
	Name string
	Why  string
}

func (e *expandError) Error() string {
	return "line " + strconv.Itoa(e.Line) + ": " + e.Name + " " + e.Why
}

type dotenvParser struct {
	out      map[string]string
	depth    map[string]int // how deep each variable's expansion chain runs
	expanded int            // bytes produced by expansion so far
	last     int            // the depth of the value expand made last
}

func (p *dotenvParser) parse(src []byte) error {
	src = bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
	cutset := src
	line, counted := 1, 0 // the line number at offset counted
	for {
		cutset = statementStart(cutset)
		if cutset == nil {
			return nil
		}
		off := len(src) - len(cutset)
		line += bytes.Count(src[counted:off], []byte("\n"))
		counted = off
		key, left, err := keyName(cutset)
		if err != nil {
			return err
		}
		p.last = 0
		value, left, err := p.value(left)
		if err != nil {
			if ee, ok := err.(*expandError); ok {
				ee.Line, ee.Name = line, key
			}
			return err
		}
		p.out[key] = value
		if p.last > 0 || p.depth[key] > 0 {
			p.depth[key] = p.last
		}
		cutset = left
	}
}

// statementStart skips blank space and comment lines (godotenv's
// getStatementStart, without its recursion per comment line).
func statementStart(src []byte) []byte {
	for {
		pos := bytes.IndexFunc(src, func(r rune) bool { return !unicode.IsSpace(r) })
		if pos == -1 {
			return nil
		}
		src = src[pos:]
		if src[0] != '#' {
			return src
		}
		pos = bytes.IndexByte(src, '\n')
		if pos == -1 {
			return nil
		}
		src = src[pos:]
	}
}

// keyName is godotenv's locateKeyName: the name before '=' or ':', after an
// optional export.
func keyName(src []byte) (key string, cutset []byte, err error) {
	src = bytes.TrimLeftFunc(src, dotenvSpace)
	if trimmed, ok := bytes.CutPrefix(src, []byte("export")); ok {
		if bytes.IndexFunc(trimmed, dotenvSpace) == 0 {
			src = bytes.TrimLeftFunc(trimmed, dotenvSpace)
		}
	}
	offset := 0
loop:
	for i, char := range src {
		rchar := rune(char) // a byte, as godotenv reads it
		if dotenvSpace(rchar) {
			continue
		}
		switch char {
		case '=', ':':
			key = string(src[0:i])
			offset = i + 1
			break loop
		case '_':
		default:
			if unicode.IsLetter(rchar) || unicode.IsNumber(rchar) || rchar == '.' {
				continue
			}
			return "", nil, fmt.Errorf("unexpected character %q in variable name", string(char))
		}
	}
	if len(src) == 0 {
		return "", nil, errors.New("zero length string")
	}
	key = strings.TrimRightFunc(key, unicode.IsSpace)
	cutset = bytes.TrimLeftFunc(src[offset:], dotenvSpace)
	return key, cutset, nil
}

// value is godotenv's extractVarValue, with bounded expansion.
func (p *dotenvParser) value(src []byte) (value string, rest []byte, err error) {
	if len(src) == 0 || (src[0] != '"' && src[0] != '\'') {
		// Unquoted: to the end of the line, less a " #" comment.
		endOfLine := bytes.IndexAny(src, "\n\r")
		if endOfLine == -1 {
			endOfLine = len(src)
			if endOfLine == 0 {
				return "", nil, nil
			}
		}
		line := []rune(string(src[0:endOfLine]))
		endOfVar := len(line)
		if endOfVar == 0 {
			return "", src[endOfLine:], nil
		}
		for i := endOfVar - 1; i >= 0; i-- {
			if line[i] == '#' && i > 0 && dotenvSpace(line[i-1]) {
				endOfVar = i
				break
			}
		}
		trimmed := strings.TrimFunc(string(line[0:endOfVar]), dotenvSpace)
		v, err := p.expand(trimmed)
		return v, src[endOfLine:], err
	}
	quote := src[0]
	for i := 1; i < len(src); i++ {
		if src[i] != quote || src[i-1] == '\\' {
			continue
		}
		q := string(quote)
		value = string(bytes.TrimLeft(bytes.TrimRight(src[0:i], q), q))
		if quote == '"' {
			value, err = p.expand(expandEscapes(value))
		}
		return value, src[i+1:], err
	}
	return "", nil, errors.New("unterminated quoted value")
}

func dotenvSpace(r rune) bool {
	switch r {
	case '\t', '\v', '\f', '\r', ' ', 0x85, 0xA0:
		return true
	}
	return false
}

var (
	escapeRegex        = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\\.`) })
	expandVarRegex     = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(\\)?(\$)(\()?\{?([A-Z0-9_]+)?\}?`) })
	unescapeCharsRegex = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\\([^$])`) })
)

func expandEscapes(str string) string {
	if !strings.Contains(str, `\`) {
		return str
	}
	out := escapeRegex().ReplaceAllStringFunc(str, func(match string) string {
		switch match[1:] {
		case "n":
			return "\n"
		case "r":
			return "\r"
		}
		return match
	})
	return unescapeCharsRegex().ReplaceAllString(out, "$1")
}

// expand replaces $NAME and ${NAME} with the values read so far, as
// godotenv's expandVariables does, and stops when the result would grow
// past the bounds.
func (p *dotenvParser) expand(v string) (string, error) {
	if !strings.Contains(v, "$") {
		return v, nil
	}
	ms := expandVarRegex().FindAllStringSubmatchIndex(v, -1)
	var b strings.Builder
	last, depth := 0, 0
	for _, m := range ms {
		b.WriteString(v[last:m[0]])
		s := v[m[0]:m[1]]
		rep := s
		switch {
		case m[2] >= 0: // \$NAME: the $ is kept
			rep = s[1:]
		case m[9] > m[8]:
			name := v[m[8]:m[9]]
			rep = p.out[name]
			depth = max(depth, p.depth[name]+1)
			p.expanded += len(rep)
		}
		switch {
		case b.Len()+len(rep)+len(v)-m[1] > maxExpandedValue:
			return "", &expandError{Why: "expands to more than 1 MiB: its value repeats variables that repeat others (${A}${A}…), so a loader that expands them all runs out of memory"}
		case p.expanded > maxExpandedTotal:
			return "", &expandError{Why: "takes the expansions in this file past 8 MiB: values repeat variables that repeat others (${A}${A}…), so a loader that expands them all runs out of memory"}
		case depth > maxExpandDepth:
			return "", &expandError{Why: "ends a chain of more than " + strconv.Itoa(maxExpandDepth) + " variables expanding one another"}
		}
		b.WriteString(rep)
		last = m[1]
	}
	b.WriteString(v[last:])
	p.last = depth
	return b.String(), nil
}
