package workload

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	appsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/apps/v1alpha1"
)

// FieldManager is the server-side apply field manager of every write of
// the controller.
const FieldManager = "wheelhouse"

// childKind is one kind of object a Workload can own as its child.
type childKind struct {
	apiVersion string
	kind       string
	newObject  func() client.Object
}

// childKinds maps each WorkloadType to the kind of its child.
var childKinds = map[appsv1alpha1.WorkloadType]childKind{
	appsv1alpha1.WorkloadTypeDeployment:  {"apps/v1", "Deployment", func() client.Object { return &appsv1.Deployment{} }},
	appsv1alpha1.WorkloadTypeStatefulSet: {"apps/v1", "StatefulSet", func() client.Object { return &appsv1.StatefulSet{} }},
	appsv1alpha1.WorkloadTypeDaemonSet:   {"apps/v1", "DaemonSet", func() client.Object { return &appsv1.DaemonSet{} }},
	appsv1alpha1.WorkloadTypeJob:         {"batch/v1", "Job", func() client.Object { return &batchv1.Job{} }},
	appsv1alpha1.WorkloadTypeCronJob:     {"batch/v1", "CronJob", func() client.Object { return &batchv1.CronJob{} }},
}

// ownerReference makes w the controller of a child.
func ownerReference(w *appsv1alpha1.Workload) metav1.OwnerReference {
	return metav1.OwnerReference{
		APIVersion:         appsv1alpha1.GroupVersion.String(),
		Kind:               "Workload",
		Name:               w.Name,
		UID:                w.UID,
		Controller:         ptr.To(true),
		BlockOwnerDeletion: ptr.To(true),
	}
}

// childMeta is the metadata of every object w owns: its name, the selector
// labels plus managed-by, and the controller owner reference.
func childMeta(w *appsv1alpha1.Workload) metav1.ObjectMeta {
	labels := w.SelectorLabels()
	labels[appsv1alpha1.LabelManagedBy] = FieldManager
	return metav1.ObjectMeta{
		Name:            w.Name,
		Namespace:       w.Namespace,
		Labels:          labels,
		OwnerReferences: []metav1.OwnerReference{ownerReference(w)},
	}
}

// podTemplate is w's pod template with the selector labels added, the
// restart policy a Job needs, and the node selector of a suspended
// DaemonSet.
func podTemplate(w *appsv1alpha1.Workload) corev1.PodTemplateSpec {
	t := *w.Spec.Template.DeepCopy()
	if t.Labels == nil {
		t.Labels = map[string]string{}
	}
	maps.Copy(t.Labels, w.SelectorLabels())
	switch w.Spec.Type {
	case appsv1alpha1.WorkloadTypeJob, appsv1alpha1.WorkloadTypeCronJob:
		if t.Spec.RestartPolicy == "" {
			t.Spec.RestartPolicy = corev1.RestartPolicyNever
		}
	case appsv1alpha1.WorkloadTypeDaemonSet:
		if w.Spec.Suspend {
			if t.Spec.NodeSelector == nil {
				t.Spec.NodeSelector = map[string]string{}
			}
			t.Spec.NodeSelector[appsv1alpha1.LabelSuspended] = "true"
		}
	}
	return t
}

