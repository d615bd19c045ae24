package content

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/checks/suite"
	"github.com/unstuck-dev/unstuck/decisiontree"
)

// These tests read tree.yaml straight from disk and validate it against the
// catalogue in CAUSES.md, so they hold even while causes.yaml, profiles.yaml
// or the pages are being written. They walk the tree the way its two users
// do: `diagnose` (Resolve from root, every fact known at once) and a person
// in the wizard (choices, inputs, and only the facts of the checks each
// node runs).

// treeSpecRow matches a cause row of the table in CAUSES.md: | `id` | layer |.
var treeSpecRow = regexp.MustCompile("^\\| `([a-z0-9-]+)` \\| ([a-z-]+) \\|")

// treeSpecCauses reads the cause IDs from ../../shared/CAUSES.md, the
// catalogue every other file follows.
func treeSpecCauses(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "shared", "CAUSES.md"))
	if errors.Is(err, os.ErrNotExist) {
		t.Skip("../../shared/CAUSES.md is not here")
	}
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, line := range strings.Split(string(data), "\n") {
		if m := treeSpecRow.FindStringSubmatch(line); m != nil {
			ids = append(ids, m[1])
		}
	}
	if len(ids) < 40 {
		t.Fatalf("read only %d causes from CAUSES.md: has the table changed shape?", len(ids))
	}
	return ids
}

// treeSpecCatalogue is the catalogue of CAUSES.md with every page assumed
// written, and the checks as their specs declare them (checks/suite).
func treeSpecCatalogue(t *testing.T) decisiontree.Catalogue {
	cat := Catalogue()
	cat.Causes = map[string]bool{}
	for _, id := range treeSpecCauses(t) {
		cat.Causes[id] = true
	}
	return cat
}

