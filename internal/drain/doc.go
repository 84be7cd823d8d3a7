// Package drain empties a node of its pods the way `kubectl drain` does:
// it cordons the node, decides which pods may go, and evicts them through
// the Eviction API (policy/v1) so that PodDisruptionBudgets are honoured.
//
// Which pods go:
//   - mirror pods (static pods the kubelet reflects into the API) cannot be
//     evicted and are skipped;
//   - DaemonSet pods would be recreated on the node at once; they are
//     refused unless IgnoreDaemonSets, which leaves them in place;
//   - pods with emptyDir volumes lose that data; they are refused unless
//     DeleteEmptyDirData;
//   - pods without a controller would not be recreated anywhere; they are
//     refused unless Force;
//   - pods that have already finished (Succeeded, Failed) go regardless.
//
// As in kubectl, one refused pod stops the drain before anything is
// evicted: the drain fails, lists every refused pod with why, and the node
// stays cordoned. An eviction answered with 429 Too Many Requests is blocked
// by a PodDisruptionBudget; it is retried until the drain's timeout, after
// which the drain fails and lists the pods that could not be evicted with
// the last reason given.
//
// A Tracker runs drains in the background, one drain per node at a time,
// and keeps each drain's record on its node, in the Annotation
// wheelhouse.dev/drain: set in the same patch as the cordon, so a node is
// never cordoned by a drain without a record saying who drains it, and
// updated as the drain progresses and when it ends. The record is kept on
// the node rather than in the server's database because it belongs to the
// node: it goes when the node goes, it is there for whichever process
// connects to the cluster next (even one using another database), cordon
// and record are one atomic write, and `kubectl get node -o yaml` shows it.
//
// A process that stops mid-drain leaves the record saying Running; the
// next one takes the drain up again with Tracker.ResumeAll when the
// cluster's connection comes up, for the time left before the drain's
// timeout, or ends it as Interrupted when that time has passed. The
// Tracker is a multicluster.Component that does this for every connection,
// and stops a cluster's drains when its connection closes, so that they
// go on with the next connection's credentials. Writes of
// the record are conditional on the record being the one the run last
// wrote, so a run whose record was replaced (a new drain, another process
// that resumed it) or removed stops instead of competing.
package drain
