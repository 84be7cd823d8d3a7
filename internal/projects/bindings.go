package projects

import (
	"context"
	"errors"
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
	if project == "" && scope.Namespace != "" && hasProjectBinding(list) {
		if project, err = b.projectOf(scope.Cluster, scope.Namespace); err != nil {
			return nil, err
		}
	}
	var rules []auth.Rule
	for _, rb := range list {
		if rb.Project == "" || (project != "" && rb.Project == project) {
			rules = append(rules, auth.ScopedRoles[rb.Role]...)
		}
	}
	return rules, nil
}

// projectOf returns the project of a namespace from the cluster's cache,
// or "" when it is in none or unknown. A cluster that cannot answer is an
// error (its requests fail with 503), never "no project": that would turn
// an outage into a 403.
func (b *Bindings) projectOf(cluster, namespace string) (string, error) {
	conn, err := b.Clusters.Get(cluster)
	if err != nil {
		return "", nil
	}
	obj, err := conn.Get("namespaces", "", namespace)
	var ue *multicluster.UnavailableError
	switch {
	case errors.As(err, &ue):
		return "", fmt.Errorf("find the project of namespace %q: %w", namespace, err)
	case err != nil:
		return "", nil
	}
	acc, err := meta.Accessor(obj)
	if err != nil {
		return "", nil
	}
	return acc.GetLabels()[ProjectLabel], nil
}

func hasProjectBinding(list []store.RoleBinding) bool {
	for _, rb := range list {
		if rb.Project != "" {
			return true
		}
	}
	return false
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
