//go:build !unit

package console

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/onsi/gomega"

	"github.com/wheelhouse-dev/wheelhouse/internal/forge/giteatest"
	"github.com/wheelhouse-dev/wheelhouse/internal/pipeline/gittest"
	"github.com/wheelhouse-dev/wheelhouse/internal/registry/registrytest"
	"github.com/wheelhouse-dev/wheelhouse/internal/sandbox"
	"github.com/wheelhouse-dev/wheelhouse/internal/sandbox/sandboxtest"
	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
)

const (
	cluster   = "local"
	namespace = "e2e"
)

// TestConsole runs the browser scenarios of test/console/scenarios against
// a real server and a two-node sandbox cluster that runs exec commands.
// Screenshots of every page land in test/console/screenshots.
func TestConsole(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	here := filepath.Dir(file)
	webDir := filepath.Join(here, "..", "..", "web")
	requirePrerequisites(t, webDir)

	kubeconfig := sandboxtest.StartWith(t, 2, sandboxtest.Options{Exec: true})
	// The sandbox is also the management cluster: pipelines run there.
	h := servertest.New(t, servertest.Options{ManagementCluster: cluster})
	h.ImportCluster(cluster, kubeconfig)
	f := newFixtures(t, h)
	execPod, drainNode := f.workloads()
	viewerPassword := f.viewer()
	reg := f.registry()
	gitURL := gitRepo(t)
	gitea := giteaRepo(t)

	args := append([]string{filepath.Join(here, "run.cjs")}, scenarioFilter()...)
	cmd := exec.CommandContext(t.Context(), "node", args...)
	cmd.Dir = here
	cmd.Env = append(os.Environ(),
		"NODE_PATH="+filepath.Join(webDir, "node_modules"),
		"WH_URL="+h.URL,
		"WH_ADMIN_PASSWORD="+servertest.AdminPassword,
		"WH_VIEWER_PASSWORD="+viewerPassword,
		"WH_CLUSTER="+cluster,
		"WH_NAMESPACE="+namespace,
		"WH_SCREENSHOTS="+filepath.Join(here, "screenshots"),
		"WH_IMPORT_KUBECONFIG="+flatKubeconfig(t, kubeconfig),
		"WH_KUBECONFIG="+kubeconfig,
		"WH_KUBECTL="+filepath.Join(sandbox.DefaultToolsDir(), "bin", "kubectl"),
		"WH_CHROMIUM="+chromiumPath(),
		"WH_EXEC_POD="+execPod,
		"WH_DRAIN_NODE="+drainNode,
		"WH_PERMISSIONS="+f.permissionsServed(),
		"WH_REGISTRY_URL="+reg.URL,
		"WH_REGISTRY_CA="+reg.CAFile,
		"WH_REGISTRY_USER="+registryUser,
		"WH_REGISTRY_PASSWORD="+registryPassword,
		"WH_GIT_URL="+gitURL,
		"WH_GITEA_URL="+gitea.URL,
		"WH_GITEA_USER="+gitea.Admin,
		"WH_GITEA_TOKEN="+gitea.Token,
		"WH_GITEA_PASSWORD="+gitea.Password,
	)
	cmd.Stdout = t.Output()
	cmd.Stderr = t.Output()
	if err := cmd.Run(); err != nil {
		// The server's log beside the screenshots, for a failure in CI.
		serverLog := filepath.Join(here, "screenshots", "server.log")
		if werr := os.WriteFile(serverLog, []byte(h.Logs.String()), 0o644); werr != nil {
			t.Log(werr)
		}
		t.Fatalf("browser scenarios failed (output above; screenshots and the server's log in test/console/screenshots): %v", err)
	}
}

// scenarioFilter lets WH_SCENARIOS=login,drain run some scenarios only, while
// working on them.
func scenarioFilter() []string {
	if s := os.Getenv("WH_SCENARIOS"); s != "" {
		return strings.Split(s, ",")
	}
	return nil
}

// flatKubeconfig writes the sandbox kubeconfig with its certificate files
// inlined, as a user would paste it, and returns its path.
func flatKubeconfig(t *testing.T, path string) string {
	t.Helper()
	cfg, err := clientcmd.LoadFromFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := clientcmdapi.FlattenConfig(cfg); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "flat.kubeconfig")
	if err := clientcmd.WriteToFile(*cfg, out); err != nil {
		t.Fatal(err)
	}
	return out
}

