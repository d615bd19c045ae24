package decisiontree

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/unstuck-dev/unstuck/internal/typo"
)

// Catalogue is what validation needs to know about the world outside the
// tree: which causes exist and have a page, and which checks can run.
type Catalogue struct {
	Causes map[string]bool // cause ID -> has a guidance page
	Checks map[string]bool // known check IDs

	// Facts are the fact names the checks can set (<id>.status, <id>.cause
	// and each check's own). An edge that reads any other fact, beyond the
	// questions' and inputs' own, is an error: a misspelt fact would
	// otherwise never hold, silently. Nil: not checked.
	Facts map[string]bool
	// Proves lists, per check, the causes it can prove: where a forward
	// edge can lead. A check left out may prove any cause (the classifier's
	// checks read whatever the answer says).
	Proves map[string][]string
}

// Validate reports every structural problem at once: dangling edges,
// unreachable nodes, cycles, unknown causes or checks, causes without a page,
// catalogue causes the tree cannot reach, and questions `diagnose` could get
// stuck on. A tree that passes can be walked from any start to a cause.
func (t *Tree) Validate(cat Catalogue) error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }

	for _, start := range []struct{ name, id string }{{"start", t.Start}, {"headless", t.Headless}, {"explain", t.Explain}} {
		if start.id == "" {
			bad("the tree names no %s node", start.name)
		} else if t.Node(start.id) == nil {
			bad("%s node %q does not exist", start.name, start.id)
		}
	}

	known := t.knownFacts(cat)
	for _, n := range t.Nodes {
		for _, edges := range [][]Edge{n.Edges, n.Auto} {
			for _, e := range edges {
				if e.Forward != "" && cat.Checks != nil && !cat.Checks[e.Forward] {
					bad("node %q forwards the cause of unknown check %q", n.ID, e.Forward)
				}
				for _, f := range e.facts() {
					if known != nil && !known[f] {
						bad("node %q reads fact %q, which nothing sets%s", n.ID, f, suggest(f, known))
					}
				}
			}
		}
		for _, to := range n.successors() {
			if to == "" {
				bad("node %q has an edge with no target", n.ID)
			} else if t.Node(to) == nil {
				bad("node %q leads to %q, which does not exist", n.ID, to)
			}
		}
		if len(n.Alternatives) > 0 && n.Kind != Cause {
			bad("node %q names alternatives: only a cause leaf does", n.ID)
		}
		for i, a := range n.Alternatives {
			hasPage, known := cat.Causes[a]
			switch {
			case a == n.Cause:
				bad("cause %q names itself as an alternative", n.Cause)
			case slices.Contains(n.Alternatives[:i], a):
				bad("cause %q names alternative %q twice", n.Cause, a)
			case cat.Causes != nil && !known:
				bad("cause %q names alternative %q, which is not in the catalogue%s", n.Cause, a, suggest(a, cat.Causes))
			case cat.Causes != nil && !hasPage:
				bad("cause %q names alternative %q, which has no guidance page", n.Cause, a)
			}
		}
		switch n.Kind {
		case Question:
			if len(n.Choices) == 0 {
				bad("question %q has no choices", n.ID)
			}
			for _, c := range n.Choices {
				if strings.TrimSpace(c.Label) == "" {
					bad("question %q has a choice without a label", n.ID)
				}
				if n.Set != "" && c.Value == "" {
					bad("question %q sets %q but choice %q has no value", n.ID, n.Set, c.Label)
				}
			}
		case Input:
			if n.Input == "" || n.Next == "" {
				bad("input %q needs `input` and `next`", n.ID)
			}
		case Check:
			if len(n.Checks) == 0 {
				bad("check node %q runs no checks", n.ID)
			}
			if n.Next == "" {
				bad("check node %q has no `next` for when no edge matches", n.ID)
			}
			for _, id := range n.Checks {
				if cat.Checks != nil && !cat.Checks[id] {
					bad("check node %q runs unknown check %q", n.ID, id)
				}
			}
		case Branch:
			if len(n.Checks) > 0 {
				bad("branch node %q runs checks: make it a check node", n.ID)
			}
			if n.Next == "" {
				bad("branch node %q has no `next` for when no edge matches", n.ID)
			}
		case Cause:
			hasPage, known := cat.Causes[n.Cause]
			if !known {
				bad("cause %q is not in the catalogue", n.Cause)
			} else if !hasPage {
				bad("cause %q has no guidance page", n.Cause)
			}
			if len(n.successors()) > 0 {
				bad("cause %q must be a leaf", n.Cause)
			}
		default:
			bad("node %q has unknown kind %q", n.ID, n.Kind)
		}
	}

	// Reachability from the wizard's start and the two headless entries.
	reached := map[string]bool{}
	var visit func(id string)
	visit = func(id string) {
		n := t.Node(id)
		if n == nil || reached[id] {
			return
		}
		reached[id] = true
		for _, to := range n.successors() {
			visit(to)
		}
		for _, e := range n.Edges {
			if e.Forward == "" {
				continue
			}
			causes, listed := cat.Proves[e.Forward]
			if !listed {
				for c := range cat.Causes {
					causes = append(causes, c)
				}
			}
			for _, c := range causes {
				reached[CausePrefix+c] = true
			}
		}
	}
	visit(t.Start)
	visit(t.Headless)
	visit(t.Explain)
	for _, n := range t.Nodes {
		if !reached[n.ID] {
			bad("node %q cannot be reached", n.ID)
		}
	}
	var proven []string
	for check, causes := range cat.Proves {
		for _, c := range causes {
			if _, ok := cat.Causes[c]; !ok && cat.Causes != nil {
				proven = append(proven, fmt.Sprintf("check %q proves %q, which is not in the catalogue", check, c))
			}
		}
	}
	sort.Strings(proven)
	for _, p := range proven {
		bad("%s", p)
	}
	var unreached []string
	for id := range cat.Causes {
		if !reached[CausePrefix+id] {
			unreached = append(unreached, id)
		}
	}
	sort.Strings(unreached)
	for _, id := range unreached {
		bad("cause %q cannot be reached from the tree", id)
	}

	if cyc := t.cycle(); cyc != nil {
		bad("the tree has a cycle: %s", strings.Join(cyc, " → "))
	}

	// `diagnose` walks from Headless answering questions by auto edges; every
	// question it can meet must end its auto edges with `always`.
	seen := map[string]bool{}
	var auto func(id string)
	auto = func(id string) {
		n := t.Node(id)
		if n == nil || seen[id] {
			return
		}
		seen[id] = true
		next := n.successors()
		if n.Kind == Question {
			if len(n.Auto) == 0 || n.Auto[len(n.Auto)-1].When != "always" {
				bad("question %q is on diagnose's path but its `auto` edges do not end with `always`", n.ID)
			}
			next = nil
			for _, e := range n.Auto {
				next = append(next, e.To)
			}
		}
		for _, to := range next {
			auto(to)
		}
	}
	auto(t.Headless)
	auto(t.Explain)

	return errors.Join(errs...)
}

