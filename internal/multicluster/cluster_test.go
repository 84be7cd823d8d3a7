//go:build !unit

package multicluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/wheelhouse-dev/wheelhouse/internal/sandbox/sandboxtest"
)

// TestTwoClustersOneDown connects two real sandbox clusters, lists from the
// caches, stops one cluster's control plane and checks that only that
// cluster's requests fail, naming it, and that it recovers by itself.
func TestTwoClustersOneDown(t *testing.T) {
	ctx := t.Context()
	sbA, nameA := sandboxtest.NewManager(t)
	if _, err := sbA.Up(ctx, nameA, 2); err != nil {
		t.Fatal(err)
	}
	kubeconfigB := sandboxtest.Start(t, 1)

	m := NewManager(Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), ProbeInterval: 300 * time.Millisecond, ProbeTimeout: time.Second})
	t.Cleanup(m.Close)
	var phasesMu sync.Mutex
	var phasesA []string // a's phase changes, "From>To"
	m.OnPhaseChange(func(ch PhaseChange) {
		if ch.Cluster == "a" {
			phasesMu.Lock()
			phasesA = append(phasesA, string(ch.From)+">"+string(ch.To))
			phasesMu.Unlock()
		}
	})
	rawA, err := sbA.Kubeconfig(ctx, nameA)
	if err != nil {
		t.Fatal(err)
	}
	a := connect(t, m, "a", rawA)
	rawB, err := selfContained(kubeconfigB)
	if err != nil {
		t.Fatal(err)
	}
	b := connect(t, m, "b", rawB)

	createPods(t, a, "team-a", 25)
	eventually(t, func() error {
		n, err := a.Count("pods")
		if err != nil || n < 25 {
			return fmt.Errorf("%d pods cached, %v", n, err)
		}
		return nil
	})

	t.Run("pages", func(t *testing.T) {
		var names []string
		q := Query{Namespace: "team-a", LabelSelector: "app=web", Limit: 10}
		for i := 0; i < 5; i++ {
			page, err := a.List("pods", q)
			if err != nil {
				t.Fatal(err)
			}
			if page.Total != 25 {
				t.Errorf("total %d", page.Total)
			}
			for _, o := range page.Items {
				names = append(names, o.(*corev1.Pod).Name)
			}
			if page.Continue == "" {
				break
			}
			q.Continue = page.Continue
		}
		if len(names) != 25 || names[0] != "web-00" || names[24] != "web-24" {
			t.Errorf("paged names %v", names)
		}
	})
	t.Run("selectors", func(t *testing.T) {
		tests := []struct {
			q    Query
			want int
		}{
			{Query{LabelSelector: "app=web,shard=odd"}, 12},
			{Query{FieldSelector: "metadata.namespace=team-a,spec.nodeName=" + firstNode(t, a)}, 25},
			{Query{FieldSelector: "spec.nodeName=nowhere"}, 0},
			{Query{Namespace: "team-a", NameContains: "web-1"}, 10},
			{Query{Namespace: "kube-system", LabelSelector: "app=web"}, 0},
		}
		for _, tt := range tests {
			page, err := a.List("pods", tt.q)
			if err != nil || page.Total != tt.want {
				t.Errorf("%+v: %v, %v; want %d", tt.q, total(page), err, tt.want)
			}
		}
		var qe *QueryError
		if _, err := a.List("pods", Query{FieldSelector: "spec.hostname=x"}); !errors.As(err, &qe) || qe.Field != "fieldSelector" {
			t.Errorf("unsupported field: %v", err)
		}
		if _, err := a.List("pods", Query{LabelSelector: "app in (web"}); !errors.As(err, &qe) || qe.Field != "labelSelector" {
			t.Errorf("bad label selector: %v", err)
		}
		if _, err := a.List("pods", Query{Continue: "bogus"}); !errors.As(err, &qe) || qe.Field != "continue" {
			t.Errorf("bad continue: %v", err)
		}
	})
	t.Run("secrets are metadata only", func(t *testing.T) {
		_, err := a.Kube.CoreV1().Secrets("team-a").Create(ctx, &corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Name: "db"}, StringData: map[string]string{"password": "s3cret"}}, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		eventually(t, func() error {
			o, err := a.Get("secrets", "team-a", "db")
			if err != nil {
				return err
			}
			if _, ok := o.(*metav1.PartialObjectMetadata); !ok {
				t.Fatalf("secret cached as %T", o)
			}
			return nil
		})
	})

	// Stop cluster a: only a fails, naming itself; b keeps answering.
	if err := sbA.Stop(ctx, nameA); err != nil {
		t.Fatal(err)
	}
	eventually(t, func() error {
		_, err := a.List("pods", Query{})
		var ue *UnavailableError
		if !errors.As(err, &ue) || ue.Cluster != "a" || ue.Phase != PhaseUnavailable {
			return fmt.Errorf("want UnavailableError for a, got %v", err)
		}
		return nil
	})
	if _, err := b.List("nodes", Query{}); err != nil {
		t.Errorf("cluster b failed while a is down: %v", err)
	}

	// Start it again: a recovers without being reconnected.
	if err := sbA.Start(ctx, nameA); err != nil {
		t.Fatal(err)
	}
	eventually(t, func() error {
		if _, err := a.List("pods", Query{}); err != nil {
			return err
		}
		return nil
	})
	if h := a.Health(); h.Phase != PhaseReady || h.Version == "" {
		t.Errorf("after recovery: %+v", h)
	}
	// Every change was told, in order: synced, down, back.
	phasesMu.Lock()
	defer phasesMu.Unlock()
	if len(phasesA) < 3 || phasesA[0] != "Syncing>Ready" || !slices.Contains(phasesA, "Ready>Unavailable") ||
		!strings.HasSuffix(phasesA[len(phasesA)-1], ">Ready") {
		t.Errorf("phase changes of a: %v", phasesA)
	}
}

