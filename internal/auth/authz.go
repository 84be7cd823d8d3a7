package auth

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// Verbs an operation can need.
const (
	VerbGet    = "get"
	VerbList   = "list"
	VerbCreate = "create"
	VerbUpdate = "update"
	VerbDelete = "delete"
	// VerbUse is referring to a credential from another record (a
	// registry) so that the platform acts with it.
	VerbUse = "use"
)

// Resource kinds of the management plane.
const (
	ResourceUsers = "users"
	// ResourceSelf is the caller's own account: profile, password, its own
	// tokens and sessions. Every signed-in user holds it.
	ResourceSelf  = "self"
	ResourceAudit = "audit"
	// ResourceKubernetes is the Kubernetes API of a cluster, reached through
	// the pass-through (/k8s/clusters/{cluster}/...); the verb follows the
	// HTTP method.
	ResourceKubernetes = "kubernetes"
	// ResourceSearch is cross-cluster search; every user may search, and
	// sees only what its bindings let it list.
	ResourceSearch = "search"
	// ResourceCredentials are the credentials the platform keeps for users
	// (registry logins, cloud keys): global ones are the admins', a
	// project's are managed by its owners and used by its members.
	ResourceCredentials = "credentials"
	// ResourceRegistries are image registries and what is done with them
	// (browse, delete tags, copy, pull secrets, webhooks). The name holds a
	// dot, which no Kubernetes resource name does, so a member's right to
	// change registries never matches a Kubernetes kind of the same plural
	// through the pass-through.
	ResourceRegistries = "registries.wheelhouse.dev"
	// ResourceReleases are Helm releases of add-ons in a cluster's
	// namespaces, and the charts they install from. Writing a release
	// also needs the right to write each object it renders (a member may
	// install a chart of Deployments and Services, not one with a
	// ClusterRole).
	ResourceReleases = "releases.wheelhouse.dev"
	// ResourceChartRepositories are the Helm chart repositories add-ons
	// are installed from, their refresh and the charts they list. Dotted
	// for the same reason as ResourceRegistries.
	ResourceChartRepositories = "chartrepositories.wheelhouse.dev"
	// ResourcePipelines are a project's pipelines and everything they use
	// (source code providers, credentials and repositories, the pipeline
	// setting) and do (executions, their logs, runs, aborts). Members
	// hold it: building and shipping is their work. Dotted for the same
	// reason as ResourceRegistries.
	ResourcePipelines = "pipelines.wheelhouse.dev"
)

// Scope says where a permission applies. The zero Scope is global; later
// areas fill Cluster (and Project) from the request path so cluster- and
// project-scoped bindings can grant it.
type Scope struct {
	Cluster string
	Project string
	// Namespace lets a binding on the namespace's project apply.
	Namespace string
}

// Permission is what an operation requires of its caller.
type Permission struct {
	Verb     string
	Resource string
}

func (p Permission) String() string { return p.Verb + " " + p.Resource }

// Principal is the authenticated caller of a request.
type Principal struct {
	UserID   uint64
	Username string
	// Role is the caller's global role (store.RoleAdmin or store.RoleUser).
	Role string
	// TokenID is the token the request was authenticated with.
	TokenID uint64
	// TokenKind is store.TokenSession or store.TokenAPI.
	TokenKind string
}

// IsAdmin reports whether the caller holds the global admin role.
func (p *Principal) IsAdmin() bool { return p.Role == store.RoleAdmin }

// Rule grants verbs on resources; "*" matches any.
type Rule struct {
	Verbs     []string
	Resources []string
}

func (r Rule) allows(p Permission) bool {
	return (slices.Contains(r.Verbs, "*") || slices.Contains(r.Verbs, p.Verb)) &&
		(slices.Contains(r.Resources, "*") || slices.Contains(r.Resources, p.Resource))
}

// GlobalRoles are the rules of each global role.
var GlobalRoles = map[string][]Rule{
	store.RoleAdmin: {{Verbs: []string{"*"}, Resources: []string{"*"}}},
	store.RoleUser: {
		{Verbs: []string{"*"}, Resources: []string{ResourceSelf}},
		{Verbs: []string{VerbList}, Resources: []string{ResourceSearch}},
	},
}

// BindingSource returns the rules that role bindings grant a user within a
// scope (a cluster, a project). The multi-cluster core plugs its cluster and
// project bindings in here; nil means no bindings exist yet.
type BindingSource interface {
	RulesFor(ctx context.Context, userID uint64, scope Scope) ([]Rule, error)
}

// Authorizer decides whether a principal may exercise a permission.
type Authorizer struct {
	Bindings BindingSource
}

// ForbiddenError says which permission the caller lacks.
type ForbiddenError struct {
	Permission Permission
	Scope      Scope
}

