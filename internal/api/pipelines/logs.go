package pipelines

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/logstore"
)

// LogInput names one step's log.
type LogInput struct {
	NameInput
	Stage  int   `query:"stage" minimum:"-1" maximum:"63" doc:"Stage index in the execution's config; -1 is the preparation (the checkout)"`
	Step   int   `query:"step" minimum:"0" maximum:"31" doc:"Step index in the stage"`
	Offset int64 `query:"offset" minimum:"0" doc:"Byte offset to start from (a follower that reconnects sends what it has)"`
	Follow bool  `query:"follow" doc:"Stream the log as Server-Sent Events until the step ends: 'log' events carry text (id: the offset after it), one 'end' event closes it"`
}

func (h *handlers) registerLogs(api huma.API) {
	op := operation.New(http.MethodGet, prefix+"/pipeline-executions/{name}/logs", "get-pipeline-execution-log",
		"Read or follow one step's log", tags, perm(auth.VerbGet))
	op.Description = "Without follow, the log as it is now, as text. With follow, Server-Sent Events: the log from offset, then " +
		"what is written, until the step ends (also across a restart of the server: a log whose execution was given up ends " +
		"with the reason). A step that has not started yet is waited for."
	op.Errors = append(op.Errors, http.StatusNotFound, http.StatusTooManyRequests)
	op.Responses = map[string]*huma.Response{"200": {Description: "The log (text/plain), or its events (text/event-stream)",
		Content: map[string]*huma.MediaType{"text/plain": {}, "text/event-stream": {}}}}
	huma.Register(api, op, h.log)
}

func (h *handlers) log(ctx context.Context, in *LogInput) (*huma.StreamResponse, error) {
	var e devopsv1alpha1.PipelineExecution
	ns, _, err := h.read(ctx, in.ProjectParam, executionKind, in.Name, &e)
	if err != nil {
		return nil, err
	}
	if err := stepExists(&e, in.Stage, in.Step); err != nil {
		return nil, err
	}
	key := logstore.Key{Namespace: ns, Execution: in.Name, Stage: in.Stage, Step: in.Step}
	if !in.Follow {
		rc, err := h.Logs.Open(ctx, key, in.Offset)
		if errors.Is(err, logstore.ErrNotFound) {
			return nil, huma.Error404NotFound(fmt.Sprintf("stage %d step %d of %q has no log yet", in.Stage, in.Step, in.Name))
		}
		if err != nil {
			return nil, err
		}
		return &huma.StreamResponse{Body: func(hctx huma.Context) {
			defer rc.Close()
			_, w := humago.Unwrap(hctx)
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusOK)
			_, _ = io.Copy(w, rc)
		}}, nil
	}
	stream, err := h.OpenStream(ctx)
	if err != nil {
		return nil, err
	}
	return stream.Events(func(ctx context.Context, sse *operation.SSE) { h.follow(ctx, sse, key, in.Offset) }), nil
}

// follow streams the log at key from offset as 'log' events, and ends with
// an 'end' event when the step has ended (or, without one, when the server
// stops: the client reconnects from its offset).
func (h *handlers) follow(ctx context.Context, sse *operation.SSE, key logstore.Key, offset int64) {
	err := h.Logs.Follow(ctx, key, offset, func(p []byte) error {
		offset += int64(len(p))
		return sse.Send(strconv.FormatInt(offset, 10), "log", p)
	})
	if err == nil {
		_ = sse.Send(strconv.FormatInt(offset, 10), "end", []byte("end"))
	}
}

// stepExists is a 404 for a stage or step the execution does not have.
func stepExists(e *devopsv1alpha1.PipelineExecution, stage, step int) error {
	if stage == logstore.PrepareStage {
		return nil
	}
	stages := e.Spec.Config.Stages
	if stage < 0 || stage >= len(stages) || step < 0 || step >= len(stages[stage].Steps) {
		return huma.Error404NotFound(fmt.Sprintf("execution %q has no stage %d step %d", e.Name, stage, step))
	}
	return nil
}
