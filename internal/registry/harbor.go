package registry

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// harbor reaches Harbor through its v2.0 REST API (/api/v2.0), with the
// credential's user name and password (a robot account's too) as basic
// authentication. Repository names inside a project that hold "/" are
// double-encoded in paths; pages hold at most 100 items and the total
// comes in X-Total-Count.
type harbor struct {
	remote *Remote
	base   string
	cred   Login
	client *http.Client
}

// harborMaxPage is the largest page Harbor serves.
const harborMaxPage = 100

func newHarbor(cfg Config, rem *Remote) *harbor {
	h := &harbor{remote: rem, base: strings.TrimSuffix(cfg.Endpoint, "/") + "/api/v2.0", cred: Login{Host: rem.Host()},
		client: &http.Client{Transport: rem.Transport, Timeout: time.Minute}}
	if c := cfg.Credential; c != nil {
		h.cred.Username, h.cred.Password = c.Get("username"), firstOf(c.Get("password"), c.Get("token"))
	}
	rem.login = h.Login
	return h
}

func (h *harbor) Remote() *Remote     { return h.remote }
func (h *harbor) HasNamespaces() bool { return true }

func (h *harbor) Login(context.Context) (*Login, error) {
	l := h.cred
	return &l, nil
}

// get GETs path?q from the API into out and returns X-Total-Count (-1
// when absent).
func (h *harbor) get(ctx context.Context, what, path string, q url.Values, out any) (int, error) {
	hdr, err := h.fetch(ctx, path, q, out)
	if err != nil {
		return 0, Classify(what, err)
	}
	total := -1
	if n, err := strconv.Atoi(hdr.Get("X-Total-Count")); err == nil {
		total = n
	}
	return total, nil
}

