package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/unstuck-dev/unstuck/checks"
)

// The JSON writer's belt: whatever a string holds, the encoded object
// decodes to no control character and stays valid, with newline, tab,
// backslashes and quotes kept.
func TestJSONStripControls(t *testing.T) {
	in := map[string]string{
		"a\u009bkey": "x\u009b2J\x1b[2J\r\n\t\b\f\x00\x7f\u0085 \\u001b \"q\" <&> \u2028 é end",
	}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	clean := jsonStripControls(b)
	var out map[string]string
	if err := json.Unmarshal(clean, &out); err != nil {
		t.Fatalf("%s is not JSON: %v", clean, err)
	}
	for k, v := range out {
		if strings.IndexFunc(k+v, checks.IsControl) >= 0 {
			t.Errorf("a control character survived: %q: %q", k, v)
		}
		if want := "x2J[2J\n\t \\u001b \"q\" <&> \u2028 é end"; v != want {
			t.Errorf("got %q, want %q", v, want)
		}
		if k != "akey" {
			t.Errorf("key %q", k)
		}
	}
}
