//go:build unix

package probe

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A named pipe would block an open until a writer comes: it is refused
// from its mode, never opened.
func TestTrustCAFileFIFO(t *testing.T) {
	p := filepath.Join(t.TempDir(), "ca.pem")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skip("no FIFO here:", err)
	}
	if _, problem := readCAs(p, false); !strings.Contains(problem, "is not a regular file") {
		t.Errorf("FIFO: %q", problem)
	}
}
