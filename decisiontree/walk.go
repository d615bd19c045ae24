package decisiontree

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Step is one node on the path taken, with how it was left.
type Step struct {
	Node   *Node
	Answer string // the choice label, the value typed, or the condition that held

	// What leaving the node rested on, when facts were missing (see
	// Walker.Unseen).
	missing []string // checks with missing facts that could have changed the way out
	blind   bool     // the edge taken itself reads missing facts
	seen    bool     // the edge taken holds on facts that checks which ran gathered
	proved  string   // the check whose cause the forward edge taken named
	could   []string // where edges resting on missing facts lead
}

// Walker walks a tree one answer at a time, keeping the path so that the user
// can go back. It is not safe for concurrent use; the UI owns one.
type Walker struct {
	tree  *Tree
	start string
	path  []Step // nodes already left
	cur   *Node
	facts Facts
}

// ErrWrongKind is returned when an answer does not fit the current node.
var ErrWrongKind = errors.New("that answer does not fit this step")

// NewWalker starts a walk at the node with the given ID (the tree's Start
// when empty).
func (t *Tree) NewWalker(start string) (*Walker, error) {
	if start == "" {
		start = t.Start
	}
	n := t.Node(start)
	if n == nil {
		return nil, fmt.Errorf("tree has no node %q", start)
	}
	return &Walker{tree: t, start: start, cur: n, facts: Facts{}}, nil
}

// Current is the node waiting for an answer (or the cause leaf when done).
func (w *Walker) Current() *Node { return w.cur }

// Done reports whether the walk reached a cause.
func (w *Walker) Done() bool { return w.cur.Kind == Cause }

// Path is the steps already taken, oldest first, for the breadcrumb.
func (w *Walker) Path() []Step { return append([]Step(nil), w.path...) }

// Facts returns the facts gathered so far (inputs and observations).
func (w *Walker) Facts() Facts { return w.facts }

// Choose answers a question with the choice at index i.
func (w *Walker) Choose(i int) error {
	if w.cur.Kind != Question {
		return ErrWrongKind
	}
	if i < 0 || i >= len(w.cur.Choices) {
		return fmt.Errorf("choice %d is out of range", i)
	}
	c := w.cur.Choices[i]
	if w.cur.Set != "" {
		w.facts[w.cur.Set] = c.Value
	}
	return w.advance(c.Label, c.Next)
}

// Submit answers an input node; the value is kept as the fact input.<name>.
func (w *Walker) Submit(value string) error {
	if w.cur.Kind != Input {
		return ErrWrongKind
	}
	w.facts["input."+w.cur.Input] = value
	answer := value
	if answer == "" {
		answer = "(skipped)"
	}
	return w.advance(answer, w.cur.Next)
}

// Observe merges the facts from a check node's checks and follows the first
// edge whose condition holds, or Next when none does. Branch nodes take it
// too, with no new facts.
func (w *Walker) Observe(f Facts) error {
	if w.cur.Kind != Check && w.cur.Kind != Branch {
		return ErrWrongKind
	}
	for k, v := range f {
		w.facts[k] = v
	}
	to, step := w.cur.branch(w.facts, unseenIn(w.facts))
	return w.advanceStep(step, to)
}

// UnseenSuffix marks a check whose facts are missing: the fact
// "<check>.unseen" = "yes" says the check was declined or not sent (the
// billable request under --no-request), was cut off, crashed or could not
// finish (checks.Runner.Facts sets it). Its other facts still count as they
// are (a declined request is `skip`), but a verdict whose way there rested
// on them is not confirmed.
const UnseenSuffix = ".unseen"

// unseenIn is the set of checks the facts mark unseen.
func unseenIn(f Facts) map[string]bool {
	out := map[string]bool{}
	for k, v := range f {
		if id, ok := strings.CutSuffix(k, UnseenSuffix); ok && v == "yes" {
			out[id] = true
		}
	}
	return out
}

