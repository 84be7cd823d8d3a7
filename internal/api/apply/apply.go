// Package apply serves multi-document apply: YAML or JSON documents of any
// kinds (CRDs included) sent to a member cluster through server-side apply
// with the field manager "wheelhouse", with a dry run that previews each
// change as a unified diff against the live object.
//
// A real apply is all or nothing as far as the API server's validation
// goes: every document is first applied in dry run, and nothing is written
// unless all pass; then the documents are applied in order.
//
// Two endpoints carry two permission rules, both "update kubernetes":
//   - POST /api/v1/clusters/{cluster}/apply needs it on the whole cluster
//     and takes any documents;
//   - POST /api/v1/clusters/{cluster}/namespaces/{namespace}/apply needs
//     it in that namespace (so project bindings apply) and takes only
//     namespaced documents of that namespace (or without a namespace).
package apply

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
)

// FieldManager is the field manager of every apply.
const FieldManager = "wheelhouse"

// Actions of an applied document.
const (
	ActionCreated    = "created"
	ActionConfigured = "configured"
	ActionUnchanged  = "unchanged"
)

// Deps are what the apply endpoints need.
type Deps struct {
	operation.Kit
	Limits Limits
}

// Limits bound one apply request; zero values take the defaults.
type Limits struct {
	// MaxDocuments caps the objects of one request; default 500.
	MaxDocuments int
	// Timeout bounds the whole request, from parsing to the last write;
	// default 2 minutes.
	Timeout time.Duration
}

// Defaults of Limits.
const (
	DefaultMaxDocuments = 500
	DefaultTimeout      = 2 * time.Minute
)

var tags = []string{"Apply"}

// ApplyParams are the query parameters of an apply.
type ApplyParams struct {
	DryRun bool `query:"dryRun" doc:"Apply in dry run only: nothing is written; each document's result carries its diff"`
	Force  bool `query:"force" doc:"Take over fields another field manager owns instead of failing with 409"`
}

// ApplyInput applies documents cluster-wide.
type ApplyInput struct {
	operation.ClusterParam
	ApplyParams
	RawBody []byte `contentType:"application/yaml" doc:"YAML documents separated by ---, or JSON (an object, an array, or a List)"`
}

// ApplyNamespaceInput applies documents in one namespace.
type ApplyNamespaceInput struct {
	operation.NamespaceParam
	ApplyParams
	RawBody []byte `contentType:"application/yaml" doc:"YAML documents separated by ---, or JSON (an object, an array, or a List)"`
}

// ApplyResult is what an apply did (or would do, in dry run).
type ApplyResult struct {
	DryRun    bool                  `json:"dryRun"`
	Documents []ApplyDocumentResult `json:"documents" nullable:"false"`
}

// ApplyDocumentResult is the outcome of one document.
type ApplyDocumentResult struct {
	Index           int    `json:"index" doc:"Position of the object in the body, from 0"`
	Line            int    `json:"line" doc:"Line of the body where its document starts"`
	APIVersion      string `json:"apiVersion"`
	Kind            string `json:"kind"`
	Namespace       string `json:"namespace,omitempty"`
	Name            string `json:"name"`
	Action          string `json:"action" enum:"created,configured,unchanged"`
	ResourceVersion string `json:"resourceVersion,omitempty" doc:"Of the applied object (absent in dry run)"`
	Diff            string `json:"diff,omitempty" doc:"Unified diff of the live object's YAML to the result's, managedFields left out; empty when unchanged"`
}

// ApplyOutput is the response of an apply.
type ApplyOutput struct {
	Body ApplyResult
}

// PartialError is the problem of an apply that stopped part-way through
// its writes (a document the API server refused, or the deadline): it
// lists exactly the documents that were applied before it stopped.
type PartialError struct {
	*huma.ErrorModel
	Applied []ApplyDocumentResult `json:"applied" nullable:"false" doc:"The documents applied before the apply stopped, in order; the others were not"`
}

