package operation

import (
	"errors"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
)

// ClusterError turns what a member cluster (or its cache) said into the
// problem response the API gives:
//   - an unknown cluster: 404;
//   - a cluster that is down or whose credentials were rejected: 503 naming
//     the cluster, with Retry-After, so clients know it is that cluster and
//     not Wheelhouse;
//   - a bad list query: 400 naming the query parameter;
//   - an error status from the Kubernetes API server: the same status, with
//     its message and the field causes as error details (body.<field>).
//
// Other errors are returned unchanged and become a 500.
func ClusterError(err error) error {
	var ue *multicluster.UnavailableError
	var qe *multicluster.QueryError
	var status apierrors.APIStatus
	switch {
	case err == nil:
		return nil
	case errors.Is(err, multicluster.ErrUnknownCluster):
		return huma.Error404NotFound(err.Error())
	case errors.As(err, &ue):
		return huma.ErrorWithHeaders(huma.Error503ServiceUnavailable(ue.Error()),
			http.Header{"Retry-After": {"10"}})
	case errors.As(err, &qe):
		return huma.Error400BadRequest("invalid query", &huma.ErrorDetail{Location: "query." + qe.Field, Message: qe.Message})
	case errors.As(err, &status):
		return kubeStatusError(status)
	}
	return err
}

func kubeStatusError(status apierrors.APIStatus) error {
	s := status.Status()
	code := int(s.Code)
	if code < 400 || code > 599 {
		code = http.StatusInternalServerError
	}
	// A 5xx from a member cluster is that cluster's failure, not ours:
	// report it as a bad gateway rather than hiding it as our 500.
	if code >= 500 {
		code = http.StatusBadGateway
	}
	var details []error
	if s.Details != nil {
		for _, c := range s.Details.Causes {
			loc := "body"
			if c.Field != "" {
				loc += "." + c.Field
			}
			details = append(details, &huma.ErrorDetail{Location: loc, Message: c.Message, Value: string(c.Type)})
		}
	}
	msg := s.Message
	if msg == "" {
		msg = string(s.Reason)
	}
	return huma.NewError(code, msg, details...)
}

// ClusterParam is the path parameter naming a member cluster; operations
// under /api/v1/clusters/{cluster} embed it, and the authorizer reads it
// as the request's cluster scope.
type ClusterParam struct {
	Cluster string `path:"cluster" maxLength:"63" doc:"Cluster name"`
}

// ClusterListParams are the query parameters of lists read from a
// cluster's cache.
type ClusterListParams struct {
	Limit         int    `query:"limit" minimum:"0" maximum:"1000" default:"100" doc:"Page size; 0 returns every match"`
	Continue      string `query:"continue" doc:"Token from the previous page's continue field"`
	LabelSelector string `query:"labelSelector" doc:"Kubernetes label selector, e.g. app=web,tier!=db"`
	FieldSelector string `query:"fieldSelector" doc:"Kubernetes field selector: metadata.name, metadata.namespace, and per kind spec.nodeName, status.phase (pods), spec.unschedulable (nodes), involvedObject.* (events)"`
	Name          string `query:"name" maxLength:"253" doc:"Keep objects whose name contains this"`
	Sort          string `query:"sort" enum:"name,-name,creationTimestamp,-creationTimestamp" default:"name"`
}

// Query returns the multicluster query of these parameters in namespace.
func (p ClusterListParams) Query(namespace string) multicluster.Query {
	return multicluster.Query{Namespace: namespace, LabelSelector: p.LabelSelector, FieldSelector: p.FieldSelector,
		NameContains: p.Name, Sort: p.Sort, Limit: p.Limit, Continue: p.Continue}
}

// ClusterList is the body of a list read from a cluster's cache.
type ClusterList[T any] struct {
	Items    []T    `json:"items" nullable:"false"`
	Continue string `json:"continue,omitempty" doc:"Pass as ?continue= for the next page; absent on the last page"`
	Total    int    `json:"total" doc:"Objects matching the query over all pages"`
}

// Views turns a page read from a cluster's cache into the list body of its
// views. The cache of a kind holds only objects of type O; any other
// object (a tombstone, say) is left out rather than allowed to panic.
func Views[O runtime.Object, V any](page *multicluster.Page, view func(O) V) ClusterList[V] {
	out := ClusterList[V]{Items: make([]V, 0, len(page.Items)), Continue: page.Continue, Total: page.Total}
	for _, o := range page.Items {
		if obj, ok := o.(O); ok {
			out.Items = append(out.Items, view(obj))
		}
	}
	return out
}

// NamespaceParam is the path parameters naming a namespace of a member
// cluster. A segment that cannot be a namespace name ("..%2Fkube-system",
// upper case) is a 422 naming path.namespace, never an empty answer.
type NamespaceParam struct {
	ClusterParam
	Namespace string `path:"namespace" maxLength:"63" pattern:"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$" patternDescription:"a namespace name: lower-case letters, digits and '-', starting and ending with a letter or digit" doc:"Namespace name"`
}

// Scope is where the namespace is, for authorization decisions a handler
// makes itself.
func (p NamespaceParam) Scope() auth.Scope {
	return auth.Scope{Cluster: p.Cluster, Namespace: p.Namespace}
}
