package pipelines

import (
	"context"
	"log/slog"

	"sigs.k8s.io/controller-runtime/pkg/client"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
	"github.com/wheelhouse-dev/wheelhouse/internal/events"
	"github.com/wheelhouse-dev/wheelhouse/internal/pipeline"
)

// imagePushBuffer is how many pushes wait for the image push trigger
// before the bus drops them (and counts them as dropped).
const imagePushBuffer = 256

// ImagePushes starts the executions of pipelines with an imagePush trigger
// for each image pushed to a registry of the platform. It is a manager
// Runnable, so it runs with the controllers.
type ImagePushes struct {
	Bus     *events.Bus
	Client  client.Client
	Trigger *Trigger
	Logger  *slog.Logger
}

// Start implements manager.Runnable.
func (ip *ImagePushes) Start(ctx context.Context) error {
	pushes, stop := ip.Bus.Subscribe(imagePushBuffer)
	defer stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-pushes:
			if !ok {
				return nil
			}
			ip.pushed(ctx, ev)
		}
	}
}

// NeedLeaderElection implements manager.LeaderElectionRunnable.
func (ip *ImagePushes) NeedLeaderElection() bool { return true }

// pushed triggers every pipeline whose imagePush trigger matches ev and
// whose project may see the registry (its own, or a global one).
func (ip *ImagePushes) pushed(ctx context.Context, ev events.ImagePushed) {
	var list devopsv1alpha1.PipelineList
	if err := ip.Client.List(ctx, &list); err != nil {
		ip.Logger.Warn("image push trigger: list pipelines", "error", err)
		return
	}
	for i := range list.Items {
		p := &list.Items[i]
		t := p.Spec.Triggers.ImagePush
		if t == nil || p.Spec.Suspend || t.Registry != ev.Registry || t.Repository != ev.Repository {
			continue
		}
		if t.Tag != "" && !pipeline.Glob(t.Tag, ev.Tag) {
			continue
		}
		if ev.Cluster != "" || ev.Project != "" {
			scope, err := projectOf(ctx, ip.Client, p.Namespace)
			if err != nil || scope.Cluster != ev.Cluster || scope.Project != ev.Project {
				continue
			}
		}
		req := Request{
			Trigger: devopsv1alpha1.TriggerImagePush, Event: devopsv1alpha1.EventImagePush, Branch: t.Branch,
			TriggeredBy: "image " + ev.Registry + "/" + ev.Repository + ":" + ev.Tag,
			Message:     "image " + ev.Repository + ":" + ev.Tag + " pushed (" + ev.Digest + ")",
		}
		_, err := ip.Trigger.Run(ctx, p.DeepCopy(), req)
		ip.Trigger.Record(ctx, p, req, err)
	}
}
