package drain

import (
	"context"
	"errors"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
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
// and this Tracker does not run it. When the record changes under it (the
// run that a closing connection stops writes its last progress), it reads
// the record again, a few times.
func (t *Tracker) resume(ctx context.Context, client kubernetes.Interface, cluster, node, value string) error {
	for range resumeAttempts {
		err := t.takeUp(ctx, client, cluster, node, value)
		if !errors.Is(err, errSuperseded) {
			return err
		}
		n, err := client.CoreV1().Nodes().Get(ctx, node, metav1.GetOptions{})
		switch {
		case apierrors.IsNotFound(err):
			return nil
		case err != nil:
			return fmt.Errorf("read the drain record of node %q: %w", node, err)
		}
		var ok bool
		if value, ok = n.Annotations[Annotation]; !ok {
			return nil
		}
	}
	// Someone else keeps writing the record: it is theirs.
	return nil
}

// resumeAttempts bounds how often resume reads a changing record again.
const resumeAttempts = 3

// takeUp takes up the drain recorded as value on node; it returns
// errSuperseded when the record is no longer value.
func (t *Tracker) takeUp(ctx context.Context, client kubernetes.Interface, cluster, node, value string) error {
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
	if cur, ok := t.runs[k]; ok && cur.live() {
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
	if err != nil {
		t.forget(e)
		return err
	}
	if st.State != StateRunning {
		t.cfg.Logger.Info("Drain interrupted", "cluster", cluster, "node", node, "drain", st.ID)
		return nil
	}
	t.cfg.Logger.Info("Drain resumed", "cluster", cluster, "node", node, "drain", st.ID, "by", st.By, "timeLeft", left.String())
	t.run(ctx, e, client, next, left)
	return nil
}

// Name names the Tracker as a multicluster.Component.
func (t *Tracker) Name() string { return "drains" }

// Run is the Tracker as a multicluster.Component, registered with the
// server's multicluster.Manager: on each connection of cluster c it
// resumes the drains c's nodes record as running (ResumeAll; a failure is
// returned, so the Manager runs it again after a backoff), and when the
// connection closes (the cluster is deleted, its credentials rotated, the
// server stops) it stops this Tracker's drains of c, their records left as
// they are for the next connection to resume with its own credentials.
func (t *Tracker) Run(ctx context.Context, c *multicluster.Cluster) error {
	cluster := c.Name()
	ofCluster := func(e *entry) bool { return e.st.Cluster == cluster }
	// Also when ResumeAll fails and the connection closes while the
	// Manager waits to run this again.
	context.AfterFunc(ctx, func() { t.stop(ofCluster) })
	if err := t.ResumeAll(ctx, c.Kube, cluster); err != nil {
		return err
	}
	<-ctx.Done()
	// Before returning, so that the next connection finds them stopped.
	t.stop(ofCluster)
	return nil
}
