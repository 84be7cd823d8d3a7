package configcenter

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/confighistory"
	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// configKind is the history-keeping core that ConfigMaps and Secrets share:
// every change is written to the cluster first and recorded as a version
// second, deletes are guarded by the resourceVersion so the version kept is
// exactly what was deleted, and a rollback writes a version back (or
// re-creates the object). Only the typed parts differ per kind.
type configKind[T interface {
	*corev1.ConfigMap | *corev1.Secret
	operation.Object
}] struct {
	// kind is store.ConfigKindConfigMap or store.ConfigKindSecret.
	kind   string
	client func(c *multicluster.Cluster, namespace string) operation.TypedClient[T]
	// snapshot is what the history keeps of an object.
	snapshot func(T) confighistory.Snapshot
	// restore sets a version's data on a live object.
	restore func(T, confighistory.Snapshot)
	// recreate builds the object a version describes, for a rollback of a
	// deleted one.
	recreate func(namespace, name string, snap confighistory.Snapshot) T
}

var configMapKind = configKind[*corev1.ConfigMap]{
	kind: store.ConfigKindConfigMap,
	client: func(c *multicluster.Cluster, ns string) operation.TypedClient[*corev1.ConfigMap] {
		return c.Kube.CoreV1().ConfigMaps(ns)
	},
	snapshot: confighistory.OfConfigMap,
	restore: func(cm *corev1.ConfigMap, snap confighistory.Snapshot) {
		cm.Data, cm.BinaryData = snap.Data, snap.BinaryData
	},
	recreate: func(ns, name string, snap confighistory.Snapshot) *corev1.ConfigMap {
		return &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: snap.Labels},
			Data: snap.Data, BinaryData: snap.BinaryData}
	},
}

var secretKind = configKind[*corev1.Secret]{
	kind: store.ConfigKindSecret,
	client: func(c *multicluster.Cluster, ns string) operation.TypedClient[*corev1.Secret] {
		return c.Kube.CoreV1().Secrets(ns)
	},
	snapshot: confighistory.OfSecret,
	restore: func(s *corev1.Secret, snap confighistory.Snapshot) {
		s.Data, s.StringData = snap.SecretData, nil
	},
	recreate: func(ns, name string, snap confighistory.Snapshot) *corev1.Secret {
		return &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: snap.Labels},
			Type: snap.Type, Data: snap.SecretData}
	},
}

// change is the history entry of a change to o.
func (k configKind[T]) change(obj store.ConfigObject, typ string, rollbackOf int, o T) confighistory.Change {
	return confighistory.Change{Object: obj, Type: typ, RollbackOf: rollbackOf, ResourceVersion: o.GetResourceVersion(),
		Content: k.snapshot(o)}
}

// create creates o and records it as the first version, unless the
// request's checks found problems (details, a 422 naming each field).
func (k configKind[T]) create(ctx context.Context, h *handlers, in operation.NamespaceParam, o T, details []error) (T, error) {
	var zero T
	if len(details) > 0 {
		return zero, operation.ValidationFailed(details)
	}
	c, err := h.Cluster(in.Cluster)
	if err != nil {
		return zero, err
	}
	created, err := k.client(c, in.Namespace).Create(ctx, o, metav1.CreateOptions{FieldManager: fieldManager})
	if err != nil {
		return created, operation.ClusterError(err)
	}
	obj := store.ConfigObject{Cluster: in.Cluster, Namespace: in.Namespace, Kind: k.kind, Name: created.GetName()}
	_, err = h.record(ctx, k.change(obj, store.ConfigCreated, 0, created))
	return created, err
}

// update applies edit to the live object at resourceVersion rv (a stale
// one is the API server's 409) and records the result, unless the
// request's checks found problems (details).
func (k configKind[T]) update(ctx context.Context, h *handlers, in ObjectParams, rv string, details []error, edit func(T)) (T, error) {
	var zero T
	if len(details) > 0 {
		return zero, operation.ValidationFailed(details)
	}
	c, err := h.Cluster(in.Cluster)
	if err != nil {
		return zero, err
	}
	updated, err := k.write(ctx, c, in, rv, edit)
	if err != nil {
		return updated, operation.ClusterError(err)
	}
	_, err = h.record(ctx, k.change(object(in, k.kind), store.ConfigUpdated, 0, updated))
	return updated, err
}

// write reads the live object, applies edit and writes it back at
// resourceVersion rv (the live one when rv is empty). Errors are the API
// server's.
func (k configKind[T]) write(ctx context.Context, c *multicluster.Cluster, in ObjectParams, rv string, edit func(T)) (T, error) {
	client := k.client(c, in.Namespace)
	o, err := client.Get(ctx, in.Name, metav1.GetOptions{})
	if err != nil {
		return o, err
	}
	if rv != "" {
		o.SetResourceVersion(rv)
	}
	edit(o)
	return client.Update(ctx, o, metav1.UpdateOptions{FieldManager: fieldManager})
}

// delete deletes the object, guarded by resourceVersion rv (the live one
// when empty) so that the version recorded is exactly what was deleted.
func (k configKind[T]) delete(ctx context.Context, h *handlers, c *multicluster.Cluster, in ObjectParams, rv string) error {
	client := k.client(c, in.Namespace)
	live, err := client.Get(ctx, in.Name, metav1.GetOptions{})
	if err != nil {
		return operation.ClusterError(err)
	}
	if rv == "" {
		rv = live.GetResourceVersion()
	}
	if err := client.Delete(ctx, in.Name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{ResourceVersion: &rv}}); err != nil {
		return operation.ClusterError(err)
	}
	_, err = h.record(ctx, k.change(object(in, k.kind), store.ConfigDeleted, 0, live))
	return err
}

// rollback writes snap, the data of version, back over the live object,
// or re-creates the object if it is gone, and records that as a new
// version.
func (k configKind[T]) rollback(ctx context.Context, h *handlers, c *multicluster.Cluster, in ObjectParams, version int, snap confighistory.Snapshot) (*store.ConfigVersion, error) {
	o, err := k.write(ctx, c, in, "", func(o T) { k.restore(o, snap) })
	if apierrors.IsNotFound(err) {
		o, err = k.client(c, in.Namespace).Create(ctx, k.recreate(in.Namespace, in.Name, snap), metav1.CreateOptions{FieldManager: fieldManager})
	}
	if err != nil {
		return nil, operation.ClusterError(err)
	}
	return h.record(ctx, k.change(object(in, k.kind), store.ConfigRolledBack, version, o))
}
