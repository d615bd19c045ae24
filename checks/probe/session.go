package probe

import (
	"sync"

	"github.com/unstuck-dev/unstuck/checks"
)

// session is what the network checks of one Setup share: one client, the
// models list fetched once (Models and AuthHeader both read it), and the
// billable request sent at most once.
type session struct {
	client *Client

	modelsOnce sync.Once
	models     fetchResult

	requestOnce sync.Once
	request     checks.Result
}

// fetchResult is one finished call.
type fetchResult struct {
	reply *Reply
	err   error
}

// sessionKey is where a Setup keeps its session.
type sessionKey struct{}

// sessionFor returns the Setup's session, creating it on first use.
func sessionFor(s *checks.Setup) *session {
	return s.Shared(sessionKey{}, func() any { return &session{client: NewClient(s)} }).(*session)
}

// useHooks gives the Setup a fresh session whose client uses the hooks
// (tests: a map resolver, the test server's roots).
func useHooks(s *checks.Setup, h hooks) {
	s.SetShared(sessionKey{}, &session{client: newClient(s, h)})
}

// redact passes every text a result carries through the Setup's redactor:
// server messages may echo the key, and this is the one place that makes
// sure none leaves.
func redact(s *checks.Setup, r checks.Result) checks.Result {
	red := s.Redactor.Redact
	r.Summary = red(r.Summary)
	if r.Details != nil {
		d := make([]string, len(r.Details))
		for i, v := range r.Details {
			d[i] = red(v)
		}
		r.Details = d
	}
	if r.Facts != nil {
		f := make(map[string]string, len(r.Facts))
		for k, v := range r.Facts {
			f[k] = red(v)
		}
		r.Facts = f
	}
	e := &r.Evidence
	for _, p := range []*string{&e.Provider, &e.Protocol, &e.BaseURL, &e.Endpoint, &e.Model, &e.Key,
		&e.ErrorType, &e.ErrorCode, &e.ErrorMessage, &e.RequestID, &e.ServedBy, &e.SuggestedModel,
		&e.FailedLayer, &e.ContentType, &e.KeySource, &e.Proxy} {
		*p = red(*p)
	}
	for _, list := range []*[]string{&e.RequestIDs, &e.Models} {
		if *list != nil {
			l := make([]string, len(*list))
			for i, v := range *list {
				l[i] = red(v)
			}
			*list = l
		}
	}
	if e.RateLimit != nil {
		rl := *e.RateLimit
		rl.Limit, rl.Remaining, rl.Reset, rl.RetryAfter = red(rl.Limit), red(rl.Remaining), red(rl.Reset), red(rl.RetryAfter)
		e.RateLimit = &rl
	}
	return r
}
