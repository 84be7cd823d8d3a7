package workload

import (
	"testing"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	appsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/apps/v1alpha1"
)

func TestDesiredChild(t *testing.T) {
	selector := map[string]string{appsv1alpha1.LabelName: "web", appsv1alpha1.LabelWorkload: "web"}
	tests := []struct {
		name  string
		w     *appsv1alpha1.Workload
		check func(g Gomega, obj any)
	}{{
		name: "deployment defaults to one replica and carries the selector labels",
		w:    newWorkload(appsv1alpha1.WorkloadTypeDeployment),
		check: func(g Gomega, obj any) {
			d := obj.(*appsv1.Deployment)
			g.Expect(d.APIVersion).To(Equal("apps/v1"))
			g.Expect(d.Kind).To(Equal("Deployment"))
			g.Expect(*d.Spec.Replicas).To(Equal(int32(1)))
			g.Expect(d.Spec.Selector.MatchLabels).To(Equal(selector))
			g.Expect(d.Spec.Template.Labels).To(HaveKeyWithValue("tier", "front"))
			g.Expect(d.Spec.Template.Labels).To(HaveKeyWithValue(appsv1alpha1.LabelWorkload, "web"))
			g.Expect(d.Labels).To(HaveKeyWithValue(appsv1alpha1.LabelManagedBy, "wheelhouse"))
			g.Expect(d.OwnerReferences).To(HaveLen(1))
			g.Expect(*d.OwnerReferences[0].Controller).To(BeTrue())
			g.Expect(d.OwnerReferences[0].UID).To(BeEquivalentTo("uid-web"))
		},
	}, {
		name: "suspended deployment scales to zero; Recreate strategy",
		w: newWorkload(appsv1alpha1.WorkloadTypeDeployment, func(w *appsv1alpha1.Workload) {
			w.Spec.Replicas = ptr.To[int32](3)
			w.Spec.Suspend = true
			w.Spec.UpdateStrategy = &appsv1alpha1.UpdateStrategy{Type: appsv1alpha1.UpdateStrategyRecreate}
		}),
		check: func(g Gomega, obj any) {
			d := obj.(*appsv1.Deployment)
			g.Expect(*d.Spec.Replicas).To(BeZero())
			g.Expect(d.Spec.Strategy.Type).To(Equal(appsv1.RecreateDeploymentStrategyType))
			g.Expect(d.Spec.Strategy.RollingUpdate).To(BeNil())
		},
	}, {
		name: "statefulset names its service and keeps a partition",
		w: newWorkload(appsv1alpha1.WorkloadTypeStatefulSet, func(w *appsv1alpha1.Workload) {
			w.Spec.Replicas = ptr.To[int32](3)
			w.Spec.UpdateStrategy = &appsv1alpha1.UpdateStrategy{Partition: ptr.To[int32](1)}
		}),
		check: func(g Gomega, obj any) {
			s := obj.(*appsv1.StatefulSet)
			g.Expect(s.Spec.ServiceName).To(Equal("web"))
			g.Expect(*s.Spec.Replicas).To(Equal(int32(3)))
			g.Expect(*s.Spec.UpdateStrategy.RollingUpdate.Partition).To(Equal(int32(1)))
		},
	}, {
		name: "suspended daemonset selects no node",
		w: newWorkload(appsv1alpha1.WorkloadTypeDaemonSet, func(w *appsv1alpha1.Workload) {
			w.Spec.Suspend = true
			w.Spec.UpdateStrategy = &appsv1alpha1.UpdateStrategy{MaxSurge: ptr.To(intstr.FromInt32(1))}
		}),
		check: func(g Gomega, obj any) {
			d := obj.(*appsv1.DaemonSet)
			g.Expect(d.Spec.Template.Spec.NodeSelector).To(HaveKeyWithValue(appsv1alpha1.LabelSuspended, "true"))
			g.Expect(d.Spec.UpdateStrategy.RollingUpdate.MaxSurge.IntValue()).To(Equal(1))
		},
	}, {
		name: "job gets restartPolicy Never, its settings and a template hash",
		w: newWorkload(appsv1alpha1.WorkloadTypeJob, func(w *appsv1alpha1.Workload) {
			w.Spec.Job = &appsv1alpha1.JobSettings{BackoffLimit: ptr.To[int32](2), Parallelism: ptr.To[int32](2)}
		}),
		check: func(g Gomega, obj any) {
			j := obj.(*batchv1.Job)
			g.Expect(j.Spec.Template.Spec.RestartPolicy).To(Equal(corev1.RestartPolicyNever))
			g.Expect(*j.Spec.BackoffLimit).To(Equal(int32(2)))
			g.Expect(*j.Spec.Suspend).To(BeFalse())
			g.Expect(j.Spec.Selector).To(BeNil())
			g.Expect(j.Annotations).To(HaveKey(appsv1alpha1.AnnotationTemplateHash))
		},
	}, {
		name: "cronjob carries schedule, settings and suspend",
		w: newWorkload(appsv1alpha1.WorkloadTypeCronJob, func(w *appsv1alpha1.Workload) {
			w.Spec.Suspend = true
			w.Spec.CronJob = &appsv1alpha1.CronJobSettings{ConcurrencyPolicy: batchv1.ForbidConcurrent, TimeZone: ptr.To("Etc/UTC")}
			w.Spec.Job = &appsv1alpha1.JobSettings{TTLSecondsAfterFinished: ptr.To[int32](60)}
		}),
		check: func(g Gomega, obj any) {
			c := obj.(*batchv1.CronJob)
			g.Expect(c.Spec.Schedule).To(Equal("*/5 * * * *"))
			g.Expect(*c.Spec.Suspend).To(BeTrue())
			g.Expect(c.Spec.ConcurrencyPolicy).To(Equal(batchv1.ForbidConcurrent))
			g.Expect(*c.Spec.TimeZone).To(Equal("Etc/UTC"))
			g.Expect(*c.Spec.JobTemplate.Spec.TTLSecondsAfterFinished).To(Equal(int32(60)))
			g.Expect(c.Spec.JobTemplate.Spec.Template.Spec.RestartPolicy).To(Equal(corev1.RestartPolicyNever))
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := NewWithT(t)
			obj, err := desiredChild(tt.w)
			g.Expect(err).NotTo(HaveOccurred())
			tt.check(g, obj)
		})
	}
}

