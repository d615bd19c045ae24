package probe

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/checks/classify"
)

func TestClientSendsKeyOnlyInItsHeader(t *testing.T) {
	cases := []struct {
		name     string
		protocol string
		mod      func(*checks.Setup)
		want     string // header that must carry the key
		wantVal  string
	}{
		{"openai bearer", "openai", nil, "Authorization", "Bearer " + netTestKey},
		{"anthropic x-api-key", "anthropic", nil, "X-Api-Key", netTestKey},
		{"anthropic auth token is bearer", "anthropic", func(s *checks.Setup) { s.KeyEnv = "ANTHROPIC_AUTH_TOKEN"; s.Profile.AuthHeaders = nil }, "Authorization", "Bearer " + netTestKey},
		{"azure api-key", "openai", func(s *checks.Setup) { s.Profile.AuthHeaders = []string{"api-key"} }, "Api-Key", netTestKey},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var hits netHits
			var rawQuery string
			srv := netServe(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.record(r)
				rawQuery = r.URL.RawQuery
				netJSON(w, 200, map[string]any{"data": []any{}})
			}))
			var opts []func(*checks.Setup)
			if tc.mod != nil {
				opts = append(opts, tc.mod)
			}
			s := netSetup(t, tc.protocol, srv.URL, hooks{}, opts...)
			rep, err := sessionFor(s).client.Do(context.Background(), Call{URL: s.ModelsURL})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Status != 200 {
				t.Fatalf("status %d", rep.Status)
			}
			h := hits.header()
			if got := h.Get(tc.want); got != tc.wantVal {
				t.Errorf("%s = %q, want the key there", tc.want, got)
			}
			n := 0
			for name, vs := range h {
				for _, v := range vs {
					if strings.Contains(v, netTestKey) {
						n++
						if name != tc.want {
							t.Errorf("the key also went in %s", name)
						}
					}
				}
			}
			if n != 1 {
				t.Errorf("the key was sent %d times, want once", n)
			}
			if strings.Contains(rawQuery, netTestKey) {
				t.Error("the key went in the URL")
			}
			if tc.protocol == "anthropic" && h.Get("anthropic-version") == "" {
				t.Error("no anthropic-version header")
			}
			if h.Get("Accept-Encoding") != "" {
				t.Errorf("Accept-Encoding %q sent: compression must not be asked for", h.Get("Accept-Encoding"))
			}
		})
	}
}

func TestClientUserHeadersAreSent(t *testing.T) {
	var hits netHits
	srv := netServe(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.record(r)
		w.WriteHeader(204)
	}))
	s := netSetup(t, "openai", srv.URL, hooks{}, func(s *checks.Setup) {
		s.Headers = []checks.Header{{Name: "x-portkey-provider", Value: "openai"}}
	})
	if _, err := sessionFor(s).client.Do(context.Background(), Call{URL: s.ModelsURL}); err != nil {
		t.Fatal(err)
	}
	if got := hits.header().Get("X-Portkey-Provider"); got != "openai" {
		t.Errorf("x-portkey-provider = %q", got)
	}
}

func TestClientRefusesKeyWithLineBreak(t *testing.T) {
	var hits netHits
	srv := netServe(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.record(r) }))
	s := netSetup(t, "openai", srv.URL, hooks{}, func(s *checks.Setup) { s.Key = checks.NewSecret(netTestKey + "\n") })
	_, err := sessionFor(s).client.Do(context.Background(), Call{URL: s.ModelsURL})
	var ke *checks.KeyUnsendableError
	if !errors.As(err, &ke) {
		t.Fatalf("err = %v, want KeyUnsendableError", err)
	}
	if strings.Contains(err.Error(), netTestKey) {
		t.Error("the error holds the key")
	}
	if hits.n.Load() != 0 {
		t.Error("a request was sent")
	}
	if v := classify.Transport(err); v.Cause != "key-whitespace" {
		t.Errorf("cause %q, want key-whitespace", v.Cause)
	}
}

// netDo runs one call and fails the test if it hangs.
func netDo(t *testing.T, s *checks.Setup, call Call) (*Reply, error) {
	t.Helper()
	type out struct {
		r *Reply
		e error
	}
	o := netWithin(t, func() out {
		r, e := sessionFor(s).client.Do(context.Background(), call)
		return out{r, e}
	})
	return o.r, o.e
}

func TestClientSilentServerTimesOut(t *testing.T) {
	addr := netSilent(t)
	s := netSetup(t, "openai", "http://"+addr+"/v1", hooks{}, netTimeout(200*time.Millisecond))
	r, err := netDo(t, s, Call{URL: s.ModelsURL})
	var te *checks.TimeoutError
	if !errors.As(err, &te) {
		t.Fatalf("err = %v, want a TimeoutError", err)
	}
	if te.Step != checks.StepFirstByte {
		t.Errorf("step %q, want waiting for the first byte", te.Step)
	}
	if r == nil {
		t.Fatal("no reply with timings")
	}
	if v := classify.Transport(err); v.Cause != "timeout" || v.Layer != "http" {
		t.Errorf("explained as %+v", v)
	}
}

