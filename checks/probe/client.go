package probe

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/unstuck-dev/unstuck/checks"
	"golang.org/x/net/http/httpguts"
	"golang.org/x/net/http/httpproxy"
)

// The limits every network check lives under. They are here, in the one
// client, so that no call site can forget them.
const (
	// netMaxBody caps every response body: far more than any models list or
	// error page, far too little for a hostile server to fill memory.
	netMaxBody = 1 << 20
	// netMaxRedirects is how many redirects a call follows before giving up.
	netMaxRedirects = 5
	// netDefaultTimeout bounds each network step when --timeout is not set.
	netDefaultTimeout = 10 * time.Second
	netUserAgent      = "unstuck (API diagnostics)"
)

// AuthForm is the header a client puts the key in.
type AuthForm string

const (
	AuthBearer  AuthForm = "bearer"    // Authorization: Bearer <key> (OpenAI SDKs)
	AuthXAPIKey AuthForm = "x-api-key" // x-api-key: <key> (Anthropic SDKs)
	AuthAPIKey  AuthForm = "api-key"   // api-key: <key> (Azure OpenAI)
	AuthNone    AuthForm = "none"      // send no key at all
)

// Header names the header in the words a user sees in their code.
func (f AuthForm) Header() string {
	switch f {
	case AuthBearer:
		return "Authorization: Bearer"
	case AuthXAPIKey:
		return "x-api-key"
	case AuthAPIKey:
		return "api-key"
	}
	return "no key header"
}

// AuthFormFor is the header the user's SDK puts the key in: the protocol's own
// form (Bearer for OpenAI-style clients, x-api-key for Anthropic-style ones,
// Bearer again when the Anthropic SDK reads ANTHROPIC_AUTH_TOKEN), unless the
// profile says the server reads only another form (Azure's api-key).
func AuthFormFor(s *checks.Setup) AuthForm {
	natural := AuthBearer
	if netProtocol(s) == "anthropic" && s.KeyEnv != "ANTHROPIC_AUTH_TOKEN" {
		natural = AuthXAPIKey
	}
	reads := s.Profile.AuthHeaders
	if len(reads) == 0 {
		return natural
	}
	for _, h := range reads {
		if AuthForm(strings.ToLower(h)) == natural {
			return natural
		}
	}
	switch f := AuthForm(strings.ToLower(reads[0])); f {
	case AuthBearer, AuthXAPIKey, AuthAPIKey:
		return f
	}
	return natural
}

func netProtocol(s *checks.Setup) string {
	if s.Protocol != "" {
		return s.Protocol
	}
	if s.Config.Protocol != "" {
		return s.Config.Protocol
	}
	return s.Profile.Protocol
}

// Client is the one HTTP client every network check uses. It resolves proxies
// from the user's environment the way Go's standard library does, bounds every
// step by --timeout, caps every body, never decompresses without a cap, puts
// the key only in a header and drops credentials when a redirect leaves the
// host.
type Client struct {
	setup    *checks.Setup
	timeout  time.Duration
	proxy    func(*url.URL) (*url.URL, error)
	resolver netResolver    // nil: the system resolver
	roots    *x509.CertPool // nil: the system roots
	dialHook dialFunc       // nil: net.Dialer
	hc       *http.Client

	slowAfter time.Duration // an answer this slow is slow-response
}

// netResolver is what the client needs from a resolver; *net.Resolver has it,
// and tests pass a map so that no test touches real DNS.
type netResolver interface {
	LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error)
}

// dialFunc opens a TCP connection, as net.Dialer.DialContext does.
type dialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

// netHooks are what tests inject: a resolver, trusted roots, and a dialer
// that fails the way a real network does (a typed error, no packet sent).
type netHooks struct {
	resolver  netResolver
	roots     *x509.CertPool
	dial      dialFunc      // every TCP connect, the ladder's included
	slowAfter time.Duration // 0: netSlowAfter
}

// NewClient builds the client for one Setup.
func NewClient(s *checks.Setup) *Client { return newClient(s, netHooks{}) }

