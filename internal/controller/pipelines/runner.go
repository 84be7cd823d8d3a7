package pipelines

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
	"github.com/wheelhouse-dev/wheelhouse/internal/controller/ctrlkit"
	"github.com/wheelhouse-dev/wheelhouse/internal/logstore"
	"github.com/wheelhouse-dev/wheelhouse/internal/pipeline"
)

// Why a run's context ends, as context.Cause says.
var (
	errAborted  = errors.New("aborted")
	errTimedOut = errors.New("timed out")
	errLost     = errors.New("the execution is no longer this runner's")
	errStopping = errors.New("the server stopped while the execution ran")
)

// Runner carries admitted executions through their stages on an engine.
// It is a manager Runnable: it runs executions while the manager runs, and
// when the manager stops it ends them as Failed (the server stopped) rather
// than leave them to lapse.
type Runner struct {
	client     client.Client
	reader     client.Reader
	engine     pipeline.Engine
	logs       logstore.Store
	creds      Credentials
	registries Registries
	applier    Applier
	holder     string
	lease      time.Duration
	logger     *slog.Logger
	now        func() time.Time

	mu     sync.Mutex
	ctx    context.Context
	active map[types.NamespacedName]*run
	wg     sync.WaitGroup
}

// run is one execution this runner holds.
type run struct {
	key    types.NamespacedName
	cancel context.CancelCauseFunc

	// setting is the project's PipelineSetting as the run started (nil:
	// the defaults).
	setting *devopsv1alpha1.PipelineSetting

	// mu guards exec: the execution as last written, whose status is this
	// run's to write while it holds the lease.
	mu   sync.Mutex
	exec *devopsv1alpha1.PipelineExecution
}

// Holder is the lease holder of this runner.
func (r *Runner) Holder() string { return r.holder }

// SameHostEarlierInstance reports whether holder is another instance of
// this runner's engine in the same place ("engine/place/instance", the
// place naming the host and, for the local engine, its root): one that
// ran before this server started, since an engine kills what an earlier
// instance in its place left running when it starts.
func (r *Runner) SameHostEarlierInstance(holder string) bool {
	i := strings.LastIndexByte(r.holder, '/')
	return i > 0 && holder != r.holder && strings.HasPrefix(holder, r.holder[:i+1])
}

// Start implements manager.Runnable: executions may be dispatched once it
// runs; it returns when ctx ends and every run has ended.
func (r *Runner) Start(ctx context.Context) error {
	r.mu.Lock()
	r.ctx = ctx
	r.mu.Unlock()
	<-ctx.Done()
	r.mu.Lock()
	for _, rn := range r.active {
		rn.cancel(errStopping)
	}
	r.mu.Unlock()
	r.wg.Wait()
	return nil
}

// NeedLeaderElection implements manager.LeaderElectionRunnable: the
// runner runs only where the controllers do.
func (r *Runner) NeedLeaderElection() bool { return true }

// Running reports whether this runner holds the execution key now.
func (r *Runner) Running(key types.NamespacedName) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.active[key] != nil
}

// Dispatch starts running e (state Pending, no lease) unless it runs
// already. It returns false when the runner is not started yet.
func (r *Runner) Dispatch(e *devopsv1alpha1.PipelineExecution) bool {
	key := client.ObjectKeyFromObject(e)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ctx == nil || r.ctx.Err() != nil {
		return false
	}
	if r.active[key] != nil {
		return true
	}
	ctx, cancel := context.WithCancelCause(r.ctx)
	rn := &run{key: key, cancel: cancel, exec: e.DeepCopy()}
	r.active[key] = rn
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		defer func() {
			cancel(nil)
			r.mu.Lock()
			delete(r.active, key)
			r.mu.Unlock()
		}()
		r.execute(ctx, rn)
	}()
	return true
}

// Abort stops the execution key if this runner runs it.
func (r *Runner) Abort(key types.NamespacedName) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	rn := r.active[key]
	if rn != nil {
		rn.cancel(errAborted)
	}
	return rn != nil
}

