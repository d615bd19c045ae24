package probe

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/checks/classify"
	"golang.org/x/net/proxy"
)

// Ladder walks the network layers to the API host one by one (proxy, DNS,
// TCP, TLS) so that a failure names its layer. It returns one result per
// layer, in that order; layers after a failure are skipped.
func Ladder(ctx context.Context, s *checks.Setup) []checks.Result {
	return netSessionFor(s).client.ladder(ctx)
}

// The ladder's titles, in the user's words.
const (
	netTitleProxy = "A proxy lets the connection through"
	netTitleDNS   = "The API host name resolves"
	netTitleTCP   = "The API host accepts a connection"
	netTitleTLS   = "The TLS handshake succeeds"
)

// netLadder is the state of one walk.
type netLadder struct {
	c       *Client
	target  *url.URL
	host    string // without port
	addr    string // host:port
	rungs   [4]checks.Result
	failed  string // the layer that failed, "" while none has
	started time.Time
}

func (c *Client) ladder(ctx context.Context) []checks.Result {
	s := c.setup
	l := &netLadder{c: c}
	l.rungs[0] = checks.Result{ID: checks.CheckProxy, Title: netTitleProxy, Status: checks.Skip}
	l.rungs[1] = checks.Result{ID: checks.CheckDNS, Title: netTitleDNS, Status: checks.Skip}
	l.rungs[2] = checks.Result{ID: checks.CheckTCP, Title: netTitleTCP, Status: checks.Skip}
	l.rungs[3] = checks.Result{ID: checks.CheckTLS, Title: netTitleTLS, Status: checks.Skip}

	raw := s.Endpoint
	if raw == "" {
		raw = s.BaseURL
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if raw == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		for i := range l.rungs {
			l.rungs[i].Summary = "not tried: there is no usable base URL to connect to"
		}
		return l.results(s)
	}
	l.target = u
	l.host = u.Hostname()
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	l.addr = net.JoinHostPort(l.host, port)

	p, perr := c.proxy(u)
	switch {
	case perr != nil:
		l.fail(0, time.Now(), "proxy-failure", "the proxy setting cannot be used: "+perr.Error(),
			"HTTPS_PROXY / HTTP_PROXY must be a URL such as http://proxy.example.com:3128")
		l.skipRest(0)
	case p != nil:
		l.viaProxy(ctx, p)
	default:
		l.noProxy()
		l.direct(ctx)
	}
	return l.results(s)
}

// results stamps the shared evidence and redacts everything.
func (l *netLadder) results(s *checks.Setup) []checks.Result {
	out := make([]checks.Result, 0, len(l.rungs))
	for _, r := range l.rungs {
		if l.failed != "" && r.Status == checks.Fail {
			r.Evidence.FailedLayer = l.failed
		}
		out = append(out, netRedact(s, r))
	}
	return out
}

func (l *netLadder) pass(i int, start time.Time, summary string, details ...string) {
	l.rungs[i].Status = checks.Pass
	l.rungs[i].Summary = summary
	l.rungs[i].Details = append(l.rungs[i].Details, details...)
	l.rungs[i].Duration = time.Since(start)
}

func (l *netLadder) fail(i int, start time.Time, cause, summary string, details ...string) {
	l.rungs[i].Status = checks.Fail
	l.rungs[i].Cause = cause
	l.rungs[i].Summary = summary
	l.rungs[i].Details = append(l.rungs[i].Details, details...)
	l.rungs[i].Duration = time.Since(start)
	l.failed = l.rungs[i].ID
}

func (l *netLadder) skip(i int, summary string) {
	l.rungs[i].Status = checks.Skip
	l.rungs[i].Summary = summary
}

// stop ends the walk at a failed step. The classifier's verdict names the
// layer that failed: that layer's rung fails when it is this step or one
// already walked (a proxy that failed while the tunnel was dialled), else this
// step's rung. Its cause is the verdict's, or the step's own when the verdict
// names none (a handshake cut short is still the TLS step's failure). The
// words of the error are never read here.
func (l *netLadder) stop(step int, start time.Time, v classify.Verdict, stepCause string) {
	i := step
	for j := 0; j <= step; j++ {
		if l.rungs[j].ID == v.Layer {
			i = j
		}
	}
	cause := v.Cause
	if cause == "" {
		cause = stepCause
	}
	l.fail(i, start, cause, v.Reason, v.Details...)
	l.skipRest(i)
}

