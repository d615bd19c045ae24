//go:build linux

// Command firstframe times exec → first frame for terminal programs under a
// pseudo-terminal, the way a person starting them in a terminal sees it.
//
//	firstframe -n 60 ./unstuck ./barestack ./bareprogram 'gum choose a b c'
//	firstframe -tmux -n 60 ./unstuck ./barestack
//
// Each argument is a command line (split at spaces, run in the current
// directory and environment). Runs are interleaved: every round runs each
// program once, in an order shuffled anew each round (-seed), so drift on
// the machine hits every program alike and no program always follows the
// same one. For every run it records:
//
//   - first byte: the first output of any kind (usually the terminal setup
//     sequences: alternate screen, hide cursor, mode queries);
//   - first frame: the first visible text, i.e. the first printable,
//     non-space character once escape sequences are stripped. This is the
//     number that matters, and it is detected the same way for every program;
//   - peak RSS up to the first frame (the child is killed as soon as the
//     frame is seen, so its rusage is the footprint of starting up).
//
// It prints median, p10 and p90 per program and each median's ratio to the
// last program's (put the yardstick last), then the ratios round by round:
// for every pair of programs, the median, p10 and p90 of A's first frame
// over B's in the same round. Nothing here asserts a time.
//
// The terminal is 80×24 and does not answer queries (like many SSH sessions
// and screen-sharing tools); pass -answer to reply to the background-colour
// (OSC 11) and device-attributes (DA1) queries like xterm does, or -tmux to
// run every program in a pane of a tmux server of its own instead: tmux is
// a real terminal (it answers DA1, and 3.4 and later OSC 11 too), and
// firstframe reads the pane's output through tmux's control mode, timed from
// the moment just before the program's exec (peak RSS is not measured there).
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/charmbracelet/x/ansi"
	"golang.org/x/sys/unix"
)

type ffRun struct {
	FirstByte  time.Duration `json:"first_byte_ns"`
	FirstFrame time.Duration `json:"first_frame_ns"`
	MaxRSSKB   int64         `json:"max_rss_kb"`
}

