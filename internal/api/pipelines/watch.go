package pipelines

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/watch"
	"sigs.k8s.io/controller-runtime/pkg/client"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
)

// WatchInput selects the changes a watch stream of one kind sends.
type WatchInput struct {
	ProjectParam
	Pipeline      string `query:"pipeline" maxLength:"253" doc:"Only the executions of this pipeline (pipeline-executions only)"`
	FieldSelector string `query:"fieldSelector" maxLength:"300" doc:"Only the object of this name: metadata.name=NAME (the one field selector custom resources take)"`
	Since         string `query:"since" maxLength:"64" doc:"The list's metadata.resourceVersion, or the id of the last event received: the stream starts with what changed after it"`
	LastEventID   string `header:"Last-Event-ID" maxLength:"64" doc:"The id of the last event received, as EventSource sends it on reconnecting"`
}

// watchEvent is the data of one event of a watch stream: the same shape as
// the cached lists' streams, the object as the routes serve it.
type watchEvent struct {
	Type   string        `json:"type"`
	Object client.Object `json:"object,omitempty"`
}

const watchDoc = "A live stream (text/event-stream) of the changes to the objects the list at the same path without " +
	"`/watch` holds, from the management cluster's API server. Each event has `id:` (a cursor) and `data: " +
	"{\"type\": \"ADDED\"|\"MODIFIED\"|\"DELETED\", \"object\": ...}`. Without since, the stream begins with an ADDED " +
	"event for each object there is now. Reconnect with since (or Last-Event-ID) set to the last id received. " +
	"`{\"type\": \"RESET\"}` means the cursor cannot be resumed (too old): list again and watch from the list's " +
	"metadata.resourceVersion. A comment is sent every 15 s while nothing changes."

func (h *handlers) registerWatches(api huma.API) {
	for _, k := range kinds {
		path := "/api/v1/clusters/{cluster}/watch/projects/{project}/" + k.path
		op := operation.New(http.MethodGet, path, "watch-"+k.path, "Watch the project's "+k.name+"s", tags, perm(auth.VerbList))
		op.Description = watchDoc
		op.Errors = append(op.Errors, http.StatusNotFound, http.StatusTooManyRequests)
		op.Responses = map[string]*huma.Response{"200": {Description: "The events",
			Content: map[string]*huma.MediaType{"text/event-stream": {}}}}
		huma.Register(api, op, func(ctx context.Context, in *WatchInput) (*huma.StreamResponse, error) { return h.watch(ctx, k, in) })
	}
}

// watchOptions turns the input into the API server's watch options: 400
// naming the parameter for what it cannot watch by.
func watchOptions(k kind, namespace string, in *WatchInput) ([]client.ListOption, error) {
	since := in.Since
	if since == "" {
		since = in.LastEventID
	}
	opts := []client.ListOption{client.InNamespace(namespace), &client.ListOptions{Raw: &metav1.ListOptions{ResourceVersion: since}}}
	if in.Pipeline != "" {
		if k.path != executionKind.path {
			return nil, huma.Error400BadRequest("invalid query",
				&huma.ErrorDetail{Location: "query.pipeline", Message: "only pipeline-executions are selected by pipeline", Value: in.Pipeline})
		}
		opts = append(opts, client.MatchingLabels{devopsv1alpha1.LabelPipeline: in.Pipeline})
	}
	if in.FieldSelector != "" {
		sel, err := fields.ParseSelector(in.FieldSelector)
		if err == nil {
			for _, r := range sel.Requirements() {
				if r.Field != "metadata.name" {
					err = fmt.Errorf("field %q cannot be selected: only metadata.name", r.Field)
					break
				}
			}
		}
		if err != nil {
			return nil, huma.Error400BadRequest("invalid query",
				&huma.ErrorDetail{Location: "query.fieldSelector", Message: err.Error(), Value: in.FieldSelector})
		}
		opts = append(opts, client.MatchingFieldsSelector{Selector: sel})
	}
	return opts, nil
}

// watch streams the changes to the project's objects of kind k. The API
// server's watch ends now and then (its timeout); the stream ends with it
// and the client reconnects from its last id.
func (h *handlers) watch(ctx context.Context, k kind, in *WatchInput) (*huma.StreamResponse, error) {
	ns, c, err := h.project(ctx, in.ProjectParam)
	if err != nil {
		return nil, err
	}
	opts, err := watchOptions(k, ns, in)
	if err != nil {
		return nil, err
	}
	stream, err := h.OpenStream(ctx)
	if err != nil {
		return nil, err
	}
	// The stream outlives the handler: it ends with the client, the
	// server's shutdown, the API server's end of the watch or a reset.
	wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stream.Defer(cancel)
	w, err := c.Reader.Watch(wctx, k.newList(), opts...)
	// A cursor the API server no longer has (expired), or refuses (the
	// API server answered, and not with the objects): the client lists
	// again, as with the cached lists' streams. Only a cluster that does
	// not answer is an error.
	var status apierrors.APIStatus
	reset := apierrors.IsResourceExpired(err) || apierrors.IsGone(err) ||
		(in.Since+in.LastEventID != "" && errors.As(err, &status))
	if err != nil && !reset {
		stream.Close()
		return nil, operation.ClusterError(err)
	}
	if w != nil {
		stream.Defer(w.Stop)
	}
	return stream.Events(func(ctx context.Context, sse *operation.SSE) {
		send := func(id string, ev watchEvent) bool {
			data, err := json.Marshal(ev)
			return err == nil && sse.Send(id, "", data) == nil
		}
		if reset {
			send("", watchEvent{Type: multicluster.EventReset})
			return
		}
		forward(ctx, w, k, send)
	}), nil
}

// forward sends w's events until the stream's context ends or the API
// server ends the watch.
func forward(ctx context.Context, w watch.Interface, k kind, send func(string, watchEvent) bool) {
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-w.ResultChan():
			if !ok {
				return
			}
			switch ev.Type {
			case watch.Error:
				// A cursor the API server no longer has: the client lists again.
				if err := apierrors.FromObject(ev.Object); apierrors.IsResourceExpired(err) || apierrors.IsGone(err) {
					send("", watchEvent{Type: multicluster.EventReset})
				}
				return
			case watch.Added, watch.Modified, watch.Deleted:
				obj, ok := ev.Object.(client.Object)
				if !ok {
					continue
				}
				tidy(obj, k)
				if !send(obj.GetResourceVersion(), watchEvent{Type: string(ev.Type), Object: obj}) {
					return
				}
			}
		}
	}
}
