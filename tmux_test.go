package main

// Real-terminal tests: the built binary runs inside tmux, the test sends
// keys and reads the screen back, the way a person would see it. They cover
// what the headless tests cannot: the alternate screen, resizing, the
// terminal's background colour, ctrl+c while a check hangs, and that the
// terminal is left clean afterwards.
//
//	go test -run TestTmux -count=1 .
//
// Each test runs its own tmux server (tmux -S on a socket in a fresh
// temporary directory), so tests run in parallel and never touch a
// developer's own sessions. Without tmux the tests skip (.ci/test installs
// it); UNSTUCK_TMUX_REQUIRED=1 makes a missing tmux a failure instead.
//
// The binary runs under sh, which prints a marker before it starts and its
// exit status after it ends, then sleeps: the pane stays alive, so what the
// app left on the terminal can be read after it quits. (tmux 3.3's
// remain-on-exit draws "Pane is dead" over a dead pane and resets its
// cursor flags, which would hide exactly what these tests look for.)

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// A key with a core ("TMUXKEY…") that must never show on screen, in the
// report or on the clipboard: a mask shows at most its first and last four
// characters.
const (
	tmuxKey     = "sk-proj-TMUXKEY7f3a9c2d1b8e4f6a0c5d9e2b7a1f4c8d3e6b9a2cSECRET"
	tmuxKeyCore = "TMUXKEY7f3a9c2d1b8e4f6a0c5d9e2b7a1f4c8d3e6b9a2c"
)

// Markers the wrapping shell prints around the binary.
const (
	tmuxStartMark = "UNSTUCK-TMUX-START"
	tmuxExitMark  = "UNSTUCK-TMUX-EXIT="
)

// tmuxWait bounds every wait for the screen. It is generous on purpose: a
// busy CI machine under -race is slow, and nothing asserts how fast.
const tmuxWait = 10 * time.Second

// ── The pane ────────────────────────────────────────────────────────────

type tmuxOpts struct {
	width, height int
	env           map[string]string // on top of PATH, HOME and TERM
	term          string            // default xterm-256color
	args          []string
	conf          []string // extra lines for the tmux config
	script        string   // run this shell script instead of the binary
}

// tmuxPane is one tmux server with one window running the binary.
type tmuxPane struct {
	t      *testing.T
	socket string
	dir    string // the binary's working directory
}

// tmuxStart builds the binary (once) and starts it in a fresh tmux server.
func tmuxStart(t *testing.T, o tmuxOpts) *tmuxPane {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("UNSTUCK_TMUX_REQUIRED") == "1" {
			t.Fatal("tmux is not installed and UNSTUCK_TMUX_REQUIRED=1")
		}
		t.Skip("tmux is not installed (.ci/test installs it)")
	}
	bin, err := e2eBuild()
	if err != nil {
		t.Fatal(err)
	}
	if stray := e2eStrayEnv(); stray != "" {
		t.Fatalf("%s exists: every run would read it; remove it or set TMPDIR elsewhere", stray)
	}
	// The server's socket lives in a short temporary directory of its own:
	// tmux leaves the socket file behind after kill-server, and a socket
	// path must stay under ~100 bytes (t.TempDir() can be longer on macOS).
	sockDir, err := os.MkdirTemp("", "ut")
	if err != nil {
		t.Fatal(err)
	}
	p := &tmuxPane{
		t:      t,
		socket: filepath.Join(sockDir, "tmux"),
		dir:    t.TempDir(),
	}
	t.Cleanup(func() {
		// Stop the server: the shell, its sleep and the app go with it.
		_, _ = p.tmuxRun("kill-server")
		os.RemoveAll(sockDir)
	})
	conf := filepath.Join(t.TempDir(), "tmux.conf")
	lines := append([]string{
		"set -g status off",         // the pane gets the whole window
		"set -g history-limit 5000", // scrollback to search for the key
		"set -s escape-time 0",      // esc reaches the app at once
		"set -s set-clipboard on",   // OSC 52 from the app fills a tmux buffer
		"set -g remain-on-exit on",  // a crashed shell still leaves its screen
	}, o.conf...)
	if err := os.WriteFile(conf, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	term := o.term
	if term == "" {
		term = "xterm-256color"
	}
	// A clean environment: no keys, proxies or base URLs from the machine
	// running the tests. The key goes through argv, never a shell string,
	// so a trailing newline arrives intact.
	cmd := []string{"env", "-i",
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + t.TempDir(),
		"UNSTUCK_CONFIG_ROOT=" + t.TempDir(), // never this machine's managed settings
		"TERM=" + term,
	}
	for k, v := range o.env {
		cmd = append(cmd, k+"="+v)
	}
	script := `echo ` + tmuxStartMark + `; "$0" "$@"; echo ` + tmuxExitMark + `$?; exec sleep 3600`
	if o.script != "" {
		script = o.script
	}
	cmd = append(cmd, "sh", "-c", script, bin)
	cmd = append(cmd, o.args...)

	args := []string{"-f", conf, "new-session", "-d", "-s", "u",
		"-x", strconv.Itoa(o.width), "-y", strconv.Itoa(o.height), "-c", p.dir}
	if out, err := p.tmuxRun(append(args, cmd...)...); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, p.hide(out))
	}
	return p
}

