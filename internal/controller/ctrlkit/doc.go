// Package ctrlkit is what Wheelhouse's controllers share, so each
// reconciler holds only what is its own: the manager and scheme setup used
// by `wheelhouse operator` and by the server's per-cluster host
// (NewManager), a patch helper that writes what a pass changed once, at
// its end (PatchHelper), finalizers written at once (EnsureFinalizer,
// RemoveFinalizer), result merging (MergeResults, Outcome, RunPhases),
// events in Succeeded/Failed pairs (Recorder), errors that carry their
// reason and say whether a retry can help (Stalling, Generic), the kstatus
// conditions Ready, Reconciling and Stalled (MarkReconciling, MarkStalled,
// MarkError), and reconcile metrics labelled with the member cluster
// (ReconcileMetrics).
//
// The shapes follow cluster-api's util/patch and util/finalizers and
// Flux's pkg/runtime (patch.SerialPatcher, conditions, serror): a
// reconciler gets its object, snapshots it in a PatchHelper, defers one
// Patch, runs its phases with RunPhases, and records the outcome in its
// conditions with MarkError or its own summary.
//
// The name is not "runtime" or "reconcile" so that it never shadows
// apimachinery's runtime or controller-runtime's reconcile package, which
// reconcilers import next to it.
package ctrlkit
