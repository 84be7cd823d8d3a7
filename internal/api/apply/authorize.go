package apply

import (
	"context"
	"fmt"

	"github.com/danielgtaylor/huma/v2"
	"k8s.io/apiserver/pkg/endpoints/request"

	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
)

// authorize decides whether the caller may apply pl (create or change the
// object), as the pass-through decides a patch of it: the route only lets
// those in who may write through Wheelhouse's generic routes, and each
// document is then judged by its kind and namespace (a project's member
// may apply a Deployment there, not a RoleBinding or the project's quota).
// A refusal names the document; nothing is applied.
func (d Deps) authorize(ctx context.Context, cluster string, pl *planned) error {
	kr := auth.KubeRequest{RequestInfo: request.RequestInfo{IsResourceRequest: true, Verb: "patch",
		APIGroup: pl.resource.Group, APIVersion: pl.resource.Version, Resource: pl.resource.Resource,
		Namespace: pl.obj.GetNamespace(), Name: pl.obj.GetName()}}
	err := d.AuthorizeKube(ctx, cluster, kr)
	se, ok := err.(huma.StatusError)
	if !ok {
		return err
	}
	msg := fmt.Sprintf("document %d (%s): %s", pl.index, pl.describe(), err.Error())
	return huma.NewError(se.GetStatus(), msg, &huma.ErrorDetail{Location: location(pl.index, "kind"), Message: err.Error()})
}
