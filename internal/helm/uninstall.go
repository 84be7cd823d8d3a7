package helm

import (
	"context"
	"errors"
	"fmt"
	"time"

	"helm.sh/helm/v4/pkg/action"
)

// UninstallOptions say which release to remove.
type UninstallOptions struct {
	Namespace string
	Name      string
	// KeepHistory keeps the release's revisions (status uninstalled).
	KeepHistory bool
	// Wait waits, up to Timeout, until the objects are gone.
	Wait    bool
	Timeout time.Duration
}

// Uninstall deletes the release's objects (but those its chart marks
// helm.sh/resource-policy: keep) and, unless asked to keep it, its history.
//
// Helm's uninstall takes no context: it is bounded by opts.Timeout.
func (c *Client) Uninstall(_ context.Context, opts UninstallOptions) error {
	if opts.Namespace == "" || opts.Name == "" {
		return errors.New("uninstall: no namespace or release name")
	}
	done, err := c.begin(opts.Namespace, opts.Name, "uninstall")
	if err != nil {
		return err
	}
	defer done()
	ac, err := c.actionConfig(opts.Namespace)
	if err != nil {
		return err
	}
	if _, err := last(ac, opts.Namespace, opts.Name); err != nil {
		return err
	}
	un := action.NewUninstall(ac)
	un.KeepHistory = opts.KeepHistory
	un.Timeout = timeout(opts.Timeout)
	un.WaitStrategy = waitStrategy(opts.Wait)
	un.DeletionPropagation = "background"
	c.cfg.Logger.Info("Uninstalling release", "namespace", opts.Namespace, "release", opts.Name)
	if _, err := un.Run(opts.Name); err != nil {
		return fmt.Errorf("uninstall %s/%s: %w", opts.Namespace, opts.Name, err)
	}
	return nil
}
