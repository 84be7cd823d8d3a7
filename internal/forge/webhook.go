package forge

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
)

// MaxWebhookBytes is the largest delivery a receiver needs to read:
// GitHub caps payloads at 25 MB and the others stay below. Read the body
// through http.MaxBytesReader with it before ParseWebhook.
const MaxWebhookBytes = 25 << 20

// Event is a webhook delivery in the terms of a PipelineExecution's spec:
// what to build (repository, ref, commit) and why (event, author,
// message).
//
// Deliveries worth nothing to pipelines say so: Ping (the forge testing
// the hook) and Deleted (a branch or tag was deleted) are events to
// acknowledge and not build; other events and pull request actions give
// ErrIgnored instead of an Event.
//
// Redeliveries: no forge marks one in its headers. GitHub keeps the
// X-GitHub-Delivery GUID of the event when it is redelivered, and GitLab
// keeps Idempotency-Key across retries, so DeliveryID dedupes them;
// Gitea's replay gets a new X-Gitea-Delivery, so dedupe Gitea deliveries
// by repository, ref and commit as well.
type Event struct {
	// Kind is devopsv1alpha1.EventPush, EventTag or EventPullRequest;
	// empty for a ping.
	Kind string
	// DeliveryID is the forge's id of the delivery: X-GitHub-Delivery,
	// X-Gitea-Delivery, GitLab's Idempotency-Key (else X-Gitlab-Event-UUID).
	DeliveryID string
	// Ping: the forge's test of a new hook (GitHub's ping event).
	Ping bool
	// Deleted: the branch or tag named was deleted; nothing to build.
	Deleted bool
	// Repository is the repository the event happened in.
	Repository EventRepository
	// Ref is the full git reference built: refs/heads/BRANCH,
	// refs/tags/TAG, or the pull request's head (refs/pull/N/head;
	// GitLab: refs/merge-requests/N/head).
	Ref string
	// Branch is the branch pushed to; for a pull request its base (the
	// branch it would merge into), which `when.branch` conditions match,
	// as in Rancher. Empty for a tag.
	Branch string
	// Tag is the tag pushed, on a tag event.
	Tag string
	// Commit is the full commit id to build (for a tag, the commit it
	// points at; for a pull request, its head).
	Commit string
	// Author is a forge login where the forge gives one: the commit's
	// author when GitHub or Gitea links it to an account (else the
	// author's name, else the pusher), the pusher on GitLab (whose push
	// events name commit authors only by name); for a pull request, who
	// opened it.
	Author string
	// Message is the commit's message, or the pull request's title.
	Message string
	// PullRequest is set on pull request events.
	PullRequest *PullRequest
}

// EventRepository names a repository in a delivery.
type EventRepository struct {
	// FullName is "owner/name" (GitLab: the path with namespace).
	FullName string
	// CloneURL is the HTTP(S) clone URL; SSHURL the SSH one.
	CloneURL string
	SSHURL   string
	// HTMLURL is the repository's page.
	HTMLURL string
}

// PullRequest is what a pull request (merge request) event adds.
type PullRequest struct {
	// Number is the pull request's number in its repository (GitLab: iid).
	Number int64
	// Action is opened, synchronize (new commits) or reopened.
	Action string
	// Title of the pull request.
	Title string
	// URL is the pull request's page.
	URL string
	// HeadBranch and HeadCommit are what is proposed; HeadRepository is
	// where they live, another repository for a fork.
	HeadBranch     string
	HeadCommit     string
	HeadRepository EventRepository
	// BaseBranch is the branch it would merge into.
	BaseBranch string
}

// The pull request actions that build; any other is ErrIgnored.
const (
	ActionOpened      = "opened"
	ActionSynchronize = "synchronize"
	ActionReopened    = "reopened"
)