// viaProxy marks an error met on the way to the proxy as the proxy's, the
// way Go's transport marks its own (an *net.OpError with Op proxyconnect).
func netViaProxy(err error) error {
	return &net.OpError{Op: "proxyconnect", Net: "tcp", Err: err}
}

// skipRest marks every layer after i as not tried.
func (l *netLadder) skipRest(i int) {
	for j := i + 1; j < len(l.rungs); j++ {
		l.skip(j, fmt.Sprintf("not tried: the %s step failed", netLayerName(l.rungs[i].ID)))
	}
}

func netLayerName(id string) string {
	switch id {
	case checks.CheckProxy:
		return "proxy"
	case checks.CheckDNS:
		return "DNS"
	case checks.CheckTCP:
		return "TCP connect"
	case checks.CheckTLS:
		return "TLS"
	}
	return id
}

// noProxy explains why no proxy applies, and warns when ALL_PROXY is set: curl
// and Python's requests send through it, Go's client (and this check) do not,
// so what the user's client does may differ from what we measured.
func (l *netLadder) noProxy() {
	env := l.c.setup.Config.Env
	r := &l.rungs[0]
	r.Status = checks.Skip
	r.Summary = "no proxy applies to " + l.host
	if v := netEnvAny(env, "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"); v != "" {
		if n := netEnvAny(env, "NO_PROXY", "no_proxy"); n != "" {
			r.Details = append(r.Details, "a proxy is set, but NO_PROXY ("+n+") excludes "+l.host+" (or the URL's scheme has no proxy variable)")
		}
		if netIsLoopback(l.host) {
			r.Details = append(r.Details, "proxies never apply to localhost and loopback addresses")
		}
	}
	if all := netEnvAny(env, "ALL_PROXY", "all_proxy"); all != "" {
		r.Status = checks.Warn
		r.Summary = "ALL_PROXY is set; this check connected directly"
		r.Details = append(r.Details,
			"ALL_PROXY="+netProxyText(all)+" is used by curl and Python's requests, but not by Go, Node or the OpenAI/Anthropic SDKs' default clients.",
			"If your client sends through it, set HTTPS_PROXY to the same value to test that path.")
		if r.Facts == nil {
			r.Facts = map[string]string{}
		}
		r.Facts["proxy.all_proxy"] = "ignored"
	}
}

// netProxyText shows a proxy setting without its credentials.
func netProxyText(v string) string {
	if u, err := url.Parse(v); err == nil && u.Host != "" {
		return netProxyDisplay(u)
	}
	if i := strings.LastIndex(v, "@"); i >= 0 {
		return v[i+1:]
	}
	return v
}

func netIsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// direct walks DNS, TCP and TLS without a proxy.
func (l *netLadder) direct(ctx context.Context) {
	start := time.Now()
	var ips []net.IPAddr
	if ip := net.ParseIP(l.host); ip != nil {
		ips = []net.IPAddr{{IP: ip}}
		l.skip(1, l.host+" is an IP address: nothing to resolve")
	} else {
		var err error
		ips, err = l.c.lookup(ctx, l.host)
		if err != nil {
			// A name that does not resolve, or a DNS server that does not
			// answer: either way the name is what fails.
			l.stop(1, start, classify.Transport(err), "dns-failure")
			return
		}
		l.pass(1, start, fmt.Sprintf("%s → %s", l.host, netAddrList(ips)))
	}

	start = time.Now()
	_, port, _ := net.SplitHostPort(l.addr)
	var conn net.Conn
	var err error
	for _, ip := range ips {
		conn, err = l.c.dialStep(ctx, net.JoinHostPort(ip.IP.String(), port))
		if err == nil {
			break
		}
	}
	if conn == nil {
		l.stop(2, start, classify.Transport(err), "")
		return
	}
	defer conn.Close()
	l.pass(2, start, "connected to "+conn.RemoteAddr().String())
	l.handshake(ctx, conn)
}

