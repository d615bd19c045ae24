//go:build !linux

package setup

import "errors"

const capAddressSpaceSupported = false

func capAddressSpace(uint64) error { return errors.New("not supported") }
