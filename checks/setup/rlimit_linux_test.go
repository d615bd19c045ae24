package setup

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"syscall"
)

const capAddressSpaceSupported = true

// capAddressSpace limits this process's address space to what it maps now
// plus extra bytes, so that a runaway allocation fails here.
func capAddressSpace(extra uint64) error {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return err
	}
	defer f.Close()
	var size uint64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmSize:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				return err
			}
			size = kb << 10
		}
	}
	lim := syscall.Rlimit{Cur: size + extra, Max: size + extra}
	return syscall.Setrlimit(syscall.RLIMIT_AS, &lim)
}
