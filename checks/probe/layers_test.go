package probe

import (
	"context"
	"errors"
	"net"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/unstuck-dev/unstuck/checks"
)

// failDial is a dialer that fails every connect with err and sends nothing:
// the error a real network gives, without the network. It records where the
// client tried to connect.
type failDial struct {
	err   error
	mu    sync.Mutex
	addrs []string
}

func (f *failDial) dial(_ context.Context, network, addr string) (net.Conn, error) {
	f.mu.Lock()
	f.addrs = append(f.addrs, addr)
	f.mu.Unlock()
	return nil, f.err
}

func (f *failDial) tried() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.addrs...)
}

// connectErr is a connect that failed the way the kernel reports it.
func connectErr(addr string, errno syscall.Errno) error {
	a, _ := net.ResolveTCPAddr("tcp", addr)
	return &net.OpError{Op: "dial", Net: "tcp", Addr: a, Err: os.NewSyscallError("connect", errno)}
}

// The ladder and every API check read one transport error alike: the same
// cause and the same failed layer, whichever check met it. ("no route to
// host" used to get no cause in the ladder and connection-refused in the
// API checks.)
func TestTransportVerdictIsOneAcrossChecks(t *testing.T) {
	for _, tc := range []struct {
		name  string
		errno syscall.Errno
		cause string
	}{
		{"network unreachable", syscall.ENETUNREACH, "network-unreachable"},
		{"no route to host", syscall.EHOSTUNREACH, "network-unreachable"},
		{"refused", syscall.ECONNREFUSED, "connection-refused"},
		{"connect timed out", syscall.ETIMEDOUT, "timeout"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fd := &failDial{err: connectErr("127.0.0.1:443", tc.errno)}
			s := netSetup(t, "openai", "https://api.test/v1", hooks{dial: fd.dial}, func(s *checks.Setup) {
				s.Config.MCPURL = "https://mcp.test/mcp"
			})

			m := netRungs(t, s)
			netExpect(t, m, checks.CheckDNS, checks.Pass, "")
			netExpect(t, m, checks.CheckTCP, checks.Fail, tc.cause)
			netExpect(t, m, checks.CheckTLS, checks.Skip, "")
			if got := m[checks.CheckTCP].Evidence.FailedLayer; got != checks.CheckTCP {
				t.Errorf("ladder: failed layer %q, want tcp", got)
			}

			for _, r := range []checks.Result{netModels(t, s), netRequest(t, s)} {
				netWant(t, r, checks.Fail, tc.cause)
				if r.Evidence.FailedLayer != "tcp" {
					t.Errorf("%s: failed layer %q, want tcp", r.ID, r.Evidence.FailedLayer)
				}
			}
			// MCP names its own cause; the layer is the same.
			r := netCheck(t, s, checks.CheckMCP, MCP)
			netWant(t, r, checks.Fail, "mcp-server-disconnected")
			if r.Evidence.FailedLayer != "tcp" {
				t.Errorf("mcp: failed layer %q, want tcp", r.Evidence.FailedLayer)
			}
			for _, addr := range fd.tried() {
				if host, _, _ := net.SplitHostPort(addr); !net.ParseIP(host).IsLoopback() {
					t.Errorf("a connect to %s was attempted", addr)
				}
			}
		})
	}
}

// renamed hides an error's words and keeps what it is: a verdict that
// changes under it was read from the words.
type renamed struct{ err error }

func (r renamed) Error() string { return "xyzzy" }
func (r renamed) Unwrap() error { return r.err }

// failResolver answers every lookup with err.
type failResolver struct{ err error }

func (f failResolver) LookupIPAddr(context.Context, string) ([]net.IPAddr, error) { return nil, f.err }

