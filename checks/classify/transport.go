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
	// The network client's own errors (httpclient.go), read by their words
	// so that this file does not depend on their types.
	switch {
	case strings.Contains(msg, "line break or control character"):
		return "key-whitespace", "", "the key holds a line break or control character, so no client can send it"
	case strings.Contains(msg, "redirect loop") || strings.Contains(msg, "redirects:"):
		return "base-url-path", "http", "the URL redirects in circles or too often: it is a website's address, not the API's"
	case strings.Contains(msg, "cannot send to this url"):
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
// be lower case. The phrases are the transport rules of content/rules.yaml.
func clsTransportText(msg string) (cause, layer, reason string) {
	return defaultRules().transportText(msg)
}
