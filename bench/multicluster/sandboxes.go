package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/wheelhouse-dev/wheelhouse/internal/sandbox"
)

// downTimeout bounds the deletion of one sandbox cluster at the end.
const downTimeout = 3 * time.Minute

// benchCluster is one loaded sandbox cluster.
type benchCluster struct {
	name string
	// kubeconfigPath is kwokctl's kubeconfig (certificate files beside it),
	// for kubectl.
	kubeconfigPath string
	// kubeconfig is self-contained, for the import.
	kubeconfig []byte
	rest       *rest.Config
	// pods is how many pods the cluster holds that have not finished: what
	// the server's resources.pods must reach.
	pods int
}

// sandboxes creates the benchmark's sandbox clusters in one temporary
// state directory and deletes them again.
type sandboxes struct {
	o      options
	m      *sandbox.Manager
	logger *slog.Logger

	mu      sync.Mutex
	created []string
}

func newSandboxes(o options, tmp string, logger *slog.Logger) (*sandboxes, error) {
	m, err := sandbox.NewManager(sandbox.Config{
		StateDir:         filepath.Join(tmp, "sandbox"),
		ToolsDir:         o.toolsDir,
		Logger:           logger,
		ReadyTimeout:     15 * time.Minute,
		DisableQPSLimits: true,
	})
	if err != nil {
		return nil, fmt.Errorf("sandbox manager: %w", err)
	}
	if err := m.CheckToolchain(); err != nil {
		return nil, err
	}
	return &sandboxes{o: o, m: m, logger: logger}, nil
}

// clusterName is the sandbox (and Wheelhouse) name of the i-th cluster.
func clusterName(i int) string { return fmt.Sprintf("bench-%d", i+1) }

// upAndLoad starts the i-th cluster with its simulated nodes, creates its
// pods and waits until every pod runs, recording how long each step took.
func (s *sandboxes) upAndLoad(ctx context.Context, i int, res *results) (*benchCluster, error) {
	name := clusterName(i)
	s.mu.Lock()
	s.created = append(s.created, name)
	s.mu.Unlock()

	start := time.Now()
	st, err := s.m.Up(ctx, name, s.o.nodes)
	if err != nil {
		return nil, fmt.Errorf("start sandbox cluster %s: %w", name, err)
	}
	upTook := time.Since(start)
	raw, err := s.m.Kubeconfig(ctx, name)
	if err != nil {
		return nil, err
	}
	rc, err := clientcmd.RESTConfigFromKubeConfig(raw)
	if err != nil {
		return nil, fmt.Errorf("kubeconfig of %s: %w", name, err)
	}
	rc.QPS, rc.Burst = 1e6, 1e6
	rc.ContentType = "application/vnd.kubernetes.protobuf"
	rc.AcceptContentTypes = "application/vnd.kubernetes.protobuf,application/json"
	rc.Timeout = time.Minute
	kube, err := kubernetes.NewForConfig(rc)
	if err != nil {
		return nil, fmt.Errorf("client for %s: %w", name, err)
	}
	c := &benchCluster{name: name, kubeconfigPath: st.KubeconfigPath, kubeconfig: raw, rest: rc}

	start = time.Now()
	if err := s.createPods(ctx, kube, name); err != nil {
		return nil, err
	}
	createTook := time.Since(start)
	running, err := waitPodsRunning(ctx, kube, s.o.pods, s.logger, name)
	if err != nil {
		return nil, err
	}
	c.pods = running
	l := loadResult{cluster: name, up: upTook, create: createTook, running: time.Since(start), pods: running}
	s.logger.Info("Sandbox cluster loaded", "cluster", name, "nodes", s.o.nodes, "pods", running,
		"up", upTook.Round(time.Millisecond), "create", createTook.Round(time.Millisecond), "allRunning", l.running.Round(time.Millisecond),
		"createRate", fmt.Sprintf("%.0f/s", float64(s.o.pods)/createTook.Seconds()))
	res.loads = append(res.loads, l)
	return c, nil
}

// createPods creates the namespaces and then o.pods pods, bound to the
// simulated nodes round-robin, from o.creators goroutines.
func (s *sandboxes) createPods(ctx context.Context, kube kubernetes.Interface, cluster string) error {
	for n := range s.o.namespaces {
		ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespaceName(n)}}
		if _, err := kube.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("create namespace %s in %s: %w", ns.Name, cluster, err)
		}
	}
	if err := waitDefaultServiceAccounts(ctx, kube, s.o.namespaces); err != nil {
		return fmt.Errorf("cluster %s: %w", cluster, err)
	}
	nodes, err := kube.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return fmt.Errorf("list nodes of %s: %w", cluster, err)
	}
	if len(nodes.Items) == 0 {
		return fmt.Errorf("cluster %s has no nodes", cluster)
	}
	nodeNames := make([]string, len(nodes.Items))
	for i, n := range nodes.Items {
		nodeNames[i] = n.Name
	}

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range s.o.creators {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= s.o.pods || ctx.Err() != nil {
					return
				}
				if err := createPod(ctx, kube, s.pod(i, nodeNames)); err != nil {
					cancel(fmt.Errorf("create pods in %s: %w", cluster, err))
					return
				}
			}
		})
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return err
	}
	return nil
}

