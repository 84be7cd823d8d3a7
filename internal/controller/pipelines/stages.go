package pipelines

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
	"github.com/wheelhouse-dev/wheelhouse/internal/logstore"
	"github.com/wheelhouse-dev/wheelhouse/internal/pipeline"
)

// stages prepares the workspace and runs the stages in order, the steps of
// a stage side by side; a failed stage skips the stages after it.
func (r *Runner) stages(ctx context.Context, rn *run, e *devopsv1alpha1.PipelineExecution, job *pipeline.Job) outcome {
	if err := r.prepare(ctx, e, job); err != nil {
		return r.stopped(ctx, outcome{failed: true, message: "prepare the workspace: " + err.Error()})
	}
	for i := range e.Spec.Config.Stages {
		stage := &e.Spec.Config.Stages[i]
		if ctx.Err() != nil {
			return r.stopped(ctx, outcome{})
		}
		if !pipeline.Matches(stage.When, e.Spec.Branch, e.Spec.Event) {
			r.skipStage(ctx, rn, i, "its when condition does not hold")
			continue
		}
		started := metav1.NewTime(r.now())
		r.update(ctx, rn, func(s *devopsv1alpha1.PipelineExecutionStatus) {
			s.Stages[i].State, s.Stages[i].Started = devopsv1alpha1.StepBuilding, &started
		})
		failed := make([]string, len(stage.Steps))
		var wg sync.WaitGroup
		for j := range stage.Steps {
			wg.Add(1)
			go func() {
				defer wg.Done()
				failed[j] = r.step(ctx, rn, e, job, i, j)
			}()
		}
		wg.Wait()
		var reasons []string
		for _, f := range failed {
			if f != "" {
				reasons = append(reasons, f)
			}
		}
		ended := metav1.NewTime(r.now())
		state := devopsv1alpha1.StepSuccess
		if len(reasons) > 0 {
			state = devopsv1alpha1.StepFailed
		}
		if ctx.Err() != nil && errors.Is(context.Cause(ctx), errAborted) {
			state = devopsv1alpha1.StepAborted
		}
		r.update(ctx, rn, func(s *devopsv1alpha1.PipelineExecutionStatus) {
			s.Stages[i].State, s.Stages[i].Ended = state, &ended
		})
		if ctx.Err() != nil {
			return r.stopped(ctx, outcome{})
		}
		if len(reasons) > 0 {
			return outcome{failed: true, message: fmt.Sprintf("stage %q failed: %s", stage.Name, strings.Join(reasons, "; "))}
		}
	}
	return outcome{}
}

// stopped is o, marked timed out when ctx ended at the execution's
// timeout.
func (r *Runner) stopped(ctx context.Context, o outcome) outcome {
	if errors.Is(context.Cause(ctx), errTimedOut) {
		o.timedOut = true
	}
	return o
}

// update is write for the progress of steps: a failure is logged, not
// fatal (the next write carries the change, and the end is written by
// finish).
func (r *Runner) update(ctx context.Context, rn *run, change func(*devopsv1alpha1.PipelineExecutionStatus)) {
	if err := r.write(context.WithoutCancel(ctx), rn, change); err != nil && !errors.Is(err, errLost) {
		r.logger.Warn("record an execution's progress", "execution", rn.key, "error", err)
	}
}

// skipStage marks stage i and its steps Skipped.
func (r *Runner) skipStage(ctx context.Context, rn *run, i int, why string) {
	r.update(ctx, rn, func(s *devopsv1alpha1.PipelineExecutionStatus) {
		s.Stages[i].State = devopsv1alpha1.StepSkipped
		for j := range s.Stages[i].Steps {
			s.Stages[i].Steps[j].State = devopsv1alpha1.StepSkipped
			s.Stages[i].Steps[j].Message = why
		}
	})
}

// prepare asks the engine for the workspace, with its output in the
// preparation's log.
func (r *Runner) prepare(ctx context.Context, e *devopsv1alpha1.PipelineExecution, job *pipeline.Job) error {
	w, err := r.logs.Create(ctx, logstore.Key{Namespace: e.Namespace, Execution: e.Name, Stage: logstore.PrepareStage})
	if err != nil {
		return fmt.Errorf("create its log: %w", err)
	}
	defer w.Close()
	fmt.Fprintf(w, "[wheelhouse] checking out %s at %s on the %s engine\n", e.Spec.RepositoryURL, e.Spec.Commit, r.engine.Name())
	if err := r.engine.Prepare(ctx, job, w); err != nil {
		fmt.Fprintf(w, "[wheelhouse] %v\n", err)
		return err
	}
	return nil
}

