package registry_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/wheelhouse-dev/wheelhouse/internal/registry"
)

// harborFake answers as Harbor's REST API v2.0 does, following Harbor's
// swagger document (goharbor/harbor api/v2.0/swagger.yaml): basic
// authentication, where credentials Harbor cannot verify make the request
// anonymous rather than refused; GET /users/current answering 401 to an
// anonymous caller and 412 to a robot account (a non-local security
// context); list endpoints paged by page (1-based) and page_size (at most
// 100, else 422) with the total in X-Total-Count and filtered by q
// ("k=v" exact, "k=~v" fuzzy); repository names holding "/" encoded twice
// in paths (a/b → a%252Fb); errors as {"errors":[{"code","message"}]}.
type harborFake struct {
	calls

	mu        sync.Mutex
	users     map[string]harborAccount
	projects  []hProject
	repos     []hRepository
	artifacts map[string][]*hArtifact
}

// harborAccount is a user or a robot and its role per project.
type harborAccount struct {
	password string
	robot    bool
	roles    map[string]string
}

// The swagger's definitions, as far as the fixture serves them.
type hProject struct {
	ProjectID    int               `json:"project_id"`
	Name         string            `json:"name"`
	CreationTime time.Time         `json:"creation_time"`
	RepoCount    int               `json:"repo_count"`
	Metadata     map[string]string `json:"metadata"`
}

type hRepository struct {
	ID            int       `json:"id"`
	ProjectID     int       `json:"project_id"`
	Name          string    `json:"name"`
	ArtifactCount int       `json:"artifact_count"`
	UpdateTime    time.Time `json:"update_time"`
}

type hArtifact struct {
	ID                int            `json:"id"`
	Type              string         `json:"type"`
	MediaType         string         `json:"media_type"`
	ManifestMediaType string         `json:"manifest_media_type"`
	Digest            string         `json:"digest"`
	Size              int64          `json:"size"`
	PushTime          time.Time      `json:"push_time"`
	ExtraAttrs        map[string]any `json:"extra_attrs,omitempty"`
	References        []hReference   `json:"references,omitempty"`
	Tags              []hTag         `json:"tags,omitempty"`
}

type hReference struct {
	ChildDigest string     `json:"child_digest"`
	Platform    *hPlatform `json:"platform,omitempty"`
}

type hPlatform struct {
	OS           string `json:"os"`
	Architecture string `json:"architecture"`
	Variant      string `json:"variant,omitempty"`
}

type hTag struct {
	Name     string    `json:"name"`
	PushTime time.Time `json:"push_time"`
}

var harborT0 = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)

const (
	harborIndex = "application/vnd.oci.image.index.v1+json"
	harborImage = "application/vnd.oci.image.manifest.v1+json"
)

