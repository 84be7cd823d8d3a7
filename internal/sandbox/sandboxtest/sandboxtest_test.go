//go:build !unit

package sandboxtest_test

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/wheelhouse-dev/wheelhouse/internal/sandbox/sandboxtest"
)

// TestStart exercises the helper other packages use: a cluster with Ready
// nodes, reachable through the returned kubeconfig.
func TestStart(t *testing.T) {
	kubeconfig := sandboxtest.Start(t, 1)
	m, _ := sandboxtest.NewManager(t)
	kubectl := m.KubectlPath()
	out, err := exec.CommandContext(t.Context(), kubectl, "--kubeconfig", kubeconfig, "get", "nodes", "--no-headers").CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl get nodes: %v\n%s", err, out)
	}
	if lines := strings.Split(strings.TrimSpace(string(out)), "\n"); len(lines) != 1 || !strings.Contains(lines[0], " Ready ") {
		t.Fatalf("want 1 Ready node, got:\n%s", out)
	}
}

// TestStartWithoutToolchain runs a test that calls Start in a child process
// with a tools directory that does not exist: that test must fail (not
// skip) with the hint to run `make tools`.
func TestStartWithoutToolchain(t *testing.T) {
	if os.Getenv("SANDBOX_TEST_CHILD") == "1" {
		sandboxtest.Start(t, 1)
		return
	}
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestStartWithoutToolchain$", "-test.v")
	cmd.Env = append(os.Environ(), "SANDBOX_TEST_CHILD=1", "WHEELHOUSE_TOOLS_DIR="+t.TempDir()+"/missing")
	out, err := cmd.CombinedOutput()
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) {
		t.Fatalf("child test did not fail: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "--- FAIL: TestStartWithoutToolchain") ||
		!strings.Contains(string(out), "sandbox toolchain not found in ") ||
		!strings.Contains(string(out), "run `make tools`") {
		t.Fatalf("child test output lacks the failure and the hint:\n%s", out)
	}
}