// step runs step j of stage i and records it; it returns why the step
// failed, or "" when it succeeded or was skipped.
func (r *Runner) step(ctx context.Context, rn *run, e *devopsv1alpha1.PipelineExecution, job *pipeline.Job, i, j int) string {
	stage := &e.Spec.Config.Stages[i]
	step := pipeline.ResolveStep(stage, &stage.Steps[j])
	if rn.setting != nil {
		executorDefaults(&step, rn.setting.Spec.Executor)
	}
	if !pipeline.Matches(step.When, e.Spec.Branch, e.Spec.Event) {
		r.update(ctx, rn, func(s *devopsv1alpha1.PipelineExecutionStatus) {
			s.Stages[i].Steps[j].State = devopsv1alpha1.StepSkipped
			s.Stages[i].Steps[j].Message = "its when condition does not hold"
		})
		return ""
	}
	started := metav1.NewTime(r.now())
	r.update(ctx, rn, func(s *devopsv1alpha1.PipelineExecutionStatus) {
		s.Stages[i].Steps[j].State, s.Stages[i].Steps[j].Started = devopsv1alpha1.StepBuilding, &started
	})
	log, err := r.logs.Create(ctx, logstore.Key{Namespace: e.Namespace, Execution: e.Name, Stage: i, Step: j})
	var result pipeline.StepResult
	if err == nil {
		// The step's secrets are masked in its log and in what its status
		// says.
		masked := pipeline.NewMasker(log)
		result, err = r.runStep(ctx, e, job, i, j, step, masked)
		if err != nil {
			err = errors.New(masked.MaskString(err.Error()))
			fmt.Fprintf(masked, "[wheelhouse] %v\n", err)
		} else if result.Message != "" {
			result.Message = masked.MaskString(result.Message)
			fmt.Fprintf(masked, "[wheelhouse] %s\n", result.Message)
		}
		_ = masked.Flush()
		log.Close()
	}
	ended := metav1.NewTime(r.now())
	state := devopsv1alpha1.StepSuccess
	message := result.Message
	switch {
	case ctx.Err() != nil && errors.Is(context.Cause(ctx), errAborted):
		state, message = devopsv1alpha1.StepAborted, "aborted"
	case ctx.Err() != nil && errors.Is(context.Cause(ctx), errTimedOut):
		state, message = devopsv1alpha1.StepFailed, "the execution ran past its timeout"
	case err != nil:
		state, message = devopsv1alpha1.StepFailed, err.Error()
	case result.ExitCode != 0:
		state = devopsv1alpha1.StepFailed
		if message == "" {
			message = fmt.Sprintf("exited with code %d", result.ExitCode)
		}
	}
	r.update(ctx, rn, func(s *devopsv1alpha1.PipelineExecutionStatus) {
		st := &s.Stages[i].Steps[j]
		st.State, st.Ended, st.Message, st.Cache, st.Node = state, &ended, truncate(message, 4000), result.Cache, result.Node
		if err == nil {
			st.ExitCode = ptr.To(result.ExitCode)
		}
	})
	if state == devopsv1alpha1.StepSuccess {
		return ""
	}
	return fmt.Sprintf("step %q: %s", step.Name, message)
}

// runStep runs one step: its environment (the envFrom secrets read now,
// and masked in log from then on), its timeout, and the engine (runScript,
// publishImage) or the applier (applyYaml).
func (r *Runner) runStep(ctx context.Context, e *devopsv1alpha1.PipelineExecution, job *pipeline.Job, i, j int, step devopsv1alpha1.Step, log *pipeline.Masker) (pipeline.StepResult, error) {
	env := pipeline.StepEnvironment(e, pipeline.Context{}, i, j)
	values, err := r.envFrom(ctx, e.Namespace, env.EnvFrom)
	if err != nil {
		return pipeline.StepResult{}, err
	}
	log.Add(values)
	for k, v := range values {
		env.Env[k] = v
	}
	sj := &pipeline.StepJob{Stage: i, Index: j, Step: step, Env: env.Env}
	if step.Timeout != nil && step.Timeout.Duration > 0 {
		sj.Timeout = step.Timeout.Duration
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, sj.Timeout)
		defer cancel()
	}
	switch {
	case step.ApplyYaml != nil:
		return r.applyYaml(ctx, e, job, step.ApplyYaml, env.Env, log)
	case step.ApplyApp != nil:
		return pipeline.StepResult{ExitCode: 1, Message: "applyApp steps run on the Kubernetes engine, which this server does not have yet"}, nil
	case step.PublishImage != nil:
		if r.registries == nil {
			return pipeline.StepResult{}, errors.New("publishImage: no registries are configured on this server")
		}
		project, perr := projectOf(ctx, r.reader, e.Namespace)
		if perr != nil {
			return pipeline.StepResult{}, fmt.Errorf("publishImage: the project of namespace %s: %w", e.Namespace, perr)
		}
		sj.Registry, err = r.registries.Access(ctx, project, step.PublishImage.Registry)
		if err != nil {
			return pipeline.StepResult{}, fmt.Errorf("publishImage: registry %q: %w", step.PublishImage.Registry, err)
		}
	}
	return r.engine.RunStep(ctx, job, sj, log)
}

