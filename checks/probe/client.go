package probe

import (
	"bytes"
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
	"time"

	"github.com/unstuck-dev/unstuck/checks"
	"golang.org/x/net/http/httpguts"
)

// The limits every network check lives under. They are here, in the one
// client, so that no call site can forget them.
const (
	// maxBody caps every response body: far more than any models list or
	// error page, far too little for a hostile server to fill memory.
	maxBody = 1 << 20
	// maxRedirects is how many redirects a call follows before giving up.
	maxRedirects = 5
	// defaultTimeout bounds each network step when --timeout is not set.
	defaultTimeout = 10 * time.Second
	userAgent      = "unstuck (API diagnostics)"
)

// Client is the one HTTP client every network check uses. It resolves proxies
// from the user's environment the way Go's standard library does, bounds every
// step by --timeout, caps every body, never decompresses without a cap, puts
// the key only in a header and drops credentials when a redirect leaves the
// host.
type Client struct {
	setup    *checks.Setup
	timeout  time.Duration
	proxy    func(*url.URL) (*url.URL, error)
	resolver hostResolver   // nil: the system resolver
	roots    *x509.CertPool // what its connections trust: the system's and the client's roots (clientRoots); nil: the system roots
	// systemRoots are the system's alone (nil: the operating system's
	// store), which the trust check compares the client's with.
	systemRoots *x509.CertPool
	dialHook    dialFunc // nil: net.Dialer
	hc          *http.Client

	slowAfter time.Duration // an answer this slow is slow-response
}

// hostResolver is what the client needs from a resolver; *net.Resolver has it,
// and tests pass a map so that no test touches real DNS.
type hostResolver interface {
	LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error)
}

// dialFunc opens a TCP connection, as net.Dialer.DialContext does.
type dialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

// hooks are what tests inject: a resolver, trusted roots, and a dialer
// that fails the way a real network does (a typed error, no packet sent).
type hooks struct {
	resolver  hostResolver
	roots     *x509.CertPool
	dial      dialFunc      // every TCP connect, the ladder's included
	slowAfter time.Duration // 0: defaultSlowAfter
}

// NewClient builds the client for one Setup.
func NewClient(s *checks.Setup) *Client { return newClient(s, hooks{}) }

func newClient(s *checks.Setup, h hooks) *Client {
	c := &Client{
		setup:    s,
		timeout:  s.Config.Timeout,
		proxy:    proxyFunc(s.Config.Env),
		resolver: h.resolver,
		// Verify as the user's client would, so that a chain it trusts
		// is not called a TLS failure (trust.go).
		roots:       clientRoots(s, h.roots),
		systemRoots: h.roots,
		dialHook:    h.dial,

		slowAfter: defaultSlowAfter,
	}
	if h.slowAfter > 0 {
		c.slowAfter = h.slowAfter
	}
	if c.timeout <= 0 {
		c.timeout = defaultTimeout
	}
	tr := &http.Transport{
		Proxy: func(r *http.Request) (*url.URL, error) {
			p, err := c.proxy(r.URL)
			if call := callFrom(r.Context()); call != nil && p != nil {
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
				return &checks.ProxyRefusedError{Proxy: proxyDisplay(p), Status: resp.StatusCode, Text: resp.Status}
			}
			return nil
		},
	}
	c.hc = &http.Client{Transport: tr, CheckRedirect: c.checkRedirect}
	return c
}

// Timeout is the bound on each network step.
func (c *Client) Timeout() time.Duration { return c.timeout }

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
	if errors.Is(err, errTruncated) {
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
	nc := &callState{start: time.Now()}
	nc.steps = startStepTimer(c.timeout, cancel)
	ctx = context.WithValue(ctx, callKey{}, nc)
	ctx = httptrace.WithClientTrace(ctx, nc.trace())

	done := func() { nc.steps.stop(); cancel(nil) }
	req, err := c.newRequest(ctx, call)
	if err != nil {
		done()
		return nil, err
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		// Go's error names the URL, and a Gemini URL may carry ?key=.
		var ue *url.Error
		if errors.As(err, &ue) {
			ue.URL = shownURL(ue.URL)
		}
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
	r.body = &cappedBody{raw: resp.Body, ctx: ctx, left: maxBody, done: done,
		gzip: strings.EqualFold(strings.TrimSpace(resp.Header.Get("Content-Encoding")), "gzip")}
	return r, nil
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
		return nil, &checks.URLError{URL: shownURL(call.URL), Err: err}
	}
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return nil, &checks.URLError{URL: shownURL(call.URL), Err: fmt.Errorf("unsupported scheme %q", req.URL.Scheme)}
	}
	req.Header.Set("User-Agent", userAgent)
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
	if protocolOf(s) == checks.ProtocolAnthropic && req.Header.Get("anthropic-version") == "" {
		// The Anthropic SDKs always send it; the API refuses requests without.
		req.Header.Set("anthropic-version", "2023-06-01")
	}
	form := call.Auth
	if form == "" {
		form = AuthFormFor(s)
	}
	if form != AuthNone {
		// The client's own headers (anthropic-beta, Codex's http_headers):
		// before the key, so that none of them can replace it.
		for _, h := range s.Shape.Headers {
			if !httpguts.ValidHeaderFieldName(h.Name) || !httpguts.ValidHeaderFieldValue(h.Value) {
				return nil, &checks.HeaderUnsendableError{Name: h.Name}
			}
			req.Header.Set(h.Name, h.Value)
		}
	}
	// A Gemini URL that carries ?key= is how that client sends its key:
	// no header then, as the client sends none.
	inURL := protocolOf(s) == checks.ProtocolGemini && keyInURL(call.URL)
	if form != AuthNone && !s.Key.Empty() && !inURL {
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
		case AuthGoogKey:
			req.Header.Set("x-goog-api-key", key)
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

// checkRedirect follows at most maxRedirects redirects, stops loops, and
// once a redirect leaves the original scheme and host, strips every
// credential header for the rest of the chain: the key must never reach a
// host the user did not name. (Go strips Authorization itself, but not
// x-api-key or api-key.)
func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	nc := callFrom(req.Context())
	if nc != nil {
		nc.mu.Lock()
		nc.redirects = append(nc.redirects, shownURL(req.URL.String()))
		nc.mu.Unlock()
	}
	hops := make([]string, 0, len(via)+1)
	for _, v := range via {
		hops = append(hops, shownURL(v.URL.String()))
	}
	hops = append(hops, shownURL(req.URL.String()))
	for _, v := range via {
		if v.URL.String() == req.URL.String() {
			return &checks.RedirectError{Hops: hops, Loop: true, Limit: maxRedirects}
		}
	}
	if len(via) > maxRedirects {
		return &checks.RedirectError{Hops: hops, Limit: maxRedirects}
	}
	first := via[0].URL
	left := !sameOrigin(req.URL, first)
	for _, v := range via[1:] {
		left = left || !sameOrigin(v.URL, first)
	}
	if left {
		for name := range req.Header {
			if isCredentialHeader(name) {
				req.Header.Del(name)
			}
		}
	}
	return nil
}

func sameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Host, b.Host)
}

func isCredentialHeader(name string) bool {
	switch strings.ToLower(name) {
	case "authorization", "x-api-key", "api-key", "proxy-authorization", "cookie":
		return true
	}
	return checks.IsCredentialHeader(name)
}
