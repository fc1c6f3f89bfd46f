package verify

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// acceptBundle is the whole parse+verify path of an import bundle file.
func acceptBundle(data []byte, trusted []TrustedKey) error {
	_, err := OpenImport(OpenRequest{Bundle: data, Trusted: trusted})
	return err
}

// TestEverySingleBitFlipIsRejected flips each bit of a real signed bundle
// (ECDSA P-384 software test key) and requires every variant to fail.
func TestEverySingleBitFlipIsRejected(t *testing.T) {
	data := readVector(t, "envelope/valid-p384.json")
	trusted := []TrustedKey{trustOf(t, "test-signer-p384")}
	err := acceptBundle(data, trusted)
	require.NoError(t, err, "the unmodified bundle must verify")
	var accepted atomic.Int64
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, len(data))
			for i := w; i < len(data)*8; i += workers {
				copy(buf, data)
				buf[i/8] ^= 1 << (i % 8)
				if !assert.Error(t, acceptBundle(buf, trusted), "bit %d of byte %d flipped: still accepted", i%8, i/8) {
					accepted.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	t.Logf("%d variants of a %d-byte bundle, %d accepted", len(data)*8, len(data), accepted.Load())
}