// tmuxRun runs one tmux command against this pane's server.
func (p *tmuxPane) tmuxRun(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), tmuxWait)
	defer cancel()
	c := exec.CommandContext(ctx, "tmux", append([]string{"-S", p.socket}, args...)...)
	// Inside a developer's tmux, TMUX would point the client elsewhere.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TMUX=") && !strings.HasPrefix(kv, "TMUX_PANE=") {
			c.Env = append(c.Env, kv)
		}
	}
	var out bytes.Buffer
	c.Stdout, c.Stderr = &out, &out
	err := c.Run()
	return out.String(), err
}

func (p *tmuxPane) must(args ...string) string {
	p.t.Helper()
	out, err := p.tmuxRun(args...)
	if err != nil {
		p.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, p.hide(out))
	}
	return out
}

// keys sends key names (tmux send-keys syntax: Enter, Escape, C-c, j …).
func (p *tmuxPane) keys(names ...string) {
	p.t.Helper()
	p.must(append([]string{"send-keys", "-t", "u"}, names...)...)
}

// screen is the visible pane, one string per row. Extra flags go to
// capture-pane: -J joins lines tmux wrapped, -S - adds the scrollback,
// -e keeps the escape sequences.
func (p *tmuxPane) screen(flags ...string) string {
	p.t.Helper()
	return p.must(append([]string{"capture-pane", "-p", "-t", "u"}, flags...)...)
}

// show is a screen fit for the test log.
func (p *tmuxPane) show(s string) string {
	return "\n┌────\n" + p.hide(s) + "\n└────"
}

// hide masks the key in anything headed for the test log, so that a failing
// "the key is on screen" test does not print the key itself.
func (p *tmuxPane) hide(s string) string {
	s = strings.ReplaceAll(s, tmuxKey, "[KEY]")
	return strings.ReplaceAll(s, tmuxKeyCore, "[KEY]")
}

func (p *tmuxPane) format(f string) string {
	p.t.Helper()
	return strings.TrimSpace(p.must("display-message", "-p", "-t", "u", f))
}

