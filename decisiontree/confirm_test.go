package decisiontree

import (
	"reflect"
	"strings"
	"testing"
)

// honest is a tree in the shape of content/tree.yaml's API stage: the
// request's cause first, then the models list's, then the symptom.
const honest = `
start: root
headless: root
explain: root
nodes:
  - id: root
    kind: question
    set: symptom
    choices:
      - {label: "429", value: "429", next: api}
      - {label: "setup", value: setup, next: api}
    auto:
      - {when: always, to: api}
  - id: api
    kind: check
    checks: [key, models, request]
    edges:
      - when: key.cause = key-shadowed and request.cause in [insufficient-balance]
        to: cause:key-shadowed
      - forward: request
      - when: request.status = pass
        to: fallback
    next: by-models
  - id: by-models
    kind: branch
    edges:
      - forward: models
      - when: models.http = 402
        to: cause:insufficient-balance
      - when: request.http = 402
        to: cause:insufficient-balance
      - when: request.status = fail
        to: fallback-quota
    next: fallback
  - id: fallback-quota
    kind: branch
    edges:
      - when: models.http = 429
        to: cause:insufficient-balance
    next: cause:upstream-error
  - id: fallback
    kind: branch
    edges:
      - when: symptom = 429
        to: cause:rate-limited
      - when: request.status = pass
        to: cause:healthy
      - when: request.status = skip and models.status = pass
        to: cause:healthy
    next: cause:upstream-error
  - id: cause:healthy
    kind: cause
    cause: healthy
    alternatives: [insufficient-balance, rate-limited]
`

func honestCatalogue() Catalogue {
	return Catalogue{
		Causes: map[string]bool{"key-shadowed": true, "insufficient-balance": true, "rate-limited": true,
			"healthy": true, "upstream-error": true, "timeout": true},
		Checks: map[string]bool{"key": true, "models": true, "request": true},
	}
}

func TestHonestTreeIsValid(t *testing.T) {
	if err := mustParse(t, honest).Validate(honestCatalogue()); err != nil {
		t.Fatal(err)
	}
}

// --no-request: the models list passed, the request was never sent. The
// verdict is healthy, resting on the missing request: not confirmed, with
// the alternatives its leaf names.
func TestVerdictOnAMissingRequestIsUnconfirmed(t *testing.T) {
	tree := mustParse(t, honest)
	f := Facts{"key.status": "pass", "models.status": "pass", "models.http": "200", "request.status": "skip"}
	w, err := tree.Resolve("", with(f, "request.unseen", "yes"))
	if err != nil {
		t.Fatal(err)
	}
	if w.Current().Cause != "healthy" {
		t.Fatalf("cause %q", w.Current().Cause)
	}
	if w.Confirmed() {
		t.Fatal("healthy on a request never sent is confirmed")
	}
	if got := w.Alternatives(); !reflect.DeepEqual(got, []string{"insufficient-balance", "rate-limited"}) {
		t.Errorf("alternatives %v", got)
	}
	if got := w.Missing(); !reflect.DeepEqual(got, []string{"request"}) {
		t.Errorf("missing %v", got)
	}

	// The same facts with the request sent and passing: confirmed.
	f["request.status"] = "pass"
	w, _ = tree.Resolve("", f)
	if w.Current().Cause != "healthy" || !w.Confirmed() || w.Alternatives() != nil || w.Missing() != nil {
		t.Fatalf("sent and passed: %s confirmed=%v alternatives=%v", w.Current().Cause, w.Confirmed(), w.Alternatives())
	}
	// Skipped but not missing (the tree was told nothing is missing):
	// confirmed, as before this engine knew of missing facts.
	f["request.status"] = "skip"
	if w, _ = tree.Resolve("", f); !w.Confirmed() {
		t.Fatal("nothing missing, yet unconfirmed")
	}
}

