package ui

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/content"
)

// wideCmd is a command wider than any window the tests use: the renderer
// keeps it whole, so only sideways scrolling shows its end.
const wideCmd = `curl -sS https://api.openai.com/v1/chat/completions -H "Authorization: Bearer $OPENAI_API_KEY" -H "Content-Type: application/json" -d '{"model":"gpt-4o-mini"}' ; echo end-of-command`

// toWidePage walks the fixture to a page whose code block holds code.
func toWidePage(t *testing.T, w, h int, code ...string) *driver {
	t.Helper()
	f := newFixture(t, nil)
	f.opts.Guidance = func(id string, d content.PageData) (string, error) {
		return "# Page title\n\nFix for " + id + "\n\nBefore the command.\n\n```sh\n" + strings.Join(code, "\n") +
			"\necho second line\n```\n\nAfter the command.\n", nil
	}
	d := newDriver(t, f.opts, w, h)
	d.choose("401 Unauthorized")
	d.press("enter", "enter")
	d.mustShow("Fix for key-whitespace")
	return d
}

// The lines of the last frame, without ANSI.
func (d *driver) lines() []string {
	return strings.Split(ansi.Strip(d.frames[len(d.frames)-1]), "\n")
}

// A command wider than the window is cut at the edge, with an arrow there
// and the columns under the page; → and l scroll right until its end shows,
// ← and h back; the help offers the keys.
func TestWideCommandScrollsSideways(t *testing.T) {
	for _, sz := range append(sizes, struct{ w, h int }{100, 30}) {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			d := toWidePage(t, sz.w, sz.h, wideCmd)
			d.mustNotShow("end-of-command")
			d.mustShow(fmt.Sprintf("cols 1–%d of ", sz.w), "←/→ sideways")
			cmdLine := func() string {
				for _, ln := range d.lines() {
					if strings.Contains(ln, "-H") || strings.Contains(ln, "curl") || strings.Contains(ln, "echo end") {
						return ln
					}
				}
				t.Fatalf("no command on screen:\n%s", d.screen())
				return ""
			}
			if ln := cmdLine(); !strings.HasSuffix(ln, "→") || ansi.StringWidth(ln) != sz.w {
				t.Fatalf("the cut command %q does not end in an arrow at the edge:\n%s", ln, d.screen())
			}
			// Both keys of a direction, in turn, until the text shows.
			scrollTo := func(text string, keys ...string) {
				for i := 0; i < 20 && !strings.Contains(d.screen(), text); i++ {
					d.press(keys[i%len(keys)])
					d.checkFits(sz.w, sz.h)
				}
			}
			scrollTo("end-of-command", "right", "l")
			d.mustShow("end-of-command")
			if ln := cmdLine(); !strings.HasPrefix(ln, "←") || strings.HasSuffix(ln, "→") {
				t.Fatalf("at its end the command line is %q:\n%s", ln, d.screen())
			}
			if m := colsEnd.FindStringSubmatch(d.screen()); m == nil || m[1] != m[2] {
				t.Fatalf("at the right end the pager does not say so (%v):\n%s", m, d.screen())
			}
			scrollTo("cols 1–", "left", "h")
			d.mustShow("cols 1–", "Before the command.")
			d.mustNotShow("end-of-command")
		})
	}
}

// Sideways keys work, and are offered, only when a line is cut: on a page
// that fits they do nothing and the help does not name them.
func TestSidewaysKeysOnlyWhenSomethingIsCut(t *testing.T) {
	d := toWidePage(t, 80, 24, "echo short")
	d.mustNotShow("sideways", "cols ")
	before := d.screen()
	d.press("right", "l")
	if d.screen() != before {
		t.Fatalf("→ moved a page that fits:\n%s", d.screen())
	}
	d.press("?")
	d.mustNotShow("scroll right", "scroll left")

	d = toWidePage(t, 80, 24, wideCmd)
	d.press("?")
	d.mustShow("→/l", "scroll right", "←/h", "scroll left")
}

// A wide rune (漢, an emoji) that straddles the view's left edge after a
// step right gives way to a space: the line stays within the window and
// never pushes the lines under it down, whatever the offset.
func TestSidewaysKeepsWideRunes(t *testing.T) {
	cjk := strings.Repeat("漢字かな", 12) + " 🙂🙂🙂 end-wide"
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			// The same runes at both parities, so some step lands mid-rune.
			d := toWidePage(t, sz.w, sz.h, "echo "+cjk, "echo x"+cjk)
			for i := 0; i < 12; i++ {
				d.checkFits(sz.w, sz.h)
				lines := d.lines()
				if len(lines) != sz.h {
					t.Fatalf("step %d: the frame has %d lines for %d rows:\n%s", i, len(lines), sz.h, d.screen())
				}
				if !colsAt.MatchString(lines[len(lines)-2]) {
					t.Fatalf("step %d: the pager line is not above the help, a line was pushed down:\n%s", i, d.screen())
				}
				d.press("right")
			}
			d.mustShow("end-wide")
		})
	}
}