// waitFor captures the screen every 50 ms until ok holds, and fails the test
// with the last screen when it does not within tmuxWait.
func (p *tmuxPane) waitFor(what string, ok func(screen string) bool) string {
	p.t.Helper()
	deadline := time.Now().Add(tmuxWait)
	for {
		s := p.screen()
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("waited %s for %s; the screen:%s", tmuxWait, what, p.show(s))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitText waits until the screen shows text. Words are compared with the
// whitespace between them collapsed, so text the app wrapped still matches.
func (p *tmuxPane) waitText(text string) string {
	p.t.Helper()
	return p.waitFor(fmt.Sprintf("%q", text), func(s string) bool { return tmuxHas(s, text) })
}

// waitExit waits for the shell's exit marker and returns the app's status.
func (p *tmuxPane) waitExit() int {
	p.t.Helper()
	s := p.waitText(tmuxExitMark)
	m := regexp.MustCompile(regexp.QuoteMeta(tmuxExitMark) + `(\d+)`).FindStringSubmatch(s)
	if m == nil {
		p.t.Fatalf("no exit status after %s:%s", tmuxExitMark, p.show(s))
	}
	code, _ := strconv.Atoi(m[1])
	return code
}

// choose moves the cursor down to the choice whose line contains label and
// presses enter. It never assumes where the choice is in the list.
func (p *tmuxPane) choose(label string) {
	p.t.Helper()
	s := p.waitFor("a question", func(s string) bool { return tmuxCursorLine(s) != "" })
	for range 40 {
		cur := tmuxCursorLine(s)
		if strings.Contains(cur, label) {
			p.keys("Enter")
			return
		}
		p.keys("j")
		s = p.waitFor("the cursor to move past "+cur, func(s string) bool {
			c := tmuxCursorLine(s)
			return c != "" && c != cur
		})
	}
	p.t.Fatalf("no choice %q on the question:%s", label, p.show(s))
}

// noKey fails when any eight characters of the key's core appear in text,
// also across the line breaks the app or tmux put in.
func (p *tmuxPane) noKey(where, text string) {
	p.t.Helper()
	flat := strings.Join(strings.Fields(text), "")
	for i := 0; i+8 <= len(tmuxKeyCore); i++ {
		part := tmuxKeyCore[i : i+8]
		if strings.Contains(text, part) || strings.Contains(flat, part) {
			p.t.Fatalf("%s shows part of the key (%q…):%s", where, part[:2], p.show(text))
		}
	}
}

// ── Screen helpers ──────────────────────────────────────────────────────

// tmuxHas reports whether screen shows text, whitespace collapsed.
func tmuxHas(screen, text string) bool {
	return strings.Contains(strings.Join(strings.Fields(screen), " "), strings.Join(strings.Fields(text), " "))
}

// tmuxCursorLine is the highlighted choice of a question ("› 401 …"), or "".
func tmuxCursorLine(screen string) string {
	for _, ln := range strings.Split(screen, "\n") {
		if strings.HasPrefix(strings.TrimLeft(ln, " "), "› ") {
			return strings.TrimSpace(ln)
		}
	}
	return ""
}

// tmuxLines is the screen's rows without trailing blanks.
func tmuxLines(screen string) []string {
	lines := strings.Split(strings.TrimRight(screen, "\n"), "\n")
	for i, ln := range lines {
		lines[i] = strings.TrimRight(ln, " ")
	}
	return lines
}

// tmuxLastText is the last row with something on it: the footer.
func tmuxLastText(screen string) string {
	lines := tmuxLines(screen)
	for i := len(lines) - 1; i >= 0; i-- {
		if lines[i] != "" {
			return lines[i]
		}
	}
	return ""
}

// tmuxTooWide lists the rows wider than width. Pass a capture taken with -J:
// a row the app drew too wide has been wrapped by tmux and is joined again.
func tmuxTooWide(joined string, width int) []string {
	var wide []string
	for _, ln := range tmuxLines(joined) {
		if ansi.StringWidth(ln) > width {
			wide = append(wide, fmt.Sprintf("%d columns: %q", ansi.StringWidth(ln), ln))
		}
	}
	return wide
}

// tmuxFirstLine is the top row: the brand and the breadcrumb.
func tmuxFirstLine(screen string) string { return tmuxLines(screen)[0] }

// tmuxSetup starts the wizard with a key that ends in a newline (the
// classic `heroku config:get` mistake). The base URL is a closed loopback
// port: the config checks name the cause before any network step, and
// should that ever change, nothing leaves this machine.
func tmuxSetup(t *testing.T, w, h int) *tmuxPane {
	t.Helper()
	return tmuxStart(t, tmuxOpts{
		width: w, height: h,
		env:  map[string]string{"OPENAI_API_KEY": tmuxKey + "\n"},
		args: []string{"--base-url", "http://127.0.0.1:" + tmuxClosedPort(t) + "/v1"},
	})
}

// tmuxClosedPort is a loopback port nothing listens on.
func tmuxClosedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(l.Addr().String())
	l.Close()
	return port
}

const (
	tmuxRootPrompt  = "What do you see when the call fails?"
	tmuxURLPrompt   = "Which base URL does your app give its SDK?"
	tmuxModelPrompt = "Which model does the app ask for?"
	// The client question; with nothing configured in the test's home
	// the highlight is on "I don't know", and enter keeps the guess.
	tmuxClientPrompt = "What are you running?"
	tmuxCauseTitle   = "Your API key has a trailing newline or spaces"
)

// tmuxWalkToCause answers symptom, keeps the base URL and model, and waits
// for the trailing-newline page.
func (p *tmuxPane) walkToCause(symptom string) string {
	p.t.Helper()
	p.waitText(tmuxRootPrompt)
	p.choose(symptom)
	p.waitText(tmuxURLPrompt)
	p.keys("Enter")
	p.waitText(tmuxModelPrompt)
	p.keys("Enter")
	p.waitText(tmuxClientPrompt)
	p.keys("Enter")
	return p.waitFor("the cause page", tmuxOnCausePage)
}

// tmuxOnCausePage: the cause's title as the page header (the breadcrumb may
// shorten it), the result screen's keys in the footer, and the guidance page
// rendered (it renders in the background, after the header shows).
func tmuxOnCausePage(s string) bool {
	if strings.Contains(s, "Rendering the guidance page") {
		return false
	}
	for _, ln := range tmuxLines(s)[1:] {
		if strings.HasPrefix(ln, tmuxCauseTitle) {
			return strings.Contains(tmuxLastText(s), "scroll")
		}
	}
	return false
}

// ── 1. A full walk to a cause page ──────────────────────────────────────

func TestTmuxWalkToCausePage(t *testing.T) {
	t.Parallel()
	p := tmuxSetup(t, 100, 30)
	s := p.walkToCause("401 Unauthorized")

	if !tmuxHas(s, "ends with a newline") {
		t.Errorf("the page does not say what was found (a trailing newline):%s", p.show(s))
	}
	p.noKey("the cause page", s)
	p.noKey("the cause page, wrapped lines joined", p.screen("-J"))
	p.noKey("the cause page with its escapes", p.screen("-e"))
	p.noKey("the scrollback", p.screen("-J", "-S", "-"))

	// Save the report: the screen says where; the file and the clipboard
	// carry the cause, never the key.
	p.keys("s")
	s = p.waitText("Report saved to")
	files, _ := filepath.Glob(filepath.Join(p.dir, "*"))
	if len(files) != 1 {
		t.Fatalf("want one report in the working directory, found %q:%s", files, p.show(s))
	}
	report := files[0]
	flat := strings.Join(strings.Fields(s), "")
	if !strings.Contains(flat, filepath.Base(report)) {
		t.Errorf("the screen does not name the report %s:%s", filepath.Base(report), p.show(s))
	}
	body, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	p.noKey("the report file", string(body))
	if !strings.Contains(string(body), "key-whitespace") {
		t.Errorf("the report does not name the cause key-whitespace:%s", p.show(string(body)))
	}
	if tmuxHas(s, "copied to the clipboard") {
		// set-clipboard on: the app's OSC 52 lands in a tmux buffer.
		clip, err := p.tmuxRun("show-buffer")
		if err != nil {
			t.Errorf("the screen says copied, but the terminal got no clipboard text: %s", clip)
		}
		p.noKey("the clipboard", clip)
		if !strings.Contains(clip, "key-whitespace") {
			t.Errorf("the clipboard does not hold the report:%s", p.show(clip))
		}
	}

	p.keys("q")
	if code := p.waitExit(); code != 0 {
		t.Errorf("q: exit status %d, want 0", code)
	}
	p.noKey("the terminal after exit, scrollback included", p.screen("-J", "-S", "-"))
}

// ── 2. Back navigation ──────────────────────────────────────────────────

func TestTmuxBackNavigation(t *testing.T) {
	t.Parallel()
	p := tmuxSetup(t, 80, 24)
	p.waitText(tmuxRootPrompt)
	// Not the first choice: going back must put the cursor where it was.
	p.choose("403 Forbidden")
	s := p.waitText(tmuxURLPrompt)
	if top := tmuxFirstLine(s); !strings.Contains(top, "403 Forbidden › Base URL") {
		t.Errorf("breadcrumb on the base URL input: %q", top)
	}

	// esc from the base URL input: the first question, cursor on 403.
	p.keys("Escape")
	s = p.waitText(tmuxRootPrompt)
	if cur := tmuxCursorLine(s); !strings.Contains(cur, "403 Forbidden") {
		t.Errorf("back on the first question, the cursor is on %q, want the answer given (403 Forbidden):%s", cur, p.show(s))
	}
	if top := tmuxFirstLine(s); strings.Contains(top, "Base URL") {
		t.Errorf("the breadcrumb still shows the input left behind: %q", top)
	}

	// Forward to the cause page, then back: the last input, shorter crumbs.
	p.keys("Enter")
	p.waitText(tmuxURLPrompt)
	p.keys("Enter")
	p.waitText(tmuxModelPrompt)
	p.keys("Enter")
	p.waitText(tmuxClientPrompt)
	p.keys("Enter")
	s = p.waitFor("the cause page", tmuxOnCausePage)
	before := tmuxFirstLine(s)

	p.keys("Escape")
	s = p.waitText(tmuxClientPrompt)
	after := tmuxFirstLine(s)
	if !strings.HasSuffix(after, "403 Forbidden › Base URL › Model › Your client") {
		t.Errorf("breadcrumb after esc from the cause page: %q, want it to end with the client question", after)
	}
	if ansi.StringWidth(after) >= ansi.StringWidth(before) || strings.Contains(after, "Config") {
		t.Errorf("breadcrumb did not shorten: %q → %q", before, after)
	}

	// backspace goes back from a page too (in text inputs it edits text).
	p.keys("Enter")
	p.waitFor("the cause page again", tmuxOnCausePage)
	p.keys("BSpace")
	p.waitText(tmuxClientPrompt)

	// esc, esc, esc: the model and base URL inputs, then the first
	// question; once more says there is nothing before it.
	p.keys("Escape")
	p.waitText(tmuxModelPrompt)
	p.keys("Escape")
	s = p.waitText(tmuxURLPrompt)
	if top := tmuxFirstLine(s); !strings.HasSuffix(top, "403 Forbidden › Base URL") {
		t.Errorf("breadcrumb back on the base URL input: %q", top)
	}
	p.keys("Escape")
	p.waitText(tmuxRootPrompt)
	p.keys("Escape")
	s = p.waitText("This is the first step.")
	if !tmuxHas(s, tmuxRootPrompt) {
		t.Errorf("esc on the first question left it:%s", p.show(s))
	}
}

// ── 3. Resizing ─────────────────────────────────────────────────────────

func TestTmuxResize(t *testing.T) {
	t.Parallel()
	p := tmuxSetup(t, 80, 24)
	s := p.walkToCause("401 Unauthorized")

	// The first row of the page's first paragraph at 80 columns: at 60 its
	// words must all still be there, in order, on narrower rows (a page
	// clipped instead of reflowed loses the words past column 60).
	var para string
	for _, ln := range tmuxLines(s)[2:] {
		if regexp.MustCompile(`^ +[A-Z][a-z]`).MatchString(ln) && ansi.StringWidth(ln) > 60 {
			para = strings.TrimSpace(ln)
			break
		}
	}
	if para == "" {
		t.Fatalf("no paragraph row wider than 60 columns on the page at 80x24:%s", p.show(s))
	}

	p.must("resize-window", "-t", "u", "-x", "60", "-y", "16")
	if got := p.format("#{window_width}x#{window_height}"); got != "60x16" {
		t.Fatalf("tmux resize-window: the window is %s, want 60x16", got)
	}
	s = p.waitFor("the page reflowed to 60x16", func(s string) bool {
		lines := tmuxLines(s)
		return len(lines) > 0 && strings.HasPrefix(lines[0], "unstuck") &&
			tmuxOnCausePage(s) && tmuxHas(s, para)
	})
	if wide := tmuxTooWide(p.screen("-J"), 60); len(wide) > 0 {
		t.Errorf("rows wider than the 60-column window (tmux wrapped them):\n%s%s", strings.Join(wide, "\n"), p.show(s))
	}
	if n := len(tmuxLines(s)); n > 16 {
		t.Errorf("%d rows in a 16-row window", n)
	}
	if foot := tmuxLastText(s); !strings.Contains(foot, "quit") && !strings.Contains(foot, "back") {
		t.Errorf("no footer at 60x16: last row %q", foot)
	}

	// 40x10 must not crash: the top row and the footer still draw, keys
	// still work, q still quits cleanly.
	p.must("resize-window", "-t", "u", "-x", "40", "-y", "10")
	s = p.waitFor("the page at 40x10", func(s string) bool {
		lines := tmuxLines(s)
		return strings.HasPrefix(lines[0], "unstuck") && len(tmuxTooWide(s, 40)) == 0 &&
			strings.Contains(tmuxLastText(s), "scroll")
	})
	if tmuxHas(s, tmuxExitMark) || tmuxHas(s, "panic") {
		t.Fatalf("the wizard stopped at 40x10:%s", p.show(s))
	}
	if wide := tmuxTooWide(p.screen("-J"), 40); len(wide) > 0 {
		t.Errorf("rows wider than the 40-column window:\n%s%s", strings.Join(wide, "\n"), p.show(s))
	}
	p.keys("j") // scroll: the app is alive and drawing
	p.waitFor("the page to scroll", func(n string) bool { return n != s })
	p.keys("q")
	if code := p.waitExit(); code != 0 {
		t.Errorf("q after resizing: exit status %d, want 0", code)
	}
}

// ── 4. ctrl+c while a check hangs ───────────────────────────────────────

// tmuxHangingServer accepts connections on loopback and never answers:
// the API host that takes the TCP connection and then says nothing.
func tmuxHangingServer(t *testing.T) (addr string, accepted func() int) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		conns []net.Conn
		done  = make(chan struct{})
	)
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		<-done
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return l.Addr().String(), func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(conns)
	}
}

