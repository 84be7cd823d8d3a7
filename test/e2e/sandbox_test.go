//go:build !unit

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"

	"github.com/wheelhouse-dev/wheelhouse/internal/sandbox"
)

// sandboxCLI runs a freshly built wheelhouse binary against one data
// directory.
type sandboxCLI struct {
	t       *testing.T
	bin     string
	dataDir string
}

// sandboxResult is the outcome of one command.
type sandboxResult struct {
	stdout, stderr string
	code           int
}

func (c sandboxCLI) run(args ...string) sandboxResult {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.t.Context()), 5*time.Minute)
	defer cancel()
	args = append(args[:1:1], append([]string{"--data-dir", c.dataDir}, args[1:]...)...)
	cmd := exec.CommandContext(ctx, c.bin, append([]string{"sandbox"}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		c.t.Fatalf("run wheelhouse sandbox %s: %v", strings.Join(args, " "), err)
	}
	return sandboxResult{stdout: stdout.String(), stderr: stderr.String(), code: cmd.ProcessState.ExitCode()}
}

// ok runs a command that must succeed and returns its standard output.
func (c sandboxCLI) ok(args ...string) string {
	c.t.Helper()
	r := c.run(args...)
	if r.code != 0 {
		c.t.Fatalf("wheelhouse sandbox %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r.stdout
}

func (c sandboxCLI) status(name string) sandbox.Status {
	c.t.Helper()
	var st sandbox.Status
	out := c.ok("status", "--name", name, "-o", "json")
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		c.t.Fatalf("decode status %q: %v", out, err)
	}
	return st
}

// buildWheelhouseForSandbox builds ./cmd/wheelhouse into a temporary
// directory.
func buildWheelhouseForSandbox(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "wheelhouse")
	cmd := exec.CommandContext(t.Context(), "go", "build", "-o", bin, "github.com/wheelhouse-dev/wheelhouse/cmd/wheelhouse")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build wheelhouse: %v\n%s", err, out)
	}
	return bin
}

