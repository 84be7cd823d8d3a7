package helm

import (
	"context"
	"errors"
	"fmt"
	"time"

	"helm.sh/helm/v4/pkg/action"
)

// RollbackOptions say which revision a release goes back to.
type RollbackOptions struct {
	Namespace string
	Name      string
	// Revision to roll back to; 0 is the one before the last.
	Revision int
	Wait     bool
	Timeout  time.Duration
}

// Rollback writes a new revision of the release with the manifest and
// values of opts.Revision, and applies it.
func (c *Client) Rollback(ctx context.Context, opts RollbackOptions) (*Release, error) {
	if opts.Namespace == "" || opts.Name == "" {
		return nil, errors.New("rollback: no namespace or release name")
	}
	if opts.Revision < 0 {
		return nil, fmt.Errorf("rollback: revision %d: must be positive", opts.Revision)
	}
	done, err := c.begin(opts.Namespace, opts.Name, "rollback")
	if err != nil {
		return nil, err
	}
	defer done()
	ac, err := c.actionConfig(opts.Namespace)
	if err != nil {
		return nil, err
	}
	cur, err := last(ac, opts.Namespace, opts.Name)
	if err != nil {
		return nil, err
	}
	// Helm rolls back a pending release (and leaves the pending revision
	// as it is): refuse it as Helm's upgrade does, since another client
	// may still be driving it. Unlock frees the interrupted ones.
	if cur.Info.Status.IsPending() {
		return nil, fmt.Errorf("rollback %s/%s: revision %d is %s: %w", opts.Namespace, opts.Name, cur.Version, cur.Info.Status, ErrPending)
	}
	if opts.Revision > 0 {
		if _, err := ac.Releases.Get(opts.Name, opts.Revision); err != nil {
			return nil, notFound(err, fmt.Sprintf("revision %d of %s/%s", opts.Revision, opts.Namespace, opts.Name))
		}
	}
	rb := action.NewRollback(ac)
	rb.Version = opts.Revision
	rb.Timeout = timeout(opts.Timeout)
	rb.WaitStrategy = waitStrategy(opts.Wait)
	rb.MaxHistory = c.cfg.MaxHistory
	rb.ServerSideApply = "auto"
	c.cfg.Logger.Info("Rolling back release", "namespace", opts.Namespace, "release", opts.Name, "revision", opts.Revision)
	if err := rb.Run(opts.Name); err != nil {
		return nil, fmt.Errorf("rollback %s/%s: %w", opts.Namespace, opts.Name, pending(err))
	}
	rel, err := last(ac, opts.Namespace, opts.Name)
	if err != nil {
		return nil, err
	}
	return view(rel), nil
}
