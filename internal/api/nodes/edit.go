package nodes

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
)

// UpdateNodeInput edits a node's labels, annotations and taints.
type UpdateNodeInput struct {
	NodeInput
	Body struct {
		Labels      map[string]*string `json:"labels,omitempty" doc:"Labels to set, merged into the node's; a null value removes that label"`
		Annotations map[string]*string `json:"annotations,omitempty" doc:"Annotations to set, merged into the node's; a null value removes that annotation"`
		Taints      *[]NodeTaint       `json:"taints,omitempty" doc:"The node's complete new list of taints, replacing the old one; [] removes every taint; absent or null leaves them as they are"`
	}
}

func registerEdit(api huma.API, d Deps, perm auth.Permission) {
	for _, a := range []struct {
		id, verb, summary string
		unschedulable     bool
	}{
		{"cordon-node", "cordon", "Cordon a node: no new pods are scheduled on it", true},
		{"uncordon-node", "uncordon", "Uncordon a node: pods may be scheduled on it again", false},
	} {
		op := operation.New(http.MethodPost, basePath+"/{node}/"+a.verb, a.id, a.summary, tags, perm)
		op.Errors = append(op.Errors, http.StatusNotFound, http.StatusServiceUnavailable)
		patch := fmt.Appendf(nil, `{"spec":{"unschedulable":%t}}`, a.unschedulable)
		huma.Register(api, op, func(ctx context.Context, in *NodeInput) (*NodeOutput, error) {
			return patchNode(ctx, d, in.Cluster, in.Node, patch)
		})
	}

	upd := operation.New(http.MethodPatch, basePath+"/{node}", "update-node", "Edit a node's labels, annotations and taints", tags, perm)
	upd.Description = "Labels and annotations are merged (a null value removes a key); taints, when given, replace the whole list."
	upd.Errors = append(upd.Errors, http.StatusNotFound, http.StatusConflict, http.StatusServiceUnavailable)
	huma.Register(api, upd, func(ctx context.Context, in *UpdateNodeInput) (*NodeOutput, error) {
		b := in.Body
		if err := validateEdit(b.Labels, b.Annotations, b.Taints); err != nil {
			return nil, err
		}
		meta := operation.MetadataMerge(b.Labels, b.Annotations)
		p := map[string]any{}
		if len(meta) > 0 {
			p["metadata"] = meta
		}
		if b.Taints != nil {
			taints := make([]corev1.Taint, len(*b.Taints))
			for i, t := range *b.Taints {
				taints[i] = corev1.Taint{Key: t.Key, Value: t.Value, Effect: corev1.TaintEffect(t.Effect)}
			}
			p["spec"] = map[string]any{"taints": taints}
		}
		raw, err := json.Marshal(p)
		if err != nil {
			return nil, fmt.Errorf("encode node patch: %w", err)
		}
		return patchNode(ctx, d, in.Cluster, in.Node, raw)
	})
}

// patchNode applies a JSON merge patch to a node through the API server
// and returns the node it wrote, with its pods' requests from the cache.
func patchNode(ctx context.Context, d Deps, clusterName, node string, patch []byte) (*NodeOutput, error) {
	c, err := d.Cluster(clusterName)
	if err != nil {
		return nil, err
	}
	n, err := c.Kube.CoreV1().Nodes().Patch(ctx, node, types.MergePatchType, patch, metav1.PatchOptions{})
	if err != nil {
		return nil, operation.ClusterError(err)
	}
	_, u, err := podsOnNode(c, node)
	if err != nil {
		return nil, operation.ClusterError(err)
	}
	return &NodeOutput{Body: viewOf(n, u, c.Usage())}, nil
}

// validateEdit checks keys and values as the API server would, so that the
// problem names the exact key at fault (body.labels.<key>).
func validateEdit(labels, annotations map[string]*string, taints *[]NodeTaint) error {
	details := operation.ValidateLabelEdits(labels, annotations)
	if taints != nil {
		seen := map[string]bool{}
		for i, t := range *taints {
			loc := fmt.Sprintf("body.taints[%d]", i)
			details = append(details, operation.Invalid(loc+".key", t.Key, validation.IsQualifiedName(t.Key))...)
			if t.Value != "" {
				details = append(details, operation.Invalid(loc+".value", t.Value, validation.IsValidLabelValue(t.Value))...)
			}
			if id := t.Key + ":" + t.Effect; seen[id] {
				details = append(details, &huma.ErrorDetail{Location: loc, Message: "duplicate taint: key " + t.Key + " with effect " + t.Effect + " is given twice", Value: t.Key})
			} else {
				seen[id] = true
			}
		}
	}
	if len(details) > 0 {
		return operation.ValidationFailed(details)
	}
	return nil
}
