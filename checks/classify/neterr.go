package classify

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"

	"github.com/unstuck-dev/unstuck/checks"
)

// Transport errors: the call never got an HTTP answer. This file is the one
// reader of them. The network ladder, the API checks (models list, request,
// auth header, MCP) and Classify all ask Transport, so one error gets one
// verdict wherever it happens. It reads types (errors.As, errors.Is), never
// the words of an error this program or Go's standard library made; only an
// error that no type explains goes on to the text rules that also read
// pasted errors (clsTransportText).

// Verdict is what a transport error means.
type Verdict struct {
	Cause   string   // cause ID from CAUSES.md, "" when none fits
	Layer   string   // the layer that failed: proxy, dns, tcp, tls, http; "" when no type says
	Reason  string   // one line for the user: what failed, in our words
	Details []string // further lines: what to check, the certificate that was shown
}

// The layers a transport error can name: the network ladder's steps, whose
// check IDs are the layers' names, and the HTTP exchange after them.
const (
	layerProxy = checks.CheckProxy
	layerDNS   = checks.CheckDNS
	layerTCP   = checks.CheckTCP
	layerTLS   = checks.CheckTLS
	layerHTTP  = "http" // connected, then the HTTP exchange failed
)

// Transport says what a transport error means: which layer failed and the
// cause. The typed reading decides; when no type names a cause, the error's
// text goes through the rules that read pasted errors, for errors of other
// libraries that come without types.
func Transport(err error) Verdict {
	if err == nil {
		return Verdict{}
	}
	if v, ok := transportTyped(err); ok {
		return v
	}
	v := Verdict{Reason: shortErr(err)}
	if cause, layer, _ := clsTransportText(strings.ToLower(err.Error())); cause != "" {
		v.Cause, v.Layer = cause, layer
	}
	return v
}

// clsTransport is Transport for Classify: which layer failed and what that
// means.
func clsTransport(err error) (cause, layer, reason string) {
	v := Transport(err)
	return v.Cause, v.Layer, v.Reason
}

