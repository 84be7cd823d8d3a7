package helm

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"helm.sh/helm/v4/pkg/storage/driver"
)

// History returns the release's revisions, newest first.
func (c *Client) History(_ context.Context, namespace, name string) ([]*Release, error) {
	ac, err := c.actionConfig(namespace)
	if err != nil {
		return nil, err
	}
	h, err := ac.Releases.History(name)
	if err == nil && len(h) == 0 {
		err = driver.ErrReleaseNotFound
	}
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("history of %s/%s", namespace, name))
	}
	rels, err := v1List(h)
	if err != nil {
		return nil, err
	}
	out := make([]*Release, 0, len(rels))
	for _, r := range rels {
		out = append(out, view(r))
	}
	slices.SortFunc(out, func(a, b *Release) int { return b.Revision - a.Revision })
	return out, nil
}

// List returns the last revision of every release in namespace (every
// namespace when empty), whoever installed it, sorted by namespace and
// name.
func (c *Client) List(_ context.Context, namespace string) ([]*Release, error) {
	ac, err := c.actionConfig(namespace)
	if err != nil {
		return nil, err
	}
	all, err := ac.Releases.ListReleases()
	if err != nil {
		return nil, fmt.Errorf("list releases: %w", err)
	}
	rels, err := v1List(all)
	if err != nil {
		return nil, err
	}
	lastOf := map[string]*Release{}
	for _, r := range rels {
		k := r.Namespace + "/" + r.Name
		if cur, ok := lastOf[k]; !ok || r.Version > cur.Revision {
			lastOf[k] = view(r)
		}
	}
	out := make([]*Release, 0, len(lastOf))
	for _, r := range lastOf {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b *Release) int {
		if a.Namespace != b.Namespace {
			return cmp.Compare(a.Namespace, b.Namespace)
		}
		return cmp.Compare(a.Name, b.Name)
	})
	return out, nil
}
