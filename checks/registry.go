package checks

import "context"

// groups is the table of every check the runner can run, in display order:
// configuration first (instant, no network), then the network ladder, then
// the API. Only "request" can cost money.
func groups() []group {
	return []group{
		single(CheckKeyPresent, KeyPresent),
		single(CheckKeySources, KeySources),
		single(CheckEnvFile, EnvFile),
		single(CheckKeyHygiene, KeyHygiene),
		single(CheckKeyPlatform, KeyPlatform),
		single(CheckFrontendEnv, FrontendEnv),
		single(CheckBaseURL, BaseURL),
		single(CheckContainer, Container),
		{ids: []string{CheckProxy, CheckDNS, CheckTCP, CheckTLS}, run: func(ctx context.Context, s *Setup) []Result { return Ladder(ctx, s) }},
		single(CheckModels, Models),
		single(CheckAuthHeader, AuthHeader),
		{ids: []string{CheckRequest}, billable: true, run: func(ctx context.Context, s *Setup) []Result { return []Result{Request(ctx, s)} }},
		single(CheckMCP, MCP),
		single(CheckPaste, Paste),
	}
}
