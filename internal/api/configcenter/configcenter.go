// Package configcenter serves the configuration center: ConfigMaps and Secrets
// of a namespace (list, get, create, update, delete) with the version
// history of every change made through Wheelhouse, a diff between two
// versions and rollback to one.
//
// Secret values are shown only on request (?reveal=true) to callers who may
// also change Secrets there (update secrets in the namespace's scope); every
// reveal, allowed or not, is written to the audit log as action
// reveal-secret. Lists come from the cluster's cache, which keeps Secrets as
// metadata only; a Secret's values are read live when needed.
//
// Changes go to the cluster first and into the history second (see
// internal/confighistory for why); a change the history failed to record is
// reported as a 500 that says it was applied.
package configcenter

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/confighistory"
	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
	"github.com/wheelhouse-dev/wheelhouse/internal/secrets"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// ActionRevealSecret is the audit action of every attempt to read Secret
// values.
const ActionRevealSecret = "reveal-secret"

// fieldManager names Wheelhouse in the objects' managed fields.
const fieldManager = "wheelhouse"

// auditTimeout bounds the write of a reveal's audit entry.
const auditTimeout = 5 * time.Second

// Deps are what the configuration endpoints need.
type Deps struct {
	Clusters *multicluster.Manager
	Store    *store.Store
	// Keyring seals Secret versions in the database.
	Keyring *secrets.Keyring
	// Authorizer decides who may reveal Secret values.
	Authorizer *auth.Authorizer
	Logger     *slog.Logger
}

var tags = []string{"Configuration"}

// NamespaceParams name a namespace of a cluster in the path.
type NamespaceParams struct {
	operation.ClusterParam
	Namespace string `path:"namespace" maxLength:"63" doc:"Namespace name"`
}

// ObjectParams name a ConfigMap or Secret in the path.
type ObjectParams struct {
	NamespaceParams
	Name string `path:"name" maxLength:"253" doc:"ConfigMap or Secret name"`
}

// ListConfigInput lists ConfigMaps or Secrets of a namespace.
type ListConfigInput struct {
	NamespaceParams
	operation.ClusterListParams
}

// RevealParams ask for Secret values; they also capture what the audit
// entry of a reveal needs.
type RevealParams struct {
	Reveal    bool `query:"reveal" doc:"Include Secret values; needs update on secrets here, and is audited (reveal-secret)"`
	target    string
	source    string
	requestID string
}

// Resolve captures the request's path, source address and request id for
// the audit entry of a reveal.
func (p *RevealParams) Resolve(ctx huma.Context) []error {
	p.target = ctx.URL().Path
	p.source = operation.SourceAddr(ctx.RemoteAddr())
	if w, ok := ctx.BodyWriter().(interface{ Header() http.Header }); ok {
		p.requestID = w.Header().Get("X-Request-Id")
	}
	return nil
}

// DeleteConfigInput deletes a ConfigMap or Secret.
type DeleteConfigInput struct {
	ObjectParams
	ResourceVersion string `query:"resourceVersion" maxLength:"64" doc:"Delete only if the object is still at this resourceVersion (else 409)"`
}

type handlers struct {
	d       Deps
	history *confighistory.History
}

// Register adds the ConfigMap and Secret endpoints to api.
func Register(api huma.API, d Deps) {
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	h := &handlers{d: d, history: &confighistory.History{Store: d.Store, Keyring: d.Keyring}}
	h.registerConfigMaps(api)
	h.registerSecrets(api)
	h.registerHistory(api, store.ConfigKindConfigMap)
	h.registerHistory(api, store.ConfigKindSecret)
}

// base is the collection path of kind (configmaps, secrets).
func base(kind string) string {
	return "/api/v1/clusters/{cluster}/namespaces/{namespace}/" + kind
}

func perm(kind, verb string) auth.Permission { return auth.Permission{Verb: verb, Resource: kind} }

// kindName is the Kubernetes kind of a resource, for messages.
func kindName(kind string) string {
	if kind == store.ConfigKindSecret {
		return "Secret"
	}
	return "ConfigMap"
}

