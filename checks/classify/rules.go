package classify

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"

	"go.yaml.in/yaml/v3"
)

// The decision rules are data: content/rules.yaml, whose header documents
// the format and the precedence. This file reads them; match.go applies
// them. The classifier never imports content: the caller installs the
// rules with SetDefault (content does, at init, without parsing), or calls
// the methods of a *Rules it parsed itself.

// Rules is a parsed rules file. A nil *Rules is valid and knows nothing.
type Rules struct {
	sections map[string][]*rule // by section, highest priority first
	tail     []*rule            // texts and transport together, for a paste
	causes   []string
}

// The sections, in the order the classifier consults them.
const (
	secClient    = "client"
	secPages     = "pages"
	secErrors    = "errors"
	secTexts     = "texts"
	secTransport = "transport"
)

// RuleInfo describes one rule, for tests and lints.
type RuleInfo struct {
	ID, Cause, Section string
	Priority           int
	Phrases            []string // every phrase it (or a sign it names) matches, lists expanded
	Patterns           []string // its regular expressions
}

type rule struct {
	id, cause, section string
	priority           int
	reason, layer      string
	showErrorLine      bool
	cond
}

// phrase is a lower-case fragment, or a regular expression written /…/.
type phrase struct {
	s  string
	re *regexp.Regexp
}

// statusRange is lo..hi inclusive; 0..0 is "unknown".
type statusRange struct{ lo, hi int }

type fileYAML struct {
	Lists     map[string][]string   `yaml:"lists"`
	Signs     map[string][]condYAML `yaml:"signs"`
	Client    []ruleYAML            `yaml:"client"`
	Pages     []ruleYAML            `yaml:"pages"`
	Errors    []ruleYAML            `yaml:"errors"`
	Texts     []ruleYAML            `yaml:"texts"`
	Transport []ruleYAML            `yaml:"transport"`
}

type condYAML struct {
	Status       []string `yaml:"status"`
	NotStatus    []string `yaml:"not_status"`
	IDs          []string `yaml:"ids"`
	Code         []string `yaml:"code"`
	Type         []string `yaml:"type"`
	TypeEnds     []string `yaml:"type_ends"`
	GoogleStatus []string `yaml:"google_status"`
	Param        []string `yaml:"param"`
	Says         []string `yaml:"says"`
	AndSays      []string `yaml:"and_says"`
	NotSays      []string `yaml:"not_says"`
	Match        []string `yaml:"match"`
	Shorter      int      `yaml:"message_shorter_than"`
	Body         []string `yaml:"body"`
	Header       []string `yaml:"header"`
	Proxy        []string `yaml:"proxy"`
	Server       []string `yaml:"server"`
	Page         []string `yaml:"page"`
	Sign         string   `yaml:"sign"`
	When         string   `yaml:"when"`
	Quote        string   `yaml:"quote"`
}

type ruleYAML struct {
	ID       string `yaml:"id"`
	Cause    string `yaml:"cause"`
	Priority int    `yaml:"priority"`
	Reason   string `yaml:"reason"`
	Layer    string `yaml:"layer"`
	Show     string `yaml:"show"`
	condYAML `yaml:",inline"`
}

var (
	ruleIDRE      = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`) })
	placeholderRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\{[^{}]*\}`) })
	bodyFlags     = map[string]bool{"error": true, "html": true, "text": true, "served": true, "sse-error": true, "request-id-in-message": true}
	layers        = map[string]bool{"": true, "dns": true, "tcp": true, "tls": true, "proxy": true}
	placeholders  = map[string]bool{"{id}": true, "{says}": true, "{phrase}": true, "{sign}": true, "{when}": true, "{title}": true,
		"{1}": true, "{2}": true, "{3}": true, "{4}": true, "{5}": true, "{6}": true, "{7}": true, "{8}": true, "{9}": true}
)

