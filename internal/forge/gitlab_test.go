package forge_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
	"github.com/wheelhouse-dev/wheelhouse/internal/forge"
)

const gitlabToken = "glpat-example-0123456789"

// fakeGitLab answers as a self-managed GitLab's REST API v4 does under
// a relative URL root (https://HOST/gitlab/api/v4), for one project in a
// subgroup, group/sub/app, addressed by its URL-encoded path. Each
// handler names the documentation page whose request and answer it
// follows.
type fakeGitLab struct {
	mu       sync.Mutex
	files    map[string][]byte // path on main → content
	lastMod  map[string]string // path → the last commit that changed it
	head     int
	hooks    map[int64]map[string]any
	nextHook int64
	projects int
	// commitFirst, when set, runs once before the next commit is
	// checked: another user's commit in between.
	commitFirst func()
}

const gitlabProject = "group%2Fsub%2Fapp"

func newFakeGitLab(t *testing.T) (*fakeGitLab, *httptest.Server) {
	f := &fakeGitLab{
		files:    map[string][]byte{".wheelhouse-pipeline.yml": []byte("stages: []\n")},
		lastMod:  map[string]string{".wheelhouse-pipeline.yml": fmt.Sprintf("%040x", 0xbeef)},
		hooks:    map[int64]map[string]any{},
		nextHook: 1,
		projects: 130,
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /gitlab/api/v4/user", f.user)
	mux.HandleFunc("GET /gitlab/api/v4/projects", f.listProjects)
	mux.HandleFunc("GET /gitlab/api/v4/projects/{id}/repository/branches/{branch}", f.branch)
	mux.HandleFunc("GET /gitlab/api/v4/projects/{id}/repository/files/{path}", f.getFile)
	mux.HandleFunc("POST /gitlab/api/v4/projects/{id}/repository/commits", f.commit)
	mux.HandleFunc("POST /gitlab/api/v4/projects/{id}/hooks", f.createHook)
	mux.HandleFunc("DELETE /gitlab/api/v4/projects/{id}/hooks/{hook}", f.deleteHook)
	mux.HandleFunc("POST /gitlab/oauth/token", f.token)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/gitlab/api/v4/") {
			// https://docs.gitlab.com/ee/api/rest/authentication.html
			// (OAuth and personal access tokens as Bearer).
			if r.Header.Get("Authorization") != "Bearer "+gitlabToken {
				writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "401 Unauthorized"})
				return
			}
			// https://docs.gitlab.com/ee/api/rest/#namespaced-paths:
			// a project's path is one URL-encoded segment.
			if strings.Contains(r.URL.EscapedPath(), "/projects/") && !strings.Contains(r.URL.EscapedPath(), "/projects/"+gitlabProject+"/") {
				writeJSON(w, http.StatusNotFound, map[string]string{"message": "404 Project Not Found"})
				return
			}
		}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakeGitLab) commitID() string { return fmt.Sprintf("%040x", 0xabc000+f.head) }

// https://docs.gitlab.com/ee/api/users.html#for-non-administrator-users
func (f *fakeGitLab) user(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"id": 1, "username": "john_smith", "name": "John Smith", "state": "active", "locked": false,
		"avatar_url": "http://localhost:3000/uploads/user/avatar/1/cd8.jpeg", "web_url": "http://localhost:3000/john_smith",
		"created_at": "2012-05-23T08:00:58Z", "bio": "", "public_email": "john@example.com", "email": "john@example.com",
	})
}

