package probe

import (
	"strings"

	"github.com/unstuck-dev/unstuck/checks"
)

// AuthForm is the header a client puts the key in.
type AuthForm string

const (
	AuthBearer  AuthForm = "bearer"         // Authorization: Bearer <key> (OpenAI SDKs)
	AuthXAPIKey AuthForm = "x-api-key"      // x-api-key: <key> (Anthropic SDKs)
	AuthAPIKey  AuthForm = "api-key"        // api-key: <key> (Azure OpenAI)
	AuthGoogKey AuthForm = "x-goog-api-key" // x-goog-api-key: <key> (Gemini's native API)
	AuthNone    AuthForm = "none"           // send no key at all
)

// Header names the header in the words a user sees in their code.
func (f AuthForm) Header() string {
	switch f {
	case AuthBearer:
		return "Authorization: Bearer"
	case AuthXAPIKey:
		return "x-api-key"
	case AuthAPIKey:
		return "api-key"
	case AuthGoogKey:
		return "x-goog-api-key"
	}
	return "no key header"
}

// AuthFormFor is the header the user's SDK puts the key in: the protocol's own
// form (Bearer for OpenAI-style clients, x-api-key for Anthropic-style ones,
// Bearer again when the Anthropic SDK reads ANTHROPIC_AUTH_TOKEN), unless the
// profile says the server reads only another form (Azure's api-key).
// Gemini's native API takes x-goog-api-key. A client that names its own
// header (RequestShape.Auth: Claude Code sends ANTHROPIC_AUTH_TOKEN as
// Bearer, Codex's Azure provider api-key) is followed as it is: the probe
// must send what the client sends, even when the server will refuse it.
func AuthFormFor(s *checks.Setup) AuthForm {
	switch f := AuthForm(strings.ToLower(strings.TrimSpace(s.Shape.Auth))); f {
	case AuthBearer, AuthXAPIKey, AuthAPIKey, AuthGoogKey:
		return f
	}
	natural := AuthBearer
	switch protocolOf(s) {
	case checks.ProtocolAnthropic:
		if s.KeyEnv != "ANTHROPIC_AUTH_TOKEN" {
			natural = AuthXAPIKey
		}
	case checks.ProtocolGemini:
		return AuthGoogKey
	}
	reads := s.Profile.AuthHeaders
	if len(reads) == 0 {
		return natural
	}
	for _, h := range reads {
		if AuthForm(strings.ToLower(h)) == natural {
			return natural
		}
	}
	switch f := AuthForm(strings.ToLower(reads[0])); f {
	case AuthBearer, AuthXAPIKey, AuthAPIKey:
		return f
	}
	return natural
}
