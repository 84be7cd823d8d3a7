//go:build !unit

// Package sandboxtest starts sandbox clusters for tests: real control
// planes with simulated nodes, deleted when the test ends. It is the only
// place that ties internal/sandbox to package testing.
//
// A test file that uses it starts with `//go:build !unit`: `make test-unit`
// builds with -tags unit and leaves those files out, while `go test ./...`
// and `make test` run them. This package carries the same constraint, so a
// file that forgets it fails to build under -tags unit rather than
// starting clusters in the unit run.
package sandboxtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"testing"
	"time"

	"github.com/wheelhouse-dev/wheelhouse/internal/sandbox"
)

// downTimeout bounds the deletion of a test cluster in t.Cleanup, when the
// test's own context is already cancelled.
const downTimeout = 2 * time.Minute

// Options are the opt-in features of a test cluster.
type Options struct {
	// Exec makes `kubectl exec` (the pods/exec subresource) work on the
	// simulated pods: kwok runs each command as a process on this host, as
	// the user running the test, in a fresh directory under the test's
	// temporary directory (also its HOME). Commands see the host, not a
	// container: use it only for commands a test itself chooses.
	Exec bool
	// Metrics makes the cluster emulate resource usage and run
	// metrics-server (sandbox.Config.MetricsServer): metrics.k8s.io reports
	// usage once metrics-server has scraped the nodes twice (about 15 to
	// 30 s after a pod starts). It costs one more process and kwok's
	// metrics work, so use it only in tests about usage.
	Metrics bool
}

// Start starts a sandbox cluster with the given number of Ready simulated
// nodes for the test t and returns the path of an admin kubeconfig for it
// (server https://127.0.0.1:PORT). Deployments and other controllers work
// as in a real cluster, and pods reach Running on the simulated nodes.
//
// The cluster has a unique name and lives in a temporary directory; it is
// deleted, processes and state, when t and its subtests finish. The
// toolchain comes from $WHEELHOUSE_TOOLS_DIR (set by `make test`) or
// sandbox.DefaultToolsDir(). A missing toolchain fails the test with the
// hint to run `make tools`; it never skips. Starting a cluster takes a few
// seconds, so share one between the subtests of a test where you can
// (separate namespaces).
func Start(t testing.TB, nodes int) (kubeconfigPath string) {
	t.Helper()
	return StartWith(t, nodes, Options{})
}

// StartWith is Start with opts.
func StartWith(t testing.TB, nodes int, opts Options) (kubeconfigPath string) {
	t.Helper()
	cfg := sandbox.Config{MetricsServer: opts.Metrics}
	if opts.Exec {
		cfg.HostExecDir = t.TempDir()
	}
	m, name := NewManagerWith(t, cfg)
	st, err := m.Up(t.Context(), name, nodes)
	if err != nil {
		t.Fatalf("start sandbox cluster for %s: %v", t.Name(), err)
	}
	return st.KubeconfigPath
}

// NewManager returns a Manager over a temporary state directory and a
// unique cluster name, for tests that need more than Start (Scale, Stop,
// Kubectl). Every cluster of that Manager is deleted in t.Cleanup; a
// missing toolchain fails the test.
func NewManager(t testing.TB) (m *sandbox.Manager, name string) {
	t.Helper()
	return NewManagerWith(t, sandbox.Config{})
}

// NewManagerWith is NewManager with cfg; its StateDir, ToolsDir and Logger
// are filled in for the test.
func NewManagerWith(t testing.TB, cfg sandbox.Config) (m *sandbox.Manager, name string) {
	t.Helper()
	cfg.StateDir = t.TempDir()
	cfg.ToolsDir = sandbox.DefaultToolsDir()
	cfg.Logger = slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelInfo}))
	m, err := sandbox.NewManager(cfg)
	if err != nil {
		t.Fatalf("sandbox manager: %v", err)
	}
	if err := m.CheckToolchain(); err != nil {
		t.Fatal(err)
	}
	var b [4]byte
	_, _ = rand.Read(b[:])
	name = "test-" + hex.EncodeToString(b[:])
	// Registered after t.TempDir, so it runs before the directory is removed.
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), downTimeout)
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
