package classify

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// Applying the rules: an error's facts in, the first rule that holds out.

// facts is one error as the rules see it: lower-cased fields.
type facts struct {
	status  int
	typ     string
	code    string
	gstatus string
	reasons string // Google's reasons, space-joined
	param   string
	msg     string // the message, or the page's, body's or paste's text
	text    string // the paste as written (client rules' match)
	isError bool
	h       http.Header
	b       *parsedBody
	lead    string // how to name the answer when the status says nothing
}

func newFacts(status int, h http.Header, b *parsedBody) *facts {
	f := &facts{
		status:  status,
		typ:     strings.ToLower(b.errType),
		code:    strings.ToLower(b.code),
		gstatus: strings.ToLower(b.gStatus),
		reasons: strings.ToLower(strings.Join(b.reasons, " ")),
		param:   strings.ToLower(b.param),
		isError: b.isError,
		h:       h,
		b:       b,
	}
	f.msg = b.message
	if !b.isError {
		f.msg = strings.TrimSpace(b.title + " " + b.text)
	}
	f.msg = strings.ToLower(capText(f.msg, maxHay))
	return f
}

// textFacts are a paste's facts for the client, texts and transport rules.
func textFacts(t, lower string, status int) *facts {
	return &facts{status: status, msg: lower, text: t, h: http.Header{}, b: &parsedBody{}}
}

// cond is what a rule (or one alternative of a sign) requires.
type cond struct {
	status, notStatus                        []statusRange
	ids, code, typ, typeEnds, gstatus, param []string
	says, andSays, notSays, page             []phrase
	match                                    []*regexp.Regexp
	shorter                                  int
	body                                     []string
	header, proxy, server                    []string
	sign                                     []*cond
	signName                                 string
	when                                     predicate
	whenName                                 string
	quote                                    string
}

func (c *cond) empty() bool {
	return len(c.status)+len(c.notStatus)+len(c.ids)+len(c.code)+len(c.typ)+len(c.typeEnds)+len(c.gstatus)+len(c.param)+
		len(c.says)+len(c.andSays)+len(c.notSays)+len(c.page)+len(c.match)+len(c.body)+len(c.header)+len(c.proxy)+
		len(c.server)+len(c.sign) == 0 && c.shorter == 0 && c.when == nil
}

// hit is what matched, for the reason.
type hit struct {
	id, says, phrase, other, sign, when string
	groups                              []string
	at                                  int // where in the text the phrase or pattern matched, -1 if none
}

// quoted is what the reason quotes when the rule does not say: the field
// that matched, else the phrase, else a header or page sign, the sign, the
// predicate.
func (h *hit) quoted() string {
	for _, s := range []string{h.id, h.says, h.other, h.sign, h.when} {
		if s != "" {
			return s
		}
	}
	return ""
}

