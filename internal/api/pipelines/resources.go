package pipelines

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"

	"github.com/danielgtaylor/huma/v2"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/credentials"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// kind is one of the pipeline resources as the API serves it.
type kind struct {
	// path is its collection's path segment; singular names one in
	// operation ids; name is its Kubernetes kind.
	path, singular, name string
	newObj               func() client.Object
	newList              func() client.ObjectList
	// readOnly kinds are created by Wheelhouse (executions): listed, read
	// and deleted, never written through these routes.
	readOnly bool
	// credentials are the credential store references an object holds.
	credentials func(client.Object) []credentialRef
	// own sets what the caller cannot choose (a credential's user).
	own func(context.Context, client.Object)
}

// credentialRef is a reference to the credential store in an object.
type credentialRef struct {
	field    string
	id       int64
	wantType string
}

var (
	providerKind = kind{
		path: "source-code-providers", singular: "source-code-provider", name: "SourceCodeProviderConfig",
		newObj:  func() client.Object { return &devopsv1alpha1.SourceCodeProviderConfig{} },
		newList: func() client.ObjectList { return &devopsv1alpha1.SourceCodeProviderConfigList{} },
		credentials: func(o client.Object) []credentialRef {
			p := o.(*devopsv1alpha1.SourceCodeProviderConfig)
			if p.Spec.OAuth == nil {
				return nil
			}
			return []credentialRef{{field: "spec.oauth.clientSecret.id", id: p.Spec.OAuth.ClientSecret.ID, wantType: credentials.TypeOAuthClient}}
		},
	}
	credentialKind = kind{
		path: "source-code-credentials", singular: "source-code-credential", name: "SourceCodeCredential",
		newObj:  func() client.Object { return &devopsv1alpha1.SourceCodeCredential{} },
		newList: func() client.ObjectList { return &devopsv1alpha1.SourceCodeCredentialList{} },
		credentials: func(o client.Object) []credentialRef {
			c := o.(*devopsv1alpha1.SourceCodeCredential)
			return []credentialRef{{field: "spec.token.id", id: c.Spec.Token.ID, wantType: credentials.TypeGitToken}}
		},
		own: func(ctx context.Context, o client.Object) {
			o.(*devopsv1alpha1.SourceCodeCredential).Spec.UserName = auth.PrincipalFrom(ctx).Username
		},
	}
	repositoryKind = kind{
		path: "source-code-repositories", singular: "source-code-repository", name: "SourceCodeRepository",
		newObj:  func() client.Object { return &devopsv1alpha1.SourceCodeRepository{} },
		newList: func() client.ObjectList { return &devopsv1alpha1.SourceCodeRepositoryList{} },
	}
	settingKind = kind{
		path: "pipeline-settings", singular: "pipeline-setting", name: "PipelineSetting",
		newObj:  func() client.Object { return &devopsv1alpha1.PipelineSetting{} },
		newList: func() client.ObjectList { return &devopsv1alpha1.PipelineSettingList{} },
	}
	pipelineKind = kind{
		path: "pipelines", singular: "pipeline", name: "Pipeline",
		newObj:  func() client.Object { return &devopsv1alpha1.Pipeline{} },
		newList: func() client.ObjectList { return &devopsv1alpha1.PipelineList{} },
	}
	executionKind = kind{
		path: "pipeline-executions", singular: "pipeline-execution", name: "PipelineExecution", readOnly: true,
		newObj:  func() client.Object { return &devopsv1alpha1.PipelineExecution{} },
		newList: func() client.ObjectList { return &devopsv1alpha1.PipelineExecutionList{} },
	}
)

// kinds are the pipeline resources, in the order their routes are
// registered.
var kinds = []kind{providerKind, credentialKind, repositoryKind, settingKind, pipelineKind, executionKind}

// ListInput lists one kind.
type ListInput struct {
	ProjectParam
	Pipeline string `query:"pipeline" maxLength:"253" doc:"Only the executions of this pipeline (pipeline-executions only)"`
}

// NameInput names one object.
type NameInput struct {
	ProjectParam
	Name string `path:"name" maxLength:"253"`
}

// BodyInput carries an object as JSON.
type BodyInput struct {
	ProjectParam
	RawBody []byte `contentType:"application/json" doc:"The object (devops.wheelhouse.dev/v1alpha1) as JSON: metadata.name and spec"`
}

// NamedBodyInput carries an object to replace one.
type NamedBodyInput struct {
	NameInput
	RawBody []byte `contentType:"application/json" doc:"The object with metadata.resourceVersion; a stale one gives 409"`
}

// JSONOutput is an object or a list as JSON.
type JSONOutput struct {
	Status      int
	ContentType string `header:"Content-Type"`
	Body        []byte
}

