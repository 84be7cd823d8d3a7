package clusterrbac

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	rbacac "k8s.io/client-go/applyconfigurations/rbac/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
)

// fieldManager names Wheelhouse in the objects' managed fields.
const fieldManager = "wheelhouse"

// managedBy labels every RBAC object Wheelhouse writes, so they can be
// listed (and told apart from the cluster's own).
const (
	managedByLabel = "app.kubernetes.io/managed-by"
	managedByValue = "wheelhouse"
)

// roleBindingName is the RoleBinding of a project role in a namespace; the
// name does not carry the project, so a namespace that moves to another
// project keeps its RoleBindings with new subjects.
func roleBindingName(role string) string { return Prefix + "project-" + role + "s" }

// clusterBindingName is the ClusterRoleBinding of a cluster role to one of
// its ClusterRoles.
func clusterBindingName(group, clusterRole string) string {
	return group + ":" + strings.TrimPrefix(clusterRole, Prefix)
}

// clusterReaderRules read the cluster-scoped kinds Wheelhouse's cluster
// viewers see.
var clusterReaderRules = []struct {
	group     string
	resources []string
}{
	{"", []string{"nodes", "namespaces", "persistentvolumes"}},
	{"storage.k8s.io", []string{"storageclasses", "csidrivers", "csinodes", "volumeattachments"}},
	{"networking.k8s.io", []string{"ingressclasses"}},
	{"scheduling.k8s.io", []string{"priorityclasses"}},
	{"node.k8s.io", []string{"runtimeclasses"}},
	{"apiextensions.k8s.io", []string{"customresourcedefinitions"}},
	{"metrics.k8s.io", []string{"nodes", "pods"}},
}

// applyClusterObjects writes the cluster-wide part: the cluster reader
// ClusterRole and the ClusterRoleBindings of the admins and cluster roles.
func applyClusterObjects(ctx context.Context, kube kubernetes.Interface) error {
	reader := rbacac.ClusterRole(clusterReader).WithLabels(map[string]string{managedByLabel: managedByValue})
	for _, r := range clusterReaderRules {
		reader.WithRules(rbacac.PolicyRule().WithAPIGroups(r.group).WithResources(r.resources...).WithVerbs("get", "list", "watch"))
	}
	opts := metav1.ApplyOptions{FieldManager: fieldManager, Force: true}
	if _, err := kube.RbacV1().ClusterRoles().Apply(ctx, reader, opts); err != nil {
		return fmt.Errorf("apply ClusterRole %s: %w", clusterReader, err)
	}
	bind := func(group, role string) error {
		crb := rbacac.ClusterRoleBinding(clusterBindingName(group, role)).
			WithLabels(map[string]string{managedByLabel: managedByValue}).
			WithRoleRef(rbacac.RoleRef().WithAPIGroup(rbacv1.GroupName).WithKind("ClusterRole").WithName(role)).
			WithSubjects(rbacac.Subject().WithAPIGroup(rbacv1.GroupName).WithKind(rbacv1.GroupKind).WithName(group))
		if _, err := kube.RbacV1().ClusterRoleBindings().Apply(ctx, crb, opts); err != nil {
			return fmt.Errorf("apply ClusterRoleBinding %s: %w", clusterBindingName(group, role), err)
		}
		return nil
	}
	if err := bind(groupAdmins, "cluster-admin"); err != nil {
		return err
	}
	for _, role := range slices.Sorted(maps.Keys(clusterRoles)) {
		for _, cr := range clusterRoles[role] {
			if err := bind(clusterGroup(role), cr); err != nil {
				return err
			}
		}
	}
	return nil
}

// syncNamespace gives namespace the RoleBindings of project's roles, or
// removes Wheelhouse's RoleBindings when project is empty (the namespace
// is in no project, or gone).
func syncNamespace(ctx context.Context, kube kubernetes.Interface, namespace, project string) error {
	client := kube.RbacV1().RoleBindings(namespace)
	for _, role := range []string{auth.RoleOwner, auth.RoleMember, auth.RoleViewer} {
		name := roleBindingName(role)
		if project == "" {
			if err := client.Delete(ctx, name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
				return fmt.Errorf("delete RoleBinding %s/%s: %w", namespace, name, err)
			}
			continue
		}
		rb := rbacac.RoleBinding(name, namespace).
			WithLabels(map[string]string{managedByLabel: managedByValue}).
			WithRoleRef(rbacac.RoleRef().WithAPIGroup(rbacv1.GroupName).WithKind("ClusterRole").WithName(projectRoles[role])).
			WithSubjects(rbacac.Subject().WithAPIGroup(rbacv1.GroupName).WithKind(rbacv1.GroupKind).WithName(projectGroup(project, role)))
		_, err := client.Apply(ctx, rb, metav1.ApplyOptions{FieldManager: fieldManager, Force: true})
		switch {
		case apierrors.IsNotFound(err), apierrors.IsForbidden(err) && strings.Contains(err.Error(), "being terminated"):
			return nil // the namespace is gone or going
		case err != nil:
			return fmt.Errorf("apply RoleBinding %s/%s: %w", namespace, name, err)
		}
	}
	return nil
}