// viaProxy walks the proxy: reach it, ask it for a tunnel (CONNECT) to the API
// host, then shake hands with the API through the tunnel. DNS of the API host
// is the proxy's job here, so DNS is not blamed.
func (l *netLadder) viaProxy(ctx context.Context, p *url.URL) {
	display := netProxyDisplay(p)
	l.rungs[0].Evidence.Proxy = display
	if pw, ok := p.User.Password(); ok {
		l.c.setup.Redactor.Add(pw)
	}
	l.skip(1, "the proxy resolves "+l.host+", not this machine")
	start := time.Now()

	if p.Scheme == "socks5" || p.Scheme == "socks5h" {
		d, err := proxy.FromURL(p, netContextDialer{l.c})
		if err != nil {
			l.fail(0, start, "proxy-failure", "the proxy setting cannot be used: "+err.Error())
			l.skipRest(0)
			return
		}
		stepCtx, cancel := context.WithTimeout(ctx, l.c.timeout)
		defer cancel()
		cd, ok := d.(proxy.ContextDialer)
		if !ok {
			l.fail(0, start, "proxy-failure", "the proxy setting cannot be used: "+p.Scheme+" is not supported")
			l.skipRest(0)
			return
		}
		conn, err := cd.DialContext(stepCtx, "tcp", l.addr)
		if err != nil {
			v := classify.Transport(netViaProxy(err))
			v.Reason = "the SOCKS proxy " + display + " did not connect to " + l.addr + ": " + err.Error()
			l.stop(0, start, v, "proxy-failure")
			return
		}
		defer conn.Close()
		l.pass(0, start, "the SOCKS proxy "+display+" connected to "+l.addr)
		l.pass(2, start, "connected to "+l.addr+" through the proxy")
		l.handshake(ctx, conn)
		return
	}

	port := p.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[p.Scheme]
	}
	conn, err := l.c.dialHostStep(ctx, net.JoinHostPort(p.Hostname(), port))
	if err != nil {
		v := classify.Transport(netViaProxy(err))
		v.Reason = "cannot reach the proxy " + display + ": " + classify.Transport(err).Reason
		v.Details = []string{"The proxy comes from HTTPS_PROXY / HTTP_PROXY; unset it if you do not need it, or add " + l.host + " to NO_PROXY."}
		l.stop(0, start, v, "proxy-failure")
		return
	}
	defer conn.Close()
	if p.Scheme == "https" {
		tc := tls.Client(conn, &tls.Config{ServerName: p.Hostname(), RootCAs: l.c.roots, MinVersion: tls.VersionTLS12})
		stepCtx, cancel := context.WithTimeout(ctx, l.c.timeout)
		err := tc.HandshakeContext(stepCtx)
		cancel()
		if err != nil {
			v := classify.Transport(netViaProxy(err))
			v.Reason = "TLS with the proxy " + display + " failed: " + classify.Transport(err).Reason
			v.Details = nil
			l.stop(0, start, v, "proxy-failure")
			return
		}
		conn = tc
	}
	if l.target.Scheme == "http" {
		// Plain HTTP goes to the proxy as a whole request; there is no tunnel.
		l.pass(0, start, "the proxy "+display+" is reachable; plain-HTTP requests go through it")
		l.skip(2, "the proxy connects to "+l.addr+" for each plain-HTTP request")
		l.skip(3, "plain http: no TLS")
		return
	}
	status, text, err := l.connect(ctx, conn, p)
	if err == nil && status != http.StatusOK {
		err = &checks.ProxyRefusedError{Proxy: display, Status: status, Text: text}
	}
	if err != nil {
		v := classify.Transport(netViaProxy(err))
		switch {
		case status == 0:
			v.Reason = "the proxy " + display + " did not answer the tunnel request: " + classify.Transport(err).Reason
			v.Details = nil
		case status == http.StatusProxyAuthRequired:
			v.Reason = "the proxy " + display + " wants credentials: " + text
			v.Details = []string{"Put them in the proxy URL: HTTPS_PROXY=http://user:password@proxy:port (or ask IT for the proxy's login)."}
		default:
			v.Reason = fmt.Sprintf("the proxy %s refused a tunnel to %s: %s", display, l.addr, text)
			v.Details = []string{"A 403 means the proxy's rules forbid this host; a 502/503/504 means the proxy could not reach it."}
		}
		l.stop(0, start, v, "proxy-failure")
		return
	}
	l.pass(0, start, "the proxy "+display+" opened a tunnel to "+l.addr)
	l.pass(2, start, "the proxy connected to "+l.addr)
	l.handshake(ctx, conn)
}