// https://docs.gitlab.com/ee/api/projects.html#list-all-projects, paged
// as https://docs.gitlab.com/ee/api/rest/#offset-based-pagination says
// (Link, X-Next-Page, per_page up to 100).
func (f *fakeGitLab) listProjects(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("membership") != "true" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "membership must be true in this test"})
		return
	}
	perPage, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
	if perPage <= 0 || perPage > 100 {
		perPage = 20
	}
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	if page < 1 {
		page = 1
	}
	var out []map[string]any
	for i := (page - 1) * perPage; i < page*perPage && i < f.projects; i++ {
		path := fmt.Sprintf("group/project-%03d", i)
		perms := map[string]any{"project_access": nil, "group_access": nil}
		visibility := "public"
		switch i {
		case 0:
			path = "group/sub/app"
			visibility = "private"
			perms = map[string]any{"project_access": map[string]int{"access_level": 30, "notification_level": 3}, "group_access": map[string]int{"access_level": 40, "notification_level": 3}}
		case 1:
			visibility = "private"
			perms = map[string]any{"project_access": map[string]int{"access_level": 10, "notification_level": 3}, "group_access": nil}
		case 2:
			perms = map[string]any{"project_access": map[string]int{"access_level": 30, "notification_level": 3}, "group_access": nil}
		}
		out = append(out, map[string]any{
			"id": 4 + i, "description": nil, "name": path[strings.LastIndex(path, "/")+1:], "path": path[strings.LastIndex(path, "/")+1:],
			"path_with_namespace": path, "default_branch": "main", "visibility": visibility,
			"ssh_url_to_repo": "git@example.com:" + path + ".git", "http_url_to_repo": "https://example.com/" + path + ".git",
			"web_url": "https://example.com/" + path, "created_at": "2013-09-30T13:46:02Z", "last_activity_at": "2013-09-30T13:46:02Z",
			"permissions": perms,
		})
	}
	if page*perPage < f.projects {
		next := *r.URL
		q := next.Query()
		q.Set("page", strconv.Itoa(page+1))
		next.RawQuery = q.Encode()
		w.Header().Set("X-Next-Page", strconv.Itoa(page+1))
		w.Header().Set("Link", fmt.Sprintf(`<http://%s%s>; rel="next", <http://%s/gitlab/api/v4/projects?page=1>; rel="first"`, r.Host, next.String(), r.Host))
	}
	w.Header().Set("X-Page", strconv.Itoa(page))
	w.Header().Set("X-Per-Page", strconv.Itoa(perPage))
	writeJSON(w, http.StatusOK, out)
}

// https://docs.gitlab.com/ee/api/branches.html#get-single-repository-branch
func (f *fakeGitLab) branch(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.PathValue("branch") != "main" {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "404 Branch Not Found"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"name": "main", "merged": false, "protected": true, "default": true,
		"commit": map[string]any{"id": f.commitID(), "short_id": f.commitID()[:8], "title": "Update", "message": "Update"},
	})
}

// https://docs.gitlab.com/ee/api/repository_files.html#get-file-from-repository
// (file_path is URL-encoded: slashes as %2F).
func (f *fakeGitLab) getFile(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	path := r.PathValue("path")
	content, ok := f.files[path]
	if !ok || r.URL.Query().Get("ref") == "" {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "404 File Not Found"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"file_name": path[strings.LastIndex(path, "/")+1:], "file_path": path, "size": len(content),
		"encoding": "base64", "content": base64.StdEncoding.EncodeToString(content),
		"content_sha256": "4c294617b60715c1d218e61164a3abd4808a4284cbc30e6728a01ad9aada4481",
		"ref":            r.URL.Query().Get("ref"), "blob_id": blobSHA(content), "commit_id": f.commitID(),
		"last_commit_id": f.lastMod[path], "execute_filemode": false,
	})
}

