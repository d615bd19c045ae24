package setup

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/unstuck-dev/unstuck/checks"
)

func TestEnvFile(t *testing.T) {
	k := testKey
	cases := []struct {
		name    string
		content string
		want    expectResult
		details []string // substrings of the joined details
	}{
		{"clean", "# comment\nOPENAI_API_KEY=" + k + "\nOPENAI_MODEL=gpt-4o\n\n",
			expectResult{checks.Pass, "", []string{"2 variables", "no syntax problems"}}, nil},
		{"spaces around =", "OPENAI_API_KEY = " + k + "\n",
			expectResult{checks.Fail, "env-file-syntax", []string{"line 1", "spaces around `=`", "key variable"}}, nil},
		{"spaces around = on another variable", "OPENAI_API_KEY=" + k + "\nDEBUG = 1\n",
			expectResult{checks.Warn, "env-file-syntax", []string{"line 2", "spaces around"}}, nil},
		{"quoted key", "OPENAI_API_KEY=\"" + k + "\"\n",
			expectResult{checks.Fail, "env-file-syntax", []string{"quoted value", "docker run --env-file keeps them"}}, nil},
		{"export", "export OPENAI_API_KEY=" + k + "\n",
			expectResult{checks.Fail, "env-file-syntax", []string{"export"}}, nil},
		{"crlf", "OPENAI_API_KEY=" + k + "\r\nOPENAI_MODEL=gpt-4o\r\n",
			expectResult{checks.Fail, "env-file-syntax", []string{"CRLF", "2 lines"}}, nil},
		{"crlf on another variable", "OPENAI_API_KEY=" + k + "\nOPENAI_MODEL=gpt-4o\r\n",
			expectResult{checks.Warn, "env-file-syntax", []string{"CRLF", "1 line"}}, nil},
		{"duplicate key", "OPENAI_API_KEY=sk-proj-OLDabcdefghijklmnopq\nX=1\nOPENAI_API_KEY=" + k + "\n",
			expectResult{checks.Fail, "env-file-syntax", []string{"lines 1, 3", "line 3) wins"}}, []string{"no effect"}},
		{"duplicate with same value", "A=1\nA=1\n",
			expectResult{checks.Warn, "env-file-syntax", []string{"same value"}}, nil},
		{"inline comment", "OPENAI_API_KEY=" + k + " # prod\n",
			expectResult{checks.Fail, "env-file-syntax", []string{"inline comment"}}, nil},
		{"trailing spaces", "OPENAI_API_KEY=" + k + "   \n",
			expectResult{checks.Fail, "env-file-syntax", []string{"spaces after the value"}}, nil},
		{"dollar expansion", "DB_PASSWORD=pa$word123\n",
			expectResult{checks.Warn, "env-file-syntax", []string{"`$`", "single quotes"}}, nil},
		{"yaml style", "OPENAI_API_KEY: " + k + "\n",
			expectResult{checks.Fail, "env-file-syntax", []string{"YAML"}}, nil},
		{"not NAME=value", "OPENAI_API_KEY=" + k + "\njust some words\n",
			expectResult{checks.Warn, "env-file-syntax", []string{"line 2", "not NAME=value", "stops reading"}}, nil},
		{"bad name", "MY-KEY=1\n",
			expectResult{checks.Warn, "env-file-syntax", []string{"\"MY-KEY\""}}, nil},
		{"smart quotes", "OPENAI_API_KEY=“" + k + "”\n",
			expectResult{checks.Fail, "env-file-syntax", []string{"typographic"}}, nil},
		{"bom", "\ufeffOPENAI_API_KEY=" + k + "\n",
			expectResult{checks.Fail, "env-file-syntax", []string{"byte-order mark"}}, nil},
		{"utf-16 from powershell", string([]byte{0xFF, 0xFE, 'O', 0, 'P', 0, 'E', 0, 'N', 0, 'A', 0, 'I', 0, '_', 0, 'A', 0, 'P', 0, 'I', 0, '_', 0, 'K', 0, 'E', 0, 'Y', 0, '=', 0, 'x', 0}),
			expectResult{checks.Fail, "env-file-syntax", []string{"UTF-16"}}, nil},
		{"multi-line quoted value", "CERT=\"line one\nline two\"\nOPENAI_API_KEY=" + k + "\n",
			expectResult{checks.Warn, "env-file-syntax", []string{"line 1", "quoted value"}}, nil},
		{"binary", "OPENAI_API_KEY=" + k + "\n\x00\x01\x02\x00",
			expectResult{checks.Warn, "", []string{"not a text file"}}, nil},
		{"unterminated quote", "OPENAI_API_KEY=\"" + k + "\n",
			expectResult{checks.Fail, "env-file-syntax", nil}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, dir, ".env", c.content)
			s := testSetup(t, checks.Config{WorkDir: dir, Provider: "openai", Env: checks.Env{"OPENAI_API_KEY": k}})
			r := EnvFile(context.Background(), s)
			c.want.check(t, r)
			all := strings.Join(r.Details, "\n")
			for _, d := range c.details {
				if !strings.Contains(all, d) {
					t.Errorf("details lack %q: %v", d, r.Details)
				}
			}
			assertNoKey(t, r, k)
		})
	}
}

