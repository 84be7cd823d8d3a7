// Package search finds objects across every connected cluster from the
// informer caches: by name substring, kind and label selector, paged, and
// filtered to what the caller may list.
package search

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
)

// Deps are what search needs.
type Deps struct {
	Clusters   *multicluster.Manager
	Authorizer *auth.Authorizer
}

// SearchInput is the query.
type SearchInput struct {
	Q             string `query:"q" maxLength:"253" doc:"Substring of the object's name"`
	Kind          string `query:"kind" doc:"Plural kind, e.g. pods, deployments; all cached kinds when empty"`
	LabelSelector string `query:"labelSelector" doc:"Kubernetes label selector"`
	Cluster       string `query:"cluster" maxLength:"63" doc:"Only this cluster"`
	Limit         int    `query:"limit" minimum:"1" maximum:"1000" default:"100"`
	Continue      string `query:"continue" doc:"Token from the previous page"`
}

// Hit is one object found.
type Hit struct {
	Cluster   string            `json:"cluster"`
	Kind      string            `json:"kind"`
	Namespace string            `json:"namespace,omitempty"`
	Name      string            `json:"name"`
	Labels    map[string]string `json:"labels,omitempty"`
	CreatedAt time.Time         `json:"createdAt"`
}

// SearchOutput is one page of hits.
type SearchOutput struct {
	Body struct {
		Items    []Hit  `json:"items" nullable:"false"`
		Continue string `json:"continue,omitempty"`
		// Unavailable names clusters that could not be searched.
		Unavailable []string `json:"unavailable,omitempty" doc:"Clusters that could not answer; their objects are missing from the results"`
	}
}

// Register adds the search endpoint to api.
func Register(api huma.API, d Deps) {
	op := operation.New(http.MethodGet, "/api/v1/search", "search", "Find objects across clusters", []string{"Search"},
		auth.Permission{Verb: auth.VerbList, Resource: auth.ResourceSearch})
	op.Description = "Searches the caches of every connected cluster (or one) by name substring, kind and label selector. " +
		"Results are ordered by cluster, kind, namespace and name, and hold only objects the caller may list: " +
		"everything for admins, a cluster's objects for its members, a project's namespaces for the project's members."
	huma.Register(api, op, func(ctx context.Context, in *SearchInput) (*SearchOutput, error) {
		return search(ctx, d, in)
	})
}

func search(ctx context.Context, d Deps, in *SearchInput) (*SearchOutput, error) {
	if in.Q == "" && in.LabelSelector == "" {
		return nil, huma.Error400BadRequest("give q or labelSelector", &huma.ErrorDetail{Location: "query.q", Message: "q or labelSelector is required"})
	}
	kinds := multicluster.Kinds
	if in.Kind != "" {
		k, err := multicluster.KindByName(in.Kind)
		if err != nil {
			return nil, huma.Error400BadRequest("unknown kind", &huma.ErrorDetail{Location: "query.kind", Message: err.Error()})
		}
		kinds = []multicluster.Kind{k}
	}
	var after string
	if in.Continue != "" {
		raw, err := base64.RawURLEncoding.DecodeString(in.Continue)
		if err != nil || len(raw) == 0 {
			return nil, operation.InvalidContinue()
		}
		after = string(raw)
	}

	p := auth.PrincipalFrom(ctx)
	out := &SearchOutput{}
	type keyed struct {
		key string
		hit Hit
	}
	var hits []keyed
	for _, conn := range d.Clusters.List() {
		if in.Cluster != "" && conn.Name() != in.Cluster {
			continue
		}
		if conn.Available() != nil {
			out.Body.Unavailable = append(out.Body.Unavailable, conn.Name())
			continue
		}
		may := newVisibility(ctx, d.Authorizer, p, conn.Name())
		for _, k := range kinds {
			page, err := conn.List(k.Name, multicluster.Query{NameContains: in.Q, LabelSelector: in.LabelSelector})
			var qe *multicluster.QueryError
			if errors.As(err, &qe) {
				return nil, operation.ClusterError(err)
			}
			if err != nil {
				out.Body.Unavailable = append(out.Body.Unavailable, conn.Name())
				break
			}
			for _, obj := range page.Items {
				h, ok := hitOf(conn.Name(), k.Name, obj)
				if !ok {
					continue
				}
				key := strings.Join([]string{h.Cluster, h.Kind, h.Namespace, h.Name}, "\x00")
				if key <= after {
					continue
				}
				allowed, err := may(k.Name, h.Namespace)
				if err != nil {
					return nil, err
				}
				if allowed {
					hits = append(hits, keyed{key: key, hit: h})
				}
			}
		}
	}
	sort.Slice(hits, func(i, j int) bool { return hits[i].key < hits[j].key })
	if len(hits) > in.Limit {
		hits = hits[:in.Limit]
		out.Body.Continue = base64.RawURLEncoding.EncodeToString([]byte(hits[len(hits)-1].key))
	}
	out.Body.Items = make([]Hit, len(hits))
	for i, h := range hits {
		out.Body.Items[i] = h.hit
	}
	return out, nil
}

// newVisibility returns a check of whether p may list a kind in a
// namespace of cluster, asking the authorizer once per cluster-wide kind
// and once per (kind, namespace) within the request.
func newVisibility(ctx context.Context, a *auth.Authorizer, p *auth.Principal, cluster string) func(kind, namespace string) (bool, error) {
	cache := map[string]bool{}
	return func(kind, namespace string) (bool, error) {
		key := kind + "/" + namespace
		if v, ok := cache[key]; ok {
			return v, nil
		}
		err := a.Authorize(ctx, p, auth.Permission{Verb: auth.VerbList, Resource: kind}, auth.Scope{Cluster: cluster, Namespace: namespace})
		var forbidden *auth.ForbiddenError
		switch {
		case err == nil:
			cache[key] = true
		case errors.As(err, &forbidden):
			cache[key] = false
		default:
			return false, fmt.Errorf("authorize search in %s: %w", cluster, err)
		}
		return cache[key], nil
	}
}

func hitOf(cluster, kind string, obj runtime.Object) (Hit, bool) {
	acc, err := meta.Accessor(obj)
	if err != nil {
		return Hit{}, false
	}
	return Hit{Cluster: cluster, Kind: kind, Namespace: acc.GetNamespace(), Name: acc.GetName(),
		Labels: acc.GetLabels(), CreatedAt: acc.GetCreationTimestamp().Time}, true
}
