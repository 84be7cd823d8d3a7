package forge

import (
	"net/http"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
)

// parseGitea reads a Gitea delivery whose signature was checked. Gitea's
// payloads are GitHub's shape (modules/structs/hook.go in Gitea); its
// differences: pull request synchronization is the action "synchronized"
// (X-Gitea-Event-Type pull_request_sync), a deleted branch or tag comes
// as a delete event naming it, and there is no ping (a test delivery is
// a push of the last commit).
func parseGitea(h http.Header, body []byte) (*Event, error) {
	delivery := h.Get("X-Gitea-Delivery")
	switch ev := h.Get("X-Gitea-Event"); ev {
	case "push":
		var p hubPush
		if err := decodeBody("gitea", body, &p); err != nil {
			return nil, err
		}
		return p.event("gitea", delivery)
	case "pull_request":
		var p hubPullRequest
		if err := decodeBody("gitea", body, &p); err != nil {
			return nil, err
		}
		action := p.Action
		if action == "synchronized" {
			action = ActionSynchronize
		}
		return p.event("gitea", delivery, action)
	case "delete":
		var p struct {
			Ref        string  `json:"ref"`
			RefType    string  `json:"ref_type"`
			Repository hubRepo `json:"repository"`
		}
		if err := decodeBody("gitea", body, &p); err != nil {
			return nil, err
		}
		e := &Event{DeliveryID: delivery, Deleted: true, Repository: p.Repository.event()}
		switch p.RefType {
		case "branch":
			e.Kind, e.Branch, e.Ref = devopsv1alpha1.EventPush, p.Ref, "refs/heads/"+p.Ref
		case "tag":
			e.Kind, e.Tag, e.Ref = devopsv1alpha1.EventTag, p.Ref, "refs/tags/"+p.Ref
		default:
			return nil, newError(ErrIgnored, "gitea webhook: deletion of a %q", p.RefType)
		}
		return e, nil
	case "":
		return nil, newError(ErrInvalid, "gitea webhook: no X-Gitea-Event header")
	default:
		return nil, newError(ErrIgnored, "gitea webhook: event %q builds nothing", ev)
	}
}
