package operation

import (
	"context"

	"github.com/danielgtaylor/huma/v2"
)

const metaAnyProject = "wheelhouse.anyProject"

// AnyProject marks a cluster-scoped list that a caller may also call when
// it holds the operation's permission only in some of the cluster's
// projects (a project member listing the cluster's projects). The
// authorizer then lets the request through and tells the handler, through
// VisibleProjects, which projects the caller may see; the handler must
// show nothing else.
func AnyProject(op huma.Operation) huma.Operation {
	op.Metadata[metaAnyProject] = true
	op.Description += "\n\nCallers whose role covers only some of the cluster's projects see only those."
	return op
}

// IsAnyProject reports whether op was declared with AnyProject.
func IsAnyProject(op *huma.Operation) bool {
	v, _ := op.Metadata[metaAnyProject].(bool)
	return v
}

// Visibility is what an AnyProject operation may show its caller: the whole
// cluster, or only the named projects.
type Visibility struct {
	All      bool
	Projects []string
}

type visibilityKey struct{}

// VisibilityContextKey is the context key of the request's Visibility.
func VisibilityContextKey() any { return visibilityKey{} }

// VisibleProjects returns the Visibility the authorizer granted the request.
// Outside an AnyProject operation it is the zero Visibility (nothing).
func VisibleProjects(ctx context.Context) Visibility {
	v, _ := ctx.Value(visibilityKey{}).(Visibility)
	return v
}
