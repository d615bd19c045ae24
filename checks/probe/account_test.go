package probe

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/unstuck-dev/unstuck/checks"
	"go.yaml.in/yaml/v3"
)

func TestAccountURL(t *testing.T) {
	for _, c := range []struct{ base, rel, want string }{
		{"https://openrouter.ai/api/v1", "key", "https://openrouter.ai/api/v1/key"},
		{"https://openrouter.ai/api/v1/", "key", "https://openrouter.ai/api/v1/key"},
		{"https://api.deepseek.com", "/user/balance", "https://api.deepseek.com/user/balance"},
		{"https://api.deepseek.com/v1?x=1", "/user/balance", "https://api.deepseek.com/user/balance"},
		{"http://127.0.0.1:8080/api/v1", "key", "http://127.0.0.1:8080/api/v1/key"},
	} {
		if got, ok := AccountURL(c.base, c.rel); !ok || got != c.want {
			t.Errorf("AccountURL(%q, %q) = %q, %v; want %q", c.base, c.rel, got, ok, c.want)
		}
	}
	for _, bad := range []string{"", "openrouter.ai/api/v1", "ftp://x/y", "http://[::1"} {
		if got, ok := AccountURL(bad, "key"); ok {
			t.Errorf("AccountURL(%q) = %q, want no URL", bad, got)
		}
	}
}

// The key endpoint's answers, in the shape of
// https://openrouter.ai/docs/api/api-reference/api-keys/get-current-key
func TestReadKeyCredits(t *testing.T) {
	for _, c := range []struct {
		name, model, body string
		status            checks.Status
		cause             string
	}{
		{"key limit spent", "openai/gpt-4o", `{"data":{"limit":10,"limit_remaining":0,"usage":10,"is_free_tier":false}}`, checks.Fail, "key-usage-limit"},
		{"key limit overspent", "", `{"data":{"limit":5,"limit_remaining":-0.2,"usage":5.2,"is_free_tier":false}}`, checks.Fail, "key-usage-limit"},
		{"free tier, paid model", "openai/gpt-4o", `{"data":{"limit":null,"limit_remaining":null,"usage":0,"is_free_tier":true}}`, checks.Fail, "insufficient-balance"},
		{"free tier, free model", "meta-llama/llama-3.3-70b-instruct:free", `{"data":{"limit":null,"usage":0,"is_free_tier":true}}`, checks.Pass, ""},
		{"free tier, no model named", "", `{"data":{"limit":null,"usage":0,"is_free_tier":true}}`, checks.Pass, ""},
		{"paid, credit left", "openai/gpt-4o", `{"data":{"limit":100,"limit_remaining":74.5,"usage":25.5,"is_free_tier":false}}`, checks.Pass, ""},
		{"paid, no key limit", "openai/gpt-4o", `{"data":{"limit":null,"limit_remaining":null,"usage":3,"is_free_tier":false}}`, checks.Pass, ""},
		{"not the shape", "openai/gpt-4o", `{"object":"list","data":[]}`, checks.Warn, ""},
		{"not JSON", "openai/gpt-4o", `<html>`, checks.Warn, ""},
	} {
		var r checks.Result
		r.Facts = map[string]string{}
		readKeyCredits(&r, &checks.Setup{Model: c.model}, []byte(c.body))
		if r.Status != c.status || r.Cause != c.cause {
			t.Errorf("%s: %s/%q (%s), want %s/%q", c.name, r.Status, r.Cause, r.Summary, c.status, c.cause)
		}
	}
}

// The balance endpoint's answers, in the shape of
// https://api-docs.deepseek.com/api/get-user-balance
func TestReadBalance(t *testing.T) {
	for _, c := range []struct {
		name, body string
		status     checks.Status
		cause      string
	}{
		{"empty", `{"is_available":false,"balance_infos":[{"currency":"USD","total_balance":"0.00","granted_balance":"0.00","topped_up_balance":"0.00"}]}`, checks.Fail, "insufficient-balance"},
		{"credit", `{"is_available":true,"balance_infos":[{"currency":"CNY","total_balance":"110.00","granted_balance":"10.00","topped_up_balance":"100.00"}]}`, checks.Pass, ""},
		{"no flag", `{"balance_infos":[]}`, checks.Warn, ""},
		{"error body", `{"error":{"message":"x"}}`, checks.Warn, ""},
	} {
		var r checks.Result
		r.Facts = map[string]string{}
		readBalance(&r, []byte(c.body))
		if r.Status != c.status || r.Cause != c.cause {
			t.Errorf("%s: %s/%q (%s), want %s/%q", c.name, r.Status, r.Cause, r.Summary, c.status, c.cause)
		}
	}
}

// Every account_shape in the profiles is one this check reads.
func TestProfilesAccountShapesAreKnown(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "content", "profiles.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var ps []checks.Profile
	if err := yaml.Unmarshal(data, &ps); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range ps {
		if p.AccountURL == "" && p.AccountShape == "" {
			continue
		}
		n++
		if p.AccountURL == "" || !slices.Contains(AccountShapes, p.AccountShape) {
			t.Errorf("%s: account_url %q with account_shape %q (known: %v)", p.Name, p.AccountURL, p.AccountShape, AccountShapes)
		}
	}
	if n == 0 {
		t.Error("no profile has an account endpoint")
	}
}
