package classify

import (
	"os"
	"path/filepath"
	"testing"
)

// The tests classify with the real rules, read from the file content
// embeds (this package must not import content).
func TestMain(m *testing.M) {
	SetDefault(func() (*Rules, error) { return readRulesFile(filepath.Join("..", "..", "content", "rules.yaml")) })
	os.Exit(m.Run())
}

// readRulesFile is ParseRules over a file.
func readRulesFile(path string) (*Rules, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseRules(data)
}
