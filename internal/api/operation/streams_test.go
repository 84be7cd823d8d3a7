package operation_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	. "github.com/onsi/gomega"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
)

// TestStreams: a user holds at most PerUser live streams (429 beyond, and
// a slot comes back when its client leaves); an idle stream sends
// heartbeats; the server's stop ends every stream with ErrServerStopping;
// what a stream deferred runs however it ends.
func TestStreams(t *testing.T) {
	g := NewWithT(t)
	shutdown := make(chan struct{})
	kit := &operation.Kit{Streams: &operation.StreamLimiter{PerUser: 2, Heartbeat: 20 * time.Millisecond}, Shutdown: shutdown}
	causes := make(chan error, 8)
	var produced, released atomic.Int32
	mux := http.NewServeMux()
	api := humago.New(mux, huma.DefaultConfig("t", "1"))
	type input struct {
		User uint64 `query:"user"`
	}
	huma.Get(api, "/stream", func(ctx context.Context, in *input) (*huma.StreamResponse, error) {
		ctx = auth.WithPrincipal(ctx, &auth.Principal{UserID: in.User, Username: fmt.Sprint("user", in.User)})
		stream, err := kit.OpenStream(ctx)
		if err != nil {
			return nil, err
		}
		stream.Defer(func() { released.Add(1) })
		return stream.Events(func(ctx context.Context, sse *operation.SSE) {
			produced.Add(1)
			_ = sse.Send("1", "", []byte("hello"))
			<-ctx.Done()
			causes <- context.Cause(ctx)
		}), nil
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	// opened is one stream as its client reads it, line by line.
	type opened struct {
		status int
		cancel context.CancelFunc
		mu     sync.Mutex
		lines  []string
		ended  bool
	}
	open := func(user int) *opened {
		ctx, cancel := context.WithCancel(t.Context())
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprint(srv.URL, "/stream?user=", user), nil)
		resp, err := srv.Client().Do(req)
		g.Expect(err).NotTo(HaveOccurred())
		o := &opened{status: resp.StatusCode, cancel: cancel}
		go func() {
			defer resp.Body.Close()
			sc := bufio.NewScanner(resp.Body)
			for sc.Scan() {
				o.mu.Lock()
				o.lines = append(o.lines, sc.Text())
				o.mu.Unlock()
			}
			o.mu.Lock()
			o.ended = true
			o.mu.Unlock()
		}()
		return o
	}
	read := func(o *opened) func() []string {
		return func() []string {
			o.mu.Lock()
			defer o.mu.Unlock()
			return slices.Clone(o.lines)
		}
	}
	ended := func(o *opened) func() bool {
		return func() bool {
			o.mu.Lock()
			defer o.mu.Unlock()
			return o.ended
		}
	}

	a, b := open(1), open(1)
	g.Expect([]int{a.status, b.status}).To(Equal([]int{http.StatusOK, http.StatusOK}))
	servertest.Eventually(t, read(a)).Should(ContainElements("data: hello", ": heartbeat"))
	g.Expect(open(1).status).To(Equal(http.StatusTooManyRequests), "a third stream of one user")
	g.Expect(open(2).status).To(Equal(http.StatusOK), "another user's stream")
	servertest.Eventually(t, produced.Load).Should(BeNumerically("==", 3), "a refused stream produces nothing")

	// The client leaves: its producer ends, and its slot comes back.
	a.cancel()
	var cause error
	servertest.Eventually(t, causes).Should(Receive(&cause))
	// Canceled, or the failed write of a heartbeat that found it gone.
	g.Expect(cause).To(HaveOccurred())
	g.Expect(cause).NotTo(MatchError(operation.ErrServerStopping))
	servertest.Eventually(t, func() int { return open(1).status }).Should(Equal(http.StatusOK))

	// The server stops: every stream ends, its producer told why.
	close(shutdown)
	for range 3 {
		servertest.Eventually(t, causes).Should(Receive(&cause))
		g.Expect(errors.Is(cause, operation.ErrServerStopping)).To(BeTrue(), "cause %v", cause)
	}
	servertest.Eventually(t, ended(b)).Should(BeTrue(), "the stream's body ended")
	servertest.Eventually(t, released.Load).Should(BeNumerically("==", 4), "what fed each of the four streams was released")
}