func TestClientTricklingBodyIsBounded(t *testing.T) {
	srv := netServe(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(200)
		fl := w.(http.Flusher)
		for {
			if _, err := w.Write([]byte(" ")); err != nil {
				return
			}
			fl.Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}))
	s := netSetup(t, "openai", srv.URL+"/v1", hooks{}, netTimeout(200*time.Millisecond))
	_, err := netDo(t, s, Call{URL: s.ModelsURL})
	var te *checks.TimeoutError
	if !errors.As(err, &te) || (te.Step != checks.StepHeaders && te.Step != checks.StepBody) {
		t.Fatalf("err = %v, want a timeout while reading the answer", err)
	}
}

// netHuge streams n bytes without ever holding them.
func netHuge(n int64) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		chunk := bytes.Repeat([]byte("a"), 32<<10)
		for sent := int64(0); sent < n; sent += int64(len(chunk)) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}
}

func TestClientCapsHugeBody(t *testing.T) {
	srv := netServe(t, netHuge(1<<30))
	s := netSetup(t, "openai", srv.URL+"/v1", hooks{})
	rep, err := netDo(t, s, Call{URL: s.ModelsURL})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Truncated {
		t.Error("Truncated is false for a 1 GB body")
	}
	if len(rep.Body) != maxBody {
		t.Errorf("kept %d bytes, want the cap %d", len(rep.Body), maxBody)
	}
}

func TestClientCapsGzipBomb(t *testing.T) {
	// One gzip member of 1 MiB of zeros is about 1 KB; 1024 of them in a
	// row are one valid gzip stream of 1 GB, sent whole in about 1 MB.
	var member bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&member, gzip.BestCompression)
	_, _ = zw.Write(make([]byte, 1<<20))
	zw.Close()
	var hits netHits
	srv := netServe(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.record(r)
		// Sent although nobody asked for it.
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Type", "application/json")
		for i := 0; i < 1024; i++ {
			if _, err := w.Write(member.Bytes()); err != nil {
				return
			}
		}
	}))
	s := netSetup(t, "openai", srv.URL+"/v1", hooks{})
	rep, err := netDo(t, s, Call{URL: s.ModelsURL})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Truncated || len(rep.Body) != maxBody {
		t.Errorf("Truncated=%v len=%d, want the decoded body cut at %d", rep.Truncated, len(rep.Body), maxBody)
	}
	if rep.Body[0] != 0 {
		t.Error("the body was not decoded")
	}
	if hits.header().Get("Accept-Encoding") != "" {
		t.Error("compression was asked for")
	}
}

func TestClientRedirectLoopStops(t *testing.T) {
	srv := netServe(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/models" {
			http.Redirect(w, r, "/v1/models/", http.StatusFound)
			return
		}
		http.Redirect(w, r, "/v1/models", http.StatusFound)
	}))
	s := netSetup(t, "openai", srv.URL+"/v1", hooks{})
	_, err := sessionFor(s).client.Do(context.Background(), Call{URL: s.ModelsURL})
	var re *checks.RedirectError
	if !errors.As(err, &re) || !re.Loop {
		t.Fatalf("err = %v, want a redirect loop", err)
	}
	if v := classify.Transport(err); !strings.Contains(v.Reason, "redirect loop") || v.Cause != "base-url-path" {
		t.Errorf("explained as %+v", v)
	}
}

func TestClientRedirectTooLong(t *testing.T) {
	srv := netServe(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Path+"x", http.StatusFound)
	}))
	s := netSetup(t, "openai", srv.URL+"/v1", hooks{})
	_, err := sessionFor(s).client.Do(context.Background(), Call{URL: s.ModelsURL})
	var re *checks.RedirectError
	if !errors.As(err, &re) || re.Loop {
		t.Fatalf("err = %v, want too many redirects", err)
	}
}

