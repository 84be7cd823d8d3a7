//go:build !unit

package giteatest

import (
	"runtime"
	"strings"
	"sync"
	"testing"
)

// recorder is a testing.TB that records how a helper ended the test.
type recorder struct {
	testing.TB
	mu      sync.Mutex
	fatal   string
	skipped bool
}

func (r *recorder) Helper() {}

func (r *recorder) Fatalf(format string, args ...any) {
	r.mu.Lock()
	r.fatal = format
	r.mu.Unlock()
	runtime.Goexit()
}

func (r *recorder) Skipf(string, ...any) {
	r.mu.Lock()
	r.skipped = true
	r.mu.Unlock()
	runtime.Goexit()
}

func (r *recorder) SkipNow() { r.Skipf("") }

// TestMissingGiteaFails: without the binary the test fails with what to
// run; it never skips.
func TestMissingGiteaFails(t *testing.T) {
	t.Setenv("WHEELHOUSE_TOOLS_DIR", t.TempDir())
	rec := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		Start(rec)
	}()
	<-done
	if rec.skipped || !strings.Contains(rec.fatal, "make tools") {
		t.Fatalf("skipped %v, fatal %q; want a failure naming make tools", rec.skipped, rec.fatal)
	}
}
