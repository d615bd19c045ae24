package decisiontree

import (
	"errors"
	"fmt"
	"strings"
)

// Step is one node on the path taken, with how it was left.
type Step struct {
	Node   *Node
	Answer string // the choice label, the value typed, or the condition that held
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
	to, why := w.cur.branch(w.facts)
	return w.advance(why, to)
}

// branch picks the edge to follow from a check node.
func (n *Node) branch(f Facts) (to, why string) {
	for _, e := range n.Edges {
		if to := e.target(f); to != "" {
			return to, e.reason(f)
		}
	}
	return n.Next, "otherwise"
}

// auto picks the answer `diagnose` gives to a question.
func (n *Node) auto(f Facts) (to, why string, ok bool) {
	for _, e := range n.Auto {
		if e.cond.holds(f) {
			return e.To, e.When, true
		}
	}
	return "", "", false
}

func (w *Walker) advance(answer, to string) error {
	next := w.tree.Node(to)
	if next == nil {
		return fmt.Errorf("node %q leads to %q, which does not exist", w.cur.ID, to)
	}
	w.path = append(w.path, Step{Node: w.cur, Answer: answer})
	w.cur = next
	return nil
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
			to, why, ok := n.auto(w.facts)
			if !ok {
				return w, fmt.Errorf("question %q has no automatic answer for these facts", n.ID)
			}
			err = w.advance("auto: "+why, to)
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
