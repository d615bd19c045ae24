package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"math"
	"path/filepath"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"testing"
	"time"
)

// Every package's variables are initialised before main runs, so a regular
// expression compiled in one is paid for by every start of the program,
// the wizard's first frame included, whether or not it is ever used. They
// are compiled on first use instead (sync.OnceValue).
func TestNoRegexpCompiledAtPackageInit(t *testing.T) {
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != "." || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.VAR {
				continue
			}
			for _, spec := range gd.Specs {
				for _, v := range spec.(*ast.ValueSpec).Values {
					ast.Inspect(v, func(n ast.Node) bool {
						if _, lit := n.(*ast.FuncLit); lit {
							return false // runs when called, not at init
						}
						if sel, ok := n.(*ast.SelectorExpr); ok {
							if x, ok := sel.X.(*ast.Ident); ok && x.Name == "regexp" && strings.Contains(sel.Sel.Name, "Compile") {
								t.Errorf("%s: regexp.%s at package level: compile it on first use (sync.OnceValue)", fset.Position(sel.Pos()), sel.Sel.Name)
							}
						}
						return true
					})
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// The collector is off while the wizard starts and back as it was after:
// the percentage and the memory limit both, whether resumed by the
// returned function or by the timer; a limit the user set (GOMEMLIMIT) is
// kept all along.
func TestPauseGCResumesAsItWas(t *testing.T) {
	read := func() (percent, limit int64) {
		s := []metrics.Sample{{Name: "/gc/gogc:percent"}, {Name: "/gc/gomemlimit:bytes"}}
		metrics.Read(s)
		return int64(s[0].Value.Uint64()), int64(s[1].Value.Uint64())
	}
	percent := debug.SetGCPercent(150)
	limit := debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() { debug.SetGCPercent(percent); debug.SetMemoryLimit(limit) })

	resume := pauseGC(time.Hour)
	// Off reads as -1.
	if p, l := read(); p != -1 || l != 256<<20 {
		t.Errorf("while paused: GOGC %d, limit %d; want off and 256 MiB", p, l)
	}
	resume()
	resume() // twice is once
	if p, l := read(); p != 150 || l != math.MaxInt64 {
		t.Errorf("after resume: GOGC %d, limit %d; want 150 and none", p, l)
	}

	debug.SetMemoryLimit(64 << 20) // as GOMEMLIMIT=64MiB would
	pauseGC(10 * time.Millisecond)
	if p, l := read(); p != -1 || l != 64<<20 {
		t.Errorf("while paused: GOGC %d, limit %d; want off and the user's 64 MiB", p, l)
	}
	deadline := time.Now().Add(10 * time.Second)
	for p, _ := read(); p == -1 && time.Now().Before(deadline); p, _ = read() {
		time.Sleep(5 * time.Millisecond)
	}
	if p, l := read(); p != 150 || l != 64<<20 {
		t.Errorf("after the timer: GOGC %d, limit %d; want 150 and 64 MiB", p, l)
	}
}
