package main

// The corpus of real error texts (testdata/corpus, see its README.md): what
// developers pasted into public trackers, each with the cause a support
// engineer would name. TestCorpusIndex checks the corpus itself;
// TestCorpusScore runs the built binary's `explain --json -` over every text
// and fails when the training or the held-out score drops below the floors in
// testdata/corpus/floor.txt.
//
//	go test -run TestCorpus -v .

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/content"
)

const corpusDir = "testdata/corpus"

type corpusEntry struct {
	ID      string `yaml:"id"`
	File    string `yaml:"file"`
	Source  string `yaml:"source"`
	Expect  string `yaml:"expect"`
	Kind    string `yaml:"kind"`
	Heldout bool   `yaml:"heldout"`
	Note    string `yaml:"note"`
}

var corpusKinds = map[string]bool{
	"sdk": true, "wrapper": true, "gateway": true, "local": true, "agent-tool": true,
	"provider": true, "browser": true, "mcp": true, "not-error": true,
}

// Key-shaped tokens: the shapes checks/secret.go masks (keyLike, bearerLike).
// Every one in a corpus text must be a visible fake or a placeholder.
var (
	corpusKeyLike    = regexp.MustCompile(`(?:sk-(?:proj-|svcacct-|admin-|ant-(?:api03|oat01|admin01)-|or-v1-|ar-|lk-)?|AIza|gsk_|xai-|pplx-|hf_|r8_|ghp_|github_pat_)[A-Za-z0-9_\-]{12,}`)
	corpusBearerLike = regexp.MustCompile(`(?i)((?:authorization|x-api-key|api-key|proxy-authorization)\s*[:=]\s*"?(?:bearer\s+)?|bearer\s+)([A-Za-z0-9._~+/\-]{12,}=*)`)
	corpusFakeMark   = regexp.MustCompile(`FAKE|TEST|x{6,}|X{6,}|\*{4,}`)
	corpusSource     = regexp.MustCompile(`^([A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9_.-]+#[0-9]+|https?://\S+)$`)
)

func loadCorpus(t *testing.T) []corpusEntry {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(corpusDir, "index.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var idx struct {
		Entries []corpusEntry `yaml:"entries"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&idx); err != nil {
		t.Fatalf("index.yaml: %v", err)
	}
	if len(idx.Entries) == 0 {
		t.Fatal("index.yaml lists no entries")
	}
	return idx.Entries
}

func TestCorpusIndex(t *testing.T) {
	entries := loadCorpus(t)
	causes, err := content.Causes()
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{"none": true}
	for _, c := range causes {
		known[c.ID] = true
	}
	ids, files := map[string]bool{}, map[string]bool{}
	for _, e := range entries {
		switch {
		case e.ID == "":
			t.Errorf("an entry has no id (file %q)", e.File)
			continue
		case ids[e.ID]:
			t.Errorf("%s: id listed twice", e.ID)
		}
		ids[e.ID] = true
		if e.File == "" {
			t.Errorf("%s: no file", e.ID)
		} else if files[e.File] {
			t.Errorf("%s: file %s listed twice", e.ID, e.File)
		} else if _, err := os.Stat(filepath.Join(corpusDir, e.File)); err != nil {
			t.Errorf("%s: %v", e.ID, err)
		}
		files[e.File] = true
		if strings.TrimSpace(e.Source) == "" {
			t.Errorf("%s: no source", e.ID)
		} else if !corpusSource.MatchString(e.Source) {
			t.Errorf("%s: source %q is neither owner/repo#number nor a URL", e.ID, e.Source)
		}
		if !known[e.Expect] {
			t.Errorf("%s: expect %q is not a cause of the catalogue nor none", e.ID, e.Expect)
		}
		if !corpusKinds[e.Kind] {
			t.Errorf("%s: unknown kind %q", e.ID, e.Kind)
		}
		if e.Kind == "not-error" && e.Expect != "none" {
			t.Errorf("%s: kind not-error expects %q; a text that is not an error expects none", e.ID, e.Expect)
		}
	}
	dir, err := os.ReadDir(corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range dir {
		name := f.Name()
		if !strings.HasSuffix(name, ".txt") || name == "floor.txt" {
			continue
		}
		if !files[name] {
			t.Errorf("%s has no entry in index.yaml", name)
		}
		b, err := os.ReadFile(filepath.Join(corpusDir, name))
		if err != nil {
			t.Error(err)
			continue
		}
		text := string(b)
		if strings.TrimSpace(text) == "" {
			t.Errorf("%s is empty", name)
		}
		for _, m := range corpusKeyLike.FindAllString(text, -1) {
			if !corpusFakeMark.MatchString(m) {
				t.Errorf("%s holds a key-shaped token that is not marked fake: %s (put FAKE in every fake key)", name, checks.Fingerprint(m))
			}
		}
		for _, m := range corpusBearerLike.FindAllStringSubmatch(text, -1) {
			if !corpusFakeMark.MatchString(m[2]) {
				t.Errorf("%s holds a credential header value that is not marked fake: %s%s", name, m[1], checks.Fingerprint(m[2]))
			}
		}
	}
}

// corpusAnswer is what explain said about one text.
type corpusAnswer struct {
	recognized bool
	cause      string
	fault      string // the run itself failed: crash, hang, not JSON
}

func (a corpusAnswer) got() string {
	switch {
	case a.fault != "":
		return "fault: " + a.fault
	case !a.recognized:
		return "none"
	}
	return a.cause
}

func corpusHit(e corpusEntry, a corpusAnswer) bool {
	if a.fault != "" {
		return false
	}
	if e.Expect == "none" {
		return !a.recognized
	}
	return a.recognized && a.cause == e.Expect
}

// corpusExplain runs `explain --json -` on one text with nothing of this
// machine's setup: no keys, proxies or base URLs, an empty HOME, and an
// empty working directory. explain sends nothing over the network.
func corpusExplain(bin, home, dir, text string) corpusAnswer {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "explain", "--json", "-")
	cmd.WaitDelay = time.Second
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "GODEBUG=netdns=go"}
	cmd.Stdin = strings.NewReader(text)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	switch {
	case ctx.Err() != nil:
		return corpusAnswer{fault: "hang"}
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		return corpusAnswer{fault: err.Error()}
	}
	if code != 0 && code != 1 || strings.Contains(stderr.String(), "goroutine ") {
		return corpusAnswer{fault: fmt.Sprintf("exit %d: %.300s", code, stderr.String())}
	}
	var out struct {
		Recognized *bool `json:"recognized"`
		Cause      struct {
			ID string `json:"id"`
		} `json:"cause"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		return corpusAnswer{fault: fmt.Sprintf("exit %d, stdout not JSON: %v", code, err)}
	}
	recognized := code == 0
	if out.Recognized != nil && *out.Recognized != recognized {
		return corpusAnswer{fault: fmt.Sprintf("exit %d but recognized=%v", code, *out.Recognized)}
	}
	return corpusAnswer{recognized: recognized, cause: out.Cause.ID}
}

