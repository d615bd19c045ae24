package report

import (
	"strings"

	"charm.land/glamour/v2/ansi"
	"charm.land/lipgloss/v2"
	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/formatters"
	"github.com/alecthomas/chroma/v2/lexers"
	chromastyles "github.com/alecthomas/chroma/v2/styles"
	xansi "github.com/charmbracelet/x/ansi"
)

// Glamour has no way to leave a code block unwrapped: the list item or the
// document around it wraps everything inside at the width, so below ~90
// columns a command broke across lines and no longer ran when copied. So
// each line of a fenced block goes through the renderer as a short
// placeholder word, which never wraps and keeps the block's place, margin
// and indentation; afterwards the word is swapped for the real line,
// highlighted as glamour would have. Code lines are then as long as they
// are: the terminal soft-wraps them, and copying gives the command back.

// codeTokenPrefix starts every placeholder: letters only, so that no lexer
// splits it and no wrap breaks it.
const codeTokenPrefix = "zqcw"

// codeBlock is one fenced block of a page: its language and content lines
// (the fence's indentation taken off, as the parser does).
type codeBlock struct {
	lang  string
	lines []string
}

// codeToken names line n of the page's code: the prefix, n in base 16
// written with the letters a to p, and an "x" to end it.
func codeToken(n int) string {
	var b []byte
	for {
		b = append(b, byte('a'+n%16))
		n /= 16
		if n == 0 {
			break
		}
	}
	return codeTokenPrefix + string(b) + "x"
}

// fenceOpen reports whether a line opens a fenced block, and with what
// fence, indentation and language.
func fenceOpen(ln string) (fence string, indent int, lang string, ok bool) {
	trimmed := strings.TrimLeft(ln, " ")
	indent = len(ln) - len(trimmed)
	if len(trimmed) < 3 || trimmed[0] != '`' && trimmed[0] != '~' {
		return "", 0, "", false
	}
	n := len(trimmed) - len(strings.TrimLeft(trimmed, trimmed[:1]))
	if n < 3 {
		return "", 0, "", false
	}
	info := strings.TrimSpace(trimmed[n:])
	if trimmed[0] == '`' && strings.Contains(info, "`") {
		return "", 0, "", false // an inline code span, not a fence
	}
	if f := strings.Fields(info); len(f) > 0 {
		lang = f[0]
	}
	return trimmed[:n], indent, lang, true
}

// fenceCloses reports whether a line closes a block opened with fence.
func fenceCloses(ln, fence string) bool {
	t := strings.TrimSpace(ln)
	return strings.HasPrefix(t, fence) && strings.Trim(t, fence[:1]) == ""
}

// hideCode swaps every line of every fenced block for a placeholder and
// returns the page and the blocks. A page that already holds the
// placeholders' prefix, or has no fence, is returned as it is.
func hideCode(md string) (string, []codeBlock) {
	if !strings.Contains(md, "```") && !strings.Contains(md, "~~~") || strings.Contains(md, codeTokenPrefix) {
		return md, nil
	}
	lines := strings.Split(md, "\n")
	var blocks []codeBlock
	n := 0
	for i := 0; i < len(lines); i++ {
		fence, indent, lang, ok := fenceOpen(lines[i])
		if !ok {
			continue
		}
		// The placeholders are plain text to the renderer: a lexer must
		// not colour, split or reflow them.
		lines[i] = strings.Repeat(" ", indent) + fence + "text"
		b := codeBlock{lang: lang}
		for i++; i < len(lines) && !fenceCloses(lines[i], fence); i++ {
			ln := lines[i]
			cut := min(indent, len(ln)-len(strings.TrimLeft(ln, " ")))
			b.lines = append(b.lines, ln[cut:])
			lines[i] = strings.Repeat(" ", indent) + codeToken(n)
			n++
		}
		blocks = append(blocks, b)
	}
	if n == 0 {
		return md, nil
	}
	return strings.Join(lines, "\n"), blocks
}