func TestDesiredChildUnknownType(t *testing.T) {
	g := NewWithT(t)
	_, err := desiredChild(newWorkload("ReplicaSet"))
	g.Expect(err).To(MatchError(ContainSubstring(`unknown workload type "ReplicaSet"`)))
}

func TestJobSpecHashIgnoresMutableFields(t *testing.T) {
	g := NewWithT(t)
	w := newWorkload(appsv1alpha1.WorkloadTypeJob)
	base, err := jobSpecHash(jobSpec(w))
	g.Expect(err).NotTo(HaveOccurred())

	w.Spec.Job = &appsv1alpha1.JobSettings{Parallelism: ptr.To[int32](4)}
	w.Spec.Suspend = true
	same, err := jobSpecHash(jobSpec(w))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(same).To(Equal(base))

	w.Spec.Template.Spec.Containers[0].Image = "nginx:1.28"
	changed, err := jobSpecHash(jobSpec(w))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(changed).NotTo(Equal(base))
}

func TestDesiredService(t *testing.T) {
	tests := []struct {
		name  string
		w     *appsv1alpha1.Workload
		check func(g Gomega, svc *corev1.Service)
	}{{
		name:  "none requested",
		w:     newWorkload(appsv1alpha1.WorkloadTypeDeployment),
		check: func(g Gomega, svc *corev1.Service) { g.Expect(svc).To(BeNil()) },
	}, {
		name: "ClusterIP with target port defaulting to the port",
		w:    newWorkload(appsv1alpha1.WorkloadTypeDeployment, withService),
		check: func(g Gomega, svc *corev1.Service) {
			g.Expect(svc.Spec.Type).To(Equal(corev1.ServiceTypeClusterIP))
			g.Expect(svc.Spec.ClusterIP).To(BeEmpty())
			g.Expect(svc.Spec.Ports).To(ConsistOf(corev1.ServicePort{Port: 80, Protocol: corev1.ProtocolTCP, TargetPort: intstr.FromInt32(80)}))
			g.Expect(svc.Spec.Selector).To(HaveKeyWithValue(appsv1alpha1.LabelWorkload, "web"))
		},
	}, {
		name: "headless for a StatefulSet",
		w:    newWorkload(appsv1alpha1.WorkloadTypeStatefulSet, withService),
		check: func(g Gomega, svc *corev1.Service) {
			g.Expect(svc.Spec.ClusterIP).To(Equal(corev1.ClusterIPNone))
		},
	}, {
		name: "NodePort with a named target port",
		w: newWorkload(appsv1alpha1.WorkloadTypeDeployment, func(w *appsv1alpha1.Workload) {
			w.Spec.Service = &appsv1alpha1.ServiceSpec{Type: corev1.ServiceTypeNodePort, Ports: []appsv1alpha1.ServicePort{{
				Name: "http", Port: 80, TargetPort: ptr.To(intstr.FromString("http")), NodePort: ptr.To[int32](30080), Protocol: corev1.ProtocolTCP,
			}}}
		}),
		check: func(g Gomega, svc *corev1.Service) {
			g.Expect(svc.Spec.Type).To(Equal(corev1.ServiceTypeNodePort))
			g.Expect(svc.Spec.Ports[0].TargetPort).To(Equal(intstr.FromString("http")))
			g.Expect(svc.Spec.Ports[0].NodePort).To(Equal(int32(30080)))
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.check(NewWithT(t), desiredService(tt.w))
		})
	}
}