// readCorpusFloor reads "train N" and "heldout N" from floor.txt.
func readCorpusFloor(t *testing.T) map[string]int {
	t.Helper()
	f, err := os.Open(filepath.Join(corpusDir, "floor.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	floor := map[string]int{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, " ")
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if !ok || err != nil || (k != "train" && k != "heldout") {
			t.Fatalf("floor.txt: cannot read %q (want \"train N\" or \"heldout N\")", line)
		}
		floor[k] = n
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"train", "heldout"} {
		if _, ok := floor[k]; !ok {
			t.Fatalf("floor.txt has no %q line", k)
		}
	}
	return floor
}

func TestCorpusScore(t *testing.T) {
	entries := loadCorpus(t)
	floor := readCorpusFloor(t)
	bin, err := e2eBuild()
	if err != nil {
		t.Fatal(err)
	}
	if stray := e2eStrayEnv(); stray != "" {
		t.Fatalf("%s exists: every run would read it; remove it or set TMPDIR elsewhere", stray)
	}
	home, dir := t.TempDir(), t.TempDir()

	answers := make([]corpusAnswer, len(entries))
	work := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < runtime.NumCPU(); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				b, err := os.ReadFile(filepath.Join(corpusDir, entries[i].File))
				if err != nil {
					answers[i] = corpusAnswer{fault: err.Error()}
					continue
				}
				answers[i] = corpusExplain(bin, home, dir, string(b))
			}
		}()
	}
	for i := range entries {
		work <- i
	}
	close(work)
	wg.Wait()

	type tally struct{ hits, n int }
	var train, held tally
	trainMiss := map[string][]string{} // expect -> "id (got X)"
	heldMiss := map[string]int{}       // expect -> count; no ids: held-out texts stay unread
	for i, e := range entries {
		a := answers[i]
		if a.fault != "" {
			t.Errorf("%s: %s", e.ID, a.fault) // a crash or hang on a real text is a bug
		}
		hit := corpusHit(e, a)
		tl := &train
		if e.Heldout {
			tl = &held
		}
		tl.n++
		if hit {
			tl.hits++
			continue
		}
		if e.Heldout {
			heldMiss[e.Expect]++
		} else {
			trainMiss[e.Expect] = append(trainMiss[e.Expect], fmt.Sprintf("%s (got %s)", e.ID, a.got()))
		}
	}
	pct := func(x tally) float64 {
		if x.n == 0 {
			return 100
		}
		return 100 * float64(x.hits) / float64(x.n)
	}

	var expects []string
	seen := map[string]bool{}
	for _, e := range entries {
		if !seen[e.Expect] {
			seen[e.Expect] = true
			expects = append(expects, e.Expect)
		}
	}
	sort.Strings(expects)
	for _, c := range expects {
		if m := trainMiss[c]; len(m) > 0 {
			t.Logf("train misses, %s (%d): %s", c, len(m), strings.Join(m, ", "))
		}
	}
	for _, c := range expects {
		if n := heldMiss[c]; n > 0 {
			t.Logf("held-out misses, %s: %d", c, n)
		}
	}
	t.Logf("training score: %d/%d = %.1f %% (floor %d %%)", train.hits, train.n, pct(train), floor["train"])
	t.Logf("held-out score: %d/%d = %.1f %% (floor %d %%)", held.hits, held.n, pct(held), floor["heldout"])

	for _, s := range []struct {
		name string
		x    tally
	}{{"train", train}, {"heldout", held}} {
		got := int(math.Floor(pct(s.x)))
		switch {
		case got < floor[s.name]:
			t.Errorf("%s score %d %% is below its floor %d %% (testdata/corpus/floor.txt)", s.name, got, floor[s.name])
		case got > floor[s.name]:
			t.Logf("%s score %d %% is above its floor %d %%: raise the floor in floor.txt", s.name, got, floor[s.name])
		}
	}
}