// write changes the run's execution status with change and writes it,
// guarded by the resourceVersion. On a conflict it reads the execution
// again: when another party finished it or took its lease, the run is lost
// (its context is cancelled); when a user asked for an abort, the run is
// aborted; otherwise the change is written on the fresh object.
func (r *Runner) write(ctx context.Context, rn *run, change func(*devopsv1alpha1.PipelineExecutionStatus)) error {
	rn.mu.Lock()
	defer rn.mu.Unlock()
	change(&rn.exec.Status)
	for attempt := 0; ; attempt++ {
		obj := rn.exec.DeepCopy()
		err := r.client.Status().Update(ctx, obj)
		if err == nil {
			rn.exec = obj
			return nil
		}
		if !apierrors.IsConflict(err) || attempt == 5 {
			return fmt.Errorf("write the status of %s: %w", rn.key, err)
		}
		var fresh devopsv1alpha1.PipelineExecution
		if err := r.reader.Get(ctx, rn.key, &fresh); err != nil {
			if apierrors.IsNotFound(err) {
				rn.cancel(errLost)
			}
			return fmt.Errorf("read %s again: %w", rn.key, err)
		}
		if fresh.Status.State.Finished() || (fresh.Status.Lease != nil && fresh.Status.Lease.Holder != r.holder) {
			rn.cancel(errLost)
			return fmt.Errorf("%s: %w", rn.key, errLost)
		}
		if fresh.Spec.Abort {
			rn.cancel(errAborted)
		}
		fresh.Status = rn.exec.Status
		rn.exec = &fresh
	}
}

// snapshot is a copy of the run's execution as last written.
func (rn *run) snapshot() *devopsv1alpha1.PipelineExecution {
	rn.mu.Lock()
	defer rn.mu.Unlock()
	return rn.exec.DeepCopy()
}

// renew renews the run's lease until ctx ends. A lease that cannot be
// renewed for a whole duration is as good as lost: the run stops, so that
// no step runs on after another server failed the execution.
func (r *Runner) renew(ctx context.Context, rn *run) {
	tick := time.NewTicker(r.lease / 3)
	defer tick.Stop()
	lastOK := r.now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		err := r.write(ctx, rn, func(s *devopsv1alpha1.PipelineExecutionStatus) {
			if s.Lease != nil {
				s.Lease.RenewTime = metav1.NewMicroTime(r.now())
			}
		})
		switch {
		case err == nil:
			lastOK = r.now()
		case ctx.Err() != nil:
			return
		default:
			r.logger.Warn("renew an execution's lease", "execution", rn.key, "error", err)
			if r.now().Sub(lastOK) >= r.lease {
				rn.cancel(errLost)
				return
			}
		}
	}
}

// execute runs one execution from Pending to its end.
func (r *Runner) execute(ctx context.Context, rn *run) {
	e := rn.snapshot()
	if e.Status.State != devopsv1alpha1.StatePending || e.Status.Lease != nil {
		return
	}
	setting, err := readSetting(ctx, r.client, e.Namespace)
	if err != nil {
		r.logger.Warn("read the pipeline setting", "namespace", e.Namespace, "error", err)
	}
	rn.setting = setting
	now := metav1.NewTime(r.now())
	err = r.write(ctx, rn, func(s *devopsv1alpha1.PipelineExecutionStatus) {
		s.State = devopsv1alpha1.StateBuilding
		s.Started = &now
		s.Message = ""
		s.Lease = &devopsv1alpha1.EngineLease{Holder: r.holder, RenewTime: metav1.NewMicroTime(now.Time), DurationSeconds: int32(r.lease / time.Second)}
		s.Stages = initialStages(&e.Spec.Config)
		ctrlkit.MarkReconciling(rn.exec, "Building", "the execution is building")
	})
	if err != nil {
		// Someone else moved it (the conflict path decided), or the API
		// server is away: the controller dispatches it again if it is
		// still Pending.
		r.logger.Info("take an execution", "execution", rn.key, "error", err)
		return
	}
	renewCtx, stopRenew := context.WithCancel(ctx)
	defer stopRenew()
	go r.renew(renewCtx, rn)

	timeout := setting.Timeout(&e.Spec.Config)
	runCtx, cancelTimeout := context.WithTimeoutCause(ctx, timeout, errTimedOut)
	defer cancelTimeout()
	job := r.job(runCtx, e, setting)
	outcome := r.stages(runCtx, rn, e, job)
	if err := r.engine.Cleanup(context.WithoutCancel(ctx), job); err != nil {
		r.logger.Warn("clean up an execution's workspace", "execution", rn.key, "error", err)
	}
	r.finish(ctx, rn, outcome, timeout)
}

// outcome is how an execution's stages ended.
type outcome struct {
	failed, timedOut bool
	message          string
}