func (e *ForbiddenError) Error() string {
	where := ""
	if e.Scope.Cluster != "" {
		where = fmt.Sprintf(" in cluster %q", e.Scope.Cluster)
	}
	if e.Scope.Project != "" {
		where += fmt.Sprintf(" in project %q", e.Scope.Project)
	}
	return fmt.Sprintf("not allowed to %s%s", e.Permission, where)
}

// Authorize returns nil when p may exercise perm in scope, a
// *ForbiddenError when it may not, or another error when the bindings
// cannot be read.
func (a *Authorizer) Authorize(ctx context.Context, p *Principal, perm Permission, scope Scope) error {
	for _, r := range GlobalRoles[p.Role] {
		if r.allows(perm) {
			return nil
		}
	}
	if a.Bindings != nil && scope.Cluster != "" {
		rules, err := a.Bindings.RulesFor(ctx, p.UserID, scope)
		if err != nil {
			return fmt.Errorf("read role bindings of %q: %w", p.Username, err)
		}
		for _, r := range rules {
			if r.allows(perm) {
				return nil
			}
		}
	}
	return &ForbiddenError{Permission: perm, Scope: scope}
}

type principalKey struct{}

// PrincipalContextKey is the context key under which the principal is
// carried, for middleware that must set it through a framework's own
// context wrapper (huma.WithValue).
func PrincipalContextKey() any { return principalKey{} }

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the caller carried by ctx, or nil.
func PrincipalFrom(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}

// ProjectScopes is implemented by a BindingSource that can say in which
// projects of a cluster a user holds a role binding, so that lists of
// projects can show a project member its own projects.
type ProjectScopes interface {
	ProjectsOf(ctx context.Context, userID uint64, cluster string) ([]string, error)
}

// Projects says where in cluster p may exercise perm: everywhere (all is
// true) or only in the listed projects. Neither means p may not.
func (a *Authorizer) Projects(ctx context.Context, p *Principal, perm Permission, cluster string) (all bool, projects []string, err error) {
	err = a.Authorize(ctx, p, perm, Scope{Cluster: cluster})
	var forbidden *ForbiddenError
	switch {
	case err == nil:
		return true, nil, nil
	case !errors.As(err, &forbidden):
		return false, nil, err
	}
	src, ok := a.Bindings.(ProjectScopes)
	if !ok {
		return false, nil, nil
	}
	names, err := src.ProjectsOf(ctx, p.UserID, cluster)
	if err != nil {
		return false, nil, fmt.Errorf("read role bindings of %q: %w", p.Username, err)
	}
	for _, name := range names {
		err := a.Authorize(ctx, p, perm, Scope{Cluster: cluster, Project: name})
		switch {
		case err == nil:
			projects = append(projects, name)
		case !errors.As(err, &forbidden):
			return false, nil, err
		}
	}
	return false, projects, nil
}

// AuthorizeKube decides whether p may make the Kubernetes request kr in
// cluster, through any of Wheelhouse's generic routes (the pass-through,
// apply, the any-kind routes). bounded says whether the request is then
// made as p, so that the cluster's own authorization applies too (see
// KubeRequest.ClusterOnly). Non-resource reads (discovery, /version) need
// any role in the cluster, a project's included: kubectl discovers before
// it acts.
func (a *Authorizer) AuthorizeKube(ctx context.Context, p *Principal, kr KubeRequest, cluster string, bounded bool) error {
	perm := kr.Permission()
	if !kr.IsResourceRequest && kr.Reads() {
		all, projects, err := a.Projects(ctx, p, perm, cluster)
		switch {
		case err != nil:
			return err
		case !all && len(projects) == 0:
			return &ForbiddenError{Permission: perm, Scope: Scope{Cluster: cluster}}
		}
		return nil
	}
	if err := a.Authorize(ctx, p, perm, kr.Scope(cluster)); err != nil {
		return err
	}
	if kr.ClusterOnly(bounded) {
		if err := a.Authorize(ctx, p, perm, Scope{Cluster: cluster}); err != nil {
			return fmt.Errorf("%w (only the cluster's owners may do this through Wheelhouse)", err)
		}
	}
	return nil
}

// RulesIn returns what p may do in scope: whether it is a global admin
// (everything, everywhere) and the rules of its global role and of its
// bindings there. A console offers only what these allow; each request is
// still authorized on its own.
func (a *Authorizer) RulesIn(ctx context.Context, p *Principal, scope Scope) (admin bool, rules []Rule, err error) {
	if p.IsAdmin() {
		return true, slices.Clone(GlobalRoles[p.Role]), nil
	}
	rules = slices.Clone(GlobalRoles[p.Role])
	if a.Bindings != nil && scope.Cluster != "" {
		bound, err := a.Bindings.RulesFor(ctx, p.UserID, scope)
		if err != nil {
			return false, nil, fmt.Errorf("read role bindings of %q: %w", p.Username, err)
		}
		rules = append(rules, bound...)
	}
	return false, rules, nil
}
