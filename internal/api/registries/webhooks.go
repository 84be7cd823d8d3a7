package registries

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/events"
	"github.com/wheelhouse-dev/wheelhouse/internal/registry"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// TokenHeader carries a webhook's token for the sources that send a
// header of the user's choosing (TCR, distribution, ECR's API destination).
const TokenHeader = "X-Wheelhouse-Token"

// hookPath is the public endpoint of webhook id.
func hookPath(id uint64) string { return "/api/v1/hooks/registries/" + strconv.FormatUint(id, 10) }

// howToSend says where each source puts the token.
var howToSend = map[string]string{
	store.WebhookHarbor:       "Harbor: set the webhook's auth header to the token (sent as Authorization)",
	store.WebhookACR:          "ACR: use the URL with ?token=<token> appended",
	store.WebhookDockerHub:    "Docker Hub: use the URL with ?token=<token> appended",
	store.WebhookTCR:          "TCR: add the custom header " + TokenHeader + ": <token> to the trigger",
	store.WebhookDistribution: "distribution: add headers: {" + TokenHeader + ": [<token>]} to the notifications endpoint",
	store.WebhookECR:          "ECR: an EventBridge API destination for \"ECR Image Action\" events whose connection sends the API key header " + TokenHeader + " = <token>",
}

// WebhookBody creates a webhook.
type WebhookBody struct {
	Name   string `json:"name" minLength:"1" maxLength:"63" doc:"DNS label, unique for the registry"`
	Source string `json:"source" enum:"harbor,acr,dockerhub,tcr,distribution,ecr" doc:"Who sends the notifications, which decides their format and where the token goes"`
}

// RegistryWebhook is a subscription to a registry's push notifications.
type RegistryWebhook struct {
	ID          uint64    `json:"id"`
	Name        string    `json:"name"`
	Source      string    `json:"source"`
	Path        string    `json:"path" doc:"The endpoint to notify, on this server"`
	TokenPrefix string    `json:"tokenPrefix" doc:"The token's first characters"`
	Token       string    `json:"token,omitempty" doc:"The token, shown once when the webhook is created"`
	HowToSend   string    `json:"howToSend"`
	CreatedBy   string    `json:"createdBy,omitempty"`
	CreatedAt   time.Time `json:"createdAt"`
}

func webhookView(w *store.RegistryWebhook) RegistryWebhook {
	return RegistryWebhook{ID: w.ID, Name: w.Name, Source: w.Source, Path: hookPath(w.ID), TokenPrefix: w.TokenPrefix, HowToSend: howToSend[w.Source],
		CreatedBy: w.CreatedBy, CreatedAt: w.CreatedAt}
}

// WebhookDelivery is one notification a webhook received.
type WebhookDelivery struct {
	ID         uint64    `json:"id"`
	Time       time.Time `json:"time"`
	Outcome    string    `json:"outcome" enum:"accepted,duplicate,ignored,rejected"`
	Status     int       `json:"status"`
	Reason     string    `json:"reason,omitempty"`
	Repository string    `json:"repository,omitempty"`
	Tag        string    `json:"tag,omitempty"`
	Digest     string    `json:"digest,omitempty"`
}

// WebhookInput creates a webhook.
type WebhookInput struct {
	NameParam
	Body WebhookBody
}

// WebhookIDParam names a webhook.
type WebhookIDParam struct {
	NameParam
	ID uint64 `path:"id" doc:"RegistryWebhook id"`
}

// DeliveriesInput lists a webhook's deliveries.
type DeliveriesInput struct {
	WebhookIDParam
	operation.ListParams
}

// WebhookOutput is one webhook.
type WebhookOutput struct{ Body RegistryWebhook }

// WebhookListOutput lists a registry's webhooks.
type WebhookListOutput struct {
	Body struct {
		Items []RegistryWebhook `json:"items" nullable:"false"`
	}
}

// DeliveriesOutput is a page of deliveries, newest first.
type DeliveriesOutput struct {
	Body operation.List[WebhookDelivery]
}

// ReceiveInput is a push notification.
type ReceiveInput struct {
	ID            uint64 `path:"id" doc:"RegistryWebhook id"`
	Token         string `query:"token" maxLength:"128" doc:"The token, for sources that cannot send a header (Docker Hub, ACR)"`
	Authorization string `header:"Authorization" maxLength:"256" doc:"The token, from Harbor's auth header"`
	HeaderToken   string `header:"X-Wheelhouse-Token" maxLength:"128" doc:"The token, for TCR, distribution and ECR"`
	RawBody       []byte
}

// ReceiveOutput says what became of a notification.
type ReceiveOutput struct {
	Status int
	Body   struct {
		Outcome  string `json:"outcome" enum:"accepted,duplicate,ignored"`
		Accepted int    `json:"accepted" doc:"Pushes turned into events"`
	}
}