// desiredChild is the object w asks for, ready for server-side apply.
func desiredChild(w *appsv1alpha1.Workload) (client.Object, error) {
	selector := &metav1.LabelSelector{MatchLabels: w.SelectorLabels()}
	meta := childMeta(w)
	us := w.Spec.UpdateStrategy
	switch w.Spec.Type {
	case appsv1alpha1.WorkloadTypeDeployment:
		return &appsv1.Deployment{
			TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
			ObjectMeta: meta,
			Spec: appsv1.DeploymentSpec{
				Replicas: ptr.To(w.DesiredReplicas()),
				Selector: selector,
				Template: podTemplate(w),
				Strategy: deploymentStrategy(us),
			},
		}, nil
	case appsv1alpha1.WorkloadTypeStatefulSet:
		return &appsv1.StatefulSet{
			TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "StatefulSet"},
			ObjectMeta: meta,
			Spec: appsv1.StatefulSetSpec{
				Replicas: ptr.To(w.DesiredReplicas()),
				Selector: selector,
				Template: podTemplate(w),
				// Always the Workload's name, Service or not: the field is
				// immutable, and adding a service later must not need a new
				// StatefulSet.
				ServiceName:    w.Name,
				UpdateStrategy: statefulSetStrategy(us),
			},
		}, nil
	case appsv1alpha1.WorkloadTypeDaemonSet:
		return &appsv1.DaemonSet{
			TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "DaemonSet"},
			ObjectMeta: meta,
			Spec: appsv1.DaemonSetSpec{
				Selector:       selector,
				Template:       podTemplate(w),
				UpdateStrategy: daemonSetStrategy(us),
			},
		}, nil
	case appsv1alpha1.WorkloadTypeJob:
		job := &batchv1.Job{
			TypeMeta:   metav1.TypeMeta{APIVersion: "batch/v1", Kind: "Job"},
			ObjectMeta: meta,
			Spec:       jobSpec(w),
		}
		hash, err := jobSpecHash(job.Spec)
		if err != nil {
			return nil, err
		}
		job.Annotations = map[string]string{appsv1alpha1.AnnotationTemplateHash: hash}
		job.Spec.Suspend = ptr.To(w.Spec.Suspend)
		return job, nil
	case appsv1alpha1.WorkloadTypeCronJob:
		return &batchv1.CronJob{
			TypeMeta:   metav1.TypeMeta{APIVersion: "batch/v1", Kind: "CronJob"},
			ObjectMeta: meta,
			Spec:       cronJobSpec(w),
		}, nil
	default:
		return nil, fmt.Errorf("unknown workload type %q", w.Spec.Type)
	}
}

func deploymentStrategy(us *appsv1alpha1.UpdateStrategy) appsv1.DeploymentStrategy {
	if us == nil {
		return appsv1.DeploymentStrategy{}
	}
	if us.Type == appsv1alpha1.UpdateStrategyRecreate {
		return appsv1.DeploymentStrategy{Type: appsv1.RecreateDeploymentStrategyType}
	}
	s := appsv1.DeploymentStrategy{Type: appsv1.RollingUpdateDeploymentStrategyType}
	if us.MaxSurge != nil || us.MaxUnavailable != nil {
		s.RollingUpdate = &appsv1.RollingUpdateDeployment{MaxSurge: us.MaxSurge, MaxUnavailable: us.MaxUnavailable}
	}
	return s
}

func statefulSetStrategy(us *appsv1alpha1.UpdateStrategy) appsv1.StatefulSetUpdateStrategy {
	if us == nil {
		return appsv1.StatefulSetUpdateStrategy{}
	}
	if us.Type == appsv1alpha1.UpdateStrategyOnDelete {
		return appsv1.StatefulSetUpdateStrategy{Type: appsv1.OnDeleteStatefulSetStrategyType}
	}
	s := appsv1.StatefulSetUpdateStrategy{Type: appsv1.RollingUpdateStatefulSetStrategyType}
	if us.Partition != nil || us.MaxUnavailable != nil {
		s.RollingUpdate = &appsv1.RollingUpdateStatefulSetStrategy{Partition: us.Partition, MaxUnavailable: us.MaxUnavailable}
	}
	return s
}

func daemonSetStrategy(us *appsv1alpha1.UpdateStrategy) appsv1.DaemonSetUpdateStrategy {
	if us == nil {
		return appsv1.DaemonSetUpdateStrategy{}
	}
	if us.Type == appsv1alpha1.UpdateStrategyOnDelete {
		return appsv1.DaemonSetUpdateStrategy{Type: appsv1.OnDeleteDaemonSetStrategyType}
	}
	s := appsv1.DaemonSetUpdateStrategy{Type: appsv1.RollingUpdateDaemonSetStrategyType}
	if us.MaxSurge != nil || us.MaxUnavailable != nil {
		s.RollingUpdate = &appsv1.RollingUpdateDaemonSet{MaxSurge: us.MaxSurge, MaxUnavailable: us.MaxUnavailable}
	}
	return s
}