func TestTmuxCtrlCDuringHangingCheck(t *testing.T) {
	t.Parallel()
	addr, accepted := tmuxHangingServer(t)
	p := tmuxStart(t, tmuxOpts{
		width: 80, height: 24,
		env: map[string]string{"OPENAI_API_KEY": tmuxKey},
		// The per-step bound is far longer than the wait below: the app
		// can only exit in time by cancelling the check.
		args: []string{"--base-url", "http://" + addr + "/v1", "--timeout", "30s"},
	})
	p.waitText(tmuxRootPrompt)
	// The everything path runs the network checks whatever the machine
	// (inside a container a loopback URL is a cause of its own, found by
	// the free checks before the symptom paths would connect).
	p.choose("Setting up: check everything")
	p.waitText(tmuxURLPrompt)
	p.keys("Enter")
	p.waitText(tmuxModelPrompt)
	p.keys("Enter")
	p.waitText(tmuxClientPrompt)
	p.keys("Enter")
	s := p.waitFor("the checks or the consent question", func(s string) bool {
		return tmuxHas(s, "Elapsed") || tmuxHas(s, "don't send")
	})
	if tmuxHas(s, "don't send") {
		p.keys("n") // nothing billable; the free checks still connect
	}
	p.waitText("Elapsed")
	deadline := time.Now().Add(tmuxWait)
	for accepted() == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no check connected to the hanging server:%s", p.show(p.screen()))
		}
		time.Sleep(50 * time.Millisecond)
	}
	s = p.screen()
	if !tmuxHas(s, "Elapsed") || tmuxOnCausePage(s) {
		t.Fatalf("the checks are not running any more, nothing to interrupt:%s", p.show(s))
	}

	p.keys("C-c")
	if code := p.waitExit(); code != 130 {
		t.Errorf("ctrl+c: exit status %d, want 130 (interrupted)", code)
	}
	tmuxRestored(t, p)
}

