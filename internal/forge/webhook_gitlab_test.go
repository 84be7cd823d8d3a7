package forge_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
	"github.com/wheelhouse-dev/wheelhouse/internal/forge"
)

// gitlabHeader is a delivery's headers as GitLab sends them
// (https://docs.gitlab.com/ee/user/project/integrations/webhooks.html#delivery-headers).
func gitlabHeader(event string) http.Header {
	h := http.Header{}
	h.Set("X-Gitlab-Event", event)
	h.Set("X-Gitlab-Token", hookSecret)
	h.Set("X-Gitlab-Instance", "https://gitlab.example.com")
	h.Set("X-Gitlab-Webhook-UUID", "02affd2d-2cba-4033-917d-ec22d5dc4b38")
	h.Set("X-Gitlab-Event-UUID", "13792a34-cac6-4fda-95a8-c58e00a3954e")
	h.Set("Idempotency-Key", "f5e5f430-f57b-4e6e-9fac-d9128cd7232f")
	h.Set("User-Agent", "GitLab/17.10.0")
	h.Set("Content-Type", "application/json")
	return h
}

func TestParseWebhookGitLab(t *testing.T) {
	const delivery = "f5e5f430-f57b-4e6e-9fac-d9128cd7232f"
	diaspora := forge.EventRepository{
		FullName: "mike/diaspora", CloneURL: "http://example.com/mike/diaspora.git",
		SSHURL: "git@example.com:mike/diaspora.git", HTMLURL: "http://example.com/mike/diaspora",
	}
	tests := []struct {
		name  string
		event string
		body  []byte
		want  *forge.Event
	}{{
		name: "push: the checked-out commit's message", event: "Push Hook", body: fixture(t, "gitlab/push.json"),
		want: &forge.Event{
			Kind: devopsv1alpha1.EventPush, DeliveryID: delivery, Repository: diaspora,
			Ref: "refs/heads/master", Branch: "master", Commit: "da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
			Author: "jsmith", Message: "fixed readme",
		},
	}, {
		name: "tag push", event: "Tag Push Hook", body: fixture(t, "gitlab/tag_push.json"),
		want: &forge.Event{
			Kind: devopsv1alpha1.EventTag, DeliveryID: delivery,
			Repository: forge.EventRepository{
				FullName: "jsmith/example", CloneURL: "http://example.com/jsmith/example.git",
				SSHURL: "git@example.com:jsmith/example.git", HTMLURL: "http://example.com/jsmith/example",
			},
			Ref: "refs/tags/v1.0.0", Tag: "v1.0.0", Commit: "82b3d5ae55f7080f1e6022629cdb57bfae7cccc7",
			Author: "jsmith", Message: "Tag message",
		},
	}, {
		name: "a deleted branch builds nothing", event: "Push Hook", body: fixture(t, "gitlab/push-delete.json"),
		want: &forge.Event{
			Kind: devopsv1alpha1.EventPush, DeliveryID: delivery, Repository: diaspora,
			Ref: "refs/heads/feature", Branch: "feature", Deleted: true,
		},
	}, {
		name: "merge request opened from another project", event: "Merge Request Hook", body: fixture(t, "gitlab/merge_request.json"),
		want: &forge.Event{
			Kind: devopsv1alpha1.EventPullRequest, DeliveryID: delivery,
			Repository: forge.EventRepository{
				FullName: "gitlabhq/gitlab-test", CloneURL: "http://example.com/gitlabhq/gitlab-test.git",
				SSHURL: "git@example.com:gitlabhq/gitlab-test.git", HTMLURL: "http://example.com/gitlabhq/gitlab-test",
			},
			Ref: "refs/merge-requests/1/head", Branch: "master", Commit: "da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
			Author: "root", Message: "MS-Viewport",
			PullRequest: &forge.PullRequest{
				Number: 1, Action: forge.ActionOpened, Title: "MS-Viewport", URL: "http://example.com/diaspora/merge_requests/1",
				HeadBranch: "ms-viewport", HeadCommit: "da1560886d4f094c3e6c9ef40349f7d38b5d27d7", BaseBranch: "master",
				HeadRepository: forge.EventRepository{
					FullName: "awesome_space/awesome_project", CloneURL: "http://example.com/awesome_space/awesome_project.git",
					SSHURL: "git@example.com:awesome_space/awesome_project.git", HTMLURL: "http://example.com/awesome_space/awesome_project",
				},
			},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := forge.ParseWebhook(devopsv1alpha1.ProviderGitLab, []byte(hookSecret), gitlabHeader(tt.event), tt.body)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("event (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("merge request actions", func(t *testing.T) {
		tests := []struct {
			action, oldrev string
			want           string
			err            error
		}{
			{"reopen", "", forge.ActionReopened, nil},
			{"update", "95790bf891e76fee5e1747ab589903a6a1f80f22", forge.ActionSynchronize, nil},
			{"update", "", "", forge.ErrIgnored}, // only the description or labels changed
			{"close", "", "", forge.ErrIgnored},
			{"merge", "", "", forge.ErrIgnored},
			{"approved", "", "", forge.ErrIgnored},
		}
		for _, tt := range tests {
			body := edit(t, "gitlab/merge_request.json", func(d map[string]any) {
				attrs := d["object_attributes"].(map[string]any)
				attrs["action"] = tt.action
				if tt.oldrev != "" {
					attrs["oldrev"] = tt.oldrev
				}
			})
			e, err := forge.ParseWebhook(devopsv1alpha1.ProviderGitLab, []byte(hookSecret), gitlabHeader("Merge Request Hook"), body)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Errorf("%s (oldrev %q): err %v, want %v", tt.action, tt.oldrev, err, tt.err)
				}
				continue
			}
			if err != nil || e.PullRequest.Action != tt.want {
				t.Errorf("%s (oldrev %q): %+v, %v; want action %s", tt.action, tt.oldrev, e, err, tt.want)
			}
		}
	})

	t.Run("the event UUID when there is no Idempotency-Key", func(t *testing.T) {
		h := gitlabHeader("Push Hook")
		h.Del("Idempotency-Key")
		e, err := forge.ParseWebhook(devopsv1alpha1.ProviderGitLab, []byte(hookSecret), h, fixture(t, "gitlab/push.json"))
		if err != nil || e.DeliveryID != "13792a34-cac6-4fda-95a8-c58e00a3954e" {
			t.Fatalf("%+v, %v", e, err)
		}
	})

	t.Run("other events are ignored", func(t *testing.T) {
		body := []byte(`{"object_kind":"issue","event_type":"issue","object_attributes":{"iid":23}}`)
		_, err := forge.ParseWebhook(devopsv1alpha1.ProviderGitLab, []byte(hookSecret), gitlabHeader("Issue Hook"), body)
		if !errors.Is(err, forge.ErrIgnored) {
			t.Errorf("err %v, want ErrIgnored", err)
		}
	})

	t.Run("a body that is not JSON, with the right token", func(t *testing.T) {
		_, err := forge.ParseWebhook(devopsv1alpha1.ProviderGitLab, []byte(hookSecret), gitlabHeader("Push Hook"), []byte("{"))
		if !errors.Is(err, forge.ErrInvalid) {
			t.Errorf("err %v, want ErrInvalid", err)
		}
	})
}
