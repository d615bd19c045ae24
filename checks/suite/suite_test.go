package suite

import (
	"testing"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/checks/probe"
)

func TestRegistryIsComplete(t *testing.T) {
	want := []string{checks.CheckKeyPresent, checks.CheckKeySources, checks.CheckEnvFile, checks.CheckKeyHygiene, checks.CheckKeyPlatform,
		checks.CheckFrontendEnv, checks.CheckBaseURL, checks.CheckContainer, checks.CheckProxy, checks.CheckDNS, checks.CheckTCP, checks.CheckTLS,
		checks.CheckLocalServer, checks.CheckModels, checks.CheckAuthHeader, checks.CheckRequest, checks.CheckMCP, checks.CheckPaste,
		probe.CheckCountTokens, probe.CheckSmallModel, probe.CheckSmallModelRequest}
	have := map[string]bool{}
	for _, id := range IDs() {
		if have[id] {
			t.Fatalf("%s registered twice", id)
		}
		have[id] = true
	}
	for _, id := range want {
		if !have[id] {
			t.Errorf("%s is not registered", id)
		}
	}
	for _, id := range IDs() {
		if Billable(id) != (id == checks.CheckRequest || id == probe.CheckSmallModelRequest) {
			t.Errorf("Billable(%s) = %v", id, Billable(id))
		}
	}
}
