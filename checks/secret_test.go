package checks

import "testing"

// The patterns built from keyLikeStarts and credentialWords are exactly the
// ones Redact used before they were lists.
func TestSecretPatternsAreTheKnownOnes(t *testing.T) {
	p := patterns()
	if got, want := p.keyLike.String(), `(?:sk-(?:proj-|svcacct-|admin-|ant-(?:api03|oat01|admin01)-|or-v1-|ar-|lk-)?|AIza|gsk_|xai-|pplx-|hf_|r8_|ghp_|github_pat_)[A-Za-z0-9_\-]{12,}`; got != want {
		t.Errorf("keyLike = %s\nwant      %s", got, want)
	}
	if got, want := p.bearerLike.String(), `(?i)((?:authorization|x-api-key|api-key|proxy-authorization)\s*[:=]\s*"?(?:bearer\s+)?|bearer\s+)([A-Za-z0-9._~+/\-]{12,}=*)`; got != want {
		t.Errorf("bearerLike = %s\nwant         %s", got, want)
	}
}

// The literal test before each pattern never skips a text the pattern
// matches: every combination of a start, a case, a separator and a body
// that either pattern matches passes the literal test too, including the
// two non-ASCII letters that (?i) folds to ASCII ones.
func TestRedactLiteralTestNeverSkipsAMatch(t *testing.T) {
	p := patterns()
	starts := []string{"sk-", "sk-proj-", "sk-ant-api03-", "AIza", "gsk_", "xai-", "pplx-", "hf_", "r8_", "ghp_", "github_pat_",
		"Authorization", "AUTHORIZATION", "x-api-key", "X-Api-Key", "api-key", "Proxy-Authorization", "Bearer", "BEARER", "bEaReR",
		"x-api-\u212aey", "api-\u212aey", "authori\u017fation", "sk", "Bear", "key"}
	seps := []string{"", " ", ": ", "=", ":\"", ": Bearer ", "\t"}
	bodies := []string{"abcdefghijklmnop", "0123456789ABCDEFxyz", "short", "a.b~c+d/e-f_ghijkl=="}
	for _, st := range starts {
		for _, sep := range seps {
			for _, b := range bodies {
				for _, s := range []string{st + sep + b, "text before " + st + sep + b + " after", "\u2022 " + st + sep + b} {
					if p.keyLike.MatchString(s) && !mayMatch(s, p.keyLits, false) {
						t.Errorf("keyLike matches %q but the literal test skips it", s)
					}
					if p.bearerLike.MatchString(s) && !mayMatch(s, p.bearerLits, true) {
						t.Errorf("bearerLike matches %q but the literal test skips it", s)
					}
				}
			}
		}
	}
	// And it does skip what cannot match: the wizard's help line.
	help := "↑/↓ move • enter choose • / filter • ? more • q quit"
	if mayMatch(help, p.keyLits, false) || mayMatch(help, p.bearerLits, true) {
		t.Errorf("the literal test does not skip %q", help)
	}
}
