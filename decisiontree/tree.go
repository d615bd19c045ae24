// Package decisiontree is the wizard's engine: nodes, edges, walking and
// validation. It is pure: it never runs a check, touches the network or draws
// anything. Callers run the checks a node asks for and hand the facts back.
package decisiontree

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Kind is what a node does.
type Kind string

const (
	Question Kind = "question" // the user picks one of several choices
	Input    Kind = "input"    // the user types a value (base URL, model, pasted error)
	Check    Kind = "check"    // live checks run; edges branch on their facts
	Branch   Kind = "branch"   // no checks: edges branch on facts already known
	Cause    Kind = "cause"    // a leaf: one cause from the catalogue
)

// CausePrefix marks an edge target that is a cause leaf: "cause:key-missing".
// Cause leaves need not be declared; the loader creates one per cause named.
const CausePrefix = "cause:"

// Tree is a loaded, indexed decision tree.
type Tree struct {
	Start    string  `yaml:"start"`    // the wizard's first node
	Headless string  `yaml:"headless"` // where `diagnose` starts (questions answered by auto edges)
	Explain  string  `yaml:"explain"`  // where `explain` starts (the paste input)
	Nodes    []*Node `yaml:"nodes"`

	byID map[string]*Node
}

// Node is one step of the wizard.
type Node struct {
	ID     string `yaml:"id"`
	Kind   Kind   `yaml:"kind"`
	Title  string `yaml:"title"`  // short label, shown in the breadcrumb
	Prompt string `yaml:"prompt"` // the question or instruction
	Help   string `yaml:"help"`   // one or two lines under the prompt

	// Question.
	Choices []Choice `yaml:"choices"`
	Set     string   `yaml:"set"`  // fact that records the chosen choice's value, e.g. "symptom"
	Auto    []Edge   `yaml:"auto"` // how `diagnose` answers this question from facts

	// Input.
	Input       string `yaml:"input"` // what is asked: base_url, model, pasted, mcp_url
	Placeholder string `yaml:"placeholder"`
	Optional    bool   `yaml:"optional"`

	// Input (next node); Check and Branch (fallback when no edge matches).
	Next string `yaml:"next"`

	// Check and Branch.
	Checks []string `yaml:"checks"` // check IDs to run before branching (Check only)
	Edges  []Edge   `yaml:"edges"`  // first match wins

	// Cause.
	Cause string `yaml:"cause"`
	// Alternatives are the other causes this verdict may be when it rests on
	// evidence that was not gathered (the request declined or not sent, a
	// check cut off): the candidates that evidence would tell apart. Only a
	// cause leaf names them; the page lists them under "Not confirmed".
	Alternatives []string `yaml:"alternatives"`
}

// Choice is one answer to a question.
type Choice struct {
	Label string `yaml:"label"`
	Hint  string `yaml:"hint"`
	Value string `yaml:"value"` // recorded as the question's `set` fact
	Next  string `yaml:"next"`
}

// Edge leads to To when its condition holds.
//
// A forward edge (`forward: request`) has no To: it leads to whatever cause
// that check proved, when it proved one (and its `when`, if any, holds).
// One forward edge stands for "the request named key-rejected, so the
// verdict is key-rejected" for every cause at once, so a cause added to the
// catalogue and named by a check needs no edge of its own.
type Edge struct {
	When    string `yaml:"when"`
	To      string `yaml:"to"`
	Forward string `yaml:"forward"` // a check ID: lead to the cause it proved
	cond    cond
}

// target is where the edge leads for these facts, "" when it does not hold.
func (e Edge) target(f Facts) string {
	if !e.cond.holds(f) {
		return ""
	}
	if e.Forward == "" {
		return e.To
	}
	if c := f[e.Forward+".cause"]; c != "" {
		return CausePrefix + c
	}
	return ""
}

// reason is how the walk's path names the edge taken.
func (e Edge) reason(f Facts) string {
	if e.Forward == "" {
		return e.When
	}
	why := e.Forward + " proved " + f[e.Forward+".cause"]
	if e.When != "" && e.When != "always" {
		why = e.When + " and " + why
	}
	return why
}

// weigh is cond.weigh for the edge, a forward edge's own clause
// (<check>.cause is set) included.
func (e Edge) weigh(f Facts, unseen map[string]bool) reliance {
	c := e.cond
	if e.Forward != "" {
		c = append(cond{{fact: e.Forward + ".cause", op: "set"}}, c...)
	}
	return c.weigh(f, unseen)
}

