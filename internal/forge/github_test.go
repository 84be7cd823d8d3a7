package forge_test

import (
	"crypto/sha1" //nolint:gosec // git's blob ids
	"encoding/base64"
	"encoding/hex"
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

const githubToken = "ghp_16C7e42F292c6912E7710c838347Ae178B4a"

// blobSHA is git's id of a blob with content, as GitHub's contents API
// returns it in sha.
func blobSHA(content []byte) string {
	h := sha1.New() //nolint:gosec // git's blob ids
	fmt.Fprintf(h, "blob %d\x00", len(content))
	h.Write(content)
	return hex.EncodeToString(h.Sum(nil))
}

// fakeGitHub answers as GitHub Enterprise's REST API v3 does at
// https://HOST/api/v3, for one repository, octo-org/octo-repo, and the
// account octocat. Each handler names the documentation page whose
// request and answer it follows.
type fakeGitHub struct {
	mu     sync.Mutex
	files  map[string][]byte // path on main → content
	head   int               // commits made on main
	hooks  map[int64]map[string]any
	nextID int64
	repos  int // how many repositories the account reaches
}

func newFakeGitHub(t *testing.T) (*fakeGitHub, *httptest.Server) {
	f := &fakeGitHub{files: map[string][]byte{".wheelhouse-pipeline.yml": []byte("stages: []\n")}, hooks: map[int64]map[string]any{}, nextID: 1, repos: 150}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v3/user", f.user)
	mux.HandleFunc("GET /api/v3/user/repos", f.listRepos)
	mux.HandleFunc("GET /api/v3/repos/octo-org/octo-repo/branches/{branch}", f.branch)
	mux.HandleFunc("GET /api/v3/repos/octo-org/octo-repo/contents/{path...}", f.getContent)
	mux.HandleFunc("PUT /api/v3/repos/octo-org/octo-repo/contents/{path...}", f.putContent)
	mux.HandleFunc("GET /api/v3/repos/octo-org/octo-repo/git/blobs/{sha}", f.blob)
	mux.HandleFunc("POST /api/v3/repos/octo-org/octo-repo/hooks", f.createHook)
	mux.HandleFunc("DELETE /api/v3/repos/octo-org/octo-repo/hooks/{id}", f.deleteHook)
	mux.HandleFunc("POST /login/oauth/access_token", f.accessToken)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/v3/") {
			// https://docs.github.com/en/rest/authentication/authenticating-to-the-rest-api
			if r.Header.Get("Authorization") != "Bearer "+githubToken {
				githubError(w, http.StatusUnauthorized, "Bad credentials")
				return
			}
			// https://docs.github.com/en/rest/about-the-rest-api/api-versions
			if r.Header.Get("X-GitHub-Api-Version") != "2022-11-28" || r.Header.Get("Accept") != "application/vnd.github+json" {
				githubError(w, http.StatusBadRequest, "missing API version or media type")
				return
			}
		}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return f, srv
}

func githubError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"message": msg, "documentation_url": "https://docs.github.com/rest"})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (f *fakeGitHub) commit() string { return fmt.Sprintf("%040x", 0xc0ffee+f.head) }

// https://docs.github.com/en/rest/users/users#get-the-authenticated-user
func (f *fakeGitHub) user(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"login": "octocat", "id": 1, "node_id": "MDQ6VXNlcjE=", "avatar_url": "https://github.com/images/error/octocat_happy.gif",
		"html_url": "https://github.com/octocat", "type": "User", "site_admin": false, "name": "monalisa octocat",
		"company": "GitHub", "blog": "https://github.com/blog", "location": "San Francisco", "email": "octocat@github.com",
		"public_repos": 2, "followers": 20, "following": 0, "created_at": "2008-01-14T04:33:35Z",
	})
}

