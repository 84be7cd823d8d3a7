package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kruntime "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	appsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/apps/v1alpha1"
	"github.com/wheelhouse-dev/wheelhouse/config/crd"
	"github.com/wheelhouse-dev/wheelhouse/internal/sandbox"
)

// writeCostProfile is how long the API server is profiled in each step
// of writeCosts with -apiserver-profile, starting half a second in: n
// must be large enough for every step to last longer.
const writeCostProfile = 3 * time.Second

// writeCosts measures what one write of each kind the batches make costs
// the API server and etcd in CPU time, on a fresh one-node sandbox cluster
// where nothing else runs (no controller; no pods, so the scheduler stays
// idle and kube-controller-manager writes only the status of the paused
// reference Deployments): n writes of a kind from the
// benchmark's creators, then the CPU time the two processes used, divided
// by n. It shows why the operator's own writes weigh more than their
// number: a Workload carries a whole pod template, which the API server
// decodes, validates against the CRD's schema and CEL rules, and tracks
// field by field in managedFields on every write.
func writeCosts(ctx context.Context, m *sandbox.Manager, scheme *kruntime.Scheme, o options, logger *slog.Logger) error {
	const name = "bench-workload-write-costs"
	st, err := m.Up(ctx, name, 1)
	if err != nil {
		return err
	}
	defer func() {
		downCtx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		if err := m.Down(downCtx, name); err != nil {
			logger.Error("Deleting the sandbox cluster failed", "cluster", name, "error", err)
		}
	}()
	cfg, err := clientcmd.BuildConfigFromFlags("", st.KubeconfigPath)
	if err != nil {
		return fmt.Errorf("load kubeconfig: %w", err)
	}
	cfg = rest.CopyConfig(cfg)
	cfg.QPS, cfg.Burst = -1, 0
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		return fmt.Errorf("client: %w", err)
	}
	if err := crd.Install(ctx, c, crd.Options{Timeout: time.Minute}); err != nil {
		return err
	}
	meter, err := newCostMeter(cfg, filepath.Join(m.StateDir(), "clusters", name))
	if err != nil {
		return err
	}
	const ns = "write-costs"
	if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
		return fmt.Errorf("namespace %s: %w", ns, err)
	}
	workloadKey := func(i int) types.NamespacedName {
		return types.NamespacedName{Namespace: ns, Name: fmt.Sprintf("app-%05d", i)}
	}
	mergePatch := func(body string) client.Patch { return client.RawPatch(types.MergePatchType, []byte(body)) }
	steps := []struct {
		name string
		fn   func(ctx context.Context, i int) error
	}{
		{"POST configmaps (a small object, for reference)", func(ctx context.Context, i int) error {
			return c.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("cm-%05d", i), Namespace: ns},
				Data: map[string]string{"key": "value"}})
		}},
		{"POST deployments (paused: no ReplicaSet, but the status write of kube-controller-manager; for reference)", func(ctx context.Context, i int) error {
			labels := map[string]string{"app": fmt.Sprintf("deploy-%05d", i)}
			t := podTemplate()
			t.Labels = labels
			return c.Create(ctx, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: labels["app"], Namespace: ns, Labels: labels},
				Spec: appsv1.DeploymentSpec{Replicas: ptr.To[int32](1), Paused: true, Selector: &metav1.LabelSelector{MatchLabels: labels}, Template: t}})
		}},
		{"POST workloads", func(ctx context.Context, i int) error {
			k := workloadKey(i)
			return c.Create(ctx, &appsv1alpha1.Workload{
				ObjectMeta: metav1.ObjectMeta{Name: k.Name, Namespace: k.Namespace},
				Spec: appsv1alpha1.WorkloadSpec{Type: appsv1alpha1.WorkloadTypeDeployment, Replicas: ptr.To[int32](1), Template: podTemplate(),
					Service: &appsv1alpha1.ServiceSpec{Ports: []appsv1alpha1.ServicePort{{Port: 80}}}},
			})
		}},
		{"PATCH workloads (metadata, as a finalizer patch would)", func(ctx context.Context, i int) error {
			k := workloadKey(i)
			w := &appsv1alpha1.Workload{ObjectMeta: metav1.ObjectMeta{Name: k.Name, Namespace: k.Namespace}}
			return c.Patch(ctx, w, mergePatch(`{"metadata":{"labels":{"patched":"true"}}}`))
		}},
		{"PATCH workloads/status", func(ctx context.Context, i int) error {
			k := workloadKey(i)
			w := &appsv1alpha1.Workload{ObjectMeta: metav1.ObjectMeta{Name: k.Name, Namespace: k.Namespace}}
			return c.Status().Patch(ctx, w, mergePatch(`{"status":{"phase":"Running","observedGeneration":1,"replicas":1,"readyReplicas":1,`+
				`"conditions":[{"type":"Ready","status":"True","reason":"RolledOut","message":"1/1 pods ready","lastTransitionTime":"2026-11-22T10:00:00Z","observedGeneration":1}]}}`))
		}},
		{"POST events (events.k8s.io/v1)", func(ctx context.Context, i int) error {
			k := workloadKey(i)
			return c.Create(ctx, &eventsv1.Event{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("ev-%05d", i), Namespace: ns},
				EventTime: metav1.NowMicro(), ReportingController: "bench", ReportingInstance: "bench", Action: "Apply",
				Reason: appsv1alpha1.EventApplySucceeded, Type: corev1.EventTypeNormal, Note: "Created Deployment and Service",
				Regarding: corev1.ObjectReference{Kind: "Workload", Namespace: k.Namespace, Name: k.Name}})
		}},
		{"POST services (ClusterIP: allocates an IP, one at a time)", func(ctx context.Context, i int) error {
			return c.Create(ctx, &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("svc-%05d", i), Namespace: ns},
				Spec: corev1.ServiceSpec{Selector: map[string]string{"app": "none"}, Ports: []corev1.ServicePort{{
					Port: 80, TargetPort: intstr.FromInt32(80), Protocol: corev1.ProtocolTCP}}}})
		}},
	}
	fmt.Printf("## CPU time per write (n=%d each, %d creators, a one-node sandbox cluster with no pods)\n\n", o.n, o.creators)
	fmt.Printf("| write | wall time for n | kube-apiserver CPU per write | etcd CPU per write |\n| --- | --- | --- | --- |\n")
	for i, s := range steps {
		before, err := meter.snapshot(ctx)
		if err != nil {
			return err
		}
		start := time.Now()
		stepCtx, stopProfile := context.WithCancel(ctx)
		if o.profile != "" {
			go meter.profile(stepCtx, fmt.Sprintf("%s.write%d", o.profile, i), 500*time.Millisecond, writeCostProfile, logger)
		}
		err = parallel(ctx, o.n, o.creators, s.fn)
		stopProfile()
		if err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		wall := time.Since(start)
		// The watch cache and etcd's compaction finish after the last
		// answer; let them before reading the CPU times.
		time.Sleep(2 * time.Second)
		after, err := meter.snapshot(ctx)
		if err != nil {
			return err
		}
		d := diffCost(before, after)
		perWrite := func(component string) string {
			return fmt.Sprintf("%.2f ms", float64(d.cpu[component].Microseconds())/1000/float64(o.n))
		}
		fmt.Printf("| %s | %s | %s | %s |\n", s.name, wall.Round(time.Millisecond), perWrite("kube-apiserver"), perWrite("etcd"))
	}
	return nil
}
