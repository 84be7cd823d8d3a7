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

// gitlabClient speaks GitLab's REST API v4 (https://docs.gitlab.com/ee/api/rest/).
type gitlabClient struct {
	api *caller
}

func (c *gitlabClient) Kind() devopsv1alpha1.SourceCodeProviderType {
	return devopsv1alpha1.ProviderGitLab
}

// GitLab access levels (https://docs.gitlab.com/ee/api/members.html#roles).
const (
	gitlabReporter   = 20 // may read the code of a private project
	gitlabDeveloper  = 30 // may push to unprotected branches
	gitlabMaintainer = 40 // may manage webhooks
)

// project is a repository's id in GitLab's paths: its path with
// namespace, URL-encoded whole ("group%2Fname").
func project(repo string) (string, error) {
	repo = strings.Trim(repo, "/")
	if !strings.Contains(repo, "/") || strings.Contains(repo, "//") {
		return "", newError(ErrInvalid, "repository %q: want group/name", repo)
	}
	return url.PathEscape(repo), nil
}

// User: https://docs.gitlab.com/ee/api/users.html#for-non-administrator-users
func (c *gitlabClient) User(ctx context.Context) (Account, error) {
	var u struct {
		Username  string `json:"username"`
		Name      string `json:"name"`
		Email     string `json:"email"`
		AvatarURL string `json:"avatar_url"`
		WebURL    string `json:"web_url"`
	}
	if _, err := c.api.send(ctx, "get the token's user", http.MethodGet, c.api.apiURL("/user", nil), nil, &u); err != nil {
		return Account{}, err
	}
	return Account{Login: u.Username, Name: u.Name, Email: u.Email, AvatarURL: u.AvatarURL, URL: u.WebURL}, nil
}

type gitlabAccess struct {
	AccessLevel int `json:"access_level"`
}

type gitlabProject struct {
	PathWithNamespace string `json:"path_with_namespace"`
	HTTPURLToRepo     string `json:"http_url_to_repo"`
	SSHURLToRepo      string `json:"ssh_url_to_repo"`
	WebURL            string `json:"web_url"`
	DefaultBranch     string `json:"default_branch"`
	Visibility        string `json:"visibility"`
	Permissions       struct {
		ProjectAccess *gitlabAccess `json:"project_access"`
		GroupAccess   *gitlabAccess `json:"group_access"`
	} `json:"permissions"`
}

// Repositories: https://docs.gitlab.com/ee/api/projects.html#list-all-projects
// with membership=true (the projects the user is a member of, directly or
// through a group).
func (c *gitlabClient) Repositories(ctx context.Context) ([]Repository, error) {
	var out []Repository
	first := c.api.apiURL("/projects", url.Values{"membership": {"true"}, "per_page": {"100"}, "order_by": {"id"}, "sort": {"asc"}, "simple": {"false"}})
	err := listAll(ctx, c.api, "list repositories", first, func(page []gitlabProject) {
		for _, p := range page {
			level := 0
			for _, a := range []*gitlabAccess{p.Permissions.ProjectAccess, p.Permissions.GroupAccess} {
				if a != nil && a.AccessLevel > level {
					level = a.AccessLevel
				}
			}
			out = append(out, Repository{
				FullName: p.PathWithNamespace, CloneURL: p.HTTPURLToRepo, SSHURL: p.SSHURLToRepo, HTMLURL: p.WebURL,
				DefaultBranch: p.DefaultBranch, Private: p.Visibility == "private",
				Permissions: devopsv1alpha1.RepositoryPermissions{
					Pull:  level >= gitlabReporter || p.Visibility != "private",
					Push:  level >= gitlabDeveloper,
					Admin: level >= gitlabMaintainer,
				},
			})
		}
	})
	return out, err
}

// Branch: https://docs.gitlab.com/ee/api/branches.html#get-single-repository-branch
func (c *gitlabClient) Branch(ctx context.Context, repo, branch string) (string, error) {
	p, err := project(repo)
	if err != nil {
		return "", err
	}
	var b struct {
		Commit struct {
			ID string `json:"id"`
		} `json:"commit"`
	}
	w := onRepo("get branch "+branch+" of", repo)
	if _, err := c.api.send(ctx, w, http.MethodGet, c.api.apiURL("/projects/"+p+"/repository/branches/"+url.PathEscape(branch), nil), nil, &b); err != nil {
		return "", err
	}
	if b.Commit.ID == "" {
		return "", newError(ErrUnreachable, "%s: the answer names no commit", w)
	}
	return b.Commit.ID, nil
}

type gitlabFile struct {
	Encoding     string `json:"encoding"`
	Content      string `json:"content"`
	BlobID       string `json:"blob_id"`
	LastCommitID string `json:"last_commit_id"`
}

