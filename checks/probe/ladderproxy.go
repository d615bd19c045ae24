package probe

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/checks/classify"
	"golang.org/x/net/proxy"
)

// proxyConnectError marks an error met on the way to the proxy as the proxy's, the
// way Go's transport marks its own (an *net.OpError with Op proxyconnect).
func proxyConnectError(err error) error {
	return &net.OpError{Op: "proxyconnect", Net: "tcp", Err: err}
}

// noProxy explains why no proxy applies, and warns when ALL_PROXY is set: curl
// and Python's requests send through it, Go's client (and this check) do not,
// so what the user's client does may differ from what we measured.
func (l *walk) noProxy() {
	env := l.c.setup.Config.Env
	r := &l.rungs[0]
	r.Status = checks.Skip
	r.Summary = "no proxy applies to " + l.host
	if v := envAny(env, "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"); v != "" {
		if n := envAny(env, "NO_PROXY", "no_proxy"); n != "" {
			r.Details = append(r.Details, "a proxy is set, but NO_PROXY ("+n+") excludes "+l.host+" (or the URL's scheme has no proxy variable)")
		}
		if isLoopback(l.host) {
			r.Details = append(r.Details, "proxies never apply to localhost and loopback addresses")
		}
	}
	if all := envAny(env, "ALL_PROXY", "all_proxy"); all != "" {
		r.Status = checks.Warn
		r.Summary = "ALL_PROXY is set; this check connected directly"
		r.Details = append(r.Details,
			"ALL_PROXY="+proxyText(all)+" is used by curl and Python's requests, but not by Go, Node or the OpenAI/Anthropic SDKs' default clients.",
			"If your client sends through it, set HTTPS_PROXY to the same value to test that path.")
		if r.Facts == nil {
			r.Facts = map[string]string{}
		}
		r.Facts["proxy.all_proxy"] = "ignored"
	}
}

// viaProxy walks the proxy: reach it, ask it for a tunnel (CONNECT) to the API
// host, then shake hands with the API through the tunnel. DNS of the API host
// is the proxy's job here, so DNS is not blamed.
func (l *walk) viaProxy(ctx context.Context, p *url.URL) {
	display := proxyDisplay(p)
	l.rungs[0].Evidence.Proxy = display
	if pw, ok := p.User.Password(); ok {
		l.c.setup.Redactor.Add(pw)
	}
	l.skip(1, "the proxy resolves "+l.host+", not this machine")
	start := time.Now()

	if p.Scheme == "socks5" || p.Scheme == "socks5h" {
		d, err := proxy.FromURL(p, contextDialer{l.c})
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
			v := classify.Transport(proxyConnectError(err))
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
		v := classify.Transport(proxyConnectError(err))
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
			v := classify.Transport(proxyConnectError(err))
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
		v := classify.Transport(proxyConnectError(err))
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
func (l *walk) connect(ctx context.Context, conn net.Conn, p *url.URL) (int, string, error) {
	req := &http.Request{
		Method: http.MethodConnect,
		URL:    &url.URL{Opaque: l.addr},
		Host:   l.addr,
		Header: http.Header{"User-Agent": {userAgent}},
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

// dialHostStep resolves (with the client's resolver) and connects.
func (c *Client) dialHostStep(ctx context.Context, addr string) (net.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	return c.dial(ctx, "tcp", addr)
}

// contextDialer lets x/net/proxy's SOCKS dialer use the client's dialer.
type contextDialer struct{ c *Client }

func (d contextDialer) Dial(network, addr string) (net.Conn, error) {
	return d.c.dial(context.Background(), network, addr)
}

func (d contextDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	return d.c.dial(ctx, network, addr)
}