func TestEnvFileUnusual(t *testing.T) {
	ctx := context.Background()
	// No .env: skip.
	r := EnvFile(ctx, testSetup(t, checks.Config{Env: checks.Env{}}))
	if r.Status != checks.Skip {
		t.Errorf("no .env: %s %q", r.Status, r.Summary)
	}
	// --env-file pointing nowhere: a clear warning.
	r = EnvFile(ctx, testSetup(t, checks.Config{EnvFile: "/nonexistent/unstuck/.env", Env: checks.Env{}}))
	if r.Status != checks.Warn || !strings.Contains(r.Summary, "cannot read") || !strings.Contains(r.Summary, "no such file") {
		t.Errorf("missing file: %s %q", r.Status, r.Summary)
	}
	// A directory named .env.
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "x.env"), 0o755); err != nil {
		t.Fatal(err)
	}
	r = EnvFile(ctx, testSetup(t, checks.Config{WorkDir: dir, EnvFile: "x.env", Env: checks.Env{}}))
	if r.Status != checks.Warn || !strings.Contains(r.Summary, "directory") {
		t.Errorf("directory: %s %q", r.Status, r.Summary)
	}
	// Unreadable (skipped as root, who reads anything).
	if os.Geteuid() != 0 {
		p := writeFile(t, dir, ".env", "A=1\n")
		if err := os.Chmod(p, 0); err != nil {
			t.Fatal(err)
		}
		r = EnvFile(ctx, testSetup(t, checks.Config{WorkDir: dir, Env: checks.Env{}}))
		if r.Status != checks.Warn || !strings.Contains(r.Summary, "permission denied") {
			t.Errorf("unreadable: %s %q", r.Status, r.Summary)
		}
	}
	// Huge: read up to the cap, then warned about.
	big := t.TempDir()
	writeFile(t, big, ".env", "A=1\n# "+strings.Repeat("x", envFileCap)+"\n")
	r = EnvFile(ctx, testSetup(t, checks.Config{WorkDir: big, Env: checks.Env{}}))
	if r.Status != checks.Warn || !strings.Contains(strings.Join(r.Details, "\n"), "larger than 1 MiB") {
		t.Errorf("huge: %s %q %v", r.Status, r.Summary, r.Details[:min(3, len(r.Details))])
	}
	if len(r.Details) > 25 {
		t.Errorf("huge: %d detail lines, want them capped", len(r.Details))
	}
}

func TestShellAssignment(t *testing.T) {
	cases := []struct {
		line, name, value string
		ok                bool
	}{
		{"export OPENAI_API_KEY=sk-abc", "OPENAI_API_KEY", "sk-abc", true},
		{"  export OPENAI_API_KEY=\"sk-abc\"  # old", "OPENAI_API_KEY", "sk-abc", true},
		{"OPENAI_API_KEY='sk-abc'", "OPENAI_API_KEY", "sk-abc", true},
		{"set -gx OPENAI_API_KEY sk-abc", "OPENAI_API_KEY", "sk-abc", true},
		{"export OPENAI_API_KEY=$(heroku config:get X)", "", "", false},
		{"export OPENAI_API_KEY=$OTHER", "", "", false},
		{"# export OPENAI_API_KEY=sk-abc", "", "", false},
		{"alias k=kubectl", "", "", false},
		{"", "", "", false},
	}
	for _, c := range cases {
		n, v, ok := shellAssignment(c.line)
		if n != c.name || v != c.value || ok != c.ok {
			t.Errorf("shellAssignment(%q) = %q %q %v", c.line, n, v, ok)
		}
	}
}

// BenchmarkCfgEnvFileLint1MiB measures the worst case the read cap allows:
// a megabyte of distinct variables with inline comments.
func BenchmarkCfgEnvFileLint1MiB(b *testing.B) {
	var sb strings.Builder
	for i := 0; sb.Len() < envFileCap; i++ {
		sb.WriteString("V" + strconv.Itoa(i) + "=x # c\n")
	}
	data := []byte(sb.String())
	for b.Loop() {
		lintEnvFile(data)
		loadEnvFile(data)
	}
}
