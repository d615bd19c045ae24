package decisiontree

import (
	"fmt"
	"slices"
	"strings"
)

// Facts are what the checks found, as flat key/value pairs:
// "key-hygiene.cause" = "key-whitespace", "request.http" = "429",
// "input.base_url" = "https://…".
type Facts map[string]string

// A condition is a conjunction of clauses, written for people:
//
//	always
//	key-present.status = fail
//	request.http in [502, 503, 504]
//	request.cause != "" and models.status = pass
//	input.mcp_url            (set and not empty)
//	not input.mcp_url        (unset or empty)
type cond []clause

type clause struct {
	fact   string
	op     string // "=", "!=", "in", "set", "unset", "always"
	values []string
}

func parseCond(s string) (cond, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, fmt.Errorf("an edge has no `when` (write `always` for a fallback)")
	}
	var c cond
	for _, part := range strings.Split(s, " and ") {
		cl, err := parseClause(strings.TrimSpace(part))
		if err != nil {
			return nil, fmt.Errorf("condition %q: %w", s, err)
		}
		c = append(c, cl)
	}
	return c, nil
}

func parseClause(s string) (clause, error) {
	switch {
	case s == "always":
		return clause{op: "always"}, nil
	case strings.Contains(s, "!="):
		f, v, _ := strings.Cut(s, "!=")
		return clauseOf(f, "!=", []string{v})
	case strings.Contains(s, " in "):
		f, v, _ := strings.Cut(s, " in ")
		v = strings.TrimSpace(v)
		if !strings.HasPrefix(v, "[") || !strings.HasSuffix(v, "]") {
			return clause{}, fmt.Errorf("`in` takes a list in brackets: [a, b]")
		}
		return clauseOf(f, "in", strings.Split(v[1:len(v)-1], ","))
	case strings.Contains(s, "="):
		f, v, _ := strings.Cut(s, "=")
		return clauseOf(f, "=", []string{v})
	case strings.HasPrefix(s, "not "):
		return clauseOf(strings.TrimPrefix(s, "not "), "unset", nil)
	default:
		return clauseOf(s, "set", nil)
	}
}

func clauseOf(fact, op string, values []string) (clause, error) {
	fact = strings.TrimSpace(fact)
	if fact == "" || strings.ContainsAny(fact, " \t\"'") {
		return clause{}, fmt.Errorf("%q is not a fact name", fact)
	}
	for i, v := range values {
		values[i] = strings.Trim(strings.TrimSpace(v), `"'`)
	}
	return clause{fact: fact, op: op, values: values}, nil
}

func (c cond) holds(f Facts) bool {
	for _, cl := range c {
		if !cl.holds(f) {
			return false
		}
	}
	return true
}

func (cl clause) holds(f Facts) bool {
	v := f[cl.fact]
	switch cl.op {
	case "always":
		return true
	case "set":
		return v != ""
	case "unset":
		return v == ""
	case "=":
		return v == cl.values[0]
	case "!=":
		return v != cl.values[0]
	case "in":
		for _, want := range cl.values {
			if v == want {
				return true
			}
		}
	}
	return false
}

// factsNamed lists the fact names a condition reads.
func (c cond) factsNamed() []string {
	var out []string
	for _, cl := range c {
		if cl.fact != "" {
			out = append(out, cl.fact)
		}
	}
	return out
}

// checkOf is the check a fact belongs to: "request.http" → "request".
// The person's answers (input.*, a question's `set` fact such as
// "symptom") belong to no check.
func checkOf(fact string) string {
	id, _, ok := strings.Cut(fact, ".")
	if !ok || id == "input" {
		return ""
	}
	return id
}

// reliance is what deciding one condition rested on, when some facts may
// be missing (their check did not run, was declined, or could not finish).
type reliance struct {
	missing []string // checks whose missing facts the outcome depends on
	seen    bool     // a clause on a fact a check that ran gathered
}

// weigh evaluates the condition as holds does, and says whether its
// outcome rests on missing facts. A clause on a known fact that fails
// decides the condition whatever the missing facts are (false); otherwise
// every clause on a missing fact could change the outcome.
func (c cond) weigh(f Facts, unseen map[string]bool) reliance {
	var r reliance
	for _, cl := range c {
		check := checkOf(cl.fact)
		if check == "" || !unseen[check] {
			if !cl.holds(f) {
				return reliance{} // decided by what is known
			}
			r.seen = r.seen || check != ""
			continue
		}
		if !slices.Contains(r.missing, check) {
			r.missing = append(r.missing, check)
		}
	}
	return r
}
