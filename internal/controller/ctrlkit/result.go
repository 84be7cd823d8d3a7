package ctrlkit

import (
	"context"
	"errors"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

// MergeResults merges the results of a pass's parts: the soonest non-zero
// RequeueAfter wins, so that no part waits longer than it asked.
func MergeResults(results ...ctrl.Result) ctrl.Result {
	var out ctrl.Result
	for _, r := range results {
		if r.RequeueAfter > 0 && (out.RequeueAfter == 0 || r.RequeueAfter < out.RequeueAfter) {
			out.RequeueAfter = r.RequeueAfter
		}
	}
	return out
}

// Outcome gathers the results and errors of a pass's parts (its phases,
// then its deferred status patch) into what Reconcile returns.
type Outcome struct {
	result ctrl.Result
	errs   []error
}

// Add records one part's result and error.
func (o *Outcome) Add(result ctrl.Result, err error) {
	o.result = MergeResults(o.result, result)
	if err != nil {
		o.errs = append(o.errs, err)
	}
}

// Result is what Reconcile returns: the merged result and the errors
// joined. controller-runtime ignores the result when there is an error and
// does not retry a terminal one (reconcile.TerminalError). When a terminal
// error comes with an error that a retry can fix (the stalled state could
// not be written, say), the joined error is not terminal: the pass is
// retried, and the terminal errors keep only their messages.
func (o *Outcome) Result() (ctrl.Result, error) {
	if len(o.errs) == 0 {
		return o.result, nil
	}
	retriable := false
	for _, err := range o.errs {
		if !errors.Is(err, reconcile.TerminalError(nil)) {
			retriable = true
		}
	}
	if !retriable {
		return ctrl.Result{}, errors.Join(o.errs...)
	}
	errs := make([]error, len(o.errs))
	for i, err := range o.errs {
		if errors.Is(err, reconcile.TerminalError(nil)) {
			err = errors.New(err.Error())
		}
		errs[i] = err
	}
	return ctrl.Result{}, errors.Join(errs...)
}

// Phase is one step of a reconciliation over its scope S (the object and
// what the pass learns on its way).
type Phase[S any] func(ctx context.Context, s S) (ctrl.Result, error)

// RunPhases runs phases in order and stops at the first error, which it
// returns with that phase's result; otherwise it returns the merged
// results.
func RunPhases[S any](ctx context.Context, s S, phases ...Phase[S]) (ctrl.Result, error) {
	var result ctrl.Result
	for _, p := range phases {
		res, err := p(ctx, s)
		if err != nil {
			return res, err
		}
		result = MergeResults(result, res)
	}
	return result, nil
}