// The ladder names the failed layer and its cause from the error's type:
// each typed error, injected at the step it happens in, fails the layer its
// type names, with its words or without them.
func TestLadderLayerComesFromTypes(t *testing.T) {
	const at = "127.0.0.1:443"
	cases := []struct {
		name    string
		inject  func(err error) hooks
		proxy   string // HTTPS_PROXY
		err     error
		layer   string // the rung that fails, and the evidence's failed layer
		cause   string
		skipped []string // rungs after it, not tried
	}{
		{name: "no such host", inject: resolveFails, err: &net.DNSError{Err: "no such host", Name: "api.test", IsNotFound: true},
			layer: checks.CheckDNS, cause: "dns-failure", skipped: []string{checks.CheckTCP, checks.CheckTLS}},
		{name: "dns timeout", inject: resolveFails, err: &net.DNSError{Err: "i/o timeout", Name: "api.test", IsTimeout: true},
			layer: checks.CheckDNS, cause: "dns-failure", skipped: []string{checks.CheckTCP, checks.CheckTLS}},
		{name: "network unreachable", inject: dialFails, err: connectErr(at, syscall.ENETUNREACH),
			layer: checks.CheckTCP, cause: "network-unreachable", skipped: []string{checks.CheckTLS}},
		{name: "no route to host", inject: dialFails, err: connectErr(at, syscall.EHOSTUNREACH),
			layer: checks.CheckTCP, cause: "network-unreachable", skipped: []string{checks.CheckTLS}},
		{name: "refused", inject: dialFails, err: connectErr(at, syscall.ECONNREFUSED),
			layer: checks.CheckTCP, cause: "connection-refused", skipped: []string{checks.CheckTLS}},
		{name: "connect timed out", inject: dialFails, err: connectErr(at, syscall.ETIMEDOUT),
			layer: checks.CheckTCP, cause: "timeout", skipped: []string{checks.CheckTLS}},
		{name: "dial deadline", inject: dialFails, err: &net.OpError{Op: "dial", Net: "tcp", Err: os.ErrDeadlineExceeded},
			layer: checks.CheckTCP, cause: "timeout", skipped: []string{checks.CheckTLS}},
		{name: "untyped at the tcp step", inject: dialFails, err: errors.New("something odd"),
			layer: checks.CheckTCP, cause: "", skipped: []string{checks.CheckTLS}},
		{name: "proxy unreachable", inject: dialFails, proxy: "http://127.0.0.1:3128", err: connectErr("127.0.0.1:3128", syscall.ENETUNREACH),
			layer: checks.CheckProxy, cause: "proxy-failure", skipped: []string{checks.CheckTCP, checks.CheckTLS}},
		{name: "proxy refused", inject: dialFails, proxy: "http://127.0.0.1:3128", err: connectErr("127.0.0.1:3128", syscall.ECONNREFUSED),
			layer: checks.CheckProxy, cause: "proxy-failure", skipped: []string{checks.CheckTCP, checks.CheckTLS}},
	}
	for _, tc := range cases {
		for _, form := range []struct {
			name string
			err  error
		}{{"as is", tc.err}, {"renamed", renamed{tc.err}}} {
			t.Run(tc.name+"/"+form.name, func(t *testing.T) {
				s := netSetup(t, "openai", "https://api.test/v1", tc.inject(form.err), func(s *checks.Setup) {
					if tc.proxy != "" {
						s.Config.Env = checks.Env{"HTTPS_PROXY": tc.proxy}
					}
				})
				m := netRungs(t, s)
				netExpect(t, m, tc.layer, checks.Fail, tc.cause)
				if got := m[tc.layer].Evidence.FailedLayer; got != tc.layer {
					t.Errorf("failed layer %q, want %q", got, tc.layer)
				}
				for _, id := range tc.skipped {
					if r := m[id]; r.Status != checks.Skip || !strings.HasPrefix(r.Summary, "not tried") {
						t.Errorf("%s: %s (%s), want not tried", id, r.Status, r.Summary)
					}
				}
				for id, r := range m {
					if id != tc.layer && r.Status == checks.Fail {
						t.Errorf("%s fails too: %s", id, r.Summary)
					}
				}
			})
		}
	}
}

func resolveFails(err error) hooks { return hooks{resolver: failResolver{err}} }

func dialFails(err error) hooks { return hooks{dial: (&failDial{err: err}).dial} }
