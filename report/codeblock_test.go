package report

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// A 90-character command, as a page writes it: at the top level and inside
// a list item, with a blank line and an indented continuation in the block.
const longCmd = `curl -sS "https://api.openai.com/v1/chat/completions" -H "Authorization: Bearer $KEY" -d @`

func codePage() string {
	return "# Try it\n\nA paragraph of prose that is long enough to need wrapping at forty columns, and then some more words.\n\n" +
		"```sh\n" + longCmd + "\n\n  echo done\n```\n\n" +
		"1. Then run this, in the same shell:\n\n   ```bash\n   " + longCmd + "\n   ```\n\n2. And read what it says.\n"
}

// Glamour wrapped the lines of a fenced code block at the width like prose,
// so below ~90 columns a command broke across lines and no longer ran when
// copied. Code lines stay whole at every width and in every style; the
// prose around them still wraps.
func TestCodeLinesAreNeverWrapped(t *testing.T) {
	if len(longCmd) != 90 {
		t.Fatalf("the command is %d chars, want 90", len(longCmd))
	}
	for _, style := range []Style{Dark, Light, Plain} {
		for _, width := range []int{10, 40, 60, 80, 120} {
			out, err := Markdown(codePage(), width, style)
			if err != nil {
				t.Fatal(err)
			}
			plain := ansi.Strip(out)
			whole := 0
			for _, ln := range strings.Split(plain, "\n") {
				if strings.TrimSpace(ln) == longCmd {
					whole++
					continue
				}
				if strings.Contains(ln, "curl") || strings.Contains(ln, "Bearer") {
					t.Errorf("style %d width %d: the command broke: %q", style, width, ln)
				}
				if w, limit := ansi.StringWidth(ln), WrapWidth(width)+4; w > limit {
					t.Errorf("style %d width %d: prose line of %d cells (limit %d): %q", style, width, w, limit, ln)
				}
			}
			if whole != 2 {
				t.Errorf("style %d width %d: the command is whole on %d lines, want 2:\n%s", style, width, whole, plain)
			}
			if !strings.Contains(plain, "\n    echo done") && !strings.Contains(plain, "\n      echo done") {
				t.Errorf("style %d width %d: the block lost its inner indentation:\n%s", style, width, plain)
			}
			if width == 40 && !strings.Contains(plain, "A paragraph of prose") || strings.Contains(plain, "A paragraph of prose that is long enough to need wrapping at forty columns") && width <= 60 {
				t.Errorf("style %d width %d: the prose no longer wraps:\n%s", style, width, plain)
			}
			if style == Plain && strings.Contains(out, "\x1b") {
				t.Errorf("plain style has escapes: %q", out)
			}
			if style != Plain && !strings.Contains(out, "\x1b[") {
				t.Errorf("style %d: no colour at all", style)
			}
			if strings.Contains(out, codeTokenPrefix) {
				t.Errorf("style %d width %d: a placeholder leaked: %q", style, width, out)
			}
		}
	}
}

// Every guidance page, filled as the benchmark fills it: each line of each
// fenced block comes out whole on one line, in both colour modes and at
// narrow and wide widths, and no placeholder is left (the fallback to
// glamour's own wrapping never fires on a real page).
func TestEveryPagesCodeComesOutWhole(t *testing.T) {
	pages := benchPages(t)
	for i, md := range pages {
		_, blocks := hideCode(md)
		for _, style := range []Style{Dark, Plain} {
			for _, width := range []int{40, 60, 80} {
				out, err := Markdown(md, width, style)
				if err != nil {
					t.Fatal(err)
				}
				plain := ansi.Strip(out)
				if strings.Contains(out, codeTokenPrefix) {
					t.Fatalf("page %d: a placeholder leaked", i)
				}
				have := map[string]bool{}
				for _, ln := range strings.Split(plain, "\n") {
					have[strings.TrimSpace(ln)] = true
				}
				for _, b := range blocks {
					for _, ln := range b.lines {
						if ln = strings.TrimSpace(ln); ln != "" && !have[ln] {
							t.Errorf("page %d style %d width %d: code line not whole: %q", i, style, width, ln)
						}
					}
				}
			}
		}
	}
}

// A page that already holds the placeholders' prefix is rendered as glamour
// alone would, and a mangled placeholder falls back to that too.
func TestCodePlaceholdersFallBack(t *testing.T) {
	md := "Some " + codeTokenPrefix + " text.\n\n```sh\necho hi\n```\n"
	if got, blocks := hideCode(md); got != md || blocks != nil {
		t.Errorf("hid code in a page holding the prefix: %q", got)
	}
	out, err := Markdown(md, 60, Plain)
	if err != nil || !strings.Contains(out, "echo hi") {
		t.Errorf("out %q err %v", out, err)
	}
	_, blocks := hideCode("```sh\necho hi\n```\n")
	if _, ok := showCode("  "+codeToken(0)[:5]+"\n", blocks, Plain); ok {
		t.Error("a cut placeholder was accepted")
	}
	if _, ok := showCode("  "+codeToken(1)+"\n", blocks, Plain); ok {
		t.Error("a placeholder out of order was accepted")
	}
	if got, ok := showCode("  "+codeToken(0)+"   \n", blocks, Plain); !ok || got != "  echo hi  \n" {
		t.Errorf("showCode = %q, %v", got, ok)
	}
	for n := range 1000 {
		if tokenIndex(codeToken(n)) != n {
			t.Fatalf("token %d does not round-trip: %s", n, codeToken(n))
		}
	}
}