// ParseRules reads a rules file (content/rules.yaml). It is strict: an
// unknown field, section, body flag, predicate, sign or list, a duplicate
// rule ID or priority, a rule that matches on nothing, an upper-case phrase
// or a regular expression that does not compile is an error. Cause IDs are
// not checked here (the catalogue is content's): Causes lists them.
func ParseRules(data []byte) (*Rules, error) {
	var f fileYAML
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, err
	}
	p := &parser{lists: f.Lists, usedList: map[string]bool{}, usedSign: map[string]bool{}, signs: map[string][]*cond{}}
	for name, alts := range f.Signs {
		if len(alts) == 0 {
			return nil, fmt.Errorf("sign %s: no alternatives", name)
		}
		for i, a := range alts {
			if a.Sign != "" || a.When != "" {
				return nil, fmt.Errorf("sign %s, alternative %d: a sign cannot name a sign or a predicate", name, i+1)
			}
			c, err := p.cond(a, false)
			if err != nil {
				return nil, fmt.Errorf("sign %s, alternative %d: %w", name, i+1, err)
			}
			p.signs[name] = append(p.signs[name], c)
		}
	}
	r := &Rules{sections: map[string][]*rule{}}
	ids := map[string]bool{}
	causes := map[string]bool{}
	for _, s := range []struct {
		name  string
		rules []ruleYAML
	}{{secClient, f.Client}, {secPages, f.Pages}, {secErrors, f.Errors}, {secTexts, f.Texts}, {secTransport, f.Transport}} {
		prios := map[int]string{}
		for _, ry := range s.rules {
			ru, err := p.rule(s.name, ry)
			if err != nil {
				return nil, err
			}
			if ids[ru.id] {
				return nil, fmt.Errorf("rule %s: the ID is used twice", ru.id)
			}
			ids[ru.id] = true
			if other, dup := prios[ru.priority]; dup {
				return nil, fmt.Errorf("rule %s: priority %d is also %s's; priorities are unique within a section", ru.id, ru.priority, other)
			}
			prios[ru.priority] = ru.id
			causes[ru.cause] = true
			r.sections[s.name] = append(r.sections[s.name], ru)
		}
		sortRules(r.sections[s.name])
	}
	// texts and transport are tried together on a paste, so their
	// priorities must not tie either.
	seen := map[int]string{}
	for _, ru := range append(append([]*rule(nil), r.sections[secTexts]...), r.sections[secTransport]...) {
		if other, dup := seen[ru.priority]; dup {
			return nil, fmt.Errorf("rule %s: priority %d is also %s's (texts and transport are tried together)", ru.id, ru.priority, other)
		}
		seen[ru.priority] = ru.id
		r.tail = append(r.tail, ru)
	}
	sortRules(r.tail)
	for name := range f.Lists {
		if !p.usedList[name] {
			return nil, fmt.Errorf("list %s is used by no rule", name)
		}
	}
	for name := range f.Signs {
		if !p.usedSign[name] {
			return nil, fmt.Errorf("sign %s is used by no rule", name)
		}
	}
	for c := range causes {
		r.causes = append(r.causes, c)
	}
	sort.Strings(r.causes)
	return r, nil
}

func sortRules(rs []*rule) {
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].priority > rs[j].priority })
}

type parser struct {
	lists    map[string][]string
	usedList map[string]bool
	usedSign map[string]bool
	signs    map[string][]*cond
}

