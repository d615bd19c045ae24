package checks

import "testing"

func TestStripControls(t *testing.T) {
	for in, want := range map[string]string{
		"plain":                       "plain",
		"a\u009bb\u0085c\u009fd\x1be": "abcde",
		"keep\nnew\tlines\r\n":        "keep\nnew\tlines\n",
		"bad \xff\x9b bytes":          "bad \ufffd\ufffd bytes",
		"é ü 日本":                      "é ü 日本",
	} {
		if got := StripControls(in); got != want {
			t.Errorf("StripControls(%q) = %q, want %q", in, got, want)
		}
	}
	if got := StripControlsKeepEscapes("\x1b[1mbold\x1b[m\u009b2J\x1b]8;;u\x07l\x1b]8;;\x07\r"); got != "\x1b[1mbold\x1b[m2J\x1b]8;;u\x07l\x1b]8;;\x07" {
		t.Errorf("StripControlsKeepEscapes = %q", got)
	}
}
