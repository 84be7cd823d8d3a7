//go:build !unit

package helm

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"

	"github.com/wheelhouse-dev/wheelhouse/charts/addons"
	"github.com/wheelhouse-dev/wheelhouse/internal/sandbox"
)

// helmCLI runs the helm CLI that `make tools` builds (hack/tools/helm, the
// SDK version of go.mod) against e's cluster, with its own state in a
// temporary directory, and returns its standard output.
func helmCLI(t *testing.T, e *env, args ...string) []byte {
	t.Helper()
	bin := filepath.Join(sandbox.DefaultToolsDir(), "bin", "helm")
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("the helm CLI is missing (%v): run `make tools`", err)
	}
	home := t.TempDir()
	cmd := exec.CommandContext(t.Context(), bin, append(args, "--kubeconfig", e.kubeconfig)...)
	cmd.Env = append(os.Environ(),
		"HELM_CACHE_HOME="+filepath.Join(home, "cache"),
		"HELM_CONFIG_HOME="+filepath.Join(home, "config"),
		"HELM_DATA_HOME="+filepath.Join(home, "data"),
		"HELM_DRIVER=secret",
	)
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("helm %v: %v\n%s", args, err, stderr)
	}
	return out
}

type cliRelease struct {
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
	Revision  string `json:"revision"`
	Status    string `json:"status"`
	Chart     string `json:"chart"`
}

func cliList(t *testing.T, e *env, ns string) []cliRelease {
	t.Helper()
	var out []cliRelease
	if err := json.Unmarshal(helmCLI(t, e, "list", "-n", ns, "-o", "json"), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestHelmCLISeesTheSameReleases: the helm CLI lists and manages a release
// Wheelhouse installed, and Wheelhouse lists and manages one the CLI
// installed, since both keep them in Helm's storage in the cluster.
func TestHelmCLISeesTheSameReleases(t *testing.T) {
	g := NewWithT(t)
	e := newEnv(t, 1)
	ctx := t.Context()
	const ns = "shared"
	createNamespace(t, e, ns)
	chart, err := addons.Load("jenkins")
	g.Expect(err).NotTo(HaveOccurred())

	_, err = e.client.Install(ctx, InstallOptions{Namespace: ns, Name: "from-wheelhouse", Chart: chart, Values: small})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(cliList(t, e, ns)).To(ConsistOf(cliRelease{
		Name: "from-wheelhouse", Namespace: ns, Revision: "1", Status: "deployed", Chart: "jenkins-" + chart.Metadata.Version,
	}))

	// The CLI installs a chart of its own, from a directory.
	dir := t.TempDir()
	g.Expect(os.MkdirAll(filepath.Join(dir, "templates"), 0o755)).To(Succeed())
	g.Expect(os.WriteFile(filepath.Join(dir, "Chart.yaml"), []byte("apiVersion: v2\nname: hello\nversion: 1.0.0\n"), 0o644)).To(Succeed())
	g.Expect(os.WriteFile(filepath.Join(dir, "values.yaml"), []byte("greeting: hello\n"), 0o644)).To(Succeed())
	g.Expect(os.WriteFile(filepath.Join(dir, "templates", "cm.yaml"), []byte(
		"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  greeting: {{ .Values.greeting | quote }}\n"), 0o644)).To(Succeed())
	helmCLI(t, e, "install", "from-cli", dir, "-n", ns, "--set", "greeting=hi")

	list, err := e.client.List(ctx, ns)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(list).To(ConsistOf(
		And(HaveField("Name", "from-wheelhouse"), HaveField("ManagedByWheelhouse", true)),
		And(HaveField("Name", "from-cli"), HaveField("ManagedByWheelhouse", false), HaveField("Status", "deployed"),
			HaveField("Chart", "hello"), HaveField("Values", map[string]any{"greeting": "hi"})),
	))
	st, err := e.client.Status(ctx, ns, "from-cli")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(st.Ready).To(BeTrue(), "%+v", st.Resources)

	// Each manages the other's release: the CLI upgrades Wheelhouse's,
	// Wheelhouse rolls it back and uninstalls the CLI's.
	helmCLI(t, e, "upgrade", "from-wheelhouse", filepath.Join("..", "..", "charts", "addons", "jenkins"), "-n", ns,
		"--reset-then-reuse-values", "--set", "service.type=NodePort")
	rel, err := e.client.Rollback(ctx, RollbackOptions{Namespace: ns, Name: "from-wheelhouse", Revision: 1})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(rel.Revision).To(Equal(3))
	g.Expect(serviceTypeOf(t, e, ns, "from-wheelhouse-jenkins")).To(Equal("ClusterIP"))

	g.Expect(e.client.Uninstall(ctx, UninstallOptions{Namespace: ns, Name: "from-cli"})).To(Succeed())
	g.Expect(cliList(t, e, ns)).To(ConsistOf(
		cliRelease{Name: "from-wheelhouse", Namespace: ns, Revision: "3", Status: "deployed", Chart: "jenkins-" + chart.Metadata.Version},
	))
}
