package drain

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// MirrorPodAnnotation marks a mirror pod: the API's reflection of a static
// pod that the kubelet runs from a file. Evicting it does nothing.
const MirrorPodAnnotation = corev1.MirrorPodAnnotationKey

// Reasons a pod is refused or skipped; ReasonDaemonSet is a format taking
// the DaemonSet's name.
const (
	ReasonDaemonSet  = "managed by DaemonSet %s; set ignoreDaemonSets to leave it in place"
	ReasonEmptyDir   = "uses emptyDir volumes whose data would be lost; set deleteEmptyDirData to evict it"
	ReasonNoOwner    = "has no controller to recreate it; set force to delete it"
	ReasonMirror     = "mirror pod of a static pod; the kubelet owns it"
	ReasonDaemonLeft = "DaemonSet pod left in place (ignoreDaemonSets)"
)

// verdict is what a drain does with one pod.
type verdict int

const (
	evict verdict = iota
	skip
	refuse
)

// classify decides what happens to pod under opts, and why when it is not
// simply evicted. Several refusal reasons are joined with "; ".
func classify(pod *corev1.Pod, opts Options) (verdict, string) {
	if _, ok := pod.Annotations[MirrorPodAnnotation]; ok {
		return skip, ReasonMirror
	}
	if finished(pod) {
		return evict, ""
	}
	ctrl := metav1.GetControllerOf(pod)
	var reasons []string
	if ctrl != nil && ctrl.Kind == "DaemonSet" {
		if opts.IgnoreDaemonSets {
			return skip, ReasonDaemonLeft
		}
		reasons = append(reasons, fmt.Sprintf(ReasonDaemonSet, ctrl.Name))
	}
	if hasEmptyDir(pod) && !opts.DeleteEmptyDirData {
		reasons = append(reasons, ReasonEmptyDir)
	}
	if ctrl == nil && !opts.Force {
		reasons = append(reasons, ReasonNoOwner)
	}
	if len(reasons) > 0 {
		return refuse, strings.Join(reasons, "; ")
	}
	return evict, ""
}

func finished(pod *corev1.Pod) bool {
	return pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed
}

func hasEmptyDir(pod *corev1.Pod) bool {
	for _, v := range pod.Spec.Volumes {
		if v.EmptyDir != nil {
			return true
		}
	}
	return false
}