// envFrom reads the values of the secrets a step names, from Secrets in
// the execution's namespace. A secret or key that is not there fails the
// step with its name.
func (r *Runner) envFrom(ctx context.Context, namespace string, from []devopsv1alpha1.EnvFromSecret) (map[string]string, error) {
	out := map[string]string{}
	secrets := map[string]*corev1.Secret{}
	for _, f := range from {
		sec := secrets[f.SourceName]
		if sec == nil {
			sec = &corev1.Secret{}
			if err := r.reader.Get(ctx, client.ObjectKey{Namespace: namespace, Name: f.SourceName}, sec); err != nil {
				if apierrors.IsNotFound(err) {
					return nil, fmt.Errorf("envFrom: secret %q does not exist in %s", f.SourceName, namespace)
				}
				return nil, fmt.Errorf("envFrom: read secret %q: %w", f.SourceName, err)
			}
			secrets[f.SourceName] = sec
		}
		v, ok := sec.Data[f.SourceKey]
		if !ok {
			return nil, fmt.Errorf("envFrom: secret %q has no key %q", f.SourceName, f.SourceKey)
		}
		target := f.TargetKey
		if target == "" {
			target = f.SourceKey
		}
		out[target] = string(v)
	}
	return out, nil
}

// applyYaml applies the step's manifests (a file of the workspace, or
// inline) to its cluster, variables substituted, through the applier.
func (r *Runner) applyYaml(ctx context.Context, e *devopsv1alpha1.PipelineExecution, job *pipeline.Job, step *devopsv1alpha1.ApplyYamlStep, env map[string]string, log io.Writer) (pipeline.StepResult, error) {
	if r.applier == nil {
		return pipeline.StepResult{}, errors.New("applyYaml: this server has no applier")
	}
	content := []byte(step.Content)
	if step.Path != "" {
		var err error
		if content, err = r.engine.ReadFile(ctx, job, step.Path); err != nil {
			return pipeline.StepResult{ExitCode: 1, Message: fmt.Sprintf("applyYaml: read %s: %v", step.Path, err)}, nil
		}
	}
	cluster := step.Cluster
	if cluster == "" {
		cluster = e.Spec.TargetCluster
	}
	if cluster == "" {
		return pipeline.StepResult{ExitCode: 1, Message: "applyYaml: no cluster: name one in the step or the pipeline's targetCluster"}, nil
	}
	project, err := projectOf(ctx, r.reader, e.Namespace)
	if err != nil {
		return pipeline.StepResult{}, fmt.Errorf("applyYaml: the project of namespace %s: %w", e.Namespace, err)
	}
	manifests := pipeline.Substitute(string(content), env)
	fmt.Fprintf(log, "[wheelhouse] applying to cluster %s, namespace %q\n", cluster, step.Namespace)
	summary, err := r.applier.Apply(ctx, project, cluster, step.Namespace, []byte(manifests))
	if err != nil {
		return pipeline.StepResult{ExitCode: 1, Message: "applyYaml: " + err.Error()}, nil
	}
	fmt.Fprintln(log, summary)
	return pipeline.StepResult{}, nil
}

// truncate cuts s to at most n bytes.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// executorDefaults gives step the project's executor resources it does not
// set itself (a step's own, or its stage's, win).
func executorDefaults(step *devopsv1alpha1.Step, ex devopsv1alpha1.ExecutorResources) {
	if ex.CPURequest == nil && ex.CPULimit == nil && ex.MemoryRequest == nil && ex.MemoryLimit == nil {
		return
	}
	if step.Resources == nil {
		step.Resources = &devopsv1alpha1.StepResources{}
	}
	r := step.Resources
	for _, f := range []struct {
		dst **resource.Quantity
		src *resource.Quantity
	}{
		{&r.CPURequest, ex.CPURequest}, {&r.CPULimit, ex.CPULimit}, {&r.MemoryRequest, ex.MemoryRequest}, {&r.MemoryLimit, ex.MemoryLimit},
	} {
		if *f.dst == nil && f.src != nil {
			q := f.src.DeepCopy()
			*f.dst = &q
		}
	}
}