// https://docs.gitlab.com/ee/api/commits.html#create-a-commit-with-multiple-files-and-actions
func (f *fakeGitLab) commit(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var req struct {
		Branch        string `json:"branch"`
		CommitMessage string `json:"commit_message"`
		Actions       []struct {
			Action       string `json:"action"`
			FilePath     string `json:"file_path"`
			Content      string `json:"content"`
			Encoding     string `json:"encoding"`
			LastCommitID string `json:"last_commit_id"`
		} `json:"actions"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Branch != "main" || req.CommitMessage == "" || len(req.Actions) != 1 {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "branch, commit_message, actions are missing"})
		return
	}
	if f.commitFirst != nil {
		f.commitFirst()
		f.commitFirst = nil
	}
	a := req.Actions[0]
	_, exists := f.files[a.FilePath]
	switch {
	case a.Action == "create" && exists:
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": "A file with this name already exists"})
		return
	case a.Action == "update" && !exists:
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": "A file with this name doesn't exist"})
		return
	case a.Action == "update" && a.LastCommitID != "" && a.LastCommitID != f.lastMod[a.FilePath]:
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": "You are attempting to update a file that has changed since you started editing it."})
		return
	}
	content, err := base64.StdEncoding.DecodeString(a.Content)
	if err != nil || a.Encoding != "base64" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": "content is not base64"})
		return
	}
	f.head++
	f.files[a.FilePath] = content
	f.lastMod[a.FilePath] = f.commitID()
	writeJSON(w, http.StatusCreated, map[string]any{
		"id": f.commitID(), "short_id": f.commitID()[:8], "title": req.CommitMessage, "message": req.CommitMessage,
		"author_name": "John Smith", "author_email": "john@example.com", "parent_ids": []string{}, "status": nil,
	})
}

// https://docs.gitlab.com/ee/api/projects.html#add-project-hook
func (f *fakeGitLab) createHook(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var req map[string]any
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req["url"] == nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "url is missing"})
		return
	}
	id := f.nextHook
	f.nextHook++
	f.hooks[id] = req
	writeJSON(w, http.StatusCreated, map[string]any{
		"id": id, "url": req["url"], "project_id": 3, "push_events": req["push_events"],
		"tag_push_events": req["tag_push_events"], "merge_requests_events": req["merge_requests_events"],
		"enable_ssl_verification": req["enable_ssl_verification"], "created_at": "2012-10-12T17:04:47Z",
	})
}

// https://docs.gitlab.com/ee/api/projects.html#delete-project-hook
func (f *fakeGitLab) deleteHook(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id, _ := strconv.ParseInt(r.PathValue("hook"), 10, 64)
	if _, ok := f.hooks[id]; !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "404 Not found"})
		return
	}
	delete(f.hooks, id)
	w.WriteHeader(http.StatusNoContent)
}

// https://docs.gitlab.com/ee/api/oauth2.html#authorization-code-flow
// (step 5, and RFC 6749's error answer for a bad code).
func (f *fakeGitLab) token(w http.ResponseWriter, r *http.Request) {
	if r.PostFormValue("grant_type") != "authorization_code" || r.PostFormValue("code") != "gitlab-code" ||
		r.PostFormValue("client_secret") != "gitlab-secret" || r.PostFormValue("redirect_uri") != "https://wheelhouse.example.com/cb" {
		writeJSON(w, http.StatusBadRequest, map[string]string{
			"error":             "invalid_grant",
			"error_description": "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.",
		})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": gitlabToken, "token_type": "bearer", "expires_in": 7200,
		"refresh_token": "8257e65c97202ed1726cf9571600918f3bffb2544b26e00a61df9897668c33a1", "created_at": 1607635748,
	})
}

func TestGitLabClient(t *testing.T) {
	ctx := t.Context()
	fake, srv := newFakeGitLab(t)
	host := srv.URL + "/gitlab"
	c, err := forge.New(devopsv1alpha1.ProviderGitLab, host, nil, gitlabToken)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("user", func(t *testing.T) {
		u, err := c.User(ctx)
		want := forge.Account{Login: "john_smith", Name: "John Smith", Email: "john@example.com",
			AvatarURL: "http://localhost:3000/uploads/user/avatar/1/cd8.jpeg", URL: "http://localhost:3000/john_smith"}
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, u); diff != "" {
			t.Error(diff)
		}
		bad, _ := forge.New(devopsv1alpha1.ProviderGitLab, host, nil, "glpat-revoked")
		if _, err := bad.User(ctx); !errors.Is(err, forge.ErrUnauthorized) || strings.Contains(err.Error(), "glpat-revoked") {
			t.Errorf("revoked token: %v", err)
		}
	})

	t.Run("projects: every page, permissions from access levels", func(t *testing.T) {
		repos, err := c.Repositories(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(repos) != 130 {
			t.Fatalf("%d projects, want 130", len(repos))
		}
		want := forge.Repository{
			FullName: "group/sub/app", CloneURL: "https://example.com/group/sub/app.git", SSHURL: "git@example.com:group/sub/app.git",
			HTMLURL: "https://example.com/group/sub/app", DefaultBranch: "main", Private: true,
			// developer in the project, maintainer through the group: the higher counts.
			Permissions: devopsv1alpha1.RepositoryPermissions{Pull: true, Push: true, Admin: true},
		}
		if diff := cmp.Diff(want, repos[0]); diff != "" {
			t.Error(diff)
		}
		for i, perms := range []devopsv1alpha1.RepositoryPermissions{
			{},                       // a guest of a private project reads no code
			{Pull: true, Push: true}, // a developer
			{Pull: true},             // a public project, no membership of its own
		} {
			if got := repos[i+1].Permissions; got != perms {
				t.Errorf("%s: %+v, want %+v", repos[i+1].FullName, got, perms)
			}
		}
	})

	t.Run("branch: the project's path as one encoded segment", func(t *testing.T) {
		commit, err := c.Branch(ctx, "group/sub/app", "main")
		if err != nil || commit != fake.commitID() {
			t.Fatalf("%q, %v", commit, err)
		}
		if _, err := c.Branch(ctx, "group/sub/app", "nope"); !errors.Is(err, forge.ErrNotFound) {
			t.Fatalf("err %v", err)
		}
		if _, err := c.Branch(ctx, "other/app", "main"); !errors.Is(err, forge.ErrNotFound) {
			t.Fatalf("err %v", err)
		}
	})

	t.Run("read and save a file", func(t *testing.T) {
		const path = ".wheelhouse-pipeline.yml"
		content, sha, err := c.ReadFile(ctx, "group/sub/app", "main", path)
		if err != nil || string(content) != "stages: []\n" || sha != blobSHA(content) {
			t.Fatalf("%q %q %v", content, sha, err)
		}
		if _, _, err := c.ReadFile(ctx, "group/sub/app", "main", "ci/missing.yml"); !errors.Is(err, forge.ErrNotFound) {
			t.Fatalf("err %v", err)
		}
		commit, err := c.SaveFile(ctx, "group/sub/app", "main", path, []byte("stages:\n- name: test\n"), "Update the pipeline", sha)
		if err != nil || commit != fake.commitID() {
			t.Fatalf("%q, %v", commit, err)
		}
		if _, err := c.SaveFile(ctx, "group/sub/app", "main", path, []byte("x"), "stale", sha); !errors.Is(err, forge.ErrConflict) {
			t.Fatalf("stale blob: err %v, want ErrConflict", err)
		}
		if _, err := c.SaveFile(ctx, "group/sub/app", "main", path, []byte("x"), "create", ""); !errors.Is(err, forge.ErrConflict) {
			t.Fatalf("create over a file: err %v, want ErrConflict", err)
		}
		if _, err := c.SaveFile(ctx, "group/sub/app", "main", "ci/new.yml", []byte("a: 1\n"), "create", ""); err != nil {
			t.Fatal(err)
		}
		got, _, err := c.ReadFile(ctx, "group/sub/app", "main", "ci/new.yml")
		if err != nil || string(got) != "a: 1\n" {
			t.Fatalf("%q, %v", got, err)
		}
	})

	t.Run("a change between the read and the commit is GitLab's conflict", func(t *testing.T) {
		const path = ".wheelhouse-pipeline.yml"
		_, sha, err := c.ReadFile(ctx, "group/sub/app", "main", path)
		if err != nil {
			t.Fatal(err)
		}
		// Someone commits the file after SaveFile's own read: GitLab
		// refuses on last_commit_id.
		fake.mu.Lock()
		fake.commitFirst = func() { fake.lastMod[path] = strings.Repeat("9", 40) }
		fake.mu.Unlock()
		if _, err := c.SaveFile(ctx, "group/sub/app", "main", path, []byte("y"), "late", sha); !errors.Is(err, forge.ErrConflict) {
			t.Fatalf("err %v, want ErrConflict", err)
		}
	})

	t.Run("webhooks", func(t *testing.T) {
		id, err := c.CreateWebhook(ctx, "group/sub/app", "https://wheelhouse.example.com/hooks/y", "tok3n",
			[]string{devopsv1alpha1.EventPush, devopsv1alpha1.EventPullRequest})
		if err != nil {
			t.Fatal(err)
		}
		n, _ := strconv.ParseInt(id, 10, 64)
		want := map[string]any{
			"url": "https://wheelhouse.example.com/hooks/y", "token": "tok3n", "push_events": true,
			"tag_push_events": false, "merge_requests_events": true, "enable_ssl_verification": true,
		}
		if diff := cmp.Diff(want, fake.hooks[n]); diff != "" {
			t.Errorf("hook request (-want +got):\n%s", diff)
		}
		if err := c.DeleteWebhook(ctx, "group/sub/app", id); err != nil {
			t.Fatal(err)
		}
		if err := c.DeleteWebhook(ctx, "group/sub/app", id); err != nil {
			t.Fatalf("second delete: %v", err)
		}
	})

	t.Run("OAuth", func(t *testing.T) {
		flow, err := forge.NewOAuth(devopsv1alpha1.ProviderGitLab, host, nil)
		if err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse(flow.AuthorizeURL("app-id", "https://wheelhouse.example.com/cb", "st8", []string{"api", "read_user"}))
		if u.Path != "/gitlab/oauth/authorize" || u.Query().Get("scope") != "api read_user" || u.Query().Get("response_type") != "code" {
			t.Errorf("authorize URL %s", u)
		}
		tok, err := flow.Exchange(ctx, "app-id", "gitlab-secret", "gitlab-code", "https://wheelhouse.example.com/cb")
		if err != nil || tok != gitlabToken {
			t.Fatalf("%q, %v", tok, err)
		}
		_, err = flow.Exchange(ctx, "app-id", "gitlab-secret", "used-code", "https://wheelhouse.example.com/cb")
		if !errors.Is(err, forge.ErrUnauthorized) || !strings.Contains(err.Error(), "invalid_grant") || strings.Contains(err.Error(), "used-code") {
			t.Fatalf("bad code: %v", err)
		}
	})
}
