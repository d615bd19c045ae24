package setup

import (
	"strings"
	"testing"
)

// Every client says how it picks its roots, and the trust entries agree
// with ca_envs: a typo in a runtime, a use or a variable fails the tests.
func TestClientTrustIsStrict(t *testing.T) {
	for _, c := range testClients(t) {
		if len(c.Trust) == 0 {
			t.Errorf("%s: no trust entry", c.Name)
		}
	}
	const ok = "- {name: x, title: X, runtime: node, ca_envs: [NODE_EXTRA_CA_CERTS], wires: [{id: a, protocol: openai}], trust: [{name: Node, runtime: node, roots: mozilla, ca_files: [{env: NODE_EXTRA_CA_CERTS, use: add, broken: ignored}], system_ca: [NODE_USE_SYSTEM_CA, --use-system-ca]}]}\n"
	if _, err := ParseClients([]byte(ok)); err != nil {
		t.Fatalf("a valid entry is refused: %v", err)
	}
	for name, tc := range map[string]struct{ from, to, says string }{
		"no trust":         {", trust: [{name: Node, runtime: node, roots: mozilla, ca_files: [{env: NODE_EXTRA_CA_CERTS, use: add, broken: ignored}], system_ca: [NODE_USE_SYSTEM_CA, --use-system-ca]}]", "", "no trust entry"},
		"runtime mismatch": {"{name: Node, runtime: node", "{name: Node, runtime: python", "but the client's runtime is node"},
		"unknown runtime":  {"{name: Node, runtime: node", "{name: Node, runtime: deno", "runtime \"deno\""},
		"unknown roots":    {"roots: mozilla", "roots: firefox", "roots \"firefox\""},
		"unknown use":      {"use: add", "use: append", "use \"append\""},
		"unknown broken":   {"broken: ignored", "broken: maybe", "broken \"maybe\""},
		"not in ca_envs":   {"ca_envs: [NODE_EXTRA_CA_CERTS]", "ca_envs: [NODE_EXTRA_CA_CERTS, SSL_CERT_FILE]", "ca_envs names SSL_CERT_FILE, but no trust entry"},
		"undescribed":      {"{env: NODE_EXTRA_CA_CERTS, use: add, broken: ignored}", "{env: EXTRA_CA, use: add, broken: ignored}", "EXTRA_CA is not in the client's ca_envs"},
		"bad variable":     {"{env: NODE_EXTRA_CA_CERTS,", "{env: node_extra,", "not a variable name"},
		"bad system_ca":    {"--use-system-ca]", "use system ca]", "neither a variable nor a --flag"},
		"bad system_store": {"system_ca: [NODE_USE_SYSTEM_CA, --use-system-ca]", "system_ca: [NODE_USE_SYSTEM_CA], system_store: always", "system_store is maybe or nothing"},
		"no name":          {"{name: Node, runtime: node", "{runtime: node", "no name"},
	} {
		bad := strings.Replace(ok, tc.from, tc.to, 1)
		if bad == ok {
			t.Fatalf("%s: the mutation does not apply", name)
		}
		_, err := ParseClients([]byte(bad))
		if err == nil || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%s: got %v, want an error saying %q", name, err, tc.says)
		}
	}
}

// client-config says which roots each client trusts, from its trust data:
// Codex trusts the system's store (not "its own bundled roots"), Claude
// Code the Mozilla roots its runtime bundles.
func TestClientConfigSaysWhichRoots(t *testing.T) {
	h := newClientHome(t, map[string]string{"OPENAI_API_KEY": "sk-proj-0123456789abcdef0123456789abcdef", "ANTHROPIC_API_KEY": "sk-ant-api03-0123456789abcdef0123456789abcdef"})
	for client, tc := range map[string]struct{ says, not string }{
		"codex":         {"Codex (Rust, rustls) trusts the system's store, plus the file in CODEX_CA_CERTIFICATE, else SSL_CERT_FILE", "bundled"},
		"claude-code":   {"trusts the Mozilla roots bundled in it, plus the file in NODE_EXTRA_CA_CERTS; the system's store too with NODE_USE_SYSTEM_CA=1", "system's store,"},
		"aider":         {"trusts certifi's copy of the Mozilla roots, or instead the file in SSL_CERT_FILE", "bundled"},
		"anthropic-sdk": {"trusts certifi", ""},
	} {
		r := ClientConfig(t.Context(), h.resolve(client))
		all := strings.Join(r.Details, "\n")
		if !strings.Contains(all, tc.says) || (tc.not != "" && strings.Contains(all, tc.not)) {
			t.Errorf("%s: client-config should say %q (and not %q):\n%s", client, tc.says, tc.not, all)
		}
	}
}
