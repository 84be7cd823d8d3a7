package pods

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
)

// ListClusterPodsInput selects and pages the pods of every namespace of a
// cluster.
type ListClusterPodsInput struct {
	operation.ClusterParam
	operation.ClusterListParams
}

// registerClusterList adds GET /api/v1/clusters/{cluster}/pods: the pods of
// all namespaces, read from the cache with the same query parameters and
// view as the per-namespace list. Having no namespace in its path, it is
// authorized in the cluster's scope only: cluster viewers and above (and
// global admins), not members of a project, who see their namespaces
// through the per-namespace list.
func registerClusterList(api huma.API, d Deps) {
	op := operation.New(http.MethodGet, "/api/v1/clusters/{cluster}/pods", "list-cluster-pods",
		"List the pods of every namespace of a cluster", tags, auth.Permission{Verb: auth.VerbList, Resource: ResourcePods})
	op.Description = "Reads the cluster's cache. Equality label requirements (app=web, app in (a,b)), " +
		"fieldSelector=spec.nodeName=... and metadata.namespace=... are answered from indexes; " +
		"other selectors scan the cached pods. Sorted by namespace and name unless sort says otherwise."
	op.Errors = append(op.Errors, http.StatusBadRequest, http.StatusNotFound, http.StatusServiceUnavailable)
	huma.Register(api, op, func(ctx context.Context, in *ListClusterPodsInput) (*ListPodsOutput, error) {
		c, err := d.Cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		page, err := c.List("pods", in.Query(""))
		if err != nil {
			return nil, operation.ClusterError(err)
		}
		return podPage(page), nil
	})
}

// podPage is the list response of a page of cached pods.
func podPage(page *multicluster.Page) *ListPodsOutput {
	return &ListPodsOutput{Body: operation.Views(page, podView)}
}
