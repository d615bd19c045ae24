package content

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/unstuck-dev/unstuck/checks/classify"
)

// Every rule of rules.yaml carries its proof in testdata/rules/<cause>.yaml:
// answers and pastes it must name (match) and near-misses it must not
// (no_match). This test runs them all through the whole classifier, so
// precedence is exercised: a match example must be decided by its own rule,
// and a near-miss must not end at the rule's cause by any rule.

// example is one answer (status, headers, body or a file of
// ../checks/classify/testdata/bodies) or one paste (text).
type example struct {
	Text    string            `yaml:"text"`
	Status  int               `yaml:"status"`
	Headers map[string]string `yaml:"headers"`
	Body    string            `yaml:"body"`
	File    string            `yaml:"file"`
	Corpus  string            `yaml:"corpus"` // a paste of the corpus (../testdata/corpus), by id; never a held-out one
	Note    string            `yaml:"note"`   // why this example is here, for the reader
}

type ruleExamples struct {
	Match   []example `yaml:"match"`
	NoMatch []example `yaml:"no_match"`
}

const bodiesDir = "../checks/classify/testdata/bodies"

func (e example) run(t *testing.T) classify.Classification {
	t.Helper()
	if e.Corpus != "" {
		if e.Text != "" || e.Status != 0 || e.Body != "" || e.File != "" || len(e.Headers) > 0 {
			t.Fatalf("an example from the corpus is that paste alone")
		}
		e.Text = corpusText(t, e.Corpus)
	}
	if e.Text != "" {
		if e.Status != 0 || e.Body != "" || e.File != "" || len(e.Headers) > 0 {
			t.Fatalf("an example is a text, or an answer (status, headers, body or file), not both")
		}
		return classify.ClassifyText(e.Text)
	}
	body := []byte(e.Body)
	if e.File != "" {
		if e.Body != "" {
			t.Fatalf("an example has a body or a file, not both")
		}
		var err error
		if body, err = os.ReadFile(filepath.Join(bodiesDir, e.File)); err != nil {
			t.Fatal(err)
		}
	}
	h := http.Header{}
	for k, v := range e.Headers {
		h.Set(k, v)
	}
	return classify.Classify(e.Status, h, body, nil)
}

func (e example) String() string {
	switch {
	case e.Corpus != "":
		return "corpus " + e.Corpus
	case e.Text != "":
		return fmt.Sprintf("text %q", cut(e.Text, 80))
	case e.File != "":
		return fmt.Sprintf("%d %s", e.Status, e.File)
	}
	return fmt.Sprintf("%d %q", e.Status, cut(e.Body, 80))
}

func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// loadExamples reads testdata/rules/*.yaml, strictly: rule ID to examples,
// and which file named each rule.
func loadExamples(t *testing.T) (map[string]ruleExamples, map[string]string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "rules", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no example files in testdata/rules (%v)", err)
	}
	all := map[string]ruleExamples{}
	where := map[string]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]ruleExamples
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&m); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for id, ex := range m {
			if other, dup := where[id]; dup {
				t.Errorf("%s: rule %s has examples in %s too", f, id, other)
			}
			all[id], where[id] = ex, f
		}
	}
	return all, where
}

func TestRulesExamples(t *testing.T) {
	rules, err := Rules()
	if err != nil {
		t.Fatal(err)
	}
	examples, where := loadExamples(t)
	known := map[string]bool{}
	var nMatch, nNear int
	for _, r := range rules.List() {
		known[r.ID] = true
		t.Run(r.ID, func(t *testing.T) {
			ex, ok := examples[r.ID]
			if !ok || len(ex.Match) == 0 {
				t.Fatalf("rule %s (%s) has no example: add one to testdata/rules/%s.yaml", r.ID, r.Cause, r.Cause)
			}
			if want := filepath.Join("testdata", "rules", r.Cause+".yaml"); where[r.ID] != want {
				t.Errorf("the examples of %s belong in %s, not %s", r.ID, want, where[r.ID])
			}
			if len(ex.NoMatch) == 0 {
				t.Errorf("rule %s has no near-miss: add a no_match it must not name", r.ID)
			}
			for _, e := range ex.Match {
				nMatch++
				c := e.run(t)
				if c.Rule != r.ID || c.Cause != r.Cause {
					t.Errorf("match %s: got %q by rule %q, want %q by %s (reason: %s)", e, c.Cause, c.Rule, r.Cause, r.ID, c.Reason)
				}
			}
			for _, e := range ex.NoMatch {
				nNear++
				if c := e.run(t); c.Cause == r.Cause {
					t.Errorf("no_match %s: named %s by rule %q, a near-miss must not be (reason: %s)", e, c.Cause, c.Rule, c.Reason)
				}
			}
		})
	}
	for id, f := range where {
		if !known[id] {
			t.Errorf("%s: examples for %s, which is no rule of rules.yaml", f, id)
		}
	}
	t.Logf("%d rules, %d examples, %d near-misses", len(known), nMatch, nNear)
}

