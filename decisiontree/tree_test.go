package decisiontree

import (
	"strings"
	"testing"
)

const small = `
start: root
headless: root
explain: paste
nodes:
  - id: root
    kind: question
    title: What you see
    prompt: What do you see?
    choices:
      - {label: "401 Unauthorized", next: auth}
      - {label: "Paste the error", next: paste}
    auto:
      - {when: always, to: auth}
  - id: paste
    kind: input
    input: pasted
    next: classify
  - id: classify
    kind: check
    checks: [paste]
    edges:
      - {when: paste.cause = rate-limited, to: "cause:rate-limited"}
    next: cause:key-rejected
  - id: auth
    kind: check
    title: Key checks
    checks: [key-present, key-hygiene]
    edges:
      - {when: key-present.status = fail, to: "cause:key-missing"}
      - when: key-hygiene.cause in [key-whitespace, key-quoted]
        to: hygiene
    next: cause:key-rejected
  - id: hygiene
    kind: question
    prompt: Is the key read from a .env?
    choices:
      - {label: "yes", next: "cause:key-whitespace"}
      - {label: "no", next: "cause:key-quoted"}
    auto:
      - {when: key-hygiene.cause = key-quoted, to: "cause:key-quoted"}
      - {when: always, to: "cause:key-whitespace"}
`

func smallCatalogue() Catalogue {
	return Catalogue{
		Causes: map[string]bool{"key-missing": true, "key-rejected": true, "key-whitespace": true, "key-quoted": true, "rate-limited": true},
		Checks: map[string]bool{"key-present": true, "key-hygiene": true, "paste": true},
	}
}

