package main

import (
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A provider is data: append a profile to content/profiles.yaml, build, and
// --provider takes it, with no Go changed. The test builds a copy of this
// module with one profile more and diagnoses a test server through it.
func TestE2EAppendedProfileIsAProvider(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go toolchain to build the copy")
	}
	src := t.TempDir()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "perf") {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(src, path), 0o755)
		}
		if strings.HasSuffix(path, "_test.go") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(src, path), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	profiles := filepath.Join(src, "content", "profiles.yaml")
	data, err := os.ReadFile(profiles)
	if err != nil {
		t.Fatal(err)
	}
	data = append(data, []byte(`
- name: acme-gateway
  title: ACME's AI gateway
  protocol: openai
  key_envs: [ACME_GATEWAY_KEY]
  base_url_envs: [ACME_GATEWAY_URL]
  auth_headers: [bearer]
  request_id_headers: [x-request-id]
  has_models_list: true
`)...)
	if err := os.WriteFile(profiles, data, 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "unstuck-acme")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = src
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the copy: %v\n%s", err, out)
	}

	api := e2eOpenAIServer()
	srv := e2eServe(t, api)
	env := map[string]string{"ACME_GATEWAY_KEY": e2eOpenAIKey, "ACME_GATEWAY_URL": e2eURL(srv, "/v1")}
	out := e2eRun(t, e2eCmd{bin: bin, env: env,
		args: []string{"diagnose", "--json", "--provider", "acme-gateway", "--model", "gpt-4o", "--timeout", "5s"}})
	var res e2eResult
	if err := json.Unmarshal([]byte(out.stdout), &res); err != nil {
		t.Fatalf("not JSON (exit %d): %v\n%s\n%s", out.code, err, out.stdout, out.stderr)
	}
	if out.code != 0 || res.Cause.ID != "healthy" || res.Evidence.Provider != "acme-gateway" ||
		!strings.Contains(res.Evidence.Key, "ACME_GATEWAY_KEY") {
		t.Fatalf("exit %d, cause %s, provider %q, key %q", out.code, res.Cause.ID, res.Evidence.Provider, res.Evidence.Key)
	}
	if help := e2eRun(t, e2eCmd{bin: bin, args: []string{"--help"}}); !strings.Contains(help.stdout, "acme-gateway") {
		t.Errorf("--help does not list the new provider:\n%s", help.stdout)
	}
	// The binary without the profile refuses the name: nothing else taught
	// the copy about it.
	if plain := e2eRun(t, e2eCmd{env: env, args: []string{"diagnose", "--provider", "acme-gateway"}}); plain.code != 2 ||
		!strings.Contains(plain.stderr, `unknown provider "acme-gateway"`) {
		t.Errorf("the shipped binary: exit %d, %s", plain.code, plain.stderr)
	}
}