// Phrases are fragments, never sentences: wording drifts between versions
// and relays, and a whole sentence stops matching at the first edit.
const (
	maxPhraseWords = 5
	maxPhraseChars = 40
	maxPatternLen  = 80
)

func TestRulesLint(t *testing.T) {
	rules, err := Rules()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rules.List() {
		for _, p := range r.Phrases {
			if n := len(strings.Fields(p)); n > maxPhraseWords || len(p) > maxPhraseChars {
				t.Errorf("rule %s: phrase %q has %d words and %d bytes: keep a fragment of at most %d words and %d bytes",
					r.ID, p, n, len(p), maxPhraseWords, maxPhraseChars)
			}
		}
		for _, p := range r.Patterns {
			if len(p) > maxPatternLen {
				t.Errorf("rule %s: pattern %q is %d bytes: keep patterns under %d, or split them", r.ID, p, len(p), maxPatternLen)
			}
		}
	}
	causes, err := Causes()
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, c := range causes {
		ids[c.ID] = true
	}
	for _, c := range rules.Causes() {
		if !ids[c] {
			t.Errorf("rules.yaml names cause %q, which is not in causes.yaml", c)
		}
	}
	// The file's priorities read top to bottom within each section, so
	// that the order of the file and the order of the decision agree.
	data, err := os.ReadFile("rules.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]yaml.Node
	if err := yaml.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	for _, sec := range []string{"client", "pages", "errors", "texts", "transport"} {
		node := raw[sec]
		var list []struct {
			ID       string `yaml:"id"`
			Priority int    `yaml:"priority"`
		}
		if err := node.Decode(&list); err != nil {
			t.Fatalf("%s: %v", sec, err)
		}
		if !sort.SliceIsSorted(list, func(i, j int) bool { return list[i].Priority > list[j].Priority }) {
			t.Errorf("section %s: write its rules in the order they are tried (highest priority first)", sec)
		}
	}
}

func TestRulesExampleFilesAreNamedByCause(t *testing.T) {
	causes, err := Causes()
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, c := range causes {
		ids[c.ID] = true
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "rules", "*.yaml"))
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".yaml")
		if !ids[name] {
			t.Errorf("%s: example files are named after a cause of causes.yaml", f)
		}
	}
}

// corpusText is the text of a corpus entry. Held-out entries score the
// rules; they must never become an example, or the score would flatter.
func corpusText(t *testing.T, id string) string {
	t.Helper()
	entries := corpusIndex(t)
	e, ok := entries[id]
	if !ok {
		t.Fatalf("corpus entry %q is not in ../testdata/corpus/index.yaml", id)
	}
	if e.Heldout {
		t.Fatalf("corpus entry %q is held out: it scores the rules and must not be an example", id)
	}
	b, err := os.ReadFile(filepath.Join("..", "testdata", "corpus", e.File))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

type corpusEntry struct {
	ID      string `yaml:"id"`
	File    string `yaml:"file"`
	Heldout bool   `yaml:"heldout"`
}

var corpusOnce struct {
	sync.Once
	entries map[string]corpusEntry
	err     error
}

func corpusIndex(t *testing.T) map[string]corpusEntry {
	t.Helper()
	corpusOnce.Do(func() {
		data, err := os.ReadFile(filepath.Join("..", "testdata", "corpus", "index.yaml"))
		if err != nil {
			corpusOnce.err = err
			return
		}
		var idx struct {
			Entries []corpusEntry `yaml:"entries"`
		}
		if corpusOnce.err = yaml.Unmarshal(data, &idx); corpusOnce.err != nil {
			return
		}
		corpusOnce.entries = map[string]corpusEntry{}
		for _, e := range idx.Entries {
			corpusOnce.entries[e.ID] = e
		}
	})
	if corpusOnce.err != nil {
		t.Fatalf("reading the corpus index: %v", corpusOnce.err)
	}
	return corpusOnce.entries
}
