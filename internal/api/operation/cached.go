package operation

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
)

// CachedList is a list an area serves from the cluster caches: one page
// at a time, and, at the same path with /watch after the cluster, as a
// live stream of the changes, so a console shows the objects as they are.
// Both take the same filters and the same permission, and show objects the
// same way.
type CachedList[O runtime.Object, V any] struct {
	// Kind is the multicluster kind ("services").
	Kind string
	// ID and Summary name the list operation; the watch's are derived.
	ID, Summary string
	// Description adds to the operation's description.
	Description string
	Tags        []string
	// Permission is what listing (and watching) needs.
	Permission auth.Permission
	// Views returns how one object of cluster c is shown. It is called
	// once per page, and once per change on a stream, so it may prepare
	// what its views share (the pod requests of every node).
	Views func(c *multicluster.Cluster) func(O) V
}

// namespacedListInput lists a namespaced kind in one namespace.
type namespacedListInput struct {
	NamespaceParam
	ClusterListParams
}

// clusterListInput lists a kind across the cluster.
type clusterListInput struct {
	ClusterParam
	ClusterListParams
}

// ListOutput is one page of a cached list.
type ListOutput[V any] struct {
	Body ClusterList[V]
}

// WatchParams select the changes of a watch stream.
type WatchParams struct {
	LabelSelector string `query:"labelSelector" doc:"Kubernetes label selector, as the list takes it"`
	FieldSelector string `query:"fieldSelector" doc:"Kubernetes field selector, as the list takes it"`
	Name          string `query:"name" maxLength:"253" doc:"Keep objects whose name contains this"`
	Since         string `query:"since" maxLength:"64" doc:"A list's cursor, or the id of the last event received: the stream starts with what changed after it"`
	LastEventID   string `header:"Last-Event-ID" maxLength:"64" doc:"The id of the last event received, as EventSource sends it on reconnecting"`
}

type namespacedWatchInput struct {
	NamespaceParam
	WatchParams
}

type clusterWatchInput struct {
	ClusterParam
	WatchParams
}

// watchDoc describes every watch stream.
const watchDoc = "A live stream (text/event-stream) of the changes to the objects the list at the same path without " +
	"`/watch` selects, from the cluster's cache. Each event has `id:` (a cursor) and `data: " +
	`{"type":"ADDED"|"MODIFIED"|"DELETED","object":<as the list shows it>}` + "`; an object that starts or stops " +
	"matching the selectors is ADDED or DELETED. Start from a list's `cursor` (`since=`) to miss nothing after " +
	"that page; reconnect with the last id (`since=` or `Last-Event-ID`). `{\"type\":\"RESET\"}` ends a stream whose " +
	"cursor cannot be resumed (too old, or the cluster reconnected): list again and watch from the new cursor. " +
	"A comment every 15 s keeps an idle stream open. Each user may hold a bounded number of streams (429 beyond)."

// RegisterNamespaced serves the list at
// /api/v1/clusters/{cluster}/namespaces/{namespace}/<kind> and its watch
// at /api/v1/clusters/{cluster}/watch/namespaces/{namespace}/<kind>.
func (l CachedList[O, V]) RegisterNamespaced(api huma.API, k *Kit) {
	path := "/namespaces/{namespace}/" + l.Kind
	huma.Register(api, l.listOp(path), func(ctx context.Context, in *namespacedListInput) (*ListOutput[V], error) {
		return l.list(k, in.Cluster, in.Query(in.Namespace))
	})
	huma.Register(api, l.watchOp(path), func(ctx context.Context, in *namespacedWatchInput) (*huma.StreamResponse, error) {
		return l.watch(ctx, k, in.Cluster, in.WatchParams, in.Namespace)
	})
}

// RegisterClusterWide serves the list at /api/v1/clusters/{cluster}/<kind>
// (every namespace of a namespaced kind) and its watch at
// /api/v1/clusters/{cluster}/watch/<kind>.
func (l CachedList[O, V]) RegisterClusterWide(api huma.API, k *Kit) {
	path := "/" + l.Kind
	huma.Register(api, l.listOp(path), func(ctx context.Context, in *clusterListInput) (*ListOutput[V], error) {
		return l.list(k, in.Cluster, in.Query(""))
	})
	huma.Register(api, l.watchOp(path), func(ctx context.Context, in *clusterWatchInput) (*huma.StreamResponse, error) {
		return l.watch(ctx, k, in.Cluster, in.WatchParams, "")
	})
}

