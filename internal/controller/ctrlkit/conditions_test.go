package ctrlkit

import (
	"errors"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	appsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/apps/v1alpha1"
)

// TestConditionNames: the API package declares the kstatus names the kit
// sets.
func TestConditionNames(t *testing.T) {
	g := NewWithT(t)
	g.Expect(appsv1alpha1.ConditionReady).To(Equal(ConditionReady))
	g.Expect(appsv1alpha1.ConditionReconciling).To(Equal(ConditionReconciling))
	g.Expect(appsv1alpha1.ConditionStalled).To(Equal(ConditionStalled))
}

func TestMarkConditions(t *testing.T) {
	type want struct {
		ready       *metav1.ConditionStatus
		readyReason string
		reconciling bool
		stalled     bool
		reason      string
	}
	isFalse := metav1.ConditionFalse
	tests := []struct {
		name  string
		start func(*appsv1alpha1.Workload)
		mark  func(*appsv1alpha1.Workload)
		want  want
	}{{
		name: "reconciling replaces stalled",
		start: func(w *appsv1alpha1.Workload) {
			MarkStalled(w, "InvalidSpec", "bad")
		},
		mark: func(w *appsv1alpha1.Workload) { MarkReconciling(w, "RollingOut", "1/3 ready") },
		want: want{reconciling: true, reason: "RollingOut"},
	}, {
		name:  "stalled replaces reconciling",
		start: func(w *appsv1alpha1.Workload) { MarkReconciling(w, "RollingOut", "1/3 ready") },
		mark:  func(w *appsv1alpha1.Workload) { MarkStalled(w, "JobFailed", "failed") },
		want:  want{stalled: true, reason: "JobFailed"},
	}, {
		name: "settled removes both",
		start: func(w *appsv1alpha1.Workload) {
			SetCondition(w, ConditionReconciling, true, "RollingOut", "")
			SetCondition(w, ConditionStalled, true, "JobFailed", "")
		},
		mark: func(w *appsv1alpha1.Workload) { MarkSettled(w) },
	}, {
		name:  "a retried error reconciles",
		start: func(w *appsv1alpha1.Workload) { MarkStalled(w, "InvalidSpec", "bad") },
		mark: func(w *appsv1alpha1.Workload) {
			MarkError(w, Generic("ApplyFailed", errors.New("connection refused")), "Fallback")
		},
		want: want{ready: &isFalse, readyReason: "ApplyFailed", reconciling: true, reason: "ApplyFailed"},
	}, {
		name:  "a stalling error stalls",
		start: func(w *appsv1alpha1.Workload) { MarkReconciling(w, "RollingOut", "") },
		mark: func(w *appsv1alpha1.Workload) {
			MarkError(w, Stalling("InvalidSpec", errors.New("bad")), "Fallback")
		},
		want: want{ready: &isFalse, readyReason: "InvalidSpec", stalled: true, reason: "InvalidSpec"},
	}, {
		name: "an error without a reason takes the fallback",
		mark: func(w *appsv1alpha1.Workload) { MarkError(w, errors.New("boom"), "Fallback") },
		want: want{ready: &isFalse, readyReason: "Fallback", reconciling: true, reason: "Fallback"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := NewWithT(t)
			w := newWorkload()
			if tt.start != nil {
				tt.start(w)
			}
			tt.mark(w)
			conds := w.Status.Conditions
			g.Expect(IsConditionTrue(w, ConditionReconciling)).To(Equal(tt.want.reconciling))
			g.Expect(IsConditionTrue(w, ConditionStalled)).To(Equal(tt.want.stalled))
			if !tt.want.reconciling {
				g.Expect(meta.FindStatusCondition(conds, ConditionReconciling)).To(BeNil(), "abnormal-true: absent when False")
			}
			if !tt.want.stalled {
				g.Expect(meta.FindStatusCondition(conds, ConditionStalled)).To(BeNil(), "abnormal-true: absent when False")
			}
			for _, ct := range []string{ConditionReconciling, ConditionStalled} {
				if c := meta.FindStatusCondition(conds, ct); c != nil {
					g.Expect(c.Reason).To(Equal(tt.want.reason))
					g.Expect(c.ObservedGeneration).To(Equal(w.Generation))
				}
			}
			ready := meta.FindStatusCondition(conds, ConditionReady)
			if tt.want.ready == nil {
				g.Expect(ready).To(BeNil())
			} else {
				g.Expect(ready.Status).To(Equal(*tt.want.ready))
				g.Expect(ready.Reason).To(Equal(tt.want.readyReason))
			}
		})
	}
}

// TestSetConditionKeepsTransitionTime: a condition set again with the
// same status keeps when it last changed.
func TestSetConditionKeepsTransitionTime(t *testing.T) {
	g := NewWithT(t)
	w := newWorkload()
	SetCondition(w, ConditionReady, false, "RollingOut", "0/1")
	first := metav1.NewTime(time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC))
	w.Status.Conditions[0].LastTransitionTime = first
	SetCondition(w, ConditionReady, false, "RollingOut", "0/2")
	c := meta.FindStatusCondition(w.Status.Conditions, ConditionReady)
	g.Expect(c.LastTransitionTime).To(Equal(first))
	g.Expect(c.Message).To(Equal("0/2"))
	RemoveCondition(w, ConditionReady)
	g.Expect(w.Status.Conditions).To(BeEmpty())
}
