package apply

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"k8s.io/apimachinery/pkg/api/meta"

	"github.com/wheelhouse-dev/wheelhouse/internal/projects"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// PipelineApplier applies the manifests of pipelines' applyYaml steps the
// way the apply endpoints do (every document dry-run before any is
// written, so nothing is half-applied), authorized by the pipeline's
// project rather than by a user: a pipeline may write namespaced objects in
// the namespaces of its own project, in its project's cluster, and nothing
// else (as Rancher's pipelines wrote with their project's service account).
type PipelineApplier struct {
	d Deps
}

// NewPipelineApplier returns the applier of pipelines; d needs its
// Clusters and Logger.
func NewPipelineApplier(d Deps) *PipelineApplier {
	if d.Limits.MaxDocuments <= 0 {
		d.Limits.MaxDocuments = DefaultMaxDocuments
	}
	if d.Limits.Timeout <= 0 {
		d.Limits.Timeout = DefaultTimeout
	}
	return &PipelineApplier{d: d}
}

// Apply implements the pipeline controllers' Applier.
func (a *PipelineApplier) Apply(ctx context.Context, project store.Scope, cluster, namespace string, manifests []byte) (string, error) {
	if project.Cluster != cluster {
		return "", fmt.Errorf("the pipeline's project is in cluster %q: it may not apply to cluster %q", project.Cluster, cluster)
	}
	out, err := execute(ctx, a.d, cluster, namespace, ApplyParams{}, manifests, func(ctx context.Context, pl *planned) error {
		ns := pl.obj.GetNamespace()
		if ns == "" {
			return fmt.Errorf("document %d (%s): a pipeline may apply only namespaced objects of its project", pl.index, pl.describe())
		}
		c, err := a.d.Cluster(cluster)
		if err != nil {
			return err
		}
		live, err := c.Get("namespaces", "", ns)
		var labels map[string]string
		if m, merr := meta.Accessor(live); err == nil && merr == nil {
			labels = m.GetLabels()
		}
		if labels[projects.ProjectLabel] != project.Project || project.Project == "" {
			return fmt.Errorf("document %d (%s): namespace %q is not a namespace of project %q", pl.index, pl.describe(), ns, project.Project)
		}
		return nil
	})
	if err != nil {
		var em *huma.ErrorModel
		if errors.As(err, &em) {
			msg := em.Detail
			for _, e := range em.Errors {
				msg += "; " + e.Location + ": " + e.Message
			}
			return "", errors.New(msg)
		}
		return "", err
	}
	lines := make([]string, 0, len(out.Body.Documents))
	for _, doc := range out.Body.Documents {
		lines = append(lines, fmt.Sprintf("%s/%s %s in %s: %s", strings.ToLower(doc.Kind), doc.Name, doc.APIVersion, doc.Namespace, doc.Action))
	}
	return strings.Join(lines, "\n"), nil
}
