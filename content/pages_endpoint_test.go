package content

import (
	"os/exec"
	"strings"
	"testing"
)

// The endpoint-unsupported page's curl asks the root's /v1/messages, whether
// the client's base URL ends in /v1 (the AI SDK, OpenCode) or not (Claude
// Code): the commands, run in sh, never build /v1/v1.
func TestEndpointUnsupportedCurlBuildsOneV1(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	for _, base := range []string{"http://127.0.0.1:9", "http://127.0.0.1:9/", "http://127.0.0.1:9/v1", "http://127.0.0.1:9/v1/"} {
		page, err := Guidance("endpoint-unsupported", PageData{Protocol: "anthropic", BaseURL: base, Auth: "bearer"})
		if err != nil {
			t.Fatal(err)
		}
		var script []string
		for _, ln := range strings.Split(page, "\n") {
			if t := strings.TrimSpace(ln); strings.HasPrefix(t, "BASE=") {
				script = append(script, t)
			}
		}
		if len(script) == 0 {
			t.Fatalf("no BASE= line in the page for %s:\n%s", base, page)
		}
		out, err := exec.Command(sh, "-c", strings.Join(script, "\n")+"\necho \"$BASE/v1/messages\"").Output()
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.TrimSpace(string(out)); got != "http://127.0.0.1:9/v1/messages" {
			t.Errorf("base %s: the curl asks %s", base, got)
		}
	}
}