// tmuxRestored checks what the app left on the terminal after it quit: the
// normal screen back, with what was on it before; the cursor visible; no
// mouse or keypad mode; no stray text (a late reply to a terminal query is
// echoed by the tty as garbage like ^[]11;rgb:…).
func tmuxRestored(t *testing.T, p *tmuxPane) {
	t.Helper()
	s := p.screen()
	flags := p.format("alt=#{alternate_on} cursor=#{cursor_flag} mouse=#{mouse_any_flag} keypad=#{keypad_flag} insert=#{insert_flag}")
	if want := "alt=0 cursor=1 mouse=0 keypad=0 insert=0"; flags != want {
		t.Errorf("terminal modes after exit: %s, want %s", flags, want)
	}
	var text []string
	for _, ln := range tmuxLines(s) {
		if ln != "" {
			text = append(text, ln)
		}
	}
	if len(text) != 2 || text[0] != tmuxStartMark || !strings.HasPrefix(text[1], tmuxExitMark) {
		t.Errorf("after exit the terminal should show only the shell's two lines (%s, %s…):%s",
			tmuxStartMark, tmuxExitMark, p.show(s))
	}
	if esc := p.screen("-e"); strings.Contains(esc, "\x1b[3") || strings.Contains(esc, "\x1b[4") {
		t.Errorf("colours left on after exit:%s", p.show(strings.ReplaceAll(esc, "\x1b", "^[")))
	}
}

// ── 5. No colour, light and dark terminals, TERM=dumb ───────────────────

var tmuxSGR = regexp.MustCompile(`\x1b\[([0-9;:]*)m`)

// tmuxColourCodes lists the SGR parameters on screen that set a colour:
// 30–37, 40–47, 90–97, 100–107, 38;… and 48;… (39 and 49, the defaults, are
// no colour).
func tmuxColourCodes(escaped string) []string {
	var found []string
	for _, m := range tmuxSGR.FindAllStringSubmatch(escaped, -1) {
		params := strings.FieldsFunc(m[1], func(r rune) bool { return r == ';' || r == ':' })
		for i := 0; i < len(params); i++ {
			n, _ := strconv.Atoi(params[i])
			switch {
			case n == 38 || n == 48:
				found = append(found, m[1])
				i = len(params) // the rest are its arguments
			case n >= 30 && n <= 37, n >= 40 && n <= 47, n >= 90 && n <= 97, n >= 100 && n <= 107:
				found = append(found, m[1])
			}
		}
	}
	return found
}