func newClient(s *checks.Setup, h netHooks) *Client {
	c := &Client{
		setup:    s,
		timeout:  s.Config.Timeout,
		proxy:    netProxyFunc(s.Config.Env),
		resolver: h.resolver,
		roots:    h.roots,
		dialHook: h.dial,

		slowAfter: netSlowAfter,
	}
	if h.slowAfter > 0 {
		c.slowAfter = h.slowAfter
	}
	if c.timeout <= 0 {
		c.timeout = netDefaultTimeout
	}
	tr := &http.Transport{
		Proxy: func(r *http.Request) (*url.URL, error) {
			p, err := c.proxy(r.URL)
			if call := netCallFrom(r.Context()); call != nil && p != nil {
				call.setProxy(p)
			}
			return p, err
		},
		DialContext:     c.dial,
		TLSClientConfig: &tls.Config{RootCAs: c.roots, MinVersion: tls.VersionTLS12},
		// Ask for no compression and decode gzip ourselves, under the cap:
		// the transport's own decoding has no limit (a gzip bomb).
		DisableCompression: true,
		// One connection per call: timings stay honest and nothing idles
		// after the run.
		DisableKeepAlives:      true,
		ForceAttemptHTTP2:      true,
		MaxResponseHeaderBytes: 64 << 10,
		OnProxyConnectResponse: func(_ context.Context, p *url.URL, _ *http.Request, resp *http.Response) error {
			if resp.StatusCode != http.StatusOK {
				return &checks.ProxyRefusedError{Proxy: netProxyDisplay(p), Status: resp.StatusCode, Text: resp.Status}
			}
			return nil
		},
	}
	c.hc = &http.Client{Transport: tr, CheckRedirect: c.checkRedirect}
	return c
}

// Timeout is the bound on each network step.
func (c *Client) Timeout() time.Duration { return c.timeout }

// netProxyFunc resolves proxies exactly as net/http's ProxyFromEnvironment
// does, but from the environment the checks were given: HTTPS_PROXY for https
// URLs, HTTP_PROXY for http ones (upper case first, then lower case), NO_PROXY
// exclusions, never for localhost. ALL_PROXY is not read: Go ignores it (curl
// and Python's requests do not), and the ladder says so.
func netProxyFunc(env checks.Env) func(*url.URL) (*url.URL, error) {
	cfg := httpproxy.Config{
		HTTPProxy:  netEnvAny(env, "HTTP_PROXY", "http_proxy"),
		HTTPSProxy: netEnvAny(env, "HTTPS_PROXY", "https_proxy"),
		NoProxy:    netEnvAny(env, "NO_PROXY", "no_proxy"),
		CGI:        env["REQUEST_METHOD"] != "",
	}
	return cfg.ProxyFunc()
}

func netEnvAny(env checks.Env, names ...string) string {
	for _, n := range names {
		if v := env[n]; v != "" {
			return v
		}
	}
	return ""
}

// netProxyDisplay is a proxy URL without its credentials.
func netProxyDisplay(p *url.URL) string {
	if p == nil {
		return ""
	}
	q := *p
	q.User = nil
	return q.String()
}

// dial connects, resolving names with the injected resolver when there is
// one. Without one it leaves resolution to net.Dialer, which also tries IPv4
// and IPv6 side by side as every Go program does.
func (c *Client) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	// The step timer bounds lookup and connect one by one and names the
	// step; this is only a backstop.
	backstop := 2 * c.timeout
	if c.resolver == nil {
		return c.connect(ctx, network, addr, backstop)
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil || net.ParseIP(host) != nil {
		return c.connect(ctx, network, addr, backstop)
	}
	trace := httptrace.ContextClientTrace(ctx)
	if trace != nil && trace.DNSStart != nil {
		trace.DNSStart(httptrace.DNSStartInfo{Host: host})
	}
	ips, err := c.resolver.LookupIPAddr(ctx, host)
	if trace != nil && trace.DNSDone != nil {
		trace.DNSDone(httptrace.DNSDoneInfo{Addrs: ips, Err: err})
	}
	if err != nil {
		return nil, &net.OpError{Op: "dial", Net: network, Err: err}
	}
	var first error
	for _, ip := range ips {
		conn, err := c.connect(ctx, network, net.JoinHostPort(ip.String(), port), backstop)
		if err == nil {
			return conn, nil
		}
		if first == nil {
			first = err
		}
	}
	if first == nil {
		first = &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{Err: "no addresses", Name: host, IsNotFound: true}}
	}
	return nil, first
}

// connect opens one TCP connection, bounded by timeout.
func (c *Client) connect(ctx context.Context, network, addr string, timeout time.Duration) (net.Conn, error) {
	if c.dialHook != nil {
		return c.dialHook(ctx, network, addr)
	}
	d := net.Dialer{Timeout: timeout}
	return d.DialContext(ctx, network, addr)
}

// Call is one HTTP request a check makes.
type Call struct {
	Method string
	URL    string
	Body   []byte   // JSON, or nil
	Accept string   // "" sends Accept: application/json
	Auth   AuthForm // "" means the form the user's client uses (AuthFormFor)
}

// Reply is what came back. Body is read only by Do; Open leaves it to the
// caller through Read.
type Reply struct {
	Status      int
	Header      http.Header
	Body        []byte // decoded, at most netMaxBody bytes
	Truncated   bool   // the body was longer than the cap
	ContentType string
	Redirects   []string // URLs the call was redirected to, in order
	Proxy       string   // proxy the call went through, without credentials
	Timing      Timing

	body *netBody
	call *netCall
}