// Unwrap gives the problem document inside.
func (e *PartialError) Unwrap() error { return e.ErrorModel }

// Register adds the apply endpoints to api.
func Register(api huma.API, d Deps) {
	if d.Limits.MaxDocuments <= 0 {
		d.Limits.MaxDocuments = DefaultMaxDocuments
	}
	if d.Limits.Timeout <= 0 {
		d.Limits.Timeout = DefaultTimeout
	}
	perm := auth.Permission{Verb: auth.VerbUpdate, Resource: auth.ResourceKubernetes}
	desc := fmt.Sprintf("Server-side apply (field manager "+FieldManager+") of several documents of any kinds, at most %d objects "+
		"(the server's apply-max-documents; more is a 413) within %s from the request's arrival (apply-timeout). "+
		"Every document is first applied in dry run; if any fails, or the time runs out before the writes begin, nothing is "+
		"applied and the error names the document (body[i]): \"nothing applied\" holds for validation and dry run. "+
		"The writes then go in order; if one is refused, or the time runs out (504), the apply stops and the problem "+
		"document's applied lists exactly the documents applied before it (with their resourceVersions); the rest were not. "+
		"A client that hangs up stops the apply the same way (the server log lists what was applied). "+
		"Invalid YAML, a key given twice in a mapping or text after ... on its line gives 400 with the line; a document written "+
		"on its --- line ('--- {apiVersion: v1, ...}') is read; documents expanding to more than %d YAML nodes in all (aliases "+
		"counted each time they are used) are a 413; an unknown kind 400; the API server's rejections keep its status and field causes. "+
		"A document of a CRD created by the same request cannot be dry-run before the CRD exists: apply the CRD first.",
		d.Limits.MaxDocuments, d.Limits.Timeout, maxNodes)

	op := operation.New(http.MethodPost, "/api/v1/clusters/{cluster}/apply", "apply", "Apply YAML or JSON documents to a cluster", tags, perm)
	op.Description = desc + " Needs update on kubernetes in the whole cluster."
	setUp(&op)
	huma.Register(api, op, func(ctx context.Context, in *ApplyInput) (*ApplyOutput, error) {
		return run(ctx, d, in.Cluster, "", in.ApplyParams, in.RawBody)
	})

	nsOp := operation.New(http.MethodPost, "/api/v1/clusters/{cluster}/namespaces/{namespace}/apply", "apply-namespace",
		"Apply YAML or JSON documents to one namespace", tags, perm)
	nsOp.Description = desc + " Needs update on kubernetes in the namespace only; every document must be of a namespaced kind, " +
		"in this namespace or without one (it is put there)."
	setUp(&nsOp)
	huma.Register(api, nsOp, func(ctx context.Context, in *ApplyNamespaceInput) (*ApplyOutput, error) {
		return run(ctx, d, in.Cluster, in.Namespace, in.ApplyParams, in.RawBody)
	})
}

func setUp(op *huma.Operation) {
	op.Errors = append(op.Errors, http.StatusBadRequest, http.StatusNotFound, http.StatusConflict, http.StatusRequestEntityTooLarge,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout)
	op.MaxBodyBytes = 4 << 20
	// JSON is accepted as well. No schema: with one, huma would decode and
	// validate the body itself.
	op.RequestBody = &huma.RequestBody{Required: true, Description: "YAML documents separated by ---, or JSON (an object, an array, or a List)",
		Content: map[string]*huma.MediaType{"application/json": {}}}
}

// planned is a document ready to apply.
type planned struct {
	document
	// resource is what the document's kind is served as.
	resource schema.GroupVersionResource
	client   dynamic.ResourceInterface
	live     *unstructured.Unstructured
	result   ApplyDocumentResult
}

