//go:build !unit

package forge_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
	"github.com/wheelhouse-dev/wheelhouse/internal/forge"
	"github.com/wheelhouse-dev/wheelhouse/internal/forge/giteatest"
)

// deliveryTimeout bounds the wait for Gitea to deliver a webhook (its
// queue sends within a second or two).
const deliveryTimeout = 30 * time.Second

// delivery is one webhook request as a receiver sees it.
type delivery struct {
	header http.Header
	body   []byte
}

// receiver is a webhook endpoint on 127.0.0.1 that hands each delivery to
// the test.
func receiver(t *testing.T) (url string, deliveries <-chan delivery) {
	t.Helper()
	ch := make(chan delivery, 32)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, forge.MaxWebhookBytes))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		ch <- delivery{header: r.Header.Clone(), body: body}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/hooks/gitea", ch
}

// TestGitea runs the Gitea client against a real Gitea: one server, the
// client's calls in order of a pipeline's life (connect, list, read and
// save the pipeline file, register the webhook, receive deliveries).
func TestGitea(t *testing.T) {
	srv := giteatest.Start(t)
	ctx := t.Context()
	c, err := forge.New(devopsv1alpha1.ProviderGitea, srv.URL, nil, srv.Token)
	if err != nil {
		t.Fatal(err)
	}

	app := srv.CreateRepo(t, "app")
	first := srv.Push(t, app, "main", map[string]string{"README.md": "# app\n", ".wheelhouse-pipeline.yml": "stages: []\n"}, "Initial commit")
	lib := srv.CreateRepo(t, "lib")
	srv.Push(t, lib, "main", map[string]string{"go.mod": "module lib\n"}, "lib")
	empty := srv.CreateRepo(t, "empty")

	t.Run("user", func(t *testing.T) {
		g := NewWithT(t)
		u, err := c.User(ctx)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(u.Login).To(Equal(srv.Admin))
		g.Expect(u.Email).To(Equal(srv.Admin + "@example.test"))
		g.Expect(u.URL).To(Equal(srv.URL + "/" + srv.Admin))
	})

	t.Run("a refused token is ErrUnauthorized and not repeated", func(t *testing.T) {
		g := NewWithT(t)
		bad, err := forge.New(devopsv1alpha1.ProviderGitea, srv.URL, nil, "0123456789abcdef0123456789abcdef01234567")
		g.Expect(err).NotTo(HaveOccurred())
		_, err = bad.User(ctx)
		g.Expect(err).To(MatchError(forge.ErrUnauthorized))
		g.Expect(err.Error()).NotTo(ContainSubstring("0123456789abcdef"))
	})

	t.Run("repositories, every page", func(t *testing.T) {
		g := NewWithT(t)
		repos, err := c.Repositories(ctx)
		g.Expect(err).NotTo(HaveOccurred())
		// giteatest serves two items a page: three repositories are two pages.
		g.Expect(repos).To(HaveLen(3))
		byName := map[string]forge.Repository{}
		for _, r := range repos {
			byName[r.FullName] = r
		}
		a := byName[app.FullName]
		g.Expect(a.CloneURL).To(Equal(app.CloneURL))
		g.Expect(a.HTMLURL).To(Equal(srv.URL + "/" + app.FullName))
		g.Expect(a.DefaultBranch).To(Equal("main"))
		g.Expect(a.Permissions).To(Equal(devopsv1alpha1.RepositoryPermissions{Pull: true, Push: true, Admin: true}))
		g.Expect(byName).To(HaveKey(lib.FullName))
		g.Expect(byName[empty.FullName].DefaultBranch).To(BeEmpty(), "an empty repository has no branch yet")
	})

	t.Run("a collaborator's permissions", func(t *testing.T) {
		g := NewWithT(t)
		token := srv.CreateUser(t, "writer", "writer-password-1")
		// Gitea lists a public repository for a collaborator who may
		// write; reading a public repository needs no collaboration.
		srv.API(t, http.MethodPut, "/repos/"+app.FullName+"/collaborators/writer", map[string]string{"permission": "write"}, nil)
		rc, err := forge.New(devopsv1alpha1.ProviderGitea, srv.URL, nil, token)
		g.Expect(err).NotTo(HaveOccurred())
		repos, err := rc.Repositories(ctx)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(repos).To(HaveLen(1))
		g.Expect(repos[0].FullName).To(Equal(app.FullName))
		g.Expect(repos[0].Permissions).To(Equal(devopsv1alpha1.RepositoryPermissions{Pull: true, Push: true}))
		_, err = rc.CreateWebhook(ctx, app.FullName, "http://127.0.0.1:9/hook", "s", []string{devopsv1alpha1.EventPush})
		g.Expect(err).To(MatchError(forge.ErrForbidden), "webhooks need admin")
	})

	t.Run("branch", func(t *testing.T) {
		g := NewWithT(t)
		commit, err := c.Branch(ctx, app.FullName, "main")
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(commit).To(Equal(first))
		_, err = c.Branch(ctx, app.FullName, "nope")
		g.Expect(err).To(MatchError(forge.ErrNotFound))
		_, err = c.Branch(ctx, srv.Admin+"/missing", "main")
		g.Expect(err).To(MatchError(forge.ErrNotFound))
	})

	t.Run("read and save the pipeline file", func(t *testing.T) {
		g := NewWithT(t)
		const path = ".wheelhouse-pipeline.yml"
		content, sha, err := c.ReadFile(ctx, app.FullName, "main", path)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(string(content)).To(Equal("stages: []\n"))
		g.Expect(sha).To(HaveLen(40))

		_, _, err = c.ReadFile(ctx, app.FullName, "main", "missing.yml")
		g.Expect(err).To(MatchError(forge.ErrNotFound))
		_, _, err = c.ReadFile(ctx, app.FullName, first, path)
		g.Expect(err).NotTo(HaveOccurred(), "a commit is a ref too")

		updated := []byte("stages:\n- name: build\n  steps:\n  - runScriptConfig: {image: golang, shellScript: go build ./...}\n")
		commit, err := c.SaveFile(ctx, app.FullName, "main", path, updated, "Update the pipeline", sha)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(commit).To(HaveLen(40))
		g.Expect(c.Branch(ctx, app.FullName, "main")).To(Equal(commit))
		got, newSHA, err := c.ReadFile(ctx, app.FullName, "main", path)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(got).To(Equal(updated))
		g.Expect(newSHA).NotTo(Equal(sha))

		// The sha read before the save is stale now.
		_, err = c.SaveFile(ctx, app.FullName, "main", path, []byte("stages: []\n"), "Overwrite", sha)
		g.Expect(err).To(MatchError(forge.ErrConflict))
		// Creating a file that exists is the same conflict.
		_, err = c.SaveFile(ctx, app.FullName, "main", path, []byte("stages: []\n"), "Create", "")
		g.Expect(err).To(MatchError(forge.ErrConflict))

		created, err := c.SaveFile(ctx, app.FullName, "main", "ci/new.yml", []byte("a: 1\n"), "Create a file", "")
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(created).NotTo(Equal(commit))
		got, _, err = c.ReadFile(ctx, app.FullName, "main", "ci/new.yml")
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(string(got)).To(Equal("a: 1\n"))
	})

	t.Run("webhooks delivered by Gitea", func(t *testing.T) {
		g := NewWithT(t)
		hookURL, deliveries := receiver(t)
		secret := "hook-secret-" + t.Name()
		id, err := c.CreateWebhook(ctx, app.FullName, hookURL, secret, []string{devopsv1alpha1.EventPush, devopsv1alpha1.EventTag, devopsv1alpha1.EventPullRequest})
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(id).NotTo(BeEmpty())

		// next waits for the delivery that match accepts: Gitea also
		// delivers, late, the pushes of commits made before the hook
		// existed (its push queue runs behind the API).
		next := func(match func(*forge.Event) bool) (delivery, *forge.Event) {
			t.Helper()
			for {
				var d delivery
				g.Eventually(deliveries).WithTimeout(deliveryTimeout).Should(Receive(&d))
				e, err := forge.ParseWebhook(devopsv1alpha1.ProviderGitea, []byte(secret), d.header, d.body)
				if errors.Is(err, forge.ErrIgnored) {
					continue
				}
				g.Expect(err).NotTo(HaveOccurred(), "delivery %s: %s", d.header.Get("X-Gitea-Event"), d.body)
				if match(e) {
					return d, e
				}
			}
		}

		commit := srv.Push(t, app, "main", map[string]string{"main.go": "package main\n"}, "Add main.go\n\nWith a body.")
		d, e := next(func(e *forge.Event) bool { return e.Commit == commit })
		g.Expect(d.header.Get("X-Gitea-Event")).To(Equal("push"))
		g.Expect(e.Kind).To(Equal(devopsv1alpha1.EventPush))
		g.Expect(e.DeliveryID).To(Equal(d.header.Get("X-Gitea-Delivery")))
		g.Expect(e.DeliveryID).NotTo(BeEmpty())
		g.Expect(e.Ref).To(Equal("refs/heads/main"))
		g.Expect(e.Branch).To(Equal("main"))
		g.Expect(e.Message).To(HavePrefix("Add main.go\n\nWith a body."))
		g.Expect(e.Author).To(Equal(srv.Admin))
		g.Expect(e.Repository).To(Equal(forge.EventRepository{
			FullName: app.FullName, CloneURL: app.CloneURL, HTMLURL: srv.URL + "/" + app.FullName,
			SSHURL: e.Repository.SSHURL, // Gitea names one even with SSH off
		}))
		g.Expect(e.Deleted || e.Ping).To(BeFalse())

		// The same delivery checked with another secret, or changed, is
		// refused before anything is read.
		_, err = forge.ParseWebhook(devopsv1alpha1.ProviderGitea, []byte("not-the-secret"), d.header, d.body)
		g.Expect(err).To(MatchError(forge.ErrSignature))
		tampered := strings.Replace(string(d.body), commit, strings.Repeat("f", 40), 1)
		_, err = forge.ParseWebhook(devopsv1alpha1.ProviderGitea, []byte(secret), d.header, []byte(tampered))
		g.Expect(err).To(MatchError(forge.ErrSignature))

		srv.PushTag(t, app, "v1.0.0", commit, "Release 1.0.0")
		_, e = next(func(e *forge.Event) bool { return e.Kind == devopsv1alpha1.EventTag })
		g.Expect(e.Tag).To(Equal("v1.0.0"))
		g.Expect(e.Ref).To(Equal("refs/tags/v1.0.0"))
		g.Expect(e.Branch).To(BeEmpty())
		g.Expect(e.Commit).To(Equal(commit), "an annotated tag builds the commit it points at")

		head := srv.Push(t, app, "feature", map[string]string{"feature.go": "package main\n"}, "A feature")
		var pr struct {
			Number int64 `json:"number"`
		}
		srv.API(t, http.MethodPost, "/repos/"+app.FullName+"/pulls", map[string]string{"head": "feature", "base": "main", "title": "Add a feature"}, &pr)
		_, e = next(func(e *forge.Event) bool { return e.Kind == devopsv1alpha1.EventPullRequest })
		g.Expect(e.Commit).To(Equal(head))
		g.Expect(e.Branch).To(Equal("main"))
		g.Expect(e.Message).To(Equal("Add a feature"))
		g.Expect(e.Ref).To(Equal(fmt.Sprintf("refs/pull/%d/head", pr.Number)))
		g.Expect(e.PullRequest).NotTo(BeNil())
		g.Expect(e.PullRequest.Number).To(Equal(pr.Number))
		g.Expect(e.PullRequest.Action).To(Equal(forge.ActionOpened))
		g.Expect(e.PullRequest.HeadBranch).To(Equal("feature"))
		g.Expect(e.PullRequest.HeadCommit).To(Equal(head))
		g.Expect(e.PullRequest.BaseBranch).To(Equal("main"))
		g.Expect(e.PullRequest.HeadRepository.FullName).To(Equal(app.FullName))

		// New commits on the pull request's branch: synchronize.
		head = srv.Push(t, app, "feature", map[string]string{"feature.go": "package main // v2\n"}, "Feature v2")
		_, e = next(func(e *forge.Event) bool { return e.Kind == devopsv1alpha1.EventPullRequest && e.Commit == head })
		g.Expect(e.PullRequest.Action).To(Equal(forge.ActionSynchronize))

		g.Expect(c.DeleteWebhook(ctx, app.FullName, id)).To(Succeed())
		g.Expect(c.DeleteWebhook(ctx, app.FullName, id)).To(Succeed(), "a webhook already gone is not an error")
		var hooks []map[string]any
		srv.API(t, http.MethodGet, "/repos/"+app.FullName+"/hooks", nil, &hooks)
		g.Expect(hooks).To(BeEmpty())
	})

	t.Run("OAuth code exchange", func(t *testing.T) {
		g := NewWithT(t)
		const redirect = "http://127.0.0.1:9/oauth/callback"
		oa := srv.CreateOAuthApp(t, "wheelhouse", redirect)
		flow, err := forge.NewOAuth(devopsv1alpha1.ProviderGitea, srv.URL, nil)
		g.Expect(err).NotTo(HaveOccurred())
		authorize := flow.AuthorizeURL(oa.ClientID, redirect, "state-123", nil)
		g.Expect(authorize).To(HavePrefix(srv.URL + "/login/oauth/authorize?"))

		back := srv.Authorize(t, authorize)
		g.Expect(back.Get("state")).To(Equal("state-123"))
		code := back.Get("code")
		g.Expect(code).NotTo(BeEmpty(), "redirect: %v", back)

		_, err = flow.Exchange(ctx, oa.ClientID, "wrong-secret-value", code, redirect)
		g.Expect(err).To(MatchError(forge.ErrUnauthorized))
		g.Expect(err.Error()).NotTo(ContainSubstring("wrong-secret-value"))
		g.Expect(err.Error()).NotTo(ContainSubstring(code))

		token, err := flow.Exchange(ctx, oa.ClientID, oa.ClientSecret, code, redirect)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(token).NotTo(BeEmpty())
		oc, err := forge.New(devopsv1alpha1.ProviderGitea, srv.URL, nil, token)
		g.Expect(err).NotTo(HaveOccurred())
		u, err := oc.User(ctx)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(u.Login).To(Equal(srv.Admin))
		repos, err := oc.Repositories(ctx)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(repos).To(HaveLen(3), "the default scopes read repositories")

		// A code is good once.
		_, err = flow.Exchange(ctx, oa.ClientID, oa.ClientSecret, code, redirect)
		g.Expect(err).To(MatchError(forge.ErrUnauthorized))
	})
}
