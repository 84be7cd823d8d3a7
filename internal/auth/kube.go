package auth

import (
	"net/http"
	"slices"

	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apiserver/pkg/endpoints/request"
)

// ProjectQuotaName is the ResourceQuota that gives a namespace its share of
// its project's quota. Only cluster owners (and admins) may change it: a
// project's owners and members live under it.
const ProjectQuotaName = "wheelhouse-project-quota"

// KubeRequest is a request to a member cluster's Kubernetes API as
// Wheelhouse authorizes it: by what it does (Kubernetes' own request info:
// verb, resource, subresource, namespace, name), never by its HTTP method
// alone, so a WebSocket GET to pods/exec is the create it is.
type KubeRequest struct {
	request.RequestInfo
}

var kubeRequestInfo = &request.RequestInfoFactory{
	APIPrefixes:          sets.NewString("api", "apis"),
	GrouplessAPIPrefixes: sets.NewString("api"),
}

// connectSubresources act on a running container or reach into the
// cluster's network: each is a create, whatever the method (Kubernetes
// itself authorizes a WebSocket GET to exec as create).
var connectSubresources = []string{"exec", "attach", "portforward", "proxy"}

// ParseKubeRequest reads what r does; r's URL path is the path on the
// member cluster's API server (/api/v1/namespaces/ns/pods).
func ParseKubeRequest(r *http.Request) (KubeRequest, error) {
	ri, err := kubeRequestInfo.NewRequestInfo(r)
	if err != nil {
		return KubeRequest{}, err
	}
	return KubeRequest{RequestInfo: *ri}, nil
}

// Resource is the request's resource as Wheelhouse's roles name it: the
// Kubernetes resource, with the subresource after a slash ("pods/exec").
func (k KubeRequest) Resource() string {
	if k.Subresource != "" {
		return k.RequestInfo.Resource + "/" + k.Subresource
	}
	return k.RequestInfo.Resource
}

// Connects reports whether the request opens a stream into a container or
// the cluster's network (exec, attach, port-forward, proxy).
func (k KubeRequest) Connects() bool {
	return k.IsResourceRequest && (slices.Contains(connectSubresources, k.Subresource) || k.Verb == "proxy")
}

// Reads reports whether the request only reads.
func (k KubeRequest) Reads() bool {
	switch k.Permission().Verb {
	case VerbGet, VerbList:
		return true
	}
	return false
}

// Permission is what the request needs of its caller. Non-resource
// requests (discovery, /version, /openapi) need to read the cluster's
// Kubernetes API, writes to them to change it.
func (k KubeRequest) Permission() Permission {
	if !k.IsResourceRequest {
		verb := VerbGet
		if k.Verb != "get" && k.Verb != "head" {
			verb = VerbUpdate
		}
		return Permission{Verb: verb, Resource: ResourceKubernetes}
	}
	if k.Connects() {
		res := k.Resource()
		if k.Verb == "proxy" && k.Subresource == "" { // the old /proxy/ path form
			res += "/proxy"
		}
		return Permission{Verb: VerbCreate, Resource: res}
	}
	var verb string
	switch k.Verb {
	case "get":
		verb = VerbGet
	case "list", "watch":
		verb = VerbList
	case "create":
		verb = VerbCreate
	case "update", "patch":
		verb = VerbUpdate
	case "delete", "deletecollection":
		verb = VerbDelete
	default:
		verb = k.Verb // no role grants an unknown verb but "*"
	}
	return Permission{Verb: verb, Resource: k.Resource()}
}

// Scope is where the request acts in cluster: its namespace for namespaced
// resources, the whole cluster otherwise (a namespace object itself is
// cluster-scoped: creating, deleting or changing one, its labels, status
// or finalizers, is not a project's business).
func (k KubeRequest) Scope(cluster string) Scope {
	if k.IsResourceRequest && k.RequestInfo.Resource != "namespaces" {
		return Scope{Cluster: cluster, Namespace: k.Namespace}
	}
	return Scope{Cluster: cluster}
}

// ClusterOnly reports whether the request needs a role on the whole cluster
// even inside a project's namespace: what would let a project's users slip
// out from under Wheelhouse. Always: token requests (a token works outside
// Wheelhouse, past the removal of its user) and the project quota share.
// When the request is not made as the user (bounded is false: the cluster's
// credentials cannot impersonate, so Kubernetes' own escalation checks do
// not run), also writes to RBAC objects, quotas and limit ranges.
func (k KubeRequest) ClusterOnly(bounded bool) bool {
	if !k.IsResourceRequest || k.Reads() {
		return false
	}
	switch {
	case k.RequestInfo.Resource == "serviceaccounts" && k.Subresource == "token":
		return true
	case k.RequestInfo.Resource == "resourcequotas" && (k.Name == ProjectQuotaName || k.Verb == "deletecollection"):
		return true
	case bounded:
		return false
	case k.APIGroup == "rbac.authorization.k8s.io":
		return true
	case k.RequestInfo.Resource == "resourcequotas" || k.RequestInfo.Resource == "limitranges":
		return true
	}
	return false
}

// ReadsSecrets reports whether the request reads Secrets (their values,
// unless Wheelhouse asks for their metadata only).
func (k KubeRequest) ReadsSecrets() bool {
	return k.IsResourceRequest && k.APIGroup == "" && k.RequestInfo.Resource == "secrets" && k.Subresource == "" && k.Reads()
}