func (h *handlers) registerWebhooks(api huma.API) {
	list := operation.New(http.MethodGet, "/registries/{registry}/webhooks", "list-registry-webhooks", "List the registry's push webhooks", tags, perm(auth.VerbGet))
	list.Errors = append(list.Errors, http.StatusNotFound)
	operation.RegisterScoped(api, list, h.listWebhooks)

	create := operation.New(http.MethodPost, "/registries/{registry}/webhooks", "create-registry-webhook",
		"Create a push webhook: an endpoint and a token (shown once) for the registry to notify", tags, perm(auth.VerbUpdate))
	create.DefaultStatus = http.StatusCreated
	create.Errors = append(create.Errors, http.StatusNotFound, http.StatusConflict)
	operation.RegisterScoped(api, create, h.createWebhook)

	del := operation.New(http.MethodDelete, "/registries/{registry}/webhooks/{id}", "delete-registry-webhook", "Delete a push webhook and its deliveries", tags, perm(auth.VerbUpdate))
	del.DefaultStatus = http.StatusNoContent
	del.Errors = append(del.Errors, http.StatusNotFound)
	operation.RegisterScoped(api, del, h.deleteWebhook)

	deliveries := operation.New(http.MethodGet, "/registries/{registry}/webhooks/{id}/deliveries", "list-webhook-deliveries",
		"List a webhook's recent deliveries (the newest 200), newest first, with their outcome", tags, perm(auth.VerbGet))
	deliveries.Errors = append(deliveries.Errors, http.StatusBadRequest, http.StatusNotFound)
	operation.RegisterScoped(api, deliveries, h.listDeliveries)

	receive := operation.Public(http.MethodPost, "/api/v1/hooks/registries/{id}", "receive-registry-webhook", "Receive a registry's push notification", tags)
	receive.Description = "Authenticated by the webhook's token (compared in constant time): in the Authorization header for " +
		"Harbor, in ?token= for Docker Hub and ACR, in " + TokenHeader + " for TCR, distribution and ECR. A wrong or missing " +
		"token is a 401, a body that is not the source's format a 400. Each push becomes one internal event (registry, " +
		"repository, tag, digest, time) unless it was delivered before (200, duplicate); a notification of something else " +
		"(a pull, a delete, a blob) is acknowledged and ignored (200). Every delivery is recorded with its outcome."
	receive.DefaultStatus = http.StatusAccepted
	receive.Errors = []int{http.StatusBadRequest, http.StatusUnauthorized}
	huma.Register(api, receive, h.receive)
}

func (h *handlers) listWebhooks(ctx context.Context, in *NameParam) (*WebhookListOutput, error) {
	reg, err := h.find(ctx, *in)
	if err != nil {
		return nil, err
	}
	hooks, err := h.Store.Webhooks().ForRegistry(ctx, reg.ID)
	if err != nil {
		return nil, err
	}
	out := &WebhookListOutput{}
	out.Body.Items = []RegistryWebhook{}
	for i := range hooks {
		out.Body.Items = append(out.Body.Items, webhookView(&hooks[i]))
	}
	return out, nil
}

func tokenHash(token string) string {
	s := sha256.Sum256([]byte(token))
	return hex.EncodeToString(s[:])
}

func (h *handlers) createWebhook(ctx context.Context, in *WebhookInput) (*WebhookOutput, error) {
	var details []error
	for _, p := range validation.IsDNS1123Label(in.Body.Name) {
		details = append(details, detail("body.name", p, in.Body.Name))
	}
	if len(details) > 0 {
		return nil, operation.ValidationFailed(details)
	}
	reg, err := h.find(ctx, in.NameParam)
	if err != nil {
		return nil, err
	}
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	token := "whk_" + base64.RawURLEncoding.EncodeToString(b[:])
	w := &store.RegistryWebhook{RegistryID: reg.ID, Name: in.Body.Name, Source: in.Body.Source, TokenHash: tokenHash(token), TokenPrefix: token[:10],
		CreatedBy: auth.PrincipalFrom(ctx).Username}
	if err := h.Store.Webhooks().Create(ctx, w); errors.Is(err, store.ErrConflict) {
		return nil, huma.Error409Conflict(fmt.Sprintf("registry %s has a webhook named %q", reg.Name, in.Body.Name))
	} else if err != nil {
		return nil, err
	}
	out := &WebhookOutput{Body: webhookView(w)}
	out.Body.Token = token
	return out, nil
}

func (h *handlers) findWebhook(ctx context.Context, in WebhookIDParam) (*store.RegistryWebhook, error) {
	reg, err := h.find(ctx, in.NameParam)
	if err != nil {
		return nil, err
	}
	w, err := h.Store.Webhooks().Get(ctx, reg.ID, in.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, huma.Error404NotFound(fmt.Sprintf("registry %s has no webhook %d", reg.Name, in.ID))
	}
	return w, err
}

func (h *handlers) deleteWebhook(ctx context.Context, in *WebhookIDParam) (*struct{}, error) {
	w, err := h.findWebhook(ctx, *in)
	if err != nil {
		return nil, err
	}
	return nil, h.Store.Webhooks().Delete(ctx, w.RegistryID, w.ID)
}