func newHarborFake() *harborFake {
	f := &harborFake{
		users: map[string]harborAccount{
			"alice":    {password: "alice-pw", roles: map[string]string{"team": "developer", "private": "developer"}},
			"guest":    {password: "guest-pw", roles: map[string]string{"team": "guest"}},
			"robot$ci": {password: "robot-secret", robot: true, roles: map[string]string{"team": "developer"}},
		},
		artifacts: map[string][]*hArtifact{},
	}
	add := func(name string, public bool) {
		f.projects = append(f.projects, hProject{ProjectID: len(f.projects) + 1, Name: name, CreationTime: harborT0.Add(time.Duration(len(f.projects)) * time.Hour),
			Metadata: map[string]string{"public": strconv.FormatBool(public)}})
	}
	add("library", true)
	add("team", false)
	add("private", false)
	for i := range 120 {
		name := fmt.Sprintf("bulk-%03d", i)
		add(name, false)
		f.users["alice"].roles[name] = "developer"
	}
	slices.SortFunc(f.projects, func(a, b hProject) int { return strings.Compare(a.Name, b.Name) })

	f.artifacts["team/tools/build"] = []*hArtifact{
		{ID: 1, Type: "IMAGE", MediaType: harborIndex, ManifestMediaType: harborIndex, Digest: "sha256:" + strings.Repeat("a", 64), Size: 4096, PushTime: harborT0,
			References: []hReference{
				{ChildDigest: "sha256:" + strings.Repeat("1", 64), Platform: &hPlatform{OS: "linux", Architecture: "amd64"}},
				{ChildDigest: "sha256:" + strings.Repeat("2", 64), Platform: &hPlatform{OS: "linux", Architecture: "arm64", Variant: "v8"}},
			},
			Tags: []hTag{{Name: "v1", PushTime: harborT0.Add(time.Minute)}, {Name: "latest", PushTime: harborT0.Add(2 * time.Minute)}}},
		{ID: 2, Type: "IMAGE", MediaType: harborImage, ManifestMediaType: harborImage, Digest: "sha256:" + strings.Repeat("b", 64), Size: 1024, PushTime: harborT0.Add(-time.Hour),
			ExtraAttrs: map[string]any{"os": "linux", "architecture": "amd64", "author": "ci"},
			Tags:       []hTag{{Name: "v0.9", PushTime: harborT0.Add(-time.Hour)}}},
		{ID: 3, Type: "IMAGE", MediaType: harborImage, ManifestMediaType: harborImage, Digest: "sha256:" + strings.Repeat("c", 64), Size: 512, PushTime: harborT0.Add(-2 * time.Hour)},
	}
	f.artifacts["team/app"] = []*hArtifact{{ID: 4, Type: "IMAGE", MediaType: harborImage, ManifestMediaType: harborImage, Digest: "sha256:" + strings.Repeat("d", 64), Size: 256, PushTime: harborT0,
		Tags: []hTag{{Name: "stable", PushTime: harborT0}}}}
	f.artifacts["library/nginx"] = nil
	f.artifacts["private/secret"] = nil
	for _, name := range []string{"library/nginx", "private/secret", "team/app", "team/tools/build"} {
		project, _, _ := strings.Cut(name, "/")
		f.repos = append(f.repos, hRepository{ID: len(f.repos) + 1, ProjectID: f.project(project).ProjectID, Name: name,
			ArtifactCount: len(f.artifacts[name]), UpdateTime: harborT0.Add(time.Duration(len(f.repos)) * time.Minute)})
		f.project(project).RepoCount++
	}
	return f
}

func (f *harborFake) project(name string) *hProject {
	for i := range f.projects {
		if f.projects[i].Name == name {
			return &f.projects[i]
		}
	}
	return nil
}

func harborError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"errors": []map[string]string{{"code": code, "message": msg}}})
}

// caller is who the request authenticates as; nil when anonymous,
// wrong credentials included (Harbor's security middleware falls back to
// an anonymous context).
func (f *harborFake) caller(r *http.Request) (string, *harborAccount) {
	u, p, ok := r.BasicAuth()
	if !ok {
		return "", nil
	}
	a, found := f.users[u]
	if !found || a.password != p {
		return "", nil
	}
	return u, &a
}

// access checks the caller may read (or, with write, change) project.
func (f *harborFake) access(w http.ResponseWriter, a *harborAccount, project string, write bool) bool {
	p := f.project(project)
	if p == nil {
		harborError(w, http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("project %s not found", project))
		return false
	}
	role := ""
	if a != nil {
		role = a.roles[project]
	}
	allowed := role != "" || (!write && p.Metadata["public"] == "true")
	if write {
		allowed = role == "developer"
	}
	switch {
	case allowed:
		return true
	case a == nil:
		harborError(w, http.StatusUnauthorized, "UNAUTHORIZED", "unauthorized")
	default:
		harborError(w, http.StatusForbidden, "FORBIDDEN", "forbidden")
	}
	return false
}

// harborQuery parses q into its keys, each exact ("k=v") or fuzzy
// ("k=~v").
func harborQuery(q string) map[string][2]string {
	out := map[string][2]string{}
	for part := range strings.SplitSeq(q, ",") {
		if k, v, ok := strings.Cut(part, "=~"); ok {
			out[k] = [2]string{"~", v}
		} else if k, v, ok := strings.Cut(part, "="); ok {
			out[k] = [2]string{"=", v}
		}
	}
	return out
}

