package pipelines

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
	"github.com/wheelhouse-dev/wheelhouse/internal/pipeline"
)

// AnnotationNotified marks an execution whose end was notified (or needed
// no notification), so that a notification is posted once.
const AnnotationNotified = "devops.wheelhouse.dev/notified"

// notifyTimeout bounds one POST of a notification.
const notifyTimeout = 10 * time.Second

// Notification is the JSON body posted to a pipeline's notification
// webhooks when an execution ends.
type Notification struct {
	Namespace     string                        `json:"namespace"`
	Pipeline      string                        `json:"pipeline"`
	Execution     string                        `json:"execution"`
	RunNumber     int64                         `json:"runNumber"`
	State         devopsv1alpha1.ExecutionState `json:"state"`
	PreviousState devopsv1alpha1.ExecutionState `json:"previousState,omitempty"`
	Branch        string                        `json:"branch,omitempty"`
	Commit        string                        `json:"commit,omitempty"`
	Event         string                        `json:"event"`
	Message       string                        `json:"message"`
	Started       *time.Time                    `json:"started,omitempty"`
	Ended         *time.Time                    `json:"ended,omitempty"`
}

// notifier posts notifications in the background, so that a slow receiver
// never holds up the execution controller.
type notifier struct {
	http   *http.Client
	logger *slog.Logger
	sem    chan struct{}
}

// newNotifier returns a notifier posting at most 8 notifications at once.
func newNotifier(logger *slog.Logger) *notifier {
	return &notifier{http: &http.Client{Timeout: notifyTimeout}, logger: logger, sem: make(chan struct{}, 8)}
}

// ended does what a finished execution still needs: its pipeline's summary
// and, once, its notification. The annotation is written before the post,
// so a notification is posted at most once even across restarts.
func (r *ExecutionReconciler) ended(ctx context.Context, e *devopsv1alpha1.PipelineExecution) error {
	if err := r.summarize(ctx, e); err != nil {
		return err
	}
	if e.Annotations[AnnotationNotified] != "" {
		return nil
	}
	n, err := r.notification(ctx, e)
	if err != nil {
		return err
	}
	patch := client.MergeFromWithOptions(e.DeepCopy(), client.MergeFromWithOptimisticLock{})
	if e.Annotations == nil {
		e.Annotations = map[string]string{}
	}
	e.Annotations[AnnotationNotified] = "true"
	if err := r.client.Patch(ctx, e, patch); err != nil {
		return client.IgnoreNotFound(err)
	}
	if n != nil {
		r.notifier.post(e.Spec.Config.Notification, n)
	}
	return nil
}

// notification is the notification e's end calls for, or nil when its
// pipeline file asks for none of this kind of end.
func (r *ExecutionReconciler) notification(ctx context.Context, e *devopsv1alpha1.PipelineExecution) (*Notification, error) {
	spec := e.Spec.Config.Notification
	if spec == nil || len(spec.Webhooks) == 0 {
		return nil, nil
	}
	previous, err := r.previousState(ctx, e)
	if err != nil {
		return nil, err
	}
	conditions := spec.Conditions
	if len(conditions) == 0 {
		conditions = []devopsv1alpha1.NotificationCondition{devopsv1alpha1.NotifyFailed, devopsv1alpha1.NotifyChanged}
	}
	state := e.Status.State
	want := (slices.Contains(conditions, devopsv1alpha1.NotifyFailed) && state == devopsv1alpha1.StateFailed) ||
		(slices.Contains(conditions, devopsv1alpha1.NotifySuccess) && state == devopsv1alpha1.StateSuccess) ||
		(slices.Contains(conditions, devopsv1alpha1.NotifyChanged) && previous != "" && previous != state)
	if !want {
		return nil, nil
	}
	msg := pipeline.Substitute(spec.Message, pipeline.Variables(e, pipeline.Context{}))
	if msg == "" {
		msg = fmt.Sprintf("Pipeline %s run #%d: %s", e.Spec.Pipeline, e.Spec.RunNumber, state)
		if e.Status.Message != "" {
			msg += " (" + e.Status.Message + ")"
		}
	}
	n := &Notification{
		Namespace: e.Namespace, Pipeline: e.Spec.Pipeline, Execution: e.Name, RunNumber: e.Spec.RunNumber,
		State: state, PreviousState: previous, Branch: e.Spec.Branch, Commit: e.Spec.Commit, Event: e.Spec.Event, Message: msg,
	}
	if e.Status.Started != nil {
		n.Started = &e.Status.Started.Time
	}
	if e.Status.Ended != nil {
		n.Ended = &e.Status.Ended.Time
	}
	return n, nil
}

// previousState is the final state of the pipeline's latest execution
// before e that ended; "" when there is none.
func (r *ExecutionReconciler) previousState(ctx context.Context, e *devopsv1alpha1.PipelineExecution) (devopsv1alpha1.ExecutionState, error) {
	var list devopsv1alpha1.PipelineExecutionList
	if err := r.client.List(ctx, &list, client.InNamespace(e.Namespace), client.MatchingLabels{devopsv1alpha1.LabelPipeline: e.Spec.Pipeline}); err != nil {
		return "", err
	}
	var best *devopsv1alpha1.PipelineExecution
	for i := range list.Items {
		x := &list.Items[i]
		if x.Spec.RunNumber < e.Spec.RunNumber && x.Status.State.Finished() && (best == nil || x.Spec.RunNumber > best.Spec.RunNumber) {
			best = x
		}
	}
	if best == nil {
		return "", nil
	}
	return best.Status.State, nil
}

// post sends n to each webhook of spec in the background, retrying once.
func (nt *notifier) post(spec *devopsv1alpha1.Notification, n *Notification) {
	body, err := json.Marshal(n)
	if err != nil {
		nt.logger.Warn("encode a notification", "error", err)
		return
	}
	for _, hook := range spec.Webhooks {
		go func() {
			nt.sem <- struct{}{}
			defer func() { <-nt.sem }()
			var err error
			for attempt := 0; attempt < 2; attempt++ {
				if err = nt.send(hook.URL, body); err == nil {
					return
				}
			}
			nt.logger.Warn("notify an execution's end", "execution", n.Namespace+"/"+n.Execution, "error", err)
		}()
	}
}

// send posts body to url once.
func (nt *notifier) send(url string, body []byte) error {
	ctx, cancel := context.WithTimeout(context.Background(), notifyTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "wheelhouse-pipelines")
	resp, err := nt.http.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		return fmt.Errorf("POST %s: %s", req.URL.Redacted(), resp.Status)
	}
	return nil
}
