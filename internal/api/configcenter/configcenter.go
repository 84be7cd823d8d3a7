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
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/confighistory"
	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
	"github.com/wheelhouse-dev/wheelhouse/internal/secrets"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// fieldManager names Wheelhouse in the objects' managed fields.
const fieldManager = "wheelhouse"

// Deps are what the configuration endpoints need.
type Deps struct {
	operation.Kit
	Store *store.Store
	// Keyring seals Secret versions in the database.
	Keyring *secrets.Keyring
}

var tags = []string{"Configuration"}

// ObjectParams name a ConfigMap or Secret in the path.
type ObjectParams struct {
	operation.NamespaceParam
	Name string `path:"name" maxLength:"253" doc:"ConfigMap or Secret name"`
}

// ListConfigInput lists ConfigMaps or Secrets of a namespace.
type ListConfigInput struct {
	operation.NamespaceParam
	operation.ClusterListParams
}

// RevealParams ask for Secret values.
type RevealParams struct {
	Reveal bool `query:"reveal" doc:"Include Secret values; needs update on secrets here, and is audited (reveal-secret)"`
}

// DeleteConfigInput deletes a ConfigMap or Secret.
type DeleteConfigInput struct {
	ObjectParams
	ResourceVersion string `query:"resourceVersion" maxLength:"64" doc:"Delete only if the object is still at this resourceVersion (else 409)"`
}

type handlers struct {
	Deps
	history *confighistory.History
}

// Register adds the ConfigMap and Secret endpoints to api.
func Register(api huma.API, d Deps) {
	h := &handlers{Deps: d, history: &confighistory.History{Store: d.Store, Keyring: d.Keyring}}
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
	h.Logger.ErrorContext(ctx, "Config version not recorded", "cluster", c.Object.Cluster, "namespace", c.Object.Namespace,
		"kind", c.Object.Kind, "name", c.Object.Name, "change", c.Type, "resourceVersion", c.ResourceVersion, "error", err)
	return nil, huma.Error500InternalServerError(fmt.Sprintf(
		"%s %s/%s was %s in cluster %q (resourceVersion %s), but recording the change in its version history failed; the history misses this change",
		kindName(c.Object.Kind), c.Object.Namespace, c.Object.Name, c.Type, c.Object.Cluster, c.ResourceVersion))
}

// registerDelete registers the delete of kind, whose history keeps what
// was deleted.
func (h *handlers) registerDelete(api huma.API, kind, summary string,
	del func(context.Context, *handlers, *multicluster.Cluster, ObjectParams, string) error) {
	op := operation.New(http.MethodDelete, base(kind)+"/{name}", "delete-"+strings.TrimSuffix(kind, "s"), summary, tags, perm(kind, auth.VerbDelete))
	op.DefaultStatus = http.StatusNoContent
	op.Errors = append(op.Errors, http.StatusNotFound, http.StatusConflict, http.StatusServiceUnavailable)
	huma.Register(api, op, func(ctx context.Context, in *DeleteConfigInput) (*struct{}, error) {
		c, err := h.Cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		return nil, del(ctx, h, c, in.ObjectParams, in.ResourceVersion)
	})
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
