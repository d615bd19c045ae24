package content

import (
	"strings"
	"testing"
)

// A provider's own lines show only to that provider's users (issue 12): an
// OpenAI user's "get a fresh key" steps name OpenAI and no relay, and a
// gpt-4o rate limit does not list Heroku's model table.
func TestPagesShowOnlyTheChosenProvidersLines(t *testing.T) {
	others := []string{"Heroku", "AgentRouter", "LatentKit", "TokenHub", "OpenRouter", "Azure"}
	cases := []struct {
		cause, provider, console string
		want                     []string
		not                      []string
	}{
		{"key-rejected", "openai", "https://platform.openai.com/api-keys",
			[]string{"OpenAI", "https://platform.openai.com/api-keys"}, others},
		{"rate-limited", "openai", "", []string{"OpenAI"}, append(others, "Claude 4.5 Sonnet")},
		{"rate-limited", "heroku", "", []string{"Claude 4.5 Sonnet"}, []string{"AgentRouter", "TokenHub"}},
		{"rate-limited", "", "", nil, append(others, "Claude 4.5 Sonnet")},
		{"insufficient-balance", "deepseek", "", []string{"/user/balance"}, others},
		{"insufficient-balance", "openrouter", "", []string{"/api/v1/key", ":free"}, []string{"Heroku", "AgentRouter", "LatentKit", "TokenHub"}},
		{"model-not-found", "azure", "", []string{"az cognitiveservices account deployment list"}, []string{"Heroku", "AgentRouter", "TokenHub"}},
		{"model-not-found", "openai", "", nil, append(others, "az cognitiveservices")},
		{"key-missing", "openai", "", []string{"OPENAI_API_KEY"}, []string{"INFERENCE_KEY", "AGENTROUTER_API_KEY", "LATENTKIT_API_KEY"}},
		{"upstream-unavailable", "openai", "", nil, others},
	}
	for _, c := range cases {
		page, err := Guidance(c.cause, PageData{Provider: c.provider, Console: c.console, Protocol: "openai"})
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range c.want {
			if !strings.Contains(page, w) {
				t.Errorf("%s for %q lacks %q", c.cause, c.provider, w)
			}
		}
		for _, n := range c.not {
			if strings.Contains(page, n) {
				t.Errorf("%s for %q shows another provider's line %q", c.cause, c.provider, n)
			}
		}
	}
}
