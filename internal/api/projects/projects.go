// Package projects serves projects (namespaces of one cluster grouped, with
// an optional quota divided among them) and memberships: users' roles
// (owner, member, viewer) on a whole cluster or on one project.
package projects

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/projects"
	"github.com/wheelhouse-dev/wheelhouse/internal/provider"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// Deps are what the project endpoints need.
type Deps struct {
	Store    *store.Store
	Projects *projects.Service
}

var tags = []string{"Projects"}

// ProjectView is a project as the API shows it.
type ProjectView struct {
	Cluster        string            `json:"cluster"`
	Name           string            `json:"name"`
	DisplayName    string            `json:"displayName"`
	Description    string            `json:"description"`
	Quota          map[string]string `json:"quota,omitempty" doc:"The project's total hard limits"`
	NamespaceQuota map[string]string `json:"namespaceQuota,omitempty" doc:"Each namespace's share, applied as a ResourceQuota in it"`
	Namespaces     []string          `json:"namespaces" nullable:"false" doc:"Namespaces labelled wheelhouse.dev/project=<name>"`
	Members        []MemberView      `json:"members" nullable:"false"`
	CreatedBy      string            `json:"createdBy,omitempty"`
	CreatedAt      time.Time         `json:"createdAt"`
}

// ProjectParams name a project in the path.
type ProjectParams struct {
	operation.ClusterParam
	Project string `path:"project" maxLength:"63"`
}

// ProjectBody is the body of create and update.
type ProjectBody struct {
	Name           string            `json:"name,omitempty" maxLength:"63" doc:"DNS label (create only)"`
	DisplayName    *string           `json:"displayName,omitempty" maxLength:"128"`
	Description    *string           `json:"description,omitempty" maxLength:"1024"`
	Quota          map[string]string `json:"quota,omitempty" doc:"Total hard limits, e.g. {\"limits.cpu\": \"20\", \"requests.memory\": \"64Gi\"}"`
	NamespaceQuota map[string]string `json:"namespaceQuota,omitempty" doc:"Each namespace's share of quota"`
}

// CreateProjectInput creates a project.
type CreateProjectInput struct {
	operation.ClusterParam
	Body ProjectBody
}

// UpdateProjectInput updates a project.
type UpdateProjectInput struct {
	ProjectParams
	Body ProjectBody
}

// DeleteProjectInput deletes a project.
type DeleteProjectInput struct {
	ProjectParams
	Force bool `query:"force" doc:"Take the project's namespaces out of it first (they are not deleted)"`
}

// ProjectOutput carries one project.
type ProjectOutput struct {
	Body ProjectView
}

// ListProjectsInput pages a cluster's projects.
type ListProjectsInput struct {
	operation.ClusterParam
	operation.ListParams
}

// ListProjectsOutput is one page of projects.
type ListProjectsOutput struct {
	Body operation.List[ProjectView]
}

// ProjectNamespaceInput names a namespace to add to a project.
type ProjectNamespaceInput struct {
	ProjectParams
	Body struct {
		Namespace string `json:"namespace" maxLength:"63"`
	}
}

// ProjectNamespaceParams names a namespace of a project in the path.
type ProjectNamespaceParams struct {
	ProjectParams
	Namespace string `path:"namespace" maxLength:"63" pattern:"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$" patternDescription:"a namespace name"`
}