// fetch GETs path?q from the API into out, returning what went wrong
// unclassified.
func (h *harbor) fetch(ctx context.Context, path string, q url.Values, out any) (http.Header, error) {
	req, err := newRequest(ctx, http.MethodGet, h.base+path+"?"+q.Encode(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	if h.cred.Username != "" {
		req.SetBasicAuth(h.cred.Username, h.cred.Password)
	}
	return doJSON(h.client, req, out)
}

// pageQuery is the page and page_size of p, with q (Harbor's query
// language) filtering key by the filter.
func pageQuery(p Page, key string) (url.Values, int, error) {
	n, err := pageNumber(p.Continue)
	if err != nil {
		return nil, 0, err
	}
	size := min(p.Limit, harborMaxPage)
	q := url.Values{"page": {strconv.Itoa(n)}, "page_size": {strconv.Itoa(size)}}
	if p.Filter != "" {
		q.Set("q", key+"=~"+p.Filter)
	}
	return q, n, nil
}

// Check asks /users/current who the credentials are, because Harbor
// takes credentials it cannot verify as an anonymous caller and would
// still list public projects. A robot account is no local user: Harbor
// answers it 412 (swagger: "Returns 412 if the caller is authenticated
// via a non-local context such as a robot account"), which proves the
// credentials good.
func (h *harbor) Check(ctx context.Context) error {
	var me struct {
		Username string `json:"username"`
	}
	if h.cred.Username != "" {
		_, err := h.fetch(ctx, "/users/current", nil, &me)
		var se *StatusError
		if err != nil && (!errors.As(err, &se) || se.Status != http.StatusPreconditionFailed) {
			return Classify("log in to Harbor", err)
		}
	}
	_, err := h.get(ctx, "list Harbor projects", "/projects", url.Values{"page_size": {"1"}}, &[]harborProject{})
	return err
}

type harborProject struct {
	Name         string            `json:"name"`
	RepoCount    int               `json:"repo_count"`
	CreationTime *time.Time        `json:"creation_time"`
	Metadata     map[string]string `json:"metadata"`
}

func (h *harbor) Namespaces(ctx context.Context, p Page) (*List[Namespace], error) {
	q, n, err := pageQuery(p, "name")
	if err != nil {
		return nil, err
	}
	var projects []harborProject
	total, err := h.get(ctx, "list Harbor projects", "/projects", q, &projects)
	if err != nil {
		return nil, err
	}
	out := &List[Namespace]{Items: []Namespace{}, Total: total, Continue: nextPage(n, min(p.Limit, harborMaxPage), total, len(projects))}
	for _, pr := range projects {
		public := pr.Metadata["public"] == "true"
		out.Items = append(out.Items, Namespace{Name: pr.Name, Repositories: pr.RepoCount, Public: &public, CreatedAt: pr.CreationTime})
	}
	return out, nil
}

type harborRepository struct {
	Name          string     `json:"name"`
	ArtifactCount int        `json:"artifact_count"`
	UpdateTime    *time.Time `json:"update_time"`
}

func (h *harbor) Repositories(ctx context.Context, namespace string, p Page) (*List[Repository], error) {
	q, n, err := pageQuery(p, "name")
	if err != nil {
		return nil, err
	}
	path := "/repositories"
	if namespace != "" {
		path = "/projects/" + url.PathEscape(namespace) + "/repositories"
	}
	var repos []harborRepository
	total, err := h.get(ctx, "list Harbor repositories", path, q, &repos)
	if err != nil {
		return nil, err
	}
	out := &List[Repository]{Items: []Repository{}, Total: total, Continue: nextPage(n, min(p.Limit, harborMaxPage), total, len(repos))}
	for _, r := range repos {
		ns, _, _ := strings.Cut(r.Name, "/")
		out.Items = append(out.Items, Repository{Name: r.Name, Namespace: ns, Tags: r.ArtifactCount, UpdatedAt: r.UpdateTime})
	}
	return out, nil
}

// repoPath is the API path of a repository "project/name...": the name
// inside the project double-encoded, as Harbor wants for names with "/".
func repoPath(repository string) (string, error) {
	project, rest, ok := strings.Cut(repository, "/")
	if !ok || project == "" || rest == "" {
		return "", &Error{Reason: ReasonInvalid, Field: "repository", Message: fmt.Sprintf("repository %q: a Harbor repository is project/name", repository)}
	}
	return "/projects/" + url.PathEscape(project) + "/repositories/" + url.PathEscape(url.PathEscape(rest)), nil
}

type harborArtifact struct {
	Digest            string     `json:"digest"`
	Size              int64      `json:"size"`
	PushTime          *time.Time `json:"push_time"`
	ManifestMediaType string     `json:"manifest_media_type"`
	ExtraAttrs        struct {
		OS           string `json:"os"`
		Architecture string `json:"architecture"`
	} `json:"extra_attrs"`
	References []struct {
		ChildDigest string `json:"child_digest"`
		Platform    *struct {
			OS           string `json:"os"`
			Architecture string `json:"architecture"`
			Variant      string `json:"variant"`
		} `json:"platform"`
	} `json:"references"`
	Tags []struct {
		Name     string     `json:"name"`
		PushTime *time.Time `json:"push_time"`
	} `json:"tags"`
}

// Tags pages through the repository's artifacts and lists each tag of
// each (an artifact without tags is listed by digest alone).
func (h *harbor) Tags(ctx context.Context, repository string, p Page) (*List[Tag], error) {
	path, err := repoPath(repository)
	if err != nil {
		return nil, err
	}
	q, n, err := pageQuery(p, "tags")
	if err != nil {
		return nil, err
	}
	q.Set("with_tag", "true")
	var arts []harborArtifact
	total, err := h.get(ctx, "list artifacts of "+repository, path+"/artifacts", q, &arts)
	if err != nil {
		return nil, err
	}
	out := &List[Tag]{Items: []Tag{}, Total: total, Continue: nextPage(n, min(p.Limit, harborMaxPage), total, len(arts))}
	for _, a := range arts {
		t := Tag{Digest: a.Digest, MediaType: a.ManifestMediaType, Size: a.Size, PushedAt: a.PushTime}
		for _, r := range a.References {
			if r.Platform != nil {
				t.Platforms = append(t.Platforms, Platform{OS: r.Platform.OS, Architecture: r.Platform.Architecture, Variant: r.Platform.Variant})
			}
		}
		if len(a.References) == 0 && a.ExtraAttrs.OS != "" {
			t.Platforms = []Platform{{OS: a.ExtraAttrs.OS, Architecture: a.ExtraAttrs.Architecture}}
		}
		if len(a.Tags) == 0 {
			out.Items = append(out.Items, t)
		}
		for _, tag := range a.Tags {
			if !strings.Contains(tag.Name, p.Filter) {
				continue
			}
			tt := t
			tt.Name = tag.Name
			if tag.PushTime != nil {
				tt.PushedAt = tag.PushTime
			}
			out.Items = append(out.Items, tt)
		}
	}
	return out, nil
}

func (h *harbor) DeleteTag(ctx context.Context, repository, tag string) error {
	path, err := repoPath(repository)
	if err != nil {
		return err
	}
	u := h.base + path + "/artifacts/" + url.PathEscape(tag) + "/tags/" + url.PathEscape(tag)
	req, err := newRequest(ctx, http.MethodDelete, u, nil)
	if err != nil {
		return err
	}
	if h.cred.Username != "" {
		req.SetBasicAuth(h.cred.Username, h.cred.Password)
	}
	_, err = doJSON(h.client, req, nil)
	return Classify(fmt.Sprintf("delete %s:%s", repository, tag), err)
}
