package classify

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// The decision: which rules judge an answer, and how a reason is worded.
// What decides is data (content/rules.yaml); what stays here is the shape
// of the answer: a success is no error, a web page is judged only by the
// page rules, an error inside a 200 is judged by its own words, and a
// router's upstream error by the upstream's.

// verdict is a cause, why, and the rule that said so ("" when Go did).
type verdict struct {
	cause, reason, rule string
}

// decide is the whole decision for an answer.
func (r *Rules) decide(status int, h http.Header, b *parsedBody) verdict {
	st := status
	// A 200 carrying an error (OpenRouter after the stream started, some
	// relays always) is judged by the status inside it.
	if (st == 0 || (st >= 200 && st < 300)) && b.isError && b.innerStatus != 0 {
		st = b.innerStatus
	}
	if b.raw != nil {
		if v := r.decideRelayed(st, b); v.cause != "" {
			return v
		}
	}
	if st >= 200 && st < 400 && !b.isError && !(b.kind == kindHTML && st < 300) {
		return verdict{} // a success (or a redirect) is not an error
	}
	f := newFacts(st, h, b)
	if b.kind == kindHTML {
		if f.status == 0 {
			f.status = statusFromTitle(b.title)
		}
		return r.apply(secPages, f)
	}
	if st >= 200 && st < 300 && b.isError && b.innerStatus == 0 {
		// A 200 with an error: only the error's own words count.
		f.status = 0
		f.lead = fmt.Sprintf("an error in the body of a %d", st)
		if b.sse {
			f.lead = fmt.Sprintf("an error event in a %d stream", st)
		}
	}
	return r.apply(secErrors, f)
}

// apply runs one section of answer rules (pages or errors) over f.
func (r *Rules) apply(section string, f *facts) verdict {
	if r == nil {
		return verdict{}
	}
	ru, h := first(r.sections[section], f)
	if ru == nil {
		return verdict{}
	}
	quote := h.quoted()
	if ru.quote != "" {
		quote = h.fill(ru.quote, f.b)
	}
	return verdict{cause: ru.cause, reason: f.why(quote, h.fill(ru.reason, f.b)), rule: ru.id}
}

// decideRelayed judges OpenRouter's "Provider returned error" by the
// upstream's own error in metadata.raw. A key error there is the router's
// own upstream key, not yours: you could not have caused it.
func (r *Rules) decideRelayed(st int, b *parsedBody) verdict {
	in := b.raw
	ist := in.innerStatus
	if ist == 0 {
		ist = st
	}
	v := r.decide(ist, http.Header{}, in)
	if v.cause == "" {
		return v
	}
	who := "the upstream provider"
	if b.provider != "" {
		who = "the provider " + b.provider
	}
	if isKeyCause(v.cause) {
		return verdict{cause: "upstream-auth-failed", reason: fmt.Sprintf("the router accepted your key, but %s rejected the router's own credentials (%s)", who, v.reason)}
	}
	v.reason = fmt.Sprintf("%s, as reported by %s behind the router", v.reason, who)
	return v
}

// isKeyCause is a verdict about the caller's key, which a relay in front
// turns into its own upstream key's problem.
func isKeyCause(cause string) bool {
	return cause == "key-rejected" || cause == "key-missing" || cause == "key-scope-missing"
}

// why builds a reason: what was seen, then what it means, as one
// sentence: "429 with code insufficient_quota — money, not speed". The
// meaning (a rule's reason) may have a colon of its own, so a dash, not
// another colon, joins the two.
func (f *facts) why(matched, meaning string) string {
	switch {
	case f.lead != "" && matched != "":
		return fmt.Sprintf("%s, %s — %s", f.lead, matched, meaning)
	case f.lead != "":
		return fmt.Sprintf("%s — %s", f.lead, meaning)
	case f.status > 0 && matched != "":
		return fmt.Sprintf("%d with %s — %s", f.status, matched, meaning)
	case f.status > 0:
		return fmt.Sprintf("%d — %s", f.status, meaning)
	case matched != "":
		return matched + " — " + meaning
	}
	return meaning
}

// titleStatusRE reads the status at the start of a title, or after
// Cloudflare's "host | ": "api.example.com | 524: A timeout occurred".
var titleStatusRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^\s*(?:[^|]{1,100}\|\s*)?(?:error\s*)?([1-5]\d\d)\b`)
})

// statusFromTitle reads "502 Bad Gateway" (or Cloudflare's "host | 524:
// A timeout occurred") from a page title.
func statusFromTitle(title string) int {
	if m := titleStatusRE().FindStringSubmatch(strings.ToLower(title)); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}

func titleOr(b *parsedBody, alt string) string {
	if b != nil && b.title != "" {
		return fmt.Sprintf("%q", capText(b.title, 60))
	}
	return alt
}
