package content

import (
	"strings"
	"testing"
)

// A profile's key_issuer sign names an issuer of keys.yaml, and no two
// profiles claim one: the prefixes live in one place.
func TestPasteSignsNameKnownIssuers(t *testing.T) {
	ps, err := Profiles()
	if err != nil {
		t.Fatal(err)
	}
	is, err := KeyIssuers()
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, k := range is {
		known[k.ID] = len(k.Prefixes) > 0
	}
	claimed := map[string]string{}
	signs := 0
	for _, p := range ps {
		for _, s := range p.PasteSigns {
			signs++
			if strings.Contains(s.Host+s.Says+s.Why, "`") {
				t.Errorf("%s: a sign with a backtick breaks the page it is quoted on: %+v", p.Name, s)
			}
			if s.KeyIssuer == "" {
				continue
			}
			if !known[s.KeyIssuer] {
				t.Errorf("%s: key_issuer %q is no issuer with prefixes in keys.yaml", p.Name, s.KeyIssuer)
			}
			if other, ok := claimed[s.KeyIssuer]; ok {
				t.Errorf("key_issuer %q is claimed by %s and %s", s.KeyIssuer, other, p.Name)
			}
			claimed[s.KeyIssuer] = p.Name
		}
	}
	if signs == 0 {
		t.Fatal("no profile has paste_signs")
	}
}
