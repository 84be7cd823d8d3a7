package projects

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/api/meta"

	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// Bindings answers the authorizer from the role bindings in the store.
type Bindings struct {
	Store    *store.Store
	Clusters *multicluster.Manager
}

// RulesFor implements auth.BindingSource: the rules of the user's role on
// the cluster, plus those of its role on the project in scope (named, or
// the project of the namespace in scope).
func (b *Bindings) RulesFor(ctx context.Context, userID uint64, scope auth.Scope) ([]auth.Rule, error) {
	if scope.Cluster == "" {
		return nil, nil
	}
	list, err := b.Store.RoleBindings().ForUserInCluster(ctx, userID, scope.Cluster)
	if err != nil {
		return nil, fmt.Errorf("read role bindings: %w", err)
	}
	project := scope.Project
	if project == "" && scope.Namespace != "" && len(list) > 0 {
		project = b.projectOf(scope.Cluster, scope.Namespace)
	}
	var rules []auth.Rule
	for _, rb := range list {
		if rb.Project == "" || (project != "" && rb.Project == project) {
			rules = append(rules, Roles[rb.Role]...)
		}
	}
	return rules, nil
}

// projectOf returns the project of a namespace from the cluster's cache,
// or "" when it is in none, unknown, or the cluster cannot answer.
func (b *Bindings) projectOf(cluster, namespace string) string {
	conn, err := b.Clusters.Get(cluster)
	if err != nil {
		return ""
	}
	obj, err := conn.Get("namespaces", "", namespace)
	if err != nil {
		return ""
	}
	acc, err := meta.Accessor(obj)
	if err != nil {
		return ""
	}
	return acc.GetLabels()[ProjectLabel]
}

// ProjectsOf implements auth.ProjectScopes: the projects of the cluster on
// which the user holds a role.
func (b *Bindings) ProjectsOf(ctx context.Context, userID uint64, cluster string) ([]string, error) {
	list, err := b.Store.RoleBindings().ForUserInCluster(ctx, userID, cluster)
	if err != nil {
		return nil, fmt.Errorf("read role bindings: %w", err)
	}
	var names []string
	for _, rb := range list {
		if rb.Project != "" {
			names = append(names, rb.Project)
		}
	}
	return names, nil
}
