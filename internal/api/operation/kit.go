package operation

import (
	"log/slog"

	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
)

// Kit is what every handler area gets from the server: the member
// clusters, the authorizer for decisions a route's permission cannot make
// alone (revealing Secret values), the audit writer and the logger. Areas
// embed it in their Deps and reach clusters only through Cluster, so one
// policy answers for clusters that are unknown or down.
type Kit struct {
	Clusters   *multicluster.Manager
	Authorizer *auth.Authorizer
	Audit      *Auditor
	Logger     *slog.Logger
}

// Cluster returns the named member cluster's connection when it can answer
// reads from its caches and take writes; otherwise the problem to return:
// 404 for a cluster Wheelhouse does not know, 503 naming the cluster (with
// Retry-After) for one that is down, still syncing or refusing the stored
// credentials.
func (k *Kit) Cluster(name string) (*multicluster.Cluster, error) {
	c, err := k.Clusters.Get(name)
	if err != nil {
		return nil, ClusterError(err)
	}
	if err := c.Available(); err != nil {
		return nil, ClusterError(err)
	}
	return c, nil
}
