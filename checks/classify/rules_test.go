package classify

import (
	"errors"
	"testing"
)

// A nil *Rules knows nothing and never panics: a program that forgot to
// install rules gets "not recognised", not a crash.
func TestNilRulesKnowNothing(t *testing.T) {
	var r *Rules
	if c := r.Classify(401, nil, []byte(`{"error":{"code":"invalid_api_key"}}`), nil); c.Recognized {
		t.Errorf("nil rules recognised %q", c.Cause)
	}
	if c := r.ClassifyText("429 Too Many Requests"); c.Recognized {
		t.Errorf("nil rules recognised a paste as %q", c.Cause)
	}
	if c := r.Classify(0, nil, nil, errors.New("dial tcp: connection refused")); c.Evidence.ErrorMessage == "" {
		t.Errorf("a transport error lost its message")
	}
	if len(r.List()) != 0 || len(r.Causes()) != 0 {
		t.Errorf("nil rules list something")
	}
}

// Rules parsed by the caller are used as given, not the default ones.
func TestOwnRules(t *testing.T) {
	r, err := ParseRules([]byte(`errors:
  - id: teapot
    cause: bad-request
    priority: 1
    status: [418]
    says: [short and stout]
    reason: "a teapot"
`))
	if err != nil {
		t.Fatal(err)
	}
	c := r.Classify(418, nil, []byte(`{"error":{"message":"I am short and stout"}}`), nil)
	if c.Cause != "bad-request" || c.Rule != "teapot" || c.Reason != `418 with "short and stout" in the message — a teapot` {
		t.Fatalf("got %q by %q: %s", c.Cause, c.Rule, c.Reason)
	}
	if c := r.Classify(401, nil, nil, nil); c.Recognized {
		t.Fatalf("own rules fell back to the default ones: %q", c.Cause)
	}
	if got := r.Causes(); len(got) != 1 || got[0] != "bad-request" {
		t.Fatalf("Causes = %q", got)
	}
}

// ParseRules is strict: a broken edit fails loudly, naming the rule.
func TestParseRulesRejects(t *testing.T) {
	const ok = "errors:\n  - {id: a, cause: x, priority: 1, reason: r, status: [400]}\n"
	if _, err := ParseRules([]byte(ok)); err != nil {
		t.Fatalf("a minimal file: %v", err)
	}
	bad := map[string]string{
		"unknown field":       "errors:\n  - {id: a, cause: x, priority: 1, reason: r, statuz: [400]}\n",
		"unknown section":     "errorz:\n  - {id: a, cause: x, priority: 1, reason: r, status: [400]}\n",
		"unknown predicate":   "errors:\n  - {id: a, cause: x, priority: 1, reason: r, when: is_bad}\n",
		"unknown sign":        "errors:\n  - {id: a, cause: x, priority: 1, reason: r, sign: nope}\n",
		"unknown list":        "errors:\n  - {id: a, cause: x, priority: 1, reason: r, says: [$nope]}\n",
		"unused list":         "lists: {l: [x]}\n" + ok,
		"upper-case phrase":   "errors:\n  - {id: a, cause: x, priority: 1, reason: r, says: [Invalid]}\n",
		"bad regexp":          "errors:\n  - {id: a, cause: x, priority: 1, reason: r, says: ['/(/']}\n",
		"bad status":          "errors:\n  - {id: a, cause: x, priority: 1, reason: r, status: [4000]}\n",
		"tied priority":       "errors:\n  - {id: a, cause: x, priority: 1, reason: r, status: [400]}\n  - {id: b, cause: x, priority: 1, reason: r, status: [401]}\n",
		"duplicate id":        "errors:\n  - {id: a, cause: x, priority: 1, reason: r, status: [400]}\npages:\n  - {id: a, cause: x, priority: 2, reason: r, status: [401]}\n",
		"matches nothing":     "errors:\n  - {id: a, cause: x, priority: 1, reason: r}\n",
		"no cause":            "errors:\n  - {id: a, priority: 1, reason: r, status: [400]}\n",
		"bad placeholder":     "errors:\n  - {id: a, cause: x, priority: 1, reason: 'r {nope}', status: [400]}\n",
		"layer outside":       "errors:\n  - {id: a, cause: x, priority: 1, reason: r, layer: dns, status: [400]}\n",
		"unknown body flag":   "errors:\n  - {id: a, cause: x, priority: 1, reason: r, body: [json5]}\n",
		"match outside":       "errors:\n  - {id: a, cause: x, priority: 1, reason: r, match: [x]}\n",
		"texts/transport tie": "texts:\n  - {id: a, cause: x, priority: 1, reason: r, says: [x]}\ntransport:\n  - {id: b, cause: x, priority: 1, reason: r, says: [y]}\n",
	}
	for name, in := range bad {
		if _, err := ParseRules([]byte(in)); err == nil {
			t.Errorf("%s: ParseRules accepted\n%s", name, in)
		}
	}
}
