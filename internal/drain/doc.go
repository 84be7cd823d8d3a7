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
// A Tracker runs drains in the background and keeps their progress in
// memory, one drain per node at a time. Progress does not survive a restart
// of the process: a node whose drain was interrupted stays cordoned and a
// new drain can be started.
package drain
