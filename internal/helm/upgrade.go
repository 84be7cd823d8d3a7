package helm

import (
	"context"
	"errors"
	"fmt"
	"time"

	"helm.sh/helm/v4/pkg/action"
	chart "helm.sh/helm/v4/pkg/chart/v2"
	release "helm.sh/helm/v4/pkg/release/v1"
)

// UpgradeOptions say what a release becomes.
type UpgradeOptions struct {
	Namespace string
	Name      string
	// Chart is the chart to upgrade to (the same or another version).
	Chart *chart.Chart
	// Values are the user's new overrides; they replace the release's
	// (only what differs from the chart's defaults is kept). Nil keeps
	// the release's overrides as they are, over the new chart's defaults.
	Values  map[string]any
	Wait    bool
	Timeout time.Duration
	// Description of the revision; default Helm's "Upgrade complete".
	Description string
	// Labels are added to the revision (Helm keeps them on its storage
	// Secret), for example where the chart came from.
	Labels map[string]string
}

// Plan is what an upgrade would change, from a server-side dry run.
type Plan struct {
	// Current is the release as it runs (its last revision).
	Current *Release
	// Next is the revision the upgrade would write, its manifest rendered
	// against the cluster (templates' lookups see live objects).
	Next *Release
	// Diff is per object, in the order of the manifests, only the objects
	// that change.
	Diff []ObjectDiff
}

// PlanUpgrade renders the upgrade with a server-side dry run and diffs its
// manifest against the running release's, without changing anything.
func (c *Client) PlanUpgrade(ctx context.Context, opts UpgradeOptions) (*Plan, error) {
	ac, up, vals, err := c.upgradeAction(opts)
	if err != nil {
		return nil, err
	}
	current, err := last(ac, opts.Namespace, opts.Name)
	if err != nil {
		return nil, err
	}
	up.DryRunStrategy = action.DryRunServer
	r, err := up.RunWithContext(ctx, opts.Name, opts.Chart, vals)
	if err != nil {
		return nil, fmt.Errorf("dry run of the upgrade of %s/%s: %w", opts.Namespace, opts.Name, pending(err))
	}
	next, err := v1(r)
	if err != nil {
		return nil, err
	}
	return &Plan{
		Current: view(current),
		Next:    view(next),
		Diff:    DiffManifests(current.Manifest, next.Manifest),
	}, nil
}

// Upgrade upgrades the release to opts.Chart with opts.Values. A release
// whose last revision failed (an interrupted operation Unlock marked, a
// failed install kept for debugging) is upgraded the same way: that is the
// retry.
func (c *Client) Upgrade(ctx context.Context, opts UpgradeOptions) (*Release, error) {
	return c.upgrade(ctx, opts, false)
}

// upgrade is Upgrade; force takes every field the release sets from
// whichever manager changed it since (Repair).
func (c *Client) upgrade(ctx context.Context, opts UpgradeOptions, force bool) (*Release, error) {
	done, err := c.begin(opts.Namespace, opts.Name, "upgrade")
	if err != nil {
		return nil, err
	}
	defer done()
	ac, up, vals, err := c.upgradeAction(opts)
	if err != nil {
		return nil, err
	}
	up.ForceConflicts = force
	if _, err := last(ac, opts.Namespace, opts.Name); err != nil {
		return nil, err
	}
	c.cfg.Logger.Info("Upgrading release", "namespace", opts.Namespace, "release", opts.Name, "chart", opts.Chart.Name(), "version", opts.Chart.Metadata.Version)
	r, err := up.RunWithContext(ctx, opts.Name, opts.Chart, vals)
	if err != nil {
		return nil, fmt.Errorf("upgrade %s/%s: %w", opts.Namespace, opts.Name, pending(err))
	}
	rel, err := v1(r)
	if err != nil {
		return nil, err
	}
	return view(rel), nil
}

// upgradeAction validates opts and returns the Helm upgrade and the values
// to pass it.
func (c *Client) upgradeAction(opts UpgradeOptions) (*action.Configuration, *action.Upgrade, map[string]any, error) {
	if opts.Chart == nil {
		return nil, nil, nil, errors.New("upgrade: no chart")
	}
	if opts.Namespace == "" || opts.Name == "" {
		return nil, nil, nil, errors.New("upgrade: no namespace or release name")
	}
	ac, err := c.actionConfig(opts.Namespace)
	if err != nil {
		return nil, nil, nil, err
	}
	up := action.NewUpgrade(ac)
	up.Namespace = opts.Namespace
	up.ServerSideApply = "auto"
	up.Timeout = timeout(opts.Timeout)
	up.WaitStrategy = waitStrategy(opts.Wait)
	up.MaxHistory = c.cfg.MaxHistory
	up.Labels = labels(opts.Labels)
	up.Description = opts.Description
	var vals map[string]any
	if opts.Values == nil {
		// Keep the release's overrides, over the new chart's defaults.
		up.ResetThenReuseValues = true
		cur, err := last(ac, opts.Namespace, opts.Name)
		if err != nil {
			return nil, nil, nil, err
		}
		if err := ValidateValues(opts.Chart, cur.Config); err != nil {
			return nil, nil, nil, err
		}
	} else {
		up.ResetValues = true
		vals = Overrides(opts.Chart.Values, opts.Values)
		if err := ValidateValues(opts.Chart, vals); err != nil {
			return nil, nil, nil, err
		}
	}
	return ac, up, vals, nil
}

// last is the release's last revision, whatever its status.
func last(ac *action.Configuration, namespace, name string) (*release.Release, error) {
	r, err := ac.Releases.Last(name)
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("release %s/%s", namespace, name))
	}
	return v1(r)
}

// pending wraps Helm's "another operation is in progress" with ErrPending.
func pending(err error) error {
	if err != nil && containsPending(err.Error()) {
		return fmt.Errorf("%w: %w", ErrPending, err)
	}
	return err
}
