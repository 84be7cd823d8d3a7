package pipelines

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
	"github.com/wheelhouse-dev/wheelhouse/internal/controller/ctrlkit"
	"github.com/wheelhouse-dev/wheelhouse/internal/forge"
	"github.com/wheelhouse-dev/wheelhouse/internal/secrets"
)

// Webhook bookkeeping on a Pipeline.
const (
	// AnnotationWebhookSecret holds the pipeline's webhook secret sealed
	// with the server's keyring ("keyID:base64"), bound to the pipeline's
	// uid: the forge signs deliveries with it, the receiver checks them.
	AnnotationWebhookSecret = "devops.wheelhouse.dev/webhook-secret"
	// FinalizerWebhook keeps a Pipeline until its webhook is removed from
	// the forge.
	FinalizerWebhook = "devops.wheelhouse.dev/webhook"
	// webhookGiveUp is how long a deleted pipeline waits for an
	// unreachable forge before its webhook is left behind (the forge's
	// deliveries then get 404s).
	webhookGiveUp = 5 * time.Minute
)

// HookPath is the path of a pipeline's webhook receiver, under the
// server's external URL.
func HookPath(namespace, name string) string {
	return "/api/v1/hooks/pipelines/" + namespace + "/" + name
}

// WebhookSecret opens the pipeline's webhook secret; ok is false when it
// has none yet.
func WebhookSecret(keyring *secrets.Keyring, p *devopsv1alpha1.Pipeline) (secret []byte, ok bool, err error) {
	sealed := p.Annotations[AnnotationWebhookSecret]
	if sealed == "" {
		return nil, false, nil
	}
	keyID, b64, found := strings.Cut(sealed, ":")
	raw, derr := base64.StdEncoding.DecodeString(b64)
	if !found || derr != nil {
		return nil, false, errors.New("the pipeline's webhook secret is malformed")
	}
	plain, err := keyring.Open(keyID, raw, secretContext(p))
	if err != nil {
		return nil, false, fmt.Errorf("open the pipeline's webhook secret: %w", err)
	}
	return plain, true, nil
}

// secretContext binds a sealed webhook secret to its pipeline: copied to
// another pipeline it does not open.
func secretContext(p *devopsv1alpha1.Pipeline) []byte {
	return []byte("pipeline-webhook/" + p.Namespace + "/" + p.Name + "/" + string(p.UID))
}

// WebhookEvents are the forge events the pipeline builds.
func WebhookEvents(p *devopsv1alpha1.Pipeline) []string {
	var events []string
	if push := p.Spec.Triggers.Push; push == nil || *push {
		events = append(events, devopsv1alpha1.EventPush)
	}
	if p.Spec.Triggers.Tag {
		events = append(events, devopsv1alpha1.EventTag)
	}
	if p.Spec.Triggers.PullRequest {
		events = append(events, devopsv1alpha1.EventPullRequest)
	}
	return events
}

// forgeOf is the forge client of the pipeline's repository, acting with
// its credential, and the repository's full name at the forge; nil for a
// plain git provider or a repository without a credential.
func forgeOf(ctx context.Context, c client.Reader, creds Credentials, p *devopsv1alpha1.Pipeline) (forge.Client, string, error) {
	repo, err := readRepository(ctx, c, creds, p.Namespace, p.Spec.Repository)
	if err != nil {
		return nil, "", err
	}
	var provider devopsv1alpha1.SourceCodeProviderConfig
	if err := c.Get(ctx, client.ObjectKey{Namespace: p.Namespace, Name: repo.spec.Provider}, &provider); err != nil {
		return nil, "", err
	}
	if provider.Spec.Type == devopsv1alpha1.ProviderGit || repo.access.Token == "" {
		return nil, "", nil
	}
	fc, err := forge.New(provider.Spec.Type, provider.Spec.Host, provider.Spec.TLS, repo.access.Token)
	if err != nil {
		return nil, "", err
	}
	name, err := FullName(provider.Spec.Host, repo.spec.URL)
	return fc, name, err
}

// FullName is a repository's "owner/name" at its forge, from its clone URL
// (the forge's own path prefix, as in host gitlab.example.com/gitlab,
// taken off).
func FullName(host, cloneURL string) (string, error) {
	u, err := url.Parse(cloneURL)
	if err != nil || u.Path == "" {
		return "", fmt.Errorf("repository URL %q has no path", cloneURL)
	}
	p := strings.Trim(strings.TrimSuffix(u.Path, ".git"), "/")
	if _, prefix, ok := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(host, "https://"), "http://"), "/"); ok {
		p = strings.TrimPrefix(p, strings.Trim(prefix, "/")+"/")
	}
	if !strings.Contains(p, "/") {
		return "", fmt.Errorf("repository URL %q does not name owner/repository", cloneURL)
	}
	return p, nil
}

