package checks

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// netRungs runs the ladder (failing if it hangs) and indexes it by ID.
func netRungs(t *testing.T, s *Setup) map[string]Result {
	t.Helper()
	rs := netWithin(t, func() []Result { return Ladder(context.Background(), s) })
	want := []string{CheckProxy, CheckDNS, CheckTCP, CheckTLS}
	if len(rs) != len(want) {
		t.Fatalf("%d results, want %d", len(rs), len(want))
	}
	m := map[string]Result{}
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
func netExpect(t *testing.T, m map[string]Result, id string, st Status, cause string) {
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
	s := netSetup(t, "openai", netAt(srv, "api.example.com")+"/v1", netHooks{roots: netRoots(srv)})
	m := netRungs(t, s)
	netExpect(t, m, CheckProxy, Skip, "")
	netExpect(t, m, CheckDNS, Pass, "")
	netExpect(t, m, CheckTCP, Pass, "")
	netExpect(t, m, CheckTLS, Pass, "")
	if !strings.Contains(m[CheckDNS].Summary, "127.0.0.1") {
		t.Errorf("dns summary %q does not show the address", m[CheckDNS].Summary)
	}
}

func TestLadderPlainHTTPSkipsTLS(t *testing.T) {
	srv := netServe(t, newNetOpenAI())
	m := netRungs(t, netSetup(t, "openai", netAt(srv, "api.test")+"/v1", netHooks{}))
	netExpect(t, m, CheckTCP, Pass, "")
	netExpect(t, m, CheckTLS, Skip, "")
}

func TestLadderDNSFailure(t *testing.T) {
	m := netRungs(t, netSetup(t, "openai", "https://api.nothing-here.invalid/v1", netHooks{}))
	netExpect(t, m, CheckProxy, Skip, "")
	netExpect(t, m, CheckDNS, Fail, "dns-failure")
	netExpect(t, m, CheckTCP, Skip, "")
	netExpect(t, m, CheckTLS, Skip, "")
	if m[CheckDNS].Evidence.FailedLayer != CheckDNS {
		t.Errorf("failed layer %q", m[CheckDNS].Evidence.FailedLayer)
	}
	if !strings.Contains(m[CheckTCP].Summary, "DNS") {
		t.Errorf("tcp summary %q should name the failed layer", m[CheckTCP].Summary)
	}
}

func TestLadderConnectionRefused(t *testing.T) {
	addr := netClosedPort(t)
	m := netRungs(t, netSetup(t, "openai", "https://"+addr+"/v1", netHooks{}))
	netExpect(t, m, CheckDNS, Skip, "") // an IP: nothing to resolve
	netExpect(t, m, CheckTCP, Fail, "connection-refused")
	netExpect(t, m, CheckTLS, Skip, "")
}

func TestLadderCertificateForAnotherName(t *testing.T) {
	srv := netTLSServer(t)
	m := netRungs(t, netSetup(t, "openai", netAt(srv, "wrong.test")+"/v1", netHooks{roots: netRoots(srv)}))
	netExpect(t, m, CheckTCP, Pass, "")
	netExpect(t, m, CheckTLS, Fail, "tls-failure")
	r := m[CheckTLS]
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
	m := netRungs(t, netSetup(t, "openai", netAt(srv, "api.example.com")+"/v1", netHooks{}))
	netExpect(t, m, CheckTLS, Fail, "tls-failure")
	if s := m[CheckTLS].Summary; !strings.Contains(s, "self-signed") && !strings.Contains(s, "does not trust") {
		t.Errorf("summary %q", s)
	}
}

func TestLadderHTTPSToPlainPort(t *testing.T) {
	srv := netServe(t, newNetOpenAI())
	m := netRungs(t, netSetup(t, "openai", "https://"+strings.TrimPrefix(srv.URL, "http://")+"/v1", netHooks{}))
	netExpect(t, m, CheckTLS, Fail, "tls-failure")
	if !strings.Contains(m[CheckTLS].Summary, "plain HTTP") {
		t.Errorf("summary %q", m[CheckTLS].Summary)
	}
}

func TestLadderProxyUnreachable(t *testing.T) {
	closed := netClosedPort(t)
	s := netSetup(t, "openai", "https://api.example.com/v1", netHooks{}, func(s *Setup) {
		s.Config.Env = Env{"HTTPS_PROXY": "http://127.0.0.1:" + strings.Split(closed, ":")[1]}
	})
	m := netRungs(t, s)
	netExpect(t, m, CheckProxy, Fail, "proxy-failure")
	// With a proxy, resolving the API host is the proxy's job: DNS is not blamed.
	netExpect(t, m, CheckDNS, Skip, "")
	netExpect(t, m, CheckTCP, Skip, "")
	netExpect(t, m, CheckTLS, Skip, "")

	// The API checks through the same client name the proxy too.
	r := netModels(t, s)
	if r.Status != Fail || r.Cause != "proxy-failure" {
		t.Errorf("models: %s/%q (%s), want proxy-failure", r.Status, r.Cause, r.Summary)
	}
}

func TestLadderThroughProxy(t *testing.T) {
	api := netTLSServer(t)
	px := &netConnectProxy{dialTo: strings.TrimPrefix(api.URL, "https://")}
	proxySrv := netServe(t, px)
	s := netSetup(t, "openai", "https://api.example.com/v1", netHooks{roots: netRoots(api)}, func(s *Setup) {
		s.Config.Env = Env{"HTTPS_PROXY": proxySrv.URL}
	})
	m := netRungs(t, s)
	netExpect(t, m, CheckProxy, Pass, "")
	netExpect(t, m, CheckDNS, Skip, "")
	netExpect(t, m, CheckTCP, Pass, "")
	netExpect(t, m, CheckTLS, Pass, "")
	if m[CheckProxy].Evidence.Proxy != proxySrv.URL {
		t.Errorf("proxy evidence %q", m[CheckProxy].Evidence.Proxy)
	}

	r := netModels(t, s)
	if r.Status != Pass {
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
	s := netSetup(t, "openai", "https://api.example.com/v1", netHooks{}, func(s *Setup) {
		s.Config.Env = Env{"https_proxy": proxySrv.URL}
	})
	m := netRungs(t, s)
	netExpect(t, m, CheckProxy, Fail, "proxy-failure")
	if !strings.Contains(m[CheckProxy].Summary, "credentials") {
		t.Errorf("summary %q", m[CheckProxy].Summary)
	}
	r := netModels(t, s)
	if r.Cause != "proxy-failure" {
		t.Errorf("models: %s/%q (%s), want proxy-failure", r.Status, r.Cause, r.Summary)
	}
}

func TestLadderProxyCredentialsNeverShown(t *testing.T) {
	closed := netClosedPort(t)
	s := netSetup(t, "openai", "https://api.example.com/v1", netHooks{}, func(s *Setup) {
		s.Config.Env = Env{"HTTPS_PROXY": "http://alice:proxy-pass-9f8e7d@" + closed}
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
	s := netSetup(t, "openai", netAt(srv, "api.test")+"/v1", netHooks{}, func(s *Setup) {
		s.Config.Env = Env{"HTTP_PROXY": "http://127.0.0.1:9", "NO_PROXY": "api.test", "ALL_PROXY": "socks5://127.0.0.1:9"}
	})
	m := netRungs(t, s)
	netExpect(t, m, CheckProxy, Warn, "")
	if netFact(m[CheckProxy], "proxy.all_proxy") != "ignored" {
		t.Errorf("facts %v", m[CheckProxy].Facts)
	}
	netExpect(t, m, CheckTCP, Pass, "")
}

func TestLadderSilentTLSServerTimesOut(t *testing.T) {
	addr := netSilent(t)
	s := netSetup(t, "openai", "https://"+addr+"/v1", netHooks{}, netTimeout(200*time.Millisecond))
	m := netRungs(t, s)
	netExpect(t, m, CheckTCP, Pass, "")
	netExpect(t, m, CheckTLS, Fail, "timeout")
}

func TestLadderWithoutBaseURL(t *testing.T) {
	s := netSetup(t, "openai", "", netHooks{}, func(s *Setup) { s.Endpoint, s.ModelsURL = "", "" })
	for _, r := range netRungs(t, s) {
		if r.Status != Skip {
			t.Errorf("%s: %s, want skip", r.ID, r.Status)
		}
	}
}