func TestTmuxNoColor(t *testing.T) {
	t.Parallel()
	p := tmuxStart(t, tmuxOpts{
		width: 80, height: 24,
		env: map[string]string{"OPENAI_API_KEY": tmuxKey, "NO_COLOR": "1"},
	})
	s := p.waitText(tmuxRootPrompt)
	esc := p.screen("-e")
	if codes := tmuxColourCodes(esc); len(codes) > 0 {
		t.Errorf("NO_COLOR=1, yet the question screen sets colours (SGR %q):%s", codes, p.show(s))
	}
	// Without colour the selection must still show.
	if !strings.Contains(tmuxCursorLine(s), "401") {
		t.Errorf("no highlighted choice without colour:%s", p.show(s))
	}
	// The next screen too: the input.
	p.keys("Enter")
	s = p.waitText(tmuxURLPrompt)
	if codes := tmuxColourCodes(p.screen("-e")); len(codes) > 0 {
		t.Errorf("NO_COLOR=1, yet the input screen sets colours (SGR %q):%s", codes, p.show(s))
	}
}

// tmuxBrightness is the brightness (0 dark … 1 light) of an RGB colour, by
// the usual luma weights.
func tmuxBrightness(r, g, b int) float64 {
	return (0.299*float64(r) + 0.587*float64(g) + 0.114*float64(b)) / 255
}

func tmuxRGB256(n int) (int, int, int) {
	basic := [16][3]int{
		{0, 0, 0}, {205, 0, 0}, {0, 205, 0}, {205, 205, 0}, {0, 0, 238}, {205, 0, 205}, {0, 205, 205}, {229, 229, 229},
		{127, 127, 127}, {255, 0, 0}, {0, 255, 0}, {255, 255, 0}, {92, 92, 255}, {255, 0, 255}, {0, 255, 255}, {255, 255, 255},
	}
	switch {
	case n < 16:
		c := basic[n]
		return c[0], c[1], c[2]
	case n < 232:
		n -= 16
		level := func(v int) int {
			if v == 0 {
				return 0
			}
			return 55 + 40*v
		}
		return level(n / 36), level(n / 6 % 6), level(n % 6)
	default:
		v := 8 + 10*(n-232)
		return v, v, v
	}
}

// tmuxTextBrightness is the brightness of the foreground the first
// character of text is drawn in, on the escaped screen (capture-pane -e
// writes an attribute only where it changes, so the state carries over from
// the rows above); ok is false when text is in the default colour.
func tmuxTextBrightness(escaped, text string) (float64, bool) {
	at := strings.Index(escaped, text)
	if at < 0 {
		return 0, false
	}
	fg := -1.0
	for _, m := range tmuxSGR.FindAllStringSubmatchIndex(escaped[:at], -1) {
		params := strings.FieldsFunc(escaped[m[2]:m[3]], func(r rune) bool { return r == ';' || r == ':' })
		if len(params) == 0 {
			fg = -1
		}
		for i := 0; i < len(params); i++ {
			n, _ := strconv.Atoi(params[i])
			arg := func(k int) int {
				if i+k < len(params) {
					v, _ := strconv.Atoi(params[i+k])
					return v
				}
				return 0
			}
			switch {
			case n == 0 || n == 39:
				fg = -1
			case n >= 30 && n <= 37:
				fg = tmuxBrightness(tmuxRGB256(n - 30))
			case n >= 90 && n <= 97:
				fg = tmuxBrightness(tmuxRGB256(n - 90 + 8))
			case n == 38 && arg(1) == 5:
				fg = tmuxBrightness(tmuxRGB256(arg(2)))
				i += 2
			case n == 38 && arg(1) == 2:
				fg = tmuxBrightness(arg(2), arg(3), arg(4))
				i += 4
			case n == 48:
				i = len(params) // a background: its arguments are not SGR codes
			}
		}
	}
	return fg, fg >= 0
}

// TestTmuxBackground: the app asks the terminal for its background colour
// (OSC 11), and tmux answers with the pane's background. The question must
// be drawn dark on a white terminal and light on a black one.
func TestTmuxBackground(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, bg string
		readable func(float64) bool
		want     string
	}{
		{"light", "#ffffff", func(b float64) bool { return b < 0.35 }, "dark text (brightness < 0.35)"},
		{"dark", "#000000", func(b float64) bool { return b > 0.65 }, "light text (brightness > 0.65)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			style := "set -g window-style bg=" + tc.bg
			tmuxAnswersBackground(t, style)
			p := tmuxStart(t, tmuxOpts{
				width: 80, height: 24,
				env:  map[string]string{"OPENAI_API_KEY": tmuxKey},
				conf: []string{style},
			})
			p.waitText(tmuxRootPrompt)
			// The answer to the query may come after the first frame:
			// wait for the redraw rather than judge the first frame.
			var got float64
			var esc string
			deadline := time.Now().Add(tmuxWait)
			for {
				esc = p.screen("-e")
				b, ok := tmuxTextBrightness(esc, tmuxRootPrompt)
				got = b
				if ok && tc.readable(b) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("on a %s background the question %q is drawn with brightness %.2f (ok=%v), want %s:%s",
						tc.name, tmuxRootPrompt, got, ok, tc.want, p.show(strings.ReplaceAll(esc, "\x1b", "^[")))
				}
				time.Sleep(50 * time.Millisecond)
			}
			// The choices too, in the same way.
			if b, ok := tmuxTextBrightness(esc, "402 Payment Required"); !ok || !tc.readable(b) {
				t.Errorf("on a %s background a choice is drawn with brightness %.2f (coloured=%v), want %s",
					tc.name, b, ok, tc.want)
			}
		})
	}
}