func (l CachedList[O, V]) listOp(path string) huma.Operation {
	op := New(http.MethodGet, "/api/v1/clusters/{cluster}"+path, l.ID, l.Summary, l.Tags, l.Permission)
	op.Description = strings.TrimSpace(l.Description + "\n\n" + l.fieldsDoc())
	op.Errors = append(op.Errors, http.StatusBadRequest, http.StatusNotFound, http.StatusServiceUnavailable)
	return op
}

func (l CachedList[O, V]) watchOp(path string) huma.Operation {
	op := New(http.MethodGet, "/api/v1/clusters/{cluster}/watch"+path, "watch-"+strings.TrimPrefix(l.ID, "list-"),
		"Watch: "+l.Summary, l.Tags, l.Permission)
	op.Description = watchDoc + "\n\n" + l.fieldsDoc()
	op.Errors = append(op.Errors, http.StatusBadRequest, http.StatusNotFound, http.StatusTooManyRequests, http.StatusServiceUnavailable)
	op.Responses = map[string]*huma.Response{"200": {Description: "The event stream",
		Content: map[string]*huma.MediaType{"text/event-stream": {Schema: &huma.Schema{Type: "string"}}}}}
	return op
}

// fieldsDoc says which field selector keys the kind takes.
func (l CachedList[O, V]) fieldsDoc() string {
	k, err := multicluster.KindByName(l.Kind)
	if err != nil {
		panic(err) // a list of a kind the caches do not hold is a bug
	}
	return "Field selector keys: " + strings.Join(k.FieldPaths(), ", ") + "."
}

func (l CachedList[O, V]) list(k *Kit, cluster string, q multicluster.Query) (*ListOutput[V], error) {
	c, err := k.Cluster(cluster)
	if err != nil {
		return nil, err
	}
	page, err := c.List(l.Kind, q)
	if err != nil {
		return nil, ClusterError(err)
	}
	return &ListOutput[V]{Body: Views(page, l.Views(c))}, nil
}

// watchEvent is the data of one event of a watch stream.
type watchEvent[V any] struct {
	Type   string `json:"type"`
	Object *V     `json:"object,omitempty"`
}

func (l CachedList[O, V]) watch(ctx context.Context, k *Kit, cluster string, p WatchParams, namespace string) (*huma.StreamResponse, error) {
	c, err := k.Cluster(cluster)
	if err != nil {
		return nil, err
	}
	stream, err := k.OpenStream(ctx)
	if err != nil {
		return nil, err
	}
	since := p.Since
	if since == "" {
		since = p.LastEventID
	}
	q := multicluster.Query{Namespace: namespace, LabelSelector: p.LabelSelector, FieldSelector: p.FieldSelector, NameContains: p.Name}
	// The stream outlives the handler: it ends with the client, the
	// server's shutdown or a reset.
	wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stream.Defer(cancel)
	events, err := c.Watch(wctx, l.Kind, q, since)
	reset := errors.Is(err, multicluster.ErrCursorGone)
	if err != nil && !reset {
		stream.Close()
		return nil, ClusterError(err)
	}
	return stream.Events(func(ctx context.Context, sse *SSE) {
		send := func(id string, ev watchEvent[V]) bool {
			data, err := json.Marshal(ev)
			return err == nil && sse.Send(id, "", data) == nil
		}
		if reset {
			send("", watchEvent[V]{Type: multicluster.EventReset})
			return
		}
		for {
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-events:
				if !ok {
					return
				}
				if ev.Type == multicluster.EventReset {
					send("", watchEvent[V]{Type: ev.Type})
					return
				}
				o, ok := ev.Object.(O)
				if !ok {
					continue
				}
				v := l.Views(c)(o)
				if !send(ev.Cursor, watchEvent[V]{Type: ev.Type, Object: &v}) {
					return
				}
			}
		}
	}), nil
}

// Static is the Views of a kind whose objects show the same way in every
// cluster.
func Static[O runtime.Object, V any](view func(O) V) func(*multicluster.Cluster) func(O) V {
	return func(*multicluster.Cluster) func(O) V { return view }
}