// Timing is when things happened, measured from the start of the call.
type Timing struct {
	DNS     time.Duration // host lookup took
	Connect time.Duration // TCP connect took
	TLS     time.Duration // TLS handshake took
	TTFB    time.Duration // start to the first response byte
	Total   time.Duration // start to the end of the body (or of the call)
}

// Do sends the call and reads the whole body, capped.
func (c *Client) Do(ctx context.Context, call Call) (*Reply, error) {
	r, err := c.Open(ctx, call)
	if err != nil {
		return r, err
	}
	defer r.Close()
	var buf bytes.Buffer
	_, err = io.Copy(&buf, r)
	r.Body = buf.Bytes()
	if errors.Is(err, errNetTruncated) {
		err = nil
	}
	r.finish()
	return r, err
}

// Open sends the call and returns once the response headers are in. The
// caller reads the body through r (capped, bounded by --timeout from now on)
// and must Close it.
func (c *Client) Open(ctx context.Context, call Call) (*Reply, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	nc := &netCall{start: time.Now()}
	nc.steps = netStartSteps(c.timeout, cancel)
	ctx = context.WithValue(ctx, netCallKey{}, nc)
	ctx = httptrace.WithClientTrace(ctx, nc.trace())

	done := func() { nc.steps.stop(); cancel(nil) }
	req, err := c.newRequest(ctx, call)
	if err != nil {
		done()
		return nil, err
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		// The step timer's cause says which step ran out of time; the
		// transport only saw "context canceled".
		if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
			err = cause
		}
		done()
		r := &Reply{call: nc}
		r.fill(nc)
		r.finish()
		// A step that timed out on the way to a proxy is the proxy's: say
		// which one, so that the error alone tells.
		if te, ok := err.(*checks.TimeoutError); ok && te.Proxy == "" && r.Proxy != "" {
			stamped := *te
			stamped.Proxy = r.Proxy
			err = &stamped
		}
		return r, err
	}
	nc.steps.enter(checks.StepBody)
	r := &Reply{
		Status:      resp.StatusCode,
		Header:      resp.Header,
		ContentType: resp.Header.Get("Content-Type"),
		call:        nc,
	}
	r.fill(nc)
	r.body = &netBody{raw: resp.Body, ctx: ctx, left: netMaxBody, done: done,
		gzip: strings.EqualFold(strings.TrimSpace(resp.Header.Get("Content-Encoding")), "gzip")}
	return r, nil
}

// Read reads the body, decoded and capped. Past the cap it returns
// errNetTruncated; when the step timer runs out, a *checks.TimeoutError.
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

func (r *Reply) fill(nc *netCall) {
	nc.mu.Lock()
	defer nc.mu.Unlock()
	r.Timing = nc.timing
	r.Redirects = append([]string(nil), nc.redirects...)
	r.Proxy = nc.proxy
}

// newRequest builds the request with the headers the user's client sends: the
// profile's extra headers, the key in its one header, then the user's own
// --header values (last, as their client would send them).
func (c *Client) newRequest(ctx context.Context, call Call) (*http.Request, error) {
	s := c.setup
	method := call.Method
	if method == "" {
		method = http.MethodGet
	}
	var body io.Reader
	if call.Body != nil {
		body = bytes.NewReader(call.Body)
	}
	req, err := http.NewRequestWithContext(ctx, method, call.URL, body)
	if err != nil {
		return nil, &checks.URLError{URL: call.URL, Err: err}
	}
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return nil, &checks.URLError{URL: call.URL, Err: fmt.Errorf("unsupported scheme %q", req.URL.Scheme)}
	}
	req.Header.Set("User-Agent", netUserAgent)
	accept := call.Accept
	if accept == "" {
		accept = "application/json"
	}
	req.Header.Set("Accept", accept)
	if call.Body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range s.Profile.ExtraHeaders {
		req.Header.Set(k, v)
	}
	if netProtocol(s) == "anthropic" && req.Header.Get("anthropic-version") == "" {
		// The Anthropic SDKs always send it; the API refuses requests without.
		req.Header.Set("anthropic-version", "2023-06-01")
	}
	form := call.Auth
	if form == "" {
		form = AuthFormFor(s)
	}
	if form != AuthNone && !s.Key.Empty() {
		key := s.Key.Reveal()
		if !httpguts.ValidHeaderFieldValue(key) {
			return nil, &checks.KeyUnsendableError{Header: form.Header()}
		}
		switch form {
		case AuthBearer:
			req.Header.Set("Authorization", "Bearer "+key)
		case AuthXAPIKey:
			req.Header.Set("x-api-key", key)
		case AuthAPIKey:
			req.Header.Set("api-key", key)
		}
	}
	if form != AuthNone {
		for _, h := range s.Headers {
			if !httpguts.ValidHeaderFieldName(h.Name) || !httpguts.ValidHeaderFieldValue(h.Value) {
				return nil, &checks.HeaderUnsendableError{Name: h.Name}
			}
			req.Header.Set(h.Name, h.Value)
		}
	}
	return req, nil
}

