package auth

// Scoped roles: bound to a user on a whole cluster or on one project.
const (
	RoleOwner  = "owner"
	RoleMember = "member"
	RoleViewer = "viewer"
)

// MemberWritable are what a member may change inside its scope: workloads,
// their pods (with exec, attach, port-forward and eviction), configuration,
// networking and storage claims. Names are Kubernetes resource names, with
// the subresource after a slash, so the REST API, apply, the any-kind
// routes and the Kubernetes pass-through share one table. Not in it, and
// so an owner's business: quotas and limit ranges, RBAC, service accounts
// and their tokens, namespaces, nodes and the status of anything.
var MemberWritable = []string{
	"pods", "pods/exec", "pods/attach", "pods/portforward", "pods/proxy", "pods/eviction", "pods/ephemeralcontainers",
	"deployments", "deployments/scale", "deployments/rollback", "statefulsets", "statefulsets/scale",
	"daemonsets", "replicasets", "replicasets/scale", "replicationcontrollers", "replicationcontrollers/scale",
	"jobs", "cronjobs", "horizontalpodautoscalers", "poddisruptionbudgets",
	"services", "services/proxy", "endpoints", "endpointslices", "ingresses", "networkpolicies",
	"configmaps", "secrets", "persistentvolumeclaims", "events", "workloads",
	// The gate of the generic routes (apply, any kind, the pass-through):
	// each request through them is then authorized for what it does.
	ResourceKubernetes,
}

var readOnly = []string{VerbGet, VerbList}

// ScopedRoles are the rules of each scoped role. An owner may do everything
// in its scope (members included); a member may read everything, change
// MemberWritable, the project's image registries, add-on releases (of
// objects it may write) and pipelines, and use (not change) the project's credentials;
// a viewer may read. A project's chart repositories are its owners' to
// change (members and viewers browse them): what they list is what
// members can install.
var ScopedRoles = map[string][]Rule{
	RoleOwner: {{Verbs: []string{"*"}, Resources: []string{"*"}}},
	RoleMember: {
		{Verbs: readOnly, Resources: []string{"*"}},
		{Verbs: []string{"*"}, Resources: MemberWritable},
		{Verbs: []string{"*"}, Resources: []string{ResourceRegistries, ResourceReleases, ResourcePipelines}},
		{Verbs: []string{VerbUse}, Resources: []string{ResourceCredentials}},
	},
	RoleViewer: {{Verbs: readOnly, Resources: []string{"*"}}},
}