// branch picks the edge to follow from a check or branch node, and records
// what the choice rested on: every edge weighed up to the one taken (and,
// when that one rests on missing facts, the ones after it, which the
// missing facts could have led to).
func (n *Node) branch(f Facts, unseen map[string]bool) (to string, st Step) {
	st = Step{Node: n, Answer: "otherwise"}
	to = n.Next
	taken := -1
	for i, e := range n.Edges {
		if t := e.target(f); t != "" {
			to, st.Answer, taken = t, e.reason(f), i
			break
		}
	}
	for i, e := range n.Edges {
		if taken >= 0 && i > taken && !st.blind {
			break
		}
		r := e.weigh(f, unseen)
		if i == taken {
			st.blind = len(r.missing) > 0
			st.seen = r.seen || e.Forward != "" && !unseen[e.Forward]
			if e.Forward != "" {
				st.proved = e.Forward
			}
		}
		if len(r.missing) == 0 && i != taken {
			continue
		}
		for _, c := range r.missing {
			if !slices.Contains(st.missing, c) {
				st.missing = append(st.missing, c)
			}
		}
		if i != taken && len(r.missing) > 0 && e.To != "" {
			st.could = append(st.could, e.To)
		}
	}
	if st.blind || taken < 0 && len(st.missing) > 0 {
		st.could = append(st.could, n.Next)
	}
	return to, st
}

// settleFrom follows branch nodes from a target with these facts to the
// cause they reach; "" when a check, question or input comes first (what
// it would find is not known).
func (t *Tree) settleFrom(to string, f Facts) string {
	for steps := 0; steps < maxSteps; steps++ {
		n := t.Node(to)
		switch {
		case n == nil:
			return ""
		case n.Kind == Cause:
			return n.Cause
		case n.Kind != Branch:
			return ""
		}
		to, _ = n.branch(f, nil)
	}
	return ""
}

// auto picks the answer `diagnose` gives to a question. It stands for the
// person's answer, so it holds on no check's evidence; what it read that
// was missing is kept as for a branch.
func (n *Node) auto(f Facts, unseen map[string]bool) (to string, st Step, ok bool) {
	st = Step{Node: n}
	for _, e := range n.Auto {
		r := e.weigh(f, unseen)
		for _, c := range r.missing {
			if !slices.Contains(st.missing, c) {
				st.missing = append(st.missing, c)
			}
		}
		if e.cond.holds(f) {
			st.Answer = "auto: " + e.When
			st.blind = len(r.missing) > 0
			return e.To, st, true
		}
	}
	return "", st, false
}

func (w *Walker) advance(answer, to string) error {
	return w.advanceStep(Step{Node: w.cur, Answer: answer}, to)
}

func (w *Walker) advanceStep(st Step, to string) error {
	next := w.tree.Node(to)
	if next == nil {
		return fmt.Errorf("node %q leads to %q, which does not exist", w.cur.ID, to)
	}
	st.Node = w.cur
	w.path = append(w.path, st)
	w.cur = next
	return nil
}

// Confirmed reports whether the cause reached rests on evidence that was
// gathered. It does not when the edge into the cause reads a missing fact
// (healthy because the models list passed and the request was skipped), or
// when the edge into it holds on no check's evidence at all (the person's
// symptom, a fallback) and some step on the way rested on missing facts.
// A cause held by what a check that ran saw (the models list's own 401, a
// timeout) is confirmed: the missing evidence might refine it, not undo it.
func (w *Walker) Confirmed() bool {
	if len(w.path) == 0 {
		return true
	}
	last := w.path[len(w.path)-1]
	if last.blind {
		return false
	}
	if last.seen {
		return true
	}
	for _, st := range w.path {
		if len(st.missing) > 0 {
			return false
		}
	}
	return true
}

