// Package addons serves add-ons: Helm charts (the built-in catalog
// compiled into the binary, and chart repositories) and their releases in
// member clusters. Reads (releases, status, history, drift, a planned
// upgrade's diff) answer at once; install, upgrade, rollback, repair and
// uninstall run in the background as operations, one at a time per
// release, whose progress is read at .../releases/{release}/operation.
//
// Release state is Helm's own (Secrets in the release's namespace): what
// the helm CLI installs shows here and the reverse. A release an operation
// left pending when the server died is marked failed by the Helm owner of
// its cluster (helm.Unlocker) when the server starts again; upgrade or
// roll it back to go on.
//
// A write is authorized twice: the route's permission on releases in the
// namespace, then each object the release would write (or delete), as
// apply does, so that a member may install a chart of Deployments and
// Services but not one that brings a ClusterRole.
package addons

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"k8s.io/apiserver/pkg/endpoints/request"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/helm"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// Clients gives the Helm client of a connected cluster (helm.Unlocker).
type Clients interface {
	Client(cluster string) *helm.Client
}

// Deps are what the add-on endpoints need.
type Deps struct {
	operation.Kit
	Store *store.Store
	Helm  Clients
	// Repositories are the chart repositories; nil: the built-in catalog
	// only.
	Repositories *Repositories
	// Operations hold the running and recent operations; New makes one.
	Operations *Operations
}

var (
	chartTags   = []string{"Add-on charts"}
	releaseTags = []string{"Add-on releases"}
)

func perm(verb string) auth.Permission {
	return auth.Permission{Verb: verb, Resource: auth.ResourceReleases}
}

type handlers struct{ Deps }

// Register adds the add-on routes to api.
func Register(api huma.API, d Deps) {
	if d.Operations == nil {
		d.Operations = NewOperations()
	}
	if d.Shutdown != nil {
		ops := d.Operations
		go func() {
			<-d.Shutdown
			ops.Stop()
		}()
	}
	h := &handlers{d}
	h.registerCharts(api)
	h.registerReleases(api)
	h.registerWrites(api)
}

// client returns the Helm client of a cluster that can take requests, or
// the problem to answer (404 unknown, 503 down).
func (h *handlers) client(cluster string) (*helm.Client, error) {
	if _, err := h.Cluster(cluster); err != nil {
		return nil, err
	}
	c := h.Helm.Client(cluster)
	if c == nil {
		return nil, huma.ErrorWithHeaders(huma.Error503ServiceUnavailable(fmt.Sprintf("cluster %q: its connection is starting", cluster)),
			http.Header{"Retry-After": {"5"}})
	}
	return c, nil
}

// namespaceExists is a 404 naming the namespace when the cluster has none
// of that name.
func (h *handlers) namespaceExists(cluster, namespace string) error {
	c, err := h.Cluster(cluster)
	if err != nil {
		return err
	}
	if _, err := c.Get("namespaces", "", namespace); err != nil {
		return huma.Error404NotFound(fmt.Sprintf("cluster %q has no namespace %q", cluster, namespace))
	}
	return nil
}

// authorizeObjects decides whether the caller may write (verb) each object
// of manifest: a refusal names the object, and nothing is done.
func (h *handlers) authorizeObjects(ctx context.Context, c *helm.Client, cluster, namespace, manifest, verb string) error {
	objs, err := c.Objects(namespace, manifest)
	if err != nil {
		return huma.Error422UnprocessableEntity("the chart renders objects the cluster cannot take",
			&huma.ErrorDetail{Location: "body.chart", Message: err.Error()})
	}
	for _, o := range objs {
		kr := auth.KubeRequest{RequestInfo: request.RequestInfo{IsResourceRequest: true, Verb: verb,
			APIGroup: o.Group, APIVersion: o.Version, Resource: o.Resource, Namespace: o.Namespace, Name: o.Name}}
		if err := h.AuthorizeKube(ctx, cluster, kr); err != nil {
			var se huma.StatusError
			if errors.As(err, &se) && se.GetStatus() == http.StatusForbidden {
				where := o.Name
				if o.Namespace != "" {
					where = o.Namespace + "/" + o.Name
				}
				return huma.Error403Forbidden(fmt.Sprintf("the release would %s %s %s, which you may not: %s", verb, o.Kind, where, err.Error()))
			}
			return err
		}
	}
	return nil
}

// helmProblem turns a Helm error into the problem to answer with.
func helmProblem(ctx context.Context, err error, release string) error {
	var iv *helm.InvalidValuesError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &iv):
		details := make([]error, 0, len(iv.Problems))
		for _, p := range iv.Problems {
			details = append(details, &huma.ErrorDetail{Location: valuesLocation(p), Message: p})
		}
		return huma.Error422UnprocessableEntity("values do not match the chart's schema", details...)
	case errors.Is(err, helm.ErrNotFound):
		return huma.Error404NotFound(fmt.Sprintf("no release %q here", release))
	case errors.Is(err, helm.ErrExists):
		return huma.Error409Conflict(fmt.Sprintf("release name %q is in use in this namespace", release),
			&huma.ErrorDetail{Location: "body.name", Message: "in use", Value: release})
	case errors.Is(err, helm.ErrBusy):
		return huma.Error409Conflict(fmt.Sprintf("another operation on release %q is running; follow it at .../operation", release))
	case errors.Is(err, helm.ErrPending):
		return huma.Error409Conflict(fmt.Sprintf("release %q is pending by an operation of another client (the helm CLI?); "+
			"it is marked failed if that client does not finish it", release))
	}
	operation.Request(ctx).Err = err
	return huma.Error500InternalServerError("the Helm operation failed")
}

// valuesLocation turns Helm's "at '/service/type': ..." into
// "body.values.service.type".
func valuesLocation(problem string) string {
	_, rest, ok := strings.Cut(problem, "at '")
	if !ok {
		return "body.values"
	}
	ptr, _, ok := strings.Cut(rest, "'")
	if !ok || ptr == "" || ptr == "/" {
		return "body.values"
	}
	return "body.values" + strings.ReplaceAll(ptr, "/", ".")
}