// jobSpec is the Job spec of a Job Workload, or of a CronJob's Jobs,
// without suspend.
func jobSpec(w *appsv1alpha1.Workload) batchv1.JobSpec {
	s := batchv1.JobSpec{Template: podTemplate(w)}
	if j := w.Spec.Job; j != nil {
		s.Completions = j.Completions
		s.Parallelism = j.Parallelism
		s.BackoffLimit = j.BackoffLimit
		s.ActiveDeadlineSeconds = j.ActiveDeadlineSeconds
		s.TTLSecondsAfterFinished = j.TTLSecondsAfterFinished
	}
	return s
}

// jobSpecHash hashes the parts of a Job spec that cannot change once the
// Job exists (everything but suspend and parallelism).
func jobSpecHash(s batchv1.JobSpec) (string, error) {
	s.Suspend = nil
	s.Parallelism = nil
	b, err := json.Marshal(s)
	if err != nil {
		return "", fmt.Errorf("hash job spec: %w", err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8]), nil
}

func cronJobSpec(w *appsv1alpha1.Workload) batchv1.CronJobSpec {
	s := batchv1.CronJobSpec{
		Suspend: ptr.To(w.Spec.Suspend),
		JobTemplate: batchv1.JobTemplateSpec{
			ObjectMeta: metav1.ObjectMeta{Labels: w.SelectorLabels()},
			Spec:       jobSpec(w),
		},
	}
	if w.Spec.Schedule != nil {
		s.Schedule = *w.Spec.Schedule
	}
	if c := w.Spec.CronJob; c != nil {
		s.ConcurrencyPolicy = c.ConcurrencyPolicy
		s.TimeZone = c.TimeZone
		s.StartingDeadlineSeconds = c.StartingDeadlineSeconds
		s.SuccessfulJobsHistoryLimit = c.SuccessfulJobsHistoryLimit
		s.FailedJobsHistoryLimit = c.FailedJobsHistoryLimit
	}
	return s
}

// desiredService is the Service w asks for, or nil.
func desiredService(w *appsv1alpha1.Workload) *corev1.Service {
	if !w.HasService() {
		return nil
	}
	svc := &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: childMeta(w),
		Spec: corev1.ServiceSpec{
			Type:     w.Spec.Service.Type,
			Selector: w.SelectorLabels(),
		},
	}
	if svc.Spec.Type == "" {
		svc.Spec.Type = corev1.ServiceTypeClusterIP
	}
	if w.HeadlessService() {
		svc.Spec.ClusterIP = corev1.ClusterIPNone
	}
	for _, p := range w.Spec.Service.Ports {
		sp := corev1.ServicePort{Name: p.Name, Port: p.Port, Protocol: p.Protocol, TargetPort: intstr.FromInt32(p.Port)}
		if sp.Protocol == "" {
			sp.Protocol = corev1.ProtocolTCP
		}
		if p.TargetPort != nil {
			sp.TargetPort = *p.TargetPort
		}
		if p.NodePort != nil {
			sp.NodePort = *p.NodePort
		}
		svc.Spec.Ports = append(svc.Spec.Ports, sp)
	}
	return svc
}

// kindOf names the kind of a child or Service (objects from the cache carry
// no TypeMeta).
func kindOf(obj client.Object) string {
	switch obj.(type) {
	case *appsv1.Deployment:
		return "Deployment"
	case *appsv1.StatefulSet:
		return "StatefulSet"
	case *appsv1.DaemonSet:
		return "DaemonSet"
	case *batchv1.Job:
		return "Job"
	case *batchv1.CronJob:
		return "CronJob"
	case *corev1.Service:
		return "Service"
	default:
		return fmt.Sprintf("%T", obj)
	}
}
