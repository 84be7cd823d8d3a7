package ctrlkit

import (
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// The condition types every Wheelhouse resource shares, as kstatus
// (sigs.k8s.io/cli-utils/pkg/kstatus) reads them: kubectl wait, Flux, Argo
// CD and Helm's --wait tell from them whether an object is done.
// Reconciling and Stalled are "abnormal-true": present and True only while
// they hold, removed otherwise. Each API package declares the same names
// among its own condition types.
const (
	// ConditionReady is True when the object reached what its spec asks.
	ConditionReady = "Ready"
	// ConditionReconciling is True while the controller is still working
	// toward the spec: something is rolling out, or a failed step is being
	// retried.
	ConditionReconciling = "Reconciling"
	// ConditionStalled is True when the controller cannot make progress
	// until the spec (or the cluster) changes.
	ConditionStalled = "Stalled"
)

// Object is a resource with status conditions.
type Object interface {
	client.Object
	GetConditions() []metav1.Condition
	SetConditions([]metav1.Condition)
}

// SetCondition sets one condition for obj's current generation. Its
// lastTransitionTime changes only when its status does.
func SetCondition(obj Object, conditionType string, status bool, reason, message string) {
	s := metav1.ConditionFalse
	if status {
		s = metav1.ConditionTrue
	}
	conds := obj.GetConditions()
	meta.SetStatusCondition(&conds, metav1.Condition{
		Type: conditionType, Status: s, Reason: reason, Message: message, ObservedGeneration: obj.GetGeneration(),
	})
	obj.SetConditions(conds)
}

// RemoveCondition removes a condition from obj.
func RemoveCondition(obj Object, conditionType string) {
	conds := obj.GetConditions()
	if meta.RemoveStatusCondition(&conds, conditionType) {
		obj.SetConditions(conds)
	}
}

// IsConditionTrue reports whether obj has the condition with status True.
func IsConditionTrue(obj Object, conditionType string) bool {
	return meta.IsStatusConditionTrue(obj.GetConditions(), conditionType)
}

// MarkReconciling sets Reconciling True and removes Stalled: the
// controller is making progress.
func MarkReconciling(obj Object, reason, message string) {
	SetCondition(obj, ConditionReconciling, true, reason, message)
	RemoveCondition(obj, ConditionStalled)
}

// MarkStalled sets Stalled True and removes Reconciling: the controller
// waits for a change of the spec.
func MarkStalled(obj Object, reason, message string) {
	SetCondition(obj, ConditionStalled, true, reason, message)
	RemoveCondition(obj, ConditionReconciling)
}

// MarkSettled removes Reconciling and Stalled: the controller has nothing
// left to do for the current spec.
func MarkSettled(obj Object) {
	RemoveCondition(obj, ConditionReconciling)
	RemoveCondition(obj, ConditionStalled)
}

// MarkError records how a pass failed: Ready False, and Stalled for a
// stalling error or Reconciling for one that is retried, each with the
// error's reason (ReasonOf, or fallback) and message. It returns the
// reason.
func MarkError(obj Object, err error, fallback string) string {
	reason := ReasonOf(err, fallback)
	if IsStalling(err) {
		MarkStalled(obj, reason, err.Error())
	} else {
		MarkReconciling(obj, reason, err.Error())
	}
	SetCondition(obj, ConditionReady, false, reason, err.Error())
	return reason
}
