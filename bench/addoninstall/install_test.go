//go:build !unit

// Package addoninstall measures installing the built-in Jenkins chart
// through Wheelhouse (POST .../releases, followed until the operation
// succeeds) against `helm install --wait` of the same chart with the real
// CLI (the one `make tools` builds from the same Helm module), into the
// same sandbox cluster, in alternating pairs, each into a fresh namespace.
// Both wait until kstatus finds every object ready; persistence is off
// (the sandbox has no provisioner).
//
//	go test ./bench/addoninstall -run '^$' -bench Install -benchtime 1x [-pairs 6]
//
// Target (bench/RESULTS.md): at most 1.1x helm's time.
package addoninstall

import (
	"flag"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	chartutil "helm.sh/helm/v4/pkg/chart/v2/util"

	"github.com/wheelhouse-dev/wheelhouse/charts/addons"
	"github.com/wheelhouse-dev/wheelhouse/internal/sandbox"
	"github.com/wheelhouse-dev/wheelhouse/internal/sandbox/sandboxtest"
	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
)

var pairs = flag.Int("pairs", 6, "alternating helm/Wheelhouse pairs")

func BenchmarkInstall(b *testing.B) {
	helm := filepath.Join(sandbox.DefaultToolsDir(), "bin", "helm")
	kubeconfig := sandboxtest.Start(b, 2)
	h := servertest.New(b, servertest.Options{})
	c := h.ImportCluster("bench", kubeconfig)
	chart, err := addons.Load("jenkins")
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	if err := chartutil.SaveDir(chart, dir); err != nil {
		b.Fatal(err)
	}
	chartDir := filepath.Join(dir, chart.Name())

	var viaHelm, viaServer []time.Duration
	for i := range *pairs {
		for _, first := range []bool{i%2 == 0, i%2 != 0} {
			ns := fmt.Sprintf("helm-%d", i)
			if !first {
				ns = fmt.Sprintf("wh-%d", i)
			}
			servertest.CreateNamespaces(b, c, ns)
			servertest.WaitCached(b, c, "namespaces", "", ns)
			start := time.Now()
			if first {
				out, err := exec.Command(helm, "install", "jenkins", chartDir, "--namespace", ns, "--kubeconfig", kubeconfig,
					"--set", "persistence.enabled=false", "--wait", "--timeout", "5m").CombinedOutput()
				if err != nil {
					b.Fatalf("helm install: %v\n%s", err, out)
				}
				viaHelm = append(viaHelm, time.Since(start))
				continue
			}
			path := "/api/v1/clusters/bench/namespaces/" + ns + "/releases"
			h.Expect(http.StatusAccepted, http.MethodPost, path, h.Admin, map[string]any{"name": "jenkins",
				"chart": map[string]any{"name": "jenkins"}, "values": map[string]any{"persistence": map[string]any{"enabled": false}}})
			for {
				var op struct{ State, Message string }
				if err := h.GetJSON(path+"/jenkins/operation", &op); err != nil {
					b.Fatal(err)
				}
				if op.State == "Failed" {
					b.Fatalf("install failed: %s", op.Message)
				}
				if op.State == "Succeeded" {
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
			viaServer = append(viaServer, time.Since(start))
		}
		b.Logf("pair %d: helm %v, Wheelhouse %v", i, viaHelm[i].Round(time.Millisecond), viaServer[i].Round(time.Millisecond))
	}
	mh, ms := mean(viaHelm), mean(viaServer)
	b.ReportMetric(float64(mh.Milliseconds()), "helm-ms")
	b.ReportMetric(float64(ms.Milliseconds()), "wheelhouse-ms")
	b.ReportMetric(float64(ms)/float64(mh), "ratio")
	b.Logf("mean helm %v, Wheelhouse %v: %.2fx; medians %v / %v", mh.Round(time.Millisecond), ms.Round(time.Millisecond),
		float64(ms)/float64(mh), median(viaHelm).Round(time.Millisecond), median(viaServer).Round(time.Millisecond))
}

func mean(ds []time.Duration) time.Duration {
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	return sum / time.Duration(len(ds))
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