// fixtures are the objects the scenarios expect before they start.
type fixtures struct {
	t *testing.T
	h *servertest.Harness
}

func newFixtures(t *testing.T, h *servertest.Harness) *fixtures {
	base := "/api/v1/clusters/" + cluster
	h.Expect(http.StatusCreated, http.MethodPost, base+"/namespaces", h.Admin, map[string]any{"name": namespace})
	h.Expect(http.StatusCreated, http.MethodPost, base+"/projects", h.Admin, map[string]any{"name": "team", "description": "The e2e team"})
	h.Expect(http.StatusCreated, http.MethodPost, base+"/namespaces/"+namespace+"/secrets", h.Admin,
		map[string]any{"name": "credentials", "stringData": map[string]string{"password": "s3cret"}})
	return &fixtures{t: t, h: h}
}

// workloads starts a one-pod Deployment on the first node (the terminal's
// pod) and a two-pod one on the second (the node the drain scenario
// empties), and returns the first's pod and the second node.
func (f *fixtures) workloads() (execPod, drainNode string) {
	f.t.Helper()
	base := "/api/v1/clusters/" + cluster
	nodes := servertest.ItemNames(f.h.Expect(http.StatusOK, http.MethodGet, base+"/nodes", f.h.Admin, nil))
	if len(nodes) < 2 {
		f.t.Fatalf("want 2 nodes, got %v", nodes)
	}
	for _, w := range []struct {
		name     string
		replicas int
		node     string
	}{{"shell", 1, nodes[0]}, {"batch", 2, nodes[1]}} {
		f.h.Expect(http.StatusCreated, http.MethodPost, base+"/namespaces/"+namespace+"/deployments", f.h.Admin, map[string]any{
			"name": w.name, "labels": map[string]string{"app": w.name}, "replicas": w.replicas,
			"containers":   []map[string]any{{"name": w.name, "image": "busybox"}},
			"nodeSelector": map[string]string{"kubernetes.io/hostname": w.node},
		})
	}
	servertest.Eventually(f.t, func() error {
		pods := f.h.Expect(http.StatusOK, http.MethodGet, base+"/namespaces/"+namespace+"/pods?fieldSelector=status.phase%3DRunning", f.h.Admin, nil)
		running := servertest.ItemNames(pods)
		if len(running) < 3 {
			return fmt.Errorf("running pods: %v", running)
		}
		for _, p := range running {
			if strings.HasPrefix(p, "shell-") {
				execPod = p
			}
		}
		if execPod == "" {
			return fmt.Errorf("no shell pod among %v", running)
		}
		return nil
	}).Should(gomega.Succeed())
	return execPod, nodes[1]
}

// viewer creates the user "viewer", bound as viewer on the cluster, and
// returns its password.
func (f *fixtures) viewer() string {
	f.t.Helper()
	f.h.CreateUser("viewer", "user")
	f.h.Expect(http.StatusOK, http.MethodPut, "/api/v1/clusters/"+cluster+"/members/viewer", f.h.Admin, map[string]any{"role": "viewer"})
	return "viewer-password"
}

// permissionsServed tells the scenarios whether this server answers the
// permissions endpoint the console hides what a role may not do by.
func (f *fixtures) permissionsServed() string {
	code, _, _ := f.h.Do(http.MethodGet, "/api/v1/clusters/"+cluster+"/permissions?namespace="+namespace, f.h.Admin, nil)
	if code == http.StatusOK {
		return "served"
	}
	return "absent"
}

// The account of the scenarios' image registry.
const (
	registryUser     = "pusher"
	registryPassword = "registry-s3cret-pa55"
)

// testRegistry is a running registry and where its CA is written.
type testRegistry struct {
	*registrytest.Registry
	// CAFile holds the PEM of the CA its certificate comes from.
	CAFile string
}

