package pods

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	corev1 "k8s.io/api/core/v1"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
)

// PodLogsInput selects the logs of one container of a pod.
type PodLogsInput struct {
	PodInput
	Container    string `query:"container" maxLength:"253" doc:"Container name; may be left out when the pod has one container"`
	Previous     bool   `query:"previous" doc:"Logs of the previous, terminated run of the container"`
	TailLines    int64  `query:"tailLines" minimum:"-1" default:"-1" doc:"Last lines to return; -1 (default) returns every line"`
	SinceSeconds int64  `query:"sinceSeconds" minimum:"0" doc:"Only lines from the last so many seconds; 0 (default) means all"`
	Timestamps   bool   `query:"timestamps" doc:"Prefix every line with its RFC 3339 timestamp"`
	LimitBytes   int64  `query:"limitBytes" minimum:"0" doc:"Stop after so many bytes; 0 (default) means no limit"`
	Follow       bool   `query:"follow" doc:"Keep streaming new lines as Server-Sent Events (text/event-stream), one data: line per log line, until the container stops or the client goes away; the stream ends with an event named end"`
	Download     bool   `query:"download" doc:"Send the logs as an attachment (Content-Disposition) named after the pod and container"`
}

// logOptions are the Kubernetes log options of in.
func (in *PodLogsInput) logOptions() *corev1.PodLogOptions {
	o := &corev1.PodLogOptions{Container: in.Container, Previous: in.Previous, Timestamps: in.Timestamps, Follow: in.Follow}
	if in.TailLines >= 0 {
		o.TailLines = &in.TailLines
	}
	if in.SinceSeconds > 0 {
		o.SinceSeconds = &in.SinceSeconds
	}
	if in.LimitBytes > 0 {
		o.LimitBytes = &in.LimitBytes
	}
	return o
}

func registerLogs(api huma.API, d Deps) {
	op := operation.New(http.MethodGet, basePath+"/pods/{name}/logs", "get-pod-logs",
		"Stream the logs of a container of a pod", tags, auth.Permission{Verb: auth.VerbGet, Resource: ResourcePods})
	op.Errors = append(op.Errors, http.StatusBadRequest, http.StatusNotFound, http.StatusTooManyRequests, http.StatusServiceUnavailable)
	op.Responses = map[string]*huma.Response{"200": {
		Description: "The log lines as text, or as Server-Sent Events with follow=true (a live stream: each user may hold a bounded number, 429 beyond)",
		Content:     map[string]*huma.MediaType{"text/plain": {}, "text/event-stream": {}},
	}}
	huma.Register(api, op, func(ctx context.Context, in *PodLogsInput) (*huma.StreamResponse, error) {
		c, err := d.Cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		failed := func(err error) {
			d.Logger.Warn("Pod log stream failed", "cluster", in.Cluster, "namespace", in.Namespace,
				"pod", in.Name, "container", in.Container, "error", err)
		}
		// The log is opened before the response starts, so an unknown pod
		// or container is still a proper error response.
		if !in.Follow {
			rc, err := c.Kube.CoreV1().Pods(in.Namespace).GetLogs(in.Name, in.logOptions()).Stream(ctx)
			if err != nil {
				return nil, operation.ClusterError(err)
			}
			return &huma.StreamResponse{Body: func(hctx huma.Context) {
				defer rc.Close()
				_, w := humago.Unwrap(hctx)
				if err := copyLogs(w, rc, in); err != nil && hctx.Context().Err() == nil {
					failed(err)
				}
			}}, nil
		}
		stream, err := d.OpenStream(ctx)
		if err != nil {
			return nil, err
		}
		rc, err := c.Kube.CoreV1().Pods(in.Namespace).GetLogs(in.Name, in.logOptions()).Stream(ctx)
		if err != nil {
			stream.Close()
			return nil, operation.ClusterError(err)
		}
		stream.Defer(func() { _ = rc.Close() })
		return stream.Events(func(ctx context.Context, s *operation.SSE) {
			// Reading blocks while the container writes nothing: closing
			// the log ends it when the client leaves or the server stops.
			stop := context.AfterFunc(ctx, func() { _ = rc.Close() })
			defer stop()
			if err := followLogs(s, rc); err != nil && ctx.Err() == nil {
				failed(err)
			}
		}), nil
	})
}

// copyLogs streams the logs as text, flushing every chunk it reads.
func copyLogs(w http.ResponseWriter, r io.Reader, in *PodLogsInput) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if in.Download {
		name := in.Name
		if in.Container != "" {
			name += "-" + in.Container
		}
		w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name+".log"))
	}
	w.WriteHeader(http.StatusOK)
	flush := http.NewResponseController(w)
	buf := make([]byte, 32<<10)
	for {
		n, rerr := r.Read(buf)
		if n > 0 {
			if _, err := w.Write(buf[:n]); err != nil {
				return fmt.Errorf("write logs: %w", err)
			}
			if err := flush.Flush(); err != nil {
				return fmt.Errorf("flush logs: %w", err)
			}
		}
		if errors.Is(rerr, io.EOF) {
			return nil
		}
		if rerr != nil {
			return fmt.Errorf("read logs: %w", rerr)
		}
	}
}

// followLogs sends every log line as one event, then an end event when
// the log stream ends.
func followLogs(s *operation.SSE, r io.Reader) error {
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		line, rerr := br.ReadBytes('\n')
		if len(line) > 0 {
			if err := s.Send("", "", line); err != nil {
				return err
			}
		}
		if errors.Is(rerr, io.EOF) {
			return s.Send("", "end", nil)
		}
		if rerr != nil {
			return fmt.Errorf("read logs: %w", rerr)
		}
	}
}
