package pipelines

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"sigs.k8s.io/controller-runtime/pkg/client"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	ctl "github.com/wheelhouse-dev/wheelhouse/internal/controller/pipelines"
	"github.com/wheelhouse-dev/wheelhouse/internal/forge"
)

// hookTriggerTimeout bounds the background work a delivery starts
// (resolving the commit, reading the pipeline file, creating the
// execution).
const hookTriggerTimeout = 2 * time.Minute

// HookInput is a forge's webhook delivery.
type HookInput struct {
	Namespace string `path:"namespace" maxLength:"63" doc:"The pipeline's namespace in the management cluster"`
	Name      string `path:"name" maxLength:"253" doc:"The pipeline"`
	RawBody   []byte
	header    http.Header
}

// Resolve implements huma.Resolver: the forge's signature and event
// headers are read by forge.ParseWebhook.
func (in *HookInput) Resolve(ctx huma.Context) []error {
	in.header = http.Header{}
	ctx.EachHeader(func(name, value string) { in.header.Add(name, value) })
	return nil
}

// HookOutput says what became of a delivery.
type HookOutput struct {
	Status int
	Body   struct {
		Outcome  string `json:"outcome" enum:"accepted,duplicate,ignored" doc:"accepted: an execution is being started (in the background); duplicate: this delivery started one already; ignored: nothing to build"`
		Reason   string `json:"reason,omitempty" doc:"Why it was ignored, or which execution it started before"`
		Delivery string `json:"delivery,omitempty"`
	}
}

// inflight are the deliveries being handled, so that one sent twice at
// once starts one execution.
type inflight struct {
	mu   sync.Mutex
	keys map[string]bool
}

func (f *inflight) begin(key string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.keys[key] {
		return false
	}
	f.keys[key] = true
	return true
}

func (f *inflight) end(key string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.keys, key)
}

func (h *handlers) registerHooks(api huma.API) {
	receive := operation.Public(http.MethodPost, "/api/v1/hooks/pipelines/{namespace}/{name}", "receive-pipeline-webhook",
		"Receive a forge's webhook delivery for a pipeline", tags)
	receive.Description = "Wheelhouse registers this URL at the forge when a pipeline with webhook triggers is created. The delivery " +
		"is checked on its raw body in constant time (GitHub X-Hub-Signature-256, Gitea X-Gitea-Signature, GitLab X-Gitlab-Token) " +
		"before anything is read: missing or wrong is a 401 and nothing starts. The answer comes at once (202); the commit is " +
		"resolved, the pipeline file read and the execution created in the background (a failure is the pipeline's Triggered " +
		"condition). A delivery whose id started an execution before is a duplicate (200): GitHub's and GitLab's redeliveries " +
		"keep their id; Gitea's replay sends a new one and starts a new execution. Pings, deleted branches, events the pipeline " +
		"does not build and excluded branches are ignored (200)."
	receive.DefaultStatus = http.StatusAccepted
	receive.Errors = []int{http.StatusBadRequest, http.StatusUnauthorized, http.StatusNotFound, http.StatusServiceUnavailable}
	huma.Register(api, receive, h.receive)
}