func TestClientRedirectToOtherHostDropsCredentials(t *testing.T) {
	for _, tc := range []struct {
		protocol string
		status   int
	}{{"openai", http.StatusFound}, {"anthropic", http.StatusTemporaryRedirect}, {"openai", http.StatusPermanentRedirect}} {
		t.Run(tc.protocol+"/"+http.StatusText(tc.status), func(t *testing.T) {
			var other netHits
			otherSrv := netServe(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				other.record(r)
				netJSON(w, 200, map[string]any{"data": []any{map[string]any{"id": "gpt-4o"}}})
			}))
			first := netServe(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, otherSrv.URL+r.URL.Path, tc.status)
			}))
			s := netSetup(t, tc.protocol, netAt(first, "api.test"), hooks{}, func(s *checks.Setup) {
				s.Headers = []checks.Header{{Name: "X-Portkey-Api-Key", Value: "pk-secret-value-123456"}, {Name: "X-Title", Value: "my-app"}}
			})
			rep, err := sessionFor(s).client.Do(context.Background(), Call{URL: s.ModelsURL})
			if err != nil {
				t.Fatal(err)
			}
			if other.n.Load() != 1 {
				t.Fatalf("the other host got %d requests", other.n.Load())
			}
			h := other.header()
			for _, name := range []string{"Authorization", "X-Api-Key", "Api-Key", "X-Portkey-Api-Key"} {
				if v := h.Get(name); v != "" {
					t.Errorf("the other host received %s: %q", name, v)
				}
			}
			for name, vs := range h {
				for _, v := range vs {
					if strings.Contains(v, netTestKey) {
						t.Errorf("the key reached the other host in %s", name)
					}
				}
			}
			if h.Get("X-Title") != "my-app" {
				t.Error("a harmless header was dropped too")
			}
			if len(rep.Redirects) != 1 {
				t.Errorf("redirects recorded: %v", rep.Redirects)
			}
		})
	}
}

func TestClientRedirectSameHostKeepsKey(t *testing.T) {
	var hits netHits
	srv := netServe(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/models" {
			http.Redirect(w, r, "/v1/models/", http.StatusMovedPermanently)
			return
		}
		hits.record(r)
		w.WriteHeader(204)
	}))
	s := netSetup(t, "openai", srv.URL+"/v1", hooks{})
	if _, err := sessionFor(s).client.Do(context.Background(), Call{URL: s.ModelsURL}); err != nil {
		t.Fatal(err)
	}
	if hits.header().Get("Authorization") == "" {
		t.Error("the key was dropped on a same-host redirect")
	}
}

func TestProxyFromEnvironment(t *testing.T) {
	u := func(s string) *url.URL { v, _ := url.Parse(s); return v }
	cases := []struct {
		name   string
		env    checks.Env
		target string
		want   string
	}{
		{"https uses HTTPS_PROXY", checks.Env{"HTTPS_PROXY": "http://proxy:3128"}, "https://api.openai.com/v1", "http://proxy:3128"},
		{"lower case too", checks.Env{"https_proxy": "http://p2:8080"}, "https://api.openai.com/v1", "http://p2:8080"},
		{"upper case wins", checks.Env{"HTTPS_PROXY": "http://up:1", "https_proxy": "http://low:2"}, "https://api.openai.com", "http://up:1"},
		{"http uses HTTP_PROXY", checks.Env{"HTTP_PROXY": "http://p:1", "HTTPS_PROXY": "http://q:2"}, "http://gw.internal/v1", "http://p:1"},
		{"https does not fall back to HTTP_PROXY", checks.Env{"HTTP_PROXY": "http://p:1"}, "https://api.openai.com", ""},
		{"NO_PROXY suffix", checks.Env{"HTTPS_PROXY": "http://p:1", "NO_PROXY": ".openai.com"}, "https://api.openai.com", ""},
		{"no_proxy lower", checks.Env{"HTTPS_PROXY": "http://p:1", "no_proxy": "api.openai.com"}, "https://api.openai.com", ""},
		{"never localhost", checks.Env{"HTTP_PROXY": "http://p:1"}, "http://localhost:11434/v1", ""},
		{"ALL_PROXY ignored", checks.Env{"ALL_PROXY": "socks5://p:1080"}, "https://api.openai.com", ""},
		{"bare host:port", checks.Env{"HTTPS_PROXY": "proxy:3128"}, "https://api.openai.com", "http://proxy:3128"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := proxyFunc(tc.env)(u(tc.target))
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if p != nil {
				got = p.String()
			}
			if got != tc.want {
				t.Errorf("proxy %q, want %q", got, tc.want)
			}
		})
	}
}

func TestReplyReadStopsAtCap(t *testing.T) {
	b := &cappedBody{raw: io.NopCloser(bytes.NewReader(make([]byte, maxBody+10))), left: maxBody, done: func() {}}
	r := &Reply{body: b}
	got, err := io.ReadAll(r)
	if !errors.Is(err, errTruncated) || len(got) != maxBody || !r.Truncated {
		t.Errorf("len %d err %v truncated %v", len(got), err, r.Truncated)
	}
	b = &cappedBody{raw: io.NopCloser(bytes.NewReader(make([]byte, maxBody))), left: maxBody, done: func() {}}
	r = &Reply{body: b}
	got, err = io.ReadAll(r)
	if err != nil || len(got) != maxBody || r.Truncated {
		t.Errorf("a body exactly at the cap: len %d err %v truncated %v", len(got), err, r.Truncated)
	}
}
