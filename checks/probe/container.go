package probe

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/checks/classify"
	"github.com/unstuck-dev/unstuck/checks/setup"
)

// Container proves the classic Docker trap instead of guessing it. Inside
// a container, localhost is the container itself; but a refused loopback
// may as well be a server that is simply not running. So, when the base
// URL points at loopback and nothing answers there, the same port is tried
// at the host's name (host.docker.internal, then Podman's
// host.containers.internal), by name only: localhost-in-container is named
// only when the host answers there. Otherwise the refusal is the finding
// (connection-refused, timeout), with the container as a hint. When
// loopback answers, a server runs in this container (or it shares the
// host's network) and there is nothing to warn about.
//
// Facts: container.host (yes when the host answers at the port, no when
// it was tried and does not).
func Container(ctx context.Context, s *checks.Setup) checks.Result {
	r := checks.Result{ID: checks.CheckContainer, Title: "Base URL reachable from inside a container", Facts: map[string]string{}}
	in, why := setup.InContainer(s.Config)
	if !in {
		r.Status, r.Summary = checks.Skip, "not running in a container"
		return r
	}
	r.Details = append(r.Details, "running in a container ("+why+")")
	lb, ok := setup.LoopbackBase(s)
	if !ok {
		u, err := url.Parse(strings.TrimSpace(s.BaseURL))
		if err != nil || u.Hostname() == "" {
			r.Status, r.Summary = checks.Skip, "no usable base URL to check"
			return r
		}
		r.Status, r.Summary = checks.Pass, u.Hostname()+" is not this container's own loopback"
		return r
	}
	r.Evidence.BaseURL = s.Redactor.Clean(lb.Swap(lb.Host))
	c := sessionFor(s).client

	var first error
	for _, a := range lb.Addrs() {
		conn, err := c.dialStep(ctx, a)
		if err == nil {
			conn.Close()
			r.Status = checks.Pass
			r.Summary = "something answers at " + a + " inside this container (a server here, or the host's network): " + lb.Host + " is right"
			return r
		}
		if first == nil {
			first = err
		}
	}
	local := classify.Transport(first)

	hostAddr, hostName, herr := dockerHostAddr(ctx, c, lb.Port)
	if herr == nil {
		hc, err := c.dialStep(ctx, hostAddr)
		if err == nil {
			hc.Close()
			r.Facts["container.host"] = "yes"
			r.Status, r.Cause = checks.Fail, "localhost-in-container"
			r.Evidence.FailedLayer = checks.CheckTCP
			r.Summary = fmt.Sprintf("nothing answers at %s inside this container, but the machine that runs it does, at %s:%s: use %s",
				lb.Addr(), hostName, lb.Port, lb.Swap(hostName))
			r.Details = append(r.Details, setup.ContainerAdvice(lb)...)
			return r
		}
		herr = fmt.Errorf("%s at %s: %s", hostName, hostAddr, classify.Transport(err).Reason)
	}
	r.Facts["container.host"] = "no"
	r.Evidence.FailedLayer = checks.CheckTCP
	r.Status, r.Cause = checks.Fail, local.Cause
	if r.Cause == "" {
		r.Status = checks.Warn
	}
	r.Summary = fmt.Sprintf("nothing answers at %s inside this container (%s), nor on the machine that runs it (%s): the server does not run where the URL says, or listens on another port",
		lb.Addr(), local.Reason, herr)
	r.Details = append(r.Details, "the container is only a hint here: the machine that runs it did not answer either, so start the server first; if it then runs on that machine, reach it from here as "+lb.Swap(setup.DockerHostNames[0]))
	r.Details = append(r.Details, setup.ContainerAdvice(lb)[1:]...)
	return r
}

// dockerHostAddr is where the host's name leads for this port: the
// address UNSTUCK_DOCKER_HOST pins (Config.DockerHost: an IP, or an
// IP:port that replaces the port too), else the first of the host's names
// that resolves. Only names are asked, never a gateway from the routes.
func dockerHostAddr(ctx context.Context, c *Client, port string) (addr, name string, err error) {
	name = setup.DockerHostNames[0]
	if pin := strings.TrimSpace(c.setup.Config.DockerHost); pin != "" {
		if ip := net.ParseIP(strings.Trim(pin, "[]")); ip != nil {
			return net.JoinHostPort(ip.String(), port), name, nil
		}
		if h, p, err := net.SplitHostPort(pin); err == nil && net.ParseIP(h) != nil && p != "" {
			return net.JoinHostPort(h, p), name, nil
		}
		return "", name, fmt.Errorf("UNSTUCK_DOCKER_HOST=%q is neither an IP address nor IP:port", clip(pin, 60))
	}
	var first error
	for _, n := range setup.DockerHostNames {
		ips, err := c.lookup(ctx, n)
		if err == nil && len(ips) > 0 {
			return net.JoinHostPort(ips[0].IP.String(), port), n, nil
		}
		if first == nil {
			first = fmt.Errorf("%s does not resolve here", n)
		}
	}
	return "", name, first
}
