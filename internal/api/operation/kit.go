package operation

import (
	"context"
	"errors"
	"log/slog"

	"github.com/danielgtaylor/huma/v2"

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
	// Streams bounds the live streams each user holds open.
	Streams *StreamLimiter
	// Shutdown is closed when the server stops: streams and sessions,
	// which the HTTP server's graceful shutdown does not wait for, end on
	// it.
	Shutdown <-chan struct{}
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

// AuthorizeKube decides whether the caller may make the Kubernetes request
// kr in cluster with Wheelhouse's own credentials (apply, the any-kind
// routes): 403 naming what it may not do, 503 when its bindings cannot be
// read (naming the cluster when it is down).
func (k *Kit) AuthorizeKube(ctx context.Context, cluster string, kr auth.KubeRequest) error {
	err := k.Authorizer.AuthorizeKube(ctx, auth.PrincipalFrom(ctx), kr, cluster, false)
	var forbidden *auth.ForbiddenError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &forbidden):
		return huma.Error403Forbidden(err.Error())
	}
	if cerr := ClusterError(err); cerr != err {
		return cerr
	}
	Request(ctx).Err = err
	return huma.Error503ServiceUnavailable("cannot check permissions right now")
}