// Register adds the project and membership endpoints to api.
func Register(api huma.API, d Deps) {
	perm := func(verb string) auth.Permission {
		return auth.Permission{Verb: verb, Resource: projects.ResourceProjects}
	}
	base := "/api/v1/clusters/{cluster}/projects"

	huma.Register(api, operation.AnyProject(operation.New(http.MethodGet, base, "list-projects", "List a cluster's projects", tags, perm(auth.VerbList))),
		func(ctx context.Context, in *ListProjectsInput) (*ListProjectsOutput, error) {
			list, next, err := visibleProjects(ctx, d, in)
			if err != nil {
				return nil, err
			}
			out := &ListProjectsOutput{}
			out.Body.Items, out.Body.Continue = make([]ProjectView, 0, len(list)), next
			for i := range list {
				v, err := view(ctx, d, &list[i])
				if err != nil {
					return nil, err
				}
				out.Body.Items = append(out.Body.Items, v)
			}
			return out, nil
		})

	create := operation.New(http.MethodPost, base, "create-project", "Create a project", tags, perm(auth.VerbCreate))
	create.DefaultStatus = http.StatusCreated
	create.Errors = append(create.Errors, http.StatusNotFound, http.StatusConflict)
	huma.Register(api, create, func(ctx context.Context, in *CreateProjectInput) (*ProjectOutput, error) {
		if _, err := d.Store.Clusters().GetByName(ctx, in.Cluster); err != nil {
			return nil, projectErr(in.Cluster, in.Body.Name, err)
		}
		p := &store.Project{Cluster: in.Cluster, Name: in.Body.Name, Quota: in.Body.Quota, NamespaceQuota: in.Body.NamespaceQuota,
			CreatedBy: auth.PrincipalFrom(ctx).Username}
		if in.Body.DisplayName != nil {
			p.DisplayName = *in.Body.DisplayName
		}
		if in.Body.Description != nil {
			p.Description = *in.Body.Description
		}
		if err := projects.Validate(p); err != nil {
			return nil, projectErr(in.Cluster, p.Name, err)
		}
		if err := d.Store.Projects().Create(ctx, p); err != nil {
			return nil, projectErr(in.Cluster, p.Name, err)
		}
		v, err := view(ctx, d, p)
		return &ProjectOutput{Body: v}, err
	})

	get := operation.New(http.MethodGet, base+"/{project}", "get-project", "Get a project with its namespaces and members", tags, perm(auth.VerbGet))
	get.Errors = append(get.Errors, http.StatusNotFound)
	huma.Register(api, get, func(ctx context.Context, in *ProjectParams) (*ProjectOutput, error) {
		p, err := d.Store.Projects().Get(ctx, in.Cluster, in.Project)
		if err != nil {
			return nil, projectErr(in.Cluster, in.Project, err)
		}
		v, err := view(ctx, d, p)
		return &ProjectOutput{Body: v}, err
	})

	update := operation.New(http.MethodPatch, base+"/{project}", "update-project", "Change a project's names or quotas", tags, perm(auth.VerbUpdate))
	update.Errors = append(update.Errors, http.StatusNotFound)
	huma.Register(api, update, func(ctx context.Context, in *UpdateProjectInput) (*ProjectOutput, error) {
		p, err := d.Store.Projects().Get(ctx, in.Cluster, in.Project)
		if err != nil {
			return nil, projectErr(in.Cluster, in.Project, err)
		}
		if in.Body.Name != "" && in.Body.Name != p.Name {
			return nil, huma.Error422UnprocessableEntity("a project cannot be renamed", &huma.ErrorDetail{Location: "body.name", Message: "cannot change"})
		}
		if in.Body.DisplayName != nil {
			p.DisplayName = *in.Body.DisplayName
		}
		if in.Body.Description != nil {
			p.Description = *in.Body.Description
		}
		if in.Body.Quota != nil {
			p.Quota = in.Body.Quota
		}
		if in.Body.NamespaceQuota != nil {
			p.NamespaceQuota = in.Body.NamespaceQuota
		}
		if err := projects.Validate(p); err != nil {
			return nil, projectErr(in.Cluster, p.Name, err)
		}
		if err := d.Store.Projects().Update(ctx, p); err != nil {
			return nil, projectErr(in.Cluster, p.Name, err)
		}
		v, err := view(ctx, d, p)
		return &ProjectOutput{Body: v}, err
	})

	del := operation.New(http.MethodDelete, base+"/{project}", "delete-project", "Delete a project (its namespaces stay)", tags, perm(auth.VerbDelete))
	del.DefaultStatus = http.StatusNoContent
	del.Errors = append(del.Errors, http.StatusNotFound, http.StatusConflict)
	huma.Register(api, del, func(ctx context.Context, in *DeleteProjectInput) (*struct{}, error) {
		p, err := d.Store.Projects().Get(ctx, in.Cluster, in.Project)
		if err != nil {
			return nil, projectErr(in.Cluster, in.Project, err)
		}
		names, err := d.Projects.Namespaces(in.Cluster, in.Project)
		if err != nil {
			return nil, operation.ClusterError(err)
		}
		if len(names) > 0 && !in.Force {
			return nil, huma.Error409Conflict(fmt.Sprintf("project %q still has namespaces %v; pass force=true to take them out of it", in.Project, names))
		}
		for _, ns := range names {
			if err := d.Projects.RemoveNamespace(ctx, p, ns); err != nil {
				return nil, operation.ClusterError(err)
			}
		}
		return nil, projectErr(in.Cluster, in.Project, d.Store.Projects().Delete(ctx, p))
	})

	add := operation.New(http.MethodPost, base+"/{project}/namespaces", "add-project-namespace",
		"Move a namespace into the project (and give it its share of the quota)", tags, perm(auth.VerbUpdate))
	add.Errors = append(add.Errors, http.StatusNotFound)
	huma.Register(api, add, func(ctx context.Context, in *ProjectNamespaceInput) (*ProjectOutput, error) {
		p, err := d.Store.Projects().Get(ctx, in.Cluster, in.Project)
		if err != nil {
			return nil, projectErr(in.Cluster, in.Project, err)
		}
		if err := d.Projects.AddNamespace(ctx, p, in.Body.Namespace); err != nil {
			if errors.Is(err, projects.ErrQuotaExhausted) {
				return nil, huma.Error422UnprocessableEntity(err.Error(), &huma.ErrorDetail{Location: "body.namespace", Message: err.Error()})
			}
			return nil, operation.ClusterError(err)
		}
		v, err := view(ctx, d, p)
		return &ProjectOutput{Body: v}, err
	})

	remove := operation.New(http.MethodDelete, base+"/{project}/namespaces/{namespace}", "remove-project-namespace",
		"Take a namespace out of the project (the namespace stays)", tags, perm(auth.VerbUpdate))
	remove.DefaultStatus = http.StatusNoContent
	remove.Errors = append(remove.Errors, http.StatusNotFound)
	huma.Register(api, remove, func(ctx context.Context, in *ProjectNamespaceParams) (*struct{}, error) {
		p, err := d.Store.Projects().Get(ctx, in.Cluster, in.Project)
		if err != nil {
			return nil, projectErr(in.Cluster, in.Project, err)
		}
		return nil, operation.ClusterError(d.Projects.RemoveNamespace(ctx, p, in.Namespace))
	})

	registerMembers(api, d)
}

