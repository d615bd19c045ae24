package probe

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/checks/setup"
)

// trustCA is a private root (a company's TLS-inspecting proxy, say) and
// a leaf it signed for 127.0.0.1.
type trustCA struct {
	root    *x509.Certificate
	rootPEM []byte
	leaf    tls.Certificate
}

func newTrustCA(t *testing.T, name string) trustCA {
	t.Helper()
	rootKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	rootTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: name, Organization: []string{"Example Corp"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	rootDER, err := x509.CreateCertificate(rand.Reader, rootTmpl, rootTmpl, &rootKey.PublicKey, rootKey)
	if err != nil {
		t.Fatal(err)
	}
	root, _ := x509.ParseCertificate(rootDER)
	leafKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	leafTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(12 * time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, root, &leafKey.PublicKey, rootKey)
	if err != nil {
		t.Fatal(err)
	}
	return trustCA{
		root:    root,
		rootPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: rootDER}),
		leaf:    tls.Certificate{Certificate: [][]byte{leafDER}, PrivateKey: leafKey},
	}
}

func (ca trustCA) pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.root)
	return p
}

// serve starts an HTTPS server on 127.0.0.1 presenting the CA's leaf.
func (ca trustCA) serve(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"object":"list","data":[]}`))
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{ca.leaf}}
	// The checks hang up right after the handshake: not the server's error.
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// realClients are the clients of content/clients.yaml: the check follows
// the data a support engineer edits.
func realClients(t *testing.T) []checks.ClientSpec {
	t.Helper()
	data, err := os.ReadFile("../../content/clients.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cs, err := setup.ParseClients(data)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// runTrust runs the check against the server as client, with system as
// the system's roots and env as the environment.
func runTrust(t *testing.T, srv *httptest.Server, client string, system *x509.CertPool, env checks.Env) checks.Result {
	t.Helper()
	s := netSetup(t, "openai", srv.URL+"/v1", hooks{roots: system}, func(s *checks.Setup) {
		s.Client = client
		s.Config.Clients = realClients(t)
		s.Config.Env = env
	})
	r := Trust(t.Context(), s)
	t.Logf("%s: %s — %s\n  %s", r.Status, r.Cause, r.Summary, strings.Join(r.Details, "\n  "))
	return r
}

func expectTrust(t *testing.T, r checks.Result, st checks.Status, cause string, says ...string) {
	t.Helper()
	if r.Status != st || r.Cause != cause {
		t.Fatalf("got %s/%q, want %s/%q: %s", r.Status, r.Cause, st, cause, r.Summary)
	}
	all := r.Summary + "\n" + strings.Join(r.Details, "\n")
	for _, s := range says {
		if !strings.Contains(all, s) {
			t.Errorf("the result does not say %q:\n%s", s, all)
		}
	}
}

// The corporate proxy's root is in the system's store but not in Node's:
// the system trusts the certificate, Node does not, and that is named.
func TestTrustSystemYesNodeNo(t *testing.T) {
	ca := newTrustCA(t, "Example Corp Inspection Root")
	srv := ca.serve(t)
	r := runTrust(t, srv, "ai-sdk", ca.pool(), checks.Env{})
	expectTrust(t, r, checks.Fail, "tls-failure",
		"the system trusts this certificate, Node will not",
		"the Mozilla roots bundled in Node", "«Example Corp Inspection Root»", "NODE_EXTRA_CA_CERTS (not set)",
		"export NODE_EXTRA_CA_CERTS=")
	if r.Evidence.FailedLayer != checks.CheckTLS {
		t.Errorf("failed layer %q, want tls", r.Evidence.FailedLayer)
	}
}

func TestTrustNodeExtraCACertsHoldsTheRoot(t *testing.T) {
	ca := newTrustCA(t, "Example Corp Inspection Root")
	srv := ca.serve(t)
	// The file holds another certificate first, as bundles do.
	other := newTrustCA(t, "Unrelated Root")
	file := writeFile(t, "corp.pem", append(other.rootPEM, ca.rootPEM...))
	r := runTrust(t, srv, "ai-sdk", ca.pool(), checks.Env{"NODE_EXTRA_CA_CERTS": file})
	expectTrust(t, r, checks.Pass, "", "Node trusts this certificate through NODE_EXTRA_CA_CERTS, as the system does", "2 certificate(s)")
}

func TestTrustNodeExtraCACertsMissingFile(t *testing.T) {
	ca := newTrustCA(t, "Example Corp Inspection Root")
	srv := ca.serve(t)
	missing := filepath.Join(t.TempDir(), "nope.pem")
	r := runTrust(t, srv, "ai-sdk", ca.pool(), checks.Env{"NODE_EXTRA_CA_CERTS": missing})
	expectTrust(t, r, checks.Fail, "tls-failure",
		"NODE_EXTRA_CA_CERTS points to "+missing+", which does not exist: Node ignores it",
		"the system trusts this certificate, Node will not")
}

// Node and Bun add the system's store when told to.
func TestTrustSystemCASwitches(t *testing.T) {
	ca := newTrustCA(t, "Example Corp Inspection Root")
	srv := ca.serve(t)
	for _, tc := range []struct {
		client string
		env    checks.Env
		says   string
	}{
		{"ai-sdk", checks.Env{"NODE_USE_SYSTEM_CA": "1"}, "NODE_USE_SYSTEM_CA=1"},
		{"ai-sdk", checks.Env{"NODE_OPTIONS": "--max-old-space-size=4096 --use-system-ca"}, "NODE_OPTIONS --use-system-ca"},
		{"opencode", checks.Env{"NODE_USE_SYSTEM_CA": "1"}, "Bun trusts"},
	} {
		r := runTrust(t, srv, tc.client, ca.pool(), tc.env)
		expectTrust(t, r, checks.Pass, "", tc.says)
	}
	// NODE_USE_SYSTEM_CA=0 is not a yes.
	r := runTrust(t, srv, "ai-sdk", ca.pool(), checks.Env{"NODE_USE_SYSTEM_CA": "0"})
	expectTrust(t, r, checks.Fail, "tls-failure")
}

// Claude Code's recent releases read the system's store themselves: a
// root only the system has is a warning, which says which releases fail.
func TestTrustClaudeCodeSystemOnlyRootWarns(t *testing.T) {
	ca := newTrustCA(t, "Example Corp Inspection Root")
	srv := ca.serve(t)
	r := runTrust(t, srv, "claude-code", ca.pool(), checks.Env{})
	expectTrust(t, r, checks.Warn, "", "Claude Code's Bun runtime will not", "recent releases of Claude Code")
}

// The client trusts what the system does not: the user's client
// connects; the tls check's failure is ours, and that is said.
func TestTrustClientYesSystemNo(t *testing.T) {
	ca := newTrustCA(t, "Example Corp Inspection Root")
	srv := ca.serve(t)
	file := writeFile(t, "corp.pem", ca.rootPEM)
	r := runTrust(t, srv, "ai-sdk", x509.NewCertPool(), checks.Env{"NODE_EXTRA_CA_CERTS": file})
	expectTrust(t, r, checks.Warn, "", "the system does not", "Node trusts this certificate through NODE_EXTRA_CA_CERTS")
}

// Codex trusts the system's store, adds CODEX_CA_CERTIFICATE (before
// SSL_CERT_FILE), and refuses to start with a file it cannot use.
func TestTrustCodex(t *testing.T) {
	ca := newTrustCA(t, "Example Corp Inspection Root")
	srv := ca.serve(t)
	expectTrust(t, runTrust(t, srv, "codex", ca.pool(), checks.Env{}), checks.Pass, "", "as the system does")

	file := writeFile(t, "corp.pem", ca.rootPEM)
	r := runTrust(t, srv, "codex", x509.NewCertPool(), checks.Env{"CODEX_CA_CERTIFICATE": file, "SSL_CERT_FILE": "/elsewhere.pem"})
	expectTrust(t, r, checks.Warn, "", "trusts this certificate through CODEX_CA_CERTIFICATE",
		"SSL_CERT_FILE is set too, but Codex (Rust, rustls) reads CODEX_CA_CERTIFICATE first")

	notPEM := writeFile(t, "junk.pem", []byte("this is not a certificate\n"))
	r = runTrust(t, srv, "codex", ca.pool(), checks.Env{"SSL_CERT_FILE": notPEM})
	expectTrust(t, r, checks.Fail, "tls-failure",
		"SSL_CERT_FILE points to "+notPEM+", which holds no PEM certificate", "Codex CLI cannot connect anywhere")
}

// httpx (LangChain): SSL_CERT_FILE replaces certifi.
func TestTrustPythonReplacesCertifi(t *testing.T) {
	ca := newTrustCA(t, "Example Corp Inspection Root")
	srv := ca.serve(t)
	expectTrust(t, runTrust(t, srv, "langchain", ca.pool(), checks.Env{}), checks.Fail, "tls-failure",
		"httpx will not", "certifi's Mozilla roots", "SSL_CERT_FILE / SSL_CERT_DIR (not set)")
	file := writeFile(t, "corp.pem", ca.rootPEM)
	expectTrust(t, runTrust(t, srv, "langchain", ca.pool(), checks.Env{"SSL_CERT_FILE": file}), checks.Pass, "",
		"used instead of certifi's Mozilla roots")
	dir := filepath.Dir(writeFile(t, "corp.pem", ca.rootPEM))
	expectTrust(t, runTrust(t, srv, "langchain", ca.pool(), checks.Env{"SSL_CERT_DIR": dir}), checks.Pass, "", "SSL_CERT_DIR="+dir)
	// The variable names a file, not the folder it wants.
	expectTrust(t, runTrust(t, srv, "langchain", ca.pool(), checks.Env{"SSL_CERT_DIR": file}), checks.Fail, "tls-failure",
		"which is a file, not a folder")
}

// The OpenAI SDK ships on Node and Python: both are judged, the worst
// leads, each has its line.
func TestTrustBothRuntimes(t *testing.T) {
	ca := newTrustCA(t, "Example Corp Inspection Root")
	srv := ca.serve(t)
	file := writeFile(t, "corp.pem", ca.rootPEM)
	r := runTrust(t, srv, "openai-sdk", ca.pool(), checks.Env{"NODE_EXTRA_CA_CERTS": file})
	expectTrust(t, r, checks.Fail, "tls-failure", "httpx will not", "Node: Node trusts this certificate through NODE_EXTRA_CA_CERTS")
}

func TestTrustSkips(t *testing.T) {
	ca := newTrustCA(t, "Example Corp Inspection Root")
	srv := ca.serve(t)
	expectTrust(t, runTrust(t, srv, "", ca.pool(), checks.Env{}), checks.Skip, "", "no client named")
	plain := netServe(t, http.NotFoundHandler())
	expectTrust(t, runTrust(t, plain, "ai-sdk", nil, checks.Env{}), checks.Skip, "", "plain http")
}

// A stored real chain, verified at a fixed time against Mozilla's roots
// (x/crypto's bundle) and without any network: Node trusts it as a
// system with the same roots would, and not once it has expired.
func TestTrustStoredRealChain(t *testing.T) {
	data, err := os.ReadFile("testdata/www.google.com-2023.pem")
	if err != nil {
		t.Fatal(err)
	}
	var chain []*x509.Certificate
	for rest := data; ; {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			break
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		chain = append(chain, c)
	}
	if len(chain) != 2 {
		t.Fatalf("%d certificates in the stored chain, want leaf and intermediate", len(chain))
	}
	spec, _ := setup.FindClient(realClients(t), "ai-sdk")
	j := judge{chain: chain, host: "www.google.com", now: time.Unix(1677615892, 0), system: mozillaRoots(), mozilla: mozillaRoots(), env: checks.Env{}}
	r := j.result(checks.Result{ID: CheckTrust}, spec)
	expectTrust(t, r, checks.Pass, "", "Node trusts this certificate, as the system does (root «GTS Root R1»)")

	// A system without that root: Node still trusts it, the system not.
	j.system = x509.NewCertPool()
	expectTrust(t, j.result(checks.Result{ID: CheckTrust}, spec), checks.Warn, "", "the system does not")

	// Months later the leaf has expired: nobody trusts it.
	j.system, j.now = mozillaRoots(), time.Date(2023, 6, 1, 0, 0, 0, 0, time.UTC)
	expectTrust(t, j.result(checks.Result{ID: CheckTrust}, spec), checks.Fail, "tls-failure", "neither the system nor Node trusts this certificate", "expired")

	// Another name than the certificate's.
	j.now, j.host = time.Unix(1677615892, 0), "api.openai.com"
	expectTrust(t, j.result(checks.Result{ID: CheckTrust}, spec), checks.Fail, "tls-failure", "neither the system nor Node")
}

// Bad CA files: each is one clear line, read within its bound.
func TestTrustBadCAFiles(t *testing.T) {
	dir := t.TempDir()
	huge := filepath.Join(dir, "huge.pem")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(maxCAFile + 1); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	f.Close()
	ca := newTrustCA(t, "Some Root")
	block, _ := pem.Decode(ca.rootPEM)
	der := writeFile(t, "root.der", block.Bytes)
	badBlock := writeFile(t, "bad.pem", []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"))
	keyOnly := writeFile(t, "key.pem", []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"))
	empty := writeFile(t, "empty.pem", nil)
	for _, tc := range []struct {
		path string
		dir  bool
		want string
	}{
		{filepath.Join(dir, "missing.pem"), false, "does not exist"},
		{dir, false, "is a folder, not a file"},
		{huge, false, "over 4 MiB"},
		{der, false, "is a DER (binary) certificate, not PEM"},
		{badBlock, false, "holds 1 PEM block(s) that are not valid certificates"},
		{keyOnly, false, "holds no PEM certificate"},
		{empty, false, "is empty"},
		{"/dev/zero", false, "is not a regular file"},
		{filepath.Join(dir, "missing"), true, "does not exist"},
		{t.TempDir(), true, "holds no readable PEM certificate"},
	} {
		certs, problem := readCAs(tc.path, tc.dir)
		if len(certs) != 0 || !strings.Contains(problem, tc.want) {
			t.Errorf("%s: got %d certs, %q; want %q", tc.path, len(certs), problem, tc.want)
		}
	}
	if os.Getuid() != 0 { // root reads a file whatever its mode
		unreadable := writeFile(t, "locked.pem", ca.rootPEM)
		if err := os.Chmod(unreadable, 0); err != nil {
			t.Fatal(err)
		}
		if _, problem := readCAs(unreadable, false); !strings.Contains(problem, "cannot be read (permission denied)") {
			t.Errorf("unreadable file: %q", problem)
		}
	}
	// A good one, for contrast.
	good := writeFile(t, "good.pem", ca.rootPEM)
	if certs, problem := readCAs(good, false); len(certs) != 1 || problem != "" {
		t.Errorf("good file: %d certs, %q", len(certs), problem)
	}
}
