package main

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// layers are the rooms of the house, lowest first. A package may import
// one on a lower floor, never one on its own floor or above: the arrows
// run one way, so each room can be read (and tested) knowing only what lies
// below it. decisiontree and checks share the ground floor and know nothing
// of each other.
var layers = [][]string{
	{"internal/typo", "internal/golit"},
	{"checks", "decisiontree"},
	{"checks/classify", "checks/setup"},
	{"checks/probe"},
	{"checks/suite"},
	{"content", "report"},
	{"verdict"},
	{"ui"},
	{"."},
}

// noUI are the rooms that must not draw: the engine and the checks are
// tested without a terminal and never call the UI back.
var noUI = []string{"checks", "decisiontree"}

const module = "github.com/unstuck-dev/unstuck"

func TestImportArrowsRunOneWay(t *testing.T) {
	floor := map[string]int{}
	for i, rooms := range layers {
		for _, r := range rooms {
			floor[r] = i
		}
	}
	imports := map[string]map[string]bool{} // package dir -> imported paths
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != "." || d.Name() == "testdata" || path == "perf") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		dir := filepath.ToSlash(filepath.Dir(path))
		if imports[dir] == nil {
			imports[dir] = map[string]bool{}
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			imports[dir][p] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for d := range imports {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	for _, dir := range dirs {
		from, ok := floor[dir]
		if !ok {
			t.Errorf("package %s is on no floor: add it to layers", dir)
			continue
		}
		for imp := range imports[dir] {
			if rest, ok := strings.CutPrefix(imp, module+"/"); ok {
				to, known := floor[rest]
				switch {
				case !known:
					t.Errorf("%s imports %s, which is on no floor", dir, rest)
				case to >= from:
					t.Errorf("%s (floor %d) imports %s (floor %d): an arrow that runs back up", dir, from, rest, to)
				}
			}
			for _, low := range noUI {
				if (dir == low || strings.HasPrefix(dir, low+"/")) && strings.HasPrefix(imp, "charm.land/") {
					t.Errorf("%s imports %s: the checks and the engine know nothing of the terminal", dir, imp)
				}
			}
		}
	}
	if len(imports) < len(floor) {
		t.Errorf("read %d packages, the layers name %d: has a package moved?", len(imports), len(floor))
	}
}
