//go:build linux

package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// ffTmux is a tmux server of firstframe's own (its own socket, no
// configuration file) driven through one control-mode client: commands go
// to its stdin, and every byte a pane's program writes comes back as an
// "%output %PANE DATA" line, as tmux reads it from the pane.
type ffTmux struct {
	cmd   *exec.Cmd
	in    io.WriteCloser
	lines chan ffLine
	sock  string
	dir   string
}

type ffLine struct {
	at   time.Time
	text string
}

func ffStartTmux() (*ffTmux, error) {
	dir, err := os.MkdirTemp("", "firstframe-tmux")
	if err != nil {
		return nil, err
	}
	t := &ffTmux{sock: fmt.Sprintf("firstframe-%d", os.Getpid()), dir: dir, lines: make(chan ffLine, 1024)}
	t.cmd = exec.Command("tmux", "-L", t.sock, "-f", "/dev/null", "-C", "new-session", "-x", "80", "-y", "24")
	if t.in, err = t.cmd.StdinPipe(); err != nil {
		return nil, err
	}
	out, err := t.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := t.cmd.Start(); err != nil {
		return nil, fmt.Errorf("tmux: %w", err)
	}
	go func() {
		defer close(t.lines)
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			t.lines <- ffLine{time.Now(), sc.Text()}
		}
	}()
	// No status line: the pane is the whole 80×24 window.
	for _, c := range []string{"set -g status off"} { // (refresh-client -C and window-size manual crash tmux 3.3a)
		if err := t.send(c); err != nil {
			return nil, err
		}
	}
	return t, nil
}

func (t *ffTmux) send(command string) error {
	_, err := io.WriteString(t.in, command+"\n")
	return err
}

func (t *ffTmux) close() {
	_ = t.send("kill-server")
	_ = t.in.Close()
	done := make(chan struct{})
	go func() { _ = t.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = t.cmd.Process.Kill()
	}
	os.RemoveAll(t.dir)
}

// measure runs prog in a new window and times exec → first visible text.
// The program is started through firstframe -stamp, which writes the time
// and then execs it, so tmux's and the shell's start are not counted.
func (t *ffTmux) measure(prog string, timeout time.Duration) (ffRun, error) {
	self, err := os.Executable()
	if err != nil {
		return ffRun{}, err
	}
	stampFile := filepath.Join(t.dir, "stamp")
	os.Remove(stampFile)
	words := append([]string{self, "-stamp", stampFile, "--"}, strings.Fields(prog)...)
	for i, w := range words {
		words[i] = "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
	}
	line := "exec " + strings.Join(words, " ")
	if err := t.send("new-window -P -F '#{pane_id}' " + ffTmuxQuote(line)); err != nil {
		return ffRun{}, err
	}
	var pane string
	var seen []byte
	var r ffRun
	deadline := time.After(timeout)
	inBlock := false
	for {
		select {
		case l, ok := <-t.lines:
			if !ok {
				return r, fmt.Errorf("tmux exited")
			}
			switch {
			case strings.HasPrefix(l.text, "%begin "):
				inBlock = true
				continue
			case strings.HasPrefix(l.text, "%end "), strings.HasPrefix(l.text, "%error "):
				inBlock = false
				continue
			case inBlock && pane == "" && strings.HasPrefix(l.text, "%"):
				pane = strings.TrimSpace(l.text)
				continue
			}
			rest, ok := strings.CutPrefix(l.text, "%output ")
			if !ok || pane == "" {
				continue
			}
			id, data, _ := strings.Cut(rest, " ")
			if id != pane {
				continue
			}
			chunk := ffTmuxUnescape(data)
			start, err := ffReadStamp(stampFile)
			if err != nil {
				return r, err
			}
			if r.FirstByte == 0 && len(chunk) > 0 {
				r.FirstByte = l.at.Sub(start)
			}
			seen = append(seen, chunk...)
			if ffVisible(seen) {
				r.FirstFrame = l.at.Sub(start)
				_ = t.send("kill-pane -t " + pane)
				return r, nil
			}
		case <-deadline:
			if pane != "" {
				_ = t.send("kill-pane -t " + pane)
			}
			return r, fmt.Errorf("nothing visible within %s (output %q)", timeout, ffTail(seen))
		}
	}
}

// ffTmuxQuote quotes a string for tmux's command parser.
func ffTmuxQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, `$`, `\$`).Replace(s) + `"`
}

// ffTmuxUnescape undoes control mode's escaping: bytes below 32 and the
// backslash come as a backslash and three octal digits.
func ffTmuxUnescape(s string) []byte {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if v, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				out = append(out, byte(v))
				i += 3
				continue
			}
		}
		out = append(out, s[i])
	}
	return out
}

func ffReadStamp(name string) (time.Time, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return time.Time{}, fmt.Errorf("the start stamp: %w", err)
	}
	ns, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("the start stamp: %w", err)
	}
	return time.Unix(0, ns), nil
}

// ffStampExec writes the time to name and replaces this process with the
// command: the pane's program starts the moment after the stamp.
func ffStampExec(name string, argv []string) {
	if len(argv) == 0 {
		fmt.Fprintln(os.Stderr, "firstframe -stamp: no command")
		os.Exit(2)
	}
	path, err := exec.LookPath(argv[0])
	if err == nil {
		err = os.WriteFile(name, []byte(strconv.FormatInt(time.Now().UnixNano(), 10)), 0o600)
	}
	if err == nil {
		err = syscall.Exec(path, argv, os.Environ())
	}
	fmt.Fprintln(os.Stderr, "firstframe -stamp:", err)
	os.Exit(1)
}
