package operation

import (
	"context"

	"github.com/danielgtaylor/huma/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/util/retry"

	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
)

// Object is what a typed kind's objects are: a Kubernetes object with its
// metadata (*corev1.Service).
type Object interface {
	runtime.Object
	metav1.Object
}

// TypedClient is the part of a client-go typed client (a ServiceInterface)
// the object endpoints use.
type TypedClient[O Object] interface {
	Get(ctx context.Context, name string, opts metav1.GetOptions) (O, error)
	Create(ctx context.Context, o O, opts metav1.CreateOptions) (O, error)
	Update(ctx context.Context, o O, opts metav1.UpdateOptions) (O, error)
	Delete(ctx context.Context, name string, opts metav1.DeleteOptions) error
}

// NamespacedObjectInput names one object of a namespaced kind.
type NamespacedObjectInput struct {
	NamespaceParam
	Name string `path:"name" maxLength:"253" doc:"Object name"`
}

// ClusterObjectInput names one object of a cluster-scoped kind.
type ClusterObjectInput struct {
	ClusterParam
	Name string `path:"name" maxLength:"253" doc:"Object name"`
}

// NewObject is the name and labels of the object a create makes, in the
// body beside what the kind's own fields say.
type NewObject struct {
	Name   string            `json:"name" maxLength:"253" doc:"A DNS subdomain name"`
	Labels map[string]string `json:"labels,omitempty"`
}

// Check reports what is wrong with the name (a DNS subdomain) and the
// labels, each problem naming its field.
func (n NewObject) Check() []error {
	return append(Invalid("body.name", n.Name, validation.IsDNS1123Subdomain(n.Name)), ValidateLabels("body.labels", n.Labels)...)
}

// Meta is the new object's metadata in namespace ("" for a cluster-scoped
// kind).
func (n NewObject) Meta(namespace string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: n.Name, Namespace: namespace, Labels: n.Labels}
}

// ObjectOutput is one object as an area shows it.
type ObjectOutput[V any] struct {
	Body V
}

// TypedKind declares the endpoints of one kind's objects that an area
// serves the same way for every kind, as CachedList does for its lists:
// get from the cluster's cache, create, replace and delete through the
// kind's typed client, each with the kit's answers (404 for an unknown
// cluster or object, 503 while the cluster is down, what the cluster
// refused as a problem naming the field). Paths are
// /api/v1/clusters/{cluster}/namespaces/{namespace}/<kind> for a
// namespaced kind and /api/v1/clusters/{cluster}/<kind> for a
// cluster-scoped one.
type TypedKind[O Object, V any] struct {
	// Kind is the multicluster kind and the last segment of the paths
	// ("services").
	Kind string
	// Singular names the operations ("service": get-service).
	Singular string
	// Namespaced says whether the kind's objects live in namespaces.
	Namespaced bool
	Tags       []string
	// Resource is the permission resource of the operations.
	Resource string
	// Client picks the kind's typed client in namespace ("" for a
	// cluster-scoped kind) from a cluster's clientset.
	Client func(kube kubernetes.Interface, namespace string) TypedClient[O]
	// View is how one object is shown.
	View func(O) V
}

func (t TypedKind[O, V]) perm(verb string) auth.Permission {
	return auth.Permission{Verb: verb, Resource: t.Resource}
}

// Path is the path of the kind's collection.
func (t TypedKind[O, V]) Path() string {
	if t.Namespaced {
		return "/api/v1/clusters/{cluster}/namespaces/{namespace}/" + t.Kind
	}
	return "/api/v1/clusters/{cluster}/" + t.Kind
}

// RegisterList serves the kind's cached list (and its watch) with
// views, the list's summary saying what it lists.
func (t TypedKind[O, V]) RegisterList(api huma.API, k *Kit, summary string) {
	l := CachedList[O, V]{Kind: t.Kind, ID: "list-" + t.Kind, Summary: summary, Tags: t.Tags,
		Permission: t.perm(auth.VerbList), Views: Static(t.View)}
	if t.Namespaced {
		l.RegisterNamespaced(api, k)
	} else {
		l.RegisterClusterWide(api, k)
	}
}

// GetOp declares the kind's GET of one object.
func (t TypedKind[O, V]) GetOp(summary string) huma.Operation {
	return GetOp(t.Path()+"/{name}", "get-"+t.Singular, summary, t.Tags, t.perm(auth.VerbGet))
}

