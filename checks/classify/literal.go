package classify

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Reading the Python and JavaScript literals people paste: a Python repr of
// an error dict, a Node util.inspect dump. They are turned into JSON, and
// the body reader takes it from there.

// maxScan bounds the search for the end of one literal.
const maxScan = 256 << 10

// balanced returns the bracketed value starting at s[start], honouring
// single- and double-quoted strings.
func balanced(s string, start int) (string, bool) {
	depth := 0
	var quote byte
	esc := false
	end := len(s)
	if end-start > maxScan {
		end = start + maxScan
	}
	for i := start; i < end; i++ {
		c := s[i]
		if quote != 0 {
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == quote:
				quote = 0
			case c == '\n' && quote == '\'':
				return "", false // Python and JS strings do not span lines
			}
			continue
		}
		switch c {
		case '"', '\'':
			quote = c
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return s[start : i+1], true
			}
			if depth < 0 {
				return "", false
			}
		}
	}
	return "", false
}

// literalToJSON turns a Python repr ({'error': {'code': None}}) or a
// Node util.inspect dump ({ error: { type: 'x' } }) into JSON.
func literalToJSON(s string) (string, bool) {
	var out strings.Builder
	out.Grow(len(s))
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\'' || c == '"':
			str, n, ok := readQuoted(s[i:])
			if !ok {
				return "", false
			}
			q, _ := json.Marshal(str)
			out.Write(q)
			i += n
		case c == '_' || c == '$' || (c|0x20 >= 'a' && c|0x20 <= 'z'):
			j := i
			for j < len(s) && (s[j] == '_' || s[j] == '$' || s[j] == '.' || (s[j]|0x20 >= 'a' && s[j]|0x20 <= 'z') || (s[j] >= '0' && s[j] <= '9')) {
				j++
			}
			word := s[i:j]
			k := j
			for k < len(s) && (s[k] == ' ' || s[k] == '\t') {
				k++
			}
			next := byte(0)
			if k < len(s) {
				next = s[k]
			}
			switch {
			case word == "None" || word == "null" || word == "undefined":
				out.WriteString("null")
			case word == "True" || word == "true":
				out.WriteString("true")
			case word == "False" || word == "false":
				out.WriteString("false")
			case (word == "b" || word == "u" || word == "r") && j < len(s) && (s[j] == '\'' || s[j] == '"'):
				// a Python string prefix: the string follows
			case next == '{' || next == '[':
				// a class name before a literal (Node's "Headers {")
			default:
				q, _ := json.Marshal(word)
				out.Write(q)
			}
			i = j
		default:
			out.WriteByte(c)
			i++
		}
	}
	return out.String(), true
}

// readQuoted reads a Python or JavaScript string literal at the start of
// s, returning its value and length.
func readQuoted(s string) (string, int, bool) {
	quote := s[0]
	var sb strings.Builder
	for j := 1; j < len(s); {
		d := s[j]
		if d == quote {
			return sb.String(), j + 1, true
		}
		if d != '\\' || j+1 >= len(s) {
			sb.WriteByte(d)
			j++
			continue
		}
		e := s[j+1]
		j += 2
		switch e {
		case 'n':
			sb.WriteByte('\n')
		case 't':
			sb.WriteByte('\t')
		case 'r':
			sb.WriteByte('\r')
		case 'x', 'u', 'U':
			n := map[byte]int{'x': 2, 'u': 4, 'U': 8}[e]
			if j+n <= len(s) {
				if v, err := strconv.ParseUint(s[j:j+n], 16, 32); err == nil && utf8.ValidRune(rune(v)) {
					sb.WriteRune(rune(v))
					j += n
					continue
				}
			}
			sb.WriteByte('\\')
			sb.WriteByte(e)
		default:
			sb.WriteByte(e) // \' \" \\ and anything else: the character itself
		}
	}
	return "", 0, false
}
