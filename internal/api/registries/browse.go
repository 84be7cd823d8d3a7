package registries

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/registry"
)

// BrowseParams page and filter a listing of a registry.
type BrowseParams struct {
	Limit    int    `query:"limit" minimum:"1" maximum:"100" default:"50" doc:"Largest number of items to return"`
	Continue string `query:"continue" maxLength:"4096" doc:"Token from the previous page's continue field"`
	Name     string `query:"name" maxLength:"255" doc:"Keep items whose name contains this (on the registry's side where its API filters)"`
}

func (p BrowseParams) page() registry.Page {
	return registry.Page{Limit: p.Limit, Continue: p.Continue, Filter: p.Name}
}

// RegistryPage is one page of a registry listing.
type RegistryPage[T any] struct {
	Items    []T    `json:"items" nullable:"false"`
	Continue string `json:"continue,omitempty" doc:"Pass as ?continue= for the next page; absent on the last"`
	Total    *int   `json:"total,omitempty" doc:"Items in all pages, where the registry says"`
}

func page[T, V any](l *registry.List[T], view func(T) V) RegistryPage[V] {
	out := RegistryPage[V]{Items: []V{}, Continue: l.Continue}
	if l.Total >= 0 {
		out.Total = &l.Total
	}
	for _, it := range l.Items {
		out.Items = append(out.Items, view(it))
	}
	return out
}

// RegistryNamespace is a Harbor project, an ACR or TCR namespace.
type RegistryNamespace struct {
	Name         string     `json:"name"`
	Repositories *int       `json:"repositories,omitempty"`
	Public       *bool      `json:"public,omitempty"`
	CreatedAt    *time.Time `json:"createdAt,omitempty"`
}

// RegistryRepository is a repository of a registry.
type RegistryRepository struct {
	Name      string     `json:"name" doc:"Full name, namespace included"`
	Namespace string     `json:"namespace,omitempty"`
	Tags      *int       `json:"tags,omitempty" doc:"Number of tags (or artifacts, for Harbor), where the registry says"`
	UpdatedAt *time.Time `json:"updatedAt,omitempty"`
}

// ImagePlatform is an OS and architecture.
type ImagePlatform struct {
	OS           string `json:"os"`
	Architecture string `json:"architecture"`
	Variant      string `json:"variant,omitempty"`
}

// ImageTag is a tag and the artifact it names.
type ImageTag struct {
	Name      string          `json:"name" doc:"Empty for a Harbor artifact without tags"`
	Digest    string          `json:"digest,omitempty"`
	MediaType string          `json:"mediaType,omitempty"`
	Size      int64           `json:"size,omitempty" doc:"Bytes: manifest, config and layers (an index: all its images)"`
	PushedAt  *time.Time      `json:"pushedAt,omitempty" doc:"Absent where the registry keeps no push time (distribution)"`
	Platforms []ImagePlatform `json:"platforms" nullable:"false" doc:"An index's images' platforms; a single image's own"`
}

func count(n int) *int {
	if n < 0 {
		return nil
	}
	return &n
}

// NamespacesInput lists a registry's namespaces.
type NamespacesInput struct {
	NameParam
	BrowseParams
}

// RepositoriesInput lists a registry's repositories.
type RepositoriesInput struct {
	NameParam
	BrowseParams
	Namespace string `query:"namespace" maxLength:"255" doc:"Only this namespace's repositories"`
}

// TagsInput lists a repository's tags.
type TagsInput struct {
	NameParam
	BrowseParams
	Repository string `query:"repository" required:"true" minLength:"1" maxLength:"255" doc:"Full repository name"`
}

// DeleteTagInput deletes a tag.
type DeleteTagInput struct {
	NameParam
	Repository string `query:"repository" required:"true" minLength:"1" maxLength:"255" doc:"Full repository name"`
	Tag        string `query:"tag" required:"true" minLength:"1" maxLength:"128" doc:"Tag to delete"`
}

// NamespacesOutput is a page of namespaces.
type NamespacesOutput struct {
	Body RegistryPage[RegistryNamespace]
}

// RepositoriesOutput is a page of repositories.
type RepositoriesOutput struct {
	Body RegistryPage[RegistryRepository]
}

// TagsOutput is a page of tags.
type TagsOutput struct{ Body RegistryPage[ImageTag] }

