package pods

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
)

var eventTags = []string{"Events"}

// EventStreamInput selects the events of a cluster a stream sends.
type EventStreamInput struct {
	operation.ClusterParam
	Namespace string `query:"namespace" maxLength:"63" doc:"Only events of this namespace; empty means every namespace"`
	EventStreamParams
}

// NamespaceEventStreamInput selects the events of one namespace a stream
// sends; a project's members may follow their namespaces this way.
type NamespaceEventStreamInput struct {
	operation.NamespaceParam
	EventStreamParams
}

// EventStreamParams are what both event streams take besides the scope.
type EventStreamParams struct {
	FieldSelector   string `query:"fieldSelector" doc:"Kubernetes field selector on events, e.g. involvedObject.kind=Pod,type=Warning"`
	ResourceVersion string `query:"resourceVersion" doc:"Send the changes after this resource version (an earlier event's id); empty means from now on"`
	LastEventID     string `header:"Last-Event-ID" doc:"Set by EventSource clients when they reconnect; used as resourceVersion"`
	Accept          string `header:"Accept" doc:"Must accept text/event-stream"`
}

// PodEventChange is the data of one event of the stream: what happened to
// a Kubernetes event (ADDED, MODIFIED, DELETED) and the event.
type PodEventChange struct {
	Type  string       `json:"type" enum:"ADDED,MODIFIED,DELETED"`
	Event PodEventView `json:"event"`
}

func registerEvents(api huma.API, d Deps) {
	operation.CachedList[*corev1.Event, PodEventView]{Kind: "events", ID: "list-events", Summary: "List the events of a namespace", Tags: eventTags,
		Permission: auth.Permission{Verb: auth.VerbList, Resource: ResourceEvents}, Views: operation.Static(eventView)}.RegisterNamespaced(api, &d.Kit)

	const streamDescription = "Each Kubernetes event that is added, changed or deleted is sent as one Server-Sent Event " +
		"whose id is its resource version and whose data is a JSON PodEventChange. The request must accept " +
		"text/event-stream (EventSource does). The stream lasts until the client goes away or the server stops (each " +
		"user may hold a bounded number of live streams: 429 beyond); when the API server " +
		"ends the watch, the stream ends and EventSource reconnects from the last id. A resource version too old " +
		"to resume from ends the stream with an event named error."
	declare := func(path, id, summary string) huma.Operation {
		op := operation.New(http.MethodGet, path, id, summary, eventTags,
			auth.Permission{Verb: auth.VerbList, Resource: ResourceEvents})
		op.Description = streamDescription
		op.Errors = append(op.Errors, http.StatusBadRequest, http.StatusNotFound, http.StatusNotAcceptable, http.StatusTooManyRequests, http.StatusServiceUnavailable)
		op.Responses = map[string]*huma.Response{"200": {
			Description: "Server-Sent Events",
			Content:     map[string]*huma.MediaType{"text/event-stream": {}},
		}}
		return op
	}
	huma.Register(api, declare("/api/v1/clusters/{cluster}/events/stream", "stream-events",
		"Stream the events of a cluster as Server-Sent Events"),
		func(ctx context.Context, in *EventStreamInput) (*huma.StreamResponse, error) {
			return eventStream(ctx, d, in.Cluster, in.Namespace, &in.EventStreamParams)
		})
	huma.Register(api, declare(basePath+"/events/stream", "stream-namespace-events",
		"Stream the events of a namespace as Server-Sent Events"),
		func(ctx context.Context, in *NamespaceEventStreamInput) (*huma.StreamResponse, error) {
			return eventStream(ctx, d, in.Cluster, in.Namespace, &in.EventStreamParams)
		})
}

// eventStream watches the events of namespace ("" for all) from the
// resource version the client asks for, or from now.
func eventStream(ctx context.Context, d Deps, clusterName, namespace string, in *EventStreamParams) (*huma.StreamResponse, error) {
	if !strings.Contains(in.Accept, "text/event-stream") {
		return nil, huma.Error406NotAcceptable("this endpoint only sends text/event-stream; send Accept: text/event-stream")
	}
	c, err := d.Cluster(clusterName)
	if err != nil {
		return nil, err
	}
	stream, err := d.OpenStream(ctx)
	if err != nil {
		return nil, err
	}
	events := c.Kube.CoreV1().Events(namespace)
	rv := in.ResourceVersion
	if rv == "" {
		rv = in.LastEventID
	}
	if rv == "" {
		// Start from now: the resource version of an empty page.
		l, err := events.List(ctx, metav1.ListOptions{FieldSelector: in.FieldSelector, Limit: 1})
		if err != nil {
			stream.Close()
			return nil, operation.ClusterError(err)
		}
		rv = l.ResourceVersion
	}
	w, err := events.Watch(ctx, metav1.ListOptions{FieldSelector: in.FieldSelector, ResourceVersion: rv, AllowWatchBookmarks: false})
	if err != nil {
		stream.Close()
		return nil, operation.ClusterError(err)
	}
	stream.Defer(w.Stop)
	return stream.Events(func(ctx context.Context, s *operation.SSE) {
		if err := streamEvents(ctx, s, w); err != nil && ctx.Err() == nil {
			d.Logger.Warn("Event stream failed", "cluster", clusterName, "namespace", namespace, "error", err)
		}
	}), nil
}

// streamEvents sends the changes of w until it ends or ctx does.
func streamEvents(ctx context.Context, s *operation.SSE, w watch.Interface) error {
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.ResultChan():
			if !ok {
				return nil
			}
			switch ev.Type {
			case watch.Added, watch.Modified, watch.Deleted:
				e, ok := ev.Object.(*corev1.Event)
				if !ok {
					continue
				}
				data, err := json.Marshal(PodEventChange{Type: string(ev.Type), Event: eventView(e)})
				if err != nil {
					return fmt.Errorf("encode event: %w", err)
				}
				if err := s.Send(e.ResourceVersion, "", data); err != nil {
					return err
				}
			case watch.Error:
				status := apierrors.FromObject(ev.Object)
				msg, _ := json.Marshal(map[string]string{"message": status.Error()})
				if err := s.Send("", "error", msg); err != nil {
					return errors.Join(status, err)
				}
				return nil
			}
		}
	}
}
