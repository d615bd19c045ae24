package classify

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"syscall"
	"testing"
	"time"

	"github.com/unstuck-dev/unstuck/checks"
)

// renamed hides an error's words: what it says is nonsense, what it is
// (its chain) is unchanged. A verdict that changes under it was read from
// the words.
type renamed struct{ err error }

func (r renamed) Error() string { return "xyzzy" }
func (r renamed) Unwrap() error { return r.err }

func dialErr(errno syscall.Errno) error {
	return &net.OpError{Op: "dial", Net: "tcp", Addr: &net.TCPAddr{IP: net.IPv4(192, 0, 2, 1), Port: 443},
		Err: os.NewSyscallError("connect", errno)}
}

// neterrCases are typed transport errors, each as Go or the client builds
// it, and the one verdict they get.
var neterrCases = []struct {
	name  string
	err   error
	cause string
	layer string
}{
	{"dns not found", &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "api.example.invalid", IsNotFound: true}}, "dns-failure", "dns"},
	{"dns timeout", &net.DNSError{Err: "i/o timeout", Name: "api.example.com", IsTimeout: true}, "dns-failure", "dns"},
	{"refused", dialErr(syscall.ECONNREFUSED), "connection-refused", "tcp"},
	{"network unreachable", dialErr(syscall.ENETUNREACH), "network-unreachable", "tcp"},
	{"no route to host", dialErr(syscall.EHOSTUNREACH), "network-unreachable", "tcp"},
	{"connect timed out", dialErr(syscall.ETIMEDOUT), "timeout", "tcp"},
	{"dial deadline", &net.OpError{Op: "dial", Net: "tcp", Err: os.ErrDeadlineExceeded}, "timeout", "tcp"},
	{"read deadline", &net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}, "timeout", "http"},
	{"context deadline", context.DeadlineExceeded, "timeout", ""},
	{"reset", &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}, "", "http"},
	{"eof", io.EOF, "", "http"},
	{"proxy refused", &net.OpError{Op: "proxyconnect", Net: "tcp", Err: dialErr(syscall.ECONNREFUSED)}, "proxy-failure", "proxy"},
	{"proxy unreachable", &net.OpError{Op: "proxyconnect", Net: "tcp", Err: dialErr(syscall.ENETUNREACH)}, "proxy-failure", "proxy"},
	{"proxy host unknown", &net.OpError{Op: "proxyconnect", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "proxy.corp", IsNotFound: true}}, "proxy-failure", "proxy"},
	{"proxy refuses tunnel", &checks.ProxyRefusedError{Proxy: "http://127.0.0.1:3128", Status: 403, Text: "403 Forbidden"}, "proxy-failure", "proxy"},
	{"proxy wants login", &checks.ProxyRefusedError{Proxy: "http://127.0.0.1:3128", Status: 407, Text: "407 Proxy Authentication Required"}, "proxy-failure", "proxy"},
	{"unknown authority", &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}, "tls-failure", "tls"},
	{"wrong name", x509.HostnameError{Certificate: &x509.Certificate{DNSNames: []string{"example.com"}}, Host: "wrong.test"}, "tls-failure", "tls"},
	{"expired", x509.CertificateInvalidError{Cert: &x509.Certificate{NotAfter: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}, Reason: x509.Expired}, "tls-failure", "tls"},
	{"not tls", tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}, "tls-failure", "tls"},
	{"plain http answer", tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake", RecordHeader: [5]byte{'H', 'T', 'T', 'P', '/'}}, "tls-failure", "tls"},
	{"scheme mismatch", http.ErrSchemeMismatch, "tls-failure", "tls"},
	{"tls alert", tls.AlertError(40), "tls-failure", "tls"},
	{"key unsendable", &checks.KeyUnsendableError{Header: "Authorization: Bearer"}, "key-whitespace", ""},
	{"url unsendable", &checks.URLError{URL: "ftp://x", Err: errors.New(`unsupported scheme "ftp"`)}, "base-url-malformed", ""},
	{"redirect loop", &checks.RedirectError{Hops: []string{"http://a/", "http://a/x", "http://a/"}, Loop: true, Limit: 5}, "base-url-path", "http"},
	{"redirects too long", &checks.RedirectError{Hops: []string{"http://a/", "http://a/x"}, Limit: 5}, "base-url-path", "http"},
	// A header whose name happens to hold a word of the text rules: the
	// type says what it is, so the words are never read.
	{"header unsendable", &checks.HeaderUnsendableError{Name: "X-Timeout-Refused"}, "", ""},
	{"timeout looking up", &checks.TimeoutError{Step: checks.StepLookup, After: time.Second}, "timeout", "dns"},
	{"timeout connecting", &checks.TimeoutError{Step: checks.StepConnect, After: time.Second}, "timeout", "tcp"},
	{"timeout in tls", &checks.TimeoutError{Step: checks.StepTLS, After: time.Second}, "timeout", "tls"},
	{"timeout first byte", &checks.TimeoutError{Step: checks.StepFirstByte, After: time.Second}, "timeout", "http"},
	{"timeout headers", &checks.TimeoutError{Step: checks.StepHeaders, After: time.Second}, "timeout", "http"},
	{"timeout body", &checks.TimeoutError{Step: checks.StepBody, After: time.Second}, "timeout", "http"},
	{"timeout reaching a proxy", &checks.TimeoutError{Step: checks.StepConnect, After: time.Second, Proxy: "http://127.0.0.1:3128"}, "proxy-failure", "proxy"},
	{"timeout resolving a proxy", &checks.TimeoutError{Step: checks.StepLookup, After: time.Second, Proxy: "http://proxy.corp:3128"}, "proxy-failure", "proxy"},
	{"timeout after the proxy", &checks.TimeoutError{Step: checks.StepFirstByte, After: time.Second, Proxy: "http://127.0.0.1:3128"}, "timeout", "http"},
}

