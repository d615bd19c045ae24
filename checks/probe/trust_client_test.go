package probe

import (
	"crypto/x509"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/checks/setup"
)

// resolvedClaudeCode resolves Claude Code from a temporary home whose
// ~/.claude/settings.json points it at srv and sets env (its "env"
// block); shell is the shell's own environment. system stands for the
// operating system's roots.
func resolvedClaudeCode(t *testing.T, base string, settingsEnv map[string]string, shell checks.Env, system *x509.CertPool) *checks.Setup {
	t.Helper()
	home := t.TempDir()
	env := map[string]string{"ANTHROPIC_BASE_URL": base, "ANTHROPIC_API_KEY": "sk-ant-api03-" + strings.Repeat("a", 40)}
	for k, v := range settingsEnv {
		env[k] = v
	}
	var b strings.Builder
	b.WriteString(`{"env": {`)
	first := true
	for k, v := range env {
		if !first {
			b.WriteString(", ")
		}
		first = false
		b.WriteString(`"` + k + `": "` + v + `"`)
	}
	b.WriteString("}}\n")
	if err := os.MkdirAll(filepath.Join(home, ".claude"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, ".claude", "settings.json"), []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	e := checks.Env{"HOME": home}
	for k, v := range shell {
		e[k] = v
	}
	data, err := os.ReadFile("../../content/profiles.yaml")
	if err != nil {
		t.Fatal(err)
	}
	profiles, err := setup.ParseProfiles(data)
	if err != nil {
		t.Fatal(err)
	}
	s := setup.Resolve(checks.Config{Env: e, WorkDir: home, ConfigRoot: t.TempDir(), Profiles: profiles,
		Clients: realClients(t), Client: "claude-code", Timeout: 2 * time.Second})
	if s.Client != "claude-code" {
		t.Fatalf("resolved client %q (%s)", s.Client, s.ClientReason)
	}
	useHooks(s, hooks{roots: system, resolver: netTestResolver{}})
	return s
}

// A NODE_EXTRA_CA_CERTS set in Claude Code's settings.json "env" block is
// part of what Claude Code runs with: the trust check reads it there, not
// only in the shell, and says where it came from.
func TestTrustReadsTheClientsSettingsEnv(t *testing.T) {
	ca := newTrustCA(t, "Example Corp Inspection Root")
	srv := ca.serve(t)
	file := writeFile(t, "corp.pem", ca.rootPEM)
	s := resolvedClaudeCode(t, srv.URL, map[string]string{"NODE_EXTRA_CA_CERTS": file}, nil, x509.NewCertPool())
	r := Trust(t.Context(), s)
	t.Logf("%s: %s\n  %s", r.Status, r.Summary, strings.Join(r.Details, "\n  "))
	expectTrust(t, r, checks.Warn, "", "trusts this certificate through NODE_EXTRA_CA_CERTS",
		"NODE_EXTRA_CA_CERTS is set in Claude Code's own settings, not in the shell")
}

func ladderRung(t *testing.T, s *checks.Setup, id string) checks.Result {
	t.Helper()
	for _, r := range Ladder(t.Context(), s) {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("the ladder has no %s rung", id)
	return checks.Result{}
}

// The probe's own connections verify as the client does: a chain Claude
// Code trusts (its CA file, from settings.json) but the system does not
// passes the tls rung, so the verdict is not tls-failure; the trust check
// says the system would refuse it.
func TestProbeVerifiesWithTheClientsRoots(t *testing.T) {
	ca := newTrustCA(t, "Example Corp Inspection Root")
	srv := ca.serve(t)
	file := writeFile(t, "corp.pem", ca.rootPEM)
	s := resolvedClaudeCode(t, srv.URL, map[string]string{"NODE_EXTRA_CA_CERTS": file}, nil, x509.NewCertPool())
	if r := ladderRung(t, s, checks.CheckTLS); r.Status != checks.Pass {
		t.Fatalf("tls %s %q: %s — Claude Code trusts this chain", r.Status, r.Cause, r.Summary)
	}
	expectTrust(t, Trust(t.Context(), s), checks.Warn, "", "the system does not")

	// Without the client's CA file the same chain is refused: the pool
	// is the client's, not a blanket yes.
	s = resolvedClaudeCode(t, srv.URL, nil, nil, x509.NewCertPool())
	if r := ladderRung(t, s, checks.CheckTLS); r.Status != checks.Fail || r.Cause != "tls-failure" {
		t.Fatalf("tls %s %q: %s — nobody trusts this chain", r.Status, r.Cause, r.Summary)
	}
}

// The reverse: the system trusts the chain, the client will not. The tls
// rung passes (the system's roots are still trusted), and the failure is
// the trust check's, with its evidence.
func TestProbeSystemYesClientNoStaysTheTrustChecks(t *testing.T) {
	ca := newTrustCA(t, "Example Corp Inspection Root")
	srv := ca.serve(t)
	s := netSetup(t, "openai", srv.URL+"/v1", hooks{roots: ca.pool()}, func(s *checks.Setup) {
		s.Client = "ai-sdk"
		s.Config.Clients = realClients(t)
	})
	if r := ladderRung(t, s, checks.CheckTLS); r.Status != checks.Pass {
		t.Fatalf("tls %s %q: %s", r.Status, r.Cause, r.Summary)
	}
	expectTrust(t, Trust(t.Context(), s), checks.Fail, "tls-failure", "the system trusts this certificate, Node will not")
}
