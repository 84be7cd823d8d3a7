package drain

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
)

// Annotation holds, on the node, the record of its last drain: what
// Status holds but the cluster's name, as JSON. It is written with the
// cordon, on every change of progress and at the end, so that a drain
// outlives the process that started it (see Tracker.ResumeAll) and anyone
// with kubectl sees who is draining the node. A process drives a drain only
// while the record is the one it last wrote: a drain whose record was
// replaced (a newer drain, another server that resumed it) or removed
// stops at its next write.
const Annotation = "wheelhouse.dev/drain"

// errSuperseded is returned by a write whose record is no longer the one
// its drain last wrote.
var errSuperseded = errors.New("the drain record on the node was replaced or removed")

// record is the JSON form of the annotation.
type record struct {
	ID         string        `json:"id"`
	State      State         `json:"state"`
	By         string        `json:"by,omitempty"`
	StartedAt  time.Time     `json:"startedAt"`
	ResumedAt  *time.Time    `json:"resumedAt,omitempty"`
	FinishedAt *time.Time    `json:"finishedAt,omitempty"`
	Message    string        `json:"message,omitempty"`
	Options    recordOptions `json:"options"`
	Evicted    []Pod         `json:"evicted,omitempty"`
	Pending    []Pod         `json:"pending,omitempty"`
	NotEvicted []Pod         `json:"notEvicted,omitempty"`
	Skipped    []Pod         `json:"skipped,omitempty"`
}

// recordOptions are Options with durations as Go duration strings, which
// a person reading the node can follow.
type recordOptions struct {
	IgnoreDaemonSets   bool   `json:"ignoreDaemonSets,omitempty"`
	DeleteEmptyDirData bool   `json:"deleteEmptyDirData,omitempty"`
	Force              bool   `json:"force,omitempty"`
	GracePeriodSeconds *int64 `json:"gracePeriodSeconds,omitempty"`
	Timeout            string `json:"timeout"`
	RetryInterval      string `json:"retryInterval"`
}

// encode returns the annotation value of st.
func encode(st Status) (string, error) {
	o := st.Options
	raw, err := json.Marshal(record{
		ID: st.ID, State: st.State, By: st.By, StartedAt: st.StartedAt, ResumedAt: st.ResumedAt,
		FinishedAt: st.FinishedAt, Message: st.Message,
		Options: recordOptions{
			IgnoreDaemonSets: o.IgnoreDaemonSets, DeleteEmptyDirData: o.DeleteEmptyDirData, Force: o.Force,
			GracePeriodSeconds: o.GracePeriodSeconds, Timeout: o.Timeout.String(), RetryInterval: o.RetryInterval.String(),
		},
		Evicted: st.Evicted, Pending: st.Pending, NotEvicted: st.NotEvicted, Skipped: st.Skipped,
	})
	if err != nil {
		return "", fmt.Errorf("encode drain record: %w", err)
	}
	return string(raw), nil
}

// decode reads an annotation value back into a Status of cluster and node.
func decode(cluster, node, value string) (Status, error) {
	var r record
	if err := json.Unmarshal([]byte(value), &r); err != nil {
		return Status{}, fmt.Errorf("decode drain record of node %q: %w", node, err)
	}
	timeout, err := time.ParseDuration(r.Options.Timeout)
	if err != nil {
		return Status{}, fmt.Errorf("decode drain record of node %q: options.timeout: %w", node, err)
	}
	retry, err := time.ParseDuration(r.Options.RetryInterval)
	if err != nil {
		return Status{}, fmt.Errorf("decode drain record of node %q: options.retryInterval: %w", node, err)
	}
	switch r.State {
	case StateRunning, StateSucceeded, StateFailed, StateInterrupted:
	default:
		return Status{}, fmt.Errorf("decode drain record of node %q: unknown state %q", node, r.State)
	}
	return Status{
		ID: r.ID, Cluster: cluster, Node: node, State: r.State, By: r.By, Message: r.Message,
		StartedAt: r.StartedAt, ResumedAt: r.ResumedAt, FinishedAt: r.FinishedAt,
		Options: Options{
			IgnoreDaemonSets: r.Options.IgnoreDaemonSets, DeleteEmptyDirData: r.Options.DeleteEmptyDirData,
			Force: r.Options.Force, GracePeriodSeconds: r.Options.GracePeriodSeconds,
			Timeout: timeout, RetryInterval: retry,
		},
		Evicted: r.Evicted, Pending: r.Pending, NotEvicted: r.NotEvicted, Skipped: r.Skipped,
	}, nil
}

// Recorded returns the drain recorded on node (read from a cache or the
// API server), false when it carries none.
func Recorded(cluster string, node *corev1.Node) (Status, bool, error) {
	value, ok := node.Annotations[Annotation]
	if !ok {
		return Status{}, false, nil
	}
	st, err := decode(cluster, node.Name, value)
	if err != nil {
		return Status{}, false, err
	}
	return st, true, nil
}

// cordonAndRecord cordons node and sets its record to value in one
// patch, so that a node is never cordoned by a drain without its record.
func cordonAndRecord(ctx context.Context, client kubernetes.Interface, node, value string) error {
	patch, err := json.Marshal(map[string]any{
		"metadata": map[string]any{"annotations": map[string]string{Annotation: value}},
		"spec":     map[string]any{"unschedulable": true},
	})
	if err != nil {
		return fmt.Errorf("cordon node %q: %w", node, err)
	}
	if _, err := client.CoreV1().Nodes().Patch(ctx, node, types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
		return fmt.Errorf("cordon node %q: %w", node, err)
	}
	return nil
}

// replaceRecord sets node's record to next if it still is prev, in one
// JSON patch whose test operation the API server applies atomically; it
// returns errSuperseded when the record is no longer prev.
func replaceRecord(ctx context.Context, client kubernetes.Interface, node, prev, next string) error {
	path := "/metadata/annotations/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(Annotation)
	patch, err := json.Marshal([]map[string]string{
		{"op": "test", "path": path, "value": prev},
		{"op": "replace", "path": path, "value": next},
	})
	if err != nil {
		return fmt.Errorf("record drain on node %q: %w", node, err)
	}
	_, err = client.CoreV1().Nodes().Patch(ctx, node, types.JSONPatchType, patch, metav1.PatchOptions{})
	switch {
	case err == nil:
		return nil
	// A failed test operation is answered 422; a missing annotation
	// (removed by someone) fails the same way; a deleted node, 404.
	case apierrors.IsInvalid(err), apierrors.IsNotFound(err), isUnprocessable(err):
		return errSuperseded
	default:
		return fmt.Errorf("record drain on node %q: %w", node, err)
	}
}

func isUnprocessable(err error) bool {
	var status apierrors.APIStatus
	return errors.As(err, &status) && status.Status().Code == 422
}