// Missing lists the checks with missing facts that the walk rested on, in
// the order met; nil when the verdict is confirmed.
func (w *Walker) Missing() []string {
	if w.Confirmed() {
		return nil
	}
	var out []string
	for _, st := range w.path {
		for _, c := range st.missing {
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out
}

// Alternatives are the other causes an unconfirmed verdict may be: those
// its cause leaf names in the tree, else the causes the edges that rested
// on missing facts lead to. Nil when the verdict is confirmed.
func (w *Walker) Alternatives() []string {
	if !w.Done() || w.Confirmed() {
		return nil
	}
	from := w.cur.Alternatives
	if len(from) == 0 {
		for _, st := range w.path {
			for _, to := range st.could {
				if c := w.tree.settleFrom(to, w.facts); c != "" {
					from = append(from, c)
				}
			}
		}
	}
	var out []string
	for _, c := range from {
		if c != w.cur.Cause && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// ProvedBy is the check whose cause the walk forwarded into the leaf (the
// request that answered 429), "" when the leaf was reached otherwise. Its
// result is the finding the verdict names.
func (w *Walker) ProvedBy() string {
	if len(w.path) == 0 || !w.Done() {
		return ""
	}
	return w.path[len(w.path)-1].proved
}

// Back returns to the last node the user answered (a question or an input),
// skipping check nodes, which would only run again. It reports false at the
// start.
func (w *Walker) Back() bool {
	for len(w.path) > 0 {
		last := w.path[len(w.path)-1]
		w.path = w.path[:len(w.path)-1]
		w.cur = last.Node
		if last.Node.Kind == Question || last.Node.Kind == Input {
			return true
		}
	}
	return false
}

// Restart goes back to the first node and forgets the path (not the facts:
// checks already run need not run again unless the caller says so).
func (w *Walker) Restart() {
	w.path = nil
	w.cur = w.tree.Node(w.start)
}

// maxSteps bounds an automatic walk; Validate rules out cycles, this guards
// against a tree that skipped validation.
const maxSteps = 1000

// Resolve walks from start without a person: questions are answered by their
// auto edges, inputs from the facts input.<name>, check nodes from the facts
// (the caller ran every check first). It returns the walk, ending at a cause.
// Facts may mark checks unseen (UnseenSuffix); the walk says whether its
// verdict is Confirmed.
func (t *Tree) Resolve(start string, f Facts) (*Walker, error) {
	w, err := t.NewWalker(start)
	if err != nil {
		return nil, err
	}
	for k, v := range f {
		w.facts[k] = v
	}
	for steps := 0; !w.Done(); steps++ {
		if steps > maxSteps {
			return w, fmt.Errorf("walk from %q did not end after %d steps", start, maxSteps)
		}
		n := w.cur
		switch n.Kind {
		case Question:
			to, st, ok := n.auto(w.facts, unseenIn(w.facts))
			if !ok {
				return w, fmt.Errorf("question %q has no automatic answer for these facts", n.ID)
			}
			err = w.advanceStep(st, to)
		case Input:
			err = w.Submit(w.facts["input."+n.Input])
		case Check, Branch:
			err = w.Observe(nil)
		default:
			err = fmt.Errorf("node %q has unknown kind %q", n.ID, n.Kind)
		}
		if err != nil {
			return w, err
		}
	}
	return w, nil
}

// Settled reports whether the walk from node `from` reaches a cause through
// check and branch nodes whatever the facts that start with `open` turn out
// to be. The wizard asks it before a billable check: when the free checks
// already decide the cause, the request is not worth its cost, nor the
// question. It is conservative: an edge that reads an open fact before the
// one that holds, or a later check node (its checks have not run), or a
// person's step, means "not settled".
func (t *Tree) Settled(from string, f Facts, open string) bool {
	n := t.Node(from)
	for steps := 0; n != nil && steps < maxSteps; steps++ {
		switch {
		case n.Kind == Cause:
			return true
		case n.Kind == Check && n.ID != from, n.Kind == Question, n.Kind == Input:
			return false
		}
		to := n.Next
		for _, e := range n.Edges {
			for _, name := range e.facts() {
				if strings.HasPrefix(name, open) {
					return false
				}
			}
			if t := e.target(f); t != "" {
				to = t
				break
			}
		}
		n = t.Node(to)
	}
	return false
}
