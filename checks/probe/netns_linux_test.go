package probe

import (
	"errors"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/unstuck-dev/unstuck/checks"
)

// netnsChild marks the copy of the test binary that runs inside a private
// network namespace.
const netnsChild = "UNSTUCK_TEST_PRIVATE_NETNS"

// A real "network is unreachable" and "no route to host", from the kernel:
// the test binary runs itself again inside a new network namespace (unshare
// -rn), where the only interface is loopback. There a connect to any other
// address fails at once, before a packet exists; nothing can leave the
// namespace because it has nowhere to go. Outside such a namespace the test
// dials nothing.
func TestNoRouteInPrivateNetwork(t *testing.T) {
	if os.Getenv(netnsChild) == "1" {
		netnsNoRoute(t)
		return
	}
	if testing.Short() {
		t.Skip("-short: no private namespace")
	}
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		t.Skip("no unshare here:", err)
	}
	cmd := exec.Command(unshare, "-rn", os.Args[0], "-test.run=^TestNoRouteInPrivateNetwork$", "-test.v", "-test.timeout=60s")
	cmd.Env = append(os.Environ(), netnsChild+"=1")
	out, err := cmd.CombinedOutput()
	text := string(out)
	switch {
	case strings.Contains(text, "--- FAIL"):
		t.Fatalf("inside the private namespace:\n%s", text)
	case strings.Contains(text, "--- PASS: TestNoRouteInPrivateNetwork"):
		t.Logf("inside the private namespace:\n%s", text)
	default:
		// unshare itself failed: no user or network namespaces here.
		t.Skipf("cannot make a private network namespace (%v): %s", err, text)
	}
}

// netnsNoRoute runs inside the namespace.
func netnsNoRoute(t *testing.T) {
	ifs, err := net.Interfaces()
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range ifs {
		if i.Flags&net.FlagLoopback == 0 {
			t.Fatalf("interface %s is not loopback: this is no private namespace, so nothing is dialled", i.Name)
		}
	}
	type noRoute struct {
		base  string
		errno syscall.Errno
	}
	// No route at all: ENETUNREACH.
	cases := []noRoute{{"https://192.0.2.1/v1", syscall.ENETUNREACH}}
	// Routes that reject (as a firewall that rejects does): EHOSTUNREACH.
	// They need the ip tool and live in the namespace only.
	if ip, err := exec.LookPath("ip"); err == nil &&
		exec.Command(ip, "link", "set", "lo", "up").Run() == nil &&
		exec.Command(ip, "route", "add", "unreachable", "198.51.100.0/24").Run() == nil &&
		exec.Command(ip, "-6", "route", "add", "unreachable", "2001:db8::/32").Run() == nil {
		cases = append(cases, noRoute{"https://198.51.100.1/v1", syscall.EHOSTUNREACH}, noRoute{"https://[2001:db8::1]/v1", syscall.EHOSTUNREACH})
	} else {
		t.Log("no ip tool (or it failed): only the no-route case")
	}
	for _, tc := range cases {
		t.Run(tc.base, func(t *testing.T) {
			host := strings.TrimSuffix(strings.TrimPrefix(tc.base, "https://"), "/v1")
			_, err := net.DialTimeout("tcp", net.JoinHostPort(strings.Trim(host, "[]"), "443"), time.Second)
			if !errors.Is(err, tc.errno) {
				t.Skipf("the kernel answered %v, not %v", err, tc.errno)
			}
			s := netSetup(t, "openai", tc.base, hooks{})
			m := netRungs(t, s)
			netExpect(t, m, checks.CheckTCP, checks.Fail, "network-unreachable")
			netExpect(t, m, checks.CheckTLS, checks.Skip, "")
			r := netModels(t, s)
			netWant(t, r, checks.Fail, "network-unreachable")
			if r.Evidence.FailedLayer != "tcp" {
				t.Errorf("models: failed layer %q", r.Evidence.FailedLayer)
			}
			t.Logf("%s: %s", m[checks.CheckTCP].Summary, r.Summary)
		})
	}
}