func main() {
	n := flag.Int("n", 40, "measured runs per program")
	warmup := flag.Int("warmup", 3, "unmeasured runs per program first (page cache, CPU frequency)")
	timeout := flag.Duration("timeout", 10*time.Second, "give up on a run that draws nothing for this long")
	answer := flag.Bool("answer", false, "answer OSC 11 and DA1 queries like xterm")
	inTmux := flag.Bool("tmux", false, "run the programs in tmux (control mode) instead of a bare PTY")
	jsonOut := flag.String("json", "", "also write every run to this file as JSON")
	stamp := flag.String("stamp", "", "internal (-tmux): write the time to this file, then exec the command")
	seed := flag.Uint64("seed", 1, "the order of the programs is shuffled anew in every round from this seed (0: always the order given)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: firstframe [-n 40] [-warmup 3] [-answer | -tmux] 'COMMAND [ARG...]'... (yardstick last)")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *stamp != "" {
		ffStampExec(*stamp, flag.Args())
	}
	progs := flag.Args()
	if len(progs) == 0 {
		flag.Usage()
		os.Exit(2)
	}
	measure := func(prog string) (ffRun, error) { return ffMeasure(prog, *timeout, *answer) }
	if *inTmux {
		tm, err := ffStartTmux()
		if err != nil {
			fmt.Fprintln(os.Stderr, "firstframe:", err)
			os.Exit(1)
		}
		defer tm.close()
		measure = func(prog string) (ffRun, error) { return tm.measure(prog, *timeout) }
	}
	// Each round runs every program once, in an order shuffled anew: in a
	// fixed order a program always follows the same one (after gum's 5 s
	// wait, or straight after another start-up), and a ratio between two
	// programs would carry that position as well as their difference.
	runs := make([][]ffRun, len(progs))
	order := make([]int, len(progs))
	for p := range order {
		order[p] = p
	}
	rng := rand.New(rand.NewPCG(*seed, 0x756e737475636b)) // "unstuck"
	for i := 0; i < *warmup+*n; i++ {
		if *seed != 0 {
			rng.Shuffle(len(order), func(a, b int) { order[a], order[b] = order[b], order[a] })
		}
		for _, p := range order {
			prog := progs[p]
			r, err := measure(prog)
			if err != nil {
				fmt.Fprintf(os.Stderr, "firstframe: %s: %v\n", prog, err)
				os.Exit(1)
			}
			if i >= *warmup {
				runs[p] = append(runs[p], r)
			}
		}
	}
	base := ffMedian(runs[len(runs)-1], func(r ffRun) time.Duration { return r.FirstFrame })
	fmt.Printf("%-28s %10s %10s %10s %10s %10s %8s\n", "program", "1st byte", "frame p50", "frame p10", "frame p90", "peak RSS", "× last")
	for p, prog := range progs {
		rs := runs[p]
		fb := ffMedian(rs, func(r ffRun) time.Duration { return r.FirstByte })
		ff := ffMedian(rs, func(r ffRun) time.Duration { return r.FirstFrame })
		p10 := ffPercentile(rs, 10)
		p90 := ffPercentile(rs, 90)
		rss := slices.Sorted(func(yield func(int64) bool) {
			for _, r := range rs {
				if !yield(r.MaxRSSKB) {
					return
				}
			}
		})[len(rs)/2]
		fmt.Printf("%-28s %10s %10s %10s %10s %8.1fMB %8.2f\n", ffLabel(prog),
			ffMs(fb), ffMs(ff), ffMs(p10), ffMs(p90), float64(rss)/1024, float64(ff)/float64(base))
	}
	fmt.Printf("\nfirst frame A / first frame B, round by round (%d rounds):\n", *n)
	fmt.Printf("%-28s %-28s %8s %8s %8s\n", "A", "B", "median", "p10", "p90")
	for a := range progs {
		for b := a + 1; b < len(progs); b++ {
			ratios := make([]float64, len(runs[a]))
			for k := range runs[a] {
				ratios[k] = float64(runs[a][k].FirstFrame) / float64(runs[b][k].FirstFrame)
			}
			slices.Sort(ratios)
			at := func(pct int) float64 { return ratios[(len(ratios)-1)*pct/100] }
			fmt.Printf("%-28s %-28s %8.3f %8.3f %8.3f\n", ffLabel(progs[a]), ffLabel(progs[b]), at(50), at(10), at(90))
		}
	}
	if *jsonOut != "" {
		out := map[string][]ffRun{}
		for p, prog := range progs {
			out[prog] = runs[p]
		}
		b, _ := json.MarshalIndent(out, "", "  ")
		if err := os.WriteFile(*jsonOut, b, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "firstframe:", err)
			os.Exit(1)
		}
	}
}

// ffLabel names a command line in the tables: each word's last path element.
func ffLabel(prog string) string {
	f := strings.Fields(prog)
	if len(f) == 0 {
		return prog
	}
	for i := range f {
		f[i] = filepath.Base(f[i])
	}
	l := strings.Join(f, " ")
	if len(l) > 28 {
		l = l[:27] + "…"
	}
	return l
}

func ffMs(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond)) }

func ffMedian(rs []ffRun, f func(ffRun) time.Duration) time.Duration {
	ds := make([]time.Duration, len(rs))
	for i, r := range rs {
		ds[i] = f(r)
	}
	slices.Sort(ds)
	return ds[len(ds)/2]
}

func ffPercentile(rs []ffRun, pct int) time.Duration {
	ds := make([]time.Duration, len(rs))
	for i, r := range rs {
		ds[i] = r.FirstFrame
	}
	slices.Sort(ds)
	return ds[(len(ds)-1)*pct/100]
}

