package content

import (
	"slices"
	"testing"

	"github.com/unstuck-dev/unstuck/decisiontree"
)

// What a client calls besides its main request (Claude Code's token counter
// and background model), as `diagnose` resolves it.
func TestTreeClientCalls(t *testing.T) {
	smallUnknown := []string{"small-model.status", "skip", "small-model.listed", "unknown"}
	cases := []struct {
		name  string
		facts []string
		want  string
	}{
		{"relay without count_tokens, models list proves the base",
			treeJoin(treeFails("count-tokens", "endpoint-unsupported"), []string{"count-tokens.http", "404"}), "endpoint-unsupported"},
		{"count_tokens 404 while the main request answered",
			[]string{"count-tokens.status", "warn", "count-tokens.http", "404", "models.status", "warn", "models.http", "404", "models.has_model", "unknown"}, "endpoint-unsupported"},
		{"count_tokens 404 but the main request refused the key",
			treeJoin([]string{"count-tokens.status", "warn", "count-tokens.http", "404"}, treeFails("request", "key-rejected"), []string{"request.http", "401"}), "key-rejected"},
		{"background model missing from the list",
			treeJoin(treeFails("small-model", "model-not-found"), []string{"small-model.listed", "no"}), "model-not-found"},
		{"the list cannot tell, the billed request says it is missing",
			treeJoin(smallUnknown, treeFails("small-model-request", "model-not-found"), []string{"small-model-request.http", "404"}), "model-not-found"},
		{"the list cannot tell, the billed request answers",
			treeJoin(smallUnknown, []string{"small-model-request.status", "pass"}), "healthy"},
		{"the main request's cause comes first",
			treeJoin(smallUnknown, treeFails("small-model-request", "model-not-found"), treeFails("request", "rate-limited"), []string{"request.http", "429"}), "rate-limited"},
		{"a relay without the Responses API",
			treeJoin(treeFails("request", "endpoint-unsupported"), []string{"request.http", "404"}), "endpoint-unsupported"},
	}
	tr := treeParse(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w, err := tr.Resolve("root", treeWith(c.facts...))
			if err != nil {
				t.Fatal(err)
			}
			if got := w.Current().Cause; got != c.want {
				t.Errorf("got %q, want %q; path: %s", got, c.want, treePath(w))
			}
		})
	}
}

// The wizard asks before the billed background-model request only when the
// free models list could not tell.
func TestTreeAsksForTheBackgroundModelOnlyWhenTheListCannotTell(t *testing.T) {
	tr := treeParse(t)
	node := tr.Node("client-calls")
	if node == nil || !slices.Contains(node.Checks, "small-model-request") {
		t.Fatal("no client-calls node running small-model-request")
	}
	for _, tc := range []struct {
		listed  string
		settled bool
	}{{"yes", true}, {"no", true}, {"", true}, {"unknown", false}} {
		f := treeWith("small-model.listed", tc.listed)
		if tc.listed == "" {
			delete(f, "small-model.listed")
		}
		if got := tr.Settled("client-calls", f, "small-model-request."); got != tc.settled {
			t.Errorf("small-model.listed=%q: settled %v, want %v", tc.listed, got, tc.settled)
		}
	}
}

func treeHasChoice(n *decisiontree.Node, answer string) bool {
	for _, c := range n.Choices {
		if c.Value == answer || c.Label == answer {
			return true
		}
	}
	return false
}

// "What are you running?" offers every client of clients.yaml, in its
// order, then "I don't know"; the walk goes on to the symptom's checks
// whatever the answer, and `diagnose` passes it without asking.
func TestTreeClientQuestionInStepWithClients(t *testing.T) {
	tr := treeParse(t)
	q := tr.Node("client")
	if q == nil || q.Kind != decisiontree.Question || q.Set != "client" {
		t.Fatal("no question node \"client\" that sets the fact client")
	}
	clients, err := Clients()
	if err != nil {
		t.Fatal(err)
	}
	var want, got []string
	for _, c := range clients {
		want = append(want, c.Name)
	}
	want = append(want, "unknown")
	for _, c := range q.Choices {
		got = append(got, c.Value)
		if c.Next != "by-symptom" {
			t.Errorf("choice %q goes to %q, want by-symptom", c.Label, c.Next)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("client question's values %v, want clients.yaml's names in order, then unknown: %v", got, want)
	}
	if n := tr.Node("settings-model"); n == nil || n.Next != "client" {
		t.Errorf("the client question is not asked after the model")
	}
	w, err := tr.Resolve("root", treeWith("request.status", "pass"))
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range w.Path() {
		if st.Node.ID == "client" && st.Answer == "" {
			t.Errorf("diagnose stopped at the client question")
		}
	}
}
