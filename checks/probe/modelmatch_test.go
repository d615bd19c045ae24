package probe

import (
	"reflect"
	"testing"
)

func TestNearestModels(t *testing.T) {
	have := []string{"gpt-4", "gpt-4o", "gpt-4o-mini", "gpt-3.5-turbo", "openai/gpt-4o", "anthropic/claude-3.5-sonnet",
		"deepseek-chat", "deepseek-reasoner", "claude-3-5-sonnet-20241022", "models/gemini-2.0-flash", "o3-mini"}
	cases := []struct {
		want string
		n    int
		best []string
	}{
		{"gpt-4o", 1, []string{"gpt-4o"}},
		{"GPT-4o", 1, []string{"gpt-4o"}},
		{"gpt4", 4, []string{"gpt-4", "gpt-4o", "openai/gpt-4o", "gpt-4o-mini"}},
		{"deep-seek-chat", 1, []string{"deepseek-chat"}},
		{"openai/gpt-4o-mini", 1, []string{"gpt-4o-mini"}},
		{"claude-3.5-sonnet", 2, []string{"anthropic/claude-3.5-sonnet", "claude-3-5-sonnet-20241022"}},
		{"claude-3-5-sonnet", 1, []string{"anthropic/claude-3.5-sonnet"}},
		{"gemini-2.0-flash", 1, []string{"models/gemini-2.0-flash"}},
		{"gpt-3.5-turob", 1, []string{"gpt-3.5-turbo"}},
		{"o3-mnii", 1, []string{"o3-mini"}},
		{"llama-3-70b", 3, nil},
		{"", 3, nil},
	}
	for _, tc := range cases {
		got := NearestModels(tc.want, have, tc.n)
		if !reflect.DeepEqual(got, tc.best) {
			t.Errorf("NearestModels(%q) = %v, want %v", tc.want, got, tc.best)
		}
	}
}

func TestNearestModelsPrefersSameProvider(t *testing.T) {
	got := NearestModels("openai/gpt-4o", []string{"azure/gpt-4o", "gpt-4o", "openai/gpt-4o-mini"}, 3)
	if len(got) == 0 || got[0] != "gpt-4o" {
		t.Errorf("got %v", got)
	}
	got = NearestModels("OpenAI/GPT-4o", []string{"azure/gpt-4o", "openai/gpt-4o"}, 1)
	if !reflect.DeepEqual(got, []string{"openai/gpt-4o"}) {
		t.Errorf("got %v", got)
	}
}

func TestHasModelAcceptsUndatedAliases(t *testing.T) {
	ids := []string{"claude-sonnet-4-5-20250929", "gpt-4o-2024-08-06", "models/gemini-2.0-flash", "gpt-4o-mini"}
	for want, has := range map[string]bool{
		"claude-sonnet-4-5":          true,
		"claude-sonnet-4-5-20250929": true,
		"gpt-4o":                     true,
		"gpt-4o-mini":                true,
		"gemini-2.0-flash":           true,
		"claude-sonnet-4":            false, // a prefix, but not of a dated snapshot
		"gpt-4":                      false,
		"claude-sonnet":              false,
	} {
		if got := hasModel(ids, want); got != has {
			t.Errorf("hasModel(%q) = %v, want %v", want, got, has)
		}
	}
}

func FuzzNearestModels(f *testing.F) {
	f.Add("gpt4", "gpt-4o")
	f.Add("\xff", "")
	f.Fuzz(func(t *testing.T, want, have string) {
		got := NearestModels(want, []string{have, "gpt-4o"}, 2)
		if len(got) > 2 {
			t.Errorf("%d results", len(got))
		}
	})
}

func TestNearestModelsSuggestsTheAliasOfADatedSnapshot(t *testing.T) {
	got := NearestModels("claude-haiku-4-5-20251001", []string{"claude-sonnet-4-5", "claude-haiku-4-5"}, 3)
	if len(got) == 0 || got[0] != "claude-haiku-4-5" {
		t.Errorf("%v", got)
	}
}
