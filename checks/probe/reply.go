package probe

import (
	"io"
	"net/http"
	"time"
)

// Reply is what came back. Body is read only by Do; Open leaves it to the
// caller through Read.
type Reply struct {
	Status      int
	Header      http.Header
	Body        []byte // decoded, at most maxBody bytes
	Truncated   bool   // the body was longer than the cap
	ContentType string
	Redirects   []string // URLs the call was redirected to, in order
	Proxy       string   // proxy the call went through, without credentials
	Timing      Timing

	body *cappedBody
	call *callState
}

// Timing is when things happened, measured from the start of the call.
type Timing struct {
	DNS     time.Duration // host lookup took
	Connect time.Duration // TCP connect took
	TLS     time.Duration // TLS handshake took
	TTFB    time.Duration // start to the first response byte
	Total   time.Duration // start to the end of the body (or of the call)
}

// Read reads the body, decoded and capped. Past the cap it returns
// errTruncated; when the step timer runs out, a *checks.TimeoutError.
func (r *Reply) Read(p []byte) (int, error) {
	if r.body == nil {
		return 0, io.EOF
	}
	n, err := r.body.Read(p)
	if r.body.truncated {
		r.Truncated = true
	}
	return n, err
}

// Close ends the call and stops its timer.
func (r *Reply) Close() error {
	if r == nil || r.body == nil {
		return nil
	}
	r.finish()
	return r.body.Close()
}

// finish stamps the total time.
func (r *Reply) finish() {
	if r.call != nil && r.Timing.Total == 0 {
		r.Timing.Total = time.Since(r.call.start)
	}
}

func (r *Reply) fill(nc *callState) {
	nc.mu.Lock()
	defer nc.mu.Unlock()
	r.Timing = nc.timing
	r.Redirects = append([]string(nil), nc.redirects...)
	r.Proxy = nc.proxy
}
