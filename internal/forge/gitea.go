package forge

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
)

// giteaClient speaks Gitea's API v1 (https://gitea.com/api/swagger), which
// Forgejo serves too.
type giteaClient struct {
	api *caller
}

func (c *giteaClient) Kind() devopsv1alpha1.SourceCodeProviderType {
	return devopsv1alpha1.ProviderGitea
}

type giteaUser struct {
	Login     string `json:"login"`
	FullName  string `json:"full_name"`
	Email     string `json:"email"`
	AvatarURL string `json:"avatar_url"`
	HTMLURL   string `json:"html_url"`
}

func (c *giteaClient) User(ctx context.Context) (Account, error) {
	var u giteaUser
	if _, err := c.api.send(ctx, "get the token's user", http.MethodGet, c.api.apiURL("/user", nil), nil, &u); err != nil {
		return Account{}, err
	}
	return Account{Login: u.Login, Name: u.FullName, Email: u.Email, AvatarURL: u.AvatarURL, URL: u.HTMLURL}, nil
}

type giteaRepo struct {
	FullName      string `json:"full_name"`
	CloneURL      string `json:"clone_url"`
	SSHURL        string `json:"ssh_url"`
	HTMLURL       string `json:"html_url"`
	DefaultBranch string `json:"default_branch"`
	Empty         bool   `json:"empty"`
	Private       bool   `json:"private"`
	Language      string `json:"language"`
	Permissions   *struct {
		Admin bool `json:"admin"`
		Push  bool `json:"push"`
		Pull  bool `json:"pull"`
	} `json:"permissions"`
}

func (c *giteaClient) Repositories(ctx context.Context) ([]Repository, error) {
	var out []Repository
	// /user/repos is every repository the user owns, or reaches through
	// an organization's team or as a collaborator. Gitea records no
	// access for a read-only collaborator of a public repository (anyone
	// may read it), so such a repository is not listed; with write access
	// it is.
	first := c.api.apiURL("/user/repos", url.Values{"limit": {"50"}, "page": {"1"}})
	err := listAll(ctx, c.api, "list repositories", first, func(page []giteaRepo) {
		for _, r := range page {
			repo := Repository{
				FullName: r.FullName, CloneURL: r.CloneURL, SSHURL: r.SSHURL, HTMLURL: r.HTMLURL,
				DefaultBranch: r.DefaultBranch, Private: r.Private, Language: r.Language,
			}
			if r.Empty {
				repo.DefaultBranch = ""
			}
			if p := r.Permissions; p != nil {
				repo.Permissions = devopsv1alpha1.RepositoryPermissions{Pull: p.Pull, Push: p.Push, Admin: p.Admin}
			}
			out = append(out, repo)
		}
	})
	return out, err
}

func (c *giteaClient) Branch(ctx context.Context, repo, branch string) (string, error) {
	p, err := splitRepo(repo)
	if err != nil {
		return "", err
	}
	var b struct {
		Commit struct {
			ID string `json:"id"`
		} `json:"commit"`
	}
	w := onRepo("get branch "+branch+" of", repo)
	if _, err := c.api.send(ctx, w, http.MethodGet, c.api.apiURL("/repos/"+p+"/branches/"+url.PathEscape(branch), nil), nil, &b); err != nil {
		return "", err
	}
	if b.Commit.ID == "" {
		return "", newError(ErrUnreachable, "%s: the answer names no commit", w)
	}
	return b.Commit.ID, nil
}

// giteaContent is a file as the contents API returns it (the same shape
// as GitHub's).
type giteaContent struct {
	Type     string  `json:"type"`
	Encoding *string `json:"encoding"`
	Content  *string `json:"content"`
	SHA      string  `json:"sha"`
}

func (c *giteaClient) ReadFile(ctx context.Context, repo, ref, path string) ([]byte, string, error) {
	p, err := splitRepo(repo)
	if err != nil {
		return nil, "", err
	}
	w := onRepo("read "+path+" at "+ref+" of", repo)
	var q url.Values
	if ref != "" {
		q = url.Values{"ref": {ref}}
	}
	var f giteaContent
	if _, err := c.api.send(ctx, w, http.MethodGet, c.api.apiURL("/repos/"+p+"/contents/"+escapePath(path), q), nil, &f); err != nil {
		return nil, "", err
	}
	return decodeContent(w, f.Type, f.Encoding, f.Content, f.SHA)
}

