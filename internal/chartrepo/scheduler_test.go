package chartrepo_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/onsi/gomega"

	"github.com/wheelhouse-dev/wheelhouse/internal/chartrepo"
	"github.com/wheelhouse-dev/wheelhouse/internal/chartrepo/chartrepotest"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *clock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.now = c.now.Add(d) }

// TestRun: the scheduler refreshes each repository when its interval is
// due (the default hour, or its own), and not before.
func TestRun(t *testing.T) {
	clk := &clock{now: time.Now()}
	e := newEnv(t, chartrepo.Config{Tick: 10 * time.Millisecond, Now: clk.Now})
	g := gomega.NewWithT(t)
	hourly, fast := chartrepotest.NewServer(), chartrepotest.NewServer()
	t.Cleanup(hourly.Close)
	t.Cleanup(fast.Close)
	for _, s := range []*chartrepotest.Server{hourly, fast} {
		if err := s.Add("metrics-server", "0.1.0", false); err != nil {
			t.Fatal(err)
		}
	}
	e.add(t, &store.ChartRepository{Name: "hourly", Type: "http", URL: hourly.URL, Insecure: true})
	e.add(t, &store.ChartRepository{Name: "fast", Type: "http", URL: fast.URL, Insecure: true, RefreshSeconds: 120})
	// Added but never read: due at once.
	never := chartrepotest.NewServer()
	t.Cleanup(never.Close)
	if err := e.st.ChartRepositories().Create(t.Context(), &store.ChartRepository{Name: "never", Type: "http", URL: never.URL, Insecure: true}); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error)
	go func() { done <- e.svc.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	served := func(s *chartrepotest.Server, base int) func() int { return func() int { return s.Requests() - base } }
	h0, f0 := hourly.Requests(), fast.Requests()

	g.Eventually(served(never, 0)).WithTimeout(10 * time.Second).Should(gomega.Equal(1))
	g.Consistently(served(hourly, h0)).WithTimeout(100 * time.Millisecond).Should(gomega.Equal(0))
	g.Expect(served(fast, f0)()).To(gomega.Equal(0))

	clk.Add(2 * time.Minute)
	g.Eventually(served(fast, f0)).WithTimeout(10 * time.Second).Should(gomega.Equal(1))
	g.Consistently(served(hourly, h0)).WithTimeout(100 * time.Millisecond).Should(gomega.Equal(0))

	clk.Add(time.Hour)
	g.Eventually(served(hourly, h0)).WithTimeout(10 * time.Second).Should(gomega.Equal(1))
	g.Eventually(served(fast, f0)).WithTimeout(10 * time.Second).Should(gomega.Equal(2))
	got, err := e.st.ChartRepositories().Get(t.Context(), store.Scope{}, "hourly")
	g.Expect(err).NotTo(gomega.HaveOccurred())
	g.Expect(got.RefreshedAt.After(time.Now().Add(30*time.Minute))).To(gomega.BeTrue(), "the refresh time follows the clock")
}
