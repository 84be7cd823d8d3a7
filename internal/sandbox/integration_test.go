//go:build !unit

package sandbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestManagerLifecycle drives one cluster through Up, Scale, Stop, Up
// (restart with the same state), Kubeconfig, Kubectl and Down.
func TestManagerLifecycle(t *testing.T) {
	m, name := newTestManager(t)
	ctx := t.Context()

	st, err := m.Up(ctx, name, 2)
	if err != nil {
		t.Fatalf("Up: %v", err)
	}
	if !st.Exists || !st.Running || st.Nodes != 2 || st.ReadyNodes != 2 || !strings.HasPrefix(st.Server, "https://127.0.0.1:") {
		t.Fatalf("status after Up = %+v", st)
	}
	assertLoopbackOnly(t, m, name)

	// A namespace created now must survive a stop and start.
	kubectl(t, m, name, "create", "namespace", "kept")

	if err := m.Scale(ctx, name, 3); err != nil {
		t.Fatalf("Scale: %v", err)
	}
	if st, err = m.Status(ctx, name); err != nil || st.ReadyNodes != 3 {
		t.Fatalf("status after Scale = %+v, %v", st, err)
	}

	if err := m.Stop(ctx, name); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if st, err = m.Status(ctx, name); err != nil || !st.Exists || st.Running {
		t.Fatalf("status after Stop = %+v, %v", st, err)
	}
	if err := m.Stop(ctx, name); err != nil {
		t.Fatalf("second Stop: %v", err)
	}

	if st, err = m.Up(ctx, name, 3); err != nil || !st.Running || st.ReadyNodes != 3 {
		t.Fatalf("Up after Stop = %+v, %v", st, err)
	}
	kubectl(t, m, name, "get", "namespace", "kept")

	// Pods of a Deployment reach Running on simulated nodes, and show a log.
	kubectl(t, m, name, "create", "deployment", "web", "--image=nginx", "--replicas=2")
	kubectl(t, m, name, "wait", "deployment/web", "--for=condition=Available", "--timeout=60s")
	if out := kubectl(t, m, name, "get", "pods", "-l", "app=web", "--field-selector=status.phase=Running", "-o=name"); strings.Count(out, "pod/") != 2 {
		t.Fatalf("want 2 Running pods, got:\n%s", out)
	}
	if out := kubectl(t, m, name, "logs", "deployment/web"); !strings.Contains(out, "Simulated container") {
		t.Fatalf("kubectl logs = %q", out)
	}

	kc, err := m.Kubeconfig(ctx, name)
	if err != nil {
		t.Fatalf("Kubeconfig: %v", err)
	}
	if !bytes.Contains(kc, []byte("server: https://127.0.0.1:")) || !bytes.Contains(kc, []byte("client-key-data:")) {
		t.Fatalf("kubeconfig is not self-contained with a loopback server:\n%s", kc)
	}

	err = m.Kubectl(ctx, name, []string{"get", "namespace", "does-not-exist"}, IOStreams{Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}})
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != 1 {
		t.Fatalf("Kubectl of a missing object = %v, want exit status 1", err)
	}

	list, err := m.List(ctx)
	if err != nil || len(list) != 1 || list[0].Name != name {
		t.Fatalf("List = %+v, %v", list, err)
	}

	if err := m.Down(ctx, name); err != nil {
		t.Fatalf("Down: %v", err)
	}
	if _, err := os.Stat(m.clusterDir(name)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("cluster directory left after Down: %v", err)
	}
	if err := m.Down(ctx, name); err != nil {
		t.Fatalf("second Down: %v", err)
	}
	if err := m.Start(ctx, name); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Start after Down = %v, want ErrNotFound", err)
	}
}

