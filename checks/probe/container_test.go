package probe

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/unstuck-dev/unstuck/checks"
)

// containerDial connects for real to loopback, except for the addresses
// it maps (a stand-in for another loopback address the kernel may not
// bind), and records every address asked for.
type containerDial struct {
	mu     sync.Mutex
	mapped map[string]string
	asked  []string
}

func (d *containerDial) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	d.mu.Lock()
	d.asked = append(d.asked, addr)
	to, ok := d.mapped[addr]
	d.mu.Unlock()
	if !ok {
		to = addr
	}
	host, _, _ := net.SplitHostPort(to)
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return nil, errors.New("test dialer: " + addr + " is not loopback (tests talk to loopback only)")
	}
	var nd net.Dialer
	return nd.DialContext(ctx, network, to)
}

func (d *containerDial) tried() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.asked...)
}

// noLookup fails the test on any lookup: a pinned answer must need none.
type noLookup struct{ t *testing.T }

func (f noLookup) LookupIPAddr(_ context.Context, host string) ([]net.IPAddr, error) {
	f.t.Errorf("unexpected lookup of %q", host)
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

// containerListener listens on 127.0.0.1 and returns its port.
func containerListener(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}

func containerSetup(t *testing.T, base string, in bool, pin string, h hooks) *checks.Setup {
	t.Helper()
	s := netSetup(t, "openai", base, h, func(s *checks.Setup) {
		s.Config.InContainer = &in
		s.Config.DockerHost = pin
	})
	if h.resolver == nil {
		useHooks(s, hooks{resolver: mapResolver{}, dial: h.dial})
	}
	return s
}

func TestContainerProvesLocalhost(t *testing.T) {
	host := containerListener(t) // "the machine that runs the container"
	_, closed, _ := net.SplitHostPort(netClosedPort(t))
	base := "http://127.0.0.1:" + closed + "/v1"

	t.Run("not in a container", func(t *testing.T) {
		d := &containerDial{}
		r := localRun(t, containerSetup(t, base, false, "", hooks{dial: d.dial}), ContainerSpec, Container)
		if r.Status != checks.Skip || len(d.tried()) != 0 {
			t.Errorf("got %s, dialled %v", r.Status, d.tried())
		}
	})
	t.Run("loopback answers: no warning", func(t *testing.T) {
		d := &containerDial{}
		r := localRun(t, containerSetup(t, "http://localhost:"+host+"/v1", true, "", hooks{dial: d.dial, resolver: noLookup{t}}), ContainerSpec, Container)
		if r.Status != checks.Pass || r.Cause != "" {
			t.Errorf("got %s %q: %s", r.Status, r.Cause, r.Summary)
		}
		for _, a := range d.tried() {
			if !strings.HasSuffix(a, ":"+host) {
				t.Errorf("dialled %s: the host's name is asked only when loopback is refused", a)
			}
		}
	})
	t.Run("nothing anywhere: the refusal, with the container as a hint", func(t *testing.T) {
		d := &containerDial{}
		r := localRun(t, containerSetup(t, base, true, "", hooks{dial: d.dial}), ContainerSpec, Container)
		if r.Status != checks.Fail || r.Cause != "connection-refused" || r.Facts["container.host"] != "no" {
			t.Fatalf("got %s %q %v: %s", r.Status, r.Cause, r.Facts, r.Summary)
		}
		if !strings.Contains(r.Summary, "inside this container") || !strings.Contains(r.Summary, "host.docker.internal does not resolve") {
			t.Errorf("summary %q", r.Summary)
		}
		if !strings.Contains(strings.Join(r.Details, "\n"), "only a hint") {
			t.Errorf("details %v", r.Details)
		}
	})
	t.Run("the host answers at the same port, by name", func(t *testing.T) {
		// host.docker.internal resolves to 127.0.0.2; the dialer stands in
		// for a listener there, but only at the same port as the base URL's.
		d := &containerDial{mapped: map[string]string{"127.0.0.2:" + closed: "127.0.0.1:" + host}}
		s := containerSetup(t, base, true, "", hooks{dial: d.dial, resolver: mapResolver{"host.docker.internal": "127.0.0.2"}})
		r := localRun(t, s, ContainerSpec, Container)
		if r.Status != checks.Fail || r.Cause != "localhost-in-container" || r.Facts["container.host"] != "yes" {
			t.Fatalf("got %s %q %v: %s", r.Status, r.Cause, r.Facts, r.Summary)
		}
		if !strings.Contains(r.Summary, "http://host.docker.internal:"+closed+"/v1") {
			t.Errorf("summary lacks the fixed URL: %s", r.Summary)
		}
		if got := d.tried(); len(got) != 2 || got[0] != "127.0.0.1:"+closed || got[1] != "127.0.0.2:"+closed {
			t.Errorf("dialled %v, want loopback then the host at the same port", got)
		}
	})
	t.Run("Podman's name", func(t *testing.T) {
		d := &containerDial{mapped: map[string]string{"127.0.0.3:" + closed: "127.0.0.1:" + host}}
		s := containerSetup(t, base, true, "", hooks{dial: d.dial, resolver: mapResolver{"host.containers.internal": "127.0.0.3"}})
		r := localRun(t, s, ContainerSpec, Container)
		if r.Cause != "localhost-in-container" || !strings.Contains(r.Summary, "host.containers.internal:"+closed) {
			t.Errorf("got %q: %s", r.Cause, r.Summary)
		}
	})
	t.Run("the host's name resolves but nothing listens there", func(t *testing.T) {
		d := &containerDial{}
		s := containerSetup(t, base, true, "", hooks{dial: d.dial, resolver: mapResolver{"host.docker.internal": "127.0.0.2"}})
		r := localRun(t, s, ContainerSpec, Container)
		if r.Cause != "connection-refused" || r.Facts["container.host"] != "no" {
			t.Errorf("got %q %v: %s", r.Cause, r.Facts, r.Summary)
		}
	})
	t.Run("pinned address: no lookup", func(t *testing.T) {
		d := &containerDial{mapped: map[string]string{"127.0.0.2:" + closed: "127.0.0.1:" + host}}
		s := containerSetup(t, base, true, "127.0.0.2", hooks{dial: d.dial, resolver: noLookup{t}})
		r := localRun(t, s, ContainerSpec, Container)
		if r.Cause != "localhost-in-container" {
			t.Errorf("got %q: %s", r.Cause, r.Summary)
		}
	})
	t.Run("pinned address and port", func(t *testing.T) {
		d := &containerDial{}
		s := containerSetup(t, base, true, "127.0.0.1:"+host, hooks{dial: d.dial, resolver: noLookup{t}})
		if r := localRun(t, s, ContainerSpec, Container); r.Cause != "localhost-in-container" {
			t.Errorf("got %q: %s", r.Cause, r.Summary)
		}
	})
	t.Run("a pin that is no address", func(t *testing.T) {
		d := &containerDial{}
		s := containerSetup(t, base, true, "my-host", hooks{dial: d.dial, resolver: noLookup{t}})
		r := localRun(t, s, ContainerSpec, Container)
		if r.Cause != "connection-refused" || !strings.Contains(r.Summary, "UNSTUCK_DOCKER_HOST") {
			t.Errorf("got %q: %s", r.Cause, r.Summary)
		}
	})
	t.Run("0.0.0.0 is reached as 127.0.0.1", func(t *testing.T) {
		d := &containerDial{}
		r := localRun(t, containerSetup(t, "http://0.0.0.0:"+host+"/v1", true, "", hooks{dial: d.dial}), ContainerSpec, Container)
		if r.Status != checks.Pass || len(d.tried()) != 1 || d.tried()[0] != "127.0.0.1:"+host {
			t.Errorf("got %s, dialled %v", r.Status, d.tried())
		}
	})
	t.Run("not loopback: nothing dialled", func(t *testing.T) {
		d := &containerDial{}
		r := localRun(t, containerSetup(t, "https://api.test/v1", true, "", hooks{dial: d.dial}), ContainerSpec, Container)
		if r.Status != checks.Pass || len(d.tried()) != 0 {
			t.Errorf("got %s, dialled %v", r.Status, d.tried())
		}
	})
}
