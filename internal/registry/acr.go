package registry

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/wheelhouse-dev/wheelhouse/internal/registry/aliyunsign"
)

// acrAPIVersion is the Container Registry API version the adapter speaks.
const acrAPIVersion = "2018-12-01"

// acr reaches Alibaba Cloud Container Registry through its RPC API
// (cr 2018-12-01), signed with signature version 1.0: GetAuthorizationToken
// (a temporary login), ListNamespace, ListRepository, GetRepository,
// ListRepoTag and DeleteRepoTag, on the enterprise edition instance named
// by settings.instanceId, which every action of cr 2018-12-01 requires (the
// personal edition has no API of this version). Quirks: TotalCount, and
// ListRepoTag's ImageCreate and ImageUpdate, come as strings; tag calls
// take the repository's id, looked up by name first.
type acr struct {
	remote   *Remote
	client   *http.Client
	api      string
	region   string
	instance string
	keyID    string
	secret   string
	now      func() time.Time
}

func newACR(cfg Config, rem *Remote) (*acr, error) {
	region := cfg.Settings["region"]
	if region == "" {
		return nil, &Error{Reason: ReasonInvalid, Field: "settings.region", Message: "an ACR registry needs its region (cn-hangzhou)"}
	}
	if cfg.Settings["instanceId"] == "" {
		return nil, &Error{Reason: ReasonInvalid, Field: "settings.instanceId", Message: "an ACR registry needs its instance id (cri-…): the cr 2018-12-01 API requires it"}
	}
	c := cfg.Credential
	if c == nil || c.Type != "alibaba" {
		return nil, &Error{Reason: ReasonInvalid, Field: "credentialId", Message: "an ACR registry needs an alibaba credential"}
	}
	api := cfg.Settings["apiEndpoint"]
	if api == "" {
		api = "https://cr." + region + ".aliyuncs.com"
	}
	a := &acr{remote: rem, client: &http.Client{Transport: rem.Transport, Timeout: time.Minute}, api: strings.TrimSuffix(api, "/") + "/",
		region: region, instance: cfg.Settings["instanceId"], keyID: c.Get("accessKeyId"), secret: c.Get("accessKeySecret"), now: cfg.Now}
	rem.login = a.Login
	return a, nil
}

func (a *acr) Remote() *Remote     { return a.remote }
func (a *acr) HasNamespaces() bool { return true }

// acrInt is a number ACR sends as a JSON string or a number: the API
// reference types TotalCount and ListRepoTag's ImageCreate and
// ImageUpdate as strings, the other counts, sizes and times as numbers.
type acrInt int64

func (t *acrInt) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "" || s == "null" {
		*t = 0
		return nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	*t = acrInt(n)
	return err
}

type acrResponse struct {
	Code      string `json:"Code"`
	Message   string `json:"Message"`
	IsSuccess *bool  `json:"IsSuccess"`
}

// call signs and sends action with params and decodes the answer.
func (a *acr) call(ctx context.Context, action string, params url.Values, out any) error {
	what := "ACR " + action
	params.Set("Action", action)
	params.Set("Version", acrAPIVersion)
	params.Set("RegionId", a.region)
	if a.instance != "" {
		params.Set("InstanceId", a.instance)
	}
	aliyunsign.Sign(http.MethodGet, params, a.keyID, a.secret, a.now())
	req, err := newRequest(ctx, http.MethodGet, a.api+"?"+params.Encode(), nil)
	if err != nil {
		return err
	}
	var raw json.RawMessage
	_, err = doJSON(a.client, req, &raw)
	if se, ok := err.(*StatusError); ok {
		var r acrResponse
		_ = json.Unmarshal([]byte(se.Message), &r)
		return acrError(what, se.Status, r)
	}
	if err != nil {
		return Classify(what, err)
	}
	var r acrResponse
	if err := json.Unmarshal(raw, &r); err != nil {
		return Classify(what, err)
	}
	if r.IsSuccess != nil && !*r.IsSuccess {
		return acrError(what, http.StatusOK, r)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return Classify(what, fmt.Errorf("decode the answer: %w", err))
	}
	return nil
}

func acrError(what string, status int, r acrResponse) error {
	msg := r.Code + ": " + r.Message
	switch {
	case strings.HasPrefix(r.Code, "InvalidAccessKeyId"), r.Code == "SignatureDoesNotMatch", strings.HasPrefix(r.Code, "InvalidSecurityToken"):
		return denied(what, msg, false)
	case strings.HasPrefix(r.Code, "Forbidden"), r.Code == "NoPrivilege", r.Code == "NoPermission", strings.Contains(r.Code, "NOT_AUTHORIZED"):
		return denied(what, msg, true)
	case strings.Contains(strings.ToUpper(r.Code), "NOT_EXIST"), strings.Contains(r.Code, "NotFound"):
		return notFound("%s: %s", what, msg)
	}
	return fromStatus(what, status, msg)
}

func (a *acr) Login(ctx context.Context) (*Login, error) {
	var out struct {
		TempUsername       string `json:"TempUsername"`
		AuthorizationToken string `json:"AuthorizationToken"`
		ExpireTime         acrInt `json:"ExpireTime"`
	}
	if err := a.call(ctx, "GetAuthorizationToken", url.Values{}, &out); err != nil {
		return nil, err
	}
	exp := time.UnixMilli(int64(out.ExpireTime)).UTC()
	return &Login{Host: a.remote.Host(), Username: out.TempUsername, Password: out.AuthorizationToken, ExpiresAt: &exp}, nil
}

func (a *acr) Check(ctx context.Context) error {
	if _, err := a.Login(ctx); err != nil {
		return err
	}
	_, err := a.Namespaces(ctx, Page{Limit: 1})
	return err
}