// webhook keeps the pipeline's webhook registered at its forge while the
// pipeline wants webhook triggers, and removes it when the pipeline goes.
// It changes p (annotations, finalizers, status) for the caller to write;
// done is false when p must be written before anything else (a new
// secret, a new finalizer) so that a crash never leaves a hook whose
// secret is lost.
func (r *PipelineReconciler) webhook(ctx context.Context, p *devopsv1alpha1.Pipeline) (done bool, err error) {
	if r.keyring == nil || r.externalURL == "" {
		return true, nil
	}
	fc, repo, ferr := forgeOf(ctx, r.client, r.creds, p)
	wanted := fc != nil && len(WebhookEvents(p)) > 0 && p.DeletionTimestamp.IsZero() && !p.Spec.Suspend
	if !p.DeletionTimestamp.IsZero() || !wanted {
		if p.Status.WebhookID != "" && fc != nil {
			derr := fc.DeleteWebhook(ctx, repo, p.Status.WebhookID)
			if derr != nil && !errors.Is(derr, forge.ErrNotFound) && !errors.Is(derr, forge.ErrUnauthorized) &&
				(p.DeletionTimestamp.IsZero() || time.Since(p.DeletionTimestamp.Time) < webhookGiveUp) {
				return true, fmt.Errorf("remove the webhook: %w", derr)
			}
		}
		if p.Status.WebhookID != "" || ctrlkit.IsConditionTrue(p, devopsv1alpha1.ConditionWebhookRegistered) {
			p.Status.WebhookID = ""
			ctrlkit.RemoveCondition(p, devopsv1alpha1.ConditionWebhookRegistered)
		}
		removeFinalizer(p)
		if ferr != nil && p.DeletionTimestamp.IsZero() && !errors.Is(ferr, errNoRepository) {
			return true, ferr
		}
		return true, nil
	}
	if _, ok, err := WebhookSecret(r.keyring, p); err != nil || !ok {
		if p.Status.WebhookID != "" {
			// The hook there was signed with a secret that is gone.
			_ = fc.DeleteWebhook(ctx, repo, p.Status.WebhookID)
		}
		if err := r.newSecret(p); err != nil {
			return true, err
		}
		return false, nil
	}
	if !hasFinalizer(p) {
		p.Finalizers = append(p.Finalizers, FinalizerWebhook)
		return false, nil
	}
	if p.Status.WebhookID != "" {
		return true, nil
	}
	secret, _, _ := WebhookSecret(r.keyring, p)
	id, err := fc.CreateWebhook(ctx, repo, strings.TrimSuffix(r.externalURL, "/")+HookPath(p.Namespace, p.Name), string(secret), WebhookEvents(p))
	if err != nil {
		ctrlkit.SetCondition(p, devopsv1alpha1.ConditionWebhookRegistered, false, "WebhookFailed", err.Error())
		return true, fmt.Errorf("register the webhook at the forge: %w", err)
	}
	p.Status.WebhookID = id
	ctrlkit.SetCondition(p, devopsv1alpha1.ConditionWebhookRegistered, true, devopsv1alpha1.ReasonSucceeded, "registered at "+repo)
	return true, nil
}

// newSecret makes the pipeline a new webhook secret, sealed.
func (r *PipelineReconciler) newSecret(p *devopsv1alpha1.Pipeline) error {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return err
	}
	keyID, sealed, err := r.keyring.Seal([]byte(hex.EncodeToString(b[:])), secretContext(p))
	if err != nil {
		return err
	}
	if p.Annotations == nil {
		p.Annotations = map[string]string{}
	}
	p.Annotations[AnnotationWebhookSecret] = keyID + ":" + base64.StdEncoding.EncodeToString(sealed)
	// A new secret means any hook registered before no longer matches.
	p.Status.WebhookID = ""
	return nil
}

func hasFinalizer(p *devopsv1alpha1.Pipeline) bool {
	for _, f := range p.Finalizers {
		if f == FinalizerWebhook {
			return true
		}
	}
	return false
}

func removeFinalizer(p *devopsv1alpha1.Pipeline) {
	out := p.Finalizers[:0]
	for _, f := range p.Finalizers {
		if f != FinalizerWebhook {
			out = append(out, f)
		}
	}
	p.Finalizers = out
}
