package helm

import (
	"context"
	"errors"
	"fmt"
	"time"

	"helm.sh/helm/v4/pkg/action"
	chart "helm.sh/helm/v4/pkg/chart/v2"
	chartutil "helm.sh/helm/v4/pkg/chart/v2/util"
	"helm.sh/helm/v4/pkg/kube"
	rcommon "helm.sh/helm/v4/pkg/release/common"
	"helm.sh/helm/v4/pkg/storage/driver"
)

// InstallOptions say what to install where.
type InstallOptions struct {
	Namespace string
	Name      string
	Chart     *chart.Chart
	// Values override the chart's defaults; only what differs from them
	// is kept (Overrides).
	Values map[string]any
	// CreateNamespace creates Namespace when missing.
	CreateNamespace bool
	// Wait waits, up to Timeout, until every object of the release is
	// ready by kstatus (Helm's status watcher).
	Wait    bool
	Timeout time.Duration
	// KeepFailed keeps a failed install (its objects and its failed
	// revision) for debugging; by default a failed install is uninstalled.
	KeepFailed bool
	// Description of the revision; default Helm's "Install complete".
	Description string
	// Labels are added to the revision (Helm keeps them on its storage
	// Secret), for example where the chart came from.
	Labels map[string]string
}

func (o *InstallOptions) validate() error {
	if o.Chart == nil {
		return errors.New("install: no chart")
	}
	if o.Namespace == "" {
		return errors.New("install: no namespace")
	}
	if err := chartutil.ValidateReleaseName(o.Name); err != nil {
		return fmt.Errorf("install: release name %q: %w", o.Name, err)
	}
	return nil
}

// Install installs a release of opts.Chart. Values that break the chart's
// schema are refused (ErrInvalidValues) and a name in use too (ErrExists),
// before anything is written.
func (c *Client) Install(ctx context.Context, opts InstallOptions) (*Release, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	overrides := Overrides(opts.Chart.Values, opts.Values)
	if err := ValidateValues(opts.Chart, overrides); err != nil {
		return nil, err
	}
	done, err := c.begin(opts.Namespace, opts.Name, "install")
	if err != nil {
		return nil, err
	}
	defer done()

	ac, err := c.actionConfig(opts.Namespace)
	if err != nil {
		return nil, err
	}
	reuse, err := nameFree(ac, opts.Namespace, opts.Name)
	if err != nil {
		return nil, err
	}
	in := action.NewInstall(ac)
	in.Namespace = opts.Namespace
	in.ReleaseName = opts.Name
	in.CreateNamespace = opts.CreateNamespace
	// A name whose release was uninstalled with its history kept: the new
	// install continues that history.
	in.Replace = reuse
	in.ServerSideApply = true
	in.Timeout = timeout(opts.Timeout)
	in.WaitStrategy = waitStrategy(opts.Wait)
	in.Labels = labels(opts.Labels)
	in.Description = opts.Description
	c.cfg.Logger.Info("Installing release", "namespace", opts.Namespace, "release", opts.Name, "chart", opts.Chart.Name(), "version", opts.Chart.Metadata.Version)
	r, err := in.RunWithContext(ctx, opts.Chart, overrides)
	if err != nil {
		err = fmt.Errorf("install %s/%s: %w", opts.Namespace, opts.Name, err)
		if !opts.KeepFailed {
			// Not Helm's rollback-on-failure: it would turn waiting on.
			err = c.removeFailedInstall(ac, opts, err)
		}
		return nil, err
	}
	rel, err := v1(r)
	if err != nil {
		return nil, err
	}
	return view(rel), nil
}

// removeFailedInstall uninstalls what a failed install left, so that
// nothing half-installed stays behind.
func (c *Client) removeFailedInstall(ac *action.Configuration, opts InstallOptions, cause error) error {
	if _, err := ac.Releases.History(opts.Name); errors.Is(err, driver.ErrReleaseNotFound) {
		return cause
	}
	un := action.NewUninstall(ac)
	un.Timeout = timeout(opts.Timeout)
	un.WaitStrategy = kube.HookOnlyStrategy
	un.IgnoreNotFound = true
	if _, err := un.Run(opts.Name); err != nil {
		return fmt.Errorf("%w (and removing what it left failed: %v)", cause, err)
	}
	return fmt.Errorf("%w (what it left was removed)", cause)
}

// nameFree refuses a name with a release that is not uninstalled (Helm
// refuses it too, later and less clearly); reuse says the name has a
// history of uninstalled revisions.
func nameFree(ac *action.Configuration, namespace, name string) (reuse bool, err error) {
	h, err := ac.Releases.History(name)
	if errors.Is(err, driver.ErrReleaseNotFound) || (err == nil && len(h) == 0) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("history of %s/%s: %w", namespace, name, err)
	}
	rels, err := v1List(h)
	if err != nil {
		return false, err
	}
	for _, r := range rels {
		if r.Info != nil && r.Info.Status != rcommon.StatusUninstalled {
			return false, fmt.Errorf("release %s/%s (revision %d, %s): %w", namespace, name, r.Version, r.Info.Status, ErrExists)
		}
	}
	return true, nil
}

func timeout(d time.Duration) time.Duration {
	if d <= 0 {
		return DefaultTimeout
	}
	return d
}

// waitStrategy is kstatus waiting (Helm's status watcher) when asked,
// otherwise waiting for hooks only.
func waitStrategy(wait bool) kube.WaitStrategy {
	if wait {
		return kube.StatusWatcherStrategy
	}
	return kube.HookOnlyStrategy
}
