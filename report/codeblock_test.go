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