// https://docs.github.com/en/rest/repos/repos#list-repositories-for-the-authenticated-user
// (per_page up to 100, page from 1, pages linked with rel="next",
// https://docs.github.com/en/rest/using-the-rest-api/using-pagination-in-the-rest-api).
func (f *fakeGitHub) listRepos(w http.ResponseWriter, r *http.Request) {
	perPage, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
	if perPage <= 0 || perPage > 100 {
		perPage = 30
	}
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	if page < 1 {
		page = 1
	}
	var out []map[string]any
	for i := (page - 1) * perPage; i < page*perPage && i < f.repos; i++ {
		name, owner := fmt.Sprintf("repo-%03d", i), "octocat"
		perms := map[string]bool{"admin": false, "maintain": false, "push": false, "triage": false, "pull": true}
		if i == 0 {
			name, owner = "octo-repo", "octo-org"
			perms = map[string]bool{"admin": false, "maintain": true, "push": true, "triage": true, "pull": true}
		}
		full := owner + "/" + name
		out = append(out, map[string]any{
			"id": 1296269 + i, "node_id": "MDEwOlJlcG9zaXRvcnkxMjk2MjY5", "name": name, "full_name": full,
			"owner":   map[string]any{"login": owner, "id": 1, "type": "User"},
			"private": i%2 == 1, "html_url": "https://github.com/" + full, "description": "This your first repo!",
			"fork": false, "url": "https://api.github.com/repos/" + full,
			"clone_url": "https://github.com/" + full + ".git", "git_url": "git:github.com/" + full + ".git",
			"ssh_url": "git@github.com:" + full + ".git", "svn_url": "https://svn.github.com/" + full,
			"language": "Go", "default_branch": "main", "visibility": "public", "permissions": perms,
		})
	}
	if page*perPage < f.repos {
		next := *r.URL
		q := next.Query()
		q.Set("page", strconv.Itoa(page+1))
		next.RawQuery = q.Encode()
		w.Header().Set("Link", fmt.Sprintf(`<http://%s%s>; rel="next", <http://%s/api/v3/user/repos?page=99>; rel="last"`, r.Host, next.String(), r.Host))
	}
	writeJSON(w, http.StatusOK, out)
}

// https://docs.github.com/en/rest/branches/branches#get-a-branch
func (f *fakeGitHub) branch(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.PathValue("branch") != "main" {
		githubError(w, http.StatusNotFound, "Branch not found")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"name":      "main",
		"commit":    map[string]any{"sha": f.commit(), "url": "https://api.github.com/repos/octo-org/octo-repo/commits/" + f.commit()},
		"protected": false,
	})
}

// https://docs.github.com/en/rest/repos/contents#get-repository-content
func (f *fakeGitHub) getContent(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	path := r.PathValue("path")
	content, ok := f.files[path]
	if !ok || (r.URL.Query().Get("ref") != "main" && r.URL.Query().Get("ref") != "") {
		githubError(w, http.StatusNotFound, "Not Found")
		return
	}
	if len(content) > largeFile {
		// Files of 1 to 100 MB: no content, encoding "none".
		writeJSON(w, http.StatusOK, map[string]any{
			"type": "file", "encoding": "none", "size": len(content), "name": path, "path": path,
			"content": "", "sha": blobSHA(content),
		})
		return
	}
	enc := base64.StdEncoding.EncodeToString(content)
	// GitHub wraps base64 content at 60 characters.
	var wrapped strings.Builder
	for len(enc) > 60 {
		wrapped.WriteString(enc[:60] + "\n")
		enc = enc[60:]
	}
	wrapped.WriteString(enc + "\n")
	writeJSON(w, http.StatusOK, map[string]any{
		"type": "file", "encoding": "base64", "size": len(content), "name": path, "path": path,
		"content": wrapped.String(), "sha": blobSHA(content),
		"url":      "https://api.github.com/repos/octo-org/octo-repo/contents/" + path,
		"html_url": "https://github.com/octo-org/octo-repo/blob/main/" + path,
	})
}

// largeFile stands for GitHub's 1 MB limit of content in the contents API.
const largeFile = 1000

// https://docs.github.com/en/rest/git/blobs#get-a-blob
func (f *fakeGitHub) blob(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, content := range f.files {
		if blobSHA(content) == r.PathValue("sha") {
			writeJSON(w, http.StatusOK, map[string]any{
				"content": base64.StdEncoding.EncodeToString(content), "encoding": "base64",
				"url": "https://api.github.com/repos/octo-org/octo-repo/git/blobs/" + blobSHA(content),
				"sha": blobSHA(content), "size": len(content), "node_id": "Q29udGVudCBvZiBibG9i",
			})
			return
		}
	}
	githubError(w, http.StatusNotFound, "Not Found")
}

