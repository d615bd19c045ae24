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

// groups is the table of every check the runner can run, in display order:
// configuration first (instant, no network), then the network ladder, then
// the API. Only "request" can cost money.
func groups() []checks.Group {
	return []checks.Group{
		checks.Single(checks.CheckKeyPresent, setup.KeyPresent),
		checks.Single(checks.CheckKeySources, setup.KeySources),
		checks.Single(checks.CheckEnvFile, setup.EnvFile),
		checks.Single(checks.CheckKeyHygiene, setup.KeyHygiene),
		checks.Single(checks.CheckKeyPlatform, setup.KeyPlatform),
		checks.Single(checks.CheckFrontendEnv, setup.FrontendEnv),
		checks.Single(checks.CheckBaseURL, setup.BaseURL),
		checks.Single(checks.CheckContainer, setup.Container),
		{IDs: []string{checks.CheckProxy, checks.CheckDNS, checks.CheckTCP, checks.CheckTLS}, Run: func(ctx context.Context, s *checks.Setup) []checks.Result { return probe.Ladder(ctx, s) }},
		checks.Single(checks.CheckModels, probe.Models),
		checks.Single(checks.CheckAuthHeader, probe.AuthHeader),
		{IDs: []string{checks.CheckRequest}, Billable: true, Run: func(ctx context.Context, s *checks.Setup) []checks.Result {
			return []checks.Result{probe.Request(ctx, s)}
		}},
		checks.Single(checks.CheckMCP, probe.MCP),
		checks.Single(checks.CheckPaste, classify.Paste),
	}
}

// Default is the suite of every check, built once.
var Default = sync.OnceValue(func() checks.Suite { return checks.Suite{Groups: groups(), Resolve: setup.Resolve} })

// NewRunner resolves the configuration for a Runner of every check.
func NewRunner(cfg checks.Config) *checks.Runner { return checks.NewRunner(cfg, Default()) }

// IDs lists every check, in display order.
func IDs() []string { return Default().IDs() }

// Billable reports whether a check sends a request that could be billed.
func Billable(id string) bool { return Default().Billable(id) }