func run(ctx context.Context, d Deps, clusterName, namespace string, p ApplyParams, body []byte) (*ApplyOutput, error) {
	return execute(ctx, d, clusterName, namespace, p, body, func(ctx context.Context, pl *planned) error {
		return d.authorize(ctx, clusterName, pl)
	})
}

// execute applies body's documents to a cluster, each allowed by
// authorize first: all of them dry-run before any is written.
func execute(ctx context.Context, d Deps, clusterName, namespace string, p ApplyParams, body []byte, authorize func(context.Context, *planned) error) (*ApplyOutput, error) {
	ctx, cancel := context.WithTimeout(ctx, d.Limits.Timeout)
	defer cancel()
	docs, err := parseDocuments(body, d.Limits.MaxDocuments)
	if err != nil {
		return nil, err
	}
	c, err := d.Cluster(clusterName)
	if err != nil {
		return nil, err
	}
	plan := make([]*planned, 0, len(docs))
	for i, doc := range docs {
		pl, err := prepare(ctx, c, doc, namespace, docs[:i])
		if err == nil {
			err = authorize(ctx, pl)
		}
		if err != nil {
			return nil, stopped(ctx, d, err, nil)
		}
		plan = append(plan, pl)
	}
	// Dry run every document before writing any.
	for _, pl := range plan {
		res, err := pl.dryRun(ctx, p.Force)
		if err != nil {
			return nil, stopped(ctx, d, rejected(pl, err, namespaceHint(err, docs[:pl.index])), nil)
		}
		if pl.result.Diff, err = diff(pl.live, res, pl.describe()); err != nil {
			return nil, err
		}
		switch {
		case pl.live == nil:
			pl.result.Action = ActionCreated
		case pl.result.Diff == "":
			pl.result.Action = ActionUnchanged
		default:
			pl.result.Action = ActionConfigured
		}
	}
	out := &ApplyOutput{Body: ApplyResult{DryRun: p.DryRun, Documents: make([]ApplyDocumentResult, 0, len(plan))}}
	if p.DryRun {
		for _, pl := range plan {
			out.Body.Documents = append(out.Body.Documents, pl.result)
		}
		return out, nil
	}
	for _, pl := range plan {
		res, err := pl.apply(ctx, p.Force, false)
		if err != nil {
			d.Logger.WarnContext(ctx, "Apply stopped part-way", "cluster", clusterName, "document", pl.index,
				"applied", len(out.Body.Documents), "of", len(plan), "appliedDocuments", describeAll(out.Body.Documents), "error", err)
			return nil, stopped(ctx, d, rejected(pl, err, ""), out.Body.Documents)
		}
		pl.result.ResourceVersion = res.GetResourceVersion()
		d.Logger.InfoContext(ctx, "Document applied", "cluster", clusterName, "kind", pl.obj.GetKind(),
			"namespace", pl.obj.GetNamespace(), "name", pl.obj.GetName(), "action", pl.result.Action)
		out.Body.Documents = append(out.Body.Documents, pl.result)
	}
	return out, nil
}

// stopped is the error of an apply that stopped on err after applying the
// documents of applied (none before the writes begin): a 504 when the
// deadline passed, and a PartialError listing what was applied once
// anything was.
func stopped(ctx context.Context, d Deps, err error, applied []ApplyDocumentResult) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		what := "nothing was applied"
		if applied != nil {
			what = fmt.Sprintf("%d documents were applied before it (listed in applied), the rest were not", len(applied))
		}
		err = huma.NewError(http.StatusGatewayTimeout, fmt.Sprintf("the apply took longer than the server allows (%s, its apply-timeout); %s", d.Limits.Timeout, what))
	}
	if applied == nil {
		return err
	}
	var em *huma.ErrorModel
	if !errors.As(err, &em) {
		// An internal error: its text stays in the server log (written
		// by run), off the wire.
		em = &huma.ErrorModel{Status: http.StatusInternalServerError, Title: http.StatusText(http.StatusInternalServerError),
			Detail: "the apply failed part-way"}
	}
	if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		em.Detail = fmt.Sprintf("%s (documents applied before it stopped: %d, listed in applied; the rest were not)", em.Detail, len(applied))
	}
	return &PartialError{ErrorModel: em, Applied: applied}
}

