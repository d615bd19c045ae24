// Package typo measures how far apart two names are, for "did you mean …?":
// the nearest real model ID in the checks, the nearest real fact name when
// tree.yaml is validated. It imports nothing of the project, so the rooms
// that must not know each other can both use it.
package typo

// Distance is the optimal-string-alignment edit distance: insertions,
// deletions, substitutions and swaps of two neighbouring runes each count
// one, since a swap ("mnii" for "mini") is the commonest typo. Small enough
// that a library would not pay for itself.
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	pp := make([]int, len(rb)+1) // row i-2
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], pp[j-2]+1)
			}
		}
		pp, prev, cur = prev, cur, pp
	}
	return prev[len(rb)]
}
