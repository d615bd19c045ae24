package main

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"testing"
)

func TestFormatVersion(t *testing.T) {
	vcs := func(rev, modified string) []debug.BuildSetting {
		s := []debug.BuildSetting{{Key: "-compiler", Value: "gc"}, {Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}}
		if modified != "" {
			s = append(s, debug.BuildSetting{Key: "vcs.modified", Value: modified})
		}
		return s
	}
	const rev = "3f9c2d1e8b7a6c5d4e3f2a1b0c9d8e7f6a5b4c3d"
	for _, c := range []struct {
		name, ldflags string
		bi            *debug.BuildInfo
		want          string
	}{
		{"no build info", "", nil, "dev"},
		{"go install @latest: module version, no vcs", "", &debug.BuildInfo{Main: debug.Module{Version: "v0.3.0"}}, "v0.3.0"},
		{"go install @commit: pseudo-version, no vcs", "", &debug.BuildInfo{Main: debug.Module{Version: "v0.3.1-0.20261201161353-3f9c2d1e8b7a"}}, "v0.3.1-0.20261201161353-3f9c2d1e8b7a"},
		{"checkout, go build before 1.24", "", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs(rev, "false")}, "dev (3f9c2d1)"},
		{"checkout, modified", "", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs(rev, "true")}, "dev (3f9c2d1, modified)"},
		{"tagged checkout, modified (go 1.24+)", "", &debug.BuildInfo{Main: debug.Module{Version: "v0.3.0+dirty"}, Settings: vcs(rev, "true")}, "v0.3.0 (3f9c2d1, modified)"},
		{"untagged checkout (go 1.24+ pseudo-version)", "", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261201161353-3f9c2d1e8b7a+dirty"}, Settings: vcs(rev, "true")}, "dev (3f9c2d1, modified)"},
		{"-X main.version wins", "v1.2.3", &debug.BuildInfo{Main: debug.Module{Version: "v0.3.0"}, Settings: vcs(rev, "false")}, "v1.2.3 (3f9c2d1)"},
		{"-X main.version, no vcs", "v1.2.3", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "v1.2.3"},
	} {
		if got := formatVersion(c.ldflags, c.bi); got != c.want {
			t.Errorf("%s: formatVersion = %q, want %q", c.name, got, c.want)
		}
	}
}

// The binary says its version in one line; -ldflags -X main.version wins.
func TestE2EVersion(t *testing.T) {
	t.Parallel()
	out := e2eRun(t, e2eCmd{args: []string{"--version"}})
	if out.code != 0 || !regexp.MustCompile(`^unstuck \S+( \([0-9a-f]{7}(, modified)?\))?\n$`).MatchString(out.stdout) {
		t.Errorf("--version: exit %d, stdout %q", out.code, out.stdout)
	}
	if _, err := e2eBuild(); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "unstuck")
	if b, err := exec.Command("go", "build", "-ldflags", "-X main.version=v9.8.7-test", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	out = e2eRun(t, e2eCmd{args: []string{"--json", "--version"}, bin: bin})
	if !regexp.MustCompile(`^unstuck v9\.8\.7-test( \(.*\))?\n$`).MatchString(out.stdout) {
		t.Errorf("-X main.version: --version printed %q", out.stdout)
	}
}