func mustParse(t *testing.T, src string) *Tree {
	t.Helper()
	tr, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func TestSmallTreeIsValid(t *testing.T) {
	if err := mustParse(t, small).Validate(smallCatalogue()); err != nil {
		t.Fatal(err)
	}
}

func TestWalkChooseObserveBack(t *testing.T) {
	tr := mustParse(t, small)
	w, err := tr.NewWalker("")
	if err != nil {
		t.Fatal(err)
	}
	if w.Current().ID != "root" {
		t.Fatalf("starts at %q", w.Current().ID)
	}
	if err := w.Submit("x"); err != ErrWrongKind {
		t.Fatalf("Submit on a question: %v", err)
	}
	if err := w.Choose(5); err == nil {
		t.Fatal("out-of-range choice accepted")
	}
	must(t, w.Choose(0))
	if w.Current().ID != "auth" {
		t.Fatalf("after 401: %q", w.Current().ID)
	}
	must(t, w.Observe(Facts{"key-present.status": "pass", "key-hygiene.cause": "key-quoted"}))
	if w.Current().ID != "hygiene" {
		t.Fatalf("hygiene edge not taken: %q", w.Current().ID)
	}
	must(t, w.Choose(1))
	if !w.Done() || w.Current().Cause != "key-quoted" {
		t.Fatalf("want cause key-quoted, at %q", w.Current().ID)
	}
	if got := len(w.Path()); got != 3 {
		t.Fatalf("path has %d steps, want 3", got)
	}
	// Back from the cause returns to the last question, not the check node.
	if !w.Back() || w.Current().ID != "hygiene" {
		t.Fatalf("back went to %q", w.Current().ID)
	}
	// Back again skips the check node and lands on the root question.
	if !w.Back() || w.Current().ID != "root" {
		t.Fatalf("second back went to %q", w.Current().ID)
	}
	if w.Back() {
		t.Fatal("back at the start should report false")
	}
}

func TestObserveFallsBackToNext(t *testing.T) {
	w, _ := mustParse(t, small).NewWalker("auth")
	must(t, w.Observe(Facts{"key-present.status": "pass"}))
	if w.Current().Cause != "key-rejected" {
		t.Fatalf("want the fallback cause, got %q", w.Current().ID)
	}
}

func TestResolveAnswersQuestionsFromFacts(t *testing.T) {
	tr := mustParse(t, small)
	cases := []struct {
		facts Facts
		start string
		want  string
	}{
		{Facts{"key-present.status": "fail"}, "root", "key-missing"},
		{Facts{"key-hygiene.cause": "key-quoted"}, "root", "key-quoted"},
		{Facts{"key-hygiene.cause": "key-whitespace"}, "root", "key-whitespace"},
		{Facts{}, "root", "key-rejected"},
		{Facts{"input.pasted": "429", "paste.cause": "rate-limited"}, "paste", "rate-limited"},
	}
	for _, c := range cases {
		w, err := tr.Resolve(c.start, c.facts)
		if err != nil {
			t.Fatal(err)
		}
		if got := w.Current().Cause; got != c.want {
			t.Errorf("%v: got %q, want %q", c.facts, got, c.want)
		}
	}
}

func TestConditions(t *testing.T) {
	f := Facts{"a": "1", "b": "", "c": "x"}
	cases := map[string]bool{
		"always":            true,
		"a = 1":             true,
		"a != 1":            false,
		"a in [2, 1]":       true,
		"a in [2, 3]":       false,
		"b":                 false,
		"not b":             true,
		"c":                 true,
		"missing":           false,
		"not missing":       true,
		`a = 1 and c = "x"`: true,
		"a = 1 and c = y":   false,
		`b = ""`:            true,
		`b != ""`:           false,
	}
	for src, want := range cases {
		c, err := parseCond(src)
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		if got := c.holds(f); got != want {
			t.Errorf("%q: got %v, want %v", src, got, want)
		}
	}
	for _, bad := range []string{"", "a in 1, 2", "has space = 1"} {
		if _, err := parseCond(bad); err == nil {
			t.Errorf("%q: accepted", bad)
		}
	}
}

// Each breakage must be caught by Validate, with a message naming it.
func TestValidateCatchesBrokenTrees(t *testing.T) {
	cases := []struct {
		name, from, to, want string
		cat                  func(Catalogue)
	}{
		{"dangling edge", "next: classify", "next: nowhere", `leads to "nowhere"`, nil},
		{"cycle", `{label: "yes", next: "cause:key-whitespace"}`, `{label: "yes", next: root}`, "cycle", nil},
		{"unknown cause", `next: cause:key-rejected`, `next: cause:no-such-cause`, `"no-such-cause" is not in the catalogue`, nil},
		{"unknown check", "checks: [paste]", "checks: [telepathy]", `unknown check "telepathy"`, nil},
		{"question not automatic", "- {when: always, to: auth}", "- {when: a = b, to: auth}", "do not end with `always`", nil},
		{"unreachable cause", "", "", `cause "context-too-long" cannot be reached`, func(c Catalogue) { c.Causes["context-too-long"] = true }},
		{"cause without page", "", "", `"key-missing" has no guidance page`, func(c Catalogue) { c.Causes["key-missing"] = false }},
		{"unreachable node", "", "  - {id: orphan, kind: question, choices: [{label: x, next: root}], auto: [{when: always, to: root}]}\n", `"orphan" cannot be reached`, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := small
			if c.from != "" {
				if !strings.Contains(src, c.from) {
					t.Fatalf("fixture lacks %q", c.from)
				}
				src = strings.Replace(src, c.from, c.to, 1)
			} else {
				src += c.to
			}
			cat := smallCatalogue()
			if c.cat != nil {
				c.cat(cat)
			}
			tr, err := Parse([]byte(src))
			if err != nil {
				t.Fatal(err)
			}
			err = tr.Validate(cat)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("want an error containing %q, got %v", c.want, err)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	for name, src := range map[string]string{
		"unknown field": "start: a\nnodes:\n  - {id: a, kind: question, colour: red}\n",
		"duplicate id":  "start: a\nnodes:\n  - {id: a, kind: input}\n  - {id: a, kind: input}\n",
		"bad condition": "start: a\nnodes:\n  - {id: a, kind: check, edges: [{when: 'x in 1', to: b}]}\n",
		"not yaml":      "\x00\x01{{{",
	} {
		if _, err := Parse([]byte(src)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestQuestionSetsFactForBranch(t *testing.T) {
	src := `
start: root
headless: root
explain: root
nodes:
  - id: root
    kind: question
    set: symptom
    choices:
      - {label: "429", value: "429", next: url}
      - {label: "401", value: "401", next: url}
    auto:
      - {when: always, to: url}
  - id: url
    kind: input
    input: base_url
    next: route
  - id: route
    kind: branch
    edges:
      - {when: symptom = 429, to: "cause:rate-limited"}
      - {when: symptom = 401, to: "cause:key-rejected"}
    next: cause:key-missing
`
	tr := mustParse(t, src)
	cat := Catalogue{Causes: map[string]bool{"rate-limited": true, "key-rejected": true, "key-missing": true}}
	must(t, tr.Validate(cat))
	w, _ := tr.NewWalker("")
	must(t, w.Choose(1))
	must(t, w.Submit("https://example.test/v1"))
	must(t, w.Observe(nil))
	if w.Current().Cause != "key-rejected" {
		t.Fatalf("got %q", w.Current().ID)
	}
	if w.Facts()["input.base_url"] != "https://example.test/v1" {
		t.Fatal("input not recorded as a fact")
	}
	r, err := tr.Resolve("", nil)
	must(t, err)
	if r.Current().Cause != "key-missing" {
		t.Fatalf("headless without a symptom should fall through, got %q", r.Current().ID)
	}
	bad := strings.Replace(src, `value: "429", `, "", 1)
	if err := mustParse(t, bad).Validate(cat); err == nil || !strings.Contains(err.Error(), "has no value") {
		t.Fatalf("a choice without a value was accepted: %v", err)
	}
}

func TestSettledBeforeABillableCheck(t *testing.T) {
	src := `
start: all
headless: all
explain: all
nodes:
  - id: all
    kind: check
    checks: [dns, request]
    next: net
  - id: net
    kind: branch
    edges:
      - when: dns.cause = dns-failure
        to: "cause:dns-failure"
    next: verdict
  - id: verdict
    kind: branch
    edges:
      - when: request.cause = rate-limited
        to: "cause:rate-limited"
      - when: request.status = pass
        to: "cause:healthy"
    next: cause:upstream-error
`
	tr := mustParse(t, src)
	must(t, tr.Validate(Catalogue{Causes: map[string]bool{"dns-failure": true, "rate-limited": true, "healthy": true, "upstream-error": true}}))
	if !tr.Settled("all", Facts{"dns.cause": "dns-failure"}, "request.") {
		t.Error("a DNS failure decides the cause: the request is not needed")
	}
	if tr.Settled("all", Facts{"dns.status": "pass"}, "request.") {
		t.Error("with DNS fine the verdict depends on the request")
	}
	if tr.Settled("nowhere", Facts{}, "request.") {
		t.Error("an unknown node cannot be settled")
	}
}

// A forward edge leads to whatever cause its check proved, so one edge
// stands for a whole list of "X.cause = c → cause:c".
func TestForwardEdgeLeadsToTheProvenCause(t *testing.T) {
	src := strings.Replace(small, `      - {when: paste.cause = rate-limited, to: "cause:rate-limited"}`, `      - forward: paste`, 1)
	tr := mustParse(t, src)
	cat := smallCatalogue()
	if err := tr.Validate(cat); err != nil {
		t.Fatal(err)
	}
	for _, cause := range []string{"rate-limited", "key-quoted"} {
		w, err := tr.Resolve("paste", Facts{"input.pasted": "x", "paste.cause": cause})
		must(t, err)
		if got := w.Current().Cause; got != cause {
			t.Errorf("paste.cause = %s: got %q", cause, got)
		}
		if p := w.Path(); p[len(p)-1].Answer != "paste proved "+cause {
			t.Errorf("path names the edge as %q", p[len(p)-1].Answer)
		}
	}
	w, err := tr.Resolve("paste", Facts{"input.pasted": "x"})
	must(t, err)
	if got := w.Current().Cause; got != "key-rejected" {
		t.Errorf("nothing proved: got %q, want the node's next", got)
	}
	// A check whose spec lists what it proves reaches only those.
	cat.Proves = map[string][]string{"paste": {"key-quoted"}}
	if err := tr.Validate(cat); err == nil || !strings.Contains(err.Error(), `cause "rate-limited" cannot be reached`) {
		t.Errorf("want rate-limited unreachable, got %v", err)
	}
	cat.Proves = map[string][]string{"paste": {"telepathy-failure"}}
	if err := tr.Validate(cat); err == nil || !strings.Contains(err.Error(), `proves "telepathy-failure", which is not in the catalogue`) {
		t.Errorf("want an unknown proven cause reported, got %v", err)
	}
	if _, err := Parse([]byte(strings.Replace(src, "- forward: paste", "- {forward: paste, to: cause:key-quoted}", 1))); err == nil {
		t.Error("a forward edge with a `to` was accepted")
	}
}

// A fact that no check, question or input sets is a typo: validation names
// it and the nearest known fact.
func TestValidateNamesAMisspeltFact(t *testing.T) {
	cat := smallCatalogue()
	cat.Facts = map[string]bool{}
	for id := range cat.Checks {
		cat.Facts[id+".status"], cat.Facts[id+".cause"] = true, true
	}
	tr := mustParse(t, small)
	if err := tr.Validate(cat); err != nil {
		t.Fatalf("the small tree reads only known facts: %v", err)
	}
	tr = mustParse(t, strings.Replace(small, "key-present.status = fail", "key-presnet.status = fail", 1))
	err := tr.Validate(cat)
	if err == nil || !strings.Contains(err.Error(), `reads fact "key-presnet.status", which nothing sets (did you mean key-present.status?)`) {
		t.Fatalf("got %v", err)
	}
}
