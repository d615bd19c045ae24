package checks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// What is a secret is decided by the name's words and the value, never by
// a substring of the name alone.
func TestSecretVar(t *testing.T) {
	dir := t.TempDir()
	creds := filepath.Join(dir, "creds.json")
	writeTestFile(t, creds)
	for _, c := range []struct {
		name, value string
		want        bool
	}{
		{"OPENAI_API_KEY", "sk-proj-abcdefghijklmnop", true},
		{"ANTHROPIC_AUTH_TOKEN", "sk-ant-oat01-abcdefgh", true},
		{"HF_TOKEN", "hf_abcdefghijklmnop", true},
		{"CLIENT_SECRET", "abcdefghijkl", true},
		{"DB_PASSWORD", "hunter2hunter2", true},
		{"MYSQL_PWD", "hunter2hunter2", true},
		{"DB_PASS", "/starts-with-a-slash", true}, // no such file: still a secret
		{"OPENAI_KEY2", "abcdefghijkl", true},
		{"SESSION_COOKIE", "abcdefghijkl", true},
		{"PWD", dir, false},
		{"OLDPWD", dir, false},
		{"PASSWD_FILE", "/etc/passwd", false},
		{"SSL_KEY_PATH", dir + "/key.pem", false},
		{"GOOGLE_APPLICATION_CREDENTIALS", creds, false},
		{"SSH_AUTH_SOCK", dir + "/agent.1", false},
		{"XAUTHORITY", dir + "/.Xauthority", false},
		{"KEYBOARD", "us-international", false},
		{"MONKEY", "bananas-and-more", false},
		{"TOKENIZERS_PARALLELISM", "false", false},
		{"AWS_ACCESS_KEY_ID", "AKIAABCDEFGHIJKLMNOP", false},
		{"AUTH_ENABLED", "true", false},
		{"API_KEY", "12345678", false},
	} {
		if got := SecretVar(c.name, c.value); got != c.want {
			t.Errorf("SecretVar(%s=%s) = %v, want %v", c.name, c.value, got, c.want)
		}
	}
}

func writeTestFile(t *testing.T, p string) {
	t.Helper()
	if err := os.WriteFile(p, []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
}

// Two keys that share their first four and last four characters and their
// length (a regenerated key often does) get different fingerprints.
func TestFingerprintTellsLookalikesApart(t *testing.T) {
	a := "sk-proj-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAx9Qa"
	b := "sk-proj-BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBx9Qa"
	fa, fb := Fingerprint(a), Fingerprint(b)
	if fa == fb {
		t.Fatalf("both keys fingerprint as %q", fa)
	}
	for _, f := range []string{fa, fb} {
		if !strings.HasPrefix(f, "sk-p…x9Qa (52 chars, #") || strings.Contains(f, "AAAA") || strings.Contains(f, "BBBB") {
			t.Errorf("fingerprint %q", f)
		}
	}
}
