package probe

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/unstuck-dev/unstuck/checks"
)

// netRungs runs the ladder (failing if it hangs) and indexes it by ID.
func netRungs(t *testing.T, s *checks.Setup) map[string]checks.Result {
	t.Helper()
	rs := netWithin(t, func() []checks.Result { return Ladder(context.Background(), s) })
	want := []string{checks.CheckProxy, checks.CheckDNS, checks.CheckTCP, checks.CheckTLS}
	if len(rs) != len(want) {
		t.Fatalf("%d results, want %d", len(rs), len(want))
	}
	m := map[string]checks.Result{}
	for i, r := range rs {
		if r.ID != want[i] {
			t.Errorf("result %d is %q, want %q", i, r.ID, want[i])
		}
		if r.Summary == "" || r.Title == "" {
			t.Errorf("%s: empty title or summary", r.ID)
		}
		m[r.ID] = r
	}
	netNoKey(t, rs...)
	return m
}

// netExpect checks one rung's status and cause.
func netExpect(t *testing.T, m map[string]checks.Result, id string, st checks.Status, cause string) {
	t.Helper()
	r := m[id]
	if r.Status != st || r.Cause != cause {
		t.Errorf("%s: %s/%q (%s), want %s/%q", id, r.Status, r.Cause, r.Summary, st, cause)
	}
}

func netTLSServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewTLSServer(newNetOpenAI())
	t.Cleanup(srv.Close)
	return srv
}

func TestLadderHealthyTLS(t *testing.T) {
	srv := netTLSServer(t)
	// The test certificate is for example.com and *.example.com.
	s := netSetup(t, "openai", netAt(srv, "api.example.com")+"/v1", hooks{roots: netRoots(srv)})
	m := netRungs(t, s)
	netExpect(t, m, checks.CheckProxy, checks.Skip, "")
	netExpect(t, m, checks.CheckDNS, checks.Pass, "")
	netExpect(t, m, checks.CheckTCP, checks.Pass, "")
	netExpect(t, m, checks.CheckTLS, checks.Pass, "")
	if !strings.Contains(m[checks.CheckDNS].Summary, "127.0.0.1") {
		t.Errorf("dns summary %q does not show the address", m[checks.CheckDNS].Summary)
	}
}

func TestLadderPlainHTTPSkipsTLS(t *testing.T) {
	srv := netServe(t, newNetOpenAI())
	m := netRungs(t, netSetup(t, "openai", netAt(srv, "api.test")+"/v1", hooks{}))
	netExpect(t, m, checks.CheckTCP, checks.Pass, "")
	netExpect(t, m, checks.CheckTLS, checks.Skip, "")
}

func TestLadderDNSFailure(t *testing.T) {
	m := netRungs(t, netSetup(t, "openai", "https://api.nothing-here.invalid/v1", hooks{}))
	netExpect(t, m, checks.CheckProxy, checks.Skip, "")
	netExpect(t, m, checks.CheckDNS, checks.Fail, "dns-failure")
	netExpect(t, m, checks.CheckTCP, checks.Skip, "")
	netExpect(t, m, checks.CheckTLS, checks.Skip, "")
	if m[checks.CheckDNS].Evidence.FailedLayer != checks.CheckDNS {
		t.Errorf("failed layer %q", m[checks.CheckDNS].Evidence.FailedLayer)
	}
	if !strings.Contains(m[checks.CheckTCP].Summary, "DNS") {
		t.Errorf("tcp summary %q should name the failed layer", m[checks.CheckTCP].Summary)
	}
}

func TestLadderConnectionRefused(t *testing.T) {
	addr := netClosedPort(t)
	m := netRungs(t, netSetup(t, "openai", "https://"+addr+"/v1", hooks{}))
	netExpect(t, m, checks.CheckDNS, checks.Skip, "") // an IP: nothing to resolve
	netExpect(t, m, checks.CheckTCP, checks.Fail, "connection-refused")
	netExpect(t, m, checks.CheckTLS, checks.Skip, "")
}

