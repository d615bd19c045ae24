package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/unstuck-dev/unstuck/checks/setup"
)

// Providers are data: no Go outside tests names a profile of
// content/profiles.yaml. What is particular to a provider is a profile
// field naming a capability, and code keys on the capability. The one
// exception is a protocol constant (checks.ProtocolOpenAI): two profiles
// share their name with the protocol they speak.
func TestNoProfileNameInGo(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("content", "profiles.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	profiles, err := setup.ParseProfiles(data)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, p := range profiles {
		names[p.Name] = true
	}
	err = filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
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
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		if ast.IsGenerated(f) {
			return nil // content/boot_gen.go: the YAML written out as Go, data not code
		}
		protocolConst := map[*ast.BasicLit]bool{}
		ast.Inspect(f, func(n ast.Node) bool {
			if vs, ok := n.(*ast.ValueSpec); ok {
				for i, name := range vs.Names {
					if lit, ok := valueAt(vs, i).(*ast.BasicLit); ok && strings.HasPrefix(name.Name, "Protocol") {
						protocolConst[lit] = true
					}
				}
			}
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING || protocolConst[lit] {
				return true
			}
			if s, err := strconv.Unquote(lit.Value); err == nil && names[s] {
				t.Errorf("%s: the profile name %q in Go: key on a profile field instead", fset.Position(lit.Pos()), s)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func valueAt(vs *ast.ValueSpec, i int) ast.Expr {
	if i < len(vs.Values) {
		return vs.Values[i]
	}
	return nil
}