func acrPage(p Page) (url.Values, int, error) {
	n, err := pageNumber(p.Continue)
	if err != nil {
		return nil, 0, err
	}
	return url.Values{"PageNo": {strconv.Itoa(n)}, "PageSize": {strconv.Itoa(min(p.Limit, 100))}}, n, nil
}

func millis(ms int64) *time.Time {
	if ms <= 0 {
		return nil
	}
	t := time.UnixMilli(ms).UTC()
	return &t
}

// Namespaces lists namespaces; NamespaceName filters on the server.
func (a *acr) Namespaces(ctx context.Context, p Page) (*List[Namespace], error) {
	q, n, err := acrPage(p)
	if err != nil {
		return nil, err
	}
	if p.Filter != "" {
		q.Set("NamespaceName", p.Filter)
	}
	var out struct {
		Namespaces []struct {
			NamespaceName   string `json:"NamespaceName"`
			DefaultRepoType string `json:"DefaultRepoType"`
		} `json:"Namespaces"`
		TotalCount acrInt `json:"TotalCount"`
	}
	if err := a.call(ctx, "ListNamespace", q, &out); err != nil {
		return nil, err
	}
	l := &List[Namespace]{Items: []Namespace{}, Total: int(out.TotalCount), Continue: nextPage(n, min(p.Limit, 100), int(out.TotalCount), len(out.Namespaces))}
	for _, ns := range out.Namespaces {
		public := ns.DefaultRepoType == "PUBLIC"
		l.Items = append(l.Items, Namespace{Name: ns.NamespaceName, Repositories: -1, Public: &public})
	}
	return l, nil
}

type acrRepository struct {
	RepoID            string `json:"RepoId"`
	RepoName          string `json:"RepoName"`
	RepoNamespaceName string `json:"RepoNamespaceName"`
	ModifiedTime      acrInt `json:"ModifiedTime"`
}

// Repositories lists repositories (of a namespace: RepoNamespaceName);
// RepoName filters on the server.
func (a *acr) Repositories(ctx context.Context, namespace string, p Page) (*List[Repository], error) {
	q, n, err := acrPage(p)
	if err != nil {
		return nil, err
	}
	if namespace != "" {
		q.Set("RepoNamespaceName", namespace)
	}
	if p.Filter != "" {
		q.Set("RepoName", p.Filter)
	}
	var out struct {
		Repositories []acrRepository `json:"Repositories"`
		TotalCount   acrInt          `json:"TotalCount"`
	}
	if err := a.call(ctx, "ListRepository", q, &out); err != nil {
		return nil, err
	}
	l := &List[Repository]{Items: []Repository{}, Total: int(out.TotalCount), Continue: nextPage(n, min(p.Limit, 100), int(out.TotalCount), len(out.Repositories))}
	for _, r := range out.Repositories {
		l.Items = append(l.Items, Repository{Name: r.RepoNamespaceName + "/" + r.RepoName, Namespace: r.RepoNamespaceName, Tags: -1, UpdatedAt: millis(int64(r.ModifiedTime))})
	}
	return l, nil
}

// repoID looks up the id of repository "namespace/name".
func (a *acr) repoID(ctx context.Context, repository string) (string, error) {
	ns, name, ok := strings.Cut(repository, "/")
	if !ok || ns == "" || name == "" {
		return "", &Error{Reason: ReasonInvalid, Field: "repository", Message: fmt.Sprintf("repository %q: an ACR repository is namespace/name", repository)}
	}
	var out acrRepository
	if err := a.call(ctx, "GetRepository", url.Values{"RepoNamespaceName": {ns}, "RepoName": {name}}, &out); err != nil {
		return "", err
	}
	if out.RepoID == "" {
		return "", notFound("repository %s not found", repository)
	}
	return out.RepoID, nil
}

func (a *acr) Tags(ctx context.Context, repository string, p Page) (*List[Tag], error) {
	id, err := a.repoID(ctx, repository)
	if err != nil {
		return nil, err
	}
	q, n, err := acrPage(p)
	if err != nil {
		return nil, err
	}
	q.Set("RepoId", id)
	var out struct {
		Images []struct {
			Tag         string `json:"Tag"`
			Digest      string `json:"Digest"`
			ImageSize   acrInt `json:"ImageSize"`
			ImageUpdate acrInt `json:"ImageUpdate"`
		} `json:"Images"`
		TotalCount acrInt `json:"TotalCount"`
	}
	if err := a.call(ctx, "ListRepoTag", q, &out); err != nil {
		return nil, err
	}
	l := &List[Tag]{Items: []Tag{}, Total: int(out.TotalCount), Continue: nextPage(n, min(p.Limit, 100), int(out.TotalCount), len(out.Images))}
	for _, img := range out.Images {
		if !strings.Contains(img.Tag, p.Filter) {
			continue
		}
		digest := img.Digest
		if digest != "" && !strings.HasPrefix(digest, "sha256:") {
			digest = "sha256:" + digest
		}
		t := Tag{Name: img.Tag, Digest: digest, Size: int64(img.ImageSize), PushedAt: millis(int64(img.ImageUpdate))}
		a.remote.platformsOf(ctx, repository, &t)
		l.Items = append(l.Items, t)
	}
	return l, nil
}

func (a *acr) DeleteTag(ctx context.Context, repository, tag string) error {
	id, err := a.repoID(ctx, repository)
	if err != nil {
		return err
	}
	var out acrResponse
	return a.call(ctx, "DeleteRepoTag", url.Values{"RepoId": {id}, "Tag": {tag}}, &out)
}