// describeAll names applied documents for the log: index Kind/ns/name.
func describeAll(docs []ApplyDocumentResult) []string {
	out := make([]string, 0, len(docs))
	for _, r := range docs {
		name := r.Kind + "/" + r.Name
		if r.Namespace != "" {
			name = r.Kind + "/" + r.Namespace + "/" + r.Name
		}
		out = append(out, fmt.Sprintf("%d %s", r.Index, name))
	}
	return out
}

// prepare maps a document's kind to its resource, settles its namespace
// and reads the live object.
func prepare(ctx context.Context, c *multicluster.Cluster, doc document, namespace string, earlier []document) (*planned, error) {
	gvk := doc.obj.GroupVersionKind()
	mapping, err := c.Mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if meta.IsNoMatchError(err) {
		// A kind added since discovery was cached (a new CRD): look again.
		c.Mapper.Reset()
		mapping, err = c.Mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	}
	if meta.IsNoMatchError(err) {
		hint := ""
		for _, e := range earlier {
			group, _, _ := unstructured.NestedString(e.obj.Object, "spec", "group")
			kind, _, _ := unstructured.NestedString(e.obj.Object, "spec", "names", "kind")
			if e.obj.GetKind() == "CustomResourceDefinition" && group == gvk.Group && kind == gvk.Kind {
				hint = fmt.Sprintf(" (document %d of this request defines it, but every document is dry-run before any is applied: apply the CRD first)", e.index)
			}
		}
		return nil, badDocument(doc.index, doc.line, "kind", "unknown kind %q in %q: the cluster does not serve it%s", gvk.Kind, gvk.GroupVersion(), hint)
	}
	if err != nil {
		return nil, operation.ClusterError(fmt.Errorf("discover %s: %w", gvk, err))
	}
	ri := c.Dynamic.Resource(mapping.Resource)
	pl := &planned{document: doc, resource: mapping.Resource}
	if mapping.Scope.Name() == meta.RESTScopeNameNamespace {
		ns := doc.obj.GetNamespace()
		switch {
		case ns == "" && namespace != "":
			ns = namespace
		case ns == "":
			ns = metav1.NamespaceDefault
		case namespace != "" && ns != namespace:
			return nil, badDocument(doc.index, doc.line, "metadata.namespace",
				"namespace %q is not %q: this endpoint applies only to its namespace", ns, namespace)
		}
		doc.obj.SetNamespace(ns)
		pl.client = ri.Namespace(ns)
	} else {
		if namespace != "" {
			return nil, badDocument(doc.index, doc.line, "kind",
				"%s is not namespaced: apply it through /api/v1/clusters/{cluster}/apply", gvk.Kind)
		}
		doc.obj.SetNamespace("")
		pl.client = ri
	}
	doc.obj.SetManagedFields(nil)
	pl.result = ApplyDocumentResult{Index: doc.index, Line: doc.line, APIVersion: doc.obj.GetAPIVersion(), Kind: gvk.Kind,
		Namespace: doc.obj.GetNamespace(), Name: doc.obj.GetName()}
	if err := pl.readLive(ctx); err != nil {
		return nil, rejected(pl, err, "")
	}
	return pl, nil
}

// readLive reads the live object into p.live (nil when there is none).
func (p *planned) readLive(ctx context.Context) error {
	live, err := p.client.Get(ctx, p.obj.GetName(), metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
		p.live = nil
	case err != nil:
		return fmt.Errorf("get %s: %w", p.describe(), err)
	default:
		p.live = live
	}
	return nil
}