func TestCutCellsNeverWider(t *testing.T) {
	ln := "ab\x1b[31m漢字🙂cd\x1b[m漢"
	for from := 0; from < 12; from++ {
		for to := from; to < 13; to++ {
			if got := uiCutCells(ln, from, to); ansi.StringWidth(got) > to-from {
				t.Errorf("cells %d–%d of %q are %q, %d wide", from, to, ln, got, ansi.StringWidth(got))
			}
		}
	}
}

// Scrolling sideways shows the page's redacted text: a key in a long
// command is masked before the page is cut, so no offset shows a piece
// of it that the frame's redaction could no longer recognise.
func TestSidewaysKeepsKeysMasked(t *testing.T) {
	other := "sk-proj-ZyXwVuTsRqPoNmLkJiHgFeDcBa9876543210zyxwVUTS"
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			d := toWidePage(t, sz.w, sz.h,
				`curl -sS https://api.openai.com/v1/models -H "Authorization: Bearer `+testKey+`" -H "X-Other: `+other+`" ; echo end-of-command`)
			for i := 0; i < 20 && !strings.Contains(d.screen(), "end-of-command"); i++ {
				d.press("right")
			}
			d.mustShow("end-of-command")
			for i, f := range d.frames {
				plain := ansi.Strip(f)
				for _, k := range []string{testKey, other} {
					for _, piece := range []string{k[8:20], k[20:32], k[32:44]} {
						if strings.Contains(plain, piece) {
							t.Fatalf("frame %d shows %q of a key:\n%s", i, piece, plain)
						}
					}
				}
			}
		})
	}
}

// A search for text past the right edge brings it into view.
func TestSearchScrollsSidewaysToTheMatch(t *testing.T) {
	d := toWidePage(t, 60, 16, wideCmd)
	d.mustNotShow("end-of-command")
	d.press("/")
	d.typeText("end-of-command")
	d.press("enter")
	d.mustShow("end-of-command", "match 1 of 1")
	d.checkFits(60, 16)
	// Drawn reversed on its own cells: the view's offset is allowed for.
	if !regexp.MustCompile(`\x1b\[(?:[0-9]+;)*7m(?:\x1b\[[0-9;]*m)*end-of-command\x1b\[`).MatchString(d.frames[len(d.frames)-1]) {
		t.Errorf("the match is not drawn reversed where it is:\n%q", d.frames[len(d.frames)-1])
	}
	d.press("esc", "g")
	d.mustShow("cols ")
}

// Widened until the page fits, the view goes back to the left edge and the
// sideways keys and marks go.
func TestSidewaysUndoneByAWiderWindow(t *testing.T) {
	d := toWidePage(t, 60, 16, "echo "+strings.Repeat("x", 70)+" tail-end")
	d.press("right", "right")
	d.mustShow("tail-end")
	d.mustNotShow("cols 1–")
	d.send(tea.WindowSizeMsg{Width: 120, Height: 30})
	d.mustShow("Before the command.", "tail-end")
	d.mustNotShow("cols ", "sideways", "→", "←")
}

var colsAt = regexp.MustCompile(`cols \d+–\d+ of \d+`)

var colsEnd = regexp.MustCompile(`cols \d+–(\d+) of (\d+) ←\n`)

// The short help fits the window by dropping items from its end, never "?
// more keys": at 60 columns the line used to end in "…" where ? was, and
// nothing said how to see the keys it had cut.
func TestShortHelpAlwaysOffersMoreKeys(t *testing.T) {
	for _, sz := range append(sizes, struct{ w, h int }{50, 16}) {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			check := func(d *driver, where string) {
				t.Helper()
				lines := d.lines()
				last := lines[len(lines)-1]
				if !strings.HasSuffix(last, "? more keys") || strings.Contains(last, "…") {
					t.Fatalf("%s: the help line is %q", where, last)
				}
			}
			f := newFixture(t, nil)
			d := newDriver(t, f.opts, sz.w, sz.h)
			check(d, "first question")
			d.choose("401 Unauthorized")
			d.press("enter", "enter")
			d.mustShow("Fix for key-whitespace")
			check(d, "result page")
			d = toWidePage(t, sz.w, sz.h, wideCmd)
			check(d, "wide result page")
			d.mustShow("←/→ sideways", "q quit")
		})
	}
}