func (h *handlers) registerResources(api huma.API) {
	for _, k := range kinds {
		base := prefix + "/" + k.path
		list := operation.New(http.MethodGet, base, "list-"+k.path, "List the project's "+k.name+"s", tags, perm(auth.VerbList))
		list.Errors = append(list.Errors, http.StatusNotFound)
		huma.Register(api, list, func(ctx context.Context, in *ListInput) (*JSONOutput, error) { return h.list(ctx, k, in) })

		get := operation.New(http.MethodGet, base+"/{name}", "get-"+k.singular, "Get a "+k.name, tags, perm(auth.VerbGet))
		get.Errors = append(get.Errors, http.StatusNotFound)
		huma.Register(api, get, func(ctx context.Context, in *NameInput) (*JSONOutput, error) { return h.get(ctx, k, in) })

		del := operation.New(http.MethodDelete, base+"/{name}", "delete-"+k.singular, "Delete a "+k.name, tags, perm(auth.VerbDelete))
		del.DefaultStatus = http.StatusNoContent
		del.Errors = append(del.Errors, http.StatusNotFound)
		huma.Register(api, del, func(ctx context.Context, in *NameInput) (*struct{}, error) { return nil, h.delete(ctx, k, in) })
		if k.readOnly {
			continue
		}

		create := operation.New(http.MethodPost, base, "create-"+k.singular, "Create a "+k.name, tags, perm(auth.VerbCreate))
		create.Description = "The body is the object as JSON (metadata.name and spec); the API server validates it, and a problem names the field."
		create.DefaultStatus = http.StatusCreated
		create.Errors = append(create.Errors, http.StatusNotFound, http.StatusConflict)
		create.SkipValidateBody = true
		huma.Register(api, create, func(ctx context.Context, in *BodyInput) (*JSONOutput, error) { return h.create(ctx, k, in) })

		replace := operation.New(http.MethodPut, base+"/{name}", "replace-"+k.singular, "Replace a "+k.name+"'s spec", tags, perm(auth.VerbUpdate))
		replace.Errors = append(replace.Errors, http.StatusNotFound, http.StatusConflict)
		replace.SkipValidateBody = true
		huma.Register(api, replace, func(ctx context.Context, in *NamedBodyInput) (*JSONOutput, error) { return h.replace(ctx, k, in) })
	}
}

func (h *handlers) list(ctx context.Context, k kind, in *ListInput) (*JSONOutput, error) {
	ns, c, err := h.project(ctx, in.ProjectParam)
	if err != nil {
		return nil, err
	}
	list := k.newList()
	opts := []client.ListOption{client.InNamespace(ns)}
	if in.Pipeline != "" {
		opts = append(opts, client.MatchingLabels{devopsv1alpha1.LabelPipeline: in.Pipeline})
	}
	if err := c.Reader.List(ctx, list, opts...); err != nil {
		return nil, operation.ClusterError(err)
	}
	items, err := meta.ExtractList(list)
	if err != nil {
		return nil, err
	}
	for _, o := range items {
		tidy(o.(client.Object), k)
	}
	if execs, ok := list.(*devopsv1alpha1.PipelineExecutionList); ok {
		// Newest first, as a pipeline's history reads.
		sort.SliceStable(execs.Items, func(i, j int) bool {
			a, b := execs.Items[i], execs.Items[j]
			if !a.CreationTimestamp.Equal(&b.CreationTimestamp) {
				return b.CreationTimestamp.Before(&a.CreationTimestamp)
			}
			return a.Spec.RunNumber > b.Spec.RunNumber
		})
	}
	return jsonOut(http.StatusOK, list)
}

func (h *handlers) get(ctx context.Context, k kind, in *NameInput) (*JSONOutput, error) {
	obj := k.newObj()
	if _, _, err := h.read(ctx, in.ProjectParam, k, in.Name, obj); err != nil {
		return nil, err
	}
	tidy(obj, k)
	return jsonOut(http.StatusOK, obj)
}

func (h *handlers) delete(ctx context.Context, k kind, in *NameInput) error {
	ns, c, err := h.project(ctx, in.ProjectParam)
	if err != nil {
		return err
	}
	obj := k.newObj()
	obj.SetNamespace(ns)
	obj.SetName(in.Name)
	if err := c.Client.Delete(ctx, obj, client.PropagationPolicy("Background")); err != nil {
		return notFound(err, k, in.Name)
	}
	if _, isExec := obj.(*devopsv1alpha1.PipelineExecution); isExec {
		return h.Logs.Delete(ctx, ns, in.Name)
	}
	return nil
}

func (h *handlers) create(ctx context.Context, k kind, in *BodyInput) (*JSONOutput, error) {
	ns, c, err := h.project(ctx, in.ProjectParam)
	if err != nil {
		return nil, err
	}
	obj, err := h.decode(ctx, k, in.RawBody, ns, "", in.ProjectParam)
	if err != nil {
		return nil, err
	}
	if err := ensureNamespace(ctx, c, ns, in.ProjectParam); err != nil {
		return nil, err
	}
	if err := c.Client.Create(ctx, obj, client.FieldOwner("wheelhouse")); err != nil {
		return nil, operation.ClusterError(err)
	}
	tidy(obj, k)
	return jsonOut(http.StatusCreated, obj)
}

