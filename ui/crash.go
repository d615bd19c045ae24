package ui

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/unstuck-dev/unstuck/checks"
)

// maxStderr bounds what the guard keeps of stderr while the wizard runs.
const maxStderr = 1 << 20

// stderrGuard stands in for os.Stderr while the wizard runs. Bubble Tea
// restores the terminal after a panic and then prints the panic's value and
// a full stack to os.Stderr: the value may hold the key (a server's echo, a
// pasted error), and a stack helps nobody at their terminal, least of all
// on a shared screen. Everything written passes through the redactor; a
// panic report is saved to a file and replaced on screen by one line.
type stderrGuard struct {
	orig *os.File
	w    *os.File
	done chan []byte
}

func guardStderr() (*stderrGuard, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	g := &stderrGuard{orig: os.Stderr, w: w, done: make(chan []byte, 1)}
	go func() {
		var buf bytes.Buffer
		io.Copy(&buf, io.LimitReader(r, maxStderr))
		io.Copy(io.Discard, r) // never block a writer past the cap
		r.Close()
		g.done <- buf.Bytes()
	}()
	os.Stderr = w
	return g, nil
}

// release puts os.Stderr back and hands on what was written, redacted. When
// it holds a caught panic, the full report goes to a file in dir and the
// returned summary is the panic's first line; crashFile says where.
func (g *stderrGuard) release(rd *checks.Redactor, dir string) (summary, crashFile string) {
	os.Stderr = g.orig
	g.w.Close()
	text := rd.Clean(string(<-g.done)) // redacted, and no control character reaches the terminal
	before, panicReport, crashed := strings.Cut(text, "Caught panic:")
	if strings.TrimSpace(before) != "" {
		fmt.Fprint(g.orig, before)
	}
	if !crashed {
		return "", ""
	}
	summary = "the wizard crashed"
	for _, ln := range strings.Split(panicReport, "\n") {
		if ln = strings.TrimSpace(ln); ln != "" {
			summary += ": " + ln
			break
		}
	}
	name := filepath.Join(dir, "unstuck-crash-"+time.Now().Format("20060102-150405")+".log")
	if err := os.WriteFile(name, []byte("Caught panic:"+panicReport), 0o600); err == nil {
		crashFile = name
	}
	return summary, crashFile
}
