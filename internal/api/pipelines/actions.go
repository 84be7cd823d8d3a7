package pipelines

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"sigs.k8s.io/controller-runtime/pkg/client"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	ctl "github.com/wheelhouse-dev/wheelhouse/internal/controller/pipelines"
	"github.com/wheelhouse-dev/wheelhouse/internal/pipeline"
	"github.com/wheelhouse-dev/wheelhouse/internal/pipeline/gitsource"
)

// RunInput starts a pipeline by hand.
type RunInput struct {
	NameInput
	Body struct {
		Branch string `json:"branch,omitempty" maxLength:"255" doc:"Branch to build; none (and no commit or tag) means the repository's default branch"`
		Tag    string `json:"tag,omitempty" maxLength:"255" doc:"Tag to build"`
		Commit string `json:"commit,omitempty" maxLength:"64" doc:"Commit to build (a full id, or a prefix git can resolve); it wins over branch and tag"`
	}
}

func (h *handlers) registerActions(api huma.API) {
	run := operation.New(http.MethodPost, prefix+"/pipelines/{name}/run", "run-pipeline",
		"Run a pipeline now, on a branch, tag or commit", tags, perm(auth.VerbCreate))
	run.Description = "Reads the pipeline file at the commit, validates it and creates the execution, which queues under the project's " +
		"executor quota. A file that does not validate is a 422 naming its lines and fields; a branch or commit that does not exist " +
		"is a 422 on body.branch or body.commit; a repository that cannot be read is a 424."
	run.DefaultStatus = http.StatusCreated
	run.Errors = append(run.Errors, http.StatusNotFound, http.StatusConflict, http.StatusFailedDependency)
	huma.Register(api, run, h.run)

	abort := operation.New(http.MethodPost, prefix+"/pipeline-executions/{name}/abort", "abort-pipeline-execution",
		"Abort an execution: queued ones end at once, running ones when their steps are stopped", tags, perm(auth.VerbUpdate))
	abort.DefaultStatus = http.StatusAccepted
	abort.Errors = append(abort.Errors, http.StatusNotFound, http.StatusConflict)
	huma.Register(api, abort, h.abort)

	rerun := operation.New(http.MethodPost, prefix+"/pipeline-executions/{name}/rerun", "rerun-pipeline-execution",
		"Run an execution again: the same commit and pipeline file, as a new execution", tags, perm(auth.VerbCreate))
	rerun.DefaultStatus = http.StatusCreated
	rerun.Errors = append(rerun.Errors, http.StatusNotFound, http.StatusConflict, http.StatusFailedDependency)
	huma.Register(api, rerun, h.rerun)
}

func (h *handlers) run(ctx context.Context, in *RunInput) (*JSONOutput, error) {
	var p devopsv1alpha1.Pipeline
	_, c, err := h.read(ctx, in.ProjectParam, pipelineKind, in.Name, &p)
	if err != nil {
		return nil, err
	}
	if m := p.Spec.Triggers.Manual; m != nil && !*m {
		return nil, huma.Error409Conflict(fmt.Sprintf("pipeline %q does not allow manual runs (spec.triggers.manual is false)", p.Name))
	}
	e, err := c.Trigger.Run(ctx, &p, ctl.Request{
		Trigger: devopsv1alpha1.TriggerManual, Event: devopsv1alpha1.EventManual, TriggeredBy: auth.PrincipalFrom(ctx).Username,
		Branch: in.Body.Branch, Tag: in.Body.Tag, Commit: in.Body.Commit,
	})
	if err != nil {
		return nil, triggerProblem(err, in.Body.Commit != "")
	}
	tidy(e, executionKind)
	return jsonOut(http.StatusCreated, e)
}

func (h *handlers) abort(ctx context.Context, in *NameInput) (*JSONOutput, error) {
	var e devopsv1alpha1.PipelineExecution
	_, c, err := h.read(ctx, in.ProjectParam, executionKind, in.Name, &e)
	if err != nil {
		return nil, err
	}
	if e.Status.State.Finished() {
		return nil, huma.Error409Conflict(fmt.Sprintf("execution %q has ended (%s)", e.Name, e.Status.State))
	}
	patch := client.MergeFrom(e.DeepCopy())
	e.Spec.Abort = true
	if err := c.Client.Patch(ctx, &e, patch); err != nil {
		return nil, notFound(err, executionKind, in.Name)
	}
	tidy(&e, executionKind)
	return jsonOut(http.StatusAccepted, &e)
}

func (h *handlers) rerun(ctx context.Context, in *NameInput) (*JSONOutput, error) {
	var e devopsv1alpha1.PipelineExecution
	ns, c, err := h.read(ctx, in.ProjectParam, executionKind, in.Name, &e)
	if err != nil {
		return nil, err
	}
	var p devopsv1alpha1.Pipeline
	if err := c.Reader.Get(ctx, objectKey(ns, e.Spec.Pipeline), &p); err != nil {
		return nil, huma.Error409Conflict(fmt.Sprintf("the pipeline %q of execution %q is gone", e.Spec.Pipeline, e.Name))
	}
	config := e.Spec.Config
	x, err := c.Trigger.Run(ctx, &p, ctl.Request{
		Trigger: devopsv1alpha1.TriggerManual, Event: e.Spec.Event, TriggeredBy: auth.PrincipalFrom(ctx).Username,
		Commit: e.Spec.Commit, Branch: e.Spec.Branch, Tag: e.Spec.Tag, Ref: e.Spec.Ref,
		Author: e.Spec.Author, Message: e.Spec.Message, RerunOf: e.Name, Config: &config,
	})
	if err != nil {
		return nil, triggerProblem(err, true)
	}
	tidy(x, executionKind)
	return jsonOut(http.StatusCreated, x)
}

// triggerProblem turns a trigger's error into the answer.
func triggerProblem(err error, byCommit bool) error {
	field := "body.branch"
	if byCommit {
		field = "body.commit"
	}
	var fileErrs pipeline.Errors
	switch {
	case errors.Is(err, ctl.ErrNotTriggered):
		return huma.Error409Conflict(err.Error())
	case errors.Is(err, ctl.ErrInvalidFile) && errors.As(err, &fileErrs):
		details := make([]error, 0, len(fileErrs))
		for _, fe := range fileErrs {
			details = append(details, &huma.ErrorDetail{Location: "file." + fe.Field, Message: fe.Error()})
		}
		return huma.Error422UnprocessableEntity("the pipeline file does not validate", details...)
	case errors.Is(err, ctl.ErrInvalidFile), errors.Is(err, ctl.ErrNoFile):
		return huma.Error422UnprocessableEntity(err.Error(), &huma.ErrorDetail{Location: "file", Message: err.Error()})
	case errors.Is(err, gitsource.ErrNotFound):
		return huma.Error422UnprocessableEntity(err.Error(), &huma.ErrorDetail{Location: field, Message: err.Error()})
	case errors.Is(err, ctl.ErrSource):
		return huma.NewError(http.StatusFailedDependency, err.Error())
	}
	return operation.ClusterError(err)
}
