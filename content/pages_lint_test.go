package content

import (
	"bufio"
	"bytes"
	"errors"
	"io/fs"
	"os"
	"regexp"
	"strings"
	"testing"
	"text/template"

	"go.yaml.in/yaml/v3"
)

// These tests keep the catalogue and the guidance pages honest for the people
// who edit them without reading Go: every cause has a page, every page renders
// with and without evidence, and rendered code fits an 80-column terminal.

// lintCause is one entry of causes.yaml.
type lintCause struct {
	ID      string `yaml:"id"`
	Layer   string `yaml:"layer"`
	Title   string `yaml:"title"`
	Summary string `yaml:"summary"`
	Retry   string `yaml:"retry"`
}

// lintRateLimit and lintPageData mirror the data the pages are rendered with.
// The real type lives elsewhere; this copy only has to carry the same fields.
type lintRateLimit struct {
	Limit, Remaining, Reset, RetryAfter string
}

type lintPageData struct {
	Provider, ProviderTitle, Protocol, BaseURL, Endpoint string
	Model, SuggestedModel                                string
	Models                                               []string
	Key, KeyEnv, KeySource                               string
	Auth                                                 string
	Status                                               int
	ErrorType, ErrorCode, ErrorMessage                   string
	RequestID, ServedBy                                  string
	RateLimit                                            *lintRateLimit
	TTFBMs, TotalMs                                      int64
	Proxy, EnvFile, Console, StatusPage                  string
	DefaultBaseURL                                       string
	FailedLayer, Summary                                 string
	Unconfirmed                                          bool
	Host, Port                                           string
	RetryAfterSeconds                                    int
	Checks                                               []lintPageCheck
}

// For mirrors content.PageData.For: a provider's own lines show only to
// its users.
func (d lintPageData) For(names ...string) bool {
	for _, n := range names {
		if n != "" && d.Provider == n {
			return true
		}
	}
	return false
}

type lintPageCheck struct {
	ID, Title, Summary, Status, Mark string
	Ms                               int64
}

func (c lintPageCheck) Answered() bool { return c.Status == "pass" || c.Status == "warn" }

func (d lintPageData) Check(id string) lintPageCheck {
	for _, c := range d.Checks {
		if c.ID == id {
			return c
		}
	}
	return lintPageCheck{}
}

// lintFullData is realistic evidence with long-ish values, so that a page
// whose code lines only fit with short values fails here.
var lintFullData = lintPageData{
	Provider:       "agentrouter",
	ProviderTitle:  "AgentRouter",
	Protocol:       "openai",
	BaseURL:        "https://agentrouter.example.com/v1",
	Endpoint:       "https://agentrouter.example.com/v1/chat/completions",
	Model:          "deep-seek-chat",
	SuggestedModel: "deepseek-chat",
	Models:         []string{"deepseek-chat", "gpt-4o", "claude-3-5-sonnet-20241022"},
	Key:            "sk-a…x9Qa (51 chars)",
	KeyEnv:         "AGENTROUTER_API_KEY",
	KeySource:      "the .env file",
	Status:         429,
	ErrorType:      "rate_limit_error",
	ErrorCode:      "rate_limit_exceeded",
	ErrorMessage:   "Rate limit exceeded",
	RequestID:      "req_8f2c1d9a4b7e4c0f9a1b",
	ServedBy:       "deepseek",
	RateLimit: &lintRateLimit{
		Limit: "100", Remaining: "0",
		Reset: "in 37 s (at 14:02:11)", RetryAfter: "37 s",
	},
	TTFBMs:      12400,
	TotalMs:     18750,
	Proxy:       "http://proxy.corp.example:3128",
	EnvFile:     "/home/dev/project/.env",
	Console:     "https://agentrouter.example.com/console/token",
	StatusPage:  "https://status.agentrouter.example.com",
	FailedLayer: "tls",
	Summary:     "the server answered 429 with X-RateLimit-Remaining: 0",
	Host:        "agentrouter.example.com",
	Port:        "443",

	RetryAfterSeconds: 37,
	Checks: []lintPageCheck{
		{ID: "key-present", Title: "API key is set", Status: "pass", Mark: "✓", Summary: "AGENTROUTER_API_KEY is set: sk-a…x9Qa (51 chars), from the .env file"},
		{ID: "env-file", Title: "The .env file parses", Status: "skip", Mark: "–", Summary: "no .env file found"},
		{ID: "models", Title: "The models list answers with your key", Status: "pass", Mark: "✓", Summary: "the models list answered 200 with 42 models", Ms: 120},
		{ID: "request", Title: "A minimal request gets an answer", Status: "fail", Mark: "✗", Summary: "the API answered 429 rate_limit_exceeded", Ms: 310},
	},
}

