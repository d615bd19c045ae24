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
// the API. Only "request" and "small-model-request" can cost money. Each check's spec (what it may
// tell the tree) stands next to its code.
func groups() []checks.Group {
	return []checks.Group{
		checks.Single(setup.ClientConfigSpec, setup.ClientConfig),
		checks.Single(setup.KeyPresentSpec, setup.KeyPresent),
		checks.Single(setup.KeySourcesSpec, setup.KeySources),
		checks.Single(setup.EnvFileSpec, setup.EnvFile),
		checks.Single(setup.KeyHygieneSpec, setup.KeyHygiene),
		checks.Single(setup.KeyPlatformSpec, setup.KeyPlatform),
		checks.Single(setup.FrontendEnvSpec, setup.FrontendEnv),
		checks.Single(setup.BaseURLSpec, setup.BaseURL),
		// Before the ladder: when they prove the same refusal as tcp, their
		// words (the container as a hint, the server that does not run) are
		// the ones the page shows.
		checks.Single(probe.ContainerSpec, probe.Container),
		checks.Single(probe.LocalServerSpec, probe.LocalServer),
		{Checks: []checks.Spec{probe.ProxySpec, probe.DNSSpec, probe.TCPSpec, probe.TLSSpec}, Run: probe.Ladder},
		// The same chain as the user's client would verify it: its runtime's
		// roots and CA variables against the system's.
		checks.Single(probe.TrustSpec, probe.Trust),
		checks.Single(probe.ModelsSpec, probe.Models),
		checks.Single(probe.AccountSpec, probe.Account),
		checks.Single(probe.AuthHeaderSpec, probe.AuthHeader),
		{Checks: []checks.Spec{probe.RequestSpec}, Billable: true, Run: func(ctx context.Context, s *checks.Setup) []checks.Result {
			return []checks.Result{probe.Request(ctx, s)}
		}},
		// What the user's client calls besides its main request: a free
		// token counter and model list lookup, then (billed, only when the
		// list cannot tell) one request for its background model.
		checks.Single(probe.CountTokensSpec, probe.CountTokens),
		checks.Single(probe.SmallModelSpec, probe.SmallModel),
		{Checks: []checks.Spec{probe.SmallModelRequestSpec}, Billable: true, Run: func(ctx context.Context, s *checks.Setup) []checks.Result {
			return []checks.Result{probe.SmallModelRequest(ctx, s)}
		}},
		checks.Single(probe.MCPSpec, probe.MCP),
		checks.Single(classify.PasteSpec, classify.Paste),
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

// NotSent says why a billable check would send nothing with this setup
// ("" when it would send): the wizard asks only for a request that will
// really go out.
func NotSent(ctx context.Context, id string, s *checks.Setup) string {
	switch {
	case !Billable(id):
	case id == checks.CheckRequest:
		return probe.NotSent(ctx, s)
	case id == probe.CheckSmallModelRequest:
		return probe.SmallModelNotSent(ctx, s)
	}
	return ""
}

// Billed describes what the billable checks ids would send with this
// setup, one line each (how many requests, to which endpoint, for which
// model), for the consent question.
func Billed(s *checks.Setup, ids []string) []string { return probe.Billed(s, ids) }
