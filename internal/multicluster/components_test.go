package multicluster

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"k8s.io/client-go/rest"
)

// recorder is a component that records the connections it ran on and
// fails its first failures runs.
type recorder struct {
	mu       sync.Mutex
	failures int
	runs     []string // the Host of each run's connection
	running  map[string]bool
}

func (r *recorder) Name() string { return "recorder" }

func (r *recorder) Run(ctx context.Context, c *Cluster) error {
	r.mu.Lock()
	r.runs = append(r.runs, c.Config.Host)
	fail := r.failures > 0
	if fail {
		r.failures--
	}
	r.running[c.Config.Host] = !fail
	r.mu.Unlock()
	if fail {
		return errors.New("cluster not ready")
	}
	<-ctx.Done()
	r.mu.Lock()
	r.running[c.Config.Host] = false
	r.mu.Unlock()
	return nil
}

func (r *recorder) state() (runs []string, running map[string]bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	running = map[string]bool{}
	for k, v := range r.running {
		running[k] = v
	}
	return append([]string(nil), r.runs...), running
}

// unreachable is a client configuration of a cluster nobody serves: the
// connection opens (its caches keep retrying) and components run on it.
func unreachable(port string) *rest.Config {
	return &rest.Config{Host: "https://127.0.0.1:" + port, Timeout: time.Second}
}

func TestComponentsFollowTheConnection(t *testing.T) {
	g := NewWithT(t)
	m := NewManager(Options{Logger: slog.New(slog.DiscardHandler), UsageInterval: -1})
	defer m.Close()
	rec := &recorder{failures: 1, running: map[string]bool{}}
	m.Register(rec)

	// A component that fails (the cluster is down) runs again by itself.
	if _, err := m.Connect(t.Context(), "c1", unreachable("1")); err != nil {
		t.Fatal(err)
	}
	g.Eventually(func() map[string]bool { _, r := rec.state(); return r }).
		WithTimeout(10 * time.Second).Should(HaveKeyWithValue("https://127.0.0.1:1", true))

	// New credentials: the component stops on the old connection and runs
	// on the new one.
	if _, err := m.Connect(t.Context(), "c1", unreachable("2")); err != nil {
		t.Fatal(err)
	}
	runs, running := rec.state()
	g.Expect(running).To(Equal(map[string]bool{"https://127.0.0.1:1": false, "https://127.0.0.1:2": true}))
	g.Expect(runs).To(Equal([]string{"https://127.0.0.1:1", "https://127.0.0.1:1", "https://127.0.0.1:2"}))

	// Disconnecting stops it.
	m.Disconnect("c1")
	_, running = rec.state()
	g.Expect(running).To(HaveKeyWithValue("https://127.0.0.1:2", false))
}

func TestRegisterStartsOnOpenConnections(t *testing.T) {
	g := NewWithT(t)
	m := NewManager(Options{Logger: slog.New(slog.DiscardHandler), UsageInterval: -1})
	if _, err := m.Connect(t.Context(), "c1", unreachable("1")); err != nil {
		t.Fatal(err)
	}
	rec := &recorder{running: map[string]bool{}}
	m.Register(rec)
	g.Eventually(func() map[string]bool { _, r := rec.state(); return r }).
		WithTimeout(10 * time.Second).Should(HaveKeyWithValue("https://127.0.0.1:1", true))
	m.Close()
	runs, running := rec.state()
	g.Expect(runs).To(HaveLen(1))
	g.Expect(running).To(HaveKeyWithValue("https://127.0.0.1:1", false))
}
