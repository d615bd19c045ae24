package probe

import (
	"sort"
	"strings"
	"unicode"

	"github.com/unstuck-dev/unstuck/internal/typo"
)

// NearestModels returns up to n model IDs from have that the user most likely
// meant by want, best first. It looks for the mistakes people make with model
// names, in this order:
//
//  1. case only: "GPT-4o" for "gpt-4o" (routers are case-sensitive);
//  2. a provider prefix added or missing: "gpt-4o" for "openai/gpt-4o" and
//     the reverse;
//  3. punctuation: "gpt4" for "gpt-4", "deep-seek-chat" for "deepseek-chat";
//  4. a shortened name: "gpt4" for "gpt-4o", "claude-3-5-sonnet" for
//     "claude-3-5-sonnet-20241022", or a dated snapshot where only the alias
//     is listed;
//  5. a typo: a small edit distance between the names (a swap counts one).
//
// IDs that fit none of these are not returned: a wrong suggestion is worse
// than none.
func NearestModels(want string, have []string, n int) []string {
	want = strings.TrimSpace(want)
	if want == "" || n <= 0 {
		return nil
	}
	type cand struct {
		id    string
		tier  int
		score int // lower is better within a tier
	}
	wantLow := strings.ToLower(want)
	wantBase := mmBase(wantLow)
	wantNorm := mmNorm(wantBase)
	seen := map[string]bool{}
	var cands []cand
	for _, id := range have {
		if id == "" || seen[id] {
			continue
		}
		seen[id] = true
		low := strings.ToLower(id)
		base := mmBase(low)
		norm := mmNorm(base)
		c := cand{id: id, tier: -1}
		switch {
		case id == want:
			c.tier = 0
		case low == wantLow:
			c.tier = 1
		case base == wantBase:
			c.tier = 2
		case norm != "" && norm == wantNorm:
			c.tier = 3
		case wantNorm != "" && strings.HasPrefix(norm, wantNorm):
			c.tier = 4
			c.score = len(norm) - len(wantNorm)
		case isAliasOf(base, wantBase):
			// A dated snapshot asked for where the relay lists only its
			// alias: "claude-haiku-4-5-20251001" for "claude-haiku-4-5".
			c.tier = 4
		default:
			d := typo.Distance(norm, wantNorm)
			if d <= mmTypoBudget(wantNorm) {
				c.tier, c.score = 5, d
			}
		}
		if c.tier >= 0 {
			// Among equals, prefer the one whose prefix matches too.
			c.score = c.score*2 + mmPrefixCost(low, wantLow)
			cands = append(cands, c)
		}
	}
	sort.SliceStable(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		if a.tier != b.tier {
			return a.tier < b.tier
		}
		if a.score != b.score {
			return a.score < b.score
		}
		if len(a.id) != len(b.id) {
			return len(a.id) < len(b.id)
		}
		return a.id < b.id
	})
	var out []string
	for _, c := range cands {
		if len(out) == n {
			break
		}
		out = append(out, c.id)
	}
	return out
}

// mmBase drops a provider or namespace prefix: "openai/gpt-4o" → "gpt-4o",
// "models/gemini-2.0-flash" → "gemini-2.0-flash".
func mmBase(id string) string {
	if i := strings.LastIndexByte(id, '/'); i >= 0 {
		return id[i+1:]
	}
	return id
}

// mmPrefixCost is 0 when both IDs carry the same prefix (or none), 1 when not.
func mmPrefixCost(a, b string) int {
	pa, pb := strings.TrimSuffix(a, mmBase(a)), strings.TrimSuffix(b, mmBase(b))
	if pa == pb {
		return 0
	}
	return 1
}

// mmNorm keeps letters and digits only.
func mmNorm(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// mmTypoBudget is how many edits still count as a typo: one for short names,
// up to a quarter of the name for long ones.
func mmTypoBudget(s string) int {
	n := len([]rune(s))
	switch {
	case n < 4:
		return 0
	case n < 8:
		return 1
	}
	return max(2, n/4)
}
