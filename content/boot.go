package content

import (
	"fmt"
	"hash/crc32"
	"io/fs"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/checks/setup"
	"github.com/unstuck-dev/unstuck/decisiontree"
)

// The wizard's boot data (tree.yaml, profiles.yaml, keys.yaml,
// clients.yaml) is also written out as Go, in boot_gen.go, so that a start
// of the program builds it from Go values instead of parsing YAML (about
// 4 ms). The YAML stays the source: after editing one of those files, run
//
//	go generate ./content
//
// (TestBootDataIsCurrent in boot_test.go writes the file, and fails until
// it is current). Until then, and without boot_gen.go (deleted when a type
// it names changed), the YAML is parsed at run time as before: see bootFrom.
//
//go:generate go test -run ^TestBootDataIsCurrent$ . -update

// bootRaw is the boot data as decoded from the YAML, the tree not yet built.
type bootRaw struct {
	tree     *decisiontree.Tree
	profiles []checks.Profile
	issuers  []checks.KeyIssuer
	clients  []checks.ClientSpec
}

// generatedBoot is boot_gen.go's: the boot data as Go, nil without it;
// generatedBootSum is bootSum of the YAML it was made from.
var (
	generatedBoot    func() bootRaw
	generatedBootSum uint32
)

func loadBoot() bootData { return bootFrom(files, generatedBoot, generatedBootSum) }

// bootFrom builds the boot data from gen when it was made from the YAML in
// fsys, and parses the YAML when not: a file edited without `go generate`
// still means what it says (the start is only slower by the parse), and a
// provider appended to profiles.yaml is one without any Go step.
func bootFrom(fsys fs.FS, gen func() bootRaw, sum uint32) bootData {
	if gen != nil {
		if s, err := bootSum(fsys); err == nil && s == sum {
			return buildBoot(gen())
		}
	}
	return parseSetup(fsys)
}

// bootFiles are the files boot_gen.go is made from.
var bootFiles = []string{"tree.yaml", "profiles.yaml", "keys.yaml", "clients.yaml"}

// bootSum is a checksum (CRC-32C, some 20 µs here) of the boot files,
// their names and lengths included.
func bootSum(fsys fs.FS) (uint32, error) {
	h := crc32.New(crc32.MakeTable(crc32.Castagnoli))
	for _, name := range bootFiles {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return 0, err
		}
		fmt.Fprintf(h, "%s %d\n", name, len(data))
		h.Write(data)
	}
	return h.Sum32(), nil
}

func parseSetup(fsys fs.FS) bootData {
	raw, err := decodeBoot(fsys)
	if err != nil {
		return bootData{err: err}
	}
	return buildBoot(raw)
}

func decodeBoot(fsys fs.FS) (bootRaw, error) {
	var l bootRaw
	data, err := fs.ReadFile(fsys, "profiles.yaml")
	if err == nil {
		l.profiles, err = setup.ParseProfiles(data)
	}
	if err != nil {
		return bootRaw{}, fmt.Errorf("profiles.yaml: %w", err)
	}
	if data, err = fs.ReadFile(fsys, "keys.yaml"); err == nil {
		l.issuers, err = setup.ParseKeyIssuers(data)
	}
	if err != nil {
		return bootRaw{}, fmt.Errorf("keys.yaml: %w", err)
	}
	if data, err = fs.ReadFile(fsys, "clients.yaml"); err == nil {
		l.clients, err = setup.ParseClients(data)
	}
	if err != nil {
		return bootRaw{}, fmt.Errorf("clients.yaml: %w", err)
	}
	if data, err = fs.ReadFile(fsys, "tree.yaml"); err == nil {
		l.tree, err = decisiontree.Decode(data)
	}
	if err != nil {
		return bootRaw{}, fmt.Errorf("tree.yaml: %w", err)
	}
	return l, nil
}

func buildBoot(raw bootRaw) bootData {
	tree, err := decisiontree.Build(raw.tree)
	if err != nil {
		return bootData{err: fmt.Errorf("tree.yaml: %w", err)}
	}
	return bootData{tree: tree, profiles: raw.profiles, issuers: raw.issuers, clients: raw.clients}
}
