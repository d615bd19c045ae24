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
	if c.Cause != "bad-request" || c.Rule != "teapot" || c.Reason != `418 with "short and stout" in the message: a teapot` {
		t.Fatalf("got %q by %q: %s", c.Cause, c.Rule, c.Reason)
	}
	if c := r.Classify(401, nil, nil, nil); c.Recognized {
		t.Fatalf("own rules fell back to the default ones: %q", c.Cause)
	}
	if got := r.Causes(); len(got) != 1 || got[0] != "bad-request" {
		t.Fatalf("Causes = %q", got)
	}
}
