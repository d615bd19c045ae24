package probe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/checks/classify"
)

// Ladder walks the network layers to the API host one by one (proxy, DNS,
// TCP, TLS) so that a failure names its layer. It returns one result per
// layer, in that order; layers after a failure are skipped.
func Ladder(ctx context.Context, s *checks.Setup) []checks.Result {
	return sessionFor(s).client.ladder(ctx)
}

// The ladder's titles, in the user's words.
const (
	titleProxy = "A proxy lets the connection through"
	titleDNS   = "The API host name resolves"
	titleTCP   = "The API host accepts a connection"
	titleTLS   = "The TLS handshake succeeds"
)

// walk is the state of one walk down the ladder.
type walk struct {
	c      *Client
	target *url.URL
	host   string // without port
	addr   string // host:port
	rungs  [4]checks.Result
	failed string // the layer that failed, "" while none has
	// peer is the chain the API host presented, kept even when it was
	// refused (the trust check verifies it as the user's client would).
	peer []*x509.Certificate
}

func (c *Client) ladder(ctx context.Context) []checks.Result {
	return c.walkTo(ctx).results(c.setup)
}

// walkTo walks the ladder once and returns the walk: its rungs and the
// chain the API host presented.
func (c *Client) walkTo(ctx context.Context) *walk {
	s := c.setup
	l := &walk{c: c}
	l.rungs[0] = checks.Result{ID: checks.CheckProxy, Title: titleProxy, Status: checks.Skip}
	l.rungs[1] = checks.Result{ID: checks.CheckDNS, Title: titleDNS, Status: checks.Skip}
	l.rungs[2] = checks.Result{ID: checks.CheckTCP, Title: titleTCP, Status: checks.Skip}
	l.rungs[3] = checks.Result{ID: checks.CheckTLS, Title: titleTLS, Status: checks.Skip}

	raw := s.Endpoint
	if raw == "" {
		raw = s.BaseURL
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if raw == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		for i := range l.rungs {
			l.rungs[i].Summary = "not tried: there is no usable base URL to connect to"
		}
		return l
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
	return l
}

// results stamps the shared evidence. Each rung keeps its own duration
// (the time its layer took); the runner redacts them.
func (l *walk) results(s *checks.Setup) []checks.Result {
	out := make([]checks.Result, 0, len(l.rungs))
	for _, r := range l.rungs {
		if l.failed != "" && r.Status == checks.Fail {
			r.Evidence.FailedLayer = l.failed
		}
		out = append(out, r)
	}
	return out
}

func (l *walk) pass(i int, start time.Time, summary string, details ...string) {
	l.rungs[i].Status = checks.Pass
	l.rungs[i].Summary = summary
	l.rungs[i].Details = append(l.rungs[i].Details, details...)
	l.rungs[i].Duration = time.Since(start)
}

func (l *walk) fail(i int, start time.Time, cause, summary string, details ...string) {
	l.rungs[i].Status = checks.Fail
	l.rungs[i].Cause = cause
	l.rungs[i].Summary = summary
	l.rungs[i].Details = append(l.rungs[i].Details, details...)
	l.rungs[i].Duration = time.Since(start)
	l.failed = l.rungs[i].ID
}

func (l *walk) skip(i int, summary string) {
	l.rungs[i].Status = checks.Skip
	l.rungs[i].Summary = summary
}

// stop ends the walk at a failed step. The classifier's verdict names the
// layer that failed: that layer's rung fails when it is this step or one
// already walked (a proxy that failed while the tunnel was dialled), else this
// step's rung. Its cause is the verdict's, or the step's own when the verdict
// names none (a handshake cut short is still the TLS step's failure). The
// words of the error are never read here.
func (l *walk) stop(step int, start time.Time, v classify.Verdict, stepCause string) {
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

// skipRest marks every layer after i as not tried.
func (l *walk) skipRest(i int) {
	for j := i + 1; j < len(l.rungs); j++ {
		l.skip(j, fmt.Sprintf("not tried: the %s step failed", layerName(l.rungs[i].ID)))
	}
}

func layerName(id string) string {
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

// direct walks DNS, TCP and TLS without a proxy.
func (l *walk) direct(ctx context.Context) {
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
		l.pass(1, start, fmt.Sprintf("%s → %s", l.host, addrList(ips)))
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

// handshake runs the TLS step on an open connection to the API host.
func (l *walk) handshake(ctx context.Context, conn net.Conn) {
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
	l.peer = peer
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

func addrList(ips []net.IPAddr) string {
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
	if err != nil && ctx.Err() != nil && !isDNSTimeout(err) {
		err = &net.DNSError{Err: "no answer within " + c.timeout.String(), Name: host, IsTimeout: true}
	}
	return ips, err
}

// dialStep opens a TCP connection to an address, bounded by the timeout.
func (c *Client) dialStep(ctx context.Context, addr string) (net.Conn, error) {
	return c.connect(ctx, "tcp", addr, c.timeout)
}

func isDNSTimeout(err error) bool {
	var de *net.DNSError
	return errors.As(err, &de) && de.IsTimeout
}
