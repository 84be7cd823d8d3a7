package helm

import (
	"bytes"
	"context"
	"fmt"

	"helm.sh/helm/v4/pkg/action"
)

// Object names one object of a release's manifest the way the API server
// knows it: what an authorizer needs to decide whether a user may write
// it.
type Object struct {
	Group     string
	Version   string
	Kind      string
	Resource  string
	Namespace string
	Name      string
}

// Objects returns the objects of manifest, a release's (or a rendered
// one's), with the resources the cluster serves their kinds as. An object
// of a kind the cluster does not know is an error naming it.
func (c *Client) Objects(namespace, manifest string) ([]Object, error) {
	ac, err := c.actionConfig(namespace)
	if err != nil {
		return nil, err
	}
	infos, err := ac.KubeClient.Build(bytes.NewBufferString(manifest), false)
	if err != nil {
		return nil, fmt.Errorf("objects of the manifest: %w", err)
	}
	out := make([]Object, 0, len(infos))
	for _, info := range infos {
		m := info.Mapping
		out = append(out, Object{Group: m.Resource.Group, Version: m.Resource.Version, Kind: m.GroupVersionKind.Kind,
			Resource: m.Resource.Resource, Namespace: info.Namespace, Name: info.Name})
	}
	return out, nil
}

// RenderInstall renders what Install would write and returns its
// manifest. It checks the values and the name as Install does and writes
// nothing.
func (c *Client) RenderInstall(ctx context.Context, opts InstallOptions) (string, error) {
	if err := opts.validate(); err != nil {
		return "", err
	}
	overrides := Overrides(opts.Chart.Values, opts.Values)
	if err := ValidateValues(opts.Chart, overrides); err != nil {
		return "", err
	}
	ac, err := c.actionConfig(opts.Namespace)
	if err != nil {
		return "", err
	}
	reuse, err := nameFree(ac, opts.Namespace, opts.Name)
	if err != nil {
		return "", err
	}
	in := action.NewInstall(ac)
	in.Namespace = opts.Namespace
	in.ReleaseName = opts.Name
	in.Replace = reuse
	// Rendered in the process (Helm's client dry run): what an
	// authorizer needs, the objects' kinds and names, without a second
	// round of API calls before the install makes them; the API server's
	// own checks come with the install.
	in.DryRunStrategy = action.DryRunClient
	r, err := in.RunWithContext(ctx, opts.Chart, overrides)
	if err != nil {
		return "", fmt.Errorf("dry run of the install of %s/%s: %w", opts.Namespace, opts.Name, err)
	}
	rel, err := v1(r)
	if err != nil {
		return "", err
	}
	return rel.Manifest, nil
}

// Revision returns one revision of a release (0: the last).
func (c *Client) Revision(_ context.Context, namespace, name string, revision int) (*Release, error) {
	ac, err := c.actionConfig(namespace)
	if err != nil {
		return nil, err
	}
	if revision == 0 {
		r, err := last(ac, namespace, name)
		if err != nil {
			return nil, err
		}
		return view(r), nil
	}
	r, err := ac.Releases.Get(name, revision)
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("revision %d of %s/%s", revision, namespace, name))
	}
	rel, err := v1(r)
	if err != nil {
		return nil, err
	}
	return view(rel), nil
}