// createPod creates pod, retrying what a loaded API server may answer
// transiently; a pod that already exists counts as created.
func createPod(ctx context.Context, kube kubernetes.Interface, pod *corev1.Pod) error {
	var err error
	for attempt := range 6 {
		_, err = kube.CoreV1().Pods(pod.Namespace).Create(ctx, pod, metav1.CreateOptions{})
		switch {
		case err == nil || apierrors.IsAlreadyExists(err):
			return nil
		case ctx.Err() != nil:
			return ctx.Err()
		case apierrors.IsTooManyRequests(err) || apierrors.IsServerTimeout(err) || apierrors.IsTimeout(err) ||
			apierrors.IsInternalError(err) || apierrors.IsServiceUnavailable(err) || errors.Is(err, context.DeadlineExceeded):
			time.Sleep(time.Duration(attempt+1) * 200 * time.Millisecond)
		default:
			return fmt.Errorf("pod %s/%s: %w", pod.Namespace, pod.Name, err)
		}
	}
	return fmt.Errorf("pod %s/%s: %w", pod.Namespace, pod.Name, err)
}

// waitDefaultServiceAccounts waits until the controller manager has made
// the default ServiceAccount of every benchmark namespace: until then the
// API server refuses pods there.
func waitDefaultServiceAccounts(ctx context.Context, kube kubernetes.Interface, namespaces int) error {
	deadline := time.Now().Add(5 * time.Minute)
	for {
		list, err := kube.CoreV1().ServiceAccounts("").List(ctx, metav1.ListOptions{FieldSelector: "metadata.name=default"})
		if err != nil {
			return fmt.Errorf("list service accounts: %w", err)
		}
		have := map[string]bool{}
		for _, sa := range list.Items {
			have[sa.Namespace] = true
		}
		missing := 0
		for n := range namespaces {
			if !have[namespaceName(n)] {
				missing++
			}
		}
		if missing == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d namespaces still have no default service account after 5 minutes", missing)
		}
		if err := sleepCtx(ctx, 500*time.Millisecond); err != nil {
			return fmt.Errorf("wait for default service accounts: %w", err)
		}
	}
}

func namespaceName(n int) string { return fmt.Sprintf("bench-ns-%02d", n) }

// labelValue is the app label of the i-th pod; a selector app=app-K picks
// one pod in o.labelValues.
func labelValue(i int) string { return fmt.Sprintf("app-%d", i) }

// pod is the i-th benchmark pod: bound to a node (no scheduler involved),
// one container with small requests, labels to select by.
func (s *sandboxes) pod(i int, nodes []string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Name:      fmt.Sprintf("pod-%06d", i),
			Namespace: namespaceName(i % s.o.namespaces),
			Labels: map[string]string{
				"app":  labelValue(i % s.o.labelValues),
				"tier": []string{"web", "api", "worker"}[i%3],
				"team": fmt.Sprintf("team-%d", i%10),
			},
		},
		Spec: corev1.PodSpec{
			NodeName: nodes[i%len(nodes)],
			Containers: []corev1.Container{{
				Name:  "app",
				Image: "registry.example.com/bench/app:1.0",
				Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{
					corev1.ResourceCPU:    resource.MustParse("10m"),
					corev1.ResourceMemory: resource.MustParse("16Mi"),
				}},
			}},
		},
	}
}

// waitPodsRunning waits until at least want pods exist and none of them
// is Pending, so that the import starts on a cluster at rest; it returns
// the number of unfinished pods.
func waitPodsRunning(ctx context.Context, kube kubernetes.Interface, want int, logger *slog.Logger, cluster string) (int, error) {
	deadline := time.Now().Add(15 * time.Minute)
	for {
		total, pending, err := countPods(ctx, kube)
		if err != nil {
			return 0, err
		}
		if total >= want && pending == 0 {
			return total, nil
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("cluster %s: %d pods, %d not Running after 15 minutes", cluster, total, pending)
		}
		logger.Info("Waiting for pods to run", "cluster", cluster, "pods", total, "notRunning", pending)
		select {
		case <-ctx.Done():
			return 0, fmt.Errorf("wait for pods of %s: %w", cluster, ctx.Err())
		case <-time.After(3 * time.Second):
		}
	}
}

// countPods pages through every pod and counts the unfinished ones and,
// among them, those not yet Running.
func countPods(ctx context.Context, kube kubernetes.Interface) (unfinished, notRunning int, err error) {
	opts := metav1.ListOptions{Limit: 2000}
	for {
		list, err := kube.CoreV1().Pods("").List(ctx, opts)
		if err != nil {
			return 0, 0, fmt.Errorf("list pods: %w", err)
		}
		for _, p := range list.Items {
			switch p.Status.Phase {
			case corev1.PodSucceeded, corev1.PodFailed:
				continue
			case corev1.PodRunning:
			default:
				notRunning++
			}
			unfinished++
		}
		if list.Continue == "" {
			return unfinished, notRunning, nil
		}
		opts.Continue = list.Continue
	}
}

// downAll deletes every cluster this run created, even after ctx ended.
func (s *sandboxes) downAll(ctx context.Context) {
	s.mu.Lock()
	names := append([]string(nil), s.created...)
	s.mu.Unlock()
	for _, name := range names {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), downTimeout)
		if err := s.m.Down(dctx, name); err != nil {
			s.logger.Warn("Could not delete sandbox cluster", "cluster", name, "error", err)
		} else {
			s.logger.Info("Deleted sandbox cluster", "cluster", name)
		}
		cancel()
	}
}
