package checks

import (
	"fmt"
	"strings"
	"time"
)

// The errors the one HTTP client (checks/probe) returns for what it refuses
// to do or gives up on. They live here, below both the client and the
// classifier, so that checks/classify reads them by type (errors.As) and
// never by their wording: the words below are for people and may change.

// Step is a stage of one HTTP call. Its words are for people; which layer a
// step belongs to is decided by the constant, never by the words.
type Step int

const (
	StepConnect   Step = iota // opening the TCP connection (the first step a call is in)
	StepLookup                // looking up the host name
	StepTLS                   // the TLS handshake
	StepFirstByte             // the request is sent; waiting for the answer to start
	StepHeaders               // reading the answer's headers
	StepBody                  // reading the answer's body
)

// String is the step in the words of "no progress … while <step>".
func (s Step) String() string {
	switch s {
	case StepConnect:
		return "connecting"
	case StepLookup:
		return "looking up the host"
	case StepTLS:
		return "the TLS handshake"
	case StepFirstByte:
		return "waiting for the first byte of the answer"
	case StepHeaders:
		return "reading the answer's headers"
	case StepBody:
		return "reading the answer"
	}
	return fmt.Sprintf("step %d", int(s))
}

// TimeoutError is a network step that did not finish within --timeout.
type TimeoutError struct {
	Step  Step
	After time.Duration
	Proxy string // the proxy the call went through (without credentials), "" when direct
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("no progress for %s while %s", e.After, e.Step)
}

// Timeout makes TimeoutError a net.Error timeout.
func (e *TimeoutError) Timeout() bool { return true }

// Temporary is part of net.Error.
func (e *TimeoutError) Temporary() bool { return true }

// ProxyRefusedError is a proxy that answered CONNECT with something else than 200.
type ProxyRefusedError struct {
	Proxy  string // without credentials
	Status int
	Text   string // the status line, e.g. "403 Forbidden"
}

func (e *ProxyRefusedError) Error() string {
	return fmt.Sprintf("the proxy %s refused to open a tunnel: %s", e.Proxy, e.Text)
}

// RedirectError is a redirect chain that looped or ran too long.
type RedirectError struct {
	Hops  []string // every URL of the chain, redacted, in order
	Loop  bool     // a URL came back; otherwise the chain passed Limit
	Limit int      // how many redirects the client follows
}

func (e *RedirectError) Error() string {
	if e.Loop {
		return "redirect loop: " + strings.Join(e.Hops, " → ")
	}
	return fmt.Sprintf("more than %d redirects: %s", e.Limit, strings.Join(e.Hops, " → "))
}

// KeyUnsendableError is a key that no HTTP client can put in a header: it
// holds a line break or another control character.
type KeyUnsendableError struct{ Header string }

func (e *KeyUnsendableError) Error() string {
	return "the key holds a line break or control character, so it cannot be sent in the " + e.Header + " header"
}

// HeaderUnsendableError is a --header whose name or value no HTTP client can
// send.
type HeaderUnsendableError struct{ Name string }

func (e *HeaderUnsendableError) Error() string {
	return fmt.Sprintf("the header %q given with --header cannot be sent: its name or value holds invalid characters", e.Name)
}

// URLError is a URL the client cannot send to: it does not parse, or its
// scheme is not http or https.
type URLError struct {
	URL string
	Err error
}

func (e *URLError) Error() string { return "cannot send to this URL: " + e.Err.Error() }
func (e *URLError) Unwrap() error { return e.Err }