// ffMeasure starts prog on a fresh 80×24 PTY, waits for its first visible
// text, kills it and returns the timings and its peak RSS.
func ffMeasure(prog string, timeout time.Duration, answer bool) (ffRun, error) {
	master, slave, err := ffOpenPTY(80, 24)
	if err != nil {
		return ffRun{}, err
	}
	defer master.Close()
	f := strings.Fields(prog)
	if len(f) == 0 {
		return ffRun{}, fmt.Errorf("empty command")
	}
	cmd := exec.Command(f[0], f[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}

	type chunk struct {
		at   time.Time
		data []byte
	}
	chunks := make(chan chunk, 64)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		slave.Close()
		return ffRun{}, err
	}
	slave.Close() // the child has its own copy; EOF/EIO once it exits
	go func() {
		defer close(chunks)
		buf := make([]byte, 32<<10)
		for {
			n, err := master.Read(buf)
			if n > 0 {
				chunks <- chunk{time.Now(), append([]byte(nil), buf[:n]...)}
			}
			if err != nil {
				return
			}
		}
	}()

	var r ffRun
	var seen []byte
	deadline := time.After(timeout)
	answered := map[string]bool{}
wait:
	for {
		select {
		case c, ok := <-chunks:
			if !ok {
				_ = cmd.Wait()
				return r, fmt.Errorf("exited before drawing anything (output %q)", ffTail(seen))
			}
			if r.FirstByte == 0 {
				r.FirstByte = c.at.Sub(start)
			}
			seen = append(seen, c.data...)
			if answer {
				ffAnswer(master, seen, answered)
			}
			if ffVisible(seen) {
				r.FirstFrame = c.at.Sub(start)
				break wait
			}
		case <-deadline:
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			return r, fmt.Errorf("nothing visible within %s (output %q)", timeout, ffTail(seen))
		}
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.MaxRSSKB = ru.Maxrss // kilobytes on Linux
	}
	go func() { // drain so the reader goroutine ends
		for range chunks {
		}
	}()
	return r, nil
}

// ffVisible: is there printable text once escape sequences are gone?
func ffVisible(out []byte) bool {
	for _, r := range ansi.Strip(string(out)) {
		if r > ' ' && r != 0x7f {
			return true
		}
	}
	return false
}

// ffAnswer replies to the queries a program sends at start-up, once each.
func ffAnswer(master *os.File, out []byte, answered map[string]bool) {
	queries := map[string]string{
		"\x1b]11;?\x07":   "\x1b]11;rgb:0000/0000/0000\x07",
		"\x1b]11;?\x1b\\": "\x1b]11;rgb:0000/0000/0000\x1b\\",
		"\x1b[c":          "\x1b[?62;22c",
	}
	for q, reply := range queries {
		if !answered[q] && bytes.Contains(out, []byte(q)) {
			answered[q] = true
			_, _ = master.WriteString(reply)
		}
	}
}

func ffTail(b []byte) []byte {
	if len(b) > 200 {
		return b[len(b)-200:]
	}
	return b
}

// ffOpenPTY opens a pseudo-terminal pair with the given size, using only
// golang.org/x/sys (already a dependency), so measuring adds nothing to
// go.mod.
func ffOpenPTY(cols, rows uint16) (master, slave *os.File, err error) {
	mfd, err := unix.Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("open /dev/ptmx: %w", err)
	}
	if err := unix.IoctlSetPointerInt(mfd, unix.TIOCSPTLCK, 0); err != nil {
		unix.Close(mfd)
		return nil, nil, fmt.Errorf("unlock pty: %w", err)
	}
	n, err := unix.IoctlGetInt(mfd, unix.TIOCGPTN)
	if err != nil {
		unix.Close(mfd)
		return nil, nil, fmt.Errorf("pty number: %w", err)
	}
	sfd, err := unix.Open(fmt.Sprintf("/dev/pts/%d", n), unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		unix.Close(mfd)
		return nil, nil, fmt.Errorf("open pts: %w", err)
	}
	if err := unix.IoctlSetWinsize(sfd, unix.TIOCSWINSZ, &unix.Winsize{Row: rows, Col: cols}); err != nil {
		unix.Close(mfd)
		unix.Close(sfd)
		return nil, nil, fmt.Errorf("set size: %w", err)
	}
	return os.NewFile(uintptr(mfd), "/dev/ptmx"), os.NewFile(uintptr(sfd), fmt.Sprintf("/dev/pts/%d", n)), nil
}