// eval reports whether c holds for f, filling h.
func (c *cond) eval(f *facts, h *hit) bool {
	if len(c.status) > 0 && !inStatuses(c.status, f.status) || len(c.notStatus) > 0 && inStatuses(c.notStatus, f.status) {
		return false
	}
	for _, fl := range c.body {
		if !bodyHas(f, fl) {
			return false
		}
	}
	if c.shorter > 0 && len(f.msg) >= c.shorter {
		return false
	}
	if len(c.ids) > 0 {
		if h.id = f.idMatch(c.ids); h.id == "" {
			return false
		}
	}
	for _, fld := range []struct {
		list  []string
		value string
		name  string
	}{{c.code, f.code, "code "}, {c.typ, f.typ, "type "}, {c.gstatus, f.gstatus, "status "}, {c.param, f.param, ""}} {
		if len(fld.list) == 0 {
			continue
		}
		if !contains(fld.list, fld.value) {
			return false
		}
		if h.id == "" && fld.name != "" {
			h.id = fld.name + fld.value
			if fld.name == "status " {
				h.id = fld.name + strings.ToUpper(fld.value)
			}
		}
	}
	if len(c.typeEnds) > 0 && !anySuffix(f.typ, c.typeEnds) {
		return false
	}
	if !c.evalHeaders(f, h) {
		return false
	}
	if len(c.says) > 0 {
		at, m := findPhrase(f.msg, c.says)
		if at < 0 {
			return false
		}
		h.says, h.phrase, h.at = strconv.Quote(m)+" in the message", m, at
	}
	if len(c.andSays) > 0 {
		if at, _ := findPhrase(f.msg, c.andSays); at < 0 {
			return false
		}
	}
	if len(c.notSays) > 0 {
		if at, _ := findPhrase(f.msg, c.notSays); at >= 0 {
			return false
		}
	}
	if len(c.match) > 0 && !c.evalMatch(f, h) {
		return false
	}
	if c.sign != nil {
		q, ok := evalSign(c.sign, f)
		if !ok {
			return false
		}
		h.sign = q
	}
	if c.when != nil {
		q, ok := c.when(f)
		if !ok {
			return false
		}
		h.when = q
	}
	return true
}

func (c *cond) evalHeaders(f *facts, h *hit) bool {
	if len(c.header) > 0 {
		name := ""
		for _, n := range c.header {
			if f.h.Get(n) != "" {
				name = n
				break
			}
		}
		if name == "" {
			return false
		}
		h.other = "header " + name
	}
	server := strings.ToLower(f.h.Get("Server"))
	if len(c.proxy) > 0 {
		via := strings.ToLower(strings.Join(f.h.Values("Via"), ","))
		w := ""
		for _, p := range c.proxy {
			if strings.Contains(server, p) || strings.Contains(via, p) {
				w = p
				break
			}
		}
		if w == "" {
			return false
		}
		h.other = "proxy " + w
	}
	if len(c.server) > 0 {
		w := ""
		for _, p := range c.server {
			if strings.Contains(server, p) {
				w = p
				break
			}
		}
		if w == "" {
			return false
		}
		h.other = "server " + w
	}
	if len(c.page) > 0 {
		if f.b.kind != kindHTML && f.b.kind != kindText {
			return false
		}
		_, m := findPhrase(strings.ToLower(f.b.title+" "+f.b.text), c.page)
		if m == "" {
			return false
		}
		h.other = "page text \"" + strings.TrimSpace(m) + "\""
	}
	return true
}

func (c *cond) evalMatch(f *facts, h *hit) bool {
	for _, re := range c.match {
		loc := re.FindStringSubmatchIndex(f.text)
		if loc == nil {
			continue
		}
		h.groups = make([]string, len(loc)/2)
		for i := range h.groups {
			if loc[2*i] >= 0 {
				h.groups[i] = f.text[loc[2*i]:loc[2*i+1]]
			}
		}
		h.at = loc[0]
		return true
	}
	return false
}

// evalSign is the quote of the first alternative that holds.
func evalSign(alts []*cond, f *facts) (string, bool) {
	for _, a := range alts {
		var h hit
		if a.eval(f, &h) {
			if a.quote != "" {
				return a.quote, true
			}
			return h.quoted(), true
		}
	}
	return "", false
}

// idMatch reports which of code, type, Google status or reason equals one
// of ids, as "code insufficient_quota", or "".
func (f *facts) idMatch(ids []string) string {
	for _, id := range ids {
		switch {
		case f.code == id:
			return "code " + id
		case f.typ == id:
			return "type " + id
		case f.gstatus == id:
			return "status " + strings.ToUpper(id)
		case f.reasons != "" && strings.Contains(" "+f.reasons+" ", " "+id+" "):
			return "reason " + strings.ToUpper(id)
		}
	}
	return ""
}