// checkRedirect follows at most netMaxRedirects redirects, stops loops, and
// once a redirect leaves the original scheme and host, strips every
// credential header for the rest of the chain: the key must never reach a
// host the user did not name. (Go strips Authorization itself, but not
// x-api-key or api-key.)
func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	nc := netCallFrom(req.Context())
	if nc != nil {
		nc.mu.Lock()
		nc.redirects = append(nc.redirects, req.URL.Redacted())
		nc.mu.Unlock()
	}
	hops := make([]string, 0, len(via)+1)
	for _, v := range via {
		hops = append(hops, v.URL.Redacted())
	}
	hops = append(hops, req.URL.Redacted())
	for _, v := range via {
		if v.URL.String() == req.URL.String() {
			return &checks.RedirectError{Hops: hops, Loop: true, Limit: netMaxRedirects}
		}
	}
	if len(via) > netMaxRedirects {
		return &checks.RedirectError{Hops: hops, Limit: netMaxRedirects}
	}
	first := via[0].URL
	left := !netSameOrigin(req.URL, first)
	for _, v := range via[1:] {
		left = left || !netSameOrigin(v.URL, first)
	}
	if left {
		for name := range req.Header {
			if netIsCredentialHeader(name) {
				req.Header.Del(name)
			}
		}
	}
	return nil
}

func netSameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Host, b.Host)
}

func netIsCredentialHeader(name string) bool {
	switch strings.ToLower(name) {
	case "authorization", "x-api-key", "api-key", "proxy-authorization", "cookie":
		return true
	}
	return checks.IsCredentialHeader(name)
}

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

// netBody reads a response body under the cap, decoding gzip itself so the
// cap applies to the decoded bytes.
type netBody struct {
	raw       io.ReadCloser
	ctx       context.Context
	gzip      bool
	r         io.Reader
	left      int64
	truncated bool
	done      func()
	once      sync.Once
}

// errNetTruncated ends a body at the cap.
var errNetTruncated = errors.New("response body cut at 1 MiB")

func (b *netBody) Read(p []byte) (int, error) {
	if b.r == nil {
		b.r = b.raw
		if b.gzip {
			zr, err := gzip.NewReader(b.raw)
			if err != nil {
				return 0, b.explain(err)
			}
			b.r = zr
		}
	}
	if b.left <= 0 {
		// At the cap: one more byte proves the body is longer.
		var one [1]byte
		n, err := io.ReadFull(b.r, one[:])
		if n > 0 {
			b.truncated = true
			return 0, errNetTruncated
		}
		if err == io.ErrUnexpectedEOF {
			err = io.EOF
		}
		if err != nil && err != io.EOF {
			err = b.explain(err)
		}
		return 0, err
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.r.Read(p)
	if int64(n) > b.left {
		// One byte past the cap proves there is more: keep the cap's worth.
		n = int(b.left)
		b.left = 0
		b.truncated = true
		return n, errNetTruncated
	}
	b.left -= int64(n)
	if err != nil && err != io.EOF {
		err = b.explain(err)
	}
	return n, err
}

func (b *netBody) explain(err error) error {
	if b.ctx == nil {
		return err
	}
	if cause := context.Cause(b.ctx); cause != nil {
		var te *checks.TimeoutError
		if errors.As(cause, &te) {
			return te
		}
	}
	return err
}

func (b *netBody) Close() error {
	var err error
	b.once.Do(func() {
		err = b.raw.Close()
		b.done()
	})
	return err
}

// netSession is what the network checks of one Setup share: one client, the
// models list fetched once (Models and AuthHeader both read it), and the
// billable request sent at most once.
type netSession struct {
	client *Client

	modelsOnce sync.Once
	models     netFetch

	requestOnce sync.Once
	request     checks.Result
}

// netFetch is one finished call.
type netFetch struct {
	reply *Reply
	err   error
}

// sessionKey is where a Setup keeps its netSession.
type sessionKey struct{}

// netSessionFor returns the Setup's session, creating it on first use.
func netSessionFor(s *checks.Setup) *netSession {
	return s.Shared(sessionKey{}, func() any { return &netSession{client: NewClient(s)} }).(*netSession)
}

// netUseHooks gives the Setup a fresh session whose client uses the hooks
// (tests: a map resolver, the test server's roots).
func netUseHooks(s *checks.Setup, h netHooks) {
	s.SetShared(sessionKey{}, &netSession{client: newClient(s, h)})
}

// netRedact passes every text a result carries through the Setup's redactor:
// server messages may echo the key, and this is the one place that makes
// sure none leaves.
func netRedact(s *checks.Setup, r checks.Result) checks.Result {
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
