package pipelines

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
	"github.com/wheelhouse-dev/wheelhouse/internal/controller/ctrlkit"
	"github.com/wheelhouse-dev/wheelhouse/internal/secrets"
)

// PipelineReconciler keeps a pipeline's webhook registered at its forge
// (and removes it when the pipeline goes) and runs its cron trigger: when
// a tick is due it starts one execution (ticks missed while the server was
// down make one run, not a burst) and comes back at the next tick.
type PipelineReconciler struct {
	client      client.Client
	trigger     *Trigger
	creds       Credentials
	keyring     *secrets.Keyring
	externalURL string
	logger      *slog.Logger
	now         func() time.Time
}

// SetupWithManager watches pipelines.
func (r *PipelineReconciler) SetupWithManager(mgr ctrl.Manager, cluster string) error {
	return ctrl.NewControllerManagedBy(mgr).
		Named("pipeline-" + cluster).
		For(&devopsv1alpha1.Pipeline{}).
		WithOptions(controllerOptions()).
		Complete(r)
}

// errRetry marks an error of a write the next pass retries.
var errRetry = errors.New("retry")

// cronParser reads the five-field schedules of CronJobs, with the
// @hourly-style descriptors.
var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// Reconcile implements reconcile.Reconciler; a lost race is retried at
// once, not reported.
func (r *PipelineReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	res, err := r.reconcile(ctx, req)
	if apierrors.IsConflict(err) {
		return ctrl.Result{RequeueAfter: conflictRetry}, nil
	}
	return res, err
}

func (r *PipelineReconciler) reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	var p devopsv1alpha1.Pipeline
	if err := r.client.Get(ctx, req.NamespacedName, &p); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	result, err := r.cron(ctx, &p)
	if errors.Is(err, errRetry) {
		return ctrl.Result{}, err
	}
	helper := ctrlkit.NewPatchHelper(r.client, &p)
	done, werr := r.webhook(ctx, &p)
	if !done {
		if perr := helper.Patch(ctx, &p); perr != nil {
			return ctrl.Result{}, perr
		}
		// The patch's own watch event brings the next pass; this one is
		// in case it was missed.
		return ctrl.Result{RequeueAfter: conflictRetry}, nil
	}
	if err == nil {
		err = werr
	}
	if err == nil {
		ctrlkit.MarkSettled(&p)
	} else {
		reason := "InvalidCronTrigger"
		if werr != nil {
			reason = "WebhookFailed"
		}
		ctrlkit.MarkStalled(&p, reason, err.Error())
		ctrlkit.SetCondition(&p, devopsv1alpha1.ConditionReady, false, reason, err.Error())
	}
	if perr := helper.Patch(ctx, &p, ctrlkit.WithObservedGeneration()); perr != nil {
		return ctrl.Result{}, perr
	}
	if werr != nil {
		// A forge that failed is asked again with the work queue's backoff.
		return ctrl.Result{}, werr
	}
	return result, nil
}

// cron starts the execution a due tick calls for and says when to come
// back; its error is a schedule or time zone that cannot be read.
func (r *PipelineReconciler) cron(ctx context.Context, p *devopsv1alpha1.Pipeline) (ctrl.Result, error) {
	c := p.Spec.Triggers.Cron
	if c == nil || c.Schedule == "" || p.Spec.Suspend {
		return ctrl.Result{}, nil
	}
	loc := time.UTC
	if c.TimeZone != "" {
		l, err := time.LoadLocation(c.TimeZone)
		if err != nil {
			return ctrl.Result{}, fmt.Errorf("triggers.cron.timeZone %q: %w", c.TimeZone, err)
		}
		loc = l
	}
	sched, err := cronParser.Parse(c.Schedule)
	if err != nil {
		return ctrl.Result{}, fmt.Errorf("triggers.cron.schedule %q: %w", c.Schedule, err)
	}
	now := r.now().In(loc)
	last := p.CreationTimestamp.Time
	if p.Status.LastCronTime != nil {
		last = p.Status.LastCronTime.Time
	}
	if next := sched.Next(last.In(loc)); !next.After(now) {
		// The tick is recorded before the run starts, so that a pass that
		// fails after it never starts the same tick twice.
		patch := client.MergeFromWithOptions(p.DeepCopy(), client.MergeFromWithOptimisticLock{})
		t := metav1.NewTime(r.now())
		p.Status.LastCronTime = &t
		if err := r.client.Status().Patch(ctx, p, patch); err != nil {
			return ctrl.Result{}, fmt.Errorf("%w: record the cron tick: %w", errRetry, err)
		}
		_, err := r.trigger.Run(ctx, p.DeepCopy(), Request{
			Trigger: devopsv1alpha1.TriggerCron, Event: devopsv1alpha1.EventCron,
			TriggeredBy: "cron " + c.Schedule, Branch: c.Branch,
		})
		if err != nil && !errors.Is(err, ErrNotTriggered) {
			// The tick is spent either way: a broken repository must not
			// make the controller retry a run every second.
			r.logger.Warn("cron trigger", "pipeline", client.ObjectKeyFromObject(p), "error", err)
		}
	}
	return ctrl.Result{RequeueAfter: sched.Next(now).Sub(now)}, nil
}
