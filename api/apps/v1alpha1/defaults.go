package v1alpha1

import (
	"k8s.io/apimachinery/pkg/labels"
)

// DefaultReplicas is the number of pods of a Deployment or StatefulSet whose
// spec.replicas is unset.
const DefaultReplicas int32 = 1

// DesiredReplicas is the replica count the child should have: spec.replicas
// (or DefaultReplicas) for a Deployment or StatefulSet, 0 when suspended.
// It is 0 for the other types, whose pod count the Kubernetes controllers
// decide.
func (w *Workload) DesiredReplicas() int32 {
	switch w.Spec.Type {
	case WorkloadTypeDeployment, WorkloadTypeStatefulSet:
		if w.Spec.Suspend {
			return 0
		}
		if w.Spec.Replicas != nil {
			return *w.Spec.Replicas
		}
		return DefaultReplicas
	default:
		return 0
	}
}

// SelectorLabels are the labels that select the Workload's pods. They never
// change for a Workload, so the immutable selectors of its children never
// need to.
func (w *Workload) SelectorLabels() map[string]string {
	return map[string]string{
		LabelName:     w.Name,
		LabelWorkload: w.Name,
	}
}

// Selector is SelectorLabels as a label selector string.
func (w *Workload) Selector() string {
	return labels.SelectorFromSet(w.SelectorLabels()).String()
}

// HeadlessService reports whether the Workload's Service is headless: it is
// for a StatefulSet.
func (w *Workload) HeadlessService() bool {
	return w.Spec.Type == WorkloadTypeStatefulSet
}

// HasService reports whether the Workload asks for a Service.
func (w *Workload) HasService() bool {
	return w.Spec.Service != nil
}
