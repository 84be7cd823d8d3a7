package registry_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/wheelhouse-dev/wheelhouse/internal/registry"
)

// The TCR fixture is tcrfake_test.go.

// TestTCRFixtureSignsTheDocumentExample checks the fixture's own
// TC3-HMAC-SHA256 against the worked example of Tencent's "Signature v3"
// document (CVM DescribeInstances, timestamp 1551113065), so that the
// fixture is known right independently of the adapter.
func TestTCRFixtureSignsTheDocumentExample(t *testing.T) {
	headers := [][2]string{{"content-type", "application/json; charset=utf-8"}, {"host", "cvm.tencentcloudapi.com"}}
	payload := []byte(`{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}`)
	if got := tc3Signature("POST", "/", "", headers, payload, 1551113065, "cvm", "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"); got != "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168" {
		t.Fatalf("signature %s", got)
	}
}

// tcr starts a fixture and returns it with an adapter using the key
// pair: for the enterprise instance, or with personal for the personal
// edition (CCR), logging in to the shared registry with its account.
func tcr(t *testing.T, id, key string, personal bool) (*tcrFake, registry.Adapter) {
	t.Helper()
	f := newTCRFake(basicDigest)
	srv := serve(t, f.ServeHTTP)
	return f, open(t, tcrConfig(srv.URL, id, key, personal))
}

func tcrConfig(api, id, key string, personal bool) registry.Config {
	cfg := registry.Config{Type: registry.TypeTCR, Endpoint: basic.URL, Insecure: true,
		Settings:   map[string]string{"region": tcrRegion, "registryId": tcrRegistryID, "apiEndpoint": api},
		Credential: cloudCred("tencent", "secretId", id, "secretKey", key)}
	if personal {
		delete(cfg.Settings, "registryId")
		cfg.PullCredential = login(user, password)
	}
	return cfg
}

func TestTCRCheckTellsFailuresApart(t *testing.T) {
	for _, tc := range []struct {
		name, id, key, api string
		personal           bool
		want               string
	}{
		{name: "enterprise", id: "AKIDadmin", key: "admin-key"},
		{name: "personal", id: "AKIDadmin", key: "admin-key", personal: true},
		{name: "wrong key", id: "AKIDadmin", key: "nope", want: registry.ReasonUnauthorized},
		{name: "wrong key, personal", id: "AKIDadmin", key: "nope", personal: true, want: registry.ReasonUnauthorized},
		{name: "unknown SecretId", id: "AKIDnobody", key: "admin-key", want: registry.ReasonUnauthorized},
		{name: "CAM denies", id: "AKIDnocam", key: "nocam-key", want: registry.ReasonForbidden},
		{name: "nothing listening", id: "AKIDadmin", key: "admin-key", api: unreachable, want: registry.ReasonUnreachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, a := tcr(t, tc.id, tc.key, tc.personal)
			if tc.api != "" {
				a = open(t, tcrConfig(tc.api, tc.id, tc.key, tc.personal))
			}
			err := a.Check(t.Context())
			if got := reason(err); (tc.want == "" && err != nil) || (tc.want != "" && got != tc.want) {
				t.Fatalf("Check: %v (%s), want %q", err, got, tc.want)
			}
		})
	}
}