// decodeContent is the file of a GitHub- or Gitea-shaped contents answer.
func decodeContent(w, typ string, encoding, content *string, sha string) ([]byte, string, error) {
	if typ != "file" {
		return nil, "", newError(ErrNotFound, "%s: not a file (%s)", w, typ)
	}
	if encoding == nil || *encoding != "base64" || content == nil {
		return nil, "", newError(ErrUnreachable, "%s: the answer has no base64 content (the file may be too large for the contents API)", w)
	}
	data, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(*content, "\n", ""))
	if err != nil {
		return nil, "", newError(ErrUnreachable, "%s: content is not base64: %v", w, err)
	}
	return data, sha, nil
}

func (c *giteaClient) SaveFile(ctx context.Context, repo, branch, path string, content []byte, message, blobSHA string) (string, error) {
	p, err := splitRepo(repo)
	if err != nil {
		return "", err
	}
	w := onRepo("save "+path+" on "+branch+" of", repo)
	req := map[string]string{
		"branch":  branch,
		"content": base64.StdEncoding.EncodeToString(content),
		"message": message,
	}
	// POST creates and refuses an existing file; PUT updates the version
	// named by sha and refuses any other. Both answer 422 for the
	// refusal, with the same status as a bad path: the message tells.
	method := http.MethodPost
	if blobSHA != "" {
		method = http.MethodPut
		req["sha"] = blobSHA
	}
	var resp struct {
		Commit struct {
			SHA string `json:"sha"`
		} `json:"commit"`
	}
	_, err = c.api.send(ctx, w, method, c.api.apiURL("/repos/"+p+"/contents/"+escapePath(path), nil), req, &resp)
	var fe *Error
	if errors.As(err, &fe) && fe.Status == http.StatusUnprocessableEntity && conflictMessage(fe.Message) {
		fe.Err = ErrConflict
	}
	if err != nil {
		return "", err
	}
	return resp.Commit.SHA, nil
}

// conflictMessage says whether Gitea's 422 is about the file's version
// (it exists, or its sha moved) rather than the request's content.
func conflictMessage(msg string) bool {
	m := strings.ToLower(msg)
	return strings.Contains(m, "already exists") || strings.Contains(m, "sha does not match") ||
		strings.Contains(m, "sha or commit id") || strings.Contains(m, "does not match")
}

func (c *giteaClient) CreateWebhook(ctx context.Context, repo, hookURL, secret string, events []string) (string, error) {
	p, err := splitRepo(repo)
	if err != nil {
		return "", err
	}
	push, tag, pr, err := hookEvents(events)
	if err != nil {
		return "", err
	}
	// Gitea sends branch and tag pushes as push events; pull_request_only
	// is opened, reopened, closed and edited, pull_request_sync a push to
	// the pull request's branch.
	var names []string
	if push || tag {
		names = append(names, "push")
	}
	if pr {
		names = append(names, "pull_request_only", "pull_request_sync")
	}
	req := map[string]any{
		"type":   "gitea",
		"active": true,
		"events": names,
		"config": map[string]string{"url": hookURL, "content_type": "json", "secret": secret},
	}
	var hook struct {
		ID int64 `json:"id"`
	}
	if _, err := c.api.send(ctx, onRepo("create a webhook on", repo), http.MethodPost, c.api.apiURL("/repos/"+p+"/hooks", nil), req, &hook); err != nil {
		return "", err
	}
	return strconv.FormatInt(hook.ID, 10), nil
}

func (c *giteaClient) DeleteWebhook(ctx context.Context, repo, id string) error {
	p, err := splitRepo(repo)
	if err != nil {
		return err
	}
	_, err = c.api.send(ctx, onRepo("delete webhook "+id+" of", repo), http.MethodDelete, c.api.apiURL("/repos/"+p+"/hooks/"+url.PathEscape(id), nil), nil, nil)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}
