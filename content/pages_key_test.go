package content

import (
	"strings"
	"testing"

	"github.com/unstuck-dev/unstuck/checks"
)

// The healthy page read "Key: sk-p…ABCD (…, from OPENAI_API_KEY) from
// environment": the fingerprint names the variable and the source the
// place. A page says where the key came from once.
func TestPagesSayWhereTheKeyCameFromOnce(t *testing.T) {
	fp := checks.Fingerprint("sk-proj-PAGEKEYTEST0123456789abcdefABCD")
	cases := []struct{ source, want string }{
		{"environment", "OPENAI_API_KEY in the environment"},
		{".env", "OPENAI_API_KEY in .env"},
		{"", "OPENAI_API_KEY"},
	}
	for _, c := range cases {
		ev := checks.Evidence{Key: strings.TrimSuffix(fp, ")") + ", from OPENAI_API_KEY)", KeySource: c.source,
			Status: 200, BaseURL: "https://api.openai.com/v1"}
		d := NewPageData(ev, nil, "the model answered")
		for _, id := range []string{"healthy", "key-rejected", "insufficient-balance"} {
			page, err := Guidance(id, d)
			if err != nil {
				t.Fatal(err)
			}
			var line string
			for _, l := range strings.Split(page, "\n") {
				if strings.HasPrefix(l, "- Key") {
					line = l
				}
			}
			if want := "- Key: `" + fp + "`, from " + c.want; line != want {
				t.Errorf("%s (source %q): key line %q, want %q", id, c.source, line, want)
			}
		}
	}
}
