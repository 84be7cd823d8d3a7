package pipelines

import (
	"context"
	"slices"

	"k8s.io/apimachinery/pkg/api/equality"
	"sigs.k8s.io/controller-runtime/pkg/client"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
)

// recentNodesKept is how many nodes a pipeline remembers having run on.
const recentNodesKept = 5

// summarize records e as its pipeline's last execution when it is the
// newest, and the nodes its steps ran on first among the pipeline's recent
// nodes (where the next execution finds its build cache).
func (r *ExecutionReconciler) summarize(ctx context.Context, e *devopsv1alpha1.PipelineExecution) error {
	var p devopsv1alpha1.Pipeline
	if err := r.client.Get(ctx, client.ObjectKey{Namespace: e.Namespace, Name: e.Spec.Pipeline}, &p); err != nil {
		return client.IgnoreNotFound(err)
	}
	last := p.Status.LastExecution
	if last != nil && last.RunNumber > e.Spec.RunNumber {
		return nil
	}
	summary := &devopsv1alpha1.ExecutionSummary{
		Name: e.Name, RunNumber: e.Spec.RunNumber, State: e.Status.State,
		Branch: e.Spec.Branch, Commit: e.Spec.Commit, Started: e.Status.Started, Ended: e.Status.Ended,
	}
	nodes := slices.Clone(p.Status.RecentNodes)
	for _, st := range e.Status.Stages {
		for _, step := range st.Steps {
			if step.Node != "" {
				nodes = slices.DeleteFunc(nodes, func(n string) bool { return n == step.Node })
				nodes = append([]string{step.Node}, nodes...)
			}
		}
	}
	if len(nodes) > recentNodesKept {
		nodes = nodes[:recentNodesKept]
	}
	if equality.Semantic.DeepEqual(last, summary) && slices.Equal(nodes, p.Status.RecentNodes) {
		return nil
	}
	p.Status.LastExecution, p.Status.RecentNodes = summary, nodes
	if p.Status.NextRun <= e.Spec.RunNumber {
		p.Status.NextRun = e.Spec.RunNumber + 1
	}
	return r.client.Status().Update(ctx, &p)
}
