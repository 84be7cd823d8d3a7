package sandbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"testing"
	"time"
)

// testDownTimeout bounds the deletion of a test cluster in t.Cleanup, when
// the test's own context is already cancelled.
const testDownTimeout = 2 * time.Minute

// StartForTest starts a sandbox cluster with the given number of Ready
// simulated nodes for the test t and returns the path of an admin
// kubeconfig for it (server https://127.0.0.1:PORT). Deployments and other
// controllers work as in a real cluster, and pods reach Running on the
// simulated nodes.
//
// The cluster has a unique name and lives in a temporary directory; it is
// deleted, processes and state, when t and its subtests finish. The
// toolchain comes from $WHEELHOUSE_TOOLS_DIR (set by `make test`) or
// DefaultToolsDir(). A missing toolchain fails the test with the hint to run
// `make tools`; it never skips. Starting a cluster takes a few seconds, so
// share one between the subtests of a test where you can (separate
// namespaces).
func StartForTest(t testing.TB, nodes int) (kubeconfigPath string) {
	t.Helper()
	return StartForTestWith(t, nodes, TestOptions{})
}

// TestOptions are the opt-in features of a test cluster.
type TestOptions struct {
	// Exec makes `kubectl exec` (the pods/exec subresource) work on the
	// simulated pods: kwok runs each command as a process on this host, as
	// the user running the test, in a fresh directory under the test's
	// temporary directory (also its HOME). Commands see the host, not a
	// container: use it only for commands a test itself chooses.
	Exec bool
}

// StartForTestWith is StartForTest with opts.
func StartForTestWith(t testing.TB, nodes int, opts TestOptions) (kubeconfigPath string) {
	t.Helper()
	m, name := newTestManager(t)
	if opts.Exec {
		m.cfg.testExecDir = t.TempDir()
	}
	st, err := m.Up(t.Context(), name, nodes)
	if err != nil {
		t.Fatalf("start sandbox cluster for %s: %v", t.Name(), err)
	}
	return st.KubeconfigPath
}

// NewManagerForTest returns a Manager over a temporary state directory and
// a unique cluster name, for tests that need more than StartForTest
// (Scale, Stop, Kubectl). Every cluster of that Manager is deleted in
// t.Cleanup; a missing toolchain fails the test.
func NewManagerForTest(t testing.TB) (m *Manager, name string) {
	t.Helper()
	return newTestManager(t)
}

func newTestManager(t testing.TB) (*Manager, string) {
	t.Helper()
	m, err := NewManager(Config{
		StateDir: t.TempDir(),
		ToolsDir: DefaultToolsDir(),
		Logger:   slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelInfo})),
	})
	if err != nil {
		t.Fatalf("sandbox manager: %v", err)
	}
	if err := m.CheckToolchain(); err != nil {
		t.Fatal(err)
	}
	var b [4]byte
	_, _ = rand.Read(b[:])
	name := "test-" + hex.EncodeToString(b[:])
	// Registered after t.TempDir, so it runs before the directory is removed.
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), testDownTimeout)
		defer cancel()
		clusters, err := m.List(ctx)
		if err != nil {
			t.Errorf("list sandbox clusters: %v", err)
			return
		}
		for _, c := range clusters {
			if err := m.Down(ctx, c.Name); err != nil {
				t.Errorf("delete sandbox cluster %s: %v", c.Name, err)
			}
		}
	})
	return m, name
}

// StartForTestWithMetrics is StartForTest for a cluster that also emulates
// resource usage and runs metrics-server (Config.MetricsServer): every
// simulated container uses ContainerCPUUsage and ContainerMemoryUsage, and
// metrics.k8s.io reports it once metrics-server has scraped the nodes twice
// (about 15 to 30 s after a pod starts). It costs one more process and
// kwok's metrics work, so use it only in tests about usage.
func StartForTestWithMetrics(t testing.TB, nodes int) (kubeconfigPath string) {
	t.Helper()
	m, name := newTestManager(t)
	m.cfg.MetricsServer = true
	if err := m.tools.checkMetricsServer(); err != nil {
		t.Fatal(err)
	}
	st, err := m.Up(t.Context(), name, nodes)
	if err != nil {
		t.Fatalf("start sandbox cluster with metrics-server for %s: %v", t.Name(), err)
	}
	return st.KubeconfigPath
}
