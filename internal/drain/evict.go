package drain

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
)

// Reasons a pod is still pending.
const (
	ReasonTerminating = "evicted; waiting for the pod to terminate"
	ReasonNotYet      = "not evicted yet"
	// ReasonPDBPrefix starts the reason of an eviction refused by a
	// PodDisruptionBudget (429 Too Many Requests).
	ReasonPDBPrefix = "blocked by a PodDisruptionBudget"
)

// finishTimeout bounds the writing of a drain's final record, which
// happens after the drain's own time may have run out.
const finishTimeout = 30 * time.Second

// run is one drain in progress.
type run struct {
	t      *Tracker
	e      *entry
	st     *Status
	client kubernetes.Interface
	opts   Options
	// written is the record value this run last wrote on the node.
	written string
}

// target is a pod the drain evicts.
type target struct {
	namespace, name string
	uid             types.UID
	// accepted: the eviction went through (or the pod was already
	// terminating); what is left is to see the pod go.
	accepted bool
	gone     bool
	reason   string
}

func (tg *target) pod() Pod { return Pod{Namespace: tg.namespace, Name: tg.name, Reason: tg.reason} }

func (d *run) drain(ctx context.Context) {
	targets, refused, err := d.plan(ctx)
	switch {
	case err != nil && errors.Is(context.Cause(ctx), errClosed):
		// The process or the connection stopped while planning: the
		// record stays as running for the next one to resume, as below.
		d.t.forget(d.e)
		return
	case err != nil:
		d.finish(ctx, StateFailed, err.Error())
		return
	case refused > 0:
		d.finish(ctx, StateFailed, fmt.Sprintf("%d pod(s) cannot be evicted with these options (see notEvicted); nothing was evicted and the node stays cordoned", refused))
		return
	}
	for {
		if err := d.save(ctx); err != nil {
			d.superseded(err)
			return
		}
		var remaining, gone []*target
		for _, tg := range targets {
			d.step(ctx, tg)
			if tg.gone {
				gone = append(gone, tg)
			} else {
				remaining = append(remaining, tg)
			}
		}
		targets = remaining
		d.t.update(d.st, func(s *Status) {
			for _, tg := range gone {
				s.Evicted = append(s.Evicted, Pod{Namespace: tg.namespace, Name: tg.name})
			}
			s.Pending = pods(targets)
		})
		if len(targets) == 0 {
			d.finish(ctx, StateSucceeded, fmt.Sprintf("node drained: %d pod(s) evicted", len(d.t.snapshot(d.st).Evicted)))
			return
		}
		select {
		case <-ctx.Done():
			if errors.Is(context.Cause(ctx), errClosed) {
				// The process stops; the record stays as running for
				// the next one to resume.
				d.t.forget(d.e)
				return
			}
			d.t.update(d.st, func(s *Status) {
				s.Pending = nil
				s.NotEvicted = append(s.NotEvicted, pods(targets)...)
			})
			d.finish(ctx, StateFailed, fmt.Sprintf("timed out after %s with %d pod(s) still on the node (see notEvicted); the node stays cordoned", d.opts.Timeout, len(targets)))
			return
		case <-time.After(d.opts.RetryInterval):
		}
	}
}

// save writes the drain's progress on the node when it changed since the
// last write. It returns errSuperseded when the record there is no longer
// this run's; a failed write is logged and tried again at the next save.
func (d *run) save(ctx context.Context) error {
	value, err := encode(d.t.snapshot(d.st))
	if err == nil && value == d.written {
		return nil
	}
	if err == nil {
		err = replaceRecord(ctx, d.client, d.st.Node, d.written, value)
	}
	switch {
	case err == nil:
		d.written = value
	case errors.Is(err, errSuperseded):
		return err
	default:
		d.t.cfg.Logger.Warn("Drain progress not recorded on the node", "cluster", d.st.Cluster, "node", d.st.Node, "drain", d.st.ID, "error", err)
	}
	return nil
}

// superseded ends a run whose record on the node was replaced or removed
// (err says why): someone else drives the node now.
func (d *run) superseded(err error) {
	d.t.forget(d.e)
	d.t.cfg.Logger.Info("Drain stopped", "cluster", d.st.Cluster, "node", d.st.Node, "drain", d.st.ID, "reason", err.Error())
}

