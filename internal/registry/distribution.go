package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// distribution is any Docker Registry HTTP API v2 / OCI distribution
// registry: the catalog and tag lists paged with n and last, manifests for
// digests, sizes and platforms. The API keeps no push time.
type distribution struct {
	remote *Remote
	cred   *Login
}

func newDistribution(cfg Config, rem *Remote) *distribution {
	d := &distribution{remote: rem, cred: &Login{Host: rem.Host()}}
	if c := cfg.Credential; c != nil {
		d.cred.Username = c.Get("username")
		d.cred.Password = firstOf(c.Get("password"), c.Get("token"))
	}
	rem.login = d.Login
	return d
}

func firstOf(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

func (d *distribution) Remote() *Remote     { return d.remote }
func (d *distribution) HasNamespaces() bool { return false }

func (d *distribution) Login(context.Context) (*Login, error) {
	l := *d.cred
	return &l, nil
}

// Check pings the v2 API with the credentials and reads the catalog's
// first entry. A registry that serves no catalog (Docker Hub) answers the
// ping only.
func (d *distribution) Check(ctx context.Context) error {
	c, reg, err := d.remote.client(ctx, "registry:catalog:*")
	if err != nil {
		return Classify("log in to "+d.remote.Host(), err)
	}
	u := url.URL{Scheme: reg.Scheme(), Host: reg.RegistryStr(), Path: "/v2/"}
	if _, err := getJSON(ctx, c, u.String(), nil); err != nil {
		return Classify("log in to "+d.remote.Host(), err)
	}
	return nil
}

func (d *distribution) Namespaces(context.Context, Page) (*List[Namespace], error) {
	return &List[Namespace]{Items: []Namespace{}, Total: 0}, nil
}

// Repositories pages through the catalog, keeping names that contain the
// filter (the API has no filter of its own) and, with a namespace, those
// under it.
func (d *distribution) Repositories(ctx context.Context, namespace string, p Page) (*List[Repository], error) {
	c, reg, err := d.remote.client(ctx, "registry:catalog:*")
	if err != nil {
		return nil, Classify("list repositories", err)
	}
	out := &List[Repository]{Items: []Repository{}, Total: -1}
	next, err := pageNames(ctx, c, url.URL{Scheme: reg.Scheme(), Host: reg.RegistryStr(), Path: "/v2/_catalog"}, "repositories", p,
		func(name string) (bool, error) {
			if (namespace != "" && !strings.HasPrefix(name, namespace+"/")) || !strings.Contains(name, p.Filter) {
				return false, nil
			}
			ns, _, found := strings.Cut(name, "/")
			if !found {
				ns = ""
			}
			out.Items = append(out.Items, Repository{Name: name, Namespace: ns, Tags: -1})
			return true, nil
		})
	if err != nil {
		return nil, Classify("list repositories", err)
	}
	out.Continue = next
	return out, nil
}

// Tags pages through the tag list and reads each kept tag's manifest.
func (d *distribution) Tags(ctx context.Context, repository string, p Page) (*List[Tag], error) {
	repo, err := d.remote.Repository(repository)
	if err != nil {
		return nil, err
	}
	c, reg, err := d.remote.client(ctx, repo.Scope(transport.PullScope))
	if err != nil {
		return nil, Classify("list tags of "+repository, err)
	}
	out := &List[Tag]{Items: []Tag{}, Total: -1}
	next, err := pageNames(ctx, c, url.URL{Scheme: reg.Scheme(), Host: reg.RegistryStr(), Path: "/v2/" + repository + "/tags/list"}, "tags", p,
		func(tag string) (bool, error) {
			if !strings.Contains(tag, p.Filter) {
				return false, nil
			}
			t, err := d.remote.Describe(ctx, repository, tag)
			if err != nil {
				return false, err
			}
			out.Items = append(out.Items, *t)
			return true, nil
		})
	if err != nil {
		return nil, Classify("list tags of "+repository, err)
	}
	out.Continue = next
	return out, nil
}

// pageNames walks a lexically ordered name list of the v2 API (the catalog
// or a tag list, field naming its array) from after p.Continue, handing
// each name to keep until p.Limit were kept, and returns where the next
// page starts ("" after the last). The registry's Link header says whether
// more follow; registries that ignore n and last (distribution 2.x's tag
// list) answer everything at once, unordered, so each answer is sorted and
// names up to last are skipped here.
func pageNames(ctx context.Context, c *http.Client, u url.URL, field string, p Page, keep func(string) (bool, error)) (string, error) {
	last, kept := p.Continue, 0
	for {
		q := url.Values{"n": {strconv.Itoa(p.Limit)}}
		if last != "" {
			q.Set("last", last)
		}
		u.RawQuery = q.Encode()
		var page map[string]json.RawMessage
		header, err := getJSON(ctx, c, u.String(), &page)
		if err != nil {
			return "", err
		}
		var names []string
		if raw, ok := page[field]; ok {
			if err := json.Unmarshal(raw, &names); err != nil {
				return "", fmt.Errorf("the registry's %s: %w", field, err)
			}
		}
		// Sorted here: distribution 2.x answers its whole tag list at once
		// in storage order.
		slices.Sort(names)
		advanced := false
		for _, name := range names {
			if last != "" && name <= last {
				continue
			}
			last, advanced = name, true
			ok, err := keep(name)
			if err != nil {
				return "", err
			}
			if ok {
				kept++
			}
			if kept == p.Limit {
				return last, nil
			}
		}
		if !advanced || header.Get("Link") == "" {
			return "", nil
		}
	}
}

// DeleteTag removes a tag. Registries that untag on a DELETE of the
// manifest by tag (distribution 3, zot, Harbor's v2 API) do so; where
// manifests can only be deleted by digest (distribution 2.x answers
// DIGEST_INVALID or UNSUPPORTED), the manifest is deleted by digest, which
// is refused while another tag names the same digest: that would delete
// it too.
func (d *distribution) DeleteTag(ctx context.Context, repository, tag string) error {
	what := fmt.Sprintf("delete %s:%s", repository, tag)
	ref, err := d.remote.Reference(repository, tag)
	if err != nil {
		return err
	}
	opts, err := d.remote.Options(ctx)
	if err != nil {
		return err
	}
	desc, err := remote.Head(ref, opts...)
	if err != nil {
		return Classify(what, err)
	}
	err = remote.Delete(ref, opts...)
	var te *transport.Error
	if !errors.As(err, &te) || (te.StatusCode != http.StatusBadRequest && te.StatusCode != http.StatusMethodNotAllowed) {
		return Classify(what, err)
	}
	tags, err := remote.List(ref.Context(), opts...)
	if err != nil {
		return Classify(what, err)
	}
	for _, other := range tags {
		if other == tag {
			continue
		}
		o, err := remote.Head(ref.Context().Tag(other), opts...)
		if err == nil && o.Digest == desc.Digest {
			return &Error{Reason: ReasonInvalid, Field: "tag", Message: fmt.Sprintf(
				"%s: this registry deletes images by digest only, and tag %s names the same image %s; delete both or neither", what, other, desc.Digest)}
		}
	}
	return Classify(what, remote.Delete(ref.Context().Digest(desc.Digest.String()), opts...))
}

// getJSON GETs u with c and decodes the JSON answer into out (nil: drop
// it), returning the answer's header; an answer other than 200 is a
// *transport.Error.
func getJSON(ctx context.Context, c *http.Client, u string, out any) (http.Header, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if err := transport.CheckError(resp, http.StatusOK); err != nil {
		return nil, err
	}
	if out == nil {
		return resp.Header, nil
	}
	return resp.Header, json.NewDecoder(resp.Body).Decode(out)
}
