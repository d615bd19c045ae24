package probe

import (
	"net"
	"net/url"
	"strings"

	"github.com/unstuck-dev/unstuck/checks"
	"golang.org/x/net/http/httpproxy"
)

// proxyFunc resolves proxies exactly as net/http's ProxyFromEnvironment
// does, but from the environment the checks were given: HTTPS_PROXY for https
// URLs, HTTP_PROXY for http ones (upper case first, then lower case), NO_PROXY
// exclusions, never for localhost. ALL_PROXY is not read: Go ignores it (curl
// and Python's requests do not), and the ladder says so.
func proxyFunc(env checks.Env) func(*url.URL) (*url.URL, error) {
	cfg := httpproxy.Config{
		HTTPProxy:  envAny(env, "HTTP_PROXY", "http_proxy"),
		HTTPSProxy: envAny(env, "HTTPS_PROXY", "https_proxy"),
		NoProxy:    envAny(env, "NO_PROXY", "no_proxy"),
		CGI:        env["REQUEST_METHOD"] != "",
	}
	return cfg.ProxyFunc()
}

func envAny(env checks.Env, names ...string) string {
	for _, n := range names {
		if v := env[n]; v != "" {
			return v
		}
	}
	return ""
}

// proxyDisplay is a proxy URL without its credentials.
func proxyDisplay(p *url.URL) string {
	if p == nil {
		return ""
	}
	q := *p
	q.User = nil
	return q.String()
}

// proxyText shows a proxy setting without its credentials.
func proxyText(v string) string {
	if u, err := url.Parse(v); err == nil && u.Host != "" {
		return proxyDisplay(u)
	}
	if i := strings.LastIndex(v, "@"); i >= 0 {
		return v[i+1:]
	}
	return v
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
