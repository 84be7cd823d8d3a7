// Package pods serves the pods of member clusters under
// /api/v1/clusters/{cluster}/namespaces/{namespace}/pods: lists and details
// read from the cluster's caches (a pod's detail carries its events),
// deletion, and container logs streamed from the API server as plain text,
// as a download or, when following, as Server-Sent Events. It also serves
// the events of a namespace from the cache and a cluster's event stream
// (Server-Sent Events from a watch on the API server), and exec: a
// terminal in a container over a WebSocket, bridged to the Kubernetes exec
// subresource.
package pods

import (
	"context"

	"github.com/danielgtaylor/huma/v2"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
)

// Permission resources of the pod and event operations.
const (
	ResourcePods   = "pods"
	ResourceEvents = "events"
)

const basePath = "/api/v1/clusters/{cluster}/namespaces/{namespace}"

var tags = []string{"Pods"}

// Deps are what the pod and event endpoints need.
type Deps struct {
	// Kit's Logger records streams that end with an error after their
	// headers were sent, when no error response is possible any more; its
	// Audit receives the record of every exec session start.
	operation.Kit
	// Exec bounds exec sessions; zero fields take their defaults.
	Exec ExecLimits
}

// PodInput names a pod.
type PodInput struct {
	operation.NamespaceParam
	Name string `path:"name" maxLength:"253" doc:"Pod name"`
}

// PodDetailOutput is one pod with its events.
type PodDetailOutput struct {
	Body PodDetail
}

// DeletePodInput deletes a pod.
type DeletePodInput struct {
	PodInput
	GracePeriodSeconds int64 `query:"gracePeriodSeconds" minimum:"-1" default:"-1" doc:"Seconds the containers get to stop; 0 deletes at once; -1 (default) uses the pod's own terminationGracePeriodSeconds"`
}

// Register adds the pod, log and event endpoints to api.
func Register(api huma.API, d Deps) {
	perm := func(verb string) auth.Permission { return auth.Permission{Verb: verb, Resource: ResourcePods} }
	path := basePath + "/pods"

	pods := operation.CachedList[*corev1.Pod, PodView]{Kind: "pods", Tags: tags, Permission: perm(auth.VerbList), Views: operation.Static(podView)}
	pods.ID, pods.Summary = "list-pods", "List the pods of a namespace"
	pods.RegisterNamespaced(api, &d.Kit)
	pods.ID, pods.Summary = "list-cluster-pods", "List the pods of every namespace of a cluster"
	pods.Description = "Reads the cluster's cache. Equality label requirements (app=web, app in (a,b)), " +
		"fieldSelector=spec.nodeName=... and metadata.namespace=... are answered from indexes; " +
		"other selectors scan the cached pods. Sorted by namespace and name unless sort says otherwise."
	pods.RegisterClusterWide(api, &d.Kit)

	get := operation.GetOp(path+"/{name}", "get-pod", "Get a pod with its events", tags, perm(auth.VerbGet))
	huma.Register(api, get, func(ctx context.Context, in *PodInput) (*PodDetailOutput, error) {
		c, err := d.Cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		pod, err := cachedPod(c, in.Namespace, in.Name)
		if err != nil {
			return nil, err
		}
		events, err := c.List("events", multicluster.Query{Namespace: pod.Namespace,
			FieldSelector: "involvedObject.uid=" + string(pod.UID), Sort: multicluster.SortCreation})
		if err != nil {
			return nil, operation.ClusterError(err)
		}
		out := &PodDetailOutput{Body: PodDetail{PodView: podView(pod), Events: make([]PodEventView, 0, len(events.Items))}}
		for _, e := range events.Items {
			out.Body.Events = append(out.Body.Events, eventView(e.(*corev1.Event)))
		}
		return out, nil
	})

	del := operation.DeleteOp(path+"/{name}", "delete-pod", "Delete a pod", tags, perm(auth.VerbDelete))
	huma.Register(api, del, func(ctx context.Context, in *DeletePodInput) (*struct{}, error) {
		opts := metav1.DeleteOptions{}
		if in.GracePeriodSeconds >= 0 {
			opts.GracePeriodSeconds = &in.GracePeriodSeconds
		}
		return nil, d.Delete(ctx, in.Cluster, in.Name, opts,
			func(k kubernetes.Interface) operation.Deleter { return k.CoreV1().Pods(in.Namespace) })
	})

	registerLogs(api, d)
	registerExec(api, d)
	registerEvents(api, d)
}

// cachedPod is the pod from c's cache; errors are ready for the client.
func cachedPod(c *multicluster.Cluster, namespace, name string) (*corev1.Pod, error) {
	o, err := c.Get("pods", namespace, name)
	if err != nil {
		return nil, operation.ClusterError(err)
	}
	return o.(*corev1.Pod), nil
}

// cluster returns the named cluster when it is available.