// https://docs.github.com/en/rest/repos/contents#create-or-update-file-contents
func (f *fakeGitHub) putContent(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var req struct {
		Message string `json:"message"`
		Content string `json:"content"`
		SHA     string `json:"sha"`
		Branch  string `json:"branch"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Message == "" || req.Branch != "main" {
		githubError(w, http.StatusUnprocessableEntity, "Invalid request.")
		return
	}
	path := r.PathValue("path")
	cur, exists := f.files[path]
	switch {
	case exists && req.SHA == "":
		githubError(w, http.StatusUnprocessableEntity, "Invalid request.\n\n\"sha\" wasn't supplied.")
		return
	case exists && req.SHA != blobSHA(cur):
		githubError(w, http.StatusConflict, fmt.Sprintf("%s does not match %s", path, req.SHA))
		return
	}
	content, err := base64.StdEncoding.DecodeString(req.Content)
	if err != nil {
		githubError(w, http.StatusUnprocessableEntity, "content is not valid Base64")
		return
	}
	f.files[path] = content
	f.head++
	status := http.StatusOK
	if !exists {
		status = http.StatusCreated
	}
	writeJSON(w, status, map[string]any{
		"content": map[string]any{"name": path, "path": path, "sha": blobSHA(content), "type": "file"},
		"commit":  map[string]any{"sha": f.commit(), "message": req.Message},
	})
}

// https://docs.github.com/en/rest/repos/webhooks#create-a-repository-webhook
func (f *fakeGitHub) createHook(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var req map[string]any
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req["name"] != "web" {
		githubError(w, http.StatusUnprocessableEntity, "Validation Failed")
		return
	}
	id := 12345677 + f.nextID
	f.nextID++
	f.hooks[id] = req
	cfg := map[string]any{}
	if c, ok := req["config"].(map[string]any); ok {
		for k, v := range c {
			if k != "secret" { // GitHub never shows it back
				cfg[k] = v
			}
		}
	}
	writeJSON(w, http.StatusCreated, map[string]any{
		"type": "Repository", "id": id, "name": "web", "active": true, "events": req["events"], "config": cfg,
		"updated_at": "2019-06-03T00:57:16Z", "created_at": "2019-06-03T00:57:16Z",
		"url": fmt.Sprintf("https://api.github.com/repos/octo-org/octo-repo/hooks/%d", id),
	})
}

// https://docs.github.com/en/rest/repos/webhooks#delete-a-repository-webhook
func (f *fakeGitHub) deleteHook(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if _, ok := f.hooks[id]; !ok {
		githubError(w, http.StatusNotFound, "Not Found")
		return
	}
	delete(f.hooks, id)
	w.WriteHeader(http.StatusNoContent)
}

// https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps#2-users-are-redirected-back-to-your-site-by-github
// and, for a wrong code, its troubleshooting page: GitHub answers 200
// with an error document.
func (f *fakeGitHub) accessToken(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Accept") != "application/json" {
		w.Header().Set("Content-Type", "application/x-www-form-urlencoded")
		fmt.Fprint(w, "error=unsupported")
		return
	}
	if r.PostFormValue("client_id") != "Iv1.8a61f9b3a7aba766" || r.PostFormValue("client_secret") != "oauth-client-secret" {
		writeJSON(w, http.StatusOK, map[string]string{
			"error": "incorrect_client_credentials", "error_description": "The client_id and/or client_secret passed are incorrect.",
			"error_uri": "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#incorrect-client-credentials",
		})
		return
	}
	if r.PostFormValue("code") != "good-code" {
		writeJSON(w, http.StatusOK, map[string]string{
			"error": "bad_verification_code", "error_description": "The code passed is incorrect or expired.",
			"error_uri": "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#bad-verification-code",
		})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"access_token": githubToken, "scope": "repo,admin:repo_hook", "token_type": "bearer"})
}

// TestGitHubClient runs the GitHub client against a GitHub Enterprise
// host (the httptest server): the same API as api.github.com, at /api/v3.
func TestGitHubClient(t *testing.T) {
	ctx := t.Context()
	fake, srv := newFakeGitHub(t)
	c, err := forge.New(devopsv1alpha1.ProviderGitHub, srv.URL, nil, githubToken)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("user", func(t *testing.T) {
		u, err := c.User(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := forge.Account{Login: "octocat", Name: "monalisa octocat", Email: "octocat@github.com",
			AvatarURL: "https://github.com/images/error/octocat_happy.gif", URL: "https://github.com/octocat"}
		if diff := cmp.Diff(want, u); diff != "" {
			t.Error(diff)
		}
	})

	t.Run("bad credentials: ErrUnauthorized without the token", func(t *testing.T) {
		bad, _ := forge.New(devopsv1alpha1.ProviderGitHub, srv.URL, nil, "ghp_wrong_token_0000")
		_, err := bad.User(ctx)
		if !errors.Is(err, forge.ErrUnauthorized) || !strings.Contains(err.Error(), "Bad credentials") || strings.Contains(err.Error(), "ghp_wrong") {
			t.Fatalf("err %v", err)
		}
	})

	t.Run("repositories: every page", func(t *testing.T) {
		repos, err := c.Repositories(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(repos) != 150 {
			t.Fatalf("%d repositories, want 150 (two pages of 100)", len(repos))
		}
		want := forge.Repository{
			FullName: "octo-org/octo-repo", CloneURL: "https://github.com/octo-org/octo-repo.git",
			SSHURL: "git@github.com:octo-org/octo-repo.git", HTMLURL: "https://github.com/octo-org/octo-repo",
			DefaultBranch: "main", Language: "Go",
			// maintain without admin: may push, may not manage webhooks.
			Permissions: devopsv1alpha1.RepositoryPermissions{Pull: true, Push: true},
		}
		if diff := cmp.Diff(want, repos[0]); diff != "" {
			t.Error(diff)
		}
		if !repos[1].Private || repos[1].Permissions != (devopsv1alpha1.RepositoryPermissions{Pull: true}) {
			t.Errorf("second: %+v", repos[1])
		}
	})

	t.Run("branch", func(t *testing.T) {
		commit, err := c.Branch(ctx, "octo-org/octo-repo", "main")
		if err != nil || commit != fake.commit() {
			t.Fatalf("%q, %v", commit, err)
		}
		if _, err := c.Branch(ctx, "octo-org/octo-repo", "gone"); !errors.Is(err, forge.ErrNotFound) {
			t.Fatalf("err %v, want ErrNotFound", err)
		}
		if _, err := c.Branch(ctx, "no-slash", "main"); !errors.Is(err, forge.ErrInvalid) {
			t.Fatalf("err %v, want ErrInvalid", err)
		}
	})

	t.Run("read and save a file", func(t *testing.T) {
		const path = ".wheelhouse-pipeline.yml"
		content, sha, err := c.ReadFile(ctx, "octo-org/octo-repo", "main", path)
		if err != nil || string(content) != "stages: []\n" || sha != blobSHA(content) {
			t.Fatalf("%q %q %v", content, sha, err)
		}
		if _, _, err := c.ReadFile(ctx, "octo-org/octo-repo", "main", "nope.yml"); !errors.Is(err, forge.ErrNotFound) {
			t.Fatalf("err %v, want ErrNotFound", err)
		}
		long := []byte(strings.Repeat("stages:\n- name: build\n", 20)) // more than one wrapped line
		commit, err := c.SaveFile(ctx, "octo-org/octo-repo", "main", path, long, "Update the pipeline", sha)
		if err != nil || commit != fake.commit() {
			t.Fatalf("%q, %v", commit, err)
		}
		if got, _, err := c.ReadFile(ctx, "octo-org/octo-repo", "main", path); err != nil || string(got) != string(long) {
			t.Fatalf("read back %q, %v", got, err)
		}
		if _, err := c.SaveFile(ctx, "octo-org/octo-repo", "main", path, []byte("x"), "stale", sha); !errors.Is(err, forge.ErrConflict) {
			t.Fatalf("stale sha: err %v, want ErrConflict", err)
		}
		if _, err := c.SaveFile(ctx, "octo-org/octo-repo", "main", path, []byte("x"), "create", ""); !errors.Is(err, forge.ErrConflict) {
			t.Fatalf("create over a file: err %v, want ErrConflict", err)
		}
		if _, err := c.SaveFile(ctx, "octo-org/octo-repo", "main", "ci/new file.yml", []byte("a: 1\n"), "create", ""); err != nil {
			t.Fatal(err)
		}
		if string(fake.files["ci/new file.yml"]) != "a: 1\n" {
			t.Errorf("files: %v", fake.files)
		}
		// Past the contents API's size limit, the blob is read.
		big := []byte(strings.Repeat("x", largeFile+1))
		fake.mu.Lock()
		fake.files["big.txt"] = big
		fake.mu.Unlock()
		if got, sha, err := c.ReadFile(ctx, "octo-org/octo-repo", "main", "big.txt"); err != nil || string(got) != string(big) || sha != blobSHA(big) {
			t.Fatalf("large file: %d bytes, %q, %v", len(got), sha, err)
		}
	})

	t.Run("webhooks", func(t *testing.T) {
		id, err := c.CreateWebhook(ctx, "octo-org/octo-repo", "https://wheelhouse.example.com/hooks/x", "s3cret",
			[]string{devopsv1alpha1.EventPush, devopsv1alpha1.EventTag, devopsv1alpha1.EventPullRequest})
		if err != nil {
			t.Fatal(err)
		}
		n, _ := strconv.ParseInt(id, 10, 64)
		got := fake.hooks[n]
		want := map[string]any{
			"name": "web", "active": true, "events": []any{"push", "pull_request"},
			"config": map[string]any{"url": "https://wheelhouse.example.com/hooks/x", "content_type": "json", "secret": "s3cret", "insecure_ssl": "0"},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("hook request (-want +got):\n%s", diff)
		}
		if _, err := c.CreateWebhook(ctx, "octo-org/octo-repo", "https://x", "s", []string{"cron"}); !errors.Is(err, forge.ErrInvalid) {
			t.Errorf("unknown event: err %v", err)
		}
		if err := c.DeleteWebhook(ctx, "octo-org/octo-repo", id); err != nil {
			t.Fatal(err)
		}
		if err := c.DeleteWebhook(ctx, "octo-org/octo-repo", id); err != nil {
			t.Fatalf("second delete: %v, want nil", err)
		}
	})

	t.Run("OAuth", func(t *testing.T) {
		flow, err := forge.NewOAuth(devopsv1alpha1.ProviderGitHub, srv.URL, nil)
		if err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse(flow.AuthorizeURL("Iv1.8a61f9b3a7aba766", "https://wheelhouse.example.com/cb", "st", nil))
		if u.Path != "/login/oauth/authorize" || u.Query().Get("scope") != "repo admin:repo_hook read:user user:email" ||
			u.Query().Get("state") != "st" || u.Query().Get("client_id") != "Iv1.8a61f9b3a7aba766" {
			t.Errorf("authorize URL %s", u)
		}
		tok, err := flow.Exchange(ctx, "Iv1.8a61f9b3a7aba766", "oauth-client-secret", "good-code", "https://wheelhouse.example.com/cb")
		if err != nil || tok != githubToken {
			t.Fatalf("%q, %v", tok, err)
		}
		_, err = flow.Exchange(ctx, "Iv1.8a61f9b3a7aba766", "oauth-client-secret", "expired-code", "https://wheelhouse.example.com/cb")
		if !errors.Is(err, forge.ErrUnauthorized) || !strings.Contains(err.Error(), "bad_verification_code") || strings.Contains(err.Error(), "expired-code") {
			t.Fatalf("bad code: %v", err)
		}
		_, err = flow.Exchange(ctx, "Iv1.8a61f9b3a7aba766", "wrong-client-secret", "good-code", "https://wheelhouse.example.com/cb")
		if !errors.Is(err, forge.ErrUnauthorized) || strings.Contains(err.Error(), "wrong-client-secret") {
			t.Fatalf("bad secret: %v", err)
		}
	})
}