func connect(t *testing.T, m *Manager, name string, kubeconfig []byte) *Cluster {
	t.Helper()
	rc, err := clientcmd.RESTConfigFromKubeConfig(kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	c, err := m.Connect(t.Context(), name, rc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	if err := c.WaitForSync(ctx); err != nil {
		t.Fatal(err)
	}
	return c
}

// selfContained reads a kubeconfig and inlines the files it refers to.
func selfContained(path string) ([]byte, error) {
	cfg, err := clientcmd.LoadFromFile(path)
	if err != nil {
		return nil, err
	}
	if err := clientcmdapi.FlattenConfig(cfg); err != nil {
		return nil, err
	}
	return clientcmd.Write(*cfg)
}

func createPods(t *testing.T, c *Cluster, ns string, n int) {
	t.Helper()
	ctx := t.Context()
	if _, err := c.Kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	node := firstNode(t, c)
	for i := 0; i < n; i++ {
		shard := "even"
		if i%2 == 1 {
			shard = "odd"
		}
		pod := &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("web-%02d", i), Labels: map[string]string{"app": "web", "shard": shard}},
			Spec: corev1.PodSpec{NodeName: node, Containers: []corev1.Container{{Name: "web", Image: "nginx"}},
				Tolerations: []corev1.Toleration{{Operator: corev1.TolerationOpExists}}},
		}
		if _, err := c.Kube.CoreV1().Pods(ns).Create(ctx, pod, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
}

func firstNode(t *testing.T, c *Cluster) string {
	t.Helper()
	page, err := c.List("nodes", Query{Limit: 1})
	if err != nil || len(page.Items) == 0 {
		t.Fatalf("no nodes: %v", err)
	}
	return page.Items[0].(*corev1.Node).Name
}

func total(p *Page) any {
	if p == nil {
		return nil
	}
	return p.Total
}

func eventually(t *testing.T, f func() error) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	var err error
	for time.Now().Before(deadline) {
		if err = f(); err == nil {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("condition not met in time: %v", err)
}