// On a page that shows whole, the keys that scroll it up and down do
// nothing: the help does not offer them, short or full.
func TestScrollKeysOnlyWhenThePageIsLonger(t *testing.T) {
	d := toWidePage(t, 80, 24, "echo short")
	d.mustShow("all 8 lines")
	d.mustNotShow("scroll", "page down")
	before := d.screen()
	d.press("j", "space", "G")
	if d.screen() != before {
		t.Fatalf("a key moved a page that shows whole:\n%s", d.screen())
	}
	d.press("?")
	d.mustNotShow("scroll", "page down", "bottom")

	d = toPage(t, 80, 24)
	d.mustShow("↑/↓ scroll")
	d.press("?")
	d.mustShow("scroll down", "page down", "bottom")
}

// With a search in force on a wide page at 60 columns, the short help
// still says how to go on to the next match and how to clear the search
// (it used to keep the scrolling keys and cut esc off).
func TestFoundModeHelpKeepsEsc(t *testing.T) {
	d := toWidePage(t, 60, 16, wideCmd)
	d.press("/")
	d.typeText("Bearer")
	d.press("enter")
	d.mustShow("match 1 of 1")
	lines := d.lines()
	last := lines[len(lines)-1]
	for _, want := range []string{"n/N next/prev match", "esc clear search", "? more keys"} {
		if !strings.Contains(last, want) {
			t.Errorf("the help line %q lacks %q", last, want)
		}
	}
}

// At 60 columns the hints stand in a column after the longest label, so a
// short label's hint may be cut though label and hint would fit side by
// side: the highlighted choice's hint then shows whole under the list.
func TestCutHintShownWholeUnderTheList(t *testing.T) {
	f := newFixture(t, nil)
	d := newDriver(t, f.opts, 60, 16)
	for d.model().cursor != 2 {
		d.press("j")
	}
	d.mustShow("› Paste the error", "we read the status and message for you")
	d.checkFits(60, 16)
}

// On a light background the input's prompt and cursor are not drawn in
// ANSI colour 7 (light grey, the bubbles default), which all but vanishes
// on white: the prompt, the cursor and the letter under it were lost.
func TestLightBackgroundInputsReadable(t *testing.T) {
	grey := regexp.MustCompile(`\x1b\[(?:[0-9;]*;)?(?:37|38;5;7|38;2;192;192;192)m`)
	f := newFixture(t, nil)
	d := newDriver(t, f.opts, 80, 24)
	d.send(tea.BackgroundColorMsg{Color: white{}})
	d.choose("401 Unauthorized")
	d.mustShow("Which base URL does your client use?")
	d.typeText("http://x")
	if fr := d.frames[len(d.frames)-1]; grey.MatchString(fr) {
		t.Fatalf("the input is drawn in light grey on a light background:\n%q", fr)
	}
	d = newDriver(t, f.opts, 80, 24)
	d.send(tea.BackgroundColorMsg{Color: white{}})
	d.choose("Paste the error")
	d.typeText("Error code: 429")
	if fr := d.frames[len(d.frames)-1]; grey.MatchString(fr) {
		t.Fatalf("the paste box is drawn in light grey on a light background:\n%q", fr)
	}
}

// A finished check's summary wider than the screen wraps onto the rows
// the checks screen has spare, instead of being cut ("… has no fre…").
func TestCheckSummaryWrapsWhenThereIsRoom(t *testing.T) {
	f := newFixture(t, nil)
	d := newDriver(t, f.opts, 60, 16)
	m := d.model()
	m.screen = scrChecks
	summary := "not asked: OpenAI-compatible server or gateway has no free balance endpoint to ask"
	m.run = &checkRun{
		node:    m.walker.Current(),
		ids:     []string{"models", "balance"},
		running: map[string]time.Time{"models": time.Now()},
		done:    map[string]checks.Result{"balance": {ID: "balance", Title: "The account has credit left", Status: checks.Skip, Summary: summary}},
		started: time.Now(),
	}
	d.m = m
	s := strings.Join(strings.Fields(d.screen()), " ")
	if !strings.Contains(s, summary) {
		t.Fatalf("the summary is not whole:\n%s", d.screen())
	}
	d.frame()
	d.checkFits(60, 16)
}

