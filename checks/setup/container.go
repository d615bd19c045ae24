package setup

import (
	"context"
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

// Container checks for the classic Docker trap: inside a container,
// localhost is the container itself, not the machine running the model
// server.
func Container(_ context.Context, s *checks.Setup) checks.Result {
	r := newResult(s, checks.CheckContainer, "Base URL reachable from inside a container")
	r.Evidence.BaseURL = displayURL(s.BaseURL)

	in, why := false, ""
	if s.Config.InContainer != nil {
		in, why = *s.Config.InContainer, "as told"
	} else {
		in, why = detectContainer(s.Config.Env)
	}
	if !in {
		r.Status, r.Summary = checks.Skip, "not running in a container"
		return r
	}
	r.Details = append(r.Details, "running in a container ("+why+")")

	u, problem := parseBaseURL(s.BaseURL)
	if problem != "" {
		r.Status, r.Summary = checks.Skip, "no usable base URL to check"
		return r
	}
	host := u.Hostname()
	if !isLoopback(host) {
		r.Status, r.Summary = checks.Pass, host+" is not this container's own loopback"
		return r
	}
	port := u.Port()
	hostPort := func(h string) string {
		if port != "" {
			return h + ":" + port
		}
		return h
	}
	swap := func(h string) string {
		c := *u
		c.Host = hostPort(h)
		return displayURL(c.String())
	}
	// A warning, not a failure: a server may well listen inside this same
	// container (or the container shares the host's network). The tree names
	// this cause only when the TCP connect then fails.
	r.Status, r.Cause = checks.Warn, "localhost-in-container"
	r.Summary = "the base URL points at " + host + ", which inside a container is the container itself, not your machine"
	r.Details = append(r.Details,
		"server on your machine (Docker Desktop): "+swap("host.docker.internal"),
		"on Linux, start the container with --add-host=host.docker.internal:host-gateway; under Podman use host.containers.internal",
		"server in another container of the same compose project: use its service name, e.g. "+swap("ollama"),
		"a server that listens on 127.0.0.1 only must listen on 0.0.0.0 to be reachable from containers",
	)
	return r
}