func (h *handlers) cluster(name string) (*multicluster.Cluster, error) {
	c, err := h.d.Clusters.Get(name)
	if err != nil {
		return nil, operation.ClusterError(err)
	}
	return c, nil
}

func object(in ObjectParams, kind string) store.ConfigObject {
	return store.ConfigObject{Cluster: in.Cluster, Namespace: in.Namespace, Kind: kind, Name: in.Name}
}

// record stores a change made in the cluster. When that fails the change
// is live but not in the history: the cause (never a value: Secret
// payloads are sealed before the database sees them) goes to the log,
// since internal errors are kept off the wire, and the client gets a 500
// saying exactly what happened.
func (h *handlers) record(ctx context.Context, c confighistory.Change) (*store.ConfigVersion, error) {
	c.By = auth.PrincipalFrom(ctx).Username
	v, err := h.history.Record(ctx, c)
	if err == nil {
		return v, nil
	}
	h.d.Logger.ErrorContext(ctx, "Config version not recorded", "cluster", c.Object.Cluster, "namespace", c.Object.Namespace,
		"kind", c.Object.Kind, "name", c.Object.Name, "change", c.Type, "resourceVersion", c.ResourceVersion, "error", err)
	return nil, huma.Error500InternalServerError(fmt.Sprintf(
		"%s %s/%s was %s in cluster %q (resourceVersion %s), but recording the change in its version history failed; the history misses this change",
		kindName(c.Object.Kind), c.Object.Namespace, c.Object.Name, c.Type, c.Object.Cluster, c.ResourceVersion))
}

// authorizeReveal decides whether the caller may see Secret values in the
// namespace, and audits the attempt either way. It returns nil when the
// values may be shown, a 403 when not; if the audit entry cannot be
// written the values are not shown.
func (h *handlers) authorizeReveal(ctx context.Context, in NamespaceParams, rp *RevealParams) error {
	p := auth.PrincipalFrom(ctx)
	err := h.d.Authorizer.Authorize(ctx, p, perm(store.ConfigKindSecret, auth.VerbUpdate),
		auth.Scope{Cluster: in.Cluster, Namespace: in.Namespace})
	var forbidden *auth.ForbiddenError
	entry := &store.AuditEntry{RequestID: rp.requestID, Username: p.Username, UserID: &p.UserID, Action: ActionRevealSecret,
		Method: http.MethodGet, Target: rp.target, SourceAddr: rp.source, Outcome: store.OutcomeSuccess, StatusCode: http.StatusOK}
	switch {
	case errors.As(err, &forbidden):
		entry.Outcome, entry.StatusCode, entry.Reason = store.OutcomeDenied, http.StatusForbidden, http.StatusText(http.StatusForbidden)
	case err != nil:
		entry.Outcome, entry.StatusCode, entry.Reason = store.OutcomeFailure, http.StatusServiceUnavailable, "cannot check permissions"
	}
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), auditTimeout)
	defer cancel()
	if aerr := h.d.Store.Audit().Append(actx, entry); aerr != nil {
		return fmt.Errorf("audit secret reveal (values withheld): %w", aerr)
	}
	switch {
	case forbidden != nil:
		return huma.Error403Forbidden(fmt.Sprintf("revealing Secret values needs update on secrets: %s", forbidden.Error()))
	case err != nil:
		return fmt.Errorf("authorize secret reveal: %w", err)
	}
	return nil
}

// historyError maps what the history says to the problem to return.
func historyError(obj store.ConfigObject, version int, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, store.ErrNotFound):
		return huma.Error404NotFound(fmt.Sprintf("%s %s/%s in cluster %q has no version %d", kindName(obj.Kind), obj.Namespace, obj.Name, obj.Cluster, version))
	case errors.Is(err, store.ErrInvalidContinue):
		return operation.InvalidContinue()
	}
	return fmt.Errorf("read history of %s: %w", obj, err)
}
