// Package suite assembles every check into the suite a Runner runs: the
// configuration checks of checks/setup, the network and API probes of
// checks/probe and the paste reader of checks/classify. It is the one place
// that knows them all; the wizard and the headless commands start here.
package suite

import (
	"context"
	"sync"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/checks/classify"
	"github.com/unstuck-dev/unstuck/checks/probe"
	"github.com/unstuck-dev/unstuck/checks/setup"
)

// netCauses are what a step of the network ladder can prove: the typed
// transport errors of checks/classify, read at whichever layer failed.
var netCauses = []string{"proxy-failure", "dns-failure", "connection-refused", "network-unreachable", "tls-failure", "timeout"}

// groups is the table of every check the runner can run, in display order:
// configuration first (instant, no network), then the network ladder, then
// the API. Only "request" can cost money. Each spec says what the check may
// tell the tree (checks.Spec); content's tests validate the tree against it.
func groups() []checks.Group {
	spec := func(id string, proves ...string) checks.Spec { return checks.Spec{ID: id, Proves: proves} }
	return []checks.Group{
		checks.Single(spec(checks.CheckKeyPresent, "key-missing", "env-file-not-loaded"), setup.KeyPresent),
		checks.Single(spec(checks.CheckKeySources, "key-shadowed"), setup.KeySources),
		checks.Single(spec(checks.CheckEnvFile, "env-file-syntax"), setup.EnvFile),
		checks.Single(spec(checks.CheckKeyHygiene, "key-whitespace", "key-quoted", "key-url-encoded", "key-has-scheme", "key-wrong-platform"), setup.KeyHygiene),
		checks.Single(checks.Spec{ID: checks.CheckKeyPlatform, Proves: []string{"key-wrong-platform"}, Facts: []string{"key-platform.platform"}}, setup.KeyPlatform),
		checks.Single(spec(checks.CheckFrontendEnv, "key-in-frontend-env"), setup.FrontendEnv),
		checks.Single(spec(checks.CheckBaseURL, "base-url-malformed", "base-url-path"), setup.BaseURL),
		checks.Single(spec(checks.CheckContainer, "localhost-in-container"), setup.Container),
		{Checks: []checks.Spec{
			{ID: checks.CheckProxy, Proves: netCauses, Facts: []string{"proxy.all_proxy"}},
			{ID: checks.CheckDNS, Proves: netCauses},
			{ID: checks.CheckTCP, Proves: netCauses},
			{ID: checks.CheckTLS, Proves: netCauses},
		}, Run: probe.Ladder},
		checks.Single(checks.Spec{ID: checks.CheckModels, AnyCause: true, Facts: []string{"models.http", "models.has_model"}}, probe.Models),
		checks.Single(checks.Spec{ID: checks.CheckAuthHeader, Proves: []string{"auth-header-format"}, Facts: []string{"auth-header.http"}}, probe.AuthHeader),
		{Checks: []checks.Spec{{ID: checks.CheckRequest, AnyCause: true, Facts: []string{
			"request.http", "request.stream", "request.slow", "request.quirk", "request.model_guessed", "request.wrong_provider"}}},
			Billable: true, Run: func(ctx context.Context, s *checks.Setup) []checks.Result {
				return []checks.Result{probe.Request(ctx, s)}
			}},
		checks.Single(checks.Spec{ID: checks.CheckMCP, Proves: []string{"mcp-server-disconnected"}, Facts: []string{"mcp.http"}}, probe.MCP),
		checks.Single(checks.Spec{ID: checks.CheckPaste, AnyCause: true, Facts: []string{"paste.recognized", "paste.http"}}, classify.Paste),
	}
}

// Default is the suite of every check, built once.
var Default = sync.OnceValue(func() checks.Suite { return checks.Suite{Groups: groups(), Resolve: setup.Resolve} })

// NewRunner resolves the configuration for a Runner of every check.
func NewRunner(cfg checks.Config) *checks.Runner { return checks.NewRunner(cfg, Default()) }

// IDs lists every check, in display order.
func IDs() []string { return Default().IDs() }

// Specs are every check's spec, in display order.
func Specs() []checks.Spec { return Default().Specs() }

// Billable reports whether a check sends a request that could be billed.
func Billable(id string) bool { return Default().Billable(id) }
