// Package workload is the Workload controller: it turns each
// apps.wheelhouse.dev/v1alpha1 Workload into the Kubernetes workload it
// declares (Deployment, StatefulSet, DaemonSet, Job or CronJob) and the
// Service in front of it, keeps both as declared, and writes back a status
// derived from them.
//
// The reconciler follows the shape of cluster-api's and Flux's controllers:
// get the object, ensure the finalizer, snapshot it for a deferred patch,
// then either reconcileDelete or a list of small phase methods (remove
// children of an old type, apply the child, apply the Service), and derive
// the status once, in the deferred function. Children are written with
// server-side apply under the field manager "wheelhouse" with a controller
// owner reference, so edits to the fields the Workload declares are undone
// and a deleted child is re-created when its watch event arrives. An apply
// is skipped when neither the Workload's wish nor the child changed since
// the last one (appliedCache) and the child still carries the declared
// labels and annotations, which keeps steady-state reconciles free of
// writes. The status is not written while a brand-new child waits for its
// own controller's first status update (that update brings the next pass),
// and a status patch that conflicts with the controller's own previous
// write, not yet in the cache, is redone from a fresh read in the same pass.
package workload