// showCode puts the code lines back in place of their placeholders in the
// rendered page, each whole, and keeps the glamour padding after a line
// that is shorter than the others. It reports false if a placeholder did
// not come through whole, once, so that the caller can render the page as
// glamour alone would.
func showCode(out string, blocks []codeBlock, style Style) (string, bool) {
	var code []string
	for _, b := range blocks {
		code = append(code, highlight(b, style)...)
	}
	lines := strings.Split(out, "\n")
	found := 0
	for i, ln := range lines {
		at := strings.Index(ln, codeTokenPrefix)
		if at < 0 {
			continue
		}
		end := strings.IndexByte(ln[at+len(codeTokenPrefix):], 'x')
		if end < 0 {
			return "", false
		}
		tok := ln[at : at+len(codeTokenPrefix)+end+1]
		n := tokenIndex(tok)
		if n < 0 || n >= len(code) || codeToken(n) != tok || n != found {
			return "", false
		}
		found++
		head, rest := ln[:at], ln[at+len(tok):]
		if strings.Contains(rest, codeTokenPrefix) {
			return "", false
		}
		var b strings.Builder
		b.WriteString(head)
		b.WriteString(code[n])
		if strings.Contains(head, "\x1b") {
			b.WriteString("\x1b[m")
		}
		if strings.Trim(xansi.Strip(rest), " ") != "" {
			b.WriteString(rest) // not just padding: keep it as it was
		} else if pad := lipgloss.Width(ln) - lipgloss.Width(b.String()); pad > 0 {
			b.WriteString(strings.Repeat(" ", pad))
		}
		lines[i] = b.String()
	}
	if found != len(code) {
		return "", false
	}
	return strings.Join(lines, "\n"), true
}

func tokenIndex(tok string) int {
	s, ok := strings.CutSuffix(strings.TrimPrefix(tok, codeTokenPrefix), "x")
	if !ok || s == "" || len(s) > 6 {
		return -1
	}
	n := 0
	for i := len(s) - 1; i >= 0; i-- {
		c := s[i]
		if c < 'a' || c > 'p' {
			return -1
		}
		n = n*16 + int(c-'a')
	}
	return n
}

// styleConfig is the glamour style a Style renders with.
func styleConfig(style Style) ansi.StyleConfig {
	switch style {
	case Light:
		return lightStyle()
	case Plain:
		return plainStyle()
	default:
		return darkStyle()
	}
}

// highlight gives a block's lines as glamour colours a code block: through
// Chroma, with the style's theme ("charm", which glamour registered while
// it rendered the placeholders' block, when the style defines its own
// colours). A style with no theme shows the code as it is.
func highlight(b codeBlock, style Style) []string {
	rules := styleConfig(style).CodeBlock
	theme := rules.Theme
	if rules.Chroma != nil {
		theme = "charm"
	}
	if theme == "" || style == Plain {
		return b.lines
	}
	source := strings.Join(b.lines, "\n")
	l := lexers.Get(b.lang)
	if l == nil {
		l = lexers.Analyse(source)
	}
	if l == nil {
		l = lexers.Fallback
	}
	l = chroma.Coalesce(l)
	f := formatters.Get("terminal256")
	s := chromastyles.Get(theme)
	it, err := l.Tokenise(nil, source+"\n")
	if err != nil {
		return b.lines
	}
	// One Format call for the block (each call builds the theme's escape
	// table anew), with every newline a token of its own, so that the
	// output splits into lines at exactly the code's own line breaks.
	var toks []chroma.Token
	for _, line := range chroma.SplitTokensIntoLines(it.Tokens()) {
		for _, tok := range line {
			if v, ok := strings.CutSuffix(tok.Value, "\n"); ok {
				if v != "" {
					toks = append(toks, chroma.Token{Type: tok.Type, Value: v})
				}
				toks = append(toks, chroma.Token{Type: chroma.Background, Value: "\n"})
				continue
			}
			toks = append(toks, tok)
		}
	}
	var w strings.Builder
	if err := f.Format(&w, s, chroma.Literator(toks...)); err != nil {
		return b.lines
	}
	out := append([]string(nil), b.lines...)
	for i, hl := range strings.Split(w.String(), "\n") {
		if i >= len(out) {
			break
		}
		if xansi.Strip(hl) == b.lines[i] {
			out[i] = hl
		} // else the colouring changed the text: show it plain
	}
	return out
}
