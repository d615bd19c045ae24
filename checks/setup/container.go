package setup

import (
	"net"
	"net/url"
	"os"
	"strings"

	"github.com/unstuck-dev/unstuck/checks"
)

// containerMarkers are files and /proc entries that betray a container.
// Each is read with a size cap: /proc files can be long on busy hosts.
var containerMarkers = struct {
	files  []string // existence is enough
	procs  []string // contents name a container runtime
	ground []string // words in those contents
}{
	files:  []string{"/.dockerenv", "/run/.containerenv"},
	procs:  []string{"/proc/1/cgroup", "/proc/self/mountinfo"},
	ground: []string{"docker", "kubepods", "containerd", "libpod", "podman", "lxc", "crio-"},
}

// detectContainer reports whether this process runs in a container, and
// the evidence.
func detectContainer(env checks.Env) (bool, string) {
	for _, f := range containerMarkers.files {
		if _, err := os.Stat(f); err == nil {
			return true, f + " exists"
		}
	}
	for _, f := range containerMarkers.procs {
		data, err := readCapped(f, 256<<10)
		if err != nil {
			continue
		}
		text := strings.ToLower(string(data))
		for _, w := range containerMarkers.ground {
			if strings.Contains(text, w) {
				return true, f + " mentions " + strings.TrimSuffix(w, "-")
			}
		}
	}
	if env["KUBERNETES_SERVICE_HOST"] != "" {
		return true, "KUBERNETES_SERVICE_HOST is set"
	}
	return false, ""
}

// InContainer reports whether this process runs in a container and why:
// as told (Config.InContainer, which main sets from UNSTUCK_IN_CONTAINER
// for a person whose container is not detected, or detected wrongly), else
// from the signs a container leaves.
func InContainer(cfg checks.Config) (bool, string) {
	if cfg.InContainer != nil {
		return *cfg.InContainer, "as told (UNSTUCK_IN_CONTAINER)"
	}
	return detectContainer(cfg.Env)
}

// DockerHostNames are the names a container reaches its host by: Docker
// Desktop's (and Linux with --add-host=host.docker.internal:host-gateway),
// then Podman's. They are looked up by name only: a gateway address worked
// out from the routes may be any machine.
var DockerHostNames = []string{"host.docker.internal", "host.containers.internal"}

// Loopback is a base URL that points at this machine: inside a container,
// the container itself.
type Loopback struct {
	URL  *url.URL
	Host string // as written: localhost, 127.0.0.1, ::1, 0.0.0.0
	Port string // explicit or the scheme's (80, 443)
}

// Addr is where a TCP connect goes: 0.0.0.0 is reached as 127.0.0.1.
func (l Loopback) Addr() string {
	h := l.Host
	switch ip := net.ParseIP(strings.Trim(h, "[]")); {
	case ip != nil && ip.IsUnspecified() && ip.To4() != nil:
		h = "127.0.0.1"
	case ip != nil && ip.IsUnspecified():
		h = "::1"
	case ip != nil:
		h = ip.String()
	}
	return net.JoinHostPort(h, l.Port)
}

// Addrs are the addresses a connect tries: localhost is 127.0.0.1 and
// ::1 (a server may listen on either only), without asking a resolver.
func (l Loopback) Addrs() []string {
	h := strings.ToLower(strings.TrimSuffix(l.Host, "."))
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return []string{net.JoinHostPort("127.0.0.1", l.Port), net.JoinHostPort("::1", l.Port)}
	}
	return []string{l.Addr()}
}

// Swap is the base URL with its host replaced, credentials redacted.
func (l Loopback) Swap(host string) string {
	c := *l.URL
	if l.URL.Port() != "" {
		c.Host = net.JoinHostPort(host, l.URL.Port())
	} else {
		c.Host = host
	}
	return displayURL(c.String())
}

// LoopbackBase returns the base URL when it points at this machine's own
// loopback (localhost, 127.0.0.0/8, ::1, 0.0.0.0), ok false otherwise or
// when it does not parse.
func LoopbackBase(s *checks.Setup) (Loopback, bool) {
	u, problem := parseBaseURL(s.BaseURL)
	if problem != "" || !isLoopback(u.Hostname()) {
		return Loopback{}, false
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[strings.ToLower(u.Scheme)]
	}
	if port == "" {
		return Loopback{}, false
	}
	return Loopback{URL: u, Host: u.Hostname(), Port: port}, true
}

// ContainerAdvice is how to reach a server outside this container: the
// base URL with the host's name, the Linux and Podman variants, a service
// name, and the listen address.
func ContainerAdvice(l Loopback) []string {
	return []string{
		"server on the machine that runs the container: " + l.Swap("host.docker.internal"),
		"on Linux, start the container with --add-host=host.docker.internal:host-gateway; under Podman use host.containers.internal",
		"server in another container of the same compose project: use its service name as the host, e.g. " + l.Swap("SERVICE"),
		"a server that listens on 127.0.0.1 only must listen on 0.0.0.0 to be reachable from containers",
	}
}
