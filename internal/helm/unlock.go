package helm

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	rcommon "helm.sh/helm/v4/pkg/release/common"
	release "helm.sh/helm/v4/pkg/release/v1"
	"helm.sh/helm/v4/pkg/storage/driver"
)

// pendingStatuses are those Helm refuses to operate on.
var pendingStatuses = []rcommon.Status{
	rcommon.StatusPendingInstall,
	rcommon.StatusPendingUpgrade,
	rcommon.StatusPendingRollback,
}

// Unlocked is a release Unlock marked failed.
type Unlocked struct {
	Namespace string
	Name      string
	Revision  int
	// Was is the pending status it had.
	Was string
}

// Unlock finds the releases of the cluster whose last revision is pending
// (an install, upgrade or rollback that never finished: the process driving
// it died) and marks that revision failed, with a description saying so,
// so that the release can be upgraded, rolled back or uninstalled again.
//
// Left alone: releases with an operation of this Client running, and
// releases pending by another client (revisions not written by Wheelhouse)
// for less than the grace period, since that client may still be at work.
// A revision written by Wheelhouse is pending only while this process
// drives it, so it is unlocked at once.
func (c *Client) Unlock(ctx context.Context) ([]Unlocked, error) {
	d := driver.NewSecrets(c.kube.CoreV1().Secrets(""))
	d.SetLogger(c.cfg.Logger.Handler())
	var out []Unlocked
	var errs []error
	for _, st := range pendingStatuses {
		found, err := d.Query(map[string]string{"owner": "helm", "status": st.String()})
		if errors.Is(err, driver.ErrReleaseNotFound) {
			continue
		}
		if err != nil {
			return out, fmt.Errorf("find %s releases: %w", st, err)
		}
		rels, err := v1List(found)
		if err != nil {
			return out, err
		}
		for _, r := range rels {
			if err := ctx.Err(); err != nil {
				return out, err
			}
			u, err := c.unlockOne(r)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if u != nil {
				out = append(out, *u)
			}
		}
	}
	return out, errors.Join(errs...)
}

// unlockOne marks r failed if it is the release's last revision and no one
// may still be driving it.
func (c *Client) unlockOne(r *release.Release) (*Unlocked, error) {
	if c.isBusy(r.Namespace, r.Name) {
		return nil, nil
	}
	ac, err := c.actionConfig(r.Namespace)
	if err != nil {
		return nil, err
	}
	latest, err := last(ac, r.Namespace, r.Name)
	if err != nil {
		return nil, err
	}
	isLast := latest.Version == r.Version
	if isLast {
		if !latest.Info.Status.IsPending() {
			return nil, nil // the operation finished since the query
		}
		r = latest
	}
	// Otherwise r is an older revision left pending, which a later
	// operation moved past: it blocks nothing, but is marked failed too so
	// that its history does not show it in progress.
	by := "Wheelhouse"
	if r.Labels[LabelManagedBy] != managedByValue {
		by = "another client"
		if age := time.Since(r.Info.LastDeployed); isLast && age < c.cfg.UnlockGrace {
			c.cfg.Logger.Info("Release pending by another client, left alone for now", "namespace", r.Namespace, "release", r.Name, "revision", r.Version, "status", r.Info.Status.String(), "pendingFor", age.Round(time.Second).String())
			return nil, nil
		}
	}
	was := r.Info.Status
	r.SetStatus(rcommon.StatusFailed, fmt.Sprintf(
		"Marked failed by Wheelhouse: the %s started %s by %s was interrupted before it finished (the process driving it stopped); upgrade or roll back to continue",
		operationOf(was), r.Info.LastDeployed.UTC().Format(time.RFC3339), by))
	if err := ac.Releases.Update(r); err != nil {
		return nil, fmt.Errorf("mark %s/%s revision %d failed: %w", r.Namespace, r.Name, r.Version, err)
	}
	c.cfg.Logger.Warn("Release left pending by an interrupted operation marked failed", "namespace", r.Namespace, "release", r.Name, "revision", r.Version, "was", was.String())
	return &Unlocked{Namespace: r.Namespace, Name: r.Name, Revision: r.Version, Was: was.String()}, nil
}

func operationOf(s rcommon.Status) string {
	switch s {
	case rcommon.StatusPendingInstall:
		return "install"
	case rcommon.StatusPendingUpgrade:
		return "upgrade"
	case rcommon.StatusPendingRollback:
		return "rollback"
	}
	return "operation"
}

// containsPending tells Helm's "another operation (install/upgrade/
// rollback) is in progress" error, which Helm does not export.
func containsPending(msg string) bool {
	return strings.Contains(msg, "another operation (install/upgrade/rollback) is in progress")
}
