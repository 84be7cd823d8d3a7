package workload

import (
	"strings"

	corev1 "k8s.io/api/core/v1"

	appsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/apps/v1alpha1"
	"github.com/wheelhouse-dev/wheelhouse/internal/controller/ctrlkit"
)

// The controller's events, in pairs (reason constants of the API package).
var (
	// applyEvents: writing the child.
	applyEvents = ctrlkit.EventPair{Succeeded: appsv1alpha1.EventApplySucceeded, Failed: appsv1alpha1.EventApplyFailed}
	// serviceApplyEvents: writing the Service.
	serviceApplyEvents = ctrlkit.EventPair{Succeeded: appsv1alpha1.EventServiceApplySucceeded, Failed: appsv1alpha1.EventServiceApplyFailed}
	// cleanupEvents: deleting what the Workload no longer wants.
	cleanupEvents = ctrlkit.EventPair{Succeeded: appsv1alpha1.EventCleanupSucceeded, Failed: appsv1alpha1.EventCleanupFailed}
)

// reportCreated records one event for what the pass created: "Created
// Deployment web and Service web" (reason ApplySucceeded, about the child)
// for a new Workload, or the one object's own event when only the child
// (ApplySucceeded) or only the Service (ServiceApplySucceeded) is new. One
// event instead of one per object: every event is a write to the API
// server, and a new Workload is the case that comes in bursts.
func (r *Reconciler) reportCreated(s *scope) {
	if len(s.created) == 0 {
		return
	}
	names := make([]string, 0, len(s.created))
	pair := serviceApplyEvents
	for _, obj := range s.created {
		names = append(names, kindOf(obj)+" "+obj.GetName())
		if _, ok := obj.(*corev1.Service); !ok {
			pair = applyEvents
		}
	}
	r.events.Succeeded(s.workload, s.created[0], pair, "Apply", "Created %s", strings.Join(names, " and "))
	s.created = nil
}
