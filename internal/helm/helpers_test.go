//go:build !unit

package helm

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/onsi/gomega"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/wheelhouse-dev/wheelhouse/internal/sandbox/sandboxtest"
)

// Bounds of the waits on the sandbox cluster (servertest's, which this
// package may not import: it lies above internal/server).
const (
	waitTimeout = 3 * time.Minute
	waitPolling = 200 * time.Millisecond
)

func eventually(t testing.TB, f any) gomega.AsyncAssertion {
	t.Helper()
	return gomega.NewWithT(t).Eventually(f).WithTimeout(waitTimeout).WithPolling(waitPolling)
}

// env is a sandbox cluster with a Client on it.
type env struct {
	kubeconfig string
	rc         *rest.Config
	kube       kubernetes.Interface
	client     *Client
}

func newEnv(t *testing.T, nodes int) *env {
	t.Helper()
	kubeconfig := sandboxtest.Start(t, nodes)
	rc, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	kc, err := kubernetes.NewForConfig(rc)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{kubeconfig: kubeconfig, rc: rc, kube: kc}
	e.client = e.newClient(t, Config{})
	return e
}

func (e *env) newClient(t *testing.T, cfg Config) *Client {
	t.Helper()
	cfg.Cluster = "sandbox"
	cfg.RESTConfig = e.rc
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func ctxFor(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), d)
	t.Cleanup(cancel)
	return ctx
}