// connect asks the proxy for a tunnel, the way Go's transport does.
func (l *netLadder) connect(ctx context.Context, conn net.Conn, p *url.URL) (int, string, error) {
	req := &http.Request{
		Method: http.MethodConnect,
		URL:    &url.URL{Opaque: l.addr},
		Host:   l.addr,
		Header: http.Header{"User-Agent": {netUserAgent}},
	}
	if p.User != nil {
		pw, _ := p.User.Password()
		r := &http.Request{Header: http.Header{}}
		r.SetBasicAuth(p.User.Username(), pw)
		req.Header.Set("Proxy-Authorization", r.Header.Get("Authorization"))
	}
	deadline := time.Now().Add(l.c.timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	_ = conn.SetDeadline(deadline)
	defer conn.SetDeadline(time.Time{})
	if err := req.Write(conn); err != nil {
		return 0, "", err
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), req)
	if err != nil {
		return 0, "", err
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Status, nil
}

// handshake runs the TLS step on an open connection to the API host.
func (l *netLadder) handshake(ctx context.Context, conn net.Conn) {
	if l.target.Scheme != "https" {
		l.skip(3, "plain http: no TLS")
		return
	}
	start := time.Now()
	var peer []*x509.Certificate
	cfg := &tls.Config{
		ServerName: l.host,
		MinVersion: tls.VersionTLS12,
		NextProtos: []string{"h2", "http/1.1"},
		// Verify by hand, exactly as crypto/tls would, so that the
		// certificate is in hand to show even when it is refused.
		InsecureSkipVerify: true,
		VerifyConnection: func(cs tls.ConnectionState) error {
			peer = cs.PeerCertificates
			if len(peer) == 0 {
				return errors.New("the server sent no certificate")
			}
			inter := x509.NewCertPool()
			for _, c := range peer[1:] {
				inter.AddCert(c)
			}
			_, err := peer[0].Verify(x509.VerifyOptions{DNSName: l.host, Roots: l.c.roots, Intermediates: inter})
			return err
		},
	}
	stepCtx, cancel := context.WithTimeout(ctx, l.c.timeout)
	defer cancel()
	tc := tls.Client(conn, cfg)
	err := tc.HandshakeContext(stepCtx)
	var certLines []string
	if len(peer) > 0 {
		certLines = classify.CertDetails(peer[0])
	}
	if err != nil {
		if stepCtx.Err() != nil {
			// The handshake ran out of time: say which step, as the
			// client's own step timer does.
			err = &checks.TimeoutError{Step: checks.StepTLS, After: l.c.timeout}
		}
		v := classify.Transport(err)
		if stepCtx.Err() != nil {
			v.Reason = "no TLS answer within " + l.c.timeout.String()
		}
		if len(v.Details) == 0 || len(certLines) == 0 || v.Details[0] != certLines[0] {
			v.Details = append(v.Details, certLines...)
		}
		l.stop(3, start, v, "tls-failure")
		return
	}
	st := tc.ConnectionState()
	l.pass(3, start, fmt.Sprintf("%s with %s, certificate from %s", tls.VersionName(st.Version), l.host, classify.CertIssuer(peer[0])), certLines...)
}

func netAddrList(ips []net.IPAddr) string {
	var parts []string
	for i, ip := range ips {
		if i == 4 {
			parts = append(parts, fmt.Sprintf("and %d more", len(ips)-4))
			break
		}
		parts = append(parts, ip.IP.String())
	}
	return strings.Join(parts, ", ")
}

// lookup resolves a host with the injected resolver or the system one, bounded
// by the timeout.
func (c *Client) lookup(ctx context.Context, host string) ([]net.IPAddr, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	r := c.resolver
	if r == nil {
		r = net.DefaultResolver
	}
	ips, err := r.LookupIPAddr(ctx, host)
	if err == nil && len(ips) == 0 {
		err = &net.DNSError{Err: "no addresses", Name: host, IsNotFound: true}
	}
	if err != nil && ctx.Err() != nil && !netIsDNSTimeout(err) {
		err = &net.DNSError{Err: "no answer within " + c.timeout.String(), Name: host, IsTimeout: true}
	}
	return ips, err
}

// dialStep opens a TCP connection to an address, bounded by the timeout.
func (c *Client) dialStep(ctx context.Context, addr string) (net.Conn, error) {
	return c.connect(ctx, "tcp", addr, c.timeout)
}

// dialHostStep resolves (with the client's resolver) and connects.
func (c *Client) dialHostStep(ctx context.Context, addr string) (net.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	return c.dial(ctx, "tcp", addr)
}

// netContextDialer lets x/net/proxy's SOCKS dialer use the client's dialer.
type netContextDialer struct{ c *Client }

func (d netContextDialer) Dial(network, addr string) (net.Conn, error) {
	return d.c.dial(context.Background(), network, addr)
}

func (d netContextDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	return d.c.dial(ctx, network, addr)
}

func netIsDNSTimeout(err error) bool {
	var de *net.DNSError
	return errors.As(err, &de) && de.IsTimeout
}
