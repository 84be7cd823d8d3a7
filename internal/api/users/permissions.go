package users

import (
	"context"
	"errors"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
)

// PermissionsInput names the scope whose permissions the caller asks for.
type PermissionsInput struct {
	operation.ClusterParam
	Namespace string `query:"namespace" maxLength:"63" doc:"A namespace: the rules of its project apply too"`
	Project   string `query:"project" maxLength:"63" doc:"A project of the cluster"`
}

// RuleView grants verbs on resources; "*" matches any.
type RuleView struct {
	Verbs     []string `json:"verbs" nullable:"false" doc:"get, list, create, update, delete, or *"`
	Resources []string `json:"resources" nullable:"false" doc:"Wheelhouse resources (pods, deployments, secrets, projects, members, ...), Kubernetes resources with their subresource (pods/exec), or *"`
}

// PermissionsOutput is what the caller may do in a scope.
type PermissionsOutput struct {
	Body struct {
		Admin bool       `json:"admin" doc:"A global admin: everything, everywhere"`
		Rules []RuleView `json:"rules" nullable:"false"`
	}
}

func registerPermissions(api huma.API, d Deps) {
	op := operation.New(http.MethodGet, "/api/v1/clusters/{cluster}/permissions", "get-my-permissions",
		"What you may do in a cluster, a project or a namespace", tags, auth.Permission{Verb: auth.VerbGet, Resource: auth.ResourceSelf})
	op.Description = "The rules of your global role and of your roles in the scope, for a console to offer only what " +
		"they allow (like Kubernetes' SelfSubjectRulesReview). Every request is still authorized on its own. " +
		"A namespace's rules include those of its project."
	op.Errors = append(op.Errors, http.StatusServiceUnavailable)
	huma.Register(api, op, func(ctx context.Context, in *PermissionsInput) (*PermissionsOutput, error) {
		admin, rules, err := d.Authorizer.RulesIn(ctx, auth.PrincipalFrom(ctx),
			auth.Scope{Cluster: in.Cluster, Project: in.Project, Namespace: in.Namespace})
		if err != nil {
			if cerr := operation.ClusterError(err); !errors.Is(cerr, err) {
				return nil, cerr
			}
			operation.Request(ctx).Err = err
			return nil, huma.Error503ServiceUnavailable("cannot read your roles right now")
		}
		out := &PermissionsOutput{}
		out.Body.Admin, out.Body.Rules = admin, make([]RuleView, 0, len(rules))
		for _, r := range rules {
			out.Body.Rules = append(out.Body.Rules, RuleView{Verbs: r.Verbs, Resources: r.Resources})
		}
		return out, nil
	})
}