// facts lists the fact names the edge reads.
func (e Edge) facts() []string {
	out := e.cond.factsNamed()
	if e.Forward != "" {
		out = append(out, e.Forward+".cause")
	}
	return out
}

// Parse reads a tree from YAML, parses every condition and indexes the nodes.
// Structural problems beyond syntax are reported by Validate.
func Parse(data []byte) (*Tree, error) {
	t, err := Decode(data)
	if err != nil {
		return nil, err
	}
	return Build(t)
}

// Decode reads a tree from YAML as written, not yet built: content writes
// it out as Go at `go generate` time, and Build finishes it at run time.
func Decode(data []byte) (*Tree, error) {
	var t Tree
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&t); err != nil {
		return nil, fmt.Errorf("tree: %w", err)
	}
	return &t, nil
}

// Build finishes a decoded tree in place, as Parse does: it parses every
// condition, indexes the nodes and adds the cause leaves the edges name.
// Build it once; it returns t.
func Build(t *Tree) (*Tree, error) {
	t.byID = make(map[string]*Node, len(t.Nodes))
	for _, n := range t.Nodes {
		if n.ID == "" {
			return nil, fmt.Errorf("tree: a %s node has no id", n.Kind)
		}
		if _, dup := t.byID[n.ID]; dup {
			return nil, fmt.Errorf("tree: node %q is defined twice", n.ID)
		}
		if n.Kind == Cause && n.ID != CausePrefix+n.Cause {
			return nil, fmt.Errorf("tree: cause node %q must have id %q", n.ID, CausePrefix+n.Cause)
		}
		if n.Kind == Cause && n.Title == "" {
			n.Title = n.Cause
		}
		t.byID[n.ID] = n
		for _, e := range n.Auto {
			if e.Forward != "" {
				return nil, fmt.Errorf("tree: question %q: an auto edge answers the question; it cannot forward a cause", n.ID)
			}
		}
		for _, edges := range [][]Edge{n.Edges, n.Auto} {
			for i := range edges {
				e := &edges[i]
				if e.Forward != "" {
					if e.To != "" {
						return nil, fmt.Errorf("tree: node %q: an edge that forwards %s's cause takes no `to`", n.ID, e.Forward)
					}
					if e.When == "" {
						e.When = "always"
					}
				}
				c, err := parseCond(e.When)
				if err != nil {
					return nil, fmt.Errorf("tree: node %q: %w", n.ID, err)
				}
				e.cond = c
			}
		}
	}
	// Create the implicit cause leaves named by targets.
	for _, target := range t.targets() {
		if id, ok := strings.CutPrefix(target, CausePrefix); ok {
			if _, exists := t.byID[target]; !exists {
				n := &Node{ID: target, Kind: Cause, Cause: id, Title: id}
				t.Nodes = append(t.Nodes, n)
				t.byID[target] = n
			}
		}
	}
	return t, nil
}

// Node returns the node with this ID, or nil. A cause leaf that only a
// forward edge leads to is made on the spot (the catalogue, not the tree,
// knows every cause; Validate checks the causes the checks can prove).
func (t *Tree) Node(id string) *Node {
	if n := t.byID[id]; n != nil {
		return n
	}
	if c, ok := strings.CutPrefix(id, CausePrefix); ok && c != "" {
		return &Node{ID: id, Kind: Cause, Cause: c, Title: c}
	}
	return nil
}

// targets lists every node ID that any node points at.
func (t *Tree) targets() []string {
	var out []string
	for _, n := range t.Nodes {
		out = append(out, n.successors()...)
	}
	return out
}

// successors are the IDs this node can lead to, in order.
func (n *Node) successors() []string {
	var out []string
	for _, c := range n.Choices {
		out = append(out, c.Next)
	}
	for _, e := range n.Auto {
		out = append(out, e.To)
	}
	for _, e := range n.Edges {
		if e.Forward == "" {
			out = append(out, e.To)
		}
	}
	if n.Next != "" {
		out = append(out, n.Next)
	}
	return out
}

// Label is what the breadcrumb shows for a node.
func (n *Node) Label() string {
	if n.Title != "" {
		return n.Title
	}
	return n.ID
}
