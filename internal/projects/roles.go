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

import "github.com/wheelhouse-dev/wheelhouse/internal/auth"

// ProjectLabel marks a namespace as part of a project.
const ProjectLabel = "wheelhouse.dev/project"

// Resources of the project and membership endpoints.
const (
	ResourceProjects = "projects"
	ResourceMembers  = "members"
)

// namespacedResources are what a member may change inside its scope.
var namespacedResources = []string{
	"pods", "deployments", "statefulsets", "daemonsets", "replicasets", "jobs", "cronjobs", "workloads",
	"services", "ingresses", "configmaps", "secrets", "persistentvolumeclaims", "events",
	auth.ResourceKubernetes,
}

var readOnly = []string{auth.VerbGet, auth.VerbList}

// Roles are the rules of each scoped role. An owner may do everything in
// its scope (including managing members); a member may read everything and
// change workloads, configuration and storage claims; a viewer may read.
var Roles = map[string][]auth.Rule{
	"owner": {{Verbs: []string{"*"}, Resources: []string{"*"}}},
	"member": {
		{Verbs: readOnly, Resources: []string{"*"}},
		{Verbs: []string{"*"}, Resources: namespacedResources},
	},
	"viewer": {{Verbs: readOnly, Resources: []string{"*"}}},
}
