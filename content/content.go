// Package content holds the wizard's data: the decision tree, the cause
// catalogue, the provider profiles, the error rules and one guidance page
// per cause. It is embedded in the binary; support engineers edit the YAML
// and markdown files without reading Go (see README.md here).
package content

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"text/template"

	"go.yaml.in/yaml/v3"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/checks/classify"
	"github.com/unstuck-dev/unstuck/checks/suite"
	"github.com/unstuck-dev/unstuck/decisiontree"
)

//go:embed tree.yaml causes.yaml profiles.yaml keys.yaml clients.yaml rules.yaml pages/*.md
var files embed.FS

// The classifier reads its rules from here, without importing this package:
// installing them costs a function pointer; rules.yaml is parsed on the
// first classification, off the start-up path.
func init() { classify.SetDefault(Rules) }

var loadRules = sync.OnceValues(func() (*classify.Rules, error) { return parseRules(files) })

func parseRules(fsys fs.FS) (*classify.Rules, error) {
	data, err := fs.ReadFile(fsys, "rules.yaml")
	if err == nil {
		var r *classify.Rules
		if r, err = classify.ParseRules(data); err == nil {
			return r, nil
		}
	}
	return nil, fmt.Errorf("rules.yaml: %w", err)
}

// Rules are the error rules (rules.yaml) the classifier applies.
func Rules() (*classify.Rules, error) { return loadRules() }

// Cause is one entry of the catalogue (causes.yaml).
type Cause struct {
	ID      string `yaml:"id" json:"id"`
	Layer   string `yaml:"layer" json:"layer"`
	Title   string `yaml:"title" json:"title"`
	Summary string `yaml:"summary" json:"-"`
	Retry   string `yaml:"retry" json:"-"`
}

// bootData is what the wizard needs before its first frame: the tree and the
// profiles. catalogue (causes and page templates) is parsed on first use,
// off the start-up path. Errors are kept and returned by every accessor, so
// a broken edit fails loudly (`go test ./content/` says which file and line).
type bootData struct {
	tree     *decisiontree.Tree
	profiles []checks.Profile
	issuers  []checks.KeyIssuer
	clients  []checks.ClientSpec
	err      error
}

type catalogue struct {
	causes []Cause
	byID   map[string]Cause
	pages  map[string]*template.Template
	err    error
}

var (
	loadSetup     = sync.OnceValue(loadBoot)
	loadCatalogue = sync.OnceValue(func() catalogue { return parseCatalogue(files) })
)

func parseCatalogue(fsys fs.FS) catalogue {
	var l catalogue
	data, err := fs.ReadFile(fsys, "causes.yaml")
	if err == nil {
		err = decodeStrict(data, &l.causes)
	}
	if err != nil {
		return catalogue{err: fmt.Errorf("causes.yaml: %w", err)}
	}
	l.byID = make(map[string]Cause, len(l.causes))
	l.pages = make(map[string]*template.Template, len(l.causes))
	for _, c := range l.causes {
		l.byID[c.ID] = c
		src, err := fs.ReadFile(fsys, "pages/"+c.ID+".md")
		if err != nil {
			continue // Validate reports the missing page
		}
		t, err := template.New(c.ID).Option("missingkey=zero").Parse(string(src))
		if err != nil {
			return catalogue{err: fmt.Errorf("pages/%s.md: %w", c.ID, err)}
		}
		l.pages[c.ID] = t
	}
	return l
}

func decodeStrict(data []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	return dec.Decode(v)
}

// Causes is the catalogue in its file order.
func Causes() ([]Cause, error) { l := loadCatalogue(); return l.causes, l.err }

// CauseByID looks a cause up.
func CauseByID(id string) (Cause, bool) { c, ok := loadCatalogue().byID[id]; return c, ok }

// Tree is the decision tree.
func Tree() (*decisiontree.Tree, error) { l := loadSetup(); return l.tree, l.err }

// Profiles are the provider profiles.
func Profiles() ([]checks.Profile, error) { l := loadSetup(); return l.profiles, l.err }

// KeyIssuers are the platforms that issue keys, told by prefix (keys.yaml).
func KeyIssuers() ([]checks.KeyIssuer, error) { l := loadSetup(); return l.issuers, l.err }

// Clients are the tools and libraries whose configuration is read (clients.yaml).
func Clients() ([]checks.ClientSpec, error) { l := loadSetup(); return l.clients, l.err }

// Catalogue is what decisiontree.Validate needs: every cause, whether it has
// a page, and what each check can tell the tree (its spec: the causes it
// proves and the facts it sets), so that a misspelt fact or check in
// tree.yaml fails validation.
func Catalogue() decisiontree.Catalogue { return catalogueOf(loadCatalogue()) }

func catalogueOf(l catalogue) decisiontree.Catalogue {
	cat := decisiontree.Catalogue{Causes: map[string]bool{}, Checks: map[string]bool{},
		Facts: map[string]bool{}, Proves: map[string][]string{}}
	for _, c := range l.causes {
		cat.Causes[c.ID] = l.pages[c.ID] != nil
	}
	for _, spec := range suite.Specs() {
		cat.Checks[spec.ID] = true
		cat.Facts[spec.ID+".status"] = true
		cat.Facts[spec.ID+".cause"] = true
		for _, f := range spec.Facts {
			cat.Facts[f] = true
		}
		if !spec.AnyCause {
			cat.Proves[spec.ID] = spec.Proves
		}
	}
	return cat
}

// Validate loads everything and validates the tree against the catalogue,
// and the rules' causes too.
func Validate() error {
	rules, err := Rules()
	return validate(loadCatalogue(), loadSetup(), rules, err)
}

// validate holds one set of files together: the catalogue, the rules'
// causes and the tree. Tests run it on other sets (the recipe of README.md).
func validate(cat catalogue, boot bootData, rules *classify.Rules, rulesErr error) error {
	switch {
	case cat.err != nil:
		return cat.err
	case rulesErr != nil:
		return rulesErr
	case boot.err != nil:
		return boot.err
	}
	for _, id := range rules.Causes() {
		if _, ok := cat.byID[id]; !ok {
			return fmt.Errorf("rules.yaml: cause %q is not in causes.yaml", id)
		}
	}
	return boot.tree.Validate(catalogueOf(cat))
}

// Guidance is a cause's page as markdown, filled with the evidence.
func Guidance(id string, d PageData) (string, error) { return loadCatalogue().guidance(id, d) }

func (l catalogue) guidance(id string, d PageData) (string, error) {
	if l.err != nil {
		return "", l.err
	}
	t := l.pages[id]
	if t == nil {
		return "", fmt.Errorf("no guidance page for cause %q", id)
	}
	var b strings.Builder
	if err := t.Execute(&b, d); err != nil {
		return "", fmt.Errorf("pages/%s.md: %w", id, err)
	}
	return tidy(b.String()), nil
}

// tidy collapses the blank lines that empty {{with}} blocks leave behind.
func tidy(s string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	blank := 0
	for _, ln := range lines {
		if strings.TrimSpace(ln) == "" {
			blank++
			if blank > 1 {
				continue
			}
			ln = ""
		} else {
			blank = 0
		}
		out = append(out, ln)
	}
	return strings.TrimSpace(strings.Join(out, "\n")) + "\n"
}
