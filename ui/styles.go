package ui

import (
	"image/color"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/report"
)

// styles is every look the wizard uses. It is built once per background
// (dark until the terminal says otherwise) and once more without colour for
// NO_COLOR and TERM=dumb: then only bold, faint and reverse remain, which a
// monochrome terminal shows.
type styles struct {
	brand    lipgloss.Style // "unstuck" in the top line
	crumb    lipgloss.Style // the path taken
	crumbNow lipgloss.Style // the step the user is on
	prompt   lipgloss.Style // the question
	help     lipgloss.Style // a line or two under the question
	selected lipgloss.Style // the highlighted choice
	choice   lipgloss.Style
	hint     lipgloss.Style // dim text: hints, durations, placeholders
	status   lipgloss.Style // the status line (saved, errors)
	errText  lipgloss.Style
	header   lipgloss.Style // the cause title on the result screen
	layer    lipgloss.Style // the cause's layer, beside the title
	consent  lipgloss.Style // the box around the billable-request question
	pass     lipgloss.Style
	warn     lipgloss.Style
	fail     lipgloss.Style
	skip     lipgloss.Style
	spinner  lipgloss.Style
	match    lipgloss.Style // a search match on the page: underlined
	matchNow lipgloss.Style // the match jumped to: reversed, as less does

	help2    help.Styles
	input    textinput.Styles
	textarea textarea.Styles
	markdown report.Style
}

// uiNewStyles builds the styles for a dark or light background, or with no
// colour at all.
func uiNewStyles(isDark, noColor bool) *styles {
	if noColor {
		return uiPlainStyles()
	}
	ld := lipgloss.LightDark(isDark)
	var (
		accent = ld(lipgloss.Color("#5A3FC0"), lipgloss.Color("#B4A0FF"))
		dim    = ld(lipgloss.Color("#6B6B6B"), lipgloss.Color("#8A8A8A"))
		text   = ld(lipgloss.Color("#1F1F1F"), lipgloss.Color("#E6E6E6"))
		green  = ld(lipgloss.Color("#1A7F37"), lipgloss.Color("#56D364"))
		yellow = ld(lipgloss.Color("#9A6700"), lipgloss.Color("#E3B341"))
		red    = ld(lipgloss.Color("#CF222E"), lipgloss.Color("#FF7B72"))
	)
	fg := func(c color.Color) lipgloss.Style { return lipgloss.NewStyle().Foreground(c) }
	s := &styles{
		brand:    fg(accent).Bold(true),
		crumb:    fg(dim),
		crumbNow: fg(text).Bold(true),
		prompt:   fg(text).Bold(true),
		help:     fg(dim),
		selected: fg(accent).Bold(true),
		choice:   fg(text),
		hint:     fg(dim),
		status:   fg(green),
		errText:  fg(red),
		header:   fg(accent).Bold(true),
		layer:    fg(dim),
		consent:  lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(yellow).Padding(0, 1),
		pass:     fg(green),
		warn:     fg(yellow),
		fail:     fg(red),
		skip:     fg(dim),
		spinner:  fg(accent),
		match:    lipgloss.NewStyle().Underline(true),
		matchNow: lipgloss.NewStyle().Reverse(true).Bold(true),
		// The bubbles defaults are greys of about 2:1 contrast on either
		// background; the footer is how people learn the keys, so it gets
		// the same readable grey as hints, with keys in full text colour.
		help2: help.Styles{
			Ellipsis: fg(dim), ShortKey: fg(text).Bold(true), ShortDesc: fg(dim), ShortSeparator: fg(dim),
			FullKey: fg(text).Bold(true), FullDesc: fg(dim), FullSeparator: fg(dim),
		},
		input:    textinput.DefaultStyles(isDark),
		textarea: textarea.DefaultStyles(isDark),
		markdown: report.Dark,
	}
	if !isDark {
		s.markdown = report.Light
	}
	s.input.Cursor.Blink = false // a blinking cursor redraws the screen twice a second for nothing
	s.textarea.Cursor.Blink = false
	// The bubbles defaults draw the prompt and the cursor in ANSI colour 7,
	// a light grey: on a light background the "›" and the cursor block all
	// but vanish, and the letter under the cursor with them. The prompt
	// takes the accent, the cursor the text colour, placeholders the dim
	// grey, on either background.
	for _, st := range []*textinput.StyleState{&s.input.Focused, &s.input.Blurred} {
		st.Prompt, st.Placeholder, st.Suggestion = fg(accent), fg(dim), fg(dim)
	}
	s.input.Blurred.Prompt = fg(dim)
	s.input.Cursor.Color = text
	for _, st := range []*textarea.StyleState{&s.textarea.Focused, &s.textarea.Blurred} {
		st.Prompt, st.Placeholder = fg(accent), fg(dim)
	}
	s.textarea.Blurred.Prompt = fg(dim)
	s.textarea.Cursor.Color = text
	return s
}

func uiPlainStyles() *styles {
	plain := lipgloss.NewStyle()
	bold := plain.Bold(true)
	faint := plain.Faint(true)
	s := &styles{
		brand: bold, crumb: faint, crumbNow: bold, prompt: bold, help: faint,
		selected: bold, choice: plain, hint: faint, status: bold, errText: bold,
		header: bold, layer: faint,
		consent: plain.Border(lipgloss.NormalBorder()).Padding(0, 1),
		pass:    plain, warn: bold, fail: bold, skip: faint, spinner: plain,
		match: plain.Underline(true), matchNow: plain.Reverse(true).Bold(true),
		help2: help.Styles{
			Ellipsis: faint, ShortKey: bold, ShortDesc: plain, ShortSeparator: faint,
			FullKey: bold, FullDesc: plain, FullSeparator: faint,
		},
		markdown: report.Plain,
	}
	st := textinput.StyleState{Text: plain, Placeholder: faint, Suggestion: faint, Prompt: plain}
	s.input = textinput.Styles{Focused: st, Blurred: st, Cursor: textinput.CursorStyle{Shape: tea.CursorBlock}}
	ta := textarea.StyleState{
		Base: plain, Text: plain, LineNumber: faint, CursorLineNumber: plain, CursorLine: plain,
		EndOfBuffer: faint, Placeholder: faint, Prompt: plain, Selection: plain.Reverse(true),
	}
	s.textarea = textarea.Styles{Focused: ta, Blurred: ta, Cursor: textarea.CursorStyle{Shape: tea.CursorBlock}}
	return s
}

// mark is a check's status as a coloured symbol.
func (s *styles) mark(st checks.Status) string {
	m := report.Mark(st)
	switch st {
	case checks.Pass:
		return s.pass.Render(m)
	case checks.Warn:
		return s.warn.Render(m)
	case checks.Fail:
		return s.fail.Render(m)
	default:
		return s.skip.Render(m)
	}
}
