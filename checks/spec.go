package checks

import "context"

// Spec is what a check may tell the decision tree: the causes it can prove
// and the facts it sets beyond <id>.status and <id>.cause. The tree is
// validated against the specs (a misspelt fact or a cause no check proves
// fails `go test`), and the runner passes on only the declared facts.
type Spec struct {
	ID       string
	Proves   []string // cause IDs
	AnyCause bool     // it reads an API answer or a paste: the classifier may name any cause
	Facts    []string // full names, e.g. "models.http"
}

// Group is a unit of work that yields one or more results: most checks yield
// one; the network ladder yields proxy, dns, tcp and tls from one attempt.
type Group struct {
	Checks   []Spec
	Billable bool // sends something that could be billed
	Run      func(ctx context.Context, s *Setup) []Result
}

// IDs are the group's check IDs.
func (g Group) IDs() []string {
	out := make([]string, len(g.Checks))
	for i, c := range g.Checks {
		out[i] = c.ID
	}
	return out
}

// Single is the group of one check.
func Single(spec Spec, f CheckFunc) Group {
	return Group{Checks: []Spec{spec}, Run: func(ctx context.Context, s *Setup) []Result { return []Result{f(ctx, s)} }}
}

// Suite is what a Runner runs: the groups of checks, in display order, and
// how a configuration is resolved into the Setup they run against. The
// checks live in the packages above this one; checks/suite assembles them.
type Suite struct {
	Groups  []Group
	Resolve func(Config) *Setup
}

// Specs lists every check's spec, in the suite's order.
func (su Suite) Specs() []Spec {
	var out []Spec
	for _, g := range su.Groups {
		out = append(out, g.Checks...)
	}
	return out
}

// IDs lists every check of the suite, in a stable order.
func (su Suite) IDs() []string {
	var out []string
	for _, g := range su.Groups {
		out = append(out, g.IDs()...)
	}
	return out
}

// Billable reports whether running this check sends a request that could be
// billed (the minimal completion). The wizard asks before it runs one.
func (su Suite) Billable(id string) bool {
	g, ok := su.group(id)
	return ok && g.Billable
}

func (su Suite) group(id string) (Group, bool) {
	for _, g := range su.Groups {
		for _, gid := range g.IDs() {
			if gid == id {
				return g, true
			}
		}
	}
	return Group{}, false
}