// registry starts a real docker-registry over TLS from a CA of its own,
// with htpasswd basic authentication, holding a two-platform image
// (team/app:v1), a few more tags and repositories to browse and one
// repository (team/many) of more tags than a page holds.
func (f *fixtures) registry() *testRegistry {
	f.t.Helper()
	r, err := registrytest.Start(f.t.TempDir(), registrytest.Options{Username: registryUser, Password: registryPassword, TLS: true})
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(r.Stop)
	both := []v1.Platform{{OS: "linux", Architecture: "amd64"}, {OS: "linux", Architecture: "arm64", Variant: "v8"}}
	for _, img := range []struct {
		repo, tag string
		platforms []v1.Platform
		size      int64
	}{
		{"team/app", "v1", both, 300 << 10},
		{"team/app", "v2", both[:1], 200 << 10},
		{"team/app", "old", both[:1], 100 << 10},
		{"team/web", "latest", both[:1], 50 << 10},
		{"tools/shell", "1.0", both, 20 << 10},
	} {
		if _, err := r.Push(img.repo, img.tag, registryUser, registryPassword, img.platforms, img.size); err != nil {
			f.t.Fatal(err)
		}
	}
	// More tags than a page holds, to page through.
	for i := range 23 {
		if _, err := r.Push("team/many", fmt.Sprintf("t%02d", i), registryUser, registryPassword, both[:1], 1<<10); err != nil {
			f.t.Fatal(err)
		}
	}
	ca := filepath.Join(f.t.TempDir(), "registry-ca.pem")
	if err := os.WriteFile(ca, r.CAPEM, 0o600); err != nil {
		f.t.Fatal(err)
	}
	f.registryRecords(r)
	return &testRegistry{Registry: r, CAFile: ca}
}

// registryRecords adds the registry as "fixture" with its login, a pull
// secret kept in the scenarios' namespace and a push webhook, so that the
// registry pages have something to show before any scenario writes one.
func (f *fixtures) registryRecords(r *registrytest.Registry) {
	f.t.Helper()
	login := f.h.Expect(http.StatusCreated, http.MethodPost, "/api/v1/credentials", f.h.Admin, map[string]any{
		"name": "fixture-login", "type": "registry", "description": "The fixture registry's account",
		"fields": map[string]string{"username": registryUser, "password": registryPassword},
	})
	f.h.Expect(http.StatusCreated, http.MethodPost, "/api/v1/registries", f.h.Admin, map[string]any{
		"name": "fixture", "type": "distribution", "endpoint": r.URL, "credentialId": login["id"], "caBundle": string(r.CAPEM),
	})
	f.h.Expect(http.StatusCreated, http.MethodPost, "/api/v1/registries/fixture/pullsecrets", f.h.Admin, map[string]any{"cluster": cluster, "namespace": namespace})
	f.h.Expect(http.StatusCreated, http.MethodPost, "/api/v1/registries/fixture/webhooks", f.h.Admin, map[string]any{"name": "fixture-push", "source": "distribution"})
}

// gitRepo serves a bare git repository over HTTP with git's own
// http-backend, as a plain git server would, and returns its clone URL.
// Its branches hold the pipeline file the pipelines scenario runs: main
// succeeds, fail fails in its first stage, slow sleeps until aborted.
func gitRepo(t *testing.T) string {
	t.Helper()
	r := gittest.New(t, "app", map[string]string{".wheelhouse-pipeline.yml": pipelineOK}, gittest.Options{})
	r.Push("fail", map[string]string{".wheelhouse-pipeline.yml": pipelineFail})
	r.Push("slow", map[string]string{".wheelhouse-pipeline.yml": pipelineSlow})
	return r.URL
}

// The pipeline files of the scenario repository's branches.
const (
	pipelineOK = `stages:
- name: build
  steps:
  - name: hello
    runScript: {image: busybox, shellScript: 'echo hello from $CICD_GIT_BRANCH; for i in $(seq 1 300); do echo line $i; done'}
  - name: side
    runScript: {image: busybox, shellScript: 'echo side'}
- name: deploy
  steps:
  - name: bye
    runScript: {image: busybox, shellScript: 'echo bye'}
`
	pipelineFail = `stages:
- name: build
  steps:
  - name: boom
    runScript: {image: busybox, shellScript: 'echo failing on purpose; exit 3'}
- name: deploy
  steps:
  - name: never
    runScript: {image: busybox, shellScript: 'echo never'}
`
	pipelineSlow = `stages:
- name: build
  steps:
  - name: sleep
    runScript: {image: busybox, shellScript: 'echo sleeping; sleep 300'}
`
)

// giteaRepo starts a real Gitea holding the repository "web" of its
// administrator, with the succeeding pipeline file on main: the forge
// whose account the pipelines scenario connects, and whose file it edits.
func giteaRepo(t *testing.T) *giteatest.Server {
	t.Helper()
	g := giteatest.Start(t)
	repo := g.CreateRepo(t, "web")
	g.Push(t, repo, "main", map[string]string{".wheelhouse-pipeline.yml": pipelineOK}, "pipeline")
	return g
}