func TestTCRLoginIsAnInstanceToken(t *testing.T) {
	for _, seconds := range []bool{false, true} {
		f, a := tcr(t, "AKIDadmin", "admin-key", false)
		f.expSeconds = seconds
		l, err := a.Login(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		want := &registry.Login{Host: basic.Host, Username: user, Password: password, ExpiresAt: &f.expire}
		if diff := cmp.Diff(want, l); diff != "" {
			t.Fatalf("ExpTime in seconds %v (-want +got):\n%s", seconds, diff)
		}
		if c := f.all(); len(c) != 1 || !strings.HasPrefix(c[0], "CreateInstanceToken ") || !strings.Contains(c[0], `"TokenType":"temp"`) || !strings.Contains(c[0], `"RegistryId":"`+tcrRegistryID+`"`) {
			t.Fatalf("asked %v", c)
		}
	}
	f, a := tcr(t, "AKIDadmin", "admin-key", true)
	l, err := a.Login(t.Context())
	if err != nil || l.Username != user || l.Password != password || l.ExpiresAt != nil || len(f.all()) != 0 {
		t.Fatalf("personal: %+v %v, calls %v", l, err, f.all())
	}
}

func TestTCRNamespacesOffsetIsAPage(t *testing.T) {
	f, a := tcr(t, "AKIDadmin", "admin-key", false)
	ctx := t.Context()
	names, tokens := collect(t, 4, "", func(p registry.Page) (*registry.List[registry.Namespace], error) { return a.Namespaces(ctx, p) },
		func(n registry.Namespace) string { return n.Name })
	if len(names) != 9 || names[0] != "library" || names[8] != "ns-07" || !slices.Equal(tokens, []string{"2", "3"}) {
		t.Fatalf("%v %v", names, tokens)
	}
	if got := f.offsets["DescribeNamespaces"]; !slices.Equal(got, []int{1, 2, 3}) {
		t.Fatalf("Offsets sent %v, want page numbers 1, 2, 3", got)
	}
	l, err := a.Namespaces(ctx, registry.Page{Limit: 10, Filter: "team"})
	private := false
	want := []registry.Namespace{{Name: "team", Repositories: -1, Public: &private, CreatedAt: ptr(tcrT0.Add(time.Hour))}}
	if diff := cmp.Diff(want, l.Items); err != nil || diff != "" || l.Total != 1 {
		t.Fatalf("filtered (-want +got): %v\n%s", err, diff)
	}
}

func TestTCRRepositories(t *testing.T) {
	_, a := tcr(t, "AKIDadmin", "admin-key", false)
	ctx := t.Context()
	l, err := a.Repositories(ctx, "team", registry.Page{Limit: 10})
	want := []registry.Repository{
		{Name: "team/app", Namespace: "team", Tags: -1, UpdatedAt: &tcrT0},
		{Name: "team/tools/build", Namespace: "team", Tags: -1, UpdatedAt: ptr(tcrT0.Add(time.Minute))},
	}
	if diff := cmp.Diff(want, l.Items); err != nil || diff != "" || l.Total != 2 {
		t.Fatalf("team (-want +got): %v\n%s", err, diff)
	}
	names, tokens := collect(t, 2, "", func(p registry.Page) (*registry.List[registry.Repository], error) { return a.Repositories(ctx, "", p) },
		func(r registry.Repository) string { return r.Name })
	if !slices.Equal(names, []string{"team/app", "team/tools/build", "library/nginx"}) || !slices.Equal(tokens, []string{"2"}) {
		t.Fatalf("%v %v", names, tokens)
	}
	if l, err := a.Repositories(ctx, "", registry.Page{Limit: 10, Filter: "tools"}); err != nil || len(l.Items) != 1 || l.Items[0].Name != "team/tools/build" {
		t.Fatalf("filtered: %+v %v", l, err)
	}
}

func TestTCRTags(t *testing.T) {
	f, a := tcr(t, "AKIDadmin", "admin-key", false)
	ctx := t.Context()
	l, err := a.Tags(ctx, "team/app", registry.Page{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	// v1's platforms come from the registry's v2 API, logged in with the
	// instance token.
	want := []registry.Tag{
		{Name: "v1", Digest: basicDigest, MediaType: basicIndexType, Size: 2048, PushedAt: &tcrT0, Platforms: basicPlatforms},
		{Name: "v2", Digest: "sha256:" + strings.Repeat("7", 64), Size: 1024, PushedAt: ptr(tcrT0.Add(time.Minute))},
		{Name: "old", Digest: "sha256:" + strings.Repeat("8", 64), Size: 512, PushedAt: ptr(tcrT0.Add(-time.Hour))},
	}
	if diff := cmp.Diff(want, l.Items); diff != "" || l.Total != 3 || l.Continue != "" {
		t.Fatalf("tags (-want +got):\n%s", diff)
	}
	names, tokens := collect(t, 2, "", func(p registry.Page) (*registry.List[registry.Tag], error) { return a.Tags(ctx, "team/app", p) },
		func(t registry.Tag) string { return t.Name })
	if !slices.Equal(names, []string{"v1", "v2", "old"}) || !slices.Equal(tokens, []string{"2"}) || !slices.Equal(f.offsets["DescribeImages"][1:], []int{1, 2}) {
		t.Fatalf("paged: %v %v, Offsets %v", names, tokens, f.offsets["DescribeImages"])
	}
	l, err = a.Tags(ctx, "team/app", registry.Page{Limit: 10, Filter: "v"})
	if err != nil || len(l.Items) != 2 || !strings.Contains(f.last("DescribeImages "), `"ImageVersion":"v"`) {
		t.Fatalf("filtered: %+v %v", l, err)
	}
	if _, err := a.Tags(ctx, "team/nope", registry.Page{Limit: 10}); reason(err) != registry.ReasonNotFound {
		t.Fatalf("missing repository: %v", err)
	}
}

func TestTCRDeleteTag(t *testing.T) {
	f, a := tcr(t, "AKIDadmin", "admin-key", false)
	ctx := t.Context()
	if err := a.DeleteTag(ctx, "team/app", "old"); err != nil {
		t.Fatal(err)
	}
	if last := f.last("DeleteImage"); !strings.HasPrefix(last, "DeleteImage ") || !strings.Contains(last, `"NamespaceName":"team"`) ||
		!strings.Contains(last, `"RepositoryName":"app"`) || !strings.Contains(last, `"ImageVersion":"old"`) {
		t.Fatalf("asked %s", last)
	}
	for _, tc := range []struct {
		name, id, key, repo, tag, want string
	}{
		{"the tag is gone", "AKIDadmin", "admin-key", "team/app", "old", registry.ReasonNotFound},
		{"no such repository", "AKIDadmin", "admin-key", "team/nope", "v1", registry.ReasonNotFound},
		{"read-only key", "AKIDreadonly", "read-key", "team/app", "v1", registry.ReasonForbidden},
		{"not namespace/name", "AKIDadmin", "admin-key", "app", "v1", registry.ReasonInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := a
			if tc.id != "AKIDadmin" {
				_, a = tcr(t, tc.id, tc.key, false)
			}
			if err := a.DeleteTag(ctx, tc.repo, tc.tag); reason(err) != tc.want {
				t.Fatalf("%v, want %s", err, tc.want)
			}
		})
	}
}

// digestOf is the digest of repo:tag in the shared registry.
func digestOf(t *testing.T, ref string) string {
	t.Helper()
	r, err := basic.Ref(ref)
	if err != nil {
		t.Fatal(err)
	}
	d, err := remote.Head(r, basic.RemoteOptions(user, password)...)
	if err != nil {
		t.Fatal(err)
	}
	return d.Digest.String()
}

func TestCCRBrowse(t *testing.T) {
	f, a := tcr(t, "AKIDadmin", "admin-key", true)
	ctx := t.Context()
	names, tokens := collect(t, 2, "", func(p registry.Page) (*registry.List[registry.Namespace], error) { return a.Namespaces(ctx, p) },
		func(n registry.Namespace) string { return n.Name })
	if !slices.Equal(names, []string{"alice", "team", "tools"}) || !slices.Equal(tokens, []string{"2"}) {
		t.Fatalf("namespaces %v %v", names, tokens)
	}
	if got := f.offsets["DescribeNamespacePersonal"]; !slices.Equal(got, []int{0, 2}) {
		t.Fatalf("Offsets sent %v, want item offsets 0, 2", got)
	}
	l, err := a.Namespaces(ctx, registry.Page{Limit: 10, Filter: "te"})
	if want := []registry.Namespace{{Name: "team", Repositories: 1, CreatedAt: ptr(tcrT0.Add(time.Hour))}}; err != nil || !cmp.Equal(want, l.Items) {
		t.Fatalf("filtered namespaces: %+v %v", l, err)
	}

	repos, tokens := collect(t, 2, "", func(p registry.Page) (*registry.List[registry.Repository], error) { return a.Repositories(ctx, "", p) },
		func(r registry.Repository) string { return r.Name })
	if !slices.Equal(repos, []string{"alice/hello", "team/app", "tools/lint"}) || !slices.Equal(tokens, []string{"2"}) {
		t.Fatalf("repositories %v %v", repos, tokens)
	}
	rl, err := a.Repositories(ctx, "team", registry.Page{Limit: 10})
	if want := []registry.Repository{{Name: "team/app", Namespace: "team", Tags: 3, UpdatedAt: ptr(tcrT0.Add(time.Minute))}}; err != nil || !cmp.Equal(want, rl.Items) {
		t.Fatalf("repositories of team: %+v %v", rl, err)
	}

	tl, err := a.Tags(ctx, "team/app", registry.Page{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	// Digests and platforms come from the v2 API (the personal API says
	// neither); sizes from the text, or SizeByte where the answer has it.
	amd64 := []registry.Platform{{OS: "linux", Architecture: "amd64"}}
	want := []registry.Tag{
		{Name: "v1", Digest: basicDigest, MediaType: basicIndexType, Size: 128 << 20, PushedAt: &tcrT0, Platforms: basicPlatforms},
		{Name: "v2", Digest: digestOf(t, "team/app:v2"), MediaType: basicIndexType, Size: 1610612736, PushedAt: ptr(tcrT0.Add(time.Minute)), Platforms: amd64},
		{Name: "old", Digest: digestOf(t, "team/app:old"), MediaType: basicIndexType, Size: 524288, PushedAt: ptr(tcrT0.Add(-time.Hour)), Platforms: amd64},
	}
	if diff := cmp.Diff(want, tl.Items); diff != "" || tl.Total != 3 {
		t.Fatalf("tags (-want +got):\n%s", diff)
	}
	names, _ = collect(t, 2, "v", func(p registry.Page) (*registry.List[registry.Tag], error) { return a.Tags(ctx, "team/app", p) },
		func(t registry.Tag) string { return t.Name })
	if !slices.Equal(names, []string{"v1", "v2"}) || !slices.Equal(f.offsets["DescribeImagePersonal"][1:], []int{0}) {
		t.Fatalf("filtered tags %v, Offsets %v", names, f.offsets["DescribeImagePersonal"])
	}

	if err := a.DeleteTag(ctx, "team/app", "old"); err != nil {
		t.Fatal(err)
	}
	if last := f.last("DeleteImagePersonal "); !strings.HasPrefix(last, "DeleteImagePersonal ") || !strings.Contains(last, `"RepoName":"team/app"`) || !strings.Contains(last, `"Tag":"old"`) {
		t.Fatalf("asked %s", last)
	}
	_, ro := tcr(t, "AKIDreadonly", "read-key", true)
	for _, tc := range []struct {
		name      string
		a         registry.Adapter
		repo, tag string
		want      string
	}{
		{"the tag is gone", a, "team/app", "old", registry.ReasonNotFound},
		{"no such repository", a, "team/nope", "v1", registry.ReasonNotFound},
		{"read-only key", ro, "team/app", "v1", registry.ReasonForbidden},
	} {
		if err := tc.a.DeleteTag(ctx, tc.repo, tc.tag); reason(err) != tc.want {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.want)
		}
	}
}