func treeParse(t *testing.T) *decisiontree.Tree {
	t.Helper()
	data, err := os.ReadFile("tree.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tr, err := decisiontree.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func TestTreeValidatesAgainstCausesMD(t *testing.T) {
	tr := treeParse(t)
	if err := tr.Validate(treeSpecCatalogue(t)); err != nil {
		t.Fatal(err)
	}
	if tr.Start != "root" || tr.Headless != "root" || tr.Explain != "paste" {
		t.Fatalf("entries: start %q, headless %q, explain %q", tr.Start, tr.Headless, tr.Explain)
	}
}

// The embedded tree against the embedded catalogue and pages. Problems in
// other files (a page not yet written, causes.yaml mid-edit) have their own
// tests in pages_lint_test.go; this one fails for the tree's own problems.
func TestTreeValidatesWithEmbeddedContent(t *testing.T) {
	if _, err := Tree(); err != nil {
		if strings.HasPrefix(err.Error(), "tree.yaml") {
			t.Fatal(err)
		}
		t.Skipf("content does not load yet, not because of the tree: %v", err)
	}
	err := Validate()
	if err == nil {
		return
	}
	var mine, pages []string
	for _, line := range strings.Split(err.Error(), "\n") {
		if strings.HasSuffix(line, "has no guidance page") {
			pages = append(pages, line)
		} else {
			mine = append(mine, line)
		}
	}
	if len(mine) > 0 {
		t.Fatal(strings.Join(mine, "\n"))
	}
	t.Skipf("%d causes have no page yet (TestLintEveryCauseHasPage reports them)", len(pages))
}

// ── Headless: `diagnose` resolves from root with every check's facts ──────

// treeHealthy is what every check reports on a working setup with no proxy,
// no MCP server and nothing pasted.
func treeHealthy() decisiontree.Facts {
	f := decisiontree.Facts{}
	for _, id := range suite.IDs() {
		f[id+".status"] = "pass"
		f[id+".cause"] = ""
	}
	for _, id := range []string{checks.CheckProxy, checks.CheckMCP, checks.CheckPaste} {
		f[id+".status"] = "skip"
	}
	f["models.http"] = "200"
	f["models.has_model"] = "yes"
	f["auth-header.http"] = "200"
	f["request.http"] = "200"
	return f
}

// treeWith returns the healthy facts changed by pairs of fact, value.
func treeWith(kv ...string) decisiontree.Facts {
	f := treeHealthy()
	for i := 0; i+1 < len(kv); i += 2 {
		f[kv[i]] = kv[i+1]
	}
	return f
}

// treeFails and treeWarns are the facts of a check that proved a cause.
func treeFails(id, cause string) []string {
	return []string{id + ".status", "fail", id + ".cause", cause}
}

func treeWarns(id, cause string) []string {
	return []string{id + ".status", "warn", id + ".cause", cause}
}

func treeJoin(parts ...[]string) []string { return slices.Concat(parts...) }

func TestTreeHeadlessPrecedence(t *testing.T) {
	req401 := treeJoin(treeFails("request", "key-rejected"), []string{"request.http", "401"})
	models401 := treeJoin(treeFails("models", "key-rejected"), []string{"models.http", "401", "models.has_model", "unknown"})
	noRequest := []string{"request.status", "skip", "request.http", ""}
	cases := []struct {
		name  string
		facts decisiontree.Facts
		want  string
	}{
		{"all pass", treeHealthy(), "healthy"},
		{"request skipped, models list works", treeWith(noRequest...), "healthy"},
		{"request passes with a remark", treeWith("request.status", "warn"), "healthy"},
		{"trailing newline beats the 401 it causes",
			treeWith(treeJoin(treeFails("key-hygiene", "key-whitespace"), req401, models401)...), "key-whitespace"},
		{"quoted key", treeWith(treeJoin(treeFails("key-hygiene", "key-quoted"), req401)...), "key-quoted"},
		{"no key at all", treeWith(treeJoin(treeFails("key-present", "key-missing"), req401, models401)...), "key-missing"},
		{"key only in .env", treeWith(treeJoin(treeFails("key-present", "env-file-not-loaded"), req401)...), "env-file-not-loaded"},
		{"missing key beats a dirty one", treeWith(treeJoin(treeFails("key-present", "key-missing"), treeFails("key-hygiene", "key-quoted"))...), "key-missing"},
		{"Anthropic key sent to a relay", treeWith(treeJoin(treeFails("key-platform", "key-wrong-platform"), req401)...), "key-wrong-platform"},
		{"subscription token is no API key", treeWith(treeFails("key-hygiene", "key-wrong-platform")...), "key-wrong-platform"},
		{"dead proxy beats DNS", treeWith(treeJoin(treeFails("proxy", "proxy-failure"), treeFails("dns", "dns-failure"), treeFails("request", "proxy-failure"))...), "proxy-failure"},
		{"DNS beats TCP", treeWith(treeJoin(treeFails("dns", "dns-failure"), treeFails("tcp", "connection-refused"))...), "dns-failure"},
		{"refused", treeWith(treeJoin(treeFails("tcp", "connection-refused"), treeFails("request", "connection-refused"))...), "connection-refused"},
		{"TLS", treeWith(treeJoin(treeFails("tls", "tls-failure"), treeFails("request", "tls-failure"))...), "tls-failure"},
		{"no TLS answer in time", treeWith(treeFails("tls", "timeout")...), "timeout"},
		{"URL does not parse beats DNS", treeWith(treeJoin(treeFails("base-url", "base-url-malformed"), treeFails("dns", "dns-failure"))...), "base-url-malformed"},
		// The container check names localhost-in-container only when the
		// host answers at the port; else the refusal, with the hint.
		{"localhost inside a container, the host answers", treeWith(treeJoin(treeFails("container", "localhost-in-container"), []string{"container.host", "yes"}, treeFails("tcp", "connection-refused"))...), "localhost-in-container"},
		{"localhost inside a container, nothing runs anywhere", treeWith(treeJoin(treeFails("container", "connection-refused"), []string{"container.host", "no"}, treeFails("tcp", "connection-refused"))...), "connection-refused"},
		{"localhost inside a container, and it answers", treeWith([]string{"container.status", "pass"}...), "healthy"},
		{"local server not running", treeWith(treeJoin(treeFails("local-server", "connection-refused"), []string{"local-server.running", "no"}, treeFails("tcp", "connection-refused"))...), "connection-refused"},
		{"local server lacks the model, request 404", treeWith(treeJoin(treeFails("local-server", "model-not-pulled"), treeFails("request", "model-not-found"), []string{"request.http", "404"})...), "model-not-pulled"},
		{"local server lacks the model, --no-request", treeWith(treeJoin(treeFails("local-server", "model-not-pulled"), noRequest)...), "model-not-pulled"},
		{"local server out of memory", treeWith(treeJoin(treeFails("request", "local-model-out-of-memory"), []string{"request.http", "500"})...), "local-model-out-of-memory"},
		{"local server, short context is a warning only", treeWith("local-server.status", "warn", "local-server.context", "short"), "healthy"},
		{"path known wrong", treeWith(treeJoin(treeFails("base-url", "base-url-path"), treeFails("request", "base-url-path"), []string{"request.http", "404"})...), "base-url-path"},
		{"path only suspected, request works", treeWith(treeWarns("base-url", "base-url-path")...), "healthy"},
		{"header form beats invalid key", treeWith(treeJoin(treeFails("auth-header", "auth-header-format"), req401, models401)...), "auth-header-format"},
		{"429 insufficient_quota", treeWith(treeJoin(treeFails("request", "insufficient-balance"), []string{"request.http", "429"})...), "insufficient-balance"},
		{"429 rate limit", treeWith(treeJoin(treeFails("request", "rate-limited"), []string{"request.http", "429"})...), "rate-limited"},
		{"quota error with several keys", treeWith(treeJoin(treeFails("request", "insufficient-balance"), treeWarns("key-sources", "key-shadowed"))...), "key-shadowed"},
		{"rejected key with several keys", treeWith(treeJoin(req401, treeWarns("key-sources", "key-shadowed"))...), "key-shadowed"},
		{"shadowing alone is no failure", treeWith(treeWarns("key-sources", "key-shadowed")...), "healthy"},
		{"rate limit is not about which key", treeWith(treeJoin(treeFails("request", "rate-limited"), treeWarns("key-sources", "key-shadowed"))...), "rate-limited"},
		{"503 all_providers_exhausted", treeWith(treeJoin(treeFails("request", "no-eligible-provider"), []string{"request.http", "503"})...), "no-eligible-provider"},
		{"stream ends with event: error", treeWith(treeFails("request", "stream-error")...), "stream-error"},
		{"slow, but it worked", treeWith(treeWarns("request", "slow-response")...), "slow-response"},
		{"request skipped, models list refuses the key", treeWith(treeJoin(noRequest, models401)...), "key-rejected"},
		{"request skipped, model not listed", treeWith(treeJoin(noRequest, []string{"models.has_model", "no"})...), "model-not-found"},
		{"request worked: models list cannot overrule", treeWith("models.has_model", "no", "models.status", "warn", "models.cause", "model-not-found"), "healthy"},
		{"unclassified 502", treeWith("request.status", "fail", "request.http", "502"), "upstream-unavailable"},
		{"unclassified 401", treeWith("request.status", "fail", "request.http", "401"), "key-rejected"},
		{"key in NEXT_PUBLIC_ on a working setup", treeWith(treeWarns("frontend-env", "key-in-frontend-env")...), "key-in-frontend-env"},
		{".env read differently on a working setup", treeWith(treeWarns("env-file", "env-file-syntax")...), "env-file-syntax"},
		{"a real failure beats an .env warning", treeWith(treeJoin(treeWarns("env-file", "env-file-syntax"), treeFails("request", "rate-limited"))...), "rate-limited"},
		{"MCP server down", treeWith(treeFails("mcp", "mcp-server-disconnected")...), "mcp-server-disconnected"},
		{"nothing answered: not proven healthy", treeWith(treeJoin(noRequest, []string{"models.status", "skip", "models.http", "", "models.has_model", "unknown"})...), "upstream-error"},
	}
	tr := treeParse(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w, err := tr.Resolve("root", c.facts)
			if err != nil {
				t.Fatal(err)
			}
			if got := w.Current().Cause; got != c.want {
				t.Errorf("got %q, want %q; path: %s", got, c.want, treePath(w))
			}
			if !treeVisited(w, "everything") {
				t.Errorf("diagnose did not take the everything path: %s", treePath(w))
			}
		})
	}
}

