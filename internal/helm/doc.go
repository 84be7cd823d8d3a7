// Package helm runs Helm release operations against one member cluster
// through the Helm v4 Go SDK: install, upgrade (with a diff from a
// server-side dry run first), rollback, uninstall, history and status with
// the release's live resources and their readiness.
//
// Release state stays in Helm's own storage in the member cluster (the
// Secrets driver, one Secret per revision in the release's namespace,
// labelled owner=helm), so the helm CLI sees and can manage the releases
// Wheelhouse makes, and Wheelhouse those the CLI makes.
//
// A release is never left stuck: Helm refuses any operation on a release
// whose last revision is pending-install, pending-upgrade or
// pending-rollback ("another operation is in progress"), which is where a
// process killed in the middle of an operation leaves it. Unlock finds
// such releases and marks their pending revision failed, with a
// description that says why, so they can be upgraded or rolled back again
// (the unlock step of Flux's helm-controller). Releases pending by an
// operation this process is running are left alone, and so, for a grace
// period, are those another client (the helm CLI) may still be driving.
// Unlocker runs it once per cluster connection as a multicluster.Component.
package helm
