package setup

import "github.com/unstuck-dev/unstuck/checks"

// What each configuration check may tell the decision tree (checks.Spec):
// the causes it can prove and the facts it sets.
var (
	KeyPresentSpec  = checks.Spec{ID: checks.CheckKeyPresent, Proves: []string{"key-missing", "env-file-not-loaded"}}
	KeySourcesSpec  = checks.Spec{ID: checks.CheckKeySources, Proves: []string{"key-shadowed"}}
	EnvFileSpec     = checks.Spec{ID: checks.CheckEnvFile, Proves: []string{"env-file-syntax"}}
	KeyHygieneSpec  = checks.Spec{ID: checks.CheckKeyHygiene, Proves: []string{"key-whitespace", "key-quoted", "key-url-encoded", "key-has-scheme", "key-wrong-platform"}}
	KeyPlatformSpec = checks.Spec{ID: checks.CheckKeyPlatform, Proves: []string{"key-wrong-platform"}, Facts: []string{"key-platform.platform"}}
	FrontendEnvSpec = checks.Spec{ID: checks.CheckFrontendEnv, Proves: []string{"key-in-frontend-env"}}
	BaseURLSpec     = checks.Spec{ID: checks.CheckBaseURL, Proves: []string{"base-url-malformed", "base-url-path", "api-version-invalid"}}
	ContainerSpec   = checks.Spec{ID: checks.CheckContainer, Proves: []string{"localhost-in-container"}}
)