func harborMatch(cond [2]string, values ...string) bool {
	for _, v := range values {
		if (cond[0] == "~" && strings.Contains(v, cond[1])) || (cond[0] == "=" && v == cond[1]) {
			return true
		}
	}
	return false
}

// page writes the page of items the query asks for, with X-Total-Count.
func harborPage[T any](w http.ResponseWriter, r *http.Request, items []T) {
	q := r.URL.Query()
	page, size := 1, 10
	if s := q.Get("page"); s != "" {
		page, _ = strconv.Atoi(s)
	}
	if s := q.Get("page_size"); s != "" {
		size, _ = strconv.Atoi(s)
	}
	if size > 100 || size < 1 || page < 1 {
		harborError(w, http.StatusUnprocessableEntity, "UNPROCESSABLE_ENTITY", "validation failure list:\npage_size in query should be less than or equal to 100")
		return
	}
	w.Header().Set("X-Total-Count", strconv.Itoa(len(items)))
	writeJSON(w, http.StatusOK, pageOf(items, page, size))
}

func (f *harborFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.add(r.Method + " " + r.URL.EscapedPath() + "?" + r.URL.RawQuery)
	f.mu.Lock()
	defer f.mu.Unlock()
	path, ok := strings.CutPrefix(r.URL.Path, "/api/v2.0/")
	if !ok {
		harborError(w, http.StatusNotFound, "NOT_FOUND", "no such API")
		return
	}
	// Routes match the once-decoded path, as Harbor's router does: a
	// repository name encoded only once has its "/" split the route.
	seg := strings.Split(path, "/")
	name, account := f.caller(r)
	q := harborQuery(r.URL.Query().Get("q"))
	switch {
	case r.Method == http.MethodGet && path == "users/current":
		switch {
		case account == nil:
			harborError(w, http.StatusUnauthorized, "UNAUTHORIZED", "UnAuthorize")
		case account.robot:
			harborError(w, http.StatusPreconditionFailed, "PRECONDITION", "local security context not found")
		default:
			writeJSON(w, http.StatusOK, map[string]any{"user_id": 3, "username": name})
		}
	case r.Method == http.MethodGet && path == "projects":
		var out []hProject
		for _, p := range f.projects {
			visible := p.Metadata["public"] == "true" || (account != nil && account.roles[p.Name] != "")
			if cond, ok := q["name"]; visible && (!ok || harborMatch(cond, p.Name)) {
				out = append(out, p)
			}
		}
		harborPage(w, r, out)
	case r.Method == http.MethodGet && path == "repositories":
		var out []hRepository
		for _, repo := range f.repos {
			project, _, _ := strings.Cut(repo.Name, "/")
			visible := f.project(project).Metadata["public"] == "true" || (account != nil && account.roles[project] != "")
			if cond, ok := q["name"]; visible && (!ok || harborMatch(cond, repo.Name)) {
				out = append(out, repo)
			}
		}
		harborPage(w, r, out)
	case r.Method == http.MethodGet && len(seg) == 3 && seg[0] == "projects" && seg[2] == "repositories":
		if !f.access(w, account, seg[1], false) {
			return
		}
		var out []hRepository
		for _, repo := range f.repos {
			if cond, ok := q["name"]; strings.HasPrefix(repo.Name, seg[1]+"/") && (!ok || harborMatch(cond, repo.Name)) {
				out = append(out, repo)
			}
		}
		harborPage(w, r, out)
	case len(seg) >= 5 && seg[0] == "projects" && seg[2] == "repositories" && seg[4] == "artifacts":
		f.artifactRoute(w, r, account, seg, q)
	default:
		harborError(w, http.StatusNotFound, "NOT_FOUND", "no such API")
	}
}