// Every typed error gets its verdict from its type: as it is, inside the
// *url.Error net/http wraps it in, and with its words renamed.
func TestTransportReadsTypesNotWords(t *testing.T) {
	for _, tc := range neterrCases {
		t.Run(tc.name, func(t *testing.T) {
			for _, form := range []struct {
				name string
				err  error
			}{
				{"as is", tc.err},
				{"in a url.Error", &url.Error{Op: "Post", URL: "https://api.example.com/v1/chat/completions", Err: tc.err}},
				{"renamed", renamed{tc.err}},
				{"renamed in a url.Error", &url.Error{Op: "Post", URL: "https://api.example.com/v1", Err: renamed{tc.err}}},
			} {
				v := Transport(form.err)
				if v.Cause != tc.cause || v.Layer != tc.layer {
					t.Errorf("%s: %q/%q (%s), want %q/%q", form.name, v.Cause, v.Layer, v.Reason, tc.cause, tc.layer)
				}
				if v.Reason == "" {
					t.Errorf("%s: no reason", form.name)
				}
				// Classify, which explain and the API checks' callers see,
				// says the same.
				c := Classify(0, nil, nil, form.err)
				if c.Cause != tc.cause || c.Evidence.FailedLayer != tc.layer {
					t.Errorf("%s: Classify says %q/%q, Transport %q/%q", form.name, c.Cause, c.Evidence.FailedLayer, v.Cause, v.Layer)
				}
			}
		})
	}
}

// The words of a step are for people: every step maps to its layer by the
// constant, and a step that has no words at all still does.
func TestStepLayerIsTyped(t *testing.T) {
	want := map[checks.Step]string{
		checks.StepLookup: "dns", checks.StepConnect: "tcp", checks.StepTLS: "tls",
		checks.StepFirstByte: "http", checks.StepHeaders: "http", checks.StepBody: "http",
	}
	for step, layer := range want {
		if got := stepLayer(step); got != layer {
			t.Errorf("stepLayer(%v) = %q, want %q", step, got, layer)
		}
		if step.String() == "" {
			t.Errorf("step %d has no words", int(step))
		}
	}
	if got := stepLayer(checks.Step(99)); got != "http" {
		t.Errorf("unknown step: %q", got)
	}
}

// Errors of other libraries come without types: their text still counts,
// through the rules that read pasted errors.
func TestTransportUntypedFallsBackToText(t *testing.T) {
	for _, tc := range []struct{ text, cause string }{
		{`dial tcp 127.0.0.1:11434: connect: connection refused`, "connection-refused"},
		{`unsupported protocol scheme ""`, "base-url-malformed"},
		{`the proxy http://127.0.0.1:3128 refused to open a tunnel: 403 Forbidden`, "proxy-failure"},
		{"something odd", ""},
	} {
		if v := Transport(errors.New(tc.text)); v.Cause != tc.cause {
			t.Errorf("%q: %q, want %q", tc.text, v.Cause, tc.cause)
		}
	}
	if v := Transport(nil); v.Cause != "" || v.Layer != "" || v.Reason != "" {
		t.Errorf("nil: %+v", v)
	}
}

// Every cause a typed transport error gets is in the shared catalogue.
func TestTransportCausesInCatalogue(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "CAUSES.md"))
	if err != nil {
		t.Skip("../shared/CAUSES.md not present:", err)
	}
	ids := map[string]bool{}
	for _, m := range regexp.MustCompile("(?m)^\\| `([a-z0-9-]+)` \\|").FindAllStringSubmatch(string(data), -1) {
		ids[m[1]] = true
	}
	for _, tc := range neterrCases {
		if tc.cause != "" && !ids[tc.cause] {
			t.Errorf("%s: cause %q is not in CAUSES.md", tc.name, tc.cause)
		}
	}
}
