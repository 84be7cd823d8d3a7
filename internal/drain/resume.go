package drain

import (
	"context"
	"errors"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// ResumeAll takes up the drains of cluster that a stopped process left
// running: every node whose record says Running and whose drain this
// Tracker does not run. A drain with time left before its timeout (counted
// from when it started) goes on where it stood, with ResumedAt set; one
// whose timeout has passed ends as Interrupted, its pending pods listed as
// not evicted, and the node stays cordoned. Call it each time the
// cluster's connection comes up; drains this Tracker already runs are left
// alone, so calling it again is harmless. The resumed drains outlive ctx's
// cancellation, as Start's do.
func (t *Tracker) ResumeAll(ctx context.Context, client kubernetes.Interface, cluster string) error {
	nodes, err := client.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return fmt.Errorf("list nodes of cluster %q to resume their drains: %w", cluster, err)
	}
	var errs []error
	for i := range nodes.Items {
		value, ok := nodes.Items[i].Annotations[Annotation]
		if !ok {
			continue
		}
		if err := t.resume(ctx, client, cluster, nodes.Items[i].Name, value); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// resume takes up the drain recorded as value on node, if it is running
// and not this Tracker's.
func (t *Tracker) resume(ctx context.Context, client kubernetes.Interface, cluster, node, value string) error {
	st, err := decode(cluster, node, value)
	if err != nil {
		return err
	}
	if st.State != StateRunning {
		return nil
	}
	now := t.cfg.Now().UTC()
	st.ResumedAt = &now
	left := st.StartedAt.Add(st.Options.Timeout).Sub(now)
	if left <= 0 {
		st.State, st.FinishedAt = StateInterrupted, &now
		st.NotEvicted = append(st.NotEvicted, st.Pending...)
		st.Message = fmt.Sprintf("interrupted: the server stopped during the drain and its timeout of %s had passed when it came back, "+
			"with %d pod(s) not evicted (see notEvicted); the node stays cordoned", st.Options.Timeout, len(st.NotEvicted))
		st.Pending = nil
	}

	k := key(cluster, node)
	t.mu.Lock()
	if cur, ok := t.runs[k]; ok && cur.st.State == StateRunning {
		t.mu.Unlock()
		return nil
	}
	e := &entry{st: &st}
	t.runs[k] = e
	t.mu.Unlock()

	next, err := encode(st)
	if err == nil {
		err = replaceRecord(ctx, client, node, value, next)
	}
	switch {
	case errors.Is(err, errSuperseded):
		// Someone else took the drain up (or replaced it) first.
		t.forget(e)
		return nil
	case err != nil:
		t.forget(e)
		return err
	case st.State != StateRunning:
		t.cfg.Logger.Info("Drain interrupted", "cluster", cluster, "node", node, "drain", st.ID)
		return nil
	}
	t.cfg.Logger.Info("Drain resumed", "cluster", cluster, "node", node, "drain", st.ID, "by", st.By, "timeLeft", left.String())
	t.run(ctx, e, client, next, left)
	return nil
}
