package setup

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unstuck-dev/unstuck/checks"
)

// testProfiles loads the real content/profiles.yaml, so that the tests
// exercise the data support engineers edit.
func testProfiles(t testing.TB) []checks.Profile {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "content", "profiles.yaml"))
	if err != nil {
		t.Fatalf("read profiles: %v", err)
	}
	ps, err := ParseProfiles(data)
	if err != nil {
		t.Fatalf("ParseProfiles(content/profiles.yaml): %v", err)
	}
	return ps
}

// testIssuers loads the real content/keys.yaml, like testProfiles.
func testIssuers(t testing.TB) []checks.KeyIssuer {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "content", "keys.yaml"))
	if err != nil {
		t.Fatalf("read key issuers: %v", err)
	}
	is, err := ParseKeyIssuers(data)
	if err != nil {
		t.Fatalf("ParseKeyIssuers(content/keys.yaml): %v", err)
	}
	return is
}

func TestProfilesFileHasEveryProfile(t *testing.T) {
	ps := testProfiles(t)
	// The names INTERFACE.md promises for --provider.
	for _, name := range []string{"openai", "anthropic", "heroku", "agentrouter", "latentkit", "tokenhub", "openai-compatible"} {
		p, ok := FindProfile(ps, name)
		if !ok {
			t.Errorf("profile %q missing from content/profiles.yaml", name)
			continue
		}
		if len(p.KeyEnvs) == 0 {
			t.Errorf("%s: no key_envs", name)
		}
		if p.Title == "" {
			t.Errorf("%s: no title", name)
		}
		if p.DefaultBaseURL == "" && len(p.Notes) == 0 {
			t.Errorf("%s: no default base URL and no note saying how to give one", name)
		}
	}
	anth, _ := FindProfile(ps, "anthropic")
	if anth.ExtraHeaders["anthropic-version"] != "2023-06-01" {
		t.Errorf("anthropic-version header = %q", anth.ExtraHeaders["anthropic-version"])
	}
	if strings.HasSuffix(anth.DefaultBaseURL, "/v1") {
		t.Errorf("anthropic default base URL must not end in /v1: %s", anth.DefaultBaseURL)
	}
	oa, _ := FindProfile(ps, "openai")
	if oa.DefaultBaseURL != "https://api.openai.com/v1" {
		t.Errorf("openai default base URL = %q", oa.DefaultBaseURL)
	}
	th, _ := FindProfile(ps, "tokenhub")
	if th.ProviderHeader != "X-Inferoute-Provider" {
		t.Errorf("tokenhub provider header = %q", th.ProviderHeader)
	}
	if p, ok := FindProfile(ps, "  AgentRouter "); !ok || p.Name != "agentrouter" {
		t.Errorf("FindProfile is not case-insensitive")
	}
	if got := ProfileNames(ps); len(got) != len(ps) || got[0] != "openai" {
		t.Errorf("ProfileNames = %v", got)
	}
}

func TestParseProfilesRejects(t *testing.T) {
	cases := map[string]string{
		"unknown field":  "- name: x\n  protocol: openai\n  key_env: [A]\n",
		"no name":        "- protocol: openai\n",
		"bad protocol":   "- name: x\n  protocol: grpc\n",
		"duplicate":      "- name: x\n  protocol: openai\n- name: x\n  protocol: openai\n",
		"upper name":     "- name: OpenAI\n  protocol: openai\n",
		"bad auth form":  "- name: x\n  protocol: openai\n  auth_headers: [basic]\n",
		"bad default":    "- name: x\n  protocol: openai\n  default_base_url: api.example.com/v1\n",
		"relative path":  "- name: x\n  protocol: openai\n  openai_base_path: v1\n",
		"empty":          "",
		"empty list":     "[]\n",
		"not a list":     "name: x\n",
		"wrong type":     "- name: x\n  protocol: openai\n  has_models_list: maybe\n",
		"garbage":        "\x00\x01{{{",
		"nested unknown": "- name: x\n  protocol: openai\n  extra_headers: {a: b}\n  colour: red\n",
	}
	for name, in := range cases {
		if _, err := ParseProfiles([]byte(in)); err == nil {
			t.Errorf("%s: ParseProfiles accepted %q", name, in)
		}
	}
}

// A paste sign is one kind with a reason; a typo in its fields fails.
func TestParseProfilesRejectsBadPasteSigns(t *testing.T) {
	head := "- name: x\n  protocol: openai\n  paste_signs:\n"
	cases := map[string]string{
		"unknown field":  "    - host: api.example.com\n      why: its host\n      weight: 3\n",
		"two kinds":      "    - host: api.example.com\n      says: Example error\n      why: both\n",
		"no kind":        "    - why: nothing\n",
		"no why":         "    - says: ExampleError\n",
		"too short":      "    - says: 'ok'\n      why: a word anyone says\n",
		"strength range": "    - host: api.example.com\n      why: its host\n      strength: 9\n",
	}
	for name, signs := range cases {
		if _, err := ParseProfiles([]byte(head + signs)); err == nil {
			t.Errorf("%s: ParseProfiles accepted %q", name, signs)
		}
	}
	ok := head + "    - host: api.example.com\n      why: its host\n    - says: '\"type\":\"example_error\"'\n      why: its body\n      strength: 1\n    - key_issuer: example\n      why: its keys\n"
	ps, err := ParseProfiles([]byte(ok))
	if err != nil || len(ps[0].PasteSigns) != 3 || ps[0].PasteSigns[1].Says != `"type":"example_error"` {
		t.Fatalf("a good sign list: %v, %+v", err, ps)
	}
}

// ProfileAssumed tells the default nothing pointed to from a profile the
// environment chose.
func TestProfileAssumed(t *testing.T) {
	ps := testProfiles(t)
	home := t.TempDir()
	base := checks.Env{"HOME": home, "CODEX_HOME": home, "XDG_CONFIG_HOME": home}
	for _, tc := range []struct {
		env  map[string]string
		want bool
	}{
		{nil, true},
		{map[string]string{"OPENAI_API_KEY": "sk-proj-abcdefghijklmnopqrstuvwxyz"}, false},
		{map[string]string{"GEMINI_API_KEY": "AIzaSyA-abcdefghijklmnopqrstuvwxyz0123"}, false},
	} {
		env := checks.Env{}
		for k, v := range base {
			env[k] = v
		}
		for k, v := range tc.env {
			env[k] = v
		}
		s := Resolve(checks.Config{Env: env, Profiles: ps, WorkDir: t.TempDir(), ConfigRoot: t.TempDir()})
		if got := ProfileAssumed(s); got != tc.want {
			t.Errorf("env %v: ProfileAssumed = %v (%s: %s), want %v", tc.env, got, s.Profile.Name, s.ProfileReason, tc.want)
		}
	}
}
