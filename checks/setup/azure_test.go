package setup

import (
	"testing"

	"github.com/unstuck-dev/unstuck/checks"
)

// The request URL the Azure OpenAI SDKs build from the endpoint, the
// deployment and the api-version, and what the base-url check says of it.
func TestAzureDeploymentEndpoint(t *testing.T) {
	for _, c := range []struct {
		name, base, model string
		env               checks.Env
		endpoint          string
		status            checks.Status
		cause             string
	}{
		{"resource endpoint, version from OPENAI_API_VERSION", "https://res.openai.azure.com", "gpt-4o-prod",
			checks.Env{"OPENAI_API_VERSION": "2024-10-21"},
			"https://res.openai.azure.com/openai/deployments/gpt-4o-prod/chat/completions?api-version=2024-10-21", checks.Pass, ""},
		{"trailing /openai and AZURE_OPENAI_API_VERSION", "https://res.openai.azure.com/openai/", "gpt-4o-prod",
			checks.Env{"AZURE_OPENAI_API_VERSION": "2025-04-01-preview"},
			"https://res.openai.azure.com/openai/deployments/gpt-4o-prod/chat/completions?api-version=2025-04-01-preview", checks.Pass, ""},
		{"deployment and version in the URL win", "https://res.openai.azure.com/openai/deployments/mini?api-version=2024-06-01", "",
			checks.Env{"OPENAI_API_VERSION": "2024-10-21"},
			"https://res.openai.azure.com/openai/deployments/mini/chat/completions?api-version=2024-06-01", checks.Pass, ""},
		{"the v1 API needs no version", "https://res.openai.azure.com/openai/v1/", "gpt-4o-prod", nil,
			"https://res.openai.azure.com/openai/v1/chat/completions", checks.Pass, ""},
		{"no version", "https://res.openai.azure.com", "gpt-4o-prod", nil,
			"https://res.openai.azure.com/openai/deployments/gpt-4o-prod/chat/completions", checks.Fail, "api-version-invalid"},
		{"no deployment", "https://res.openai.azure.com", "", checks.Env{"OPENAI_API_VERSION": "2024-10-21"},
			"", checks.Warn, ""},
		{"an OpenAI-style /v1", "https://res.openai.azure.com/v1", "gpt-4o-prod", checks.Env{"OPENAI_API_VERSION": "2024-10-21"},
			"https://res.openai.azure.com/v1/chat/completions", checks.Fail, "base-url-path"},
		{"a full endpoint pasted", "https://res.openai.azure.com/openai/deployments/x/chat/completions", "", checks.Env{"OPENAI_API_VERSION": "2024-10-21"},
			"", checks.Fail, "base-url-path"},
	} {
		env := checks.Env{"AZURE_OPENAI_API_KEY": "0123456789abcdef0123456789abcdef"}
		for k, v := range c.env {
			env[k] = v
		}
		s := testSetup(t, checks.Config{Provider: "azure", BaseURL: c.base, Model: c.model, Env: env})
		if c.endpoint != "" && s.Endpoint != c.endpoint {
			t.Errorf("%s: endpoint %q, want %q", c.name, s.Endpoint, c.endpoint)
		}
		if s.ModelsURL != "" {
			t.Errorf("%s: a models URL %q, but a key cannot list deployments", c.name, s.ModelsURL)
		}
		r := BaseURL(t.Context(), s)
		if r.Status != c.status || r.Cause != c.cause {
			t.Errorf("%s: base-url %s/%q (%s), want %s/%q", c.name, r.Status, r.Cause, r.Summary, c.status, c.cause)
		}
	}
}