func (h *handlers) replace(ctx context.Context, k kind, in *NamedBodyInput) (*JSONOutput, error) {
	ns, c, err := h.project(ctx, in.ProjectParam)
	if err != nil {
		return nil, err
	}
	obj, err := h.decode(ctx, k, in.RawBody, ns, in.Name, in.ProjectParam)
	if err != nil {
		return nil, err
	}
	if obj.GetResourceVersion() == "" {
		return nil, huma.Error422UnprocessableEntity("metadata.resourceVersion is required",
			&huma.ErrorDetail{Location: "body.metadata.resourceVersion", Message: "send the resourceVersion you read, so concurrent changes are not lost"})
	}
	if err := c.Client.Update(ctx, obj, client.FieldOwner("wheelhouse")); err != nil {
		return nil, notFound(err, k, in.Name)
	}
	tidy(obj, k)
	return jsonOut(http.StatusOK, obj)
}

// decode reads an object of kind k from raw JSON, pins it to the project's
// namespace (and the path's name), and checks its references to the
// credential store.
func (h *handlers) decode(ctx context.Context, k kind, raw []byte, namespace, name string, p ProjectParam) (client.Object, error) {
	obj := k.newObj()
	if err := json.Unmarshal(raw, obj); err != nil {
		return nil, huma.Error400BadRequest("the body is not a "+k.name, &huma.ErrorDetail{Location: "body", Message: err.Error()})
	}
	if obj.GetNamespace() != "" && obj.GetNamespace() != namespace {
		return nil, huma.Error422UnprocessableEntity("namespace mismatch", &huma.ErrorDetail{Location: "body.metadata.namespace",
			Message: "leave it empty: a project's pipeline resources live in its namespace " + namespace, Value: obj.GetNamespace()})
	}
	if name != "" && obj.GetName() != "" && obj.GetName() != name {
		return nil, huma.Error422UnprocessableEntity("name mismatch",
			&huma.ErrorDetail{Location: "body.metadata.name", Message: "must be empty or the name in the path", Value: obj.GetName()})
	}
	obj.SetNamespace(namespace)
	if name != "" {
		obj.SetName(name)
	}
	obj.GetObjectKind().SetGroupVersionKind(devopsv1alpha1.GroupVersion.WithKind(k.name))
	if k.own != nil {
		k.own(ctx, obj)
	}
	if k.credentials == nil {
		return obj, nil
	}
	refs := k.credentials(obj)
	if len(refs) == 0 {
		return obj, nil
	}
	if err := h.Authorizer.Authorize(ctx, auth.PrincipalFrom(ctx), auth.Permission{Verb: auth.VerbUse, Resource: auth.ResourceCredentials},
		auth.Scope{Cluster: p.Cluster, Project: p.Project}); err != nil {
		var forbidden *auth.ForbiddenError
		if errors.As(err, &forbidden) {
			return nil, huma.Error403Forbidden(forbidden.Error())
		}
		return nil, err
	}
	var details []error
	for _, ref := range refs {
		rec, err := h.Credentials.Records.Get(ctx, store.Scope{Cluster: p.Cluster, Project: p.Project}, uint64(max(ref.id, 0)))
		switch {
		case errors.Is(err, store.ErrNotFound):
			details = append(details, &huma.ErrorDetail{Location: "body." + ref.field, Message: fmt.Sprintf("no credential %d in this project", ref.id)})
		case err != nil:
			return nil, err
		case ref.wantType != "" && rec.Type != ref.wantType:
			details = append(details, &huma.ErrorDetail{Location: "body." + ref.field,
				Message: fmt.Sprintf("a %s credential; this takes a %s credential", rec.Type, ref.wantType)})
		}
	}
	if len(details) > 0 {
		return nil, operation.ValidationFailed(details)
	}
	return obj, nil
}

// tidy drops what a reader has no use for and sets the kind.
func tidy(obj client.Object, k kind) {
	obj.SetManagedFields(nil)
	obj.GetObjectKind().SetGroupVersionKind(devopsv1alpha1.GroupVersion.WithKind(k.name))
}

// notFound is a 404 naming the object, or what the cluster said.
func notFound(err error, k kind, name string) error {
	if client.IgnoreNotFound(err) == nil {
		return huma.Error404NotFound(fmt.Sprintf("no %s %q in this project", k.name, name))
	}
	return operation.ClusterError(err)
}

func objectKey(namespace, name string) client.ObjectKey {
	return client.ObjectKey{Namespace: namespace, Name: name}
}

func jsonOut(status int, obj runtime.Object) (*JSONOutput, error) {
	raw, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	return &JSONOutput{Status: status, ContentType: "application/json", Body: raw}, nil
}
