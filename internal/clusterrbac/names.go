// Package clusterrbac keeps Wheelhouse's roles in each member cluster as
// Kubernetes RBAC, so that requests Wheelhouse passes through on behalf of
// a user can be made as that user (impersonated) and the cluster's own
// authorization, escalation checks included, applies on top of
// Wheelhouse's.
//
// The RBAC is bound to groups, never to users: a role is a group the
// pass-through names when it impersonates the user (Groups), so granting
// or taking a role away in Wheelhouse takes effect at once without writing
// to any cluster. What is written is fixed per cluster (ClusterRoleBindings
// of the cluster roles) and per namespace of a project (RoleBindings of the
// project roles), and follows the namespaces as they move between
// projects.
package clusterrbac

import (
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// Prefix starts every name Wheelhouse gives a user, group or RBAC object in
// a member cluster, so none can be mistaken for the cluster's own.
const Prefix = "wheelhouse:"

// groupAdmins are Wheelhouse's global admins.
const groupAdmins = Prefix + "admins"

// User is the name a Wheelhouse user has in member clusters.
func User(username string) string { return Prefix + username }

// clusterGroup is the group of the users holding role on the whole cluster.
func clusterGroup(role string) string { return Prefix + "cluster-" + role + "s" }

// projectGroup is the group of the users holding role on project.
func projectGroup(project, role string) string {
	return Prefix + "project:" + project + ":" + role + "s"
}

// Groups are the groups a user is impersonated with in a cluster: one per
// role it holds there (bindings are its role bindings in that cluster),
// plus the admins' group for a global admin.
func Groups(p *auth.Principal, bindings []store.RoleBinding) []string {
	var out []string
	if p.IsAdmin() {
		out = append(out, groupAdmins)
	}
	for _, b := range bindings {
		if b.Project == "" {
			out = append(out, clusterGroup(b.Role))
		} else {
			out = append(out, projectGroup(b.Project, b.Role))
		}
	}
	return out
}

// projectRoles are the Kubernetes ClusterRoles each project role is bound
// to in its namespaces: Kubernetes' own admin, edit and view, so the
// cluster judges a project's users as it would its own.
var projectRoles = map[string]string{
	auth.RoleOwner:  "admin",
	auth.RoleMember: "edit",
	auth.RoleViewer: "view",
}

// clusterRoles are the ClusterRoles each cluster role is bound to across
// the cluster; members and viewers also get clusterReader, for the
// cluster-scoped kinds view does not cover.
var clusterRoles = map[string][]string{
	auth.RoleOwner:  {"cluster-admin"},
	auth.RoleMember: {"edit", clusterReader},
	auth.RoleViewer: {"view", clusterReader},
}

// clusterReader reads the cluster-scoped kinds a cluster viewer sees in
// Wheelhouse (nodes, namespaces, storage, classes, CRDs).
const clusterReader = Prefix + "cluster-reader"
