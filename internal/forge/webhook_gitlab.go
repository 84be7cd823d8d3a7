package forge

import (
	"net/http"
	"strconv"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
)

// GitLab's payloads, as documented at
// https://docs.gitlab.com/ee/user/project/integrations/webhook_events.html
// (push, tag and merge request events).

type labProject struct {
	PathWithNamespace string `json:"path_with_namespace"`
	GitHTTPURL        string `json:"git_http_url"`
	GitSSHURL         string `json:"git_ssh_url"`
	WebURL            string `json:"web_url"`
}

func (p labProject) event() EventRepository {
	return EventRepository{FullName: p.PathWithNamespace, CloneURL: p.GitHTTPURL, SSHURL: p.GitSSHURL, HTMLURL: p.WebURL}
}

type labCommit struct {
	ID      string `json:"id"`
	Message string `json:"message"`
	Author  struct {
		Name  string `json:"name"`
		Email string `json:"email"`
	} `json:"author"`
}

type labPush struct {
	ObjectKind   string      `json:"object_kind"`
	Ref          string      `json:"ref"`
	After        string      `json:"after"`
	CheckoutSHA  *string     `json:"checkout_sha"`
	Message      *string     `json:"message"` // a tag's annotation
	UserUsername string      `json:"user_username"`
	UserName     string      `json:"user_name"`
	Project      labProject  `json:"project"`
	Commits      []labCommit `json:"commits"`
}

type labMergeRequest struct {
	User struct {
		Username string `json:"username"`
		Name     string `json:"name"`
	} `json:"user"`
	Project          labProject `json:"project"`
	ObjectAttributes struct {
		IID          int64       `json:"iid"`
		Title        string      `json:"title"`
		URL          string      `json:"url"`
		Action       string      `json:"action"`
		OldRev       string      `json:"oldrev"`
		SourceBranch string      `json:"source_branch"`
		TargetBranch string      `json:"target_branch"`
		Source       *labProject `json:"source"`
		LastCommit   labCommit   `json:"last_commit"`
	} `json:"object_attributes"`
}

// parseGitLab reads a GitLab delivery whose token was checked. The body's
// object_kind says what it is (the X-Gitlab-Event header differs for
// system hooks); there is no ping (GitLab's "Test" sends a sample push).
func parseGitLab(h http.Header, body []byte) (*Event, error) {
	delivery := firstNonEmpty(h.Get("Idempotency-Key"), h.Get("X-Gitlab-Event-UUID"))
	var kind struct {
		ObjectKind string `json:"object_kind"`
	}
	if err := decodeBody("gitlab", body, &kind); err != nil {
		return nil, err
	}
	switch kind.ObjectKind {
	case "push", "tag_push":
		var p labPush
		if err := decodeBody("gitlab", body, &p); err != nil {
			return nil, err
		}
		return p.event(delivery)
	case "merge_request":
		var p labMergeRequest
		if err := decodeBody("gitlab", body, &p); err != nil {
			return nil, err
		}
		return p.event(delivery)
	case "":
		return nil, newError(ErrInvalid, "gitlab webhook: the body has no object_kind")
	default:
		return nil, newError(ErrIgnored, "gitlab webhook: event %q builds nothing", kind.ObjectKind)
	}
}

func (p *labPush) event(delivery string) (*Event, error) {
	e := &Event{DeliveryID: delivery, Repository: p.Project.event()}
	if err := e.fromRef("gitlab", p.Ref); err != nil {
		return nil, err
	}
	if zeroCommit(p.After) || p.CheckoutSHA == nil || *p.CheckoutSHA == "" {
		e.Deleted = true
		return e, nil
	}
	// checkout_sha is the commit; after is the tag object of an
	// annotated tag.
	e.Commit = *p.CheckoutSHA
	e.Author = firstNonEmpty(p.UserUsername, p.UserName)
	for _, c := range p.Commits {
		if c.ID == e.Commit {
			e.Message = message(c.Message)
		}
	}
	if e.Message == "" && p.Message != nil {
		e.Message = message(*p.Message)
	}
	return e, nil
}

func (p *labMergeRequest) event(delivery string) (*Event, error) {
	a := &p.ObjectAttributes
	var action string
	switch {
	case a.Action == "open":
		action = ActionOpened
	case a.Action == "reopen":
		action = ActionReopened
	case a.Action == "update" && a.OldRev != "":
		// An update with oldrev is new commits; without, only its
		// description, labels or assignees changed.
		action = ActionSynchronize
	default:
		return nil, newError(ErrIgnored, "gitlab webhook: merge request action %q builds nothing", a.Action)
	}
	head := p.Project.event()
	if a.Source != nil {
		head = a.Source.event()
	}
	return &Event{
		Kind:       devopsv1alpha1.EventPullRequest,
		DeliveryID: delivery,
		Repository: p.Project.event(),
		Ref:        "refs/merge-requests/" + strconv.FormatInt(a.IID, 10) + "/head",
		Branch:     a.TargetBranch,
		Commit:     a.LastCommit.ID,
		Author:     firstNonEmpty(p.User.Username, p.User.Name),
		Message:    a.Title,
		PullRequest: &PullRequest{
			Number: a.IID, Action: action, Title: a.Title, URL: a.URL,
			HeadBranch: a.SourceBranch, HeadCommit: a.LastCommit.ID, HeadRepository: head,
			BaseBranch: a.TargetBranch,
		},
	}, nil
}
