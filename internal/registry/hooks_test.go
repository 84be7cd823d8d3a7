package registry_test

import (
	"errors"
	"testing"
	"time"

	"github.com/wheelhouse-dev/wheelhouse/internal/registry"
)

// The payloads below follow the examples each vendor publishes: Harbor's
// "Webhook Notifications" page (v2.x, type PUSH_ARTIFACT, also what TCR
// Enterprise sends), Alibaba ACR's "Webhook" page (push_data, pushed_at in
// China Standard Time), Docker Hub's "Webhooks" page (push_data.pushed_at
// in epoch seconds), distribution's "Notifications" document (an events
// envelope), and Amazon ECR's "ECR Image Action" EventBridge event.
var pushPayloads = []struct {
	source string
	body   string
	want   registry.Push
}{
	{"harbor", `{"type":"PUSH_ARTIFACT","occur_at":1733380000,"operator":"admin","event_data":{"resources":[{"digest":"sha256:aa","tag":"v1","resource_url":"harbor.example.com/library/app:v1"}],"repository":{"date_created":1733300000,"name":"app","namespace":"library","repo_full_name":"library/app","repo_type":"private"}}}`,
		registry.Push{Repository: "library/app", Tag: "v1", Digest: "sha256:aa", Time: time.Unix(1733380000, 0).UTC()}},
	{"tcr", `{"type":"PUSH_ARTIFACT","occur_at":1733380001,"event_data":{"resources":[{"digest":"sha256:bb","tag":"2.0"}],"repository":{"repo_full_name":"team/api"}}}`,
		registry.Push{Repository: "team/api", Tag: "2.0", Digest: "sha256:bb", Time: time.Unix(1733380001, 0).UTC()}},
	{"acr", `{"push_data":{"digest":"sha256:cc","pushed_at":"2024-12-05 14:30:00","tag":"latest"},"repository":{"date_created":"2024-01-01 10:00:00","name":"web","namespace":"shop","region":"cn-hangzhou","repo_authentication_type":"NO_CERTIFIED","repo_full_name":"shop/web","repo_origin_type":"NO_CERTIFIED","repo_type":"PRIVATE"}}`,
		registry.Push{Repository: "shop/web", Tag: "latest", Digest: "sha256:cc", Time: time.Date(2024, 12, 5, 6, 30, 0, 0, time.UTC)}},
	{"dockerhub", `{"callback_url":"https://registry.hub.docker.com/u/svendowideit/testhook/hook/2141b5bi5i5b02bec211i4eeih0242eg11000a/","push_data":{"pushed_at":1417566161,"pusher":"trustedbuilder","tag":"latest"},"repository":{"name":"testhook","namespace":"svendowideit","repo_name":"svendowideit/testhook"}}`,
		registry.Push{Repository: "svendowideit/testhook", Tag: "latest", Time: time.Unix(1417566161, 0).UTC()}},
	{"distribution", `{"events":[{"id":"320678d8","timestamp":"2024-12-05T06:30:00Z","action":"push","target":{"mediaType":"application/vnd.docker.distribution.manifest.v2+json","size":708,"digest":"sha256:dd","repository":"hello","tag":"v3"}},{"id":"320678d9","action":"push","target":{"mediaType":"application/octet-stream","digest":"sha256:ee","repository":"hello"}}]}`,
		registry.Push{Repository: "hello", Tag: "v3", Digest: "sha256:dd", Time: time.Date(2024, 12, 5, 6, 30, 0, 0, time.UTC)}},
	{"ecr", `{"version":"0","id":"13cde686-328b-6117-af20-0e5566167482","detail-type":"ECR Image Action","source":"aws.ecr","account":"123456789012","time":"2024-12-05T06:30:00Z","region":"us-west-2","resources":[],"detail":{"result":"SUCCESS","repository-name":"my-repository-name","image-digest":"sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd1234","action-type":"PUSH","image-tag":"latest"}}`,
		registry.Push{Repository: "my-repository-name", Tag: "latest", Digest: "sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd1234", Time: time.Date(2024, 12, 5, 6, 30, 0, 0, time.UTC)}},
}

func TestParsePushes(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range pushPayloads {
		t.Run(tc.source, func(t *testing.T) {
			got, err := registry.ParsePushes(tc.source, []byte(tc.body), now)
			if err != nil || len(got) != 1 {
				t.Fatalf("ParsePushes: %+v, %v", got, err)
			}
			p := got[0]
			if p.Key == "" {
				t.Error("no key to tell a redelivery by")
			}
			p.Key = ""
			if p != tc.want {
				t.Errorf("push %+v, want %+v", p, tc.want)
			}
		})
	}
}

func TestParsePushesRefusesAndIgnores(t *testing.T) {
	now := time.Now()
	for _, tc := range []struct {
		source, body string
		notPush      bool
	}{
		{"harbor", `{"type":"PULL_ARTIFACT","event_data":{"resources":[],"repository":{"repo_full_name":"a/b"}}}`, true},
		{"distribution", `{"events":[{"id":"1","action":"pull","target":{"mediaType":"application/vnd.oci.image.manifest.v1+json","repository":"a","tag":"v"}}]}`, true},
		{"distribution", `{"events":[{"id":"1","action":"push","target":{"mediaType":"application/vnd.oci.image.manifest.v1+json","repository":"a","digest":"sha256:1"}}]}`, true},
		{"ecr", `{"id":"x","detail-type":"ECR Image Action","source":"aws.ecr","detail":{"result":"SUCCESS","repository-name":"r","action-type":"DELETE"}}`, true},
		{"harbor", `{"type":"PUSH_ARTIFACT"}`, false},
		{"acr", `{"push_data":{"tag":""},"repository":{"repo_full_name":"a/b"}}`, false},
		{"dockerhub", `{"push_data":{"tag":"v"}}`, false},
		{"distribution", `{"nothing":1}`, false},
		{"ecr", `{"id":"x","source":"aws.s3","detail":{}}`, false},
		{"harbor", `{"type":`, false},
	} {
		_, err := registry.ParsePushes(tc.source, []byte(tc.body), now)
		var m *registry.MalformedError
		switch {
		case tc.notPush && !errors.Is(err, registry.ErrNotPush):
			t.Errorf("%s %s: %v, want not a push", tc.source, tc.body, err)
		case !tc.notPush && !errors.As(err, &m):
			t.Errorf("%s %s: %v, want malformed", tc.source, tc.body, err)
		}
	}
}