func (p *parser) rule(section string, y ruleYAML) (*rule, error) {
	if !ruleIDRE().MatchString(y.ID) {
		return nil, fmt.Errorf("%s: rule %q: an id is lower-case words joined by dashes", section, y.ID)
	}
	fail := func(format string, a ...any) error {
		return fmt.Errorf("rule %s: %s", y.ID, fmt.Sprintf(format, a...))
	}
	switch {
	case y.Cause == "":
		return nil, fail("no cause")
	case y.Priority <= 0:
		return nil, fail("no priority (a positive integer: higher wins)")
	case strings.TrimSpace(y.Reason) == "":
		return nil, fail("no reason")
	case !layers[y.Layer]:
		return nil, fail("unknown layer %q", y.Layer)
	case y.Layer != "" && section != secTransport:
		return nil, fail("only transport rules have a layer")
	case y.Show != "" && y.Show != "match" && y.Show != "error-line":
		return nil, fail("show is match or error-line, not %q", y.Show)
	case len(y.Match) > 0 && section != secClient:
		return nil, fail("match (regular expressions over the paste as written) is for client rules")
	}
	c, err := p.cond(y.condYAML, true)
	if err != nil {
		return nil, fail("%v", err)
	}
	if c.empty() {
		return nil, fail("matches on nothing: name a status, a code, a phrase or a sign")
	}
	for _, t := range []string{y.Reason, y.Quote} {
		for _, ph := range placeholderRE().FindAllString(t, -1) {
			if !placeholders[ph] {
				return nil, fail("unknown placeholder %s", ph)
			}
		}
	}
	return &rule{id: y.ID, cause: y.Cause, section: section, priority: y.Priority, reason: strings.TrimSpace(y.Reason),
		layer: y.Layer, showErrorLine: y.Show == "error-line" || section == secTransport, cond: *c}, nil
}

func (p *parser) cond(y condYAML, inRule bool) (*cond, error) {
	c := &cond{shorter: y.Shorter, quote: y.Quote}
	var err error
	if c.status, err = parseStatuses(y.Status); err != nil {
		return nil, err
	}
	if c.notStatus, err = parseStatuses(y.NotStatus); err != nil {
		return nil, err
	}
	ids := []struct {
		dst *[]string
		src []string
	}{{&c.ids, y.IDs}, {&c.code, y.Code}, {&c.typ, y.Type}, {&c.typeEnds, y.TypeEnds}, {&c.gstatus, y.GoogleStatus}, {&c.param, y.Param},
		{&c.header, y.Header}, {&c.proxy, y.Proxy}, {&c.server, y.Server}}
	for _, f := range ids {
		if *f.dst, err = p.words(f.src); err != nil {
			return nil, err
		}
	}
	for _, f := range []struct {
		dst *[]phrase
		src []string
	}{{&c.says, y.Says}, {&c.andSays, y.AndSays}, {&c.notSays, y.NotSays}, {&c.page, y.Page}} {
		if *f.dst, err = p.phrases(f.src); err != nil {
			return nil, err
		}
	}
	for _, m := range y.Match {
		re, err := regexp.Compile(m)
		if err != nil {
			return nil, fmt.Errorf("match %q: %v", m, err)
		}
		c.match = append(c.match, re)
	}
	for _, fl := range y.Body {
		if !bodyFlags[fl] {
			return nil, fmt.Errorf("unknown body flag %q", fl)
		}
		c.body = append(c.body, fl)
	}
	if y.Sign != "" {
		alts, ok := p.signs[y.Sign]
		if !ok {
			return nil, fmt.Errorf("unknown sign %q", y.Sign)
		}
		p.usedSign[y.Sign] = true
		c.signName, c.sign = y.Sign, alts
	}
	if y.When != "" {
		pred, ok := predicates[y.When]
		if !ok {
			return nil, fmt.Errorf("unknown predicate %q (the predicates are listed in the rules file's header)", y.When)
		}
		c.whenName, c.when = y.When, pred
	}
	if !inRule && c.empty() {
		return nil, errors.New("matches on nothing")
	}
	return c, nil
}

// words expands $lists in a list of IDs or names, which must be lower case.
func (p *parser) words(src []string) ([]string, error) {
	out, err := p.expand(src)
	if err != nil {
		return nil, err
	}
	for _, w := range out {
		if w == "" || w != strings.ToLower(w) {
			return nil, fmt.Errorf("%q: write codes, types and names in lower case", w)
		}
	}
	return out, nil
}

func (p *parser) phrases(src []string) ([]phrase, error) {
	list, err := p.expand(src)
	if err != nil {
		return nil, err
	}
	out := make([]phrase, 0, len(list))
	for _, s := range list {
		if len(s) > 2 && strings.HasPrefix(s, "/") && strings.HasSuffix(s, "/") {
			re, err := regexp.Compile(s[1 : len(s)-1])
			if err != nil {
				return nil, fmt.Errorf("phrase %s: %v", s, err)
			}
			out = append(out, phrase{s: s, re: re})
			continue
		}
		if s == "" || strings.IndexFunc(s, unicode.IsUpper) >= 0 {
			return nil, fmt.Errorf("phrase %q: phrases are matched against lower-cased text, so write them in lower case", s)
		}
		out = append(out, phrase{s: s})
	}
	return out, nil
}