// transportTyped reads an error by its types alone; false when no type it
// knows is in the chain.
func transportTyped(err error) (Verdict, bool) {
	var (
		te  *checks.TimeoutError
		pre *checks.ProxyRefusedError
		re  *checks.RedirectError
		ke  *checks.KeyUnsendableError
		hue *checks.HeaderUnsendableError
		ue  *checks.URLError
		de  *net.DNSError
		oe  *net.OpError
		ua  x509.UnknownAuthorityError
		he  x509.HostnameError
		ci  x509.CertificateInvalidError
		rh  tls.RecordHeaderError
		ae  tls.AlertError
		cve *tls.CertificateVerificationError
	)
	proxyDial := errors.As(err, &oe) && oe.Op == "proxyconnect"
	switch {
	case errors.As(err, &ke):
		return Verdict{Cause: "key-whitespace", Reason: ke.Error(),
			Details: []string{"Remove the line break: most often a trailing newline from copy-paste or `heroku config:get` (pipe it through tr -d '[:space:]')."}}, true
	case errors.As(err, &hue):
		return Verdict{Reason: hue.Error()}, true
	case errors.As(err, &ue):
		return Verdict{Cause: "base-url-malformed", Reason: ue.Error()}, true
	case errors.As(err, &pre):
		v := Verdict{Layer: layerProxy, Cause: "proxy-failure", Reason: pre.Error()}
		if pre.Status == http.StatusProxyAuthRequired {
			v.Details = []string{"The proxy wants credentials: HTTPS_PROXY=http://user:password@proxy:port."}
		}
		return v, true
	case errors.As(err, &te):
		v := Verdict{Layer: stepLayer(te.Step), Cause: "timeout", Reason: te.Error()}
		if te.Proxy != "" && (v.Layer == layerDNS || v.Layer == layerTCP) {
			v.Layer, v.Cause = layerProxy, "proxy-failure"
			v.Reason = "the proxy did not answer: " + te.Error()
		}
		return v, true
	case errors.As(err, &re):
		return Verdict{Layer: layerHTTP, Cause: "base-url-path", Reason: re.Error(),
			Details: []string{"The base URL redirects instead of answering; SDKs do not follow redirects for POST requests. Use the URL the redirect ends at."}}, true
	case errors.As(err, &de):
		if proxyDial {
			return Verdict{Layer: layerProxy, Cause: "proxy-failure", Reason: "the proxy host " + de.Name + " does not resolve (" + de.Err + ")"}, true
		}
		v := Verdict{Layer: layerDNS, Cause: "dns-failure", Reason: de.Name + " does not resolve (" + de.Err + ")"}
		if de.IsNotFound {
			v.Reason = de.Name + " does not resolve: no such host"
			v.Details = []string{"Check the host name in the base URL for typos; a private gateway may need a VPN or the company DNS."}
		}
		return v, true
	case proxyDial:
		return Verdict{Layer: layerProxy, Cause: "proxy-failure", Reason: "cannot reach the proxy: " + shortErr(oe.Err)}, true
	case errors.Is(err, syscall.ECONNREFUSED):
		return Verdict{Layer: layerTCP, Cause: "connection-refused", Reason: "connection refused" + opAddr(err),
			Details: []string{"Nothing listens on that host and port: the server is down, or the port or host is wrong."}}, true
	case errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTUNREACH):
		return Verdict{Layer: layerTCP, Cause: "network-unreachable", Reason: "no route to " + opTarget(err) + " (" + shortErr(err) + ")",
			Details: []string{"This machine has no route to that address: a VPN that is down (or needed), an IPv6 address on a network without IPv6, or a firewall that rejects the connection."}}, true
	case errors.Is(err, syscall.ETIMEDOUT):
		return Verdict{Layer: opLayer(oe, layerTCP), Cause: "timeout", Reason: "no answer: " + shortErr(err)}, true
	case errors.Is(err, http.ErrSchemeMismatch) || errors.As(err, &rh) && string(rh.RecordHeader[:]) == "HTTP/":
		return Verdict{Layer: layerTLS, Cause: "tls-failure", Reason: "the server answered in plain HTTP: the URL says https:// but this port speaks http",
			Details: []string{"Use http:// for this port, or the server's TLS port."}}, true
	case errors.As(err, &rh):
		return Verdict{Layer: layerTLS, Cause: "tls-failure", Reason: "the server did not answer with TLS (first bytes are not a TLS handshake)"}, true
	case clsTLSAnswerToHTTP(err):
		return Verdict{Layer: layerTLS, Cause: "tls-failure", Reason: "the server speaks TLS but the URL says http://: use https://"}, true
	case errors.As(err, &he):
		return Verdict{Layer: layerTLS, Cause: "tls-failure",
			Reason:  "the certificate is for " + certNames(he.Certificate) + ", not " + he.Host,
			Details: CertDetails(he.Certificate)}, true
	case errors.As(err, &ci):
		v := Verdict{Layer: layerTLS, Cause: "tls-failure", Reason: "the certificate is invalid: " + ci.Error(), Details: CertDetails(ci.Cert)}
		if ci.Reason == x509.Expired {
			v.Reason = fmt.Sprintf("the certificate expired on %s (or this machine's clock is wrong)", ci.Cert.NotAfter.Format("2006-01-02"))
		}
		return v, true
	case errors.As(err, &ua):
		return unknownAuthority(ua.Cert), true
	case errors.As(err, &cve):
		if len(cve.UnverifiedCertificates) > 0 {
			v := unknownAuthority(cve.UnverifiedCertificates[0])
			v.Reason = "the certificate was refused: " + shortErr(cve.Err)
			return v, true
		}
		return Verdict{Layer: layerTLS, Cause: "tls-failure", Reason: "the certificate was refused: " + shortErr(cve.Err)}, true
	case errors.As(err, &ae):
		return Verdict{Layer: layerTLS, Cause: "tls-failure", Reason: "the server refused the TLS handshake: " + ae.Error()}, true
	case errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return Verdict{Layer: layerHTTP, Reason: "the server closed the connection without answering"}, true
	}
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) || errors.As(err, &ne) && ne.Timeout() {
		// A deadline without a step: only a connect or read says where.
		return Verdict{Layer: opLayer(oe, ""), Cause: "timeout", Reason: "no answer: " + shortErr(err)}, true
	}
	return Verdict{}, false
}