// tmuxAnswersBackground skips the test when this tmux does not answer a
// program's OSC 11 query with the background style sets: then the app
// cannot know the background, and dark is its documented guess. A shell in
// raw mode asks, and prints what came back within two seconds.
func tmuxAnswersBackground(t *testing.T, style string) {
	t.Helper()
	p := tmuxStart(t, tmuxOpts{
		width: 80, height: 10,
		conf: []string{style},
		script: `stty raw -echo min 0 time 20; printf '\033]11;?\033\\'; ` +
			`r=$(dd bs=128 count=1 2>/dev/null | od -An -c | tr -d ' \n'); stty sane; ` +
			`echo; echo "OSC11-REPLY:$r."; exec sleep 3600`,
	})
	s := p.waitText("OSC11-REPLY:")
	if !strings.Contains(s, "rgb:") {
		v, _ := exec.Command("tmux", "-V").Output()
		t.Skipf("%s does not answer OSC 11 background queries (got %q): the app cannot tell light from dark",
			strings.TrimSpace(string(v)), strings.TrimSpace(s))
	}
}

// TestTmuxDumbTerminal: TERM=dumb gets the line-by-line wizard. Nothing
// the program writes is an escape sequence (no alternate screen, no cursor
// moves, no background query): the raw bytes are read with pipe-pane. The
// questions are numbered lines answered with a line; the walk ends on the
// page as text, and q leaves the verdict and the report's path as the last
// lines.
func TestTmuxDumbTerminal(t *testing.T) {
	t.Parallel()
	for _, sz := range []struct{ w, h int }{{80, 24}, {60, 16}} {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			t.Parallel()
			raw := filepath.Join(t.TempDir(), "raw")
			p := tmuxStart(t, tmuxOpts{
				width: sz.w, height: sz.h, term: "dumb",
				env:  map[string]string{"OPENAI_API_KEY": tmuxKey + "\n"},
				args: []string{"--base-url", "http://127.0.0.1:" + tmuxClosedPort(t) + "/v1"},
				// Wait for a line before starting, so that pipe-pane
				// catches the program's first byte.
				script: `read go; echo ` + tmuxStartMark + `; "$0" "$@"; echo ` + tmuxExitMark + `$?; exec sleep 3600`,
			})
			p.must("pipe-pane", "-t", "u", "-o", "cat >> "+raw)
			p.keys("Enter")
			s := p.waitText("Type a number (1-18)")
			if tmuxHas(s, "panic") || tmuxHas(s, "goroutine") {
				t.Fatalf("TERM=dumb:%s", p.show(s))
			}
			if got := p.format("#{alternate_on}"); got != "0" {
				t.Errorf("TERM=dumb switched to the alternate screen (alternate_on=%s)", got)
			}
			if !tmuxHas(p.screen("-J", "-S", "-"), "1. 401 Unauthorized — Invalid API key") {
				t.Errorf("the choices are not numbered lines:%s", p.show(p.screen("-J", "-S", "-")))
			}
			p.keys("4", "0", "1", "Enter") // a status code is an answer too
			p.waitText(tmuxURLPrompt)
			p.keys("Enter")
			p.waitText(tmuxModelPrompt)
			p.keys("Enter")
			p.waitText("Type a number (1-11)") // the client question; its prompt may scroll away at 16 rows
			p.keys("1", "1", "Enter")          // I don't know
			p.waitText("s saves a support report")
			all := p.screen("-J", "-S", "-")
			for _, want := range []string{"✗ API key is written cleanly", tmuxCauseTitle + " (layer: config)", "Checks:"} {
				if !tmuxHas(all, want) {
					t.Errorf("no %q in the line-by-line walk:%s", want, p.show(all))
				}
			}
			p.keys("s", "Enter")
			p.waitText("Report saved to")
			p.keys("q", "Enter")
			if code := p.waitExit(); code != 0 {
				t.Errorf("q: exit status %d, want 0", code)
			}
			s = p.screen("-J")
			lines := tmuxLines(s)
			var text []string
			for _, ln := range lines {
				if ln != "" {
					text = append(text, ln)
				}
			}
			// The verdict (wrapped at words), the report, the shell's exit.
			tail := strings.Join(text[max(len(text)-4, 0):], " ")
			if !strings.Contains(tail, "✗ key-whitespace — "+tmuxCauseTitle) ||
				!strings.HasPrefix(text[len(text)-2], "Report saved to "+p.dir) {
				t.Errorf("the last lines are not the verdict and the report:%s", p.show(s))
			}
			p.noKey("the line-by-line walk, scrollback included", p.screen("-J", "-S", "-"))
			p.must("pipe-pane", "-t", "u") // stop the pipe: the file is whole
			out, err := os.ReadFile(raw)
			if err != nil {
				t.Fatal(err)
			}
			if i := bytes.IndexByte(out, 0x1b); i >= 0 {
				t.Errorf("TERM=dumb, yet the program wrote an escape sequence: %q", out[i:min(i+20, len(out))])
			}
			if len(out) < 200 {
				t.Errorf("pipe-pane caught %d bytes: the test read nothing", len(out))
			}
		})
	}
}