// plan lists the node's pods and sorts them into targets, skipped and
// refused pods, recording the latter two in the status.
func (d *run) plan(ctx context.Context) (targets []*target, refused int, err error) {
	node := d.st.Node
	list, err := d.client.CoreV1().Pods(metav1.NamespaceAll).List(ctx, metav1.ListOptions{
		FieldSelector: fields.OneTermEqualSelector("spec.nodeName", node).String(),
	})
	if err != nil {
		return nil, 0, fmt.Errorf("list pods on node %q: %w", node, err)
	}
	var skipped, notEvicted []Pod
	for i := range list.Items {
		p := &list.Items[i]
		if p.Spec.NodeName != node {
			continue
		}
		switch v, reason := classify(p, d.opts); v {
		case skip:
			skipped = append(skipped, Pod{Namespace: p.Namespace, Name: p.Name, Reason: reason})
		case refuse:
			notEvicted = append(notEvicted, Pod{Namespace: p.Namespace, Name: p.Name, Reason: reason})
		default:
			tg := &target{namespace: p.Namespace, name: p.Name, uid: p.UID, reason: ReasonNotYet}
			if p.DeletionTimestamp != nil {
				tg.accepted, tg.reason = true, ReasonTerminating
			}
			targets = append(targets, tg)
		}
	}
	slices.SortFunc(targets, func(a, b *target) int {
		return strings.Compare(a.namespace+"/"+a.name, b.namespace+"/"+b.name)
	})
	d.t.update(d.st, func(s *Status) {
		s.Skipped, s.NotEvicted, s.Pending = skipped, notEvicted, pods(targets)
	})
	return targets, len(notEvicted), nil
}

// step moves one pod along: evict it if that has not gone through yet,
// then see whether it is gone.
func (d *run) step(ctx context.Context, tg *target) {
	if !tg.accepted {
		d.evict(ctx, tg)
	}
	if tg.accepted && !tg.gone {
		d.checkGone(ctx, tg)
	}
}

func (d *run) evict(ctx context.Context, tg *target) {
	ev := &policyv1.Eviction{
		ObjectMeta: metav1.ObjectMeta{Namespace: tg.namespace, Name: tg.name},
		// Evict exactly the pod that was planned, not a namesake created
		// since (a StatefulSet's replacement).
		DeleteOptions: &metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &tg.uid}},
	}
	if g := d.opts.GracePeriodSeconds; g != nil {
		ev.DeleteOptions.GracePeriodSeconds = g
	}
	err := d.client.PolicyV1().Evictions(tg.namespace).Evict(ctx, ev)
	switch {
	case err == nil:
		tg.accepted, tg.reason = true, ReasonTerminating
	case apierrors.IsNotFound(err):
		tg.accepted, tg.gone = true, true
	case apierrors.IsConflict(err):
		// The UID precondition failed: the planned pod is gone and a
		// namesake took its place.
		tg.accepted, tg.gone = true, true
	case apierrors.IsTooManyRequests(err):
		tg.reason = ReasonPDBPrefix + ": " + statusText(err)
	case ctx.Err() != nil:
		// The drain's time is up; the caller reports it.
	default:
		tg.reason = "eviction failed: " + err.Error()
	}
}

func (d *run) checkGone(ctx context.Context, tg *target) {
	p, err := d.client.CoreV1().Pods(tg.namespace).Get(ctx, tg.name, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
		tg.gone = true
	case err != nil:
		if ctx.Err() == nil {
			tg.reason = ReasonTerminating + " (check failed: " + err.Error() + ")"
		}
	case p.UID != tg.uid:
		tg.gone = true
	case p.DeletionTimestamp == nil && !finished(p):
		// Accepted but not deleted: should not happen; evict again.
		tg.accepted, tg.reason = false, ReasonNotYet
	default:
		tg.reason = ReasonTerminating
	}
}

func (d *run) finish(ctx context.Context, state State, msg string) {
	now := d.t.cfg.Now().UTC()
	d.t.update(d.st, func(s *Status) {
		s.State, s.Message, s.FinishedAt = state, msg, &now
	})
	saveCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), finishTimeout)
	defer cancel()
	if err := d.save(saveCtx); err != nil {
		d.superseded(err)
		return
	}
	d.t.cfg.Logger.Info("Drain ended", "cluster", d.st.Cluster, "node", d.st.Node, "drain", d.st.ID, "state", state, "message", msg)
}

func pods(targets []*target) []Pod {
	out := make([]Pod, len(targets))
	for i, tg := range targets {
		out[i] = tg.pod()
	}
	return out
}

// statusText is the API server's message with its causes, which name the
// PodDisruptionBudget that blocked an eviction.
func statusText(err error) string {
	var status apierrors.APIStatus
	if !errors.As(err, &status) {
		return err.Error()
	}
	s := status.Status()
	parts := []string{strings.TrimSuffix(s.Message, ".")}
	if s.Details != nil {
		for _, c := range s.Details.Causes {
			if c.Message != "" {
				parts = append(parts, strings.TrimSuffix(c.Message, "."))
			}
		}
	}
	return strings.Join(parts, ": ")
}
