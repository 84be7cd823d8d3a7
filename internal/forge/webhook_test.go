package forge_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
	"github.com/wheelhouse-dev/wheelhouse/internal/forge"
)

const hookSecret = "It's a Secret to Everybody"

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// edit returns the fixture with changes applied to its decoded JSON.
func edit(t *testing.T, name string, change func(map[string]any)) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(fixture(t, name), &doc); err != nil {
		t.Fatal(err)
	}
	change(doc)
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func hmacHex(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// githubHeader is a delivery's headers as GitHub sends them
// (https://docs.github.com/en/webhooks/webhook-events-and-payloads#delivery-headers).
func githubHeader(event string, body []byte) http.Header {
	h := http.Header{}
	h.Set("X-GitHub-Event", event)
	h.Set("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958")
	h.Set("X-GitHub-Hook-ID", "292430182")
	h.Set("X-Hub-Signature", "sha1=7d38cdd689735b008b3c702edd92eea23791c5f6")
	h.Set("X-Hub-Signature-256", "sha256="+hmacHex(hookSecret, body))
	h.Set("User-Agent", "GitHub-Hookshot/044aadd")
	h.Set("Content-Type", "application/json")
	return h
}

var octoRepo = forge.EventRepository{
	FullName: "octo-org/octo-repo",
	CloneURL: "https://github.com/octo-org/octo-repo.git",
	SSHURL:   "git@github.com:octo-org/octo-repo.git",
	HTMLURL:  "https://github.com/octo-org/octo-repo",
}

func TestParseWebhookGitHub(t *testing.T) {
	const delivery = "72d3162e-cc78-11e3-81ab-4c9367dc0958"
	prBody := fixture(t, "github/pull_request.json")
	tests := []struct {
		name  string
		event string
		body  []byte
		want  *forge.Event
	}{{
		name: "push to a branch", event: "push", body: fixture(t, "github/push.json"),
		want: &forge.Event{
			Kind: devopsv1alpha1.EventPush, DeliveryID: delivery, Repository: octoRepo,
			Ref: "refs/heads/main", Branch: "main", Commit: "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c",
			Author: "octocat", Message: "Update README.md\n\nExplain how to build.",
		},
	}, {
		name: "annotated tag: the commit it points at, not the tag object", event: "push", body: fixture(t, "github/push-tag.json"),
		want: &forge.Event{
			Kind: devopsv1alpha1.EventTag, DeliveryID: delivery, Repository: octoRepo,
			Ref: "refs/tags/v1.2.0", Tag: "v1.2.0", Commit: "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c",
			Author: "octocat", Message: "Update README.md\n\nExplain how to build.",
		},
	}, {
		name: "a deleted branch builds nothing", event: "push", body: fixture(t, "github/push-delete.json"),
		want: &forge.Event{
			Kind: devopsv1alpha1.EventPush, DeliveryID: delivery, Repository: octoRepo,
			Ref: "refs/heads/feature", Branch: "feature", Deleted: true,
		},
	}, {
		name: "ping", event: "ping", body: fixture(t, "github/ping.json"),
		want: &forge.Event{Ping: true, DeliveryID: delivery, Repository: octoRepo},
	}, {
		name: "pull request from a fork", event: "pull_request", body: prBody,
		want: &forge.Event{
			Kind: devopsv1alpha1.EventPullRequest, DeliveryID: delivery, Repository: octoRepo,
			Ref: "refs/pull/2/head", Branch: "main", Commit: "ec26c3e57ca3a959ca5aad62de7213c562f8c821",
			Author: "hubot", Message: "Update the README with new information.",
			PullRequest: &forge.PullRequest{
				Number: 2, Action: forge.ActionOpened, Title: "Update the README with new information.",
				URL: "https://github.com/octo-org/octo-repo/pull/2", HeadBranch: "changes",
				HeadCommit: "ec26c3e57ca3a959ca5aad62de7213c562f8c821", BaseBranch: "main",
				HeadRepository: forge.EventRepository{
					FullName: "hubot/octo-repo", CloneURL: "https://github.com/hubot/octo-repo.git",
					SSHURL: "git@github.com:hubot/octo-repo.git", HTMLURL: "https://github.com/hubot/octo-repo",
				},
			},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := forge.ParseWebhook(devopsv1alpha1.ProviderGitHub, []byte(hookSecret), githubHeader(tt.event, tt.body), tt.body)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("event (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("synchronize and reopened build, closed does not", func(t *testing.T) {
		for action, wantErr := range map[string]error{"synchronize": nil, "reopened": nil, "closed": forge.ErrIgnored, "labeled": forge.ErrIgnored} {
			body := edit(t, "github/pull_request.json", func(d map[string]any) { d["action"] = action })
			e, err := forge.ParseWebhook(devopsv1alpha1.ProviderGitHub, []byte(hookSecret), githubHeader("pull_request", body), body)
			if wantErr != nil {
				if !errors.Is(err, wantErr) {
					t.Errorf("%s: err %v, want %v", action, err, wantErr)
				}
				continue
			}
			if err != nil || e.PullRequest.Action != action {
				t.Errorf("%s: %+v, %v", action, e, err)
			}
		}
	})

	t.Run("other events are ignored", func(t *testing.T) {
		body := []byte(`{"action":"created","issue":{"number":1}}`)
		_, err := forge.ParseWebhook(devopsv1alpha1.ProviderGitHub, []byte(hookSecret), githubHeader("issue_comment", body), body)
		if !errors.Is(err, forge.ErrIgnored) {
			t.Errorf("err %v, want ErrIgnored", err)
		}
	})
}

// TestParseWebhookSignatures: every way a delivery may not be signed
// with the secret is ErrSignature, including a body that is not JSON (the
// signature is checked first).
func TestParseWebhookSignatures(t *testing.T) {
	push := fixture(t, "github/push.json")
	gitlabPush := fixture(t, "gitlab/push.json")
	good := githubHeader("push", push)
	tests := []struct {
		name   string
		kind   devopsv1alpha1.SourceCodeProviderType
		secret string
		header func(http.Header)
		body   []byte
	}{
		{"github: no signature", devopsv1alpha1.ProviderGitHub, hookSecret, func(h http.Header) { h.Del("X-Hub-Signature-256"); h.Del("X-Hub-Signature") }, push},
		{"github: the SHA-1 signature alone", devopsv1alpha1.ProviderGitHub, hookSecret, func(h http.Header) { h.Del("X-Hub-Signature-256") }, push},
		{"github: another secret", devopsv1alpha1.ProviderGitHub, "another secret", nil, push},
		{"github: no sha256= prefix", devopsv1alpha1.ProviderGitHub, hookSecret, func(h http.Header) { h.Set("X-Hub-Signature-256", hmacHex(hookSecret, push)) }, push},
		{"github: not hex", devopsv1alpha1.ProviderGitHub, hookSecret, func(h http.Header) { h.Set("X-Hub-Signature-256", "sha256=zz") }, push},
		{"github: a changed body", devopsv1alpha1.ProviderGitHub, hookSecret, nil, append([]byte(" "), push...)},
		{"github: garbage is refused before parsing", devopsv1alpha1.ProviderGitHub, hookSecret, nil, []byte("not json")},
		{"empty secret", devopsv1alpha1.ProviderGitHub, "", nil, push},
		{"gitea: no signature", devopsv1alpha1.ProviderGitea, hookSecret, func(h http.Header) {
			h.Set("X-Gitea-Event", "push")
			h.Del("X-Hub-Signature-256")
		}, push},
		{"gitea: GitHub's header is not Gitea's", devopsv1alpha1.ProviderGitea, hookSecret, func(h http.Header) { h.Set("X-Gitea-Event", "push") }, push},
		{"gitea: sha256= prefixed", devopsv1alpha1.ProviderGitea, hookSecret, func(h http.Header) { h.Set("X-Gitea-Signature", "sha256="+hmacHex(hookSecret, push)) }, push},
		{"gitlab: no token", devopsv1alpha1.ProviderGitLab, hookSecret, func(h http.Header) { h.Set("X-Gitlab-Event", "Push Hook") }, gitlabPush},
		{"gitlab: another token", devopsv1alpha1.ProviderGitLab, hookSecret, func(h http.Header) { h.Set("X-Gitlab-Token", hookSecret+"x") }, gitlabPush},
		{"gitlab: a prefix of the token", devopsv1alpha1.ProviderGitLab, hookSecret, func(h http.Header) { h.Set("X-Gitlab-Token", hookSecret[:5]) }, gitlabPush},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := good.Clone()
			if tt.header != nil {
				tt.header(h)
			}
			e, err := forge.ParseWebhook(tt.kind, []byte(tt.secret), h, tt.body)
			if !errors.Is(err, forge.ErrSignature) {
				t.Fatalf("got %+v, %v; want ErrSignature", e, err)
			}
		})
	}

	t.Run("gitea: the right signature", func(t *testing.T) {
		h := http.Header{}
		h.Set("X-Gitea-Event", "push")
		h.Set("X-Gitea-Delivery", "b5a2d4e4-8f3c-4a7b-9d4e-7d0c4f9b1e11")
		h.Set("X-Gitea-Signature", hmacHex(hookSecret, push))
		e, err := forge.ParseWebhook(devopsv1alpha1.ProviderGitea, []byte(hookSecret), h, push)
		if err != nil || e.DeliveryID != "b5a2d4e4-8f3c-4a7b-9d4e-7d0c4f9b1e11" || e.Commit != "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c" {
			t.Fatalf("%+v, %v", e, err)
		}
	})

	t.Run("kind git sends no webhooks", func(t *testing.T) {
		_, err := forge.ParseWebhook(devopsv1alpha1.ProviderGit, []byte(hookSecret), good, push)
		if !errors.Is(err, forge.ErrInvalid) {
			t.Fatalf("err %v, want ErrInvalid", err)
		}
	})
}

// TestParseWebhookGiteaShapes covers what a Gitea test run does not
// deliver (it registers no delete events): the delete payload of Gitea's
// modules/structs/hook.go (DeletePayload), and a closed pull request.
func TestParseWebhookGiteaShapes(t *testing.T) {
	sign := func(event string, body []byte) http.Header {
		h := http.Header{}
		h.Set("X-Gitea-Event", event)
		h.Set("X-Gitea-Delivery", "0b1ee4b0-8d7e-4f0c-9bbf-3f6b5a0c7a11")
		h.Set("X-Gitea-Signature", hmacHex(hookSecret, body))
		return h
	}
	repo := `{"full_name":"org/app","clone_url":"http://gitea.example.com/org/app.git","ssh_url":"git@gitea.example.com:org/app.git","html_url":"http://gitea.example.com/org/app"}`
	body := []byte(`{"ref":"feature","ref_type":"branch","pusher_type":"user","repository":` + repo + `,"sender":{"login":"alice"}}`)
	e, err := forge.ParseWebhook(devopsv1alpha1.ProviderGitea, []byte(hookSecret), sign("delete", body), body)
	if err != nil {
		t.Fatal(err)
	}
	want := &forge.Event{
		Kind: devopsv1alpha1.EventPush, DeliveryID: "0b1ee4b0-8d7e-4f0c-9bbf-3f6b5a0c7a11", Deleted: true,
		Ref: "refs/heads/feature", Branch: "feature",
		Repository: forge.EventRepository{FullName: "org/app", CloneURL: "http://gitea.example.com/org/app.git",
			SSHURL: "git@gitea.example.com:org/app.git", HTMLURL: "http://gitea.example.com/org/app"},
	}
	if diff := cmp.Diff(want, e); diff != "" {
		t.Errorf("delete (-want +got):\n%s", diff)
	}

	body = []byte(`{"action":"closed","number":3,"pull_request":{"number":3,"title":"x","head":{"ref":"f","sha":"` + hmacHex("x", nil)[:40] + `"},"base":{"ref":"main"}},"repository":` + repo + `}`)
	if _, err := forge.ParseWebhook(devopsv1alpha1.ProviderGitea, []byte(hookSecret), sign("pull_request", body), body); !errors.Is(err, forge.ErrIgnored) {
		t.Errorf("closed pull request: err %v, want ErrIgnored", err)
	}
	body = []byte(`{"action":"created","issue":{"number":1}}`)
	if _, err := forge.ParseWebhook(devopsv1alpha1.ProviderGitea, []byte(hookSecret), sign("issue_comment", body), body); !errors.Is(err, forge.ErrIgnored) {
		t.Errorf("issue comment: err %v, want ErrIgnored", err)
	}
}
