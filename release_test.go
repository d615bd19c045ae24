package main

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// releaseConfig is the part of .goreleaser.yaml the CI check depends on.
type releaseConfig struct {
	Version int `yaml:"version"`
	Builds  []struct {
		Binary  string   `yaml:"binary"`
		Env     []string `yaml:"env"`
		Goos    []string `yaml:"goos"`
		Goarch  []string `yaml:"goarch"`
		Ldflags []string `yaml:"ldflags"`
		Ignore  []struct {
			Goos, Goarch string
		} `yaml:"ignore"`
	} `yaml:"builds"`
	Archives []struct {
		Formats         []string `yaml:"formats"`
		FormatOverrides []struct {
			Goos    string   `yaml:"goos"`
			Formats []string `yaml:"formats"`
		} `yaml:"format_overrides"`
	} `yaml:"archives"`
	HomebrewCasks []struct {
		Name string `yaml:"name"`
	} `yaml:"homebrew_casks"`
}

func loadRelease(t *testing.T) releaseConfig {
	t.Helper()
	b, err := os.ReadFile(".goreleaser.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var c releaseConfig
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatalf(".goreleaser.yaml: %v", err)
	}
	return c
}

// The targets GoReleaser builds are exactly those .ci/run cross-compiles,
// so a target CI never built cannot first fail on release day.
func TestReleaseTargetsMatchCI(t *testing.T) {
	c := loadRelease(t)
	var release []string
	for _, b := range c.Builds {
		for _, os := range b.Goos {
			for _, arch := range b.Goarch {
				skip := false
				for _, ig := range b.Ignore {
					skip = skip || (ig.Goos == "" || ig.Goos == os) && (ig.Goarch == "" || ig.Goarch == arch)
				}
				if !skip {
					release = append(release, os+"/"+arch)
				}
			}
		}
	}
	run, err := os.ReadFile(".ci/run")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^RELEASE_TARGETS="([^"]*)"`).FindSubmatch(run)
	if m == nil {
		t.Fatal(`.ci/run has no RELEASE_TARGETS="…" line`)
	}
	ci := strings.Fields(string(m[1]))
	slices.Sort(release)
	slices.Sort(ci)
	if !slices.Equal(release, ci) {
		t.Errorf(".goreleaser.yaml builds %v, .ci/run cross-compiles %v", release, ci)
	}
	for _, want := range []string{"linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64", "windows/amd64", "windows/arm64"} {
		if !slices.Contains(release, want) {
			t.Errorf("the release does not build %s", want)
		}
	}
}

// What the rest of the release rests on: the v2 schema, static binaries,
// the version stamped where main reads it, zip for Windows, a cask.
func TestReleaseConfig(t *testing.T) {
	c := loadRelease(t)
	if c.Version != 2 {
		t.Errorf("version: %d, want 2 (GoReleaser v2)", c.Version)
	}
	if len(c.Builds) != 1 {
		t.Fatalf("%d builds, want 1", len(c.Builds))
	}
	b := c.Builds[0]
	if b.Binary != "unstuck" || !slices.Contains(b.Env, "CGO_ENABLED=0") {
		t.Errorf("build: binary %q, env %v", b.Binary, b.Env)
	}
	if !strings.Contains(strings.Join(b.Ldflags, " "), "-X main.version=") {
		t.Errorf("ldflags %v do not set main.version", b.Ldflags)
	}
	_ = version // the variable the ldflags set: renaming it breaks this file's build
	if len(c.Archives) == 0 || len(c.Archives[0].FormatOverrides) == 0 ||
		c.Archives[0].FormatOverrides[0].Goos != "windows" || !slices.Equal(c.Archives[0].FormatOverrides[0].Formats, []string{"zip"}) {
		t.Errorf("archives: want zip on windows: %+v", c.Archives)
	}
	if len(c.HomebrewCasks) != 1 || c.HomebrewCasks[0].Name != "unstuck" {
		t.Errorf("homebrew_casks: %+v", c.HomebrewCasks)
	}
}
