package projects

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/projects"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// MemberView is a user's role in a cluster or project.
type MemberView struct {
	Username string `json:"username"`
	Role     string `json:"role" enum:"owner,member,viewer"`
}

// ListMembersOutput lists members.
type ListMembersOutput struct {
	Body struct {
		Items []MemberView `json:"items" nullable:"false"`
	}
}

// ClusterMemberInput names a member of a cluster.
type ClusterMemberInput struct {
	operation.ClusterParam
	Username string `path:"username" maxLength:"64"`
}

// PutClusterMemberInput gives a user a role on a cluster.
type PutClusterMemberInput struct {
	ClusterMemberInput
	Body MemberRole
}

// ProjectMemberInput names a member of a project.
type ProjectMemberInput struct {
	ProjectParams
	Username string `path:"username" maxLength:"64"`
}

// PutProjectMemberInput gives a user a role on a project.
type PutProjectMemberInput struct {
	ProjectMemberInput
	Body MemberRole
}

// MemberRole is the body of a membership change.
type MemberRole struct {
	Role string `json:"role" enum:"owner,member,viewer" doc:"owner: everything in scope, members included; member: read all, change workloads and configuration; viewer: read"`
}

// MemberOutput is one membership.
type MemberOutput struct {
	Body MemberView
}

func registerMembers(api huma.API, d Deps) {
	perm := func(verb string) auth.Permission {
		return auth.Permission{Verb: verb, Resource: projects.ResourceMembers}
	}
	for _, scope := range []struct {
		base, kind string
	}{
		{"/api/v1/clusters/{cluster}/members", "cluster"},
		{"/api/v1/clusters/{cluster}/projects/{project}/members", "project"},
	} {
		list := operation.New(http.MethodGet, scope.base, "list-"+scope.kind+"-members", "List the "+scope.kind+"'s members", tags, perm(auth.VerbList))
		put := operation.New(http.MethodPut, scope.base+"/{username}", "put-"+scope.kind+"-member", "Give a user a role on the "+scope.kind, tags, perm(auth.VerbUpdate))
		put.Errors = append(put.Errors, http.StatusNotFound)
		del := operation.New(http.MethodDelete, scope.base+"/{username}", "delete-"+scope.kind+"-member", "Take a user's role on the "+scope.kind+" away", tags, perm(auth.VerbDelete))
		del.DefaultStatus = http.StatusNoContent
		del.Errors = append(del.Errors, http.StatusNotFound)

		if scope.kind == "cluster" {
			huma.Register(api, list, func(ctx context.Context, in *operation.ClusterParam) (*ListMembersOutput, error) {
				return listMembers(ctx, d, in.Cluster, "")
			})
			huma.Register(api, put, func(ctx context.Context, in *PutClusterMemberInput) (*MemberOutput, error) {
				return putMember(ctx, d, in.Cluster, "", in.Username, in.Body.Role)
			})
			huma.Register(api, del, func(ctx context.Context, in *ClusterMemberInput) (*struct{}, error) {
				return nil, deleteMember(ctx, d, in.Cluster, "", in.Username)
			})
			continue
		}
		huma.Register(api, list, func(ctx context.Context, in *ProjectParams) (*ListMembersOutput, error) {
			return listMembers(ctx, d, in.Cluster, in.Project)
		})
		huma.Register(api, put, func(ctx context.Context, in *PutProjectMemberInput) (*MemberOutput, error) {
			return putMember(ctx, d, in.Cluster, in.Project, in.Username, in.Body.Role)
		})
		huma.Register(api, del, func(ctx context.Context, in *ProjectMemberInput) (*struct{}, error) {
			return nil, deleteMember(ctx, d, in.Cluster, in.Project, in.Username)
		})
	}
}

// scopeExists checks the cluster, and the project when one is named.
func scopeExists(ctx context.Context, d Deps, cluster, project string) error {
	if _, err := d.Store.Clusters().GetByName(ctx, cluster); err != nil {
		return projectErr(cluster, "", err)
	}
	if project != "" {
		if _, err := d.Store.Projects().Get(ctx, cluster, project); err != nil {
			return projectErr(cluster, project, err)
		}
	}
	return nil
}

func members(ctx context.Context, d Deps, cluster, project string) ([]MemberView, error) {
	list, err := d.Store.RoleBindings().ForScope(ctx, cluster, project)
	if err != nil {
		return nil, fmt.Errorf("list members: %w", err)
	}
	out := make([]MemberView, 0, len(list))
	for _, rb := range list {
		u, err := d.Store.Users().Get(ctx, rb.UserID)
		if err != nil {
			return nil, fmt.Errorf("member %d: %w", rb.UserID, err)
		}
		out = append(out, MemberView{Username: u.Username, Role: rb.Role})
	}
	return out, nil
}

func listMembers(ctx context.Context, d Deps, cluster, project string) (*ListMembersOutput, error) {
	if err := scopeExists(ctx, d, cluster, project); err != nil {
		return nil, err
	}
	list, err := members(ctx, d, cluster, project)
	if err != nil {
		return nil, err
	}
	out := &ListMembersOutput{}
	out.Body.Items = list
	return out, nil
}

func putMember(ctx context.Context, d Deps, cluster, project, username, role string) (*MemberOutput, error) {
	if err := scopeExists(ctx, d, cluster, project); err != nil {
		return nil, err
	}
	u, err := d.Store.Users().GetByUsername(ctx, username)
	if errors.Is(err, store.ErrNotFound) {
		return nil, huma.Error404NotFound(fmt.Sprintf("user %q not found", username))
	}
	if err != nil {
		return nil, fmt.Errorf("get user %q: %w", username, err)
	}
	rb := &store.RoleBinding{UserID: u.ID, Cluster: cluster, Project: project, Role: role, CreatedBy: auth.PrincipalFrom(ctx).Username}
	if err := d.Store.RoleBindings().Put(ctx, rb); err != nil {
		return nil, fmt.Errorf("bind %q: %w", username, err)
	}
	return &MemberOutput{Body: MemberView{Username: username, Role: role}}, nil
}

func deleteMember(ctx context.Context, d Deps, cluster, project, username string) error {
	u, err := d.Store.Users().GetByUsername(ctx, username)
	if err == nil {
		err = d.Store.RoleBindings().Delete(ctx, u.ID, cluster, project)
	}
	if errors.Is(err, store.ErrNotFound) {
		return huma.Error404NotFound(fmt.Sprintf("%q is not a member", username))
	}
	return err
}
