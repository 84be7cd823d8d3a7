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

// githubClient speaks GitHub's REST API v3 (https://docs.github.com/en/rest),
// at api.github.com or a GitHub Enterprise server's /api/v3.
type githubClient struct {
	api *caller
}

func (c *githubClient) Kind() devopsv1alpha1.SourceCodeProviderType {
	return devopsv1alpha1.ProviderGitHub
}

// User: https://docs.github.com/en/rest/users/users#get-the-authenticated-user
func (c *githubClient) User(ctx context.Context) (Account, error) {
	var u struct {
		Login     string `json:"login"`
		Name      string `json:"name"`
		Email     string `json:"email"`
		AvatarURL string `json:"avatar_url"`
		HTMLURL   string `json:"html_url"`
	}
	if _, err := c.api.send(ctx, "get the token's user", http.MethodGet, c.api.apiURL("/user", nil), nil, &u); err != nil {
		return Account{}, err
	}
	return Account{Login: u.Login, Name: u.Name, Email: u.Email, AvatarURL: u.AvatarURL, URL: u.HTMLURL}, nil
}

type githubRepo struct {
	FullName      string `json:"full_name"`
	CloneURL      string `json:"clone_url"`
	SSHURL        string `json:"ssh_url"`
	HTMLURL       string `json:"html_url"`
	DefaultBranch string `json:"default_branch"`
	Private       bool   `json:"private"`
	Language      string `json:"language"`
	Permissions   *struct {
		Admin    bool `json:"admin"`
		Maintain bool `json:"maintain"`
		Push     bool `json:"push"`
		Pull     bool `json:"pull"`
	} `json:"permissions"`
}

// Repositories: https://docs.github.com/en/rest/repos/repos#list-repositories-for-the-authenticated-user
// (the default affiliation: owner, collaborator, organization_member).
func (c *githubClient) Repositories(ctx context.Context) ([]Repository, error) {
	var out []Repository
	first := c.api.apiURL("/user/repos", url.Values{"per_page": {"100"}, "sort": {"full_name"}})
	err := listAll(ctx, c.api, "list repositories", first, func(page []githubRepo) {
		for _, r := range page {
			repo := Repository{
				FullName: r.FullName, CloneURL: r.CloneURL, SSHURL: r.SSHURL, HTMLURL: r.HTMLURL,
				DefaultBranch: r.DefaultBranch, Private: r.Private, Language: r.Language,
			}
			if p := r.Permissions; p != nil {
				// Webhooks need admin; maintainers may not manage them.
				repo.Permissions = devopsv1alpha1.RepositoryPermissions{Pull: p.Pull, Push: p.Push, Admin: p.Admin}
			}
			out = append(out, repo)
		}
	})
	return out, err
}

// Branch: https://docs.github.com/en/rest/branches/branches#get-a-branch
func (c *githubClient) Branch(ctx context.Context, repo, branch string) (string, error) {
	p, err := splitRepo(repo)
	if err != nil {
		return "", err
	}
	var b struct {
		Commit struct {
			SHA string `json:"sha"`
		} `json:"commit"`
	}
	w := onRepo("get branch "+branch+" of", repo)
	if _, err := c.api.send(ctx, w, http.MethodGet, c.api.apiURL("/repos/"+p+"/branches/"+url.PathEscape(branch), nil), nil, &b); err != nil {
		return "", err
	}
	if b.Commit.SHA == "" {
		return "", newError(ErrUnreachable, "%s: the answer names no commit", w)
	}
	return b.Commit.SHA, nil
}

// ReadFile: https://docs.github.com/en/rest/repos/contents#get-repository-content
// Files over 1 MB come without content; their blob is read instead
// (https://docs.github.com/en/rest/git/blobs#get-a-blob).
func (c *githubClient) ReadFile(ctx context.Context, repo, ref, path string) ([]byte, string, error) {
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
	if f.Type == "file" && f.Encoding != nil && *f.Encoding == "none" && f.SHA != "" {
		if _, err := c.api.send(ctx, w, http.MethodGet, c.api.apiURL("/repos/"+p+"/git/blobs/"+url.PathEscape(f.SHA), nil), nil, &f); err != nil {
			return nil, "", err
		}
		f.Type = "file"
	}
	return decodeContent(w, f.Type, f.Encoding, f.Content, f.SHA)
}

// SaveFile: https://docs.github.com/en/rest/repos/contents#create-or-update-file-contents
// A stale sha is 409; a missing sha for an existing file is 422 ("sha"
// wasn't supplied), which is the same conflict for the caller.
func (c *githubClient) SaveFile(ctx context.Context, repo, branch, path string, content []byte, message, blobSHA string) (string, error) {
	p, err := splitRepo(repo)
	if err != nil {
		return "", err
	}
	req := map[string]string{
		"message": message,
		"content": base64.StdEncoding.EncodeToString(content),
		"branch":  branch,
	}
	if blobSHA != "" {
		req["sha"] = blobSHA
	}
	var resp struct {
		Commit struct {
			SHA string `json:"sha"`
		} `json:"commit"`
	}
	_, err = c.api.send(ctx, onRepo("save "+path+" on "+branch+" of", repo), http.MethodPut, c.api.apiURL("/repos/"+p+"/contents/"+escapePath(path), nil), req, &resp)
	var fe *Error
	if errors.As(err, &fe) && fe.Status == http.StatusUnprocessableEntity && blobSHA == "" && strings.Contains(fe.Message, `"sha"`) {
		fe.Err = ErrConflict
	}
	if err != nil {
		return "", err
	}
	return resp.Commit.SHA, nil
}

// CreateWebhook: https://docs.github.com/en/rest/repos/webhooks#create-a-repository-webhook
// Tag pushes are push events on GitHub.
func (c *githubClient) CreateWebhook(ctx context.Context, repo, hookURL, secret string, events []string) (string, error) {
	p, err := splitRepo(repo)
	if err != nil {
		return "", err
	}
	push, tag, pr, err := hookEvents(events)
	if err != nil {
		return "", err
	}
	var names []string
	if push || tag {
		names = append(names, "push")
	}
	if pr {
		names = append(names, "pull_request")
	}
	req := map[string]any{
		"name":   "web",
		"active": true,
		"events": names,
		"config": map[string]string{"url": hookURL, "content_type": "json", "secret": secret, "insecure_ssl": "0"},
	}
	var hook struct {
		ID int64 `json:"id"`
	}
	if _, err := c.api.send(ctx, onRepo("create a webhook on", repo), http.MethodPost, c.api.apiURL("/repos/"+p+"/hooks", nil), req, &hook); err != nil {
		return "", err
	}
	return strconv.FormatInt(hook.ID, 10), nil
}

// DeleteWebhook: https://docs.github.com/en/rest/repos/webhooks#delete-a-repository-webhook
func (c *githubClient) DeleteWebhook(ctx context.Context, repo, id string) error {
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
