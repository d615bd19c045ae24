package content

import (
	"strings"
	"testing"

	"github.com/unstuck-dev/unstuck/checks"
)

// The endpoint-unsupported page's curl sends the key in the header the
// client sends it in: Claude Code sends ANTHROPIC_AUTH_TOKEN as
// Authorization: Bearer, never as x-api-key.
func TestEndpointPageUsesTheClientsAuthHeader(t *testing.T) {
	for _, tc := range []struct {
		name       string
		s          checks.Setup
		want, not_ string
	}{
		{"claude-code token", checks.Setup{Protocol: "anthropic", KeyEnv: "ANTHROPIC_AUTH_TOKEN", Shape: checks.RequestShape{Auth: "bearer"}},
			`-H "Authorization: Bearer $ANTHROPIC_AUTH_TOKEN"`, `x-api-key: $ANTHROPIC_AUTH_TOKEN`},
		{"token without a client", checks.Setup{Protocol: "anthropic", KeyEnv: "ANTHROPIC_AUTH_TOKEN"},
			`-H "Authorization: Bearer $ANTHROPIC_AUTH_TOKEN"`, `x-api-key:`},
		{"anthropic key", checks.Setup{Protocol: "anthropic", KeyEnv: "ANTHROPIC_API_KEY"},
			`-H "x-api-key: $ANTHROPIC_API_KEY"`, `Bearer`},
		{"azure api-key", checks.Setup{Protocol: "openai", KeyEnv: "AZURE_OPENAI_API_KEY", Shape: checks.RequestShape{Auth: "api-key"}},
			`-H "api-key: $AZURE_OPENAI_API_KEY"`, `Bearer`},
		{"codex", checks.Setup{Protocol: "responses", KeyEnv: "RELAY_KEY", Shape: checks.RequestShape{Auth: "bearer"}},
			`-H "Authorization: Bearer $RELAY_KEY"`, `x-api-key`},
	} {
		d := NewPageData(checks.Evidence{BaseURL: "http://127.0.0.1:4141"}, &tc.s, "")
		md, err := Guidance("endpoint-unsupported", d)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(md, tc.want) || strings.Contains(md, tc.not_) {
			t.Errorf("%s: the page should say %s (and not %s):\n%s", tc.name, tc.want, tc.not_, md)
		}
	}
}