func kubectl(t *testing.T, m *Manager, name string, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	if err := m.Kubectl(t.Context(), name, args, IOStreams{Out: &out, ErrOut: &errOut}); err != nil {
		t.Fatalf("kubectl %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
	}
	return out.String()
}

// assertLoopbackOnly checks with ss that no process of the cluster listens
// on a wildcard or non-loopback address.
func assertLoopbackOnly(t *testing.T, m *Manager, name string) {
	t.Helper()
	pids, err := clusterPIDs(m, name)
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.CommandContext(context.WithoutCancel(t.Context()), "ss", "-ltnpH").Output()
	if err != nil {
		t.Fatalf("ss -ltnp: %v", err)
	}
	seen := 0
	for _, line := range strings.Split(string(out), "\n") {
		fields := strings.Fields(line)
		if len(fields) < 6 {
			continue
		}
		local, users := fields[3], strings.Join(fields[5:], " ")
		for _, pid := range pids {
			if !strings.Contains(users, "pid="+pid+",") {
				continue
			}
			seen++
			if !strings.HasPrefix(local, "127.0.0.1:") {
				t.Errorf("cluster process %s listens on %s: %s", pid, local, line)
			}
		}
	}
	if seen == 0 {
		t.Fatalf("no listening socket of the cluster's processes %v found in:\n%s", pids, out)
	}
}

// clusterPIDs reads the pid files kwokctl keeps for the components.
func clusterPIDs(m *Manager, name string) ([]string, error) {
	dir := m.clusterDir(name) + "/pids"
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var pids []string
	for _, e := range entries {
		b, err := os.ReadFile(dir + "/" + e.Name())
		if err != nil {
			return nil, err
		}
		pids = append(pids, strings.TrimSpace(string(b)))
	}
	return pids, nil
}

// TestMetricsServerExitDuringCreate: metrics-server may be started before
// the API server listens, and then exits at once. The creation must not
// fail for it: metrics-server is started again once the API server
// answers. Here a metrics-server that exits on its first start stands for
// that race (the real binary runs from the second start on).
func TestMetricsServerExitDuringCreate(t *testing.T) {
	m, name := newTestManager(t)
	m.cfg.MetricsServer = true
	if err := m.tools.checkMetricsServer(); err != nil {
		t.Fatal(err)
	}
	// A toolchain of links to the real one, but for metrics-server.
	tools := toolchain{dir: t.TempDir()}
	if err := os.MkdirAll(tools.path(""), 0o750); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(m.tools.path(""))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() == binMetricsServer {
			continue
		}
		if err := os.Symlink(m.tools.path(e.Name()), tools.path(e.Name())); err != nil {
			t.Fatal(err)
		}
	}
	real, err := filepath.EvalSymlinks(m.tools.path(binMetricsServer))
	if err != nil {
		t.Fatal(err)
	}
	firstRun := filepath.Join(t.TempDir(), "first-run")
	// Only the server's first start fails (kwokctl also runs the binary
	// to learn its version); the server's arguments include the address
	// types the sandbox sets.
	script := fmt.Sprintf(`#!/bin/bash
if [[ "$*" == *--kubelet-preferred-address-types* && ! -e %[1]q ]]; then
  touch %[1]q
  echo "unable to load configmap based request-header-client-ca-file: connection refused (simulated)" >&2
  exit 1
fi
exec -a "$0" %[2]q "$@"
`, firstRun, real)
	if err := os.WriteFile(tools.path(binMetricsServer), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	m.tools = tools

	if _, err := m.Up(t.Context(), name, 1); err != nil {
		t.Fatalf("Up with a metrics-server that exits on its first start: %v", err)
	}
	if _, err := os.Stat(firstRun); err != nil {
		t.Fatalf("metrics-server was never started: %v", err)
	}
	if c, logTail := m.deadComponent(name); c != "" {
		t.Fatalf("%s is not running after Up; end of its log:\n%s", c, logTail)
	}
}

// newTestManager is sandboxtest.NewManager for this package's own tests,
// which reach into the Manager (sandboxtest imports this package, so they
// cannot use it).
func newTestManager(t *testing.T) (*Manager, string) {
	t.Helper()
	m, err := NewManager(Config{StateDir: t.TempDir(), ToolsDir: DefaultToolsDir(),
		Logger: slog.New(slog.NewTextHandler(t.Output(), nil))})
	if err != nil {
		t.Fatalf("sandbox manager: %v", err)
	}
	if err := m.CheckToolchain(); err != nil {
		t.Fatal(err)
	}
	name := "test-" + strconv.FormatInt(time.Now().UnixNano()%1e9, 36)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		if err := m.Down(ctx, name); err != nil {
			t.Errorf("delete sandbox cluster %s: %v", name, err)
		}
	})
	return m, name
}
