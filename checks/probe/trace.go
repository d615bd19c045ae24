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

// callState is the state of one call, shared with the trace hooks and the
// redirect check (which run on other goroutines).
type callState struct {
	start time.Time
	steps *stepTimer

	mu        sync.Mutex
	timing    Timing
	redirects []string
	proxy     string
	dnsAt     time.Time
	connAt    time.Time
	tlsAt     time.Time
}

type callKey struct{}

func callFrom(ctx context.Context) *callState {
	nc, _ := ctx.Value(callKey{}).(*callState)
	return nc
}

func (nc *callState) setProxy(p *url.URL) {
	nc.mu.Lock()
	nc.proxy = proxyDisplay(p)
	nc.mu.Unlock()
}

func (nc *callState) trace() *httptrace.ClientTrace {
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

// stepTimer bounds each step of a call by the timeout: every step (lookup,
// connect, handshake, first byte, body) restarts the clock, and when one runs
// out the call is cancelled with a *checks.TimeoutError naming that step.
type stepTimer struct {
	mu     sync.Mutex
	step   checks.Step
	d      time.Duration
	t      *time.Timer
	cancel context.CancelCauseFunc
}

func startStepTimer(d time.Duration, cancel context.CancelCauseFunc) *stepTimer {
	s := &stepTimer{step: checks.StepConnect, d: d, cancel: cancel}
	s.t = time.AfterFunc(d, func() {
		s.mu.Lock()
		step := s.step
		s.mu.Unlock()
		cancel(&checks.TimeoutError{Step: step, After: d})
	})
	return s
}

func (s *stepTimer) enter(step checks.Step) {
	s.mu.Lock()
	s.step = step
	s.t.Reset(s.d)
	s.mu.Unlock()
}

func (s *stepTimer) stop() { s.t.Stop() }
