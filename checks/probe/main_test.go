package probe

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/unstuck-dev/unstuck/checks/classify"
)

// The checks classify answers with the real rules, read from the file
// content embeds (checks must not import content).
func TestMain(m *testing.M) {
	classify.SetDefault(func() (*classify.Rules, error) {
		data, err := os.ReadFile(filepath.Join("..", "..", "content", "rules.yaml"))
		if err != nil {
			return nil, err
		}
		return classify.ParseRules(data)
	})
	os.Exit(m.Run())
}