func TestLadderCertificateForAnotherName(t *testing.T) {
	srv := netTLSServer(t)
	m := netRungs(t, netSetup(t, "openai", netAt(srv, "wrong.test")+"/v1", hooks{roots: netRoots(srv)}))
	netExpect(t, m, checks.CheckTCP, checks.Pass, "")
	netExpect(t, m, checks.CheckTLS, checks.Fail, "tls-failure")
	r := m[checks.CheckTLS]
	if !strings.Contains(r.Summary, "example.com") || !strings.Contains(r.Summary, "wrong.test") {
		t.Errorf("summary %q should name the certificate's names and the host", r.Summary)
	}
	if !strings.Contains(strings.Join(r.Details, "\n"), "issued by") {
		t.Errorf("details %q should describe the certificate", r.Details)
	}
}

func TestLadderUntrustedCertificate(t *testing.T) {
	srv := netTLSServer(t)
	// No injected roots: the system pool does not trust the test CA, as a
	// machine does not trust an intercepting proxy's own certificate.
	m := netRungs(t, netSetup(t, "openai", netAt(srv, "api.example.com")+"/v1", hooks{}))
	netExpect(t, m, checks.CheckTLS, checks.Fail, "tls-failure")
	if s := m[checks.CheckTLS].Summary; !strings.Contains(s, "self-signed") && !strings.Contains(s, "does not trust") {
		t.Errorf("summary %q", s)
	}
}

func TestLadderHTTPSToPlainPort(t *testing.T) {
	srv := netServe(t, newNetOpenAI())
	m := netRungs(t, netSetup(t, "openai", "https://"+strings.TrimPrefix(srv.URL, "http://")+"/v1", hooks{}))
	netExpect(t, m, checks.CheckTLS, checks.Fail, "tls-failure")
	if !strings.Contains(m[checks.CheckTLS].Summary, "plain HTTP") {
		t.Errorf("summary %q", m[checks.CheckTLS].Summary)
	}
}

func TestLadderProxyUnreachable(t *testing.T) {
	closed := netClosedPort(t)
	s := netSetup(t, "openai", "https://api.example.com/v1", hooks{}, func(s *checks.Setup) {
		s.Config.Env = checks.Env{"HTTPS_PROXY": "http://127.0.0.1:" + strings.Split(closed, ":")[1]}
	})
	m := netRungs(t, s)
	netExpect(t, m, checks.CheckProxy, checks.Fail, "proxy-failure")
	// With a proxy, resolving the API host is the proxy's job: DNS is not blamed.
	netExpect(t, m, checks.CheckDNS, checks.Skip, "")
	netExpect(t, m, checks.CheckTCP, checks.Skip, "")
	netExpect(t, m, checks.CheckTLS, checks.Skip, "")

	// The API checks through the same client name the proxy too.
	r := netModels(t, s)
	if r.Status != checks.Fail || r.Cause != "proxy-failure" {
		t.Errorf("models: %s/%q (%s), want proxy-failure", r.Status, r.Cause, r.Summary)
	}
}

func TestLadderThroughProxy(t *testing.T) {
	api := netTLSServer(t)
	px := &netConnectProxy{dialTo: strings.TrimPrefix(api.URL, "https://")}
	proxySrv := netServe(t, px)
	s := netSetup(t, "openai", "https://api.example.com/v1", hooks{roots: netRoots(api)}, func(s *checks.Setup) {
		s.Config.Env = checks.Env{"HTTPS_PROXY": proxySrv.URL}
	})
	m := netRungs(t, s)
	netExpect(t, m, checks.CheckProxy, checks.Pass, "")
	netExpect(t, m, checks.CheckDNS, checks.Skip, "")
	netExpect(t, m, checks.CheckTCP, checks.Pass, "")
	netExpect(t, m, checks.CheckTLS, checks.Pass, "")
	if m[checks.CheckProxy].Evidence.Proxy != proxySrv.URL {
		t.Errorf("proxy evidence %q", m[checks.CheckProxy].Evidence.Proxy)
	}

	r := netModels(t, s)
	if r.Status != checks.Pass {
		t.Errorf("models through the proxy: %s/%q (%s)", r.Status, r.Cause, r.Summary)
	}
	if r.Evidence.Proxy != proxySrv.URL {
		t.Errorf("models evidence proxy %q", r.Evidence.Proxy)
	}
	targets, headers := px.seen()
	for _, tg := range targets {
		if tg != "CONNECT api.example.com:443" {
			t.Errorf("proxy saw %q, want CONNECT to the API host by name", tg)
		}
	}
	for _, h := range headers {
		for name, vs := range h {
			for _, v := range vs {
				if strings.Contains(v, netTestKey) {
					t.Errorf("the proxy saw the key in %s", name)
				}
			}
		}
	}
}

