package forge

import (
	"net/http"
	"strconv"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
)

// The GitHub-shaped payloads, which Gitea sends too (with a few fields of
// its own), as documented at
// https://docs.github.com/en/webhooks/webhook-events-and-payloads.

type hubRepo struct {
	FullName string `json:"full_name"`
	CloneURL string `json:"clone_url"`
	SSHURL   string `json:"ssh_url"`
	HTMLURL  string `json:"html_url"`
}

func (r hubRepo) event() EventRepository {
	return EventRepository(r)
}

type hubUser struct {
	Login    string `json:"login"`
	Username string `json:"username"` // Gitea
	Name     string `json:"name"`
}

type hubCommit struct {
	ID      string `json:"id"`
	Message string `json:"message"`
	Author  struct {
		Name     string `json:"name"`
		Email    string `json:"email"`
		Username string `json:"username"`
	} `json:"author"`
}

type hubPush struct {
	Ref        string     `json:"ref"`
	Before     string     `json:"before"`
	After      string     `json:"after"`
	Deleted    bool       `json:"deleted"`
	HeadCommit *hubCommit `json:"head_commit"`
	Repository hubRepo    `json:"repository"`
	Pusher     hubUser    `json:"pusher"`
	Sender     hubUser    `json:"sender"`
}

// event is a push delivery's Event.
func (p *hubPush) event(forge, delivery string) (*Event, error) {
	e := &Event{DeliveryID: delivery, Repository: p.Repository.event()}
	if err := e.fromRef(forge, p.Ref); err != nil {
		return nil, err
	}
	if p.Deleted || zeroCommit(p.After) {
		e.Deleted = true
		return e, nil
	}
	// head_commit is the commit a tag points at, where after may be the
	// tag object of an annotated tag.
	e.Commit = p.After
	if c := p.HeadCommit; c != nil {
		e.Commit = firstNonEmpty(c.ID, p.After)
		e.Message = message(c.Message)
		e.Author = firstNonEmpty(c.Author.Username, c.Author.Name)
	}
	if e.Author == "" {
		e.Author = firstNonEmpty(p.Sender.Login, p.Pusher.Login, p.Pusher.Username, p.Pusher.Name)
	}
	return e, nil
}

type hubPullRequest struct {
	Action      string `json:"action"`
	Number      int64  `json:"number"`
	PullRequest struct {
		Number  int64   `json:"number"`
		Title   string  `json:"title"`
		HTMLURL string  `json:"html_url"`
		User    hubUser `json:"user"`
		Head    struct {
			Ref  string   `json:"ref"`
			SHA  string   `json:"sha"`
			Repo *hubRepo `json:"repo"`
		} `json:"head"`
		Base struct {
			Ref string `json:"ref"`
		} `json:"base"`
	} `json:"pull_request"`
	Repository hubRepo `json:"repository"`
	Sender     hubUser `json:"sender"`
}

// event is a pull request delivery's Event; action is the action in
// GitHub's words.
func (p *hubPullRequest) event(forge, delivery, action string) (*Event, error) {
	switch action {
	case ActionOpened, ActionSynchronize, ActionReopened:
	default:
		return nil, newError(ErrIgnored, "%s webhook: pull request action %q builds nothing", forge, action)
	}
	pr := &p.PullRequest
	num := p.Number
	if num == 0 {
		num = pr.Number
	}
	head := p.Repository.event()
	if pr.Head.Repo != nil {
		head = pr.Head.Repo.event()
	}
	return &Event{
		Kind:       devopsv1alpha1.EventPullRequest,
		DeliveryID: delivery,
		Repository: p.Repository.event(),
		Ref:        "refs/pull/" + strconv.FormatInt(num, 10) + "/head",
		Branch:     pr.Base.Ref,
		Commit:     pr.Head.SHA,
		Author:     firstNonEmpty(pr.User.Login, pr.User.Username, p.Sender.Login),
		Message:    pr.Title,
		PullRequest: &PullRequest{
			Number: num, Action: action, Title: pr.Title, URL: pr.HTMLURL,
			HeadBranch: pr.Head.Ref, HeadCommit: pr.Head.SHA, HeadRepository: head,
			BaseBranch: pr.Base.Ref,
		},
	}, nil
}

// parseGitHub reads a GitHub delivery whose signature was checked.
// Events: https://docs.github.com/en/webhooks/webhook-events-and-payloads
// (push, pull_request, ping); headers:
// https://docs.github.com/en/webhooks/webhook-events-and-payloads#delivery-headers
func parseGitHub(h http.Header, body []byte) (*Event, error) {
	delivery := h.Get("X-GitHub-Delivery")
	switch ev := h.Get("X-GitHub-Event"); ev {
	case "ping":
		var p struct {
			Repository *hubRepo `json:"repository"`
		}
		if err := decodeBody("github", body, &p); err != nil {
			return nil, err
		}
		e := &Event{Ping: true, DeliveryID: delivery}
		if p.Repository != nil {
			e.Repository = p.Repository.event()
		}
		return e, nil
	case "push":
		var p hubPush
		if err := decodeBody("github", body, &p); err != nil {
			return nil, err
		}
		return p.event("github", delivery)
	case "pull_request":
		var p hubPullRequest
		if err := decodeBody("github", body, &p); err != nil {
			return nil, err
		}
		return p.event("github", delivery, p.Action)
	case "":
		return nil, newError(ErrInvalid, "github webhook: no X-GitHub-Event header")
	default:
		return nil, newError(ErrIgnored, "github webhook: event %q builds nothing", ev)
	}
}
