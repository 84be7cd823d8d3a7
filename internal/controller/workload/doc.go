// Package workload is the Workload controller: it turns each
// apps.wheelhouse.dev/v1alpha1 Workload into the Kubernetes workload it
// declares (Deployment, StatefulSet, DaemonSet, Job or CronJob) and the
// Service in front of it, keeps both as declared, and writes back a status
// derived from them.
//
// The reconciler follows the shape of cluster-api's and Flux's controllers
// on the shared kit (internal/controller/ctrlkit): get the object, snapshot
// it in a patch helper for one deferred status patch, then either
// reconcileDelete or a list of small phase methods (remove children of an
// old type, apply the child, apply the Service), and derive the status
// once, in the deferred function. Children are written with server-side
// apply under the field manager "wheelhouse" with a controller owner
// reference, so edits to the fields the Workload declares are undone, a
// deleted child is re-created when its watch event arrives, and Kubernetes'
// garbage collector deletes the children with their Workload: the
// controller puts no finalizer on Workloads (it removes the one older
// versions added, LegacyFinalizer).
//
// Writes that would change nothing are avoided behind one seam
// (writeCaches, off with Config.DisableWriteCaches): an apply is skipped
// when neither the Workload's wish nor the child changed since the last one
// and the child still carries the declared labels and annotations, which
// keeps steady-state reconciles free of writes, and a pass that follows the
// controller's own write starts from that write's answer while the informer
// cache lags. The status is not written while a brand-new child waits for
// its own controller's first status update (that update brings the next
// pass), and a status patch that conflicts with the controller's own
// previous write, not yet in the cache, is redone from a fresh read in the
// same pass.
//
// Setup adds the controller to a manager made by ctrlkit.NewManager; its
// metrics (DefaultMetrics) are registered once per process and labelled
// with the cluster, since the server runs one controller per member
// cluster.
package workload