// dryRun applies the document in dry run and returns the result, with
// p.live the object it was applied to: when the object changed meanwhile
// (controllers write annotations and status), it reads and tries again,
// so the diff shows only what the document changes.
func (p *planned) dryRun(ctx context.Context, force bool) (*unstructured.Unstructured, error) {
	for attempt := 0; ; attempt++ {
		res, err := p.apply(ctx, force, true)
		if err != nil {
			return nil, err
		}
		before := p.live
		if err := p.readLive(ctx); err != nil {
			return nil, err
		}
		if attempt == 2 || version(before) == version(p.live) {
			p.live = before
			return res, nil
		}
	}
}

func version(u *unstructured.Unstructured) string {
	if u == nil {
		return ""
	}
	return u.GetResourceVersion()
}

func (p *planned) apply(ctx context.Context, force, dryRun bool) (*unstructured.Unstructured, error) {
	opts := metav1.ApplyOptions{FieldManager: FieldManager, Force: force}
	if dryRun {
		opts.DryRun = []string{metav1.DryRunAll}
	}
	res, err := p.client.Apply(ctx, p.obj.GetName(), p.obj, opts)
	if err != nil {
		return nil, fmt.Errorf("apply %s: %w", p.describe(), err)
	}
	return res, nil
}

// describe names the document's object: Kind/namespace/name.
func (p *planned) describe() string {
	if ns := p.obj.GetNamespace(); ns != "" {
		return p.obj.GetKind() + "/" + ns + "/" + p.obj.GetName()
	}
	return p.obj.GetKind() + "/" + p.obj.GetName()
}

// namespaceHint explains a missing namespace that an earlier document of
// the request creates.
func namespaceHint(err error, earlier []document) string {
	var status apierrors.APIStatus
	if !apierrors.IsNotFound(err) || !errors.As(err, &status) || status.Status().Details == nil || status.Status().Details.Kind != "namespaces" {
		return ""
	}
	for _, e := range earlier {
		if e.obj.GetKind() == "Namespace" && e.obj.GetAPIVersion() == "v1" && e.obj.GetName() == status.Status().Details.Name {
			return fmt.Sprintf("its namespace is created by document %d of this request, but every document is dry-run before any is applied: apply the Namespace first; ", e.index)
		}
	}
	return ""
}

// typedPatchError is the API server's message for a document that does
// not fit its kind's schema: "... .spec.size: expected numeric ...".
var typedPatchError = regexp.MustCompile(`failed to create typed patch object \([^)]*\): \.([^:]+): (.+)$`)

// rejected is the API server's error for a document, with the document's
// index in the message and in every field location (body[i].<field>).
func rejected(p *planned, err error, note string) error {
	mapped := operation.ClusterError(err)
	if m := typedPatchError.FindStringSubmatch(err.Error()); m != nil && apierrors.IsInternalError(err) {
		// The API server answers 500 when a document does not fit the
		// kind's schema (a string for an integer): the document's fault.
		mapped = huma.Error422UnprocessableEntity("the document does not match the schema of its kind: "+m[1]+": "+m[2],
			&huma.ErrorDetail{Location: "body." + m[1], Message: m[2]})
	}
	var em *huma.ErrorModel
	if !errors.As(mapped, &em) {
		return fmt.Errorf("document %d (%s): %w", p.index, p.describe(), err)
	}
	em.Detail = fmt.Sprintf("document %d (%s, line %d): %s%s", p.index, p.describe(), p.line, note, em.Detail)
	if len(em.Errors) == 0 {
		em.Errors = []*huma.ErrorDetail{{Location: location(p.index, ""), Message: em.Detail}}
	}
	for _, e := range em.Errors {
		if e.Location == "body" || strings.HasPrefix(e.Location, "body.") {
			// Field manager conflicts name fields as ".spec.x".
			e.Location = location(p.index, strings.TrimLeft(strings.TrimPrefix(e.Location, "body"), "."))
		}
	}
	return em
}
