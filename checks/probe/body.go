package probe

import (
	"compress/gzip"
	"context"
	"errors"
	"io"
	"sync"

	"github.com/unstuck-dev/unstuck/checks"
)

// cappedBody reads a response body under the cap, decoding gzip itself so the
// cap applies to the decoded bytes.
type cappedBody struct {
	raw       io.ReadCloser
	ctx       context.Context
	gzip      bool
	r         io.Reader
	left      int64
	truncated bool
	done      func()
	once      sync.Once
}

// errTruncated ends a body at the cap.
var errTruncated = errors.New("response body cut at 1 MiB")

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.r == nil {
		b.r = b.raw
		if b.gzip {
			zr, err := gzip.NewReader(b.raw)
			if err != nil {
				return 0, b.explain(err)
			}
			b.r = zr
		}
	}
	if b.left <= 0 {
		// At the cap: one more byte proves the body is longer.
		var one [1]byte
		n, err := io.ReadFull(b.r, one[:])
		if n > 0 {
			b.truncated = true
			return 0, errTruncated
		}
		if err == io.ErrUnexpectedEOF {
			err = io.EOF
		}
		if err != nil && err != io.EOF {
			err = b.explain(err)
		}
		return 0, err
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.r.Read(p)
	if int64(n) > b.left {
		// One byte past the cap proves there is more: keep the cap's worth.
		n = int(b.left)
		b.left = 0
		b.truncated = true
		return n, errTruncated
	}
	b.left -= int64(n)
	if err != nil && err != io.EOF {
		err = b.explain(err)
	}
	return n, err
}

func (b *cappedBody) explain(err error) error {
	if b.ctx == nil {
		return err
	}
	if cause := context.Cause(b.ctx); cause != nil {
		var te *checks.TimeoutError
		if errors.As(cause, &te) {
			return te
		}
	}
	return err
}

func (b *cappedBody) Close() error {
	var err error
	b.once.Do(func() {
		err = b.raw.Close()
		b.done()
	})
	return err
}
