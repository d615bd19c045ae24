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
