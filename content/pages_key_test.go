package content

import (
	"strings"
	"testing"

	"github.com/unstuck-dev/unstuck/checks"
)

// The healthy page read "Key: sk-p…ABCD (…, from OPENAI_API_KEY) from
// environment": the fingerprint names the variable and the source the
// place. A page says where the key came from once.
func TestPagesSayWhereTheKeyCameFromOnce(t *testing.T) {
	fp := checks.Fingerprint("sk-proj-PAGEKEYTEST0123456789abcdefABCD")
	cases := []struct{ source, want string }{
		{"environment", "OPENAI_API_KEY in the environment"},
		{".env", "OPENAI_API_KEY in .env"},
		{"", "OPENAI_API_KEY"},
	}
	for _, c := range cases {
		ev := checks.Evidence{Key: strings.TrimSuffix(fp, ")") + ", from OPENAI_API_KEY)", KeySource: c.source,
			Status: 200, BaseURL: "https://api.openai.com/v1"}
		d := NewPageData(ev, nil, "the model answered")
		for _, id := range []string{"healthy", "key-rejected", "insufficient-balance"} {
			page, err := Guidance(id, d)
			if err != nil {
				t.Fatal(err)
			}
			var line string
			for _, l := range strings.Split(page, "\n") {
				if strings.HasPrefix(l, "- Key") {
					line = l
				}
			}
			if want := "- Key: `" + fp + "`, from " + c.want; line != want {
				t.Errorf("%s (source %q): key line %q, want %q", id, c.source, line, want)
			}
		}
	}
}

// The key-rejected page says what the server answered, from the evidence:
// it once said 401 "Invalid API key" (invalid_api_key) whatever came back,
// so Gemini's 400 API_KEY_INVALID read as an OpenAI 401.
func TestKeyRejectedSaysTheAnswerSeen(t *testing.T) {
	for _, c := range []struct {
		ev        checks.Evidence
		want, not string
		desc      string
	}{
		{checks.Evidence{Status: 400, ErrorCode: "API_KEY_INVALID"}, "refused the key\nit received with 400 `API_KEY_INVALID`", "401", "Gemini's 400"},
		{checks.Evidence{Status: 401, ErrorCode: "invalid_api_key"}, "with 401 `invalid_api_key`", "400", "OpenAI's 401"},
		{checks.Evidence{}, "refused the key\nit received: it does not know it", "401", "a paste with no status"},
	} {
		page, err := Guidance("key-rejected", NewPageData(c.ev, nil, ""))
		if err != nil {
			t.Fatal(err)
		}
		intro, _, _ := strings.Cut(page, "## ")
		if !strings.Contains(intro, c.want) || strings.Contains(intro, c.not) {
			t.Errorf("%s: the page's opening says\n%s\nwant %q and no %q", c.desc, intro, c.want, c.not)
		}
	}
}

// A page written for the provider a paste names has commands shaped for
// that provider (its base URL, key variable and header), never presented
// as where anything was sent.
func TestForProfileShapesTheCommands(t *testing.T) {
	profiles, err := Profiles()
	if err != nil {
		t.Fatal(err)
	}
	find := func(name string) checks.Profile {
		for _, p := range profiles {
			if p.Name == name {
				return p
			}
		}
		t.Fatalf("no profile %s", name)
		return checks.Profile{}
	}
	// The environment's setup was OpenAI's: the paste's provider wins.
	env := PageData{Provider: "openai", Protocol: "openai", KeyEnv: "OPENAI_API_KEY", Auth: "bearer", Status: 400}
	for _, c := range []struct{ provider, url, header string }{
		{"gemini", `"https://generativelanguage.googleapis.com/v1beta/openai/models"`, `-H "Authorization: Bearer $GEMINI_API_KEY"`},
		{"anthropic", `"https://api.anthropic.com/v1/models"`, `-H "x-api-key: $ANTHROPIC_API_KEY"`},
		{"groq", `"https://api.groq.com/openai/v1/models"`, `-H "Authorization: Bearer $GROQ_API_KEY"`},
	} {
		page, err := Guidance("key-rejected", env.ForProfile(find(c.provider)))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(page, c.url) || !strings.Contains(page, c.header) {
			t.Errorf("%s: the test command is not shaped for it:\n%s", c.provider, page)
		}
		if strings.Contains(page, "Sent to:") || strings.Contains(page, "OPENAI_API_KEY") {
			t.Errorf("%s: the page claims a destination or keeps OpenAI's variable:\n%s", c.provider, page)
		}
	}
	// Azure reads api-key; its base URL is the user's resource (no default).
	page, err := Guidance("key-rejected", env.ForProfile(find("azure")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(page, `-H "api-key: $AZURE_OPENAI_API_KEY"`) {
		t.Errorf("azure: the key is not sent in api-key:\n%s", page)
	}
}
