package probe

import (
	"context"
	"net"
	"os"
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
			s := netSetup(t, "openai", "https://api.test/v1", netHooks{dial: fd.dial}, func(s *checks.Setup) {
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