// Every cause the API checks can name is reported by name: from the request
// and, with the request skipped, from the models list.
func TestTreeVerdictNamesEveryAPICause(t *testing.T) {
	tr := treeParse(t)
	for _, cause := range treeSpecCauses(t) {
		if cause == "healthy" {
			continue
		}
		w, err := tr.Resolve("root", treeWith(treeFails("request", cause)...))
		if err != nil {
			t.Fatal(err)
		}
		if got := w.Current().Cause; got != cause {
			t.Errorf("request.cause = %s: got %q; path: %s", cause, got, treePath(w))
		}
		if cause == "stream-error" || cause == "output-truncated" {
			continue // only a completion can show these
		}
		w, err = tr.Resolve("root", treeWith(treeJoin([]string{"request.status", "skip"}, treeFails("models", cause))...))
		if err != nil {
			t.Fatal(err)
		}
		if got := w.Current().Cause; got != cause {
			t.Errorf("models.cause = %s: got %q; path: %s", cause, got, treePath(w))
		}
	}
}

// ── Explain ───────────────────────────────────────────────────────────────

func TestTreeExplainReachesEveryCause(t *testing.T) {
	tr := treeParse(t)
	for _, cause := range treeSpecCauses(t) {
		if cause == "healthy" {
			continue // an error text never says all is well
		}
		w, err := tr.Resolve("paste", decisiontree.Facts{
			"input.pasted": "Error code: 4xx …", "paste.status": "fail", "paste.cause": cause,
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := w.Current().Cause; got != cause {
			t.Errorf("paste.cause = %s: got %q; path: %s", cause, got, treePath(w))
		}
	}
}

func TestTreeExplainUnrecognised(t *testing.T) {
	tr := treeParse(t)
	w, err := tr.Resolve("paste", decisiontree.Facts{"input.pasted": "something odd", "paste.status": "warn"})
	if err != nil {
		t.Fatal(err)
	}
	if got := w.Current().Cause; got != "upstream-error" || !treeVisited(w, "paste-unsure") {
		t.Fatalf("headless: got %q; path: %s", got, treePath(w))
	}

	// In the wizard the user says what they see and takes the normal path.
	world := treeWith(treeJoin(treeFails("request", "rate-limited"), []string{"request.http", "429", "paste.status", "warn"})...)
	d := treeDrive(t, tr, "paste", world, "429")
	if d.cause() != "rate-limited" {
		t.Fatalf("got %q; path: %s", d.cause(), treePath(d.w))
	}
	if d.w.Facts()["symptom"] != "429" {
		t.Fatalf("symptom = %q", d.w.Facts()["symptom"])
	}
}

// ── The wizard: a person answers, checks run node by node ─────────────────

// treeDriver walks like the UI: a question takes the next scripted answer
// (a choice's value or label), an input gets empty (keep the pre-filled
// value), a check node sees only the facts of the checks it runs, taken from
// world, and a branch node sees nothing new.
type treeDriver struct {
	w   *decisiontree.Walker
	ran []string // checks run, in order
}

func treeDrive(t *testing.T, tr *decisiontree.Tree, start string, world decisiontree.Facts, answers ...string) *treeDriver {
	t.Helper()
	w, err := tr.NewWalker(start)
	if err != nil {
		t.Fatal(err)
	}
	d := &treeDriver{w: w}
	for steps := 0; !w.Done(); steps++ {
		if steps > 100 {
			t.Fatalf("walk does not end: %s", treePath(w))
		}
		n := w.Current()
		switch n.Kind {
		case decisiontree.Question:
			if n.Set == "client" && (len(answers) == 0 || !treeHasChoice(n, answers[0])) {
				// "What are you running?": unscripted, the user does not know.
				answers = append([]string{"unknown"}, answers...)
			}
			if len(answers) == 0 {
				t.Fatalf("question %q has no scripted answer; path: %s", n.ID, treePath(w))
			}
			i := slices.IndexFunc(n.Choices, func(c decisiontree.Choice) bool {
				return c.Value == answers[0] || c.Label == answers[0]
			})
			if i < 0 {
				t.Fatalf("question %q has no choice %q", n.ID, answers[0])
			}
			answers = answers[1:]
			err = w.Choose(i)
		case decisiontree.Input:
			err = w.Submit(world["input."+n.Input])
		case decisiontree.Check:
			seen := decisiontree.Facts{}
			for _, id := range n.Checks {
				d.ran = append(d.ran, id)
				for k, v := range world {
					if strings.HasPrefix(k, id+".") {
						seen[k] = v
					}
				}
			}
			err = w.Observe(seen)
		default:
			err = w.Observe(nil)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(answers) > 0 {
		t.Fatalf("answers %q were never asked for; path: %s", answers, treePath(w))
	}
	return d
}

func (d *treeDriver) cause() string { return d.w.Current().Cause }

func (d *treeDriver) sent(check string) bool { return slices.Contains(d.ran, check) }

// Acceptance (a): a 401 whose cause is a trailing newline in OPENAI_API_KEY.
// The setup checks prove it; the billable request is never sent.
func TestTreeWizard401TrailingNewline(t *testing.T) {
	world := treeWith(treeJoin(treeFails("key-hygiene", "key-whitespace"),
		treeFails("request", "key-rejected"), []string{"request.http", "401"})...)
	d := treeDrive(t, treeParse(t), "", world, "401")
	if d.cause() != "key-whitespace" {
		t.Fatalf("got %q; path: %s", d.cause(), treePath(d.w))
	}
	if d.sent(checks.CheckRequest) || d.sent(checks.CheckModels) {
		t.Fatalf("API calls made although the setup already explained the 401: ran %v", d.ran)
	}
}

// Acceptance (b): a 429 that is a quota error. The free models list passes,
// so the one request decides.
func TestTreeWizard429Quota(t *testing.T) {
	world := treeWith(treeJoin(treeFails("request", "insufficient-balance"), []string{"request.http", "429"})...)
	d := treeDrive(t, treeParse(t), "", world, "429")
	if d.cause() != "insufficient-balance" {
		t.Fatalf("got %q; path: %s", d.cause(), treePath(d.w))
	}
	if !d.sent(checks.CheckModels) || !d.sent(checks.CheckRequest) ||
		slices.Index(d.ran, checks.CheckModels) > slices.Index(d.ran, checks.CheckRequest) {
		t.Fatalf("want the models list, then the request: ran %v", d.ran)
	}
}

// What each symptom concludes on a setup where every check passes: the
// fallbacks, in one table.
func TestTreeWizardFallbacks(t *testing.T) {
	cases := []struct {
		answers []string
		want    string
	}{
		{[]string{"401"}, "healthy"},              // the key works here: the app reads another
		{[]string{"402"}, "insufficient-balance"}, // a tiny request passes on the last cents
		{[]string{"403"}, "healthy"},
		{[]string{"404"}, "healthy"},
		{[]string{"400", "A required field is missing"}, "missing-parameter"},
		{[]string{"413"}, "context-too-long"},
		{[]string{"429"}, "rate-limited"},
		{[]string{"500"}, "upstream-error"},
		{[]string{"5xx"}, "upstream-unavailable"},
		{[]string{"529"}, "upstream-unavailable"},
		{[]string{"connection"}, "healthy"},
		{[]string{"slow"}, "slow-response"},
		{[]string{"stream"}, "stream-error"},
		{[]string{"setup"}, "healthy"},
	}
	tr := treeParse(t)
	for _, c := range cases {
		d := treeDrive(t, tr, "", treeHealthy(), c.answers...)
		if d.cause() != c.want {
			t.Errorf("%v: got %q, want %q; path: %s", c.answers, d.cause(), c.want, treePath(d.w))
		}
	}
}

// The billable request is sent only when the free checks left the answer
// open: a models list that already refuses the key settles every symptom
// but the two only a completion can show (slow answers, broken streams).
func TestTreeWizardRequestOnlyWhenUndecided(t *testing.T) {
	world := treeWith(treeJoin(treeFails("models", "key-rejected"), []string{"models.http", "401"},
		treeFails("request", "key-rejected"), []string{"request.http", "401"})...)
	tr := treeParse(t)
	for _, c := range tr.Node("root").Choices {
		if !slices.Contains([]string{"401", "402", "403", "404", "400", "413", "429", "500", "5xx", "529", "connection"}, c.Value) {
			continue
		}
		d := treeDrive(t, tr, "", world, c.Value)
		if d.cause() != "key-rejected" {
			t.Errorf("%s: got %q; path: %s", c.Value, d.cause(), treePath(d.w))
		}
		if d.sent(checks.CheckRequest) {
			t.Errorf("%s: the request was sent although the models list had decided", c.Value)
		}
	}
}

func TestTreeWizard401Paths(t *testing.T) {
	tr := treeParse(t)
	cases := []struct {
		name    string
		world   decisiontree.Facts
		answers []string
		want    string
	}{
		{"no key", treeWith(treeFails("key-present", "key-missing")...), nil, "key-missing"},
		{"several keys", treeWith(treeWarns("key-sources", "key-shadowed")...), nil, "key-shadowed"},
		{"header form", treeWith(treeJoin(treeFails("auth-header", "auth-header-format"), treeFails("models", "key-rejected"))...), nil, "auth-header-format"},
		{"restricted key", treeWith(treeFails("models", "key-scope-missing")...), nil, "key-scope-missing"},
		{"relay: every model refused", treeWith(treeFails("request", "key-rejected")...), []string{"Every model I try"}, "key-rejected"},
		{"relay: one model refused", treeWith(treeFails("request", "key-rejected")...), []string{"Only this model"}, "upstream-auth-failed"},
		{"Heroku: 403 means the key is fine", treeWith(treeJoin(treeFails("request", "model-access-denied"), []string{"request.http", "403"})...), nil, "model-access-denied"},
		{"works here, .env read differently", treeWith(treeWarns("env-file", "env-file-syntax")...), nil, "env-file-syntax"},
		{"nothing answers", treeWith("request.status", "skip", "models.status", "skip"), nil, "key-rejected"},
	}
	for _, c := range cases {
		d := treeDrive(t, tr, "", c.world, append([]string{"401"}, c.answers...)...)
		if d.cause() != c.want {
			t.Errorf("%s: got %q, want %q; path: %s", c.name, d.cause(), c.want, treePath(d.w))
		}
	}
}

func TestTreeWizardOtherSymptoms(t *testing.T) {
	tr := treeParse(t)
	notListed := treeWith(treeJoin(treeFails("models", "model-not-found"), []string{"models.has_model", "no"})...)
	cases := []struct {
		name    string
		world   decisiontree.Facts
		answers []string
		want    string
	}{
		{"404, model not listed", notListed, []string{"404"}, "model-not-found"},
		{"404, path suspected", treeWith(treeJoin(treeWarns("base-url", "base-url-path"), []string{"models.status", "skip", "models.has_model", "unknown"})...), []string{"404"}, "base-url-path"},
		{"404, HTML page", treeWith(treeJoin(treeFails("models", "base-url-path"), []string{"models.http", "200"})...), []string{"404"}, "base-url-path"},
		{"402, per-key limit", treeWith(treeFails("request", "key-usage-limit")...), []string{"402"}, "key-usage-limit"},
		{"402 with several keys", treeWith(treeWarns("key-sources", "key-shadowed")...), []string{"402"}, "key-shadowed"},
		{"429 not reproduced, several keys", treeWith(treeWarns("key-sources", "key-shadowed")...), []string{"429"}, "key-shadowed"},
		{"400, Anthropic credit", treeWith(treeFails("request", "insufficient-balance")...), []string{"400"}, "insufficient-balance"},
		{"400, Gemini bad key", treeWith(treeJoin(treeFails("request", "key-rejected"), []string{"request.http", "400"})...), []string{"400"}, "key-rejected"},
		{"400, wrong SDK", treeHealthy(), []string{"400", "The model, via the wrong SDK"}, "wrong-sdk-for-model"},
		{"429, one request over the TPM budget", treeWith(treeFails("request", "request-over-rate-budget")...), []string{"429"}, "request-over-rate-budget"},
		{"429, quota with several keys", treeWith(treeJoin(treeFails("request", "insufficient-balance"), treeWarns("key-sources", "key-shadowed"))...), []string{"429"}, "key-shadowed"},
		{"500, relay's upstream key", treeWith(treeFails("request", "upstream-auth-failed")...), []string{"500"}, "upstream-auth-failed"},
		{"503, no channel", treeWith(treeFails("request", "no-eligible-provider")...), []string{"5xx"}, "no-eligible-provider"},
		{"403, region", treeWith(treeFails("models", "region-blocked")...), []string{"403"}, "region-blocked"},
		{"403, WAF page", treeWith(treeFails("request", "policy-blocked")...), []string{"403"}, "policy-blocked"},
		{"connection, localhost in a container", treeWith(treeJoin(treeFails("container", "localhost-in-container"), treeFails("tcp", "connection-refused"), treeFails("key-present", "key-missing"))...), []string{"connection"}, "localhost-in-container"},
		{"connection, in a container, nothing runs", treeWith(treeJoin(treeFails("container", "connection-refused"), treeFails("tcp", "connection-refused"))...), []string{"connection"}, "connection-refused"},
		{"connection, a server in this container answers", treeWith([]string{"container.status", "pass"}...), []string{"connection"}, "healthy"},
		{"404, local server lacks the model", treeWith(treeJoin(treeFails("local-server", "model-not-pulled"), treeFails("models", "model-not-found"), []string{"models.has_model", "no"})...), []string{"404"}, "model-not-pulled"},
		{"connection, the key plays no part", treeWith(treeJoin(treeFails("key-present", "key-missing"), treeFails("tcp", "connection-refused"))...), []string{"connection"}, "connection-refused"},
		{"connection, dead proxy", treeWith(treeJoin(treeFails("proxy", "proxy-failure"), treeFails("dns", "dns-failure"))...), []string{"connection"}, "proxy-failure"},
		{"connection, no first byte", treeWith(treeFails("models", "timeout")...), []string{"connection"}, "timeout"},
		{"connection, nothing to ask", treeWith("models.status", "skip", "request.status", "skip"), []string{"connection"}, "timeout"},
		{"slow, another provider", treeWith(treeWarns("request", "wrong-provider")...), []string{"slow"}, "wrong-provider"},
		{"slow, measured", treeWith(treeWarns("request", "slow-response")...), []string{"slow"}, "slow-response"},
		{"stream, event: error", treeWith(treeFails("request", "stream-error")...), []string{"stream"}, "stream-error"},
		{"output cut off", nil, []string{"output", "It is cut off"}, "output-truncated"},
		{"bad JSON", nil, []string{"output", "JSON does not parse or fit"}, "structured-output-mismatch"},
		{"tool calls ignored", nil, []string{"output", "Tool calls do nothing"}, "tool-use-not-handled"},
		{"MCP server down", treeWith(treeJoin(treeFails("mcp", "mcp-server-disconnected"), []string{"input.mcp_url", "http://127.0.0.1:9/mcp"})...), []string{"agent", "Tools missing or disconnected"}, "mcp-server-disconnected"},
		{"MCP tool error", nil, []string{"agent", "A tool call returns an error"}, "mcp-tool-error"},
		{"old SDK", nil, []string{"sdk", "'OpenAI' has no attribute 'chat'"}, "sdk-outdated"},
		{"no SDK", nil, []string{"sdk", "No module named …"}, "sdk-missing"},
		{"DeepSeek via Anthropic SDK", nil, []string{"sdk", "Model called with the wrong SDK"}, "wrong-sdk-for-model"},
		{"cached config", nil, []string{"sdk", "Old key still used after a change"}, "config-cache-stale"},
		{"leaking clients", nil, []string{"sdk", "Server hangs or leaks connections"}, "client-not-closed"},
		{"key in VITE_", treeWith(treeWarns("frontend-env", "key-in-frontend-env")...), []string{"sdk", "Key in a NEXT_PUBLIC_ or VITE_ var"}, "key-in-frontend-env"},
	}
	for _, c := range cases {
		d := treeDrive(t, tr, "", c.world, c.answers...)
		if d.cause() != c.want {
			t.Errorf("%s: got %q, want %q; path: %s", c.name, d.cause(), c.want, treePath(d.w))
		}
	}
}

func TestTreeWizardRecordsInputs(t *testing.T) {
	world := treeWith("input.base_url", "https://relay.example.test/v1", "input.model", "deepseek-chat")
	d := treeDrive(t, treeParse(t), "", world, "401")
	f := d.w.Facts()
	if f["input.base_url"] != "https://relay.example.test/v1" || f["input.model"] != "deepseek-chat" || f["symptom"] != "401" {
		t.Fatalf("facts: base_url %q, model %q, symptom %q", f["input.base_url"], f["input.model"], f["symptom"])
	}
}

// ── The first question, as people see it ──────────────────────────────────

func TestTreeRootChoices(t *testing.T) {
	tr := treeParse(t)
	root := tr.Node("root")
	if root.Set != "symptom" {
		t.Fatalf("root sets %q, want symptom", root.Set)
	}
	values := map[string]bool{}
	for _, c := range root.Choices {
		if n := utf8.RuneCountInString(c.Label); n > 34 {
			t.Errorf("label %q is %d characters, over 34", c.Label, n)
		}
		if n := utf8.RuneCountInString(c.Hint); n == 0 || n > 50 {
			t.Errorf("hint of %q is %d characters, want 1 to 50", c.Label, n)
		}
		if values[c.Value] {
			t.Errorf("value %q is used twice", c.Value)
		}
		values[c.Value] = true
	}
	for _, v := range []string{"401", "402", "403", "404", "400", "413", "429", "500", "5xx", "529",
		"connection", "slow", "output", "stream", "agent", "sdk", "paste", "setup"} {
		if !values[v] {
			t.Errorf("no root choice for %q", v)
		}
	}

	// When a paste is not recognised the same question is asked again,
	// without "paste" (which would loop).
	var want []decisiontree.Choice
	for _, c := range root.Choices {
		if c.Value != "paste" {
			want = append(want, c)
		}
	}
	unsure := tr.Node("paste-unsure")
	if unsure.Set != "symptom" || !slices.Equal(unsure.Choices, want) {
		t.Errorf("paste-unsure's choices differ from root's (minus paste): keep them in step")
	}
}

// Every label anyone sees stays short, and questions and check nodes have a
// title for the breadcrumb.
func TestTreeLabelsFit(t *testing.T) {
	tr := treeParse(t)
	for _, n := range tr.Nodes {
		if n.Kind == decisiontree.Cause {
			continue
		}
		if n.Title == "" || utf8.RuneCountInString(n.Title) > 20 {
			t.Errorf("node %q: title %q should be 1 to 20 characters", n.ID, n.Title)
		}
		for _, c := range n.Choices {
			if utf8.RuneCountInString(c.Label) > 34 || utf8.RuneCountInString(c.Hint) > 50 {
				t.Errorf("node %q: choice %q or its hint is too long", n.ID, c.Label)
			}
		}
	}
}

// ── Helpers ───────────────────────────────────────────────────────────────

func treePath(w *decisiontree.Walker) string {
	var parts []string
	for _, s := range w.Path() {
		parts = append(parts, s.Node.ID+" ["+s.Answer+"]")
	}
	return strings.Join(append(parts, w.Current().ID), " → ")
}

func treeVisited(w *decisiontree.Walker, id string) bool {
	return slices.ContainsFunc(w.Path(), func(s decisiontree.Step) bool { return s.Node.ID == id })
}

// A misspelt fact in tree.yaml fails validation with its name and the
// nearest real one: the checks' specs (checks/suite) list every fact.
func TestTreeMisspeltFactFails(t *testing.T) {
	data, err := os.ReadFile("tree.yaml")
	if err != nil {
		t.Fatal(err)
	}
	src := strings.Replace(string(data), "models.has_model = no", "models.has_modle = no", 1)
	if src == string(data) {
		t.Fatal("tree.yaml no longer reads models.has_model = no: pick another fact for this test")
	}
	tr, err := decisiontree.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	err = tr.Validate(treeSpecCatalogue(t))
	if err == nil || !strings.Contains(err.Error(), `"models.has_modle", which nothing sets (did you mean models.has_model?)`) {
		t.Fatalf("want the misspelt fact named, got %v", err)
	}
}