// After q on the cause page the alternate screen is gone; the verdict's
// line and the saved report's path stay on the normal screen, where the
// shell's prompt comes back, redacted, in colour only where colour is on.
func TestTmuxVerdictStaysAfterQuit(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		w, h    int
		noColor bool
	}{{80, 24, false}, {60, 16, true}} {
		t.Run(fmt.Sprintf("%dx%d", tc.w, tc.h), func(t *testing.T) {
			t.Parallel()
			env := map[string]string{"OPENAI_API_KEY": tmuxKey + "\n"}
			if tc.noColor {
				env["NO_COLOR"] = "1"
			}
			p := tmuxStart(t, tmuxOpts{
				width: tc.w, height: tc.h, env: env,
				args: []string{"--base-url", "http://127.0.0.1:" + tmuxClosedPort(t) + "/v1"},
			})
			p.walkToCause("401 Unauthorized")
			p.keys("s")
			p.waitText("Report saved to")
			p.keys("q")
			if code := p.waitExit(); code != 0 {
				t.Errorf("q: exit status %d, want 0", code)
			}
			if got := p.format("#{alternate_on}"); got != "0" {
				t.Errorf("still on the alternate screen after q")
			}
			s := p.screen("-J")
			files, _ := filepath.Glob(filepath.Join(p.dir, "unstuck-report-*.md"))
			if len(files) != 1 {
				t.Fatalf("want one report, found %v", files)
			}
			want := "✗ key-whitespace — " + tmuxCauseTitle + " (failed: key-hygiene)"
			if !tmuxHas(s, want) {
				t.Errorf("after q the screen does not keep %q:%s", want, p.show(s))
			}
			if !tmuxHas(s, "Report saved to "+files[0]) {
				t.Errorf("after q the screen does not name the report %s:%s", files[0], p.show(s))
			}
			var text []string
			for _, ln := range tmuxLines(s) {
				if ln != "" {
					text = append(text, ln)
				}
			}
			if len(text) < 4 || text[0] != tmuxStartMark || !strings.HasPrefix(text[len(text)-1], tmuxExitMark) ||
				!strings.HasPrefix(text[1], "✗ key-whitespace") || !strings.HasPrefix(text[len(text)-2], "Report saved to") {
				t.Errorf("after q: the shell's lines around the verdict and the report, nothing else:%s", p.show(s))
			}
			p.noKey("the screen after q, scrollback included", p.screen("-J", "-S", "-"))
			codes := tmuxColourCodes(p.screen("-e"))
			if tc.noColor && len(codes) > 0 {
				t.Errorf("NO_COLOR=1, yet the closing line sets colours (SGR %q)", codes)
			}
			if !tc.noColor && len(codes) == 0 {
				t.Errorf("a colour terminal, yet the ✗ is not coloured:%s", p.show(strings.ReplaceAll(p.screen("-e"), "\x1b", "^[")))
			}
		})
	}
}

// ── 6. A tiny terminal from the start ───────────────────────────────────

func TestTmuxTinyTerminal(t *testing.T) {
	t.Parallel()
	p := tmuxSetup(t, 40, 10)
	s := p.waitFor("the question at 40x10", func(s string) bool {
		return strings.HasPrefix(tmuxFirstLine(s), "unstuck") && strings.Contains(tmuxCursorLine(s), "401")
	})
	if wide := tmuxTooWide(p.screen("-J"), 40); len(wide) > 0 {
		t.Errorf("rows wider than 40 columns:\n%s%s", strings.Join(wide, "\n"), p.show(s))
	}
	if foot := tmuxLastText(s); !strings.Contains(foot, "↑") && !strings.Contains(foot, "up") {
		t.Errorf("no footer at 40x10: last row %q%s", foot, p.show(s))
	}
	// Arrow keys move; enter chooses.
	p.keys("Down")
	p.waitFor("the cursor on 402", func(s string) bool { return strings.Contains(tmuxCursorLine(s), "402") })
	p.keys("Down", "Down")
	p.waitFor("the cursor on 404", func(s string) bool { return strings.Contains(tmuxCursorLine(s), "404") })
	p.keys("Up")
	p.waitFor("the cursor on 403", func(s string) bool { return strings.Contains(tmuxCursorLine(s), "403") })
	// Far down the list, past what 10 rows show: the list scrolls.
	for range 9 {
		p.keys("Down")
	}
	s = p.waitFor("the cursor on the 12th choice", func(s string) bool {
		return strings.Contains(tmuxCursorLine(s), "Slow answers")
	})
	if wide := tmuxTooWide(p.screen("-J"), 40); len(wide) > 0 {
		t.Errorf("rows wider than 40 columns after scrolling:\n%s%s", strings.Join(wide, "\n"), p.show(s))
	}
	p.keys("Enter")
	s = p.waitText("base URL")
	if wide := tmuxTooWide(p.screen("-J"), 40); len(wide) > 0 {
		t.Errorf("rows wider than 40 columns on the input:\n%s%s", strings.Join(wide, "\n"), p.show(s))
	}
	p.keys("Escape")
	p.waitFor("the question again", func(s string) bool { return strings.Contains(tmuxCursorLine(s), "Slow answers") })
	p.keys("q")
	if code := p.waitExit(); code != 0 {
		t.Errorf("q at 40x10: exit status %d, want 0", code)
	}
	tmuxRestored(t, p)
}

// ── The paste path: the verdict quotes the line it rests on ─────────────

func TestTmuxPasteQuotesTheLine(t *testing.T) {
	t.Parallel()
	p := tmuxSetup(t, 80, 24)
	p.choose("Paste the error")
	p.waitText("ctrl+d")
	p.must("send-keys", "-t", "u", "-l", `openai.RateLimitError: Error code: 429 - {"error": {"message": "You exceeded your current quota", "type": "insufficient_quota", "code": "insufficient_quota"}}`)
	p.keys("C-d")
	s := p.waitText("From what you pasted")
	if !tmuxHas(s, "openai.RateLimitError: Error code: 429") || !tmuxHas(s, "out of credit or quota") {
		t.Errorf("the page does not quote the pasted line under the verdict:%s", p.show(s))
	}
	p.keys("q")
	p.waitExit()
}
