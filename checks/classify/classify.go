package classify

import (
	"net/http"
	"strings"
	"time"

	"github.com/unstuck-dev/unstuck/checks"
)

// Classification is what an error response (or a transport error) means.
type Classification struct {
	Cause      string          // cause ID from CAUSES.md, "" when not recognised
	Evidence   checks.Evidence // status, error type/code/message, request IDs, rate limit, served_by
	Recognized bool
	Reason     string // one line, our words: why this cause ("429 with code insufficient_quota: money, not speed")
	Rule       string // the rule of content/rules.yaml that decided, "" when Go did (a typed transport error, a relay's rewrite)
	Quote      string // ClassifyText: the line of the paste the verdict rests on, as pasted (masked)
}

// maxMessage caps the error message kept as evidence.
const maxMessage = 300

// Classify says what a failed call means: the HTTP status, headers and body
// of the answer, or the transport error when there was no answer. The live
// checks and `explain` both use it, so a pasted body and a live one get the
// same verdict.
//
// It matches on status, error type, code and message together, never on one
// field alone and never on exact sentences: wording drifts between versions
// and white-label relays rename types. It never panics, whatever the input.
// The rules are the default ones (SetDefault; content installs its
// rules.yaml).
func Classify(status int, header http.Header, body []byte, err error) Classification {
	return defaultRules().Classify(status, header, body, err)
}

// Classify is the package's Classify with these rules.
func (r *Rules) Classify(status int, header http.Header, body []byte, err error) Classification {
	return r.classifyAt(status, header, body, err, time.Now())
}

func (r *Rules) classifyAt(status int, h http.Header, body []byte, err error, now time.Time) Classification {
	return r.classifyPasted(status, h, body, err, now, false, false)
}

// classifyPasted is Classify for a body that may be a person's pasted
// error line rather than a server's body (pasted=true): then a plain-text
// "body" says nothing about who answered, and the status alone decides.
// midStream says the paste shows the error was read from the stream after
// it began (an SDK's stream reader raised it): the error is then judged as
// an SSE error event, whatever shape the SDK printed it in.
func (r *Rules) classifyPasted(status int, h http.Header, body []byte, err error, now time.Time, pasted, midStream bool) Classification {
	if status < 100 || status > 999 {
		status = 0
	}
	if h == nil {
		h = http.Header{}
	}
	var c Classification
	ev := &c.Evidence
	ev.Status = status

	if err != nil && status == 0 {
		cause, layer, reason := clsTransport(err)
		ev.ErrorMessage = clsEvidenceText(err.Error())
		ev.FailedLayer = layer
		return done(c, cause, reason, "")
	}

	b := parseBody(body, h.Get("Content-Type"))
	b.pasted = pasted && b.kind == kindText
	if midStream && b.isError && status == 0 {
		b.sse, b.sseError = true, true
	}
	if status == 0 {
		// No status given (a pasted body): the body may carry one.
		switch {
		case b.isError && b.innerStatus != 0:
			status = b.innerStatus
		case b.kind == kindHTML:
			status = statusFromTitle(b.title)
		}
		ev.Status = status
	}
	fillEvidence(ev, h, b, now)
	v := r.decide(status, h, b)
	if v.cause == "rate-limited" && ev.RateLimit != nil {
		v.reason += rateLimitTail(ev.RateLimit)
	}
	return done(c, v.cause, v.reason, v.rule)
}

func done(c Classification, cause, reason, rule string) Classification {
	c.Cause = cause
	c.Recognized = cause != ""
	if c.Recognized {
		c.Reason = clsEvidenceText(reason)
		c.Rule = rule
	}
	return c
}

// fillEvidence copies what the body and headers say into the evidence,
// masked and capped.
func fillEvidence(ev *checks.Evidence, h http.Header, b *parsedBody, now time.Time) {
	ev.ContentType = headerValue(h.Get("Content-Type"), 100)
	ev.Truncated = b.truncated
	src := b
	// For OpenRouter's "Provider returned error", the upstream's own error
	// is the evidence worth reading; the wrapper only says who failed.
	if b.raw != nil && (b.raw.message != "" || b.raw.code != "" || b.raw.errType != "") {
		src = b.raw
	}
	ev.ErrorType = clsEvidenceText(src.errType)
	if ev.ErrorType == "" && src.gStatus != "" {
		ev.ErrorType = clsEvidenceText(src.gStatus)
	}
	ev.ErrorCode = clsEvidenceText(src.code)
	if len(src.reasons) > 0 {
		ev.ErrorCode = clsEvidenceText(src.reasons[0])
	}
	switch {
	case src.message != "":
		ev.ErrorMessage = clsEvidenceText(src.message)
		if src != b && b.message != "" {
			ev.ErrorMessage = clsEvidenceText(b.message + ": " + src.message)
		}
	case b.kind == kindHTML:
		msg := b.title
		if msg == "" {
			msg = b.text
		}
		ev.ErrorMessage = clsEvidenceText("HTML page: " + msg)
	case b.kind == kindText || b.kind == kindJSON:
		ev.ErrorMessage = clsEvidenceText(b.text)
	}
	ev.RequestIDs = requestIDs(h, b)
	if len(ev.RequestIDs) > 0 {
		first := ev.RequestIDs[0]
		ev.RequestID = strings.TrimSpace(first[strings.Index(first, ":")+1:])
	}
	ev.ServedBy = servedBy(h, b)
	ev.RateLimit = ParseRateLimit(h, now)
}

// clsEvidenceText is text fit for evidence: keys masked, one line, capped.
// It folds and cuts first, with room to spare, so that masking (the costly
// part) reads a few hundred bytes, never a whole body: a key that starts
// before the final cut keeps its prefix and well over the 12 characters the
// masking needs, so it is masked before the final cut.
func clsEvidenceText(s string) string {
	if s == "" {
		return ""
	}
	s = collapse(s, maxMessage+keyRoom)
	return capText((*checks.Redactor)(nil).Redact(s), maxMessage)
}

// keyRoom is how far past the cut masking reads, longer than any key.
const keyRoom = 256

// rateLimitTail adds when to try again to a rate-limit reason.
func rateLimitTail(rl *checks.RateLimit) string {
	switch {
	case rl.RetryAfter != "":
		return "; retry after " + rl.RetryAfter
	case rl.Reset != "":
		return "; the limit resets " + rl.Reset
	}
	return ""
}