// At 60x16 the consent for four setups overflowed: the last setup's
// endpoint and the line on y and n were cut off the bottom. Every
// endpoint now shows whole, the frame fits, and the y/n keys are on it.
func TestAllConsentFitsAShortScreen(t *testing.T) {
	o, _, _, _ := allSetupsOptions(t)
	find := o.FindSetups
	var eps []string
	o.FindSetups = func(ctx context.Context, c checks.Config) []Setup {
		ss := find(ctx, c)
		third, fourth := ss[0], ss[1]
		third.Name, fourth.Name = "ai-sdk", "llamaindex"
		ss = append(ss, third, fourth)
		for _, s := range ss {
			eps = append(eps, s.Endpoint)
		}
		return ss
	}
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			eps = nil
			d := newDriver(t, o, sz.w, sz.h)
			d.choose("Setting up: check everything")
			d.press("enter", "enter")
			d.choose("I don't know / my own code")
			if d.model().screen != scrAllConsent {
				t.Fatalf("not on the consent:\n%s", d.screen())
			}
			d.checkFits(sz.w, sz.h)
			flat := flatScreen(d)
			for _, ep := range eps {
				if !strings.Contains(strings.ReplaceAll(flat, " ", ""), ep) {
					t.Errorf("the consent does not show %s whole:\n%s", ep, d.screen())
				}
			}
			if strings.Contains(flat, "╭") != strings.Contains(flat, "╰") {
				t.Errorf("the box is cut:\n%s", d.screen())
			}
			for _, want := range []string{"openai-sdk:", "codex:", "ai-sdk:", "llamaindex:", "y send", "n don't send",
				"gpt-4o-mini (1 output token)", "fraction of a cent"} {
				if !strings.Contains(flat, want) {
					t.Errorf("the consent lacks %q:\n%s", want, d.screen())
				}
			}
		})
	}
}

// The requests as suite.Billed words them, which differ at their end: at
// 60 columns and 13 rows every endpoint and every request's own words
// still show, the words they share said once.
func TestAllConsentSaysEverythingIn13Rows(t *testing.T) {
	f := newFixture(t, nil)
	m := New(f.opts)
	m.all = &allState{setups: []Setup{
		{Name: "openai-sdk + langchain", Billed: []string{"1 request to POST http://127.0.0.1:18080/v1/chat/completions for the smallest chat model your models list offers (1 output token)"}},
		{Name: "llamaindex", Billed: []string{"1 request to POST https://api.openai.com/v1/chat/completions for the smallest chat model your models list offers (1 output token)"}},
		{Name: "ai-sdk", Billed: []string{"1 request to POST http://127.0.0.1:18080/v1/responses for the smallest chat model your models list offers (16 output tokens at most, the Responses API's minimum)"}},
	}}
	v := ansi.Strip(m.allConsentView(60, 13))
	lines := strings.Split(v, "\n")
	if len(lines) > 13 {
		t.Fatalf("%d lines for 13 rows:\n%s", len(lines), v)
	}
	for _, ln := range lines {
		if ansi.StringWidth(ln) > 60 || strings.Contains(ln, "…") {
			t.Fatalf("line %q is cut or too wide:\n%s", ln, v)
		}
	}
	flat := strings.Join(strings.Fields(v), " ")
	for _, want := range []string{"http://127.0.0.1:18080/v1/chat/completions (1 output token)", "https://api.openai.com/v1/chat/completions",
		"http://127.0.0.1:18080/v1/responses (16 output tokens at most, the Responses API's minimum)",
		"the smallest chat model your models list offers", "fraction of a cent"} {
		if !strings.Contains(flat, want) {
			t.Errorf("the consent lacks %q:\n%s", want, v)
		}
	}
}

// Quitting from the list of every setup left nothing on the normal
// screen: the finish now has one line per setup checked, named.
func TestFinishAfterCheckEverythingNamesEverySetup(t *testing.T) {
	d, _, _, _ := allSetupsDriver(t)
	d.press("y")
	if d.model().screen != scrAll {
		t.Fatalf("want the list:\n%s", d.screen())
	}
	d.press("q")
	got := ansi.Strip(d.model().finish())
	for _, want := range []string{"✓ openai-sdk: healthy", "✗ codex: "} {
		if !strings.Contains(got, want) {
			t.Errorf("the finish lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, testKey) || strings.Contains(got, otherKey) {
		t.Errorf("the finish shows a key:\n%s", got)
	}
}

// At 60 columns each setup's row in the list is cut at its endpoint; the
// highlighted one shows whole under the list, where rows are spare.
func TestAllListShowsTheHighlightedRowWhole(t *testing.T) {
	o, _, _, _ := allSetupsOptions(t)
	d := newDriver(t, o, 60, 16)
	d.choose("Setting up: check everything")
	d.press("enter", "enter")
	d.choose("I don't know / my own code")
	d.press("y")
	if d.model().screen != scrAll {
		t.Fatalf("want the list:\n%s", d.screen())
	}
	a := d.model().all
	_, where, what := a.row(a.cursor)
	flat := flatScreen(d)
	if want := strings.Join(strings.Fields(where+" — "+what), " "); !strings.Contains(flat, want) {
		t.Fatalf("the highlighted setup's %q is not on screen whole:\n%s", want, d.screen())
	}
	d.checkFits(60, 16)
}