// TestSandboxCLI drives `wheelhouse sandbox` end to end against real
// clusters: up, kubectl, status, scale, a Deployment on simulated nodes,
// kubeconfig, idempotent up, exit statuses, down.
func TestSandboxCLI(t *testing.T) {
	g := NewWithT(t)
	cli := sandboxCLI{t: t, bin: buildWheelhouseForSandbox(t), dataDir: t.TempDir()}
	const name = "e2e"
	t.Cleanup(func() { cli.run("down", "--name", name) })

	// A bad name is a usage error (exit 2) that names the field, before any
	// toolchain or cluster work.
	r := cli.run("up", "--name", "Bad_Name")
	g.Expect(r.code).To(Equal(2), r.stderr)
	g.Expect(r.stderr).To(ContainSubstring(`invalid name "Bad_Name"`))

	// Without the toolchain, up fails and says how to build it.
	missing := filepath.Join(t.TempDir(), "no-tools")
	r = cli.run("up", "--name", name, "--tools-dir", missing)
	g.Expect(r.code).To(Equal(1), r.stderr)
	g.Expect(r.stderr).To(ContainSubstring("sandbox toolchain not found in " + missing + ": run `make tools`"))

	start := time.Now()
	out := cli.ok("up", "--name", name, "--nodes", "2")
	t.Logf("sandbox up (cold) took %s", time.Since(start).Round(time.Millisecond))
	g.Expect(out).To(ContainSubstring(`Sandbox cluster "e2e" is running with 2/2 nodes Ready`))

	nodes := cli.ok("kubectl", "--name", name, "--", "get", "nodes", "--no-headers")
	g.Expect(strings.Split(strings.TrimSpace(nodes), "\n")).To(HaveLen(2))
	g.Expect(strings.Count(nodes, " Ready ")).To(Equal(2), nodes)

	st := cli.status(name)
	g.Expect(st.Running).To(BeTrue())
	g.Expect(st.Server).To(HavePrefix("https://127.0.0.1:"))
	g.Expect(st.ReadyNodes).To(Equal(2))
	assertSandboxLoopbackOnly(t, filepath.Join(cli.dataDir, "sandbox", "clusters", name, "pids"))

	cli.ok("scale", "--name", name, "--nodes", "3")
	g.Expect(cli.status(name).ReadyNodes).To(Equal(3))

	// A Deployment's pods reach Running on the simulated nodes.
	cli.ok("kubectl", "--name", name, "--", "create", "deployment", "web", "--image=nginx", "--replicas=2")
	g.Eventually(func() string {
		return cli.ok("kubectl", "--name", name, "--", "get", "deployment", "web", "-o", "jsonpath={.status.readyReplicas}")
	}).WithTimeout(2 * time.Minute).WithPolling(time.Second).Should(Equal("2"))
	running := cli.ok("kubectl", "--name", name, "--", "get", "pods", "-l", "app=web", "--field-selector=status.phase=Running", "-o", "name")
	g.Expect(strings.Count(running, "pod/")).To(Equal(2), running)

	// The printed kubeconfig is self-contained and points at 127.0.0.1.
	kc := cli.ok("kubeconfig", "--name", name)
	g.Expect(kc).To(ContainSubstring("server: https://127.0.0.1:"))
	kcPath := filepath.Join(t.TempDir(), "kubeconfig")
	g.Expect(os.WriteFile(kcPath, []byte(kc), 0o600)).To(Succeed())
	kubectl := filepath.Join(sandbox.DefaultToolsDir(), "bin", "kubectl")
	direct, err := exec.CommandContext(t.Context(), kubectl, "--kubeconfig", kcPath, "get", "deployment", "web", "-o", "name").CombinedOutput()
	g.Expect(err).NotTo(HaveOccurred(), string(direct))
	g.Expect(string(direct)).To(Equal("deployment.apps/web\n"))

	// kubectl's exit status is passed on.
	r = cli.run("kubectl", "--name", name, "--", "get", "namespace", "does-not-exist")
	g.Expect(r.code).To(Equal(1), r.stderr)
	g.Expect(r.stderr).To(ContainSubstring("NotFound"))

	// up again changes nothing and keeps the state.
	start = time.Now()
	cli.ok("up", "--name", name, "--nodes", "3")
	t.Logf("sandbox up (already running) took %s", time.Since(start).Round(time.Millisecond))
	g.Expect(cli.status(name).ReadyNodes).To(Equal(3))
	cli.ok("kubectl", "--name", name, "--", "get", "deployment", "web")

	// stop keeps the state; up restarts the same cluster.
	cli.ok("stop", "--name", name)
	g.Expect(cli.status(name)).To(And(
		HaveField("Exists", BeTrue()), HaveField("Running", BeFalse())))
	start = time.Now()
	cli.ok("up", "--name", name, "--nodes", "3")
	t.Logf("sandbox up (stopped) took %s", time.Since(start).Round(time.Millisecond))
	g.Eventually(func() string {
		return cli.ok("kubectl", "--name", name, "--", "get", "deployment", "web", "-o", "jsonpath={.status.readyReplicas}")
	}).WithTimeout(2 * time.Minute).WithPolling(time.Second).Should(Equal("2"))

	// status without --name lists every cluster.
	g.Expect(cli.ok("status")).To(MatchRegexp(`(?m)^e2e\s+Running\s+3/3\s+https://127\.0\.0\.1:\d+`))

	cli.ok("down", "--name", name)
	_, err = os.Stat(filepath.Join(cli.dataDir, "sandbox", "clusters", name))
	g.Expect(errors.Is(err, os.ErrNotExist)).To(BeTrue(), "cluster state left after down: %v", err)
	g.Expect(cli.status(name).Exists).To(BeFalse())
	cli.ok("down", "--name", name)

	// Commands on a missing cluster fail with status 1 and say so.
	r = cli.run("scale", "--name", name, "--nodes", "1")
	g.Expect(r.code).To(Equal(1))
	g.Expect(r.stderr).To(ContainSubstring("sandbox cluster not found"))
}

// assertSandboxLoopbackOnly checks with ss that the processes named by the
// pid files in pidsDir listen on 127.0.0.1 only.
func assertSandboxLoopbackOnly(t *testing.T, pidsDir string) {
	t.Helper()
	entries, err := os.ReadDir(pidsDir)
	if err != nil || len(entries) == 0 {
		t.Fatalf("read pid files in %s: %v (%d files)", pidsDir, err, len(entries))
	}
	out, err := exec.CommandContext(t.Context(), "ss", "-ltnpH").Output()
	if err != nil {
		t.Fatalf("ss -ltnp: %v", err)
	}
	seen := 0
	for _, e := range entries {
		raw, err := os.ReadFile(filepath.Join(pidsDir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		pid := "pid=" + strings.TrimSpace(string(raw)) + ","
		for _, line := range strings.Split(string(out), "\n") {
			fields := strings.Fields(line)
			if len(fields) < 6 || !strings.Contains(line, pid) {
				continue
			}
			seen++
			if !strings.HasPrefix(fields[3], "127.0.0.1:") {
				t.Errorf("%s (%s) listens on %s", e.Name(), pid, fields[3])
			}
		}
	}
	if seen == 0 {
		t.Fatalf("no listening sockets of the sandbox processes in:\n%s", out)
	}
}