// cycle returns one cycle as a list of node IDs, or nil.
func (t *Tree) cycle() []string {
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	var stack []string
	var found []string
	var dfs func(id string) bool
	dfs = func(id string) bool {
		color[id] = grey
		stack = append(stack, id)
		n := t.Node(id)
		if n != nil {
			for _, to := range n.successors() {
				switch color[to] {
				case grey:
					for i, s := range stack {
						if s == to {
							found = append(append([]string(nil), stack[i:]...), to)
						}
					}
					return true
				case white:
					if t.Node(to) != nil && dfs(to) {
						return true
					}
				}
			}
		}
		stack = stack[:len(stack)-1]
		color[id] = black
		return false
	}
	for _, n := range t.Nodes {
		if color[n.ID] == white && dfs(n.ID) {
			return found
		}
	}
	return nil
}

// ChecksUsed lists every check ID the tree runs, sorted.
func (t *Tree) ChecksUsed() []string {
	set := map[string]bool{}
	for _, n := range t.Nodes {
		for _, c := range n.Checks {
			set[c] = true
		}
	}
	out := make([]string, 0, len(set))
	for c := range set {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// knownFacts is every fact an edge may read: what the checks set, what the
// questions record and what the inputs hold. Nil when the catalogue does
// not list the checks' facts.
func (t *Tree) knownFacts(cat Catalogue) map[string]bool {
	if cat.Facts == nil {
		return nil
	}
	known := make(map[string]bool, len(cat.Facts))
	for f := range cat.Facts {
		known[f] = true
	}
	for _, n := range t.Nodes {
		if n.Set != "" {
			known[n.Set] = true
		}
		if n.Kind == Input && n.Input != "" {
			known["input."+n.Input] = true
		}
	}
	return known
}

// suggest names the known fact nearest to a misspelt one.
func suggest(f string, known map[string]bool) string {
	best, bestD := "", 4 // farther than 3 edits is no suggestion
	for k := range known {
		if d := typo.Distance(f, k); d < bestD || d == bestD && k < best {
			best, bestD = k, d
		}
	}
	if best == "" {
		return ""
	}
	return " (did you mean " + best + "?)"
}
