package classify

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"os"
	"strings"
	"syscall"

	"github.com/unstuck-dev/unstuck/checks"
)

// Transport errors: the call never got an HTTP answer. Go's typed errors are
// read first; the text rules below serve the rest, and the same rules read
// pasted Python and Node errors in ClassifyText.

// clsTransport says which layer failed and what that means.
func clsTransport(err error) (cause, layer, reason string) {
	var (
		dnsErr   *net.DNSError
		opErr    *net.OpError
		unknown  x509.UnknownAuthorityError
		hostErr  x509.HostnameError
		invalid  x509.CertificateInvalidError
		verify   *tls.CertificateVerificationError
		record   tls.RecordHeaderError
		alertErr tls.AlertError
	)
	msg := strings.ToLower(err.Error())
	switch {
	case errors.As(err, &opErr) && opErr.Op == "proxyconnect", strings.Contains(msg, "proxyconnect"):
		return "proxy-failure", "proxy", "the proxy set in HTTPS_PROXY/HTTP_PROXY/ALL_PROXY could not be reached or refused: " + clsOneLine(err)
	case errors.As(err, &dnsErr):
		if dnsErr.IsTimeout {
			return "dns-failure", "dns", "the DNS lookup of " + dnsErr.Name + " timed out"
		}
		return "dns-failure", "dns", "the host name " + dnsErr.Name + " does not resolve"
	case errors.As(err, &unknown), errors.As(err, &hostErr), errors.As(err, &invalid), errors.As(err, &verify):
		return "tls-failure", "tls", "the server's certificate is not trusted here: " + clsOneLine(err)
	case errors.As(err, &record):
		return "tls-failure", "tls", "the server does not speak TLS on this port: use http:// or the TLS port"
	case errors.As(err, &alertErr):
		return "tls-failure", "tls", "the TLS handshake was refused: " + clsOneLine(err)
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection-refused", "tcp", "nothing listens on that host and port (connection refused)"
	}
	// The network client's own errors (checks/errors.go), read by type.
	var (
		keyErr *checks.KeyUnsendableError
		redir  *checks.RedirectError
		urlErr *checks.URLError
	)
	switch {
	case errors.As(err, &keyErr):
		return "key-whitespace", "", "the key holds a line break or control character, so no client can send it"
	case errors.As(err, &redir):
		return "base-url-path", "http", "the URL redirects in circles or too often: it is a website's address, not the API's"
	case errors.As(err, &urlErr):
		return "base-url-malformed", "", "the base URL cannot be sent to: " + clsOneLine(err)
	}
	if cause, layer, reason := clsTransportText(msg); cause != "" {
		return cause, layer, reason
	}
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "timeout", "", "no answer within the timeout: " + clsOneLine(err)
	}
	return "", "", ""
}

func clsOneLine(err error) string { return clsEvidenceText(err.Error()) }

// clsTransportText reads a transport failure from text: a Go error, a Python
// (httpx, requests, aiohttp) or Node (fetch, undici, axios) error. msg must
// be lower case.
func clsTransportText(msg string) (cause, layer, reason string) {
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(msg, w) {
				return true
			}
		}
		return false
	}
	switch {
	case has("proxyconnect", "proxyerror", "unable to connect to proxy", "proxy authentication required",
		"tunnel connection failed", "refused to open a tunnel", "cannot connect to proxy", "proxy error"):
		return "proxy-failure", "proxy", "the proxy in HTTPS_PROXY/HTTP_PROXY/ALL_PROXY is unreachable or refuses the tunnel"
	case has("unsupported protocol scheme", "missing protocol scheme", "unsupportedprotocol",
		"request url is missing an 'http://' or 'https://' protocol", "no connection adapters were found",
		"err_invalid_url", "typeerror: invalid url", "failed to parse url", "invalid url escape",
		"first path segment in url cannot contain colon", "no host in request url", "invalidurl", "invalid port"):
		return "base-url-malformed", "", "the base URL does not parse as an http(s) URL: check the scheme, quotes and spaces"
	case has("no such host", "server misbehaving", "getaddrinfo", "enotfound", "eai_again", "name or service not known",
		"nodename nor servname", "temporary failure in name resolution", "name resolution", "could not resolve host",
		"[errno -2]", "[errno -3]", "[errno 8]", "[errno 11001]", "[errno 11002]", "dns lookup", "name not resolved", "err_name_not_resolved"):
		return "dns-failure", "dns", "the host name does not resolve"
	case has("server gave http response to https client", "wrong_version_number", "wrong version number",
		"first record does not look like a tls handshake", "record layer failure", "packet length too long"):
		return "tls-failure", "tls", "https:// was used for a port that speaks plain HTTP (or the reverse): check the scheme and port"
	case has("x509", "certificate_verify_failed", "certificate verify failed", "self signed certificate", "self-signed certificate",
		"unable to get local issuer certificate", "unable_to_verify_leaf_signature", "self_signed_cert_in_chain",
		"depth_zero_self_signed_cert", "cert_has_expired", "certificate has expired", "err_tls_cert_altname_invalid",
		"does not match certificate's altnames", "sslerror", "ssl: ", "ssl_error", "tls handshake", "tls: ", "handshake failure",
		"unknown authority", "err_ssl"):
		return "tls-failure", "tls", "the TLS handshake failed: an intercepting proxy's or self-signed certificate, an expired one, or the wrong port"
	case has("connection refused", "econnrefused", "[errno 111]", "[errno 61]", "winerror 10061", "actively refused",
		"connectex: no connection could be made", "couldn't connect to server", "failed to establish a new connection"):
		return "connection-refused", "tcp", "nothing listens on that host and port (connection refused)"
	case has("no route to host", "network is unreachable", "ehostunreach", "enetunreach", "[errno 113]", "[errno 101]"):
		return "connection-refused", "tcp", "the host cannot be reached from this network (no route): the TCP connection never opened"
	case has("context deadline exceeded", "deadline exceeded", "timed out", "timeout", "etimedout", "esockettimedout",
		"und_err_connect_timeout", "und_err_headers_timeout", "und_err_body_timeout", "[errno 110]", "[errno 60]",
		"winerror 10060", "no progress for"):
		return "timeout", "", "no answer within the time allowed"
	}
	return "", "", ""
}