func bodyHas(f *facts, flag string) bool {
	switch flag {
	case "error":
		return f.isError
	case "html":
		return f.b.kind == kindHTML
	case "text":
		return f.b.kind == kindText
	case "served":
		return !f.b.pasted
	case "sse-error":
		return f.b.sseError
	case "request-id-in-message":
		return f.b.msgRequestID != ""
	}
	return false
}

func inStatuses(rs []statusRange, st int) bool {
	for _, r := range rs {
		if st >= r.lo && st <= r.hi {
			return true
		}
	}
	return false
}

// findPhrase is where the first phrase of the list (in list order) occurs
// in hay, and the text it matched; -1 when none does.
func findPhrase(hay string, list []phrase) (int, string) {
	for _, p := range list {
		if p.re != nil {
			if loc := p.re.FindStringIndex(hay); loc != nil {
				return loc[0], hay[loc[0]:loc[1]]
			}
			continue
		}
		if i := strings.Index(hay, p.s); i >= 0 {
			return i, p.s
		}
	}
	return -1, ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func anySuffix(s string, list []string) bool {
	for _, x := range list {
		if strings.HasSuffix(s, x) {
			return true
		}
	}
	return false
}

// first is the highest-priority rule of rs that holds for f.
func first(rs []*rule, f *facts) (*rule, *hit) {
	var h hit
	for _, r := range rs {
		h = hit{at: -1}
		if r.eval(f, &h) {
			return r, &h
		}
	}
	return nil, nil
}

// fill puts what matched into a quote or reason template.
func (h *hit) fill(tmpl string, b *parsedBody) string {
	if !strings.Contains(tmpl, "{") {
		return tmpl
	}
	return placeholderRE().ReplaceAllStringFunc(tmpl, func(ph string) string {
		switch ph {
		case "{id}":
			return h.id
		case "{says}":
			return h.says
		case "{phrase}":
			return h.phrase
		case "{sign}":
			return h.sign
		case "{when}":
			return h.when
		case "{title}":
			return titleOr(b, "an HTML page")
		}
		if n, err := strconv.Atoi(ph[1 : len(ph)-1]); err == nil && n < len(h.groups) {
			return h.groups[n]
		}
		return ""
	})
}

// predicate is a decision a match cannot write; a rule names it in `when`.
// It returns what to quote and whether it holds.
type predicate func(f *facts) (string, bool)

var predicates = map[string]predicate{
	"over_rate_budget": overRateBudget,
}

// overBudgetRE reads OpenAI's "… (TPM): Limit 10000, Requested 12000", and
// Groq's "Limit 7000, Used 0, Requested ~12903".
var overBudgetRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`limit:?\s*~?([\d,]+)\s*,\s*(?:used:?\s*~?[\d,]+\s*,\s*)?requested:?\s*~?([\d,]+)`)
})

// overRateBudget holds when one request alone is bigger than the whole
// per-window budget: OpenAI's "Request too large", or a limit/requested
// pair where the request exceeds the limit. What was "used" does not
// matter then: even an empty window could not take it. (A request that
// fits the limit but not what is left, "Used 29000, Requested 2000", is an
// ordinary rate limit, and the pair does not hold.)
func overRateBudget(f *facts) (string, bool) {
	if strings.Contains(f.msg, "request too large") {
		if m := overBudgetRE().FindStringSubmatch(f.msg); m != nil {
			return fmt.Sprintf("\"request too large\" (limit %s, requested %s) in the message", m[1], m[2]), true
		}
		return `"request too large" in the message`, true
	}
	if m := overBudgetRE().FindStringSubmatch(f.msg); m != nil {
		lim, _ := strconv.ParseInt(strings.ReplaceAll(m[1], ",", ""), 10, 64)
		req, _ := strconv.ParseInt(strings.ReplaceAll(m[2], ",", ""), 10, 64)
		if req > lim && lim > 0 {
			return fmt.Sprintf("limit %s, requested %s in the message", m[1], m[2]), true
		}
	}
	return "", false
}