// artifactRoute serves /projects/{p}/repositories/{r}/artifacts and the
// tag deletion under it.
func (f *harborFake) artifactRoute(w http.ResponseWriter, r *http.Request, account *harborAccount, seg []string, q map[string][2]string) {
	inner, err := url.PathUnescape(seg[3])
	if err != nil {
		harborError(w, http.StatusBadRequest, "BAD_REQUEST", err.Error())
		return
	}
	repo := seg[1] + "/" + inner
	write := r.Method == http.MethodDelete
	if !f.access(w, account, seg[1], write) {
		return
	}
	arts, found := f.artifacts[repo]
	if !found {
		harborError(w, http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("repository %s not found", repo))
		return
	}
	switch {
	case r.Method == http.MethodGet && len(seg) == 5:
		withTag := r.URL.Query().Get("with_tag") != "false"
		var out []hArtifact
		for _, a := range arts {
			names := []string{}
			for _, t := range a.Tags {
				names = append(names, t.Name)
			}
			if cond, ok := q["tags"]; ok && !harborMatch(cond, names...) {
				continue
			}
			c := *a
			if !withTag {
				c.Tags = nil
			}
			out = append(out, c)
		}
		harborPage(w, r, out)
	case write && len(seg) == 8 && seg[6] == "tags":
		ref, tag := seg[5], seg[7]
		for _, a := range arts {
			if a.Digest != ref && !slices.ContainsFunc(a.Tags, func(t hTag) bool { return t.Name == ref }) {
				continue
			}
			i := slices.IndexFunc(a.Tags, func(t hTag) bool { return t.Name == tag })
			if i < 0 {
				harborError(w, http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("tag %s not found", tag))
				return
			}
			a.Tags = slices.Delete(a.Tags, i, i+1)
			w.WriteHeader(http.StatusOK)
			return
		}
		harborError(w, http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("artifact %s:%s not found", repo, ref))
	default:
		harborError(w, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "method not allowed")
	}
}

// harbor starts a fixture and returns it with an adapter logged in as
// user (anonymous when empty).
func harbor(t *testing.T, user, password string) (*harborFake, registry.Adapter) {
	t.Helper()
	f := newHarborFake()
	srv := serve(t, f.ServeHTTP)
	cfg := registry.Config{Type: registry.TypeHarbor, Endpoint: srv.URL, Insecure: true}
	if user != "" {
		cfg.Credential = login(user, password)
	}
	return f, open(t, cfg)
}

func TestHarborCheckTellsFailuresApart(t *testing.T) {
	for _, tc := range []struct {
		name, user, password string
		endpoint             string
		want                 string
	}{
		{name: "user", user: "alice", password: "alice-pw"},
		// A robot account is no local user: /users/current answers 412.
		{name: "robot account", user: "robot$ci", password: "robot-secret"},
		{name: "anonymous reads public projects"},
		{name: "wrong password", user: "alice", password: "nope", want: registry.ReasonUnauthorized},
		{name: "wrong robot secret", user: "robot$ci", password: "nope", want: registry.ReasonUnauthorized},
		{name: "nothing listening", user: "alice", password: "alice-pw", endpoint: unreachable, want: registry.ReasonUnreachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, a := harbor(t, tc.user, tc.password)
			if tc.endpoint != "" {
				a = open(t, registry.Config{Type: registry.TypeHarbor, Endpoint: tc.endpoint, Insecure: true, Credential: login(tc.user, tc.password)})
			}
			err := a.Check(t.Context())
			if got := reason(err); (tc.want == "" && err != nil) || (tc.want != "" && got != tc.want) {
				t.Fatalf("Check: %v (%s), want %q", err, got, tc.want)
			}
		})
	}
}

