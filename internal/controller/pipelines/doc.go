// Package pipelines runs the pipelines of the devops.wheelhouse.dev API
// group in the management cluster: the execution controller (queueing
// under the project's executor quota, giving up executions whose engine
// stopped renewing its lease, timeouts as a backstop, aborts of executions
// not yet running, notifications, the pipeline's summary of its last
// execution), the pipeline controller (cron triggers), the trigger that
// turns a push, a cron tick or a user's request into a PipelineExecution,
// and the runner that carries an admitted execution through its stages on
// an engine (internal/pipeline/local today).
//
// Never stuck: the runner holds a lease on each execution it runs
// (status.lease) and renews it; when a runner dies with its server, the
// execution controller of the next server (or of this one, restarted)
// finds the lease lapsed and fails the execution, naming the holder and
// when it was last heard of, and seals its logs so that no reader waits. An
// execution admitted but not yet started (Pending without a lease) is
// adopted and run. The quota is counted from the executions themselves,
// so it holds across restarts.
//
// The package is named pipelines because internal/pipeline is the
// pipeline file's package, which this one imports.
package pipelines
