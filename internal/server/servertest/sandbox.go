//go:build !unit

package servertest

import (
	"testing"

	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
	"github.com/wheelhouse-dev/wheelhouse/internal/sandbox/sandboxtest"
)

// WithSandbox is the set-up most API tests share: a sandbox cluster of
// nodes simulated nodes, a server with opts that imports it as cluster,
// and namespaces created in it. The sandbox starts first, so that it is
// deleted after the server stops.
func WithSandbox(t testing.TB, opts Options, cluster string, nodes int, namespaces ...string) (*Harness, *multicluster.Cluster) {
	t.Helper()
	kubeconfig := sandboxtest.Start(t, nodes)
	h := New(t, opts)
	conn := h.ImportCluster(cluster, kubeconfig)
	CreateNamespaces(t, conn, namespaces...)
	return h, conn
}