func TestHarborNamespacesPageAtMost100(t *testing.T) {
	f, a := harbor(t, "alice", "alice-pw")
	ctx := t.Context()
	names, tokens := collect(t, 50, "", func(p registry.Page) (*registry.List[registry.Namespace], error) { return a.Namespaces(ctx, p) },
		func(n registry.Namespace) string { return n.Name })
	if len(names) != 123 || names[0] != "bulk-000" || names[122] != "team" || !slices.Equal(tokens, []string{"2", "3"}) {
		t.Fatalf("%d namespaces %v…, tokens %v", len(names), names[:3], tokens)
	}
	// 250 asked for: Harbor serves 100 a page and says the total.
	l, err := a.Namespaces(ctx, registry.Page{Limit: 250})
	if err != nil || len(l.Items) != 100 || l.Total != 123 || l.Continue != "2" {
		t.Fatalf("a page of 250: %d items, total %d, continue %q, %v", len(l.Items), l.Total, l.Continue, err)
	}
	if last := f.last(""); !strings.Contains(last, "page_size=100") {
		t.Fatalf("asked %s", last)
	}
	l, err = a.Namespaces(ctx, registry.Page{Limit: 10, Filter: "te"})
	if err != nil {
		t.Fatal(err)
	}
	public, private := true, false
	created := harborT0.Add(time.Hour)
	want := []registry.Namespace{
		{Name: "private", Repositories: 1, Public: &private, CreatedAt: ptr(harborT0.Add(2 * time.Hour))},
		{Name: "team", Repositories: 2, Public: &private, CreatedAt: &created},
	}
	if diff := cmp.Diff(want, l.Items); diff != "" || l.Total != 2 || l.Continue != "" {
		t.Fatalf("filtered (-want +got):\n%s total %d continue %q", diff, l.Total, l.Continue)
	}
	if !strings.Contains(f.last(""), "q=name%3D~te") {
		t.Fatalf("the filter was not sent as q: %s", f.last(""))
	}
	_, anon := harbor(t, "", "")
	l, err = anon.Namespaces(ctx, registry.Page{Limit: 10})
	if err != nil || len(l.Items) != 1 || *l.Items[0].Public != public {
		t.Fatalf("anonymous: %+v %v", l, err)
	}
}

func ptr[T any](v T) *T { return &v }

