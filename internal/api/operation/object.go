package operation

import (
	"context"
	"fmt"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"

	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
)

// GetCached reads one object of kind (a multicluster kind: "services")
// from the named cluster's cache, as every area's get does: 404 for an
// unknown cluster or object, 503 while the cluster is down. The cluster is
// returned for views that read more of its cache.
func GetCached[O runtime.Object](k *Kit, cluster, kind, namespace, name string) (O, *multicluster.Cluster, error) {
	var zero O
	c, err := k.Cluster(cluster)
	if err != nil {
		return zero, nil, err
	}
	o, err := c.Get(kind, namespace, name)
	if err != nil {
		return zero, nil, ClusterError(err)
	}
	typed, ok := o.(O)
	if !ok {
		// A kind whose cache holds another type is a bug of the caller.
		return zero, nil, fmt.Errorf("the %s cache holds %T", kind, o)
	}
	return typed, c, nil
}

// Deleter is the Delete of a client-go typed client.
type Deleter interface {
	Delete(ctx context.Context, name string, opts metav1.DeleteOptions) error
}

// DeleteOp declares the DELETE of one object: 204 when deleted, 404 for
// an unknown cluster or object, 503 while the cluster is down.
func DeleteOp(path, id, summary string, tags []string, perm auth.Permission) huma.Operation {
	op := New(http.MethodDelete, path, id, summary, tags, perm)
	op.DefaultStatus = http.StatusNoContent
	op.Errors = append(op.Errors, http.StatusNotFound, http.StatusServiceUnavailable)
	return op
}

// Delete deletes name in the named cluster through the typed client that
// client picks from the cluster's clientset, with the kit's answers.
func (k *Kit) Delete(ctx context.Context, cluster, name string, opts metav1.DeleteOptions, client func(kubernetes.Interface) Deleter) error {
	c, err := k.Cluster(cluster)
	if err != nil {
		return err
	}
	if err := client(c.Kube).Delete(ctx, name, opts); err != nil {
		return ClusterError(err)
	}
	return nil
}

// GetOp declares the GET of one object: 404 for an unknown cluster or
// object, 503 while the cluster is down.
func GetOp(path, id, summary string, tags []string, perm auth.Permission) huma.Operation {
	op := New(http.MethodGet, path, id, summary, tags, perm)
	op.Errors = append(op.Errors, http.StatusNotFound, http.StatusServiceUnavailable)
	return op
}

// CreateOp declares the POST that creates an object: 201 when created,
// 404 for an unknown cluster or namespace, 409 when the name is taken,
// 503 while the cluster is down.
func CreateOp(path, id, summary string, tags []string, perm auth.Permission) huma.Operation {
	op := New(http.MethodPost, path, id, summary, tags, perm)
	op.DefaultStatus = http.StatusCreated
	op.Errors = append(op.Errors, http.StatusNotFound, http.StatusConflict, http.StatusServiceUnavailable)
	return op
}

// ReplaceOp declares the PUT that replaces part of an object: 404 for an
// unknown cluster or object, 409 for a stale resourceVersion, 503 while
// the cluster is down.
func ReplaceOp(path, id, summary string, tags []string, perm auth.Permission) huma.Operation {
	op := New(http.MethodPut, path, id, summary, tags, perm)
	op.Errors = append(op.Errors, http.StatusNotFound, http.StatusConflict, http.StatusServiceUnavailable)
	return op
}