func TestLadderProxyWantsCredentials(t *testing.T) {
	px := &netConnectProxy{refuse: http.StatusProxyAuthRequired}
	proxySrv := netServe(t, px)
	s := netSetup(t, "openai", "https://api.example.com/v1", hooks{}, func(s *checks.Setup) {
		s.Config.Env = checks.Env{"https_proxy": proxySrv.URL}
	})
	m := netRungs(t, s)
	netExpect(t, m, checks.CheckProxy, checks.Fail, "proxy-failure")
	if !strings.Contains(m[checks.CheckProxy].Summary, "credentials") {
		t.Errorf("summary %q", m[checks.CheckProxy].Summary)
	}
	r := netModels(t, s)
	if r.Cause != "proxy-failure" {
		t.Errorf("models: %s/%q (%s), want proxy-failure", r.Status, r.Cause, r.Summary)
	}
}

func TestLadderProxyCredentialsNeverShown(t *testing.T) {
	closed := netClosedPort(t)
	s := netSetup(t, "openai", "https://api.example.com/v1", hooks{}, func(s *checks.Setup) {
		s.Config.Env = checks.Env{"HTTPS_PROXY": "http://alice:proxy-pass-9f8e7d@" + closed}
	})
	for _, r := range netRungs(t, s) {
		b := r.Summary + strings.Join(r.Details, " ") + r.Evidence.Proxy
		if strings.Contains(b, "proxy-pass-9f8e7d") {
			t.Errorf("%s shows the proxy password: %s", r.ID, b)
		}
	}
}

func TestLadderNoProxyAndAllProxy(t *testing.T) {
	srv := netServe(t, newNetOpenAI())
	s := netSetup(t, "openai", netAt(srv, "api.test")+"/v1", hooks{}, func(s *checks.Setup) {
		s.Config.Env = checks.Env{"HTTP_PROXY": "http://127.0.0.1:9", "NO_PROXY": "api.test", "ALL_PROXY": "socks5://127.0.0.1:9"}
	})
	m := netRungs(t, s)
	netExpect(t, m, checks.CheckProxy, checks.Warn, "")
	if netFact(m[checks.CheckProxy], "proxy.all_proxy") != "ignored" {
		t.Errorf("facts %v", m[checks.CheckProxy].Facts)
	}
	netExpect(t, m, checks.CheckTCP, checks.Pass, "")
}

func TestLadderSilentTLSServerTimesOut(t *testing.T) {
	addr := netSilent(t)
	s := netSetup(t, "openai", "https://"+addr+"/v1", hooks{}, netTimeout(200*time.Millisecond))
	m := netRungs(t, s)
	netExpect(t, m, checks.CheckTCP, checks.Pass, "")
	netExpect(t, m, checks.CheckTLS, checks.Fail, "timeout")
	if got := m[checks.CheckTLS].Evidence.FailedLayer; got != checks.CheckTLS {
		t.Errorf("failed layer %q, want tls", got)
	}
}

func TestLadderWithoutBaseURL(t *testing.T) {
	s := netSetup(t, "openai", "", hooks{}, func(s *checks.Setup) { s.Endpoint, s.ModelsURL = "", "" })
	for _, r := range netRungs(t, s) {
		if r.Status != checks.Skip {
			t.Errorf("%s: %s, want skip", r.ID, r.Status)
		}
	}
}
