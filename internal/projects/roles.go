// Package projects groups namespaces of a cluster into projects (as in
// Rancher) and gives users roles in a whole cluster or in one project:
// owner, member or viewer. It is the BindingSource the authorizer asks, so
// every cluster-scoped endpoint and the Kubernetes pass-through honour the
// bindings.
//
// A namespace belongs to a project through the label ProjectLabel on the
// namespace in the cluster itself: the cluster stays the source of truth,
// kubectl users see the grouping, and the informer cache answers "which
// project is this namespace in" without a database query.
package projects

import "strings"

// ProjectLabel marks a namespace as part of a project.
const ProjectLabel = "wheelhouse.dev/project"

// Resources of the project and membership endpoints.
const (
	ResourceProjects = "projects"
	ResourceMembers  = "members"
)

// IsSystemNamespace reports whether a namespace is one Kubernetes or
// Wheelhouse itself uses (kube-*, wheelhouse-*): only a cluster's owners
// may move one into or out of a project.
func IsSystemNamespace(name string) bool {
	return strings.HasPrefix(name, "kube-") || strings.HasPrefix(name, "wheelhouse-")
}