// lintHerokuData takes the other branches: another provider, the Anthropic
// protocol, no status and no rate-limit headers.
func lintHerokuData() lintPageData {
	d := lintFullData
	d.Provider, d.ProviderTitle = "heroku", "Heroku Managed Inference and Agents"
	d.Protocol, d.KeyEnv = "anthropic", "INFERENCE_KEY"
	d.BaseURL = "https://us.inference.heroku.com"
	d.Endpoint = "https://us.inference.heroku.com/v1/chat/completions"
	d.Model, d.SuggestedModel = "claude-4-5-sonnet", ""
	d.Status, d.RateLimit, d.ErrorCode, d.ErrorType = 0, nil, "", ""
	d.Host, d.RetryAfterSeconds = "us.inference.heroku.com", 0
	d.Checks = append([]lintPageCheck(nil), lintFullData.Checks...)
	d.Checks[3].Status, d.Checks[3].Mark, d.Checks[3].Summary = "pass", "✓", "the API answered 200 in 310 ms"
	return d
}

// lintUnconfirmedData is a verdict that rests on evidence not gathered:
// the models list answered, the request was not sent (--no-request).
func lintUnconfirmedData() lintPageData {
	d := lintFullData
	d.Unconfirmed = true
	d.Status, d.ErrorType, d.ErrorCode, d.ErrorMessage, d.RateLimit = 0, "", "", "", nil
	d.TTFBMs, d.TotalMs, d.RetryAfterSeconds = 0, 0, 0
	d.Checks = append([]lintPageCheck(nil), lintFullData.Checks...)
	d.Checks[3].Status, d.Checks[3].Mark, d.Checks[3].Summary = "skip", "–", "not sent: --no-request (nothing billable is sent)"
	return d
}

var (
	lintLayers = map[string]bool{
		"config": true, "network": true, "identity": true, "permission": true,
		"quota": true, "rate-limit": true, "request": true, "upstream": true,
		"output": true, "client": true, "none": true,
	}
	lintRetries  = map[string]bool{"no": true, "backoff": true, "later": true, "yes": true}
	lintStep     = regexp.MustCompile(`^\d+\. \S`)
	lintEmptyBul = regexp.MustCompile("^\\s*- ([A-Za-z ]+:)?\\s*(``)?\\s*$")
	lintLiteral  = regexp.MustCompile(`(Bearer|api_key=["']?|x-api-key: )\s*sk-[A-Za-z0-9]`)
	lintTableRow = regexp.MustCompile("^\\| `([a-z0-9-]+)` \\| ([a-z-]+) \\|")
)