// CreateOp declares the kind's POST that creates an object.
func (t TypedKind[O, V]) CreateOp(summary string) huma.Operation {
	return CreateOp(t.Path(), "create-"+t.Singular, summary, t.Tags, t.perm(auth.VerbCreate))
}

// ReplaceOp declares the kind's PUT that replaces part of an object.
func (t TypedKind[O, V]) ReplaceOp(summary string) huma.Operation {
	return ReplaceOp(t.Path()+"/{name}", "update-"+t.Singular, summary, t.Tags, t.perm(auth.VerbUpdate))
}

// RegisterGet serves the GET of one object, read from the cache and shown
// with View.
func (t TypedKind[O, V]) RegisterGet(api huma.API, k *Kit, summary string) {
	get := func(cluster, namespace, name string) (*ObjectOutput[V], error) {
		o, _, err := GetCached[O](k, cluster, t.Kind, namespace, name)
		if err != nil {
			return nil, err
		}
		return &ObjectOutput[V]{Body: t.View(o)}, nil
	}
	if t.Namespaced {
		huma.Register(api, t.GetOp(summary), func(ctx context.Context, in *NamespacedObjectInput) (*ObjectOutput[V], error) {
			return get(in.Cluster, in.Namespace, in.Name)
		})
		return
	}
	huma.Register(api, t.GetOp(summary), func(ctx context.Context, in *ClusterObjectInput) (*ObjectOutput[V], error) {
		return get(in.Cluster, "", in.Name)
	})
}

// RegisterDelete serves the DELETE of one object.
func (t TypedKind[O, V]) RegisterDelete(api huma.API, k *Kit, summary string) {
	op := DeleteOp(t.Path()+"/{name}", "delete-"+t.Singular, summary, t.Tags, t.perm(auth.VerbDelete))
	del := func(ctx context.Context, cluster, namespace, name string) error {
		return k.Delete(ctx, cluster, name, metav1.DeleteOptions{},
			func(kube kubernetes.Interface) Deleter { return t.Client(kube, namespace) })
	}
	if t.Namespaced {
		huma.Register(api, op, func(ctx context.Context, in *NamespacedObjectInput) (*struct{}, error) {
			return nil, del(ctx, in.Cluster, in.Namespace, in.Name)
		})
		return
	}
	huma.Register(api, op, func(ctx context.Context, in *ClusterObjectInput) (*struct{}, error) {
		return nil, del(ctx, in.Cluster, "", in.Name)
	})
}

// Create creates o (in its namespace) in the named cluster unless the
// request's checks found problems (details, a 422 naming each field), and
// shows what the cluster made of it.
func (t TypedKind[O, V]) Create(ctx context.Context, k *Kit, cluster string, o O, details []error) (*ObjectOutput[V], error) {
	if len(details) > 0 {
		return nil, ValidationFailed(details)
	}
	c, err := k.Cluster(cluster)
	if err != nil {
		return nil, err
	}
	created, err := t.Client(c.Kube, o.GetNamespace()).Create(ctx, o, metav1.CreateOptions{})
	if err != nil {
		return nil, ClusterError(err)
	}
	return &ObjectOutput[V]{Body: t.View(created)}, nil
}

// Replace reads the named object from the API server, lets set change it,
// and writes it back. With a resourceVersion (the one the user read) the
// write is tried once and a stale version is a 409; without one it is
// retried on conflicts. An error set returns (a 422 it found) is returned
// as it is, and nothing is written.
func (t TypedKind[O, V]) Replace(ctx context.Context, k *Kit, cluster, namespace, name, resourceVersion string,
	set func(O) error) (*ObjectOutput[V], error) {
	c, err := k.Cluster(cluster)
	if err != nil {
		return nil, err
	}
	client := t.Client(c.Kube, namespace)
	var replaced O
	var refused error
	write := func() error {
		cur, err := client.Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		if resourceVersion != "" {
			cur.SetResourceVersion(resourceVersion)
		}
		if refused = set(cur); refused != nil {
			return nil
		}
		replaced, err = client.Update(ctx, cur, metav1.UpdateOptions{})
		return err
	}
	if resourceVersion != "" {
		err = write()
	} else {
		err = retry.RetryOnConflict(retry.DefaultRetry, write)
	}
	if err != nil {
		return nil, ClusterError(err)
	}
	if refused != nil {
		return nil, refused
	}
	return &ObjectOutput[V]{Body: t.View(replaced)}, nil
}