func (h *handlers) registerBrowse(api huma.API) {
	errs := []int{http.StatusNotFound, http.StatusFailedDependency}
	ns := operation.New(http.MethodGet, "/registries/{registry}/namespaces", "list-registry-namespaces",
		"List a registry's namespaces (Harbor projects, ACR and TCR namespaces)", tags, perm(auth.VerbGet))
	ns.Errors = append(ns.Errors, errs...)
	operation.RegisterScoped(api, ns, h.namespaces)

	repos := operation.New(http.MethodGet, "/registries/{registry}/repositories", "list-registry-repositories", "List a registry's repositories", tags, perm(auth.VerbGet))
	repos.Errors = append(repos.Errors, errs...)
	operation.RegisterScoped(api, repos, h.repositories)

	tagList := operation.New(http.MethodGet, "/registries/{registry}/tags", "list-registry-tags",
		"List a repository's tags with digest, size, push time and platforms", tags, perm(auth.VerbGet))
	tagList.Errors = append(tagList.Errors, errs...)
	operation.RegisterScoped(api, tagList, h.tags)

	del := operation.New(http.MethodDelete, "/registries/{registry}/tags", "delete-registry-tag", "Delete a tag from a repository", tags, perm(auth.VerbDelete))
	del.DefaultStatus = http.StatusNoContent
	del.Errors = append(del.Errors, errs...)
	operation.RegisterScoped(api, del, h.deleteTag)
}

// open returns the adapter of the registry the path names.
func (h *handlers) open(ctx context.Context, in NameParam) (registry.Adapter, error) {
	reg, err := h.find(ctx, in)
	if err != nil {
		return nil, err
	}
	a, err := h.opener.Open(ctx, reg)
	if err != nil {
		return nil, registryProblem(ctx, err, "registry.")
	}
	return a, nil
}

func (h *handlers) namespaces(ctx context.Context, in *NamespacesInput) (*NamespacesOutput, error) {
	a, err := h.open(ctx, in.NameParam)
	if err != nil {
		return nil, err
	}
	l, err := a.Namespaces(ctx, in.page())
	if err != nil {
		return nil, registryProblem(ctx, err, "registry.")
	}
	return &NamespacesOutput{Body: page(l, func(n registry.Namespace) RegistryNamespace {
		return RegistryNamespace{Name: n.Name, Repositories: count(n.Repositories), Public: n.Public, CreatedAt: n.CreatedAt}
	})}, nil
}

func (h *handlers) repositories(ctx context.Context, in *RepositoriesInput) (*RepositoriesOutput, error) {
	a, err := h.open(ctx, in.NameParam)
	if err != nil {
		return nil, err
	}
	l, err := a.Repositories(ctx, in.Namespace, in.page())
	if err != nil {
		return nil, registryProblem(ctx, err, "registry.")
	}
	return &RepositoriesOutput{Body: page(l, func(r registry.Repository) RegistryRepository {
		return RegistryRepository{Name: r.Name, Namespace: r.Namespace, Tags: count(r.Tags), UpdatedAt: r.UpdatedAt}
	})}, nil
}

func tagView(t registry.Tag) ImageTag {
	out := ImageTag{Name: t.Name, Digest: t.Digest, MediaType: t.MediaType, Size: t.Size, PushedAt: t.PushedAt, Platforms: []ImagePlatform{}}
	for _, p := range t.Platforms {
		out.Platforms = append(out.Platforms, ImagePlatform(p))
	}
	return out
}

func (h *handlers) tags(ctx context.Context, in *TagsInput) (*TagsOutput, error) {
	a, err := h.open(ctx, in.NameParam)
	if err != nil {
		return nil, err
	}
	l, err := a.Tags(ctx, in.Repository, in.page())
	if err != nil {
		return nil, registryProblem(ctx, err, "registry.")
	}
	return &TagsOutput{Body: page(l, tagView)}, nil
}

func (h *handlers) deleteTag(ctx context.Context, in *DeleteTagInput) (*struct{}, error) {
	a, err := h.open(ctx, in.NameParam)
	if err != nil {
		return nil, err
	}
	operation.NoteTarget(ctx, fmt.Sprintf("%s %s:%s", operation.Request(ctx).Path, in.Repository, in.Tag))
	if err := a.DeleteTag(ctx, in.Repository, in.Tag); err != nil {
		return nil, registryProblem(ctx, err, "registry.")
	}
	return nil, nil
}
