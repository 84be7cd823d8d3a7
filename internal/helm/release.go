package helm

import (
	"fmt"
	"time"

	chart "helm.sh/helm/v4/pkg/chart/v2"
	ri "helm.sh/helm/v4/pkg/release"
	release "helm.sh/helm/v4/pkg/release/v1"
)

// Release is one revision of a release, as Helm's storage records it.
type Release struct {
	Name      string
	Namespace string
	Revision  int
	// Status is Helm's: deployed, failed, superseded, uninstalled,
	// uninstalling, pending-install, pending-upgrade, pending-rollback.
	Status      string
	Description string
	Chart       string
	Version     string
	AppVersion  string
	// Values are the user's overrides of the chart's defaults.
	Values        map[string]any
	FirstDeployed time.Time
	LastDeployed  time.Time
	Notes         string
	// Manifest is the rendered manifest (every object, hooks excluded).
	Manifest string
	// ManagedByWheelhouse: the revision was written by Wheelhouse (not
	// the helm CLI or another client).
	ManagedByWheelhouse bool
	// Labels are the revision's labels (Helm keeps them on its storage
	// Secret): Wheelhouse's say where the chart came from.
	Labels map[string]string
	// Source is the chart the revision was made from, as Helm stored it:
	// an upgrade that changes only values uses it again.
	Source *chart.Chart
}

func view(r *release.Release) *Release {
	v := &Release{
		Name:                r.Name,
		Namespace:           r.Namespace,
		Revision:            r.Version,
		Values:              r.Config,
		Manifest:            r.Manifest,
		ManagedByWheelhouse: r.Labels[LabelManagedBy] == managedByValue,
		Labels:              r.Labels,
		Source:              r.Chart,
	}
	if r.Info != nil {
		v.Status = r.Info.Status.String()
		v.Description = r.Info.Description
		v.FirstDeployed = r.Info.FirstDeployed
		v.LastDeployed = r.Info.LastDeployed
		v.Notes = r.Info.Notes
	}
	if r.Chart != nil && r.Chart.Metadata != nil {
		v.Chart = r.Chart.Metadata.Name
		v.Version = r.Chart.Metadata.Version
		v.AppVersion = r.Chart.Metadata.AppVersion
	}
	return v
}

// v1 converts what Helm's actions return to the v1 release type, the
// only one Helm v4 writes.
func v1(r ri.Releaser) (*release.Release, error) {
	switch rel := r.(type) {
	case *release.Release:
		return rel, nil
	case release.Release:
		return &rel, nil
	case nil:
		return nil, fmt.Errorf("no release returned")
	}
	return nil, fmt.Errorf("unsupported release type %T", r)
}

func v1List(rs []ri.Releaser) ([]*release.Release, error) {
	out := make([]*release.Release, 0, len(rs))
	for _, r := range rs {
		rel, err := v1(r)
		if err != nil {
			return nil, err
		}
		out = append(out, rel)
	}
	return out, nil
}

// labels are the labels of a revision Wheelhouse writes: extra (where the
// chart came from) and the managed-by mark.
func labels(extra map[string]string) map[string]string {
	out := map[string]string{LabelManagedBy: managedByValue}
	for k, v := range extra {
		out[k] = v
	}
	return out
}
