package sandbox

import (
	"fmt"
	"os"
	"path/filepath"
)

// Resource usage emulation (Config.MetricsServer). kwok's controller serves
// each simulated node's kubelet resource metrics
// (/metrics/nodes/{node}/metrics/resource, from kwok's default Metric) with
// the usage a ClusterResourceUsage gives every container, and a real
// metrics-server, run by kwokctl's binary runtime as one more local process,
// scrapes them and serves metrics.k8s.io through the API server, so
// `kubectl top` and Wheelhouse's cluster usage work as on a real cluster.
const (
	// ContainerCPUUsage is the CPU every simulated container uses, unless
	// its pod has the annotation UsageCPUAnnotation.
	ContainerCPUUsage = "100m"
	// ContainerMemoryUsage is the memory (working set) every simulated
	// container uses, unless its pod has the annotation UsageMemoryAnnotation.
	ContainerMemoryUsage = "64Mi"
	// UsageCPUAnnotation and UsageMemoryAnnotation on a pod set the usage of
	// each of its containers (a Kubernetes quantity), as kwok's own default
	// usage does.
	UsageCPUAnnotation    = "kwok.x-k8s.io/usage-cpu"
	UsageMemoryAnnotation = "kwok.x-k8s.io/usage-memory"
)

// binMetricsServer is the metrics-server binary `make tools` links into
// TOOLS-DIR/bin (hack/tools/metrics-server/build.sh). It is optional: only
// clusters created with Config.MetricsServer need it.
const binMetricsServer = "metrics-server"

// HasMetricsServer reports whether the toolchain in toolsDir includes
// metrics-server, which clusters created with Config.MetricsServer run.
func HasMetricsServer(toolsDir string) bool {
	return toolchain{dir: toolsDir}.checkMetricsServer() == nil
}

// checkMetricsServer reports a missing metrics-server with the command
// that builds it.
func (t toolchain) checkMetricsServer() error {
	info, err := os.Stat(t.path(binMetricsServer))
	if err != nil || info.IsDir() || info.Mode()&0o111 == 0 {
		return fmt.Errorf("%w in %s (missing %s): run `make tools`", ErrToolchainMissing, t.dir, binMetricsServer)
	}
	return nil
}

// metricsServerManifest is what kwokctl applies for metrics-server: the
// Service and the APIService that make the API server proxy metrics.k8s.io
// to it. kwokctl turns the Service into an ExternalName for 127.0.0.1 and
// sets the port of the metrics-server process; it would drop everything
// else of metrics-server's upstream components.yaml (Deployment, RBAC), so
// this is that file's remainder. kwokctl reads it through `kubectl
// kustomize`, the one way it takes a local manifest (a URL would be
// downloaded, and these machines reach no GitHub).
const metricsServerManifest = `apiVersion: v1
kind: Service
metadata:
  name: metrics-server
  namespace: kube-system
  labels:
    k8s-app: metrics-server
spec:
  ports:
  - name: https
    port: 443
    protocol: TCP
    targetPort: https
  selector:
    k8s-app: metrics-server
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata:
  name: v1beta1.metrics.k8s.io
  labels:
    k8s-app: metrics-server
spec:
  group: metrics.k8s.io
  groupPriorityMinimum: 100
  insecureSkipTLSVerify: true
  service:
    name: metrics-server
    namespace: kube-system
  version: v1beta1
  versionPriority: 100
`

const metricsServerKustomization = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
- metrics-server.yaml
`

// metricsManifestDir is the kustomize directory of a cluster's
// metrics-server manifest, beside its kwokctl configuration.
func (m *Manager) metricsManifestDir(name string) string {
	return filepath.Join(m.cfg.StateDir, "configs", name+"-metrics-server")
}

// writeMetricsManifest writes the cluster's metrics-server manifest
// directory and returns it.
func (m *Manager) writeMetricsManifest(name string) (string, error) {
	dir := m.metricsManifestDir(name)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", fmt.Errorf("write metrics-server manifest: %w", err)
	}
	for file, content := range map[string]string{
		"kustomization.yaml":  metricsServerKustomization,
		"metrics-server.yaml": metricsServerManifest,
	} {
		if err := os.WriteFile(filepath.Join(dir, file), []byte(content), 0o600); err != nil {
			return "", fmt.Errorf("write metrics-server manifest: %w", err)
		}
	}
	return dir, nil
}

// metricsServerSettings are the kwokctl settings of a cluster that runs
// metrics-server.
type metricsServerSettings struct {
	// Binary is the metrics-server executable; ManifestDir the kustomize
	// directory of its Service and APIService.
	Binary      string
	ManifestDir string
}

// clusterResourceUsage is kwok's ClusterResourceUsage
// (kwok.x-k8s.io/v1alpha1): the usage of the containers of the selected
// pods (all of them here), as CEL expressions.
type clusterResourceUsage struct {
	APIVersion string                   `json:"apiVersion"`
	Kind       string                   `json:"kind"`
	Metadata   clusterLogsMeta          `json:"metadata"`
	Spec       clusterResourceUsageSpec `json:"spec"`
}

type clusterResourceUsageSpec struct {
	Usages []resourceUsageContainer `json:"usages"`
}

type resourceUsageContainer struct {
	Usage map[string]resourceUsageValue `json:"usage"`
}

type resourceUsageValue struct {
	Expression string `json:"expression"`
}

// sandboxResourceUsage gives every container ContainerCPUUsage and
// ContainerMemoryUsage, or what its pod's usage annotations say. It
// replaces kwok's default (1m and 1Mi unless annotated), which would make
// usage look like nothing next to requests.
func sandboxResourceUsage() clusterResourceUsage {
	expr := func(annotation, def string) resourceUsageValue {
		return resourceUsageValue{Expression: fmt.Sprintf(
			"%q in pod.metadata.annotations ? Quantity(pod.metadata.annotations[%q]) : Quantity(%q)",
			annotation, annotation, def)}
	}
	return clusterResourceUsage{
		APIVersion: "kwok.x-k8s.io/v1alpha1",
		Kind:       "ClusterResourceUsage",
		Metadata:   clusterLogsMeta{Name: "sandbox-usage"},
		Spec: clusterResourceUsageSpec{Usages: []resourceUsageContainer{{Usage: map[string]resourceUsageValue{
			"cpu":    expr(UsageCPUAnnotation, ContainerCPUUsage),
			"memory": expr(UsageMemoryAnnotation, ContainerMemoryUsage),
		}}}},
	}
}
