//go:build !unit

package workload

import (
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	appsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/apps/v1alpha1"
)

// testValidation submits invalid Workloads to the real API server and
// checks that the CRD's schema and CEL rules refuse each with its message;
// then that defaults apply and the samples are accepted.
func testValidation(t *testing.T, env *integrationEnv) {
	ns := env.namespace(t, "validation")
	type mut = func(*appsv1alpha1.Workload)
	deployment, statefulSet, daemonSet := appsv1alpha1.WorkloadTypeDeployment, appsv1alpha1.WorkloadTypeStatefulSet, appsv1alpha1.WorkloadTypeDaemonSet
	job, cronJob := appsv1alpha1.WorkloadTypeJob, appsv1alpha1.WorkloadTypeCronJob
	strategy := func(s appsv1alpha1.UpdateStrategy) mut {
		return func(w *appsv1alpha1.Workload) { w.Spec.UpdateStrategy = &s }
	}
	ports := func(typ corev1.ServiceType, p ...appsv1alpha1.ServicePort) mut {
		return func(w *appsv1alpha1.Workload) { w.Spec.Service = &appsv1alpha1.ServiceSpec{Type: typ, Ports: p} }
	}
	restartPolicy := func(p corev1.RestartPolicy) mut {
		return func(w *appsv1alpha1.Workload) { w.Spec.Template.Spec.RestartPolicy = p }
	}
	tests := []struct {
		name    string
		typ     appsv1alpha1.WorkloadType
		mutate  mut
		message string
	}{
		{"cronjob without schedule", cronJob, func(w *appsv1alpha1.Workload) { w.Spec.Schedule = nil }, "schedule is required when type is CronJob"},
		{"schedule on a deployment", deployment, func(w *appsv1alpha1.Workload) { w.Spec.Schedule = ptr.To("* * * * *") }, "schedule is only allowed when type is CronJob"},
		{"replicas on a daemonset", daemonSet, func(w *appsv1alpha1.Workload) { w.Spec.Replicas = ptr.To[int32](2) }, "replicas is only allowed when type is Deployment or StatefulSet"},
		{"replicas on a job", job, func(w *appsv1alpha1.Workload) { w.Spec.Replicas = ptr.To[int32](2) }, "replicas is only allowed when type is Deployment or StatefulSet"},
		{"negative replicas", deployment, func(w *appsv1alpha1.Workload) { w.Spec.Replicas = ptr.To[int32](-1) }, "should be greater than or equal to 0"},
		{"unknown type", "ReplicaSet", nil, "Unsupported value: \"ReplicaSet\""},
		{"job settings on a deployment", deployment, func(w *appsv1alpha1.Workload) { w.Spec.Job = &appsv1alpha1.JobSettings{} }, "job is only allowed when type is Job or CronJob"},
		{"ttl on a job", job, func(w *appsv1alpha1.Workload) {
			w.Spec.Job = &appsv1alpha1.JobSettings{TTLSecondsAfterFinished: ptr.To[int32](5)}
		}, "job.ttlSecondsAfterFinished is only allowed when type is CronJob"},
		{"cronJob settings on a job", job, func(w *appsv1alpha1.Workload) { w.Spec.CronJob = &appsv1alpha1.CronJobSettings{} }, "cronJob is only allowed when type is CronJob"},
		{"bad concurrency policy", cronJob, func(w *appsv1alpha1.Workload) {
			w.Spec.CronJob = &appsv1alpha1.CronJobSettings{ConcurrencyPolicy: batchv1.ConcurrencyPolicy("Sometimes")}
		}, "Unsupported value: \"Sometimes\""},
		{"update strategy on a job", job, strategy(appsv1alpha1.UpdateStrategy{}), "updateStrategy is only allowed when type is Deployment, StatefulSet or DaemonSet"},
		{"Recreate on a statefulset", statefulSet, strategy(appsv1alpha1.UpdateStrategy{Type: appsv1alpha1.UpdateStrategyRecreate}), "Recreate is only allowed when type is Deployment"},
		{"OnDelete on a deployment", deployment, strategy(appsv1alpha1.UpdateStrategy{Type: appsv1alpha1.UpdateStrategyOnDelete}), "OnDelete is only allowed when type is StatefulSet or DaemonSet"},
		{"partition on a deployment", deployment, strategy(appsv1alpha1.UpdateStrategy{Partition: ptr.To[int32](1)}), "partition is only allowed when type is StatefulSet"},
		{"maxSurge on a statefulset", statefulSet, strategy(appsv1alpha1.UpdateStrategy{MaxSurge: ptr.To(intstr.FromInt32(1))}), "maxSurge is only allowed when type is Deployment or DaemonSet"},
		{"maxSurge with Recreate", deployment, strategy(appsv1alpha1.UpdateStrategy{Type: appsv1alpha1.UpdateStrategyRecreate, MaxSurge: ptr.To(intstr.FromInt32(1))}), "only allowed with type RollingUpdate"},
		{"service on a job", job, withService, "service is only allowed when type is Deployment, StatefulSet or DaemonSet"},
		{"NodePort for a statefulset", statefulSet, ports(corev1.ServiceTypeNodePort, appsv1alpha1.ServicePort{Port: 80}), "service.type must be ClusterIP"},
		{"two unnamed ports", deployment, ports("", appsv1alpha1.ServicePort{Port: 80}, appsv1alpha1.ServicePort{Port: 443}), "every port needs a name"},
		{"duplicate port names", deployment, ports("", appsv1alpha1.ServicePort{Name: "web", Port: 80}, appsv1alpha1.ServicePort{Name: "web", Port: 443}), "port names must be unique"},
		{"duplicate ports", deployment, ports("", appsv1alpha1.ServicePort{Name: "a", Port: 80}, appsv1alpha1.ServicePort{Name: "b", Port: 80}), "Duplicate value"},
		{"nodePort on ClusterIP", deployment, ports(corev1.ServiceTypeClusterIP, appsv1alpha1.ServicePort{Port: 80, NodePort: ptr.To[int32](30080)}), "nodePort is only allowed when the service type is NodePort or LoadBalancer"},
		{"no ports", deployment, ports(corev1.ServiceTypeClusterIP), "spec.service.ports: Required value"},
		{"empty ports", deployment, func(w *appsv1alpha1.Workload) {
			w.Spec.Service = &appsv1alpha1.ServiceSpec{Ports: []appsv1alpha1.ServicePort{}}
		}, "should have at least 1 items"},
		{"port out of range", deployment, ports("", appsv1alpha1.ServicePort{Port: 70000}), "should be less than or equal to 65535"},
		{"restartPolicy Always for a job", job, restartPolicy(corev1.RestartPolicyAlways), "must be OnFailure or Never when type is Job or CronJob"},
		{"restartPolicy Never for a deployment", deployment, restartPolicy(corev1.RestartPolicyNever), "must be Always when type is Deployment, StatefulSet or DaemonSet"},
		{"no containers", deployment, func(w *appsv1alpha1.Workload) { w.Spec.Template.Spec.Containers = nil }, "containers: Required value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mutate []func(*appsv1alpha1.Workload)
			if tt.mutate != nil {
				mutate = append(mutate, tt.mutate)
			}
			w := workloadIn(ns, "invalid", tt.typ, mutate...)
			err := env.c.Create(t.Context(), w)
			NewWithT(t).Expect(err).To(MatchError(ContainSubstring(tt.message)))
		})
	}

	t.Run("template.spec is required", func(t *testing.T) {
		u := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": appsv1alpha1.GroupVersion.String(), "kind": "Workload",
			"metadata": map[string]any{"name": "nospec", "namespace": ns},
			"spec":     map[string]any{"type": "Deployment", "template": map[string]any{}},
		}}
		NewWithT(t).Expect(env.c.Create(t.Context(), u)).To(MatchError(ContainSubstring("template.spec is required")))
	})

	t.Run("defaults", func(t *testing.T) {
		g := NewWithT(t)
		u := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": appsv1alpha1.GroupVersion.String(), "kind": "Workload",
			"metadata": map[string]any{"name": "defaults", "namespace": ns},
			"spec": map[string]any{
				"template": map[string]any{"spec": map[string]any{"containers": []any{map[string]any{"name": "a", "image": "nginx"}}}},
				"service":  map[string]any{"ports": []any{map[string]any{"port": int64(80)}}},
			},
		}}
		g.Expect(env.c.Create(t.Context(), u, client.DryRunAll)).To(Succeed())
		w := &appsv1alpha1.Workload{}
		g.Expect(runtimeFromUnstructured(u, w)).To(Succeed())
		g.Expect(w.Spec.Type).To(Equal(appsv1alpha1.WorkloadTypeDeployment))
		g.Expect(w.Spec.Service.Type).To(Equal(corev1.ServiceTypeClusterIP))
		g.Expect(w.Spec.Service.Ports[0].Protocol).To(Equal(corev1.ProtocolTCP))
	})

	t.Run("samples are valid", func(t *testing.T) {
		files, err := filepath.Glob("../../../config/samples/*.yaml")
		g := NewWithT(t)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(files).To(HaveLen(5))
		for _, f := range files {
			b, err := os.ReadFile(f)
			g.Expect(err).NotTo(HaveOccurred())
			u := &unstructured.Unstructured{}
			g.Expect(yaml.Unmarshal(b, &u.Object)).To(Succeed())
			u.SetNamespace(ns)
			g.Expect(env.c.Create(t.Context(), u, client.DryRunAll)).To(Succeed(), f)
		}
	})
}