// The journey: 429, request declined. The leaf is reached by the
// person's symptom after the walk passed over the request's missing cause:
// not confirmed. rate-limited names no alternatives in the tree, so they
// are the causes the edges that read the missing facts lead to.
func TestSymptomAfterMissingRequestIsUnconfirmed(t *testing.T) {
	tree := mustParse(t, honest)
	w, err := tree.NewWalker("")
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Choose(0); err != nil {
		t.Fatal(err)
	}
	if err := w.Observe(Facts{"key.status": "pass", "models.status": "pass", "models.http": "200", "request.status": "skip", "request.unseen": "yes"}); err != nil {
		t.Fatal(err)
	}
	for !w.Done() {
		if err := w.Observe(nil); err != nil {
			t.Fatal(err)
		}
	}
	if w.Current().Cause != "rate-limited" || w.Confirmed() {
		t.Fatalf("%s confirmed=%v, want rate-limited unconfirmed", w.Current().Cause, w.Confirmed())
	}
	// key.cause is not key-shadowed: the first edge is decided by what is
	// known, so key-shadowed is no candidate. request.http = 402 is open:
	// insufficient-balance is. So is where fallback-quota leads with these
	// facts (upstream-error); a passing request would still end at
	// rate-limited (the symptom comes first), so it adds nothing.
	if got := w.Alternatives(); !reflect.DeepEqual(got, []string{"insufficient-balance", "upstream-error"}) {
		t.Errorf("alternatives %v, want [insufficient-balance upstream-error]", got)
	}

	// Back to the question and another answer: the steps that rested on
	// the missing request are gone with the path.
	if !w.Back() {
		t.Fatal("no way back")
	}
	if w.Confirmed() != true {
		t.Fatal("the walk back still rests on the missing request")
	}
}

// A cause held by what a check that ran saw is confirmed, though the walk
// passed over the missing request on the way: the models list's own answer
// is evidence gathered.
func TestSeenEvidenceConfirmsDespiteAMissingCheck(t *testing.T) {
	tree := mustParse(t, honest)
	for name, f := range map[string]Facts{
		"forwarded": {"models.status": "fail", "models.cause": "timeout", "request.status": "skip"},
		"by status": {"models.status": "fail", "models.http": "402", "request.status": "skip"},
	} {
		w, err := tree.Resolve("", with(f, "request.unseen", "yes"))
		if err != nil {
			t.Fatal(err)
		}
		if !w.Confirmed() || w.Missing() != nil || w.Alternatives() != nil {
			t.Errorf("%s: %s confirmed=%v missing=%v", name, w.Current().Cause, w.Confirmed(), w.Missing())
		}
		if name == "forwarded" && w.ProvedBy() != "models" {
			t.Errorf("proved by %q, want models", w.ProvedBy())
		}
	}
	// Both proved timeout; the request's forward edge comes first, so the
	// request is the finding.
	w, _ := tree.Resolve("", Facts{"models.cause": "timeout", "request.cause": "timeout", "request.status": "fail"})
	if w.ProvedBy() != "request" || !w.Confirmed() {
		t.Errorf("proved by %q confirmed=%v, want the request's", w.ProvedBy(), w.Confirmed())
	}
}

// A missing fact in a clause that a known clause already makes false does
// not count.
func TestKnownFalseClauseDecides(t *testing.T) {
	c, err := parseCond("key.cause = key-shadowed and request.cause in [insufficient-balance]")
	if err != nil {
		t.Fatal(err)
	}
	unseen := map[string]bool{"request": true}
	if r := c.weigh(Facts{"key.cause": ""}, unseen); len(r.missing) != 0 {
		t.Errorf("decided by key.cause, yet missing %v", r.missing)
	}
	if r := c.weigh(Facts{"key.cause": "key-shadowed"}, unseen); !reflect.DeepEqual(r.missing, []string{"request"}) || !r.seen {
		t.Errorf("open on request.cause: %+v", r)
	}
	if r := c.weigh(Facts{"key.cause": "key-shadowed", "request.cause": "insufficient-balance"}, nil); len(r.missing) != 0 || !r.seen {
		t.Errorf("nothing missing: %+v", r)
	}
}

func TestValidateAlternatives(t *testing.T) {
	for _, tc := range []struct{ edit, want string }{
		{"alternatives: [insufficient-balance, rate-limited]", ""},
		{"alternatives: [insufficient-balanse]", `"insufficient-balanse", which is not in the catalogue (did you mean insufficient-balance?)`},
		{"alternatives: [healthy]", "names itself"},
		{"alternatives: [rate-limited, rate-limited]", "twice"},
		{"alternatives: [no-page]", "no guidance page"},
	} {
		src := strings.Replace(honest, "alternatives: [insufficient-balance, rate-limited]", tc.edit, 1)
		cat := honestCatalogue()
		cat.Causes["no-page"] = false
		err := mustParse(t, src).Validate(cat)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.edit, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: error %v, want %q", tc.edit, err, tc.want)
		}
	}
	src := strings.Replace(honest, "  - id: by-models\n    kind: branch\n", "  - id: by-models\n    kind: branch\n    alternatives: [timeout]\n", 1)
	if err := mustParse(t, src).Validate(honestCatalogue()); err == nil || !strings.Contains(err.Error(), "only a cause leaf") {
		t.Errorf("alternatives on a branch: %v", err)
	}
}

// with is a copy of the facts with one more.
func with(f Facts, k, v string) Facts {
	out := Facts{k: v}
	for fk, fv := range f {
		out[fk] = fv
	}
	return out
}