func lintLoadCauses(t *testing.T) []lintCause {
	t.Helper()
	b, err := os.ReadFile("causes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var causes []lintCause
	if err := yaml.Unmarshal(b, &causes); err != nil {
		t.Fatalf("causes.yaml: %v", err)
	}
	if len(causes) == 0 {
		t.Fatal("causes.yaml lists no causes")
	}
	return causes
}

func TestLintCauseFields(t *testing.T) {
	seen := map[string]bool{}
	for i, c := range lintLoadCauses(t) {
		if c.ID == "" {
			t.Errorf("cause #%d has no id", i+1)
			continue
		}
		if seen[c.ID] {
			t.Errorf("%s: listed twice", c.ID)
		}
		seen[c.ID] = true
		if !lintLayers[c.Layer] {
			t.Errorf("%s: unknown layer %q", c.ID, c.Layer)
		}
		if !lintRetries[c.Retry] {
			t.Errorf("%s: retry %q is not one of no, backoff, later, yes", c.ID, c.Retry)
		}
		if c.Title == "" || len([]rune(c.Title)) > 60 {
			t.Errorf("%s: title must be 1 to 60 characters, is %q", c.ID, c.Title)
		}
		if c.Summary == "" || strings.Contains(strings.TrimSuffix(c.Summary, "."), "\n") {
			t.Errorf("%s: summary must be one sentence on one line", c.ID)
		}
	}
}

// TestLintCausesMatchCatalogue checks causes.yaml against the table in CAUSES.md:
// same IDs, same order, same layers.
func TestLintCausesMatchCatalogue(t *testing.T) {
	f, err := os.Open("../../shared/CAUSES.md")
	if errors.Is(err, fs.ErrNotExist) {
		t.Skip("../../shared/CAUSES.md is not here")
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	type row struct{ id, layer string }
	var want []row
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if m := lintTableRow.FindStringSubmatch(sc.Text()); m != nil {
			want = append(want, row{m[1], m[2]})
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(want) == 0 {
		t.Fatal("found no cause rows in CAUSES.md")
	}

	got := lintLoadCauses(t)
	have := map[string]lintCause{}
	for _, c := range got {
		have[c.ID] = c
	}
	listed := map[string]bool{}
	for i, w := range want {
		listed[w.id] = true
		c, ok := have[w.id]
		switch {
		case !ok:
			t.Errorf("%s: in CAUSES.md but not in causes.yaml", w.id)
		case c.Layer != w.layer:
			t.Errorf("%s: layer %q, CAUSES.md says %q", w.id, c.Layer, w.layer)
		case i < len(got) && got[i].ID != w.id:
			t.Errorf("entry %d is %s, CAUSES.md has %s there", i+1, got[i].ID, w.id)
		}
	}
	for _, c := range got {
		if !listed[c.ID] {
			t.Errorf("%s: in causes.yaml but not in CAUSES.md", c.ID)
		}
	}
}

func TestLintEveryCauseHasPage(t *testing.T) {
	causes := lintLoadCauses(t)
	ids := map[string]bool{}
	for _, c := range causes {
		ids[c.ID] = true
		if _, err := os.Stat("pages/" + c.ID + ".md"); err != nil {
			t.Errorf("%s: no page: %v", c.ID, err)
		}
	}
	pages, err := fs.Glob(os.DirFS("."), "pages/*.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pages {
		id := strings.TrimSuffix(strings.TrimPrefix(p, "pages/"), ".md")
		if !ids[id] {
			t.Errorf("%s has no cause in causes.yaml", p)
		}
	}
}

func TestLintPagesRender(t *testing.T) {
	for _, c := range lintLoadCauses(t) {
		t.Run(c.ID, func(t *testing.T) {
			src, err := os.ReadFile("pages/" + c.ID + ".md")
			if err != nil {
				t.Skip("no page (reported by TestLintEveryCauseHasPage)")
			}
			tmpl, err := template.New(c.ID).Option("missingkey=error").Parse(string(src))
			if err != nil {
				t.Fatalf("does not parse: %v", err)
			}
			datas := map[string]lintPageData{
				"no evidence":    {},
				"full evidence":  lintFullData,
				"heroku, no 429": lintHerokuData(),
				"unconfirmed":    lintUnconfirmedData(),
			}
			// Every profile's own lines render too, and fit.
			for _, p := range lintProfileNames(t) {
				d := lintFullData
				d.Provider = p
				datas["provider "+p] = d
			}
			for name, data := range datas {
				var out bytes.Buffer
				if err := tmpl.Execute(&out, data); err != nil {
					t.Errorf("%s: %v", name, err)
					continue
				}
				lintRendered(t, name, c, out.String())
			}
		})
	}
}

// lintRendered checks one rendered page.
func lintRendered(t *testing.T, name string, c lintCause, page string) {
	t.Helper()
	lines := strings.Split(page, "\n")
	switch {
	case name == "unconfirmed" && strings.HasPrefix(lines[0], "# ") && len([]rune(lines[0])) <= 62:
		// An unconfirmed verdict's page may word its title for what was
		// not tried; the closing line follows the page.
	case lines[0] != "# "+c.Title:
		t.Errorf("%s: first line must be %q, is %q", name, "# "+c.Title, lines[0])
	}
	if strings.Contains(page, "<no value>") || strings.Contains(page, "{{") {
		t.Errorf("%s: a placeholder was left unfilled", name)
	}
	if strings.Contains(page, "\n\n\n") {
		t.Errorf("%s: two blank lines in a row (a template action left a gap)", name)
	}
	if m := lintLiteral.FindString(page); m != "" {
		t.Errorf("%s: a literal key in %q; use the key's variable", name, m)
	}
	var inCode, steps, blocks, headings int
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "```") {
			if inCode == 0 {
				blocks++
				inCode = 1
			} else {
				inCode = 0
			}
			continue
		}
		if inCode == 1 {
			if n := len([]rune(l)); n > 76 {
				t.Errorf("%s: line %d: code line is %d chars (max 76): %s", name, i+1, n, l)
			}
			continue
		}
		if lintStep.MatchString(l) {
			steps++
		}
		if strings.HasPrefix(l, "## ") {
			headings++
		}
		if lintEmptyBul.MatchString(l) {
			t.Errorf("%s: line %d is an empty bullet: %q", name, i+1, l)
		}
	}
	if inCode == 1 {
		t.Errorf("%s: a ``` block is not closed", name)
	}
	if steps == 0 {
		t.Errorf("%s: no numbered step (\"1. …\")", name)
	}
	if blocks == 0 {
		t.Errorf("%s: no ``` command or code block", name)
	}
	if c.Layer != "none" && !strings.Contains(page, "\n## Fix it\n") {
		t.Errorf("%s: no \"## Fix it\" section", name)
	}
	// The fix itself is numbered steps with at least one command: in
	// "## Fix it" (for the cause that is no fault, "## Next").
	fixHeading := "## Fix it"
	if c.Layer == "none" {
		fixHeading = "## Next"
	}
	if fix, ok := lintSection(page, fixHeading); !ok {
		t.Errorf("%s: no %q section", name, fixHeading)
	} else {
		var fixSteps int
		for _, l := range strings.Split(fix, "\n") {
			if lintStep.MatchString(l) {
				fixSteps++
			}
		}
		if fixSteps < 2 {
			t.Errorf("%s: %q has %d numbered steps, want at least 2", name, fixHeading, fixSteps)
		}
		if !strings.Contains(fix, "```") {
			t.Errorf("%s: %q has no command (a ``` block)", name, fixHeading)
		}
	}
	if n := len(lines); n < 15 || n > 90 {
		t.Errorf("%s: %d lines; keep a page between 25 and 60 or so", name, n)
	}
}

// lintSection is a "## " section's text, from its heading to the next
// "## " heading outside code.
func lintSection(page, heading string) (string, bool) {
	i := strings.Index(page, "\n"+heading+"\n")
	if i < 0 {
		return "", false
	}
	rest := page[i+len(heading)+2:]
	inCode := false
	off := 0
	for _, l := range strings.SplitAfter(rest, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "```") {
			inCode = !inCode
		}
		if !inCode && strings.HasPrefix(l, "## ") {
			return rest[:off], true
		}
		off += len(l)
	}
	return rest, true
}

// lintProfileNames are the profile names in profiles.yaml.
func lintProfileNames(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("profiles.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var ps []struct {
		Name string `yaml:"name"`
	}
	if err := yaml.Unmarshal(b, &ps); err != nil {
		t.Fatalf("profiles.yaml: %v", err)
	}
	var out []string
	for _, p := range ps {
		out = append(out, p.Name)
	}
	if len(out) < 5 {
		t.Fatalf("profiles.yaml: found only %d profiles", len(out))
	}
	return out
}