func (c *gitlabClient) file(ctx context.Context, repo, ref, path string) (*gitlabFile, error) {
	p, err := project(repo)
	if err != nil {
		return nil, err
	}
	var f gitlabFile
	u := c.api.apiURL("/projects/"+p+"/repository/files/"+url.PathEscape(strings.Trim(path, "/")), url.Values{"ref": {ref}})
	if _, err := c.api.send(ctx, onRepo("read "+path+" at "+ref+" of", repo), http.MethodGet, u, nil, &f); err != nil {
		return nil, err
	}
	return &f, nil
}

// ReadFile: https://docs.gitlab.com/ee/api/repository_files.html#get-file-from-repository
// GitLab needs a ref; an empty one is HEAD.
func (c *gitlabClient) ReadFile(ctx context.Context, repo, ref, path string) ([]byte, string, error) {
	if ref == "" {
		ref = "HEAD"
	}
	f, err := c.file(ctx, repo, ref, path)
	if err != nil {
		return nil, "", err
	}
	enc := f.Encoding
	return decodeContent(onRepo("read "+path+" at "+ref+" of", repo), "file", &enc, &f.Content, f.BlobID)
}

// SaveFile commits through the commits API
// (https://docs.gitlab.com/ee/api/commits.html#create-a-commit-with-multiple-files-and-actions),
// which answers with the new commit, unlike the files API. GitLab checks a
// file's version by its last commit, not its blob: the file is read on
// the branch first, its blob compared with blobSHA, and its last commit
// passed as last_commit_id, so that a change between the read and the
// commit is refused by GitLab itself.
func (c *gitlabClient) SaveFile(ctx context.Context, repo, branch, path string, content []byte, message, blobSHA string) (string, error) {
	p, err := project(repo)
	if err != nil {
		return "", err
	}
	w := onRepo("save "+path+" on "+branch+" of", repo)
	action := map[string]string{
		"action":    "create",
		"file_path": strings.Trim(path, "/"),
		"content":   base64.StdEncoding.EncodeToString(content),
		"encoding":  "base64",
	}
	cur, err := c.file(ctx, repo, branch, path)
	switch {
	case errors.Is(err, ErrNotFound):
		if blobSHA != "" {
			return "", newError(ErrConflict, "%s: the file was deleted since it was read", w)
		}
	case err != nil:
		return "", err
	case blobSHA == "":
		return "", newError(ErrConflict, "%s: the file exists already (read it first)", w)
	case cur.BlobID != blobSHA:
		return "", newError(ErrConflict, "%s: the file changed since it was read (blob %s, not %s)", w, cur.BlobID, blobSHA)
	default:
		action["action"] = "update"
		action["last_commit_id"] = cur.LastCommitID
	}
	req := map[string]any{"branch": branch, "commit_message": message, "actions": []map[string]string{action}}
	var commit struct {
		ID string `json:"id"`
	}
	_, err = c.api.send(ctx, w, http.MethodPost, c.api.apiURL("/projects/"+p+"/repository/commits", nil), req, &commit)
	var fe *Error
	if errors.As(err, &fe) && fe.Status == http.StatusBadRequest && gitlabConflict(fe.Message) {
		fe.Err = ErrConflict
	}
	if err != nil {
		return "", err
	}
	return commit.ID, nil
}

// gitlabConflict says whether GitLab's 400 on a commit is about the
// file's version (created or changed meanwhile).
func gitlabConflict(msg string) bool {
	m := strings.ToLower(msg)
	return strings.Contains(m, "has changed since") || strings.Contains(m, "already exists") || strings.Contains(m, "doesn't exist")
}

// CreateWebhook: https://docs.gitlab.com/ee/api/projects.html#add-project-hook
// GitLab sends the secret back as X-Gitlab-Token rather than signing.
func (c *gitlabClient) CreateWebhook(ctx context.Context, repo, hookURL, secret string, events []string) (string, error) {
	p, err := project(repo)
	if err != nil {
		return "", err
	}
	push, tag, pr, err := hookEvents(events)
	if err != nil {
		return "", err
	}
	req := map[string]any{
		"url":                     hookURL,
		"token":                   secret,
		"push_events":             push,
		"tag_push_events":         tag,
		"merge_requests_events":   pr,
		"enable_ssl_verification": true,
	}
	var hook struct {
		ID int64 `json:"id"`
	}
	if _, err := c.api.send(ctx, onRepo("create a webhook on", repo), http.MethodPost, c.api.apiURL("/projects/"+p+"/hooks", nil), req, &hook); err != nil {
		return "", err
	}
	return strconv.FormatInt(hook.ID, 10), nil
}

// DeleteWebhook: https://docs.gitlab.com/ee/api/projects.html#delete-project-hook
func (c *gitlabClient) DeleteWebhook(ctx context.Context, repo, id string) error {
	p, err := project(repo)
	if err != nil {
		return err
	}
	_, err = c.api.send(ctx, onRepo("delete webhook "+id+" of", repo), http.MethodDelete, c.api.apiURL("/projects/"+p+"/hooks/"+url.PathEscape(id), nil), nil, nil)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}