func (p *parser) expand(src []string) ([]string, error) {
	var out []string
	for _, s := range src {
		if !strings.HasPrefix(s, "$") {
			out = append(out, s)
			continue
		}
		list, ok := p.lists[s[1:]]
		if !ok {
			return nil, fmt.Errorf("unknown list %s", s)
		}
		p.usedList[s[1:]] = true
		out = append(out, list...)
	}
	return out, nil
}

// parseStatuses reads 401, 5xx, 520-524 and unknown.
func parseStatuses(src []string) ([]statusRange, error) {
	var out []statusRange
	for _, s := range src {
		s = strings.TrimSpace(strings.ToLower(s))
		var r statusRange
		lo, hi, isRange := strings.Cut(s, "-")
		switch {
		case s == "unknown":
		case len(s) == 3 && strings.HasSuffix(s, "xx") && s[0] >= '1' && s[0] <= '9':
			r.lo = int(s[0]-'0') * 100
			r.hi = r.lo + 99
		case isRange:
			a, err1 := strconv.Atoi(lo)
			b, err2 := strconv.Atoi(hi)
			if err1 != nil || err2 != nil || a < 100 || b > 999 || a > b {
				return nil, fmt.Errorf("status %q: write a range as 520-524", s)
			}
			r = statusRange{a, b}
		default:
			n, err := strconv.Atoi(s)
			if err != nil || n < 100 || n > 999 {
				return nil, fmt.Errorf("status %q: a status is 100-999, 4xx, 520-524 or unknown", s)
			}
			r = statusRange{n, n}
		}
		out = append(out, r)
	}
	return out, nil
}

// Causes lists every cause ID the rules can name, sorted, so that the
// caller can check them against its catalogue.
func (r *Rules) Causes() []string {
	if r == nil {
		return nil
	}
	return r.causes
}

// List describes every rule, section by section, highest priority first.
func (r *Rules) List() []RuleInfo {
	if r == nil {
		return nil
	}
	var out []RuleInfo
	for _, sec := range []string{secClient, secPages, secErrors, secTexts, secTransport} {
		for _, ru := range r.sections[sec] {
			info := RuleInfo{ID: ru.id, Cause: ru.cause, Section: sec, Priority: ru.priority}
			conds := append([]*cond{&ru.cond}, ru.sign...)
			for _, c := range conds {
				for _, list := range [][]phrase{c.says, c.andSays, c.notSays, c.page} {
					for _, p := range list {
						if p.re != nil {
							info.Patterns = append(info.Patterns, p.s)
						} else {
							info.Phrases = append(info.Phrases, p.s)
						}
					}
				}
				for _, re := range c.match {
					info.Patterns = append(info.Patterns, re.String())
				}
			}
			out = append(out, info)
		}
	}
	return out
}

// The default rules: what Classify and ClassifyText use.
var defaultLoad atomic.Pointer[func() (*Rules, error)]

// SetDefault installs the function that gives the default rules. It is
// called once, on the first classification, so that installing it costs
// nothing at start-up. Package content installs its embedded rules.yaml
// this way; a test installs the file it reads.
func SetDefault(load func() (*Rules, error)) {
	once := sync.OnceValues(load)
	defaultLoad.Store(&once)
}

// Default returns the default rules, or why there are none.
func Default() (*Rules, error) {
	p := defaultLoad.Load()
	if p == nil {
		return nil, errors.New("classify: no rules installed (import content, or call classify.SetDefault)")
	}
	return (*p)()
}

// defaultRules is Default without its error: nil (which knows nothing)
// when the rules could not be had. content's tests fail on a broken file.
func defaultRules() *Rules {
	r, _ := Default()
	return r
}