// ParseWebhook checks that a delivery comes from the forge holding secret
// and reads it. The signature (GitHub: X-Hub-Signature-256, an
// HMAC-SHA256 of the raw body as "sha256=HEX"; Gitea: X-Gitea-Signature,
// the same HMAC as bare hex) or token (GitLab: X-Gitlab-Token, the secret
// itself) is checked in constant time before anything of the body is
// read; missing, wrong, or an empty secret is ErrSignature. A body that
// is not the forge's JSON is ErrInvalid; an event or action that builds
// nothing is ErrIgnored.
func ParseWebhook(kind devopsv1alpha1.SourceCodeProviderType, secret []byte, h http.Header, body []byte) (*Event, error) {
	if len(secret) == 0 {
		return nil, newError(ErrSignature, "webhook: no secret to check the delivery with")
	}
	switch kind {
	case devopsv1alpha1.ProviderGitHub:
		sig, prefixed := strings.CutPrefix(h.Get("X-Hub-Signature-256"), "sha256=")
		if !prefixed || !validHMAC(secret, body, sig) {
			return nil, newError(ErrSignature, "github webhook: X-Hub-Signature-256 is missing or does not match")
		}
		return parseGitHub(h, body)
	case devopsv1alpha1.ProviderGitea:
		if !validHMAC(secret, body, h.Get("X-Gitea-Signature")) {
			return nil, newError(ErrSignature, "gitea webhook: X-Gitea-Signature is missing or does not match")
		}
		return parseGitea(h, body)
	case devopsv1alpha1.ProviderGitLab:
		if !validToken(secret, h.Get("X-Gitlab-Token")) {
			return nil, newError(ErrSignature, "gitlab webhook: X-Gitlab-Token is missing or does not match")
		}
		return parseGitLab(h, body)
	}
	return nil, newError(ErrInvalid, "webhook: provider type %q sends no webhooks", kind)
}

// validHMAC compares a hex HMAC-SHA256 of body under secret with got, in
// constant time (hmac.Equal).
func validHMAC(secret, body []byte, got string) bool {
	sig, err := hex.DecodeString(got)
	if err != nil || len(sig) != sha256.Size {
		return false
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return hmac.Equal(sig, mac.Sum(nil))
}

// validToken compares GitLab's token with the secret in constant time.
// Both are hashed first, so that not even their lengths leak through
// timing (subtle.ConstantTimeCompare returns at once on a length
// mismatch).
func validToken(secret []byte, got string) bool {
	if got == "" {
		return false
	}
	a, b := sha256.Sum256(secret), sha256.Sum256([]byte(got))
	return subtle.ConstantTimeCompare(a[:], b[:]) == 1
}

// decodeBody reads a delivery's JSON into v.
func decodeBody(forge string, body []byte, v any) error {
	if err := json.Unmarshal(body, v); err != nil {
		return newError(ErrInvalid, "%s webhook: the body is not the forge's JSON: %v", forge, err)
	}
	return nil
}

// zeroCommit is the "before" or "after" of a push that created or deleted
// a ref.
func zeroCommit(id string) bool { return id != "" && strings.Trim(id, "0") == "" }

// fromRef fills Kind, Ref, Branch and Tag of a push to ref. A ref that is
// neither a branch nor a tag (refs/notes/..., refs/pull/...) builds
// nothing.
func (e *Event) fromRef(forge, ref string) error {
	e.Ref = ref
	switch {
	case strings.HasPrefix(ref, "refs/heads/"):
		e.Kind, e.Branch = devopsv1alpha1.EventPush, strings.TrimPrefix(ref, "refs/heads/")
	case strings.HasPrefix(ref, "refs/tags/"):
		e.Kind, e.Tag = devopsv1alpha1.EventTag, strings.TrimPrefix(ref, "refs/tags/")
	default:
		return newError(ErrIgnored, "%s webhook: a push to %q, neither a branch nor a tag", forge, ref)
	}
	return nil
}

// message is a commit message without the newline git ends it with.
func message(s string) string { return strings.TrimRight(s, "\n") }

// firstNonEmpty is the first of its arguments that is not empty.
func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