func (h *handlers) receive(ctx context.Context, in *HookInput) (*HookOutput, error) {
	wctx, cancel := context.WithTimeout(ctx, startWait)
	c, err := h.Host.Controllers(wctx)
	cancel()
	if err != nil {
		return nil, huma.ErrorWithHeaders(huma.Error503ServiceUnavailable("pipelines are not running here now"), http.Header{"Retry-After": {"10"}})
	}
	var p devopsv1alpha1.Pipeline
	if err := c.Reader.Get(ctx, client.ObjectKey{Namespace: in.Namespace, Name: in.Name}, &p); err != nil {
		return nil, huma.Error404NotFound(fmt.Sprintf("no pipeline %s/%s", in.Namespace, in.Name))
	}
	secret, ok, err := ctl.WebhookSecret(h.Keyring, &p)
	if err != nil || !ok {
		return nil, huma.Error401Unauthorized("the pipeline has no webhook secret to check the delivery with")
	}
	kind, err := h.providerKind(ctx, c, &p)
	if err != nil {
		return nil, huma.Error404NotFound(err.Error())
	}
	operation.NoteActor(ctx, "webhook/"+string(kind))
	ev, err := forge.ParseWebhook(kind, secret, in.header, in.RawBody)
	out := &HookOutput{Status: http.StatusOK}
	out.Body.Outcome = "ignored"
	switch {
	case errors.Is(err, forge.ErrSignature):
		return nil, huma.Error401Unauthorized(err.Error())
	case errors.Is(err, forge.ErrIgnored):
		out.Body.Reason = err.Error()
		return out, nil
	case err != nil:
		return nil, huma.Error400BadRequest(err.Error(), &huma.ErrorDetail{Location: "body", Message: err.Error()})
	}
	out.Body.Delivery = ev.DeliveryID
	switch {
	case ev.Ping:
		out.Body.Reason = "ping"
		return out, nil
	case ev.Deleted:
		out.Body.Reason = "a deleted branch or tag"
		return out, nil
	case !slices.Contains(ctl.WebhookEvents(&p), ev.Kind):
		out.Body.Reason = fmt.Sprintf("the pipeline is not triggered by %s events", ev.Kind)
		return out, nil
	}
	key := in.Namespace + "/" + in.Name + "/" + ev.DeliveryID
	if ev.DeliveryID != "" {
		if !h.hooks.begin(key) {
			out.Body.Outcome, out.Body.Reason = "duplicate", "the same delivery is being handled"
			return out, nil
		}
		var seen devopsv1alpha1.PipelineExecutionList
		err := c.Reader.List(ctx, &seen, client.InNamespace(p.Namespace),
			client.MatchingLabels{devopsv1alpha1.LabelPipeline: p.Name, ctl.LabelDelivery: ctl.DeliveryLabel(ev.DeliveryID)})
		if err != nil {
			h.hooks.end(key)
			return nil, operation.ClusterError(err)
		}
		if len(seen.Items) > 0 {
			h.hooks.end(key)
			out.Body.Outcome, out.Body.Reason = "duplicate", "it started execution "+seen.Items[0].Name
			return out, nil
		}
	}
	req := ctl.Request{
		Trigger: triggerOf(ev.Kind), Event: ev.Kind, TriggeredBy: "webhook " + ev.DeliveryID, Delivery: ev.DeliveryID,
		Branch: ev.Branch, Tag: ev.Tag, Ref: ev.Ref, Commit: ev.Commit, Author: ev.Author, Message: ev.Message,
	}
	go func() {
		defer h.hooks.end(key)
		bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), hookTriggerTimeout)
		defer cancel()
		_, err := c.Trigger.Run(bctx, p.DeepCopy(), req)
		c.Trigger.Record(bctx, &p, req, err)
	}()
	out.Status = http.StatusAccepted
	out.Body.Outcome = "accepted"
	return out, nil
}

// providerKind is the kind of forge the pipeline's repository is at.
func (h *handlers) providerKind(ctx context.Context, c *ctl.Controllers, p *devopsv1alpha1.Pipeline) (devopsv1alpha1.SourceCodeProviderType, error) {
	var repo devopsv1alpha1.SourceCodeRepository
	if err := c.Reader.Get(ctx, client.ObjectKey{Namespace: p.Namespace, Name: p.Spec.Repository}, &repo); err != nil {
		return "", fmt.Errorf("pipeline %s has no repository %q", p.Name, p.Spec.Repository)
	}
	var provider devopsv1alpha1.SourceCodeProviderConfig
	if err := c.Reader.Get(ctx, client.ObjectKey{Namespace: p.Namespace, Name: repo.Spec.Provider}, &provider); err != nil {
		return "", fmt.Errorf("repository %s has no provider %q", repo.Name, repo.Spec.Provider)
	}
	return provider.Spec.Type, nil
}

// triggerOf is the trigger type of a webhook event.
func triggerOf(event string) devopsv1alpha1.TriggerType {
	switch event {
	case devopsv1alpha1.EventTag:
		return devopsv1alpha1.TriggerTag
	case devopsv1alpha1.EventPullRequest:
		return devopsv1alpha1.TriggerPullRequest
	}
	return devopsv1alpha1.TriggerPush
}
