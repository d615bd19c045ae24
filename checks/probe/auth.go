package probe

import (
	"strings"

	"github.com/unstuck-dev/unstuck/checks"
)

// AuthForm is the header a client puts the key in.
type AuthForm string

const (
	AuthBearer  AuthForm = "bearer"    // Authorization: Bearer <key> (OpenAI SDKs)
	AuthXAPIKey AuthForm = "x-api-key" // x-api-key: <key> (Anthropic SDKs)
	AuthAPIKey  AuthForm = "api-key"   // api-key: <key> (Azure OpenAI)
	AuthNone    AuthForm = "none"      // send no key at all
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
	}
	return "no key header"
}

// AuthFormFor is the header the user's SDK puts the key in: the protocol's own
// form (Bearer for OpenAI-style clients, x-api-key for Anthropic-style ones,
// Bearer again when the Anthropic SDK reads ANTHROPIC_AUTH_TOKEN), unless the
// profile says the server reads only another form (Azure's api-key).
func AuthFormFor(s *checks.Setup) AuthForm {
	natural := AuthBearer
	if protocolOf(s) == checks.ProtocolAnthropic && s.KeyEnv != "ANTHROPIC_AUTH_TOKEN" {
		natural = AuthXAPIKey
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

func protocolOf(s *checks.Setup) string {
	if s.Protocol != "" {
		return s.Protocol
	}
	if s.Config.Protocol != "" {
		return s.Config.Protocol
	}
	return s.Profile.Protocol
}
