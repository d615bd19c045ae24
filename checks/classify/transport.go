package classify

import (
	"strings"
)

// Transport errors read from text: what a pasted error says, and what an
// error says when no type explains it (neterr.go reads the typed ones).

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
