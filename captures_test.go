package main

// The captures in testdata/captures are what real clients (the OpenAI and
// Anthropic SDKs, Claude Code, Codex) printed when their provider failed,
// recorded by testdata/captures/record.sh against a local imitation of the
// providers. This test needs no node: it checks that the index and the files
// agree, that no real-looking key slipped in, and runs explain over every
// capture, logging what today's classifier names and failing only when the
// score drops below the recorded floor (a ratchet: raise the floor when the
// score rises).

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

const capturesDir = "testdata/captures"

type captureEntry struct {
	File          string `yaml:"file"`
	Client        string `yaml:"client"`
	ClientVersion string `yaml:"client_version"`
	Fault         string `yaml:"fault"`
	Command       string `yaml:"command"`
	Setup         string `yaml:"setup"`
	Server        string `yaml:"server"`
	Expect        string `yaml:"expect"`
	Actual        string `yaml:"actual"`
	Evident       *bool  `yaml:"evident"`
	ExitCode      *int   `yaml:"exit_code"`
	TTY           bool   `yaml:"tty"`
	ANSI          bool   `yaml:"ansi"`
	Note          string `yaml:"note"`
}

func (e captureEntry) evident() bool { return e.Evident == nil || *e.Evident }

func loadCaptureIndex(t *testing.T) []captureEntry {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(capturesDir, "index.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var idx struct {
		Captures []captureEntry `yaml:"captures"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&idx); err != nil {
		t.Fatalf("index.yaml: %v", err)
	}
	if len(idx.Captures) == 0 {
		t.Fatal("index.yaml lists no captures")
	}
	return idx.Captures
}

// captureFiles lists every capture file: the .txt files in the client
// folders (not the record script's own scripts/ and server/).
func captureFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(capturesDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(capturesDir, path)
		if d.IsDir() && (rel == "scripts" || rel == "server") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".txt") && rel != "floor.txt" {
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestCapturesIndex(t *testing.T) {
	entries := loadCaptureIndex(t)
	listed := map[string]bool{}
	for _, e := range entries {
		if listed[e.File] {
			t.Errorf("%s is listed twice", e.File)
		}
		listed[e.File] = true
		for name, v := range map[string]string{"client": e.Client, "client_version": e.ClientVersion, "fault": e.Fault, "command": e.Command, "expect": e.Expect} {
			if v == "" {
				t.Errorf("%s: no %s", e.File, name)
			}
		}
		if e.ExitCode == nil {
			t.Errorf("%s: no exit_code", e.File)
		}
		b, err := os.ReadFile(filepath.Join(capturesDir, e.File))
		if err != nil {
			t.Errorf("%s: %v", e.File, err)
			continue
		}
		if len(bytes.TrimSpace(b)) == 0 {
			t.Errorf("%s is empty", e.File)
		}
		if got := bytes.IndexByte(b, 0x1b) >= 0; got != e.ANSI {
			t.Errorf("%s: ansi is %v in the index, but the file says %v", e.File, e.ANSI, got)
		}
	}
	for _, f := range captureFiles(t) {
		if !listed[f] {
			t.Errorf("%s is not in index.yaml", f)
		}
	}
}

// causeIDs reads the catalogue's IDs from the shared CAUSES.md: the first
// column of its tables, in backquotes.
func causeIDs(t *testing.T) map[string]bool {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "shared", "CAUSES.md"))
	if err != nil {
		t.Skipf("no ../shared/CAUSES.md here: %v", err)
	}
	ids := map[string]bool{}
	row := regexp.MustCompile("(?m)^\\|\\s*`([a-z0-9-]+)`\\s*\\|")
	for _, m := range row.FindAllStringSubmatch(string(b), -1) {
		ids[m[1]] = true
	}
	if len(ids) < 10 {
		t.Fatalf("read only %d cause IDs from CAUSES.md", len(ids))
	}
	return ids
}

func TestCapturesExpectCauses(t *testing.T) {
	ids := causeIDs(t)
	for _, e := range loadCaptureIndex(t) {
		if !ids[e.Expect] {
			t.Errorf("%s: expect %q is not a CAUSES.md ID", e.File, e.Expect)
		}
		if e.Actual != "" && !ids[e.Actual] {
			t.Errorf("%s: actual %q is not a CAUSES.md ID", e.File, e.Actual)
		}
	}
}

// keyShaped finds tokens that look like API keys: a known prefix followed by
// a run of key characters. Masked keys (stars) break the run.
var keyShaped = regexp.MustCompile(`\b(?:sk-|sk_|AIza|gsk_|xai-|pplx-|r8_|hf_)[A-Za-z0-9_\-]{16,}`)

func TestCapturesHoldNoRealKey(t *testing.T) {
	var files []string
	err := filepath.WalkDir(capturesDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			switch filepath.Ext(path) {
			case ".txt", ".json", ".yaml", ".sh", ".mjs", ".go":
				files = append(files, path)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range keyShaped.FindAllString(string(b), -1) {
			if !strings.Contains(k, "FAKE") {
				t.Errorf("%s holds a key-shaped token without FAKE: %.12s…", f, k)
			}
		}
	}
}

// TestCapturesExplain runs explain over every capture and logs, for each,
// whether today's classifier names the expected cause. Only the evident
// captures (whose text can tell the cause) count in the score; the score
// must not fall below testdata/captures/floor.txt.
func TestCapturesExplain(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	entries := loadCaptureIndex(t)
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].File < entries[j].File })
	matched, scored := 0, 0
	byClient := map[string][2]int{}
	for _, e := range entries {
		text, err := os.ReadFile(filepath.Join(capturesDir, e.File))
		if err != nil {
			t.Fatal(err)
		}
		var stdout, stderr bytes.Buffer
		code, err := runExplain(context.Background(), []string{"--json", "-"}, bytes.NewReader(text), &stdout, &stderr)
		if err != nil {
			t.Errorf("%s: explain failed (exit %d): %v", e.File, code, err)
			continue
		}
		var res struct {
			Cause      struct{ ID string }
			Recognized *bool
		}
		if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
			t.Errorf("%s: explain --json printed no JSON object: %v", e.File, err)
			continue
		}
		got := res.Cause.ID
		if res.Recognized != nil && !*res.Recognized {
			got = "(not recognised)"
		}
		ok := got == e.Expect
		mark := "miss"
		if ok {
			mark = "ok  "
		}
		if e.evident() {
			scored++
			c := byClient[e.Client]
			c[1]++
			if ok {
				matched++
				c[0]++
			}
			byClient[e.Client] = c
		} else {
			mark += " (not evident, not scored)"
		}
		t.Logf("%s %-40s expect %-22s got %s", mark, e.File, e.Expect, got)
	}
	clients := make([]string, 0, len(byClient))
	for c := range byClient {
		clients = append(clients, c)
	}
	sort.Strings(clients)
	for _, c := range clients {
		t.Logf("%-28s %d/%d", c, byClient[c][0], byClient[c][1])
	}
	t.Logf("score: %d of %d evident captures name the expected cause", matched, scored)

	floor := captureFloor(t)
	if matched < floor {
		t.Errorf("score %d is below the floor %d (testdata/captures/floor.txt): a capture the classifier named before is now missed", matched, floor)
	} else if matched > floor {
		t.Logf("score %d is above the floor %d: raise testdata/captures/floor.txt to %d", matched, floor, matched)
	}
}

// captureFloor reads the floor: the first line that is not a comment.
func captureFloor(t *testing.T) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(capturesDir, "floor.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		n, err := strconv.Atoi(line)
		if err != nil {
			t.Fatalf("floor.txt: %v", err)
		}
		return n
	}
	t.Fatal(fmt.Errorf("floor.txt holds no number"))
	return 0
}
