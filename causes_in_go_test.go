package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/unstuck-dev/unstuck/content"
)

// Cause IDs that Go names are checked against the catalogue: every string
// literal the checks put in a cause field (r.Cause = "…", Cause: "…",
// cause == "…") must be an ID of causes.yaml. A typo would otherwise name a
// cause with no page, found only by a user.
func TestCauseIDsInGoAreInTheCatalogue(t *testing.T) {
	causes, err := content.Causes()
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, c := range causes {
		known[c.ID] = true
	}
	isCause := func(e ast.Expr) bool {
		switch x := e.(type) {
		case *ast.SelectorExpr:
			return strings.EqualFold(x.Sel.Name, "cause")
		case *ast.Ident:
			return strings.EqualFold(x.Name, "cause")
		}
		return false
	}
	seen := 0
	check := func(fset *token.FileSet, e ast.Expr) {
		lit, ok := e.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return
		}
		s, _ := strconv.Unquote(lit.Value)
		if s == "" {
			return
		}
		seen++
		if !known[s] {
			t.Errorf("%s: cause %q is not in content/causes.yaml", fset.Position(lit.Pos()), s)
		}
	}
	err = filepath.WalkDir("checks", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.AssignStmt:
				if len(x.Lhs) == len(x.Rhs) {
					for i, l := range x.Lhs {
						if isCause(l) {
							check(fset, x.Rhs[i])
						}
					}
				}
			case *ast.KeyValueExpr:
				if isCause(x.Key) {
					check(fset, x.Value)
				}
			case *ast.BinaryExpr:
				if x.Op == token.EQL || x.Op == token.NEQ {
					if isCause(x.X) {
						check(fset, x.Y)
					}
					if isCause(x.Y) {
						check(fset, x.X)
					}
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen < 20 {
		t.Fatalf("found only %d cause literals under checks/: has the code changed shape?", seen)
	}
}
