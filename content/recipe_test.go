package content

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"go.yaml.in/yaml/v3"

	"github.com/unstuck-dev/unstuck/decisiontree"
)

// The recipe of README.md, "Adding a cause", followed to the letter with
// the files of testdata/recipe: a catalogue entry, a page, a rule and its
// examples, laid over the real content where the recipe says a person puts
// them, and no Go. The new cause must then hold together with everything
// else, be named from a paste by its rule, reach its verdict through the
// tree's paste path and render its page.
func TestRecipeAddsACauseWithDataOnly(t *testing.T) {
	const id = "gateway-in-maintenance"
	read := func(name string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join("testdata", "recipe", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	over := fstest.MapFS{}
	err := fs.WalkDir(files, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(files, path)
		over[path] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// Step 1: the catalogue entry. Step 2: the page.
	over["causes.yaml"].Data = append(over["causes.yaml"].Data, read("cause.yaml")...)
	over["pages/"+id+".md"] = &fstest.MapFile{Data: []byte(read("page.md"))}
	// Step 3: the rule, at the top of its section.
	rules := string(over["rules.yaml"].Data)
	if !strings.Contains(rules, "\nerrors:\n") {
		t.Fatal("rules.yaml has no errors: section; update the recipe")
	}
	over["rules.yaml"].Data = []byte(strings.Replace(rules, "\nerrors:\n", "\nerrors:\n"+read("rule.yaml"), 1))

	cat := parseCatalogue(over)
	boot := parseSetup(over)
	r, rerr := parseRules(over)
	if err := validate(cat, boot, r, rerr); err != nil {
		t.Fatalf("the content with the new cause does not hold together: %v", err)
	}
	if _, ok := cat.byID[id]; !ok {
		t.Fatal("the new cause is not in the catalogue")
	}

	// The rule's proof, as testdata/rules/<cause>.yaml would hold it.
	var examples map[string]ruleExamples
	if err := yaml.Unmarshal([]byte(read("examples.yaml")), &examples); err != nil {
		t.Fatal(err)
	}
	ex := examples["gateway-maintenance-window"]
	if len(ex.Match) == 0 || len(ex.NoMatch) == 0 {
		t.Fatal("the recipe's rule needs a match and a near-miss")
	}
	for _, e := range ex.NoMatch {
		if c := r.ClassifyText(e.Text); c.Cause == id {
			t.Errorf("near-miss %q named %s", e.Text, id)
		}
	}
	for _, e := range ex.Match {
		c := r.ClassifyText(e.Text)
		if c.Cause != id || c.Rule != "gateway-maintenance-window" {
			t.Fatalf("%q: got %q by rule %q, want %s", e.Text, c.Cause, c.Rule, id)
		}
		// The paste path of the tree, with nothing edited in tree.yaml.
		w, err := boot.tree.Resolve(boot.tree.Explain, decisiontree.Facts{
			"input.pasted": e.Text, "paste.status": "fail", "paste.cause": c.Cause, "paste.recognized": "yes",
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := w.Current().Cause; got != id {
			t.Fatalf("the paste path ends at %q, want %s", got, id)
		}
		page, err := cat.guidance(id, PageData{Summary: c.Reason, ErrorMessage: c.Evidence.ErrorMessage})
		if err != nil || !strings.HasPrefix(page, "# The gateway is down for planned maintenance") ||
			!strings.Contains(page, "maintenance window") {
			t.Fatalf("the page: %v\n%s", err, page)
		}
	}
}