// stepLayer is the layer a step of the client's call belongs to.
func stepLayer(step checks.Step) string {
	switch step {
	case checks.StepLookup:
		return layerDNS
	case checks.StepConnect:
		return layerTCP
	case checks.StepTLS:
		return layerTLS
	}
	return layerHTTP
}

// opLayer is the layer a socket operation belongs to: a dial is the TCP
// connect, a read or write the HTTP exchange after it.
func opLayer(oe *net.OpError, otherwise string) string {
	if oe == nil {
		return otherwise
	}
	switch oe.Op {
	case "dial":
		return layerTCP
	case "read", "write":
		return layerHTTP
	case "proxyconnect":
		return layerProxy
	}
	return otherwise
}

// clsTLSAnswerToHTTP is a TLS server's answer to a plain-HTTP request. Go's
// net/http reports it with no type of its own ("malformed HTTP response"
// quoting the TLS alert's first bytes), so this one reads the text.
func clsTLSAnswerToHTTP(err error) bool {
	return strings.Contains(err.Error(), `malformed HTTP response "\x15\x03`)
}

func unknownAuthority(cert *x509.Certificate) Verdict {
	v := Verdict{Layer: layerTLS, Cause: "tls-failure"}
	if cert == nil {
		v.Reason = "the certificate is signed by an authority this machine does not trust"
		return v
	}
	v.Details = CertDetails(cert)
	if cert.Subject.String() == cert.Issuer.String() && cert.CheckSignatureFrom(cert) == nil {
		v.Reason = "the server's certificate is self-signed: this machine does not trust it"
	} else {
		v.Reason = "the certificate is signed by " + CertIssuer(cert) + ", an authority this machine does not trust"
	}
	v.Details = append(v.Details,
		"A company proxy or antivirus that inspects TLS shows its own certificate: if the issuer is your company's or a security product's, install its root certificate.",
		"Clients take extra roots from SSL_CERT_FILE (Go, OpenSSL), REQUESTS_CA_BUNDLE (Python requests), NODE_EXTRA_CA_CERTS (Node).")
	return v
}

// CertIssuer names who issued a certificate, shortest first.
func CertIssuer(c *x509.Certificate) string {
	if c == nil {
		return "an unknown issuer"
	}
	if c.Issuer.CommonName != "" {
		return c.Issuer.CommonName
	}
	if len(c.Issuer.Organization) > 0 {
		return c.Issuer.Organization[0]
	}
	return c.Issuer.String()
}

func certNames(c *x509.Certificate) string {
	if c == nil {
		return "another name"
	}
	var names []string
	names = append(names, c.DNSNames...)
	for _, ip := range c.IPAddresses {
		names = append(names, ip.String())
	}
	if len(names) == 0 && c.Subject.CommonName != "" {
		names = append(names, c.Subject.CommonName)
	}
	if len(names) > 6 {
		names = append(names[:6], "…")
	}
	return strings.Join(names, ", ")
}

// CertDetails is what the user (or IT) needs to recognise a certificate.
func CertDetails(c *x509.Certificate) []string {
	if c == nil {
		return nil
	}
	return []string{
		"certificate subject: " + c.Subject.String(),
		"issued by: " + c.Issuer.String(),
		"names: " + certNames(c),
		"valid: " + c.NotBefore.Format("2006-01-02") + " to " + c.NotAfter.Format("2006-01-02"),
	}
}

// opTarget is the address a socket operation was for, "the host" when the
// error does not say.
func opTarget(err error) string {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Addr != nil {
		return oe.Addr.String()
	}
	return "the host"
}

func opAddr(err error) string {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Addr != nil {
		return " by " + oe.Addr.String()
	}
	return ""
}

// shortErr is an error's last, most specific part.
func shortErr(err error) string {
	if err == nil {
		return ""
	}
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		err = oe.Err
	}
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 && i < len(s)-2 && !strings.Contains(s[i:], "→") {
		s = s[i+2:]
	}
	return s
}