func (h *handlers) listDeliveries(ctx context.Context, in *DeliveriesInput) (*DeliveriesOutput, error) {
	w, err := h.findWebhook(ctx, in.WebhookIDParam)
	if err != nil {
		return nil, err
	}
	ds, next, err := h.Store.Webhooks().Deliveries(ctx, w.ID, store.ListOptions{Limit: in.Limit, Continue: in.Continue})
	if errors.Is(err, store.ErrInvalidContinue) {
		return nil, operation.InvalidContinue()
	}
	if err != nil {
		return nil, err
	}
	out := &DeliveriesOutput{Body: operation.List[WebhookDelivery]{Items: []WebhookDelivery{}, Continue: next}}
	for _, d := range ds {
		out.Body.Items = append(out.Body.Items, WebhookDelivery{ID: d.ID, Time: d.Time, Outcome: d.Outcome, Status: d.Status, Reason: d.Reason,
			Repository: d.Repository, Tag: d.Tag, Digest: d.Digest})
	}
	return out, nil
}

// presented is the token the request carries where w's source sends it.
func presented(w *store.RegistryWebhook, in *ReceiveInput) string {
	switch w.Source {
	case store.WebhookHarbor:
		return strings.TrimSpace(strings.TrimPrefix(in.Authorization, "Bearer "))
	case store.WebhookACR, store.WebhookDockerHub:
		return in.Token
	}
	return in.HeaderToken
}

// errBadToken answers a delivery without the right token, and one to a
// webhook that does not exist, alike.
var errBadToken = huma.Error401Unauthorized("missing or wrong webhook token")

func (h *handlers) receive(ctx context.Context, in *ReceiveInput) (*ReceiveOutput, error) {
	w, err := h.Store.Webhooks().ByID(ctx, in.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errBadToken
	}
	if err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	reject := func(status int, reason string, problem error) (*ReceiveOutput, error) {
		h.record(ctx, &store.WebhookDelivery{WebhookID: w.ID, Time: now, Outcome: store.DeliveryRejected, Status: status, Reason: reason})
		return nil, problem
	}
	want, _ := hex.DecodeString(w.TokenHash)
	got := sha256.Sum256([]byte(presented(w, in)))
	if subtle.ConstantTimeCompare(want, got[:]) != 1 {
		return reject(http.StatusUnauthorized, "missing or wrong token", errBadToken)
	}
	operation.NoteActor(ctx, "webhook/"+w.Name)
	pushes, err := registry.ParsePushes(w.Source, in.RawBody, now)
	var malformed *registry.MalformedError
	switch {
	case errors.As(err, &malformed):
		return reject(http.StatusBadRequest, malformed.Error(), huma.Error400BadRequest(malformed.Error(), &huma.ErrorDetail{Location: "body", Message: malformed.Reason}))
	case errors.Is(err, registry.ErrNotPush):
		h.record(ctx, &store.WebhookDelivery{WebhookID: w.ID, Time: now, Outcome: store.DeliveryIgnored, Status: http.StatusOK, Reason: "not an image push"})
		out := &ReceiveOutput{Status: http.StatusOK}
		out.Body.Outcome = store.DeliveryIgnored
		return out, nil
	case err != nil:
		return nil, err
	}
	reg, err := h.Store.Registries().ByID(ctx, w.RegistryID)
	if err != nil {
		return nil, err
	}
	out := &ReceiveOutput{Status: http.StatusOK}
	out.Body.Outcome = store.DeliveryDuplicate
	for _, p := range pushes {
		key := p.Key
		d := &store.WebhookDelivery{WebhookID: w.ID, Time: now, Outcome: store.DeliveryAccepted, Status: http.StatusAccepted, EventKey: &key,
			Repository: p.Repository, Tag: p.Tag, Digest: p.Digest}
		err := h.Store.Webhooks().Record(ctx, d)
		if errors.Is(err, store.ErrConflict) {
			h.record(ctx, &store.WebhookDelivery{WebhookID: w.ID, Time: now, Outcome: store.DeliveryDuplicate, Status: http.StatusOK,
				Reason: "delivered before", Repository: p.Repository, Tag: p.Tag, Digest: p.Digest})
			continue
		}
		if err != nil {
			return nil, err
		}
		out.Status, out.Body.Outcome = http.StatusAccepted, store.DeliveryAccepted
		out.Body.Accepted++
		h.Events.Publish(events.ImagePushed{RegistryID: reg.ID, Registry: reg.Name, Cluster: reg.Cluster, Project: reg.Project,
			Repository: p.Repository, Tag: p.Tag, Digest: p.Digest, Time: p.Time})
	}
	return out, nil
}

// record stores a delivery; one that cannot be stored is logged (the
// sender is answered all the same).
func (h *handlers) record(ctx context.Context, d *store.WebhookDelivery) {
	if err := h.Store.Webhooks().Record(ctx, d); err != nil {
		h.Logger.Warn("RegistryWebhook delivery not recorded", "webhook", d.WebhookID, "outcome", d.Outcome, "error", err)
	}
}