func view(ctx context.Context, d Deps, p *store.Project) (ProjectView, error) {
	v := ProjectView{Cluster: p.Cluster, Name: p.Name, DisplayName: p.DisplayName, Description: p.Description,
		Quota: p.Quota, NamespaceQuota: p.NamespaceQuota, CreatedBy: p.CreatedBy, CreatedAt: p.CreatedAt, Namespaces: []string{}}
	// A cluster that is down still shows its projects, without namespaces.
	if names, err := d.Projects.Namespaces(p.Cluster, p.Name); err == nil {
		v.Namespaces = names
	}
	members, err := members(ctx, d, p.Cluster, p.Name)
	if err != nil {
		return v, err
	}
	v.Members = members
	return v, nil
}

func projectErr(cluster, name string, err error) error {
	var fe *provider.FieldError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &fe):
		return huma.Error422UnprocessableEntity(fe.Message, &huma.ErrorDetail{Location: "body." + fe.Field, Message: fe.Message})
	case errors.Is(err, store.ErrConflict):
		return huma.Error409Conflict(fmt.Sprintf("project %q already exists in cluster %q", name, cluster))
	case errors.Is(err, store.ErrNotFound):
		return huma.Error404NotFound(fmt.Sprintf("%s not found", describe(cluster, name)))
	}
	return err
}

func describe(cluster, name string) string {
	if name == "" {
		return fmt.Sprintf("cluster %q", cluster)
	}
	return fmt.Sprintf("project %q in cluster %q (or the cluster)", name, cluster)
}

// visibleProjects pages the cluster's projects for a caller who may see
// them all, and otherwise returns the caller's own projects, which are few,
// in one page.
func visibleProjects(ctx context.Context, d Deps, in *ListProjectsInput) ([]store.Project, string, error) {
	vis := operation.VisibleProjects(ctx)
	if vis.All {
		list, next, err := d.Store.Projects().List(ctx, in.Cluster, store.ListOptions{Limit: in.Limit, Continue: in.Continue})
		if errors.Is(err, store.ErrInvalidContinue) {
			return nil, "", operation.InvalidContinue()
		}
		if err != nil {
			return nil, "", fmt.Errorf("list projects: %w", err)
		}
		return list, next, nil
	}
	if in.Continue != "" {
		return nil, "", operation.InvalidContinue()
	}
	names := slices.Sorted(slices.Values(vis.Projects))
	list := make([]store.Project, 0, len(names))
	for _, name := range slices.Compact(names) {
		p, err := d.Store.Projects().Get(ctx, in.Cluster, name)
		if errors.Is(err, store.ErrNotFound) {
			continue // a binding left by a project deleted meanwhile
		}
		if err != nil {
			return nil, "", fmt.Errorf("get project %q: %w", name, err)
		}
		list = append(list, *p)
	}
	return list, "", nil
}
