package probe

import (
	"context"
	"crypto/tls"
	"net/http/httptrace"
	"net/url"
	"sync"
	"time"

	"github.com/unstuck-dev/unstuck/checks"
)

// netCall is the state of one call, shared with the trace hooks and the
// redirect check (which run on other goroutines).
type netCall struct {
	start time.Time
	steps *netSteps

	mu        sync.Mutex
	timing    Timing
	redirects []string
	proxy     string
	dnsAt     time.Time
	connAt    time.Time
	tlsAt     time.Time
}

type netCallKey struct{}

func netCallFrom(ctx context.Context) *netCall {
	nc, _ := ctx.Value(netCallKey{}).(*netCall)
	return nc
}

func (nc *netCall) setProxy(p *url.URL) {
	nc.mu.Lock()
	nc.proxy = netProxyDisplay(p)
	nc.mu.Unlock()
}

func (nc *netCall) trace() *httptrace.ClientTrace {
	at := func(f func(now time.Time)) {
		nc.mu.Lock()
		f(time.Now())
		nc.mu.Unlock()
	}
	return &httptrace.ClientTrace{
		DNSStart: func(httptrace.DNSStartInfo) {
			nc.steps.enter(checks.StepLookup)
			at(func(t time.Time) { nc.dnsAt = t })
		},
		DNSDone: func(httptrace.DNSDoneInfo) {
			at(func(t time.Time) { nc.timing.DNS = t.Sub(nc.dnsAt) })
		},
		ConnectStart: func(string, string) {
			nc.steps.enter(checks.StepConnect)
			at(func(t time.Time) { nc.connAt = t })
		},
		ConnectDone: func(string, string, error) {
			at(func(t time.Time) { nc.timing.Connect = t.Sub(nc.connAt) })
		},
		TLSHandshakeStart: func() {
			nc.steps.enter(checks.StepTLS)
			at(func(t time.Time) { nc.tlsAt = t })
		},
		TLSHandshakeDone: func(tls.ConnectionState, error) {
			at(func(t time.Time) { nc.timing.TLS = t.Sub(nc.tlsAt) })
		},
		WroteRequest: func(httptrace.WroteRequestInfo) {
			nc.steps.enter(checks.StepFirstByte)
		},
		GotFirstResponseByte: func() {
			nc.steps.enter(checks.StepHeaders)
			at(func(t time.Time) { nc.timing.TTFB = t.Sub(nc.start) })
		},
	}
}

// netSteps bounds each step of a call by the timeout: every step (lookup,
// connect, handshake, first byte, body) restarts the clock, and when one runs
// out the call is cancelled with a *checks.TimeoutError naming that step.
type netSteps struct {
	mu     sync.Mutex
	step   checks.Step
	d      time.Duration
	t      *time.Timer
	cancel context.CancelCauseFunc
}

func netStartSteps(d time.Duration, cancel context.CancelCauseFunc) *netSteps {
	s := &netSteps{step: checks.StepConnect, d: d, cancel: cancel}
	s.t = time.AfterFunc(d, func() {
		s.mu.Lock()
		step := s.step
		s.mu.Unlock()
		cancel(&checks.TimeoutError{Step: step, After: d})
	})
	return s
}

func (s *netSteps) enter(step checks.Step) {
	s.mu.Lock()
	s.step = step
	s.t.Reset(s.d)
	s.mu.Unlock()
}

func (s *netSteps) stop() { s.t.Stop() }