func TestHarborRepositories(t *testing.T) {
	_, a := harbor(t, "alice", "alice-pw")
	ctx := t.Context()
	l, err := a.Repositories(ctx, "team", registry.Page{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	want := []registry.Repository{
		{Name: "team/app", Namespace: "team", Tags: 1, UpdatedAt: ptr(harborT0.Add(2 * time.Minute))},
		{Name: "team/tools/build", Namespace: "team", Tags: 3, UpdatedAt: ptr(harborT0.Add(3 * time.Minute))},
	}
	if diff := cmp.Diff(want, l.Items); diff != "" || l.Total != 2 {
		t.Fatalf("team (-want +got):\n%s", diff)
	}
	names, tokens := collect(t, 1, "", func(p registry.Page) (*registry.List[registry.Repository], error) { return a.Repositories(ctx, "", p) },
		func(r registry.Repository) string { return r.Name })
	if !slices.Equal(names, []string{"library/nginx", "private/secret", "team/app", "team/tools/build"}) || len(tokens) != 3 {
		t.Fatalf("all repositories one by one: %v %v", names, tokens)
	}
	if l, err := a.Repositories(ctx, "team", registry.Page{Limit: 10, Filter: "tools"}); err != nil || len(l.Items) != 1 || l.Items[0].Name != "team/tools/build" {
		t.Fatalf("filtered: %+v %v", l, err)
	}

	for _, tc := range []struct {
		name, user, password, namespace, want string
	}{
		{"not a member", "guest", "guest-pw", "private", registry.ReasonForbidden},
		{"anonymous in a private project", "", "", "private", registry.ReasonUnauthorized},
		{"no such project", "alice", "alice-pw", "nope", registry.ReasonNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, a := harbor(t, tc.user, tc.password)
			if _, err := a.Repositories(ctx, tc.namespace, registry.Page{Limit: 10}); reason(err) != tc.want {
				t.Fatalf("%v, want %s", err, tc.want)
			}
		})
	}
}

func TestHarborTagsOfANameWithSlash(t *testing.T) {
	f, a := harbor(t, "alice", "alice-pw")
	ctx := t.Context()
	l, err := a.Tags(ctx, "team/tools/build", registry.Page{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if last := f.last(""); !strings.HasPrefix(last, "GET /api/v2.0/projects/team/repositories/tools%252Fbuild/artifacts?") || !strings.Contains(last, "with_tag=true") {
		t.Fatalf("asked %s, want tools/build encoded twice", last)
	}
	index := []registry.Platform{{OS: "linux", Architecture: "amd64"}, {OS: "linux", Architecture: "arm64", Variant: "v8"}}
	want := []registry.Tag{
		{Name: "v1", Digest: "sha256:" + strings.Repeat("a", 64), MediaType: harborIndex, Size: 4096, PushedAt: ptr(harborT0.Add(time.Minute)), Platforms: index},
		{Name: "latest", Digest: "sha256:" + strings.Repeat("a", 64), MediaType: harborIndex, Size: 4096, PushedAt: ptr(harborT0.Add(2 * time.Minute)), Platforms: index},
		{Name: "v0.9", Digest: "sha256:" + strings.Repeat("b", 64), MediaType: harborImage, Size: 1024, PushedAt: ptr(harborT0.Add(-time.Hour)),
			Platforms: []registry.Platform{{OS: "linux", Architecture: "amd64"}}},
		{Digest: "sha256:" + strings.Repeat("c", 64), MediaType: harborImage, Size: 512, PushedAt: ptr(harborT0.Add(-2 * time.Hour))},
	}
	if diff := cmp.Diff(want, l.Items); diff != "" || l.Total != 3 || l.Continue != "" {
		t.Fatalf("tags (-want +got):\n%s total %d continue %q", diff, l.Total, l.Continue)
	}

	// Pages hold artifacts: two artifacts, then the untagged one.
	names, tokens := collect(t, 2, "", func(p registry.Page) (*registry.List[registry.Tag], error) { return a.Tags(ctx, "team/tools/build", p) },
		func(t registry.Tag) string { return t.Name })
	if !slices.Equal(names, []string{"v1", "latest", "v0.9", ""}) || !slices.Equal(tokens, []string{"2"}) {
		t.Fatalf("paged: %q %v", names, tokens)
	}
	l, err = a.Tags(ctx, "team/tools/build", registry.Page{Limit: 10, Filter: "v"})
	if err != nil || len(l.Items) != 2 || l.Items[0].Name != "v1" || l.Items[1].Name != "v0.9" {
		t.Fatalf("filtered: %+v %v", l, err)
	}
	if last := f.last(""); !strings.Contains(last, "q=tags%3D~v") {
		t.Fatalf("the filter was not sent as q: %s", last)
	}
	for repo, want := range map[string]string{"team/nope": registry.ReasonNotFound, "app": registry.ReasonInvalid} {
		if _, err := a.Tags(ctx, repo, registry.Page{Limit: 10}); reason(err) != want {
			t.Errorf("tags of %s: %v, want %s", repo, err, want)
		}
	}
}

func TestHarborDeleteTag(t *testing.T) {
	f, a := harbor(t, "alice", "alice-pw")
	ctx := t.Context()
	if err := a.DeleteTag(ctx, "team/tools/build", "v0.9"); err != nil {
		t.Fatal(err)
	}
	if last := f.last(""); last != "DELETE /api/v2.0/projects/team/repositories/tools%252Fbuild/artifacts/v0.9/tags/v0.9?" {
		t.Fatalf("asked %s", last)
	}
	l, err := a.Tags(ctx, "team/tools/build", registry.Page{Limit: 10, Filter: "v0"})
	if err != nil || len(l.Items) != 0 {
		t.Fatalf("after the delete: %+v %v", l, err)
	}
	for _, tc := range []struct {
		name, user, password, repo, tag, want string
	}{
		{"the tag is gone", "alice", "alice-pw", "team/tools/build", "v0.9", registry.ReasonNotFound},
		{"no such repository", "alice", "alice-pw", "team/nope", "v1", registry.ReasonNotFound},
		{"a guest cannot delete", "guest", "guest-pw", "team/app", "stable", registry.ReasonForbidden},
		{"anonymous", "", "", "team/app", "stable", registry.ReasonUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := a
			if tc.user != "alice" {
				_, a = harbor(t, tc.user, tc.password)
			}
			if err := a.DeleteTag(ctx, tc.repo, tc.tag); reason(err) != tc.want {
				t.Fatalf("%v, want %s", err, tc.want)
			}
		})
	}
}

func TestHarborLoginIsTheCredential(t *testing.T) {
	_, a := harbor(t, "robot$ci", "robot-secret")
	l, err := a.Login(t.Context())
	if err != nil || l.Username != "robot$ci" || l.Password != "robot-secret" || l.ExpiresAt != nil || l.Host != a.Remote().Host() {
		t.Fatalf("%+v %v", l, err)
	}
}
