package registry_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/wheelhouse-dev/wheelhouse/internal/registry"
	"github.com/wheelhouse-dev/wheelhouse/internal/registry/registrytest"
)

// The ECR fixture is ecrfake_test.go.

// TestECRFixtureSignsTheDocumentExample checks the fixture's own SigV4
// against the example of AWS's Signature Version 4 documents (IAM
// ListUsers, 20150830T123600Z, the AKIDEXAMPLE key), so that the fixture
// is known right independently of the SDK that signs the adapter's
// requests.
func TestECRFixtureSignsTheDocumentExample(t *testing.T) {
	headers := [][2]string{{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}, {"Host", "iam.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}}
	q := url.Values{"Action": {"ListUsers"}, "Version": {"2010-05-08"}}
	got := sigv4Signature(http.MethodGet, "/", q, headers, nil, "20150830T123600Z", "us-east-1", "iam", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
	if got != "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7" {
		t.Fatalf("signature %s", got)
	}
}

// ecr starts a fixture and returns it with an adapter using the key pair
// and endpoint as the registry's v2 API ("" for the shared registry).
func ecr(t *testing.T, id, secret, endpoint string) (*ecrFake, registry.Adapter) {
	t.Helper()
	f := newECRFake(basicDigest)
	srv := serve(t, f.ServeHTTP)
	if endpoint == "" {
		endpoint = basic.URL
	}
	return f, open(t, ecrConfig(srv.URL, id, secret, endpoint))
}

func ecrConfig(api, id, secret, endpoint string) registry.Config {
	return registry.Config{Type: registry.TypeECR, Endpoint: endpoint, Insecure: true,
		Settings:   map[string]string{"region": ecrRegion, "registryId": ecrAccount, "apiEndpoint": api},
		Credential: cloudCred("aws", "accessKeyId", id, "secretAccessKey", secret)}
}

func TestECRCheckTellsFailuresApart(t *testing.T) {
	for _, tc := range []struct {
		name, id, secret, api, want string
	}{
		{name: "right key", id: "AKIAADMIN", secret: "admin-secret"},
		{name: "wrong secret", id: "AKIAADMIN", secret: "nope", want: registry.ReasonUnauthorized},
		{name: "unknown key", id: "AKIANOBODY", secret: "admin-secret", want: registry.ReasonUnauthorized},
		{name: "IAM denies", id: "AKIANOPERM", secret: "noperm-secret", want: registry.ReasonForbidden},
		{name: "nothing listening", id: "AKIAADMIN", secret: "admin-secret", api: unreachable, want: registry.ReasonUnreachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, a := ecr(t, tc.id, tc.secret, "")
			if tc.api != "" {
				a = open(t, ecrConfig(tc.api, tc.id, tc.secret, basic.URL))
			}
			err := a.Check(t.Context())
			if got := reason(err); (tc.want == "" && err != nil) || (tc.want != "" && got != tc.want) {
				t.Fatalf("Check: %v (%s), want %q", err, got, tc.want)
			}
		})
	}
	cfg := ecrConfig(unreachable, "AKIAADMIN", "admin-secret", basic.URL)
	cfg.Credential = login(user, password)
	if _, err := registry.New(cfg); reason(err) != registry.ReasonInvalid {
		t.Fatalf("a registry login as the ECR credential: %v", err)
	}
}

func TestECRLoginIsTheAuthorizationToken(t *testing.T) {
	f, a := ecr(t, "AKIAADMIN", "admin-secret", "")
	l, err := a.Login(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := &registry.Login{Host: basic.Host, Username: "AWS", Password: ecrPassword, ExpiresAt: &f.expire}
	if diff := cmp.Diff(want, l); diff != "" {
		t.Fatalf("login (-want +got):\n%s", diff)
	}
}

func TestECRRepositories(t *testing.T) {
	f, a := ecr(t, "AKIAADMIN", "admin-secret", "")
	ctx := t.Context()
	if a.HasNamespaces() {
		t.Fatal("ECR has no namespaces")
	}
	if l, err := a.Namespaces(ctx, registry.Page{Limit: 10}); err != nil || len(l.Items) != 0 {
		t.Fatalf("namespaces: %+v %v", l, err)
	}
	l, err := a.Repositories(ctx, "", registry.Page{Limit: 2})
	want := []registry.Repository{{Name: "other/thing", Tags: -1, UpdatedAt: &ecrT0}, {Name: "team/app", Tags: -1, UpdatedAt: ptr(ecrT0.Add(time.Hour))}}
	if diff := cmp.Diff(want, l.Items); err != nil || diff != "" || l.Total != -1 || l.Continue == "" {
		t.Fatalf("first page (-want +got): %v\n%s", err, diff)
	}
	names, tokens := collect(t, 2, "", func(p registry.Page) (*registry.List[registry.Repository], error) { return a.Repositories(ctx, "", p) },
		func(r registry.Repository) string { return r.Name })
	if !slices.Equal(names, f.repos) || len(tokens) != 2 {
		t.Fatalf("all: %v %v", names, tokens)
	}
	// ECR filters by exact name only: the adapter filters, and still
	// returns no more than the limit, losing nothing between pages.
	for _, tc := range []struct {
		namespace, filter string
		want              []string
	}{
		{"", "team", []string{"team/app", "team/tools", "team/zeta"}},
		{"team", "", []string{"team/app", "team/tools", "team/zeta"}},
		{"", "o", []string{"other/thing", "team/tools"}},
	} {
		p := registry.Page{Limit: 2, Filter: tc.filter}
		var got []string
		for range 10 {
			l, err := a.Repositories(ctx, tc.namespace, p)
			if err != nil || len(l.Items) > 2 {
				t.Fatalf("%q/%q: %+v %v", tc.namespace, tc.filter, l, err)
			}
			for _, r := range l.Items {
				got = append(got, r.Name)
			}
			if p.Continue = l.Continue; p.Continue == "" {
				break
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("namespace %q filter %q: %v, want %v", tc.namespace, tc.filter, got, tc.want)
		}
	}
}

func TestECRTags(t *testing.T) {
	// A registry that takes the ECR token, as ECR's registry does.
	reg, err := registrytest.Start(t.TempDir(), registrytest.Options{Username: "AWS", Password: ecrPassword})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(reg.Stop)
	digest, err := reg.Push("team/app", "v1", "AWS", ecrPassword, platforms, 128)
	if err != nil {
		t.Fatal(err)
	}
	f := newECRFake(digest)
	srv := serve(t, f.ServeHTTP)
	a := open(t, ecrConfig(srv.URL, "AKIAADMIN", "admin-secret", reg.URL))
	ctx := t.Context()

	l, err := a.Tags(ctx, "team/app", registry.Page{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if last := f.last("DescribeImages "); !strings.Contains(last, `"tagStatus":"TAGGED"`) || !strings.Contains(last, `"repositoryName":"team/app"`) {
		t.Fatalf("asked %s", last)
	}
	// v1's platforms come from the v2 API, logged in with the token.
	want := []registry.Tag{
		{Name: "v1", Digest: digest, MediaType: ecrList, Size: 3000, PushedAt: &ecrT0, Platforms: basicPlatforms},
		{Name: "latest", Digest: "sha256:" + strings.Repeat("e", 64), MediaType: ecrManifest, Size: 1000, PushedAt: ptr(ecrT0.Add(time.Minute))},
		{Name: "stable", Digest: "sha256:" + strings.Repeat("e", 64), MediaType: ecrManifest, Size: 1000, PushedAt: ptr(ecrT0.Add(time.Minute))},
		{Name: "old", Digest: "sha256:" + strings.Repeat("f", 64), MediaType: ecrManifest, Size: 500, PushedAt: ptr(ecrT0.Add(-time.Hour))},
	}
	if diff := cmp.Diff(want, l.Items); diff != "" || l.Total != -1 || l.Continue != "" {
		t.Fatalf("tags (-want +got):\n%s", diff)
	}
	// Pages hold images; the token is ECR's nextToken.
	names, tokens := collect(t, 1, "", func(p registry.Page) (*registry.List[registry.Tag], error) { return a.Tags(ctx, "team/app", p) },
		func(t registry.Tag) string { return t.Name })
	if !slices.Equal(names, []string{"v1", "latest", "stable", "old"}) || len(tokens) != 2 {
		t.Fatalf("paged: %v %v", names, tokens)
	}
	if l, err := a.Tags(ctx, "team/app", registry.Page{Limit: 10, Filter: "st"}); err != nil || len(l.Items) != 2 || l.Items[0].Name != "latest" {
		t.Fatalf("filtered: %+v %v", l, err)
	}
	if _, err := a.Tags(ctx, "nope", registry.Page{Limit: 10}); reason(err) != registry.ReasonNotFound {
		t.Fatalf("missing repository: %v", err)
	}
}

func TestECRDeleteTag(t *testing.T) {
	f, a := ecr(t, "AKIAADMIN", "admin-secret", "")
	ctx := t.Context()
	if err := a.DeleteTag(ctx, "team/app", "stable"); err != nil {
		t.Fatal(err)
	}
	if last := f.last("BatchDeleteImage "); !strings.Contains(last, `"imageIds":[{"imageTag":"stable"}]`) || !strings.Contains(last, `"repositoryName":"team/app"`) {
		t.Fatalf("asked %s", last)
	}
	_, ro := ecr(t, "AKIAREADONLY", "read-secret", "")
	for _, tc := range []struct {
		name      string
		a         registry.Adapter
		repo, tag string
		want      string
	}{
		{"the tag is gone", a, "team/app", "stable", registry.ReasonNotFound},
		{"no such repository", a, "nope", "v1", registry.ReasonNotFound},
		{"IAM denies the delete", ro, "team/app", "v1", registry.ReasonForbidden},
	} {
		if err := tc.a.DeleteTag(ctx, tc.repo, tc.tag); reason(err) != tc.want {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.want)
		}
	}
}
