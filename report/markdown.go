// Package report turns a diagnosis into text for people: markdown rendered
// for the terminal (shared by the TUI and diagnose/explain) and the redacted
// support report pasted into tickets.
package report

import (
	"strings"
	"sync"

	"charm.land/glamour/v2"
	"charm.land/glamour/v2/ansi"
	"charm.land/glamour/v2/styles"
)

// Style picks the markdown colours.
type Style int

const (
	Dark  Style = iota // for dark terminal backgrounds
	Light              // for light terminal backgrounds
	Plain              // no colour at all: NO_COLOR, TERM=dumb, pipes
)

// plainStyle is glamour's no-TTY style without the emphasis marks: it
// printed bold as literal asterisks, and around every piece of text the
// parser split a word into, so **OPENAI_API_KEY** came out as
// "**OPENAI_****API_****KEY**". Without colour there is no bold to show;
// the words alone read cleanly.
func plainStyle() ansi.StyleConfig {
	s := styles.NoTTYStyleConfig
	s.Strong = ansi.StylePrimitive{}
	s.Emph = ansi.StylePrimitive{}
	s.Strikethrough = ansi.StylePrimitive{}
	return s
}

// lightStyle is glamour's light style with inline code readable: its
// colour 203 on 254 is about 2.3:1, below what text needs (4.5:1); 124
// (#af0000) on 254 is about 5.9:1 and still reads as code.
func lightStyle() ansi.StyleConfig {
	s := styles.LightStyleConfig
	c := "124"
	s.Code.Color = &c
	return s
}

// darkStyle is glamour's dark style with inline code at 210 (#ff8787) on
// its 236: 5.7:1, where glamour's 203 is 4.4:1.
func darkStyle() ansi.StyleConfig {
	s := styles.DarkStyleConfig
	c := "210"
	s.Code.Color = &c
	return s
}

// A glamour TermRenderer is not safe for concurrent use, so each cached
// renderer carries its own lock. Renderers are kept per style and width so
// that a resize storm re-renders without rebuilding; measured, building one
// costs ~30 µs and its first render up to 0.8 ms more than a warm one
// (BenchmarkMarkdown), against ~3 ms for a page.
type cached struct {
	mu sync.Mutex
	r  *glamour.TermRenderer
}

var (
	cacheMu sync.Mutex
	cache   = map[[2]int]*cached{}
)

// maxWrap keeps long lines readable on very wide terminals.
const maxWrap = 100

// WrapWidth is the wrap column for a terminal of the given width.
func WrapWidth(termWidth int) int {
	w := termWidth - 2
	if w > maxWrap {
		w = maxWrap
	}
	if w < 20 {
		w = 20
	}
	return w
}

func renderer(style Style, wrap int) (*cached, error) {
	key := [2]int{int(style), wrap}
	cacheMu.Lock()
	defer cacheMu.Unlock()
	if c, ok := cache[key]; ok {
		return c, nil
	}
	r, err := glamour.NewTermRenderer(glamour.WithStyles(styleConfig(style)), glamour.WithWordWrap(wrap))
	if err != nil {
		return nil, err
	}
	c := &cached{r: r}
	cache[key] = c
	return c, nil
}

func (c *cached) render(md string) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.r.Render(md)
}

var wholeRestorer = strings.NewReplacer(string(nbHyphen), "-", string(nbDot), ".")

// Markdown renders a page for a terminal of the given width. It is safe to
// call from many goroutines.
func Markdown(md string, termWidth int, style Style) (string, error) {
	c, err := renderer(style, WrapWidth(termWidth))
	if err != nil {
		return "", err
	}
	hidden, blocks := hideCode(md)
	out, err := c.render(keepWhole(joinSoftBreaks(hidden)))
	if err != nil {
		return "", err
	}
	if len(blocks) > 0 {
		var ok bool
		if out, ok = showCode(out, blocks, style); !ok {
			// A placeholder did not come through: glamour's own
			// rendering, with its wrapped code, beats a broken page.
			if out, err = c.render(keepWhole(joinSoftBreaks(md))); err != nil {
				return "", err
			}
		}
	}
	out = wholeRestorer.Replace(out)
	return strings.TrimRight(out, "\n ") + "\n", nil
}