// job is the engine's view of e.
func (r *Runner) job(ctx context.Context, e *devopsv1alpha1.PipelineExecution, setting *devopsv1alpha1.PipelineSetting) *pipeline.Job {
	job := &pipeline.Job{
		Namespace: e.Namespace, Name: e.Name, Pipeline: e.Spec.Pipeline,
		RepositoryURL: e.Spec.RepositoryURL, Commit: e.Spec.Commit, Ref: e.Spec.Ref,
		Isolation: devopsv1alpha1.IsolationProcess,
	}
	if setting != nil {
		if setting.Spec.Isolation != "" {
			job.Isolation = setting.Spec.Isolation
		}
		job.CacheRoot = setting.Spec.CacheRoot
	}
	// Cached reads: the trigger read the same objects a moment ago.
	var p devopsv1alpha1.Pipeline
	if err := r.client.Get(ctx, client.ObjectKey{Namespace: e.Namespace, Name: e.Spec.Pipeline}, &p); err == nil {
		if repo, err := readRepository(ctx, r.client, r.creds, e.Namespace, p.Spec.Repository); err == nil {
			job.Git = repo.access
		}
	}
	if setting != nil && setting.Spec.GitCACertificates != "" && job.Git.CACertificates == "" {
		job.Git.CACertificates = setting.Spec.GitCACertificates
	}
	return job
}

// finish writes how the execution ended, releases the lease and seals the
// logs left open. It writes even when ctx ended (abort, timeout, the
// server stopping): that is when the end needs recording most.
func (r *Runner) finish(ctx context.Context, rn *run, o outcome, timeout time.Duration) {
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	state, reason, message := devopsv1alpha1.StateSuccess, devopsv1alpha1.ReasonSucceeded, ""
	cause := context.Cause(ctx)
	switch {
	case errors.Is(cause, errLost):
		return
	case errors.Is(cause, errAborted):
		state, reason, message = devopsv1alpha1.StateAborted, devopsv1alpha1.ReasonAborted, "aborted by a user"
	case errors.Is(cause, errStopping):
		state, reason, message = devopsv1alpha1.StateFailed, "ServerStopped", errStopping.Error()
	case o.timedOut:
		state, reason, message = devopsv1alpha1.StateFailed, devopsv1alpha1.ReasonTimedOut, fmt.Sprintf("the execution ran past its timeout of %s", timeout)
	case o.failed:
		state, reason, message = devopsv1alpha1.StateFailed, "StepFailed", o.message
	}
	ended := metav1.NewTime(r.now())
	err := r.write(wctx, rn, func(s *devopsv1alpha1.PipelineExecutionStatus) {
		s.State, s.Message, s.Ended, s.Lease = state, message, &ended, nil
		closeStages(s, ended, stepEndOf(state))
		if state == devopsv1alpha1.StateSuccess {
			ctrlkit.MarkSettled(rn.exec)
		} else {
			ctrlkit.MarkStalled(rn.exec, reason, message)
			ctrlkit.SetCondition(rn.exec, devopsv1alpha1.ConditionReady, false, reason, message)
		}
	})
	if err != nil {
		r.logger.Warn("record an execution's end", "execution", rn.key, "error", err)
	}
	if err := r.logs.Seal(wctx, rn.key.Namespace, rn.key.Name, "[wheelhouse] "+string(state)+" "+message); err != nil {
		r.logger.Warn("seal an execution's logs", "execution", rn.key, "error", err)
	}
}

// stepEndOf is the state a step still running or waiting takes when its
// execution ends in state.
func stepEndOf(state devopsv1alpha1.ExecutionState) devopsv1alpha1.StepState {
	switch state {
	case devopsv1alpha1.StateAborted:
		return devopsv1alpha1.StepAborted
	case devopsv1alpha1.StateSuccess:
		return devopsv1alpha1.StepSkipped
	}
	return devopsv1alpha1.StepFailed
}

// initialStages are the stages of config, every step Waiting.
func initialStages(config *devopsv1alpha1.PipelineConfig) []devopsv1alpha1.StageStatus {
	stages := make([]devopsv1alpha1.StageStatus, len(config.Stages))
	for i, st := range config.Stages {
		stages[i] = devopsv1alpha1.StageStatus{Name: st.Name, State: devopsv1alpha1.StepWaiting}
		for _, step := range st.Steps {
			stages[i].Steps = append(stages[i].Steps, devopsv1alpha1.StepStatus{Name: step.Name, State: devopsv1alpha1.StepWaiting})
		}
	}
	return stages
}

// closeStages ends every stage and step not yet ended: those that were
// building take building's end, those that waited are Skipped.
func closeStages(s *devopsv1alpha1.PipelineExecutionStatus, at metav1.Time, building devopsv1alpha1.StepState) {
	end := func(state *devopsv1alpha1.StepState, ended **metav1.Time) {
		switch *state {
		case devopsv1alpha1.StepBuilding:
			*state = building
			*ended = &at
		case devopsv1alpha1.StepWaiting:
			*state = devopsv1alpha1.StepSkipped
		}
	}
	for i := range s.Stages {
		st := &s.Stages[i]
		for j := range st.Steps {
			end(&st.Steps[j].State, &st.Steps[j].Ended)
		}
		end(&st.State, &st.Ended)
	}
}
