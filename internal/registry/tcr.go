package registry

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/wheelhouse-dev/wheelhouse/internal/registry/tc3sign"
)

// tcrAPIVersion is the TCR API version the adapter speaks.
const tcrAPIVersion = "2019-09-24"

// tcr reaches Tencent Container Registry through its API 3.0 (tcr
// 2019-09-24), signed with TC3-HMAC-SHA256. An enterprise instance (named
// by settings.registryId) is browsed with DescribeNamespaces,
// DescribeRepositories, DescribeImages and DeleteImage, and logged in to
// with a temporary token from CreateInstanceToken. Without a registry id
// it is the older personal edition (CCR), through the *Personal actions,
// logged in to with the registry's pull credential. Quirks: the
// enterprise actions take Offset as a page number (from 1), the personal
// ones as an item offset (from 0); repository times come as Go prints
// them; CCR sizes come as text ("128 MB"), with SizeByte only in newer
// answers.
type tcr struct {
	remote   *Remote
	client   *http.Client
	api      *url.URL
	region   string
	registry string
	id, key  string
	pull     *Login
	now      func() time.Time
}

func newTCR(cfg Config, rem *Remote) (*tcr, error) {
	region := cfg.Settings["region"]
	if region == "" {
		return nil, &Error{Reason: ReasonInvalid, Field: "settings.region", Message: "a TCR registry needs its region (ap-guangzhou)"}
	}
	c := cfg.Credential
	if c == nil || c.Type != "tencent" {
		return nil, &Error{Reason: ReasonInvalid, Field: "credentialId", Message: "a TCR registry needs a tencent credential"}
	}
	api := cfg.Settings["apiEndpoint"]
	if api == "" {
		api = "https://tcr.tencentcloudapi.com"
	}
	u, err := url.Parse(api)
	if err != nil || u.Host == "" {
		return nil, &Error{Reason: ReasonInvalid, Field: "settings.apiEndpoint", Message: "not a URL"}
	}
	t := &tcr{remote: rem, client: &http.Client{Transport: rem.Transport, Timeout: time.Minute}, api: u, region: region,
		registry: cfg.Settings["registryId"], id: c.Get("secretId"), key: c.Get("secretKey"), now: cfg.Now}
	if t.registry == "" {
		p := cfg.PullCredential
		if p == nil {
			return nil, &Error{Reason: ReasonInvalid, Field: "pullCredentialId", Message: "a personal TCR (CCR) registry needs a registry credential to log in with"}
		}
		t.pull = &Login{Host: rem.Host(), Username: p.Get("username"), Password: p.Get("password")}
	}
	rem.login = t.Login
	return t, nil
}

func (t *tcr) Remote() *Remote     { return t.remote }
func (t *tcr) HasNamespaces() bool { return true }

// call signs and sends action with the JSON body in and decodes the
// answer's Response into out.
func (t *tcr) call(ctx context.Context, action string, in map[string]any, out any) error {
	what := "TCR " + action
	if t.registry != "" {
		in["RegistryId"] = t.registry
	}
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	const ct = "application/json; charset=utf-8"
	sr := tc3sign.Request{Method: http.MethodPost, Host: t.api.Host, ContentType: ct, Payload: body, Service: "tcr", Timestamp: t.now().Unix()}
	req, err := newRequest(ctx, http.MethodPost, t.api.String(), bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", ct)
	req.Header.Set("X-TC-Action", action)
	req.Header.Set("X-TC-Version", tcrAPIVersion)
	req.Header.Set("X-TC-Timestamp", strconv.FormatInt(sr.Timestamp, 10))
	req.Header.Set("X-TC-Region", t.region)
	req.Header.Set("Authorization", sr.Authorization(t.id, t.key))
	var env struct {
		Response json.RawMessage `json:"Response"`
	}
	if _, err := doJSON(t.client, req, &env); err != nil {
		return Classify(what, err)
	}
	var e struct {
		Error *struct {
			Code    string `json:"Code"`
			Message string `json:"Message"`
		} `json:"Error"`
	}
	if err := json.Unmarshal(env.Response, &e); err != nil {
		return Classify(what, fmt.Errorf("decode the answer: %w", err))
	}
	if e.Error != nil {
		return tcrError(what, e.Error.Code, e.Error.Message)
	}
	if err := json.Unmarshal(env.Response, out); err != nil {
		return Classify(what, fmt.Errorf("decode the answer: %w", err))
	}
	return nil
}

// tcrError classifies an API 3.0 error code. AuthFailure.* is the
// signature or the key (but AuthFailure.UnauthorizedOperation is CAM's
// denial); TCR's own codes add UnauthorizedOperation,
// InternalError.ErrorTcrUnauthorized (no permission on the instance) and
// InternalError.ErrUnauthorized (the personal edition's denial), and
// InternalError.ErrNotExist beside ResourceNotFound.*.
func tcrError(what, code, message string) error {
	msg := code + ": " + message
	switch {
	case code == "AuthFailure.UnauthorizedOperation", strings.HasPrefix(code, "UnauthorizedOperation"),
		code == "InternalError.ErrorTcrUnauthorized", code == "InternalError.ErrUnauthorized":
		return denied(what, msg, true)
	case strings.HasPrefix(code, "AuthFailure"):
		return denied(what, msg, false)
	case strings.HasPrefix(code, "ResourceNotFound"), code == "InternalError.ErrNotExist":
		return notFound("%s: %s", what, msg)
	}
	return &Error{Reason: ReasonFailed, Message: what + ": " + msg}
}

func (t *tcr) Login(ctx context.Context) (*Login, error) {
	if t.pull != nil {
		l := *t.pull
		return &l, nil
	}
	var out struct {
		Username string `json:"Username"`
		Token    string `json:"Token"`
		ExpTime  int64  `json:"ExpTime"`
	}
	if err := t.call(ctx, "CreateInstanceToken", map[string]any{"TokenType": "temp", "Desc": "wheelhouse"}, &out); err != nil {
		return nil, err
	}
	return &Login{Host: t.remote.Host(), Username: out.Username, Password: out.Token, ExpiresAt: epoch(out.ExpTime)}, nil
}

// epoch reads a timestamp whose unit the API does not say (ExpTime is
// "a string of numbers without unit"): milliseconds when it is too large
// for seconds of this era, else seconds.
func epoch(n int64) *time.Time {
	if n <= 0 {
		return nil
	}
	if n >= 1e11 {
		return millis(n)
	}
	t := time.Unix(n, 0).UTC()
	return &t
}

func (t *tcr) Check(ctx context.Context) error {
	if _, err := t.Login(ctx); err != nil {
		return err
	}
	_, err := t.Namespaces(ctx, Page{Limit: 1})
	return err
}

// page is Limit and Offset for page p and the page's number. The
// reference has the enterprise actions take Offset as the page number
// ("Page number. Default value: 1") and the personal ones as the number
// of items to skip ("偏移量，默认为0").
func (t *tcr) page(p Page) (map[string]any, int, error) {
	n, err := pageNumber(p.Continue)
	if err != nil {
		return nil, 0, err
	}
	limit := min(p.Limit, 100)
	if t.registry == "" {
		return map[string]any{"Limit": limit, "Offset": (n - 1) * limit}, n, nil
	}
	return map[string]any{"Limit": limit, "Offset": n}, n, nil
}

// tencentZone is the time zone of TCR's times without one (Beijing time).
var tencentZone = time.FixedZone("CST", 8*3600)

// tcrTime reads a TCR time: as Go prints a time (the reference's form
// for repository times, "2006-01-02 15:04:05.999999999 -0700 MST"),
// RFC 3339, or a Beijing wall time.
func tcrTime(s string) *time.Time {
	for _, layout := range []string{"2006-01-02 15:04:05.999999999 -0700 MST", time.RFC3339Nano, "2006-01-02 15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, tencentZone); err == nil {
			u := t.UTC()
			return &u
		}
	}
	return nil
}

var ccrSize = regexp.MustCompile(`^\s*([0-9.]+)\s*([KMGT]?i?B)?\s*$`)

// ccrSizeBytes reads a CCR size given as text ("128 MB", "1.5 GB").
func ccrSizeBytes(s string) int64 {
	m := ccrSize.FindStringSubmatch(strings.ToUpper(s))
	if m == nil {
		return 0
	}
	f, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0
	}
	unit := map[string]float64{"": 1, "B": 1, "KB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30, "TB": 1 << 40, "KIB": 1 << 10, "MIB": 1 << 20, "GIB": 1 << 30, "TIB": 1 << 40}[m[2]]
	return int64(f * unit)
}

func (t *tcr) Namespaces(ctx context.Context, p Page) (*List[Namespace], error) {
	in, n, err := t.page(p)
	if err != nil {
		return nil, err
	}
	l := &List[Namespace]{Items: []Namespace{}}
	if t.registry == "" {
		if p.Filter != "" {
			in["Namespace"] = p.Filter
		}
		var out struct {
			Data struct {
				NamespaceInfo []struct {
					Namespace    string `json:"Namespace"`
					CreationTime string `json:"CreationTime"`
					RepoCount    int    `json:"RepoCount"`
				} `json:"NamespaceInfo"`
				NamespaceCount int `json:"NamespaceCount"`
			} `json:"Data"`
		}
		if err := t.call(ctx, "DescribeNamespacePersonal", in, &out); err != nil {
			return nil, err
		}
		for _, ns := range out.Data.NamespaceInfo {
			l.Items = append(l.Items, Namespace{Name: ns.Namespace, Repositories: ns.RepoCount, CreatedAt: tcrTime(ns.CreationTime)})
		}
		l.Total, l.Continue = out.Data.NamespaceCount, nextPage(n, min(p.Limit, 100), out.Data.NamespaceCount, len(out.Data.NamespaceInfo))
		return l, nil
	}
	if p.Filter != "" {
		in["NamespaceName"] = p.Filter
	}
	var out struct {
		NamespaceList []struct {
			Name         string `json:"Name"`
			CreationTime string `json:"CreationTime"`
			Public       bool   `json:"Public"`
		} `json:"NamespaceList"`
		TotalCount int `json:"TotalCount"`
	}
	if err := t.call(ctx, "DescribeNamespaces", in, &out); err != nil {
		return nil, err
	}
	for _, ns := range out.NamespaceList {
		l.Items = append(l.Items, Namespace{Name: ns.Name, Repositories: -1, Public: &ns.Public, CreatedAt: tcrTime(ns.CreationTime)})
	}
	l.Total, l.Continue = out.TotalCount, nextPage(n, min(p.Limit, 100), out.TotalCount, len(out.NamespaceList))
	return l, nil
}

func (t *tcr) Repositories(ctx context.Context, namespace string, p Page) (*List[Repository], error) {
	in, n, err := t.page(p)
	if err != nil {
		return nil, err
	}
	l := &List[Repository]{Items: []Repository{}}
	if t.registry == "" {
		if p.Filter != "" {
			in["RepoName"] = p.Filter
		}
		var out struct {
			Data struct {
				TotalCount int `json:"TotalCount"`
				RepoInfo   []struct {
					RepoName   string `json:"RepoName"`
					TagCount   int    `json:"TagCount"`
					UpdateTime string `json:"UpdateTime"`
				} `json:"RepoInfo"`
			} `json:"Data"`
		}
		if err := t.call(ctx, "DescribeRepositoryOwnerPersonal", in, &out); err != nil {
			return nil, err
		}
		for _, r := range out.Data.RepoInfo {
			ns, _, _ := strings.Cut(r.RepoName, "/")
			if namespace == "" || ns == namespace {
				l.Items = append(l.Items, Repository{Name: r.RepoName, Namespace: ns, Tags: r.TagCount, UpdatedAt: tcrTime(r.UpdateTime)})
			}
		}
		l.Total, l.Continue = out.Data.TotalCount, nextPage(n, min(p.Limit, 100), out.Data.TotalCount, len(out.Data.RepoInfo))
		if namespace != "" {
			l.Total = -1
		}
		return l, nil
	}
	if namespace != "" {
		in["NamespaceName"] = namespace
	}
	if p.Filter != "" {
		in["RepositoryName"] = p.Filter
	}
	var out struct {
		RepositoryList []struct {
			Name       string `json:"Name"`
			Namespace  string `json:"Namespace"`
			UpdateTime string `json:"UpdateTime"`
		} `json:"RepositoryList"`
		TotalCount int `json:"TotalCount"`
	}
	if err := t.call(ctx, "DescribeRepositories", in, &out); err != nil {
		return nil, err
	}
	for _, r := range out.RepositoryList {
		name := r.Name
		if !strings.HasPrefix(name, r.Namespace+"/") {
			name = r.Namespace + "/" + name
		}
		l.Items = append(l.Items, Repository{Name: name, Namespace: r.Namespace, Tags: -1, UpdatedAt: tcrTime(r.UpdateTime)})
	}
	l.Total, l.Continue = out.TotalCount, nextPage(n, min(p.Limit, 100), out.TotalCount, len(out.RepositoryList))
	return l, nil
}

func splitRepo(repository string) (string, string, error) {
	ns, name, ok := strings.Cut(repository, "/")
	if !ok || ns == "" || name == "" {
		return "", "", &Error{Reason: ReasonInvalid, Field: "repository", Message: fmt.Sprintf("repository %q: a TCR repository is namespace/name", repository)}
	}
	return ns, name, nil
}

func (t *tcr) Tags(ctx context.Context, repository string, p Page) (*List[Tag], error) {
	ns, name, err := splitRepo(repository)
	if err != nil {
		return nil, err
	}
	in, n, err := t.page(p)
	if err != nil {
		return nil, err
	}
	l := &List[Tag]{Items: []Tag{}}
	if t.registry == "" {
		in["RepoName"] = repository
		if p.Filter != "" {
			in["Tag"] = p.Filter
		}
		var out struct {
			Data struct {
				TagCount int `json:"TagCount"`
				TagInfo  []struct {
					TagName      string `json:"TagName"`
					ImageID      string `json:"ImageId"`
					Size         string `json:"Size"`
					SizeByte     int64  `json:"SizeByte"`
					PushTime     string `json:"PushTime"`
					OS           string `json:"OS"`
					Architecture string `json:"Architecture"`
				} `json:"TagInfo"`
			} `json:"Data"`
		}
		if err := t.call(ctx, "DescribeImagePersonal", in, &out); err != nil {
			return nil, err
		}
		for _, ti := range out.Data.TagInfo {
			size := ti.SizeByte
			if size <= 0 {
				size = ccrSizeBytes(ti.Size)
			}
			tag := Tag{Name: ti.TagName, Size: size, PushedAt: tcrTime(ti.PushTime)}
			if ti.OS != "" {
				tag.Platforms = []Platform{{OS: ti.OS, Architecture: ti.Architecture}}
			}
			if d, err := t.remote.Describe(ctx, repository, ti.TagName); err == nil {
				tag.Digest, tag.MediaType = d.Digest, d.MediaType
				if len(d.Platforms) > 0 {
					tag.Platforms = d.Platforms
				}
			}
			l.Items = append(l.Items, tag)
		}
		l.Total, l.Continue = out.Data.TagCount, nextPage(n, min(p.Limit, 100), out.Data.TagCount, len(out.Data.TagInfo))
		return l, nil
	}
	in["NamespaceName"], in["RepositoryName"] = ns, name
	if p.Filter != "" {
		in["ImageVersion"] = p.Filter
	}
	var out struct {
		ImageInfoList []struct {
			Digest       string `json:"Digest"`
			Size         int64  `json:"Size"`
			ImageVersion string `json:"ImageVersion"`
			UpdateTime   string `json:"UpdateTime"`
		} `json:"ImageInfoList"`
		TotalCount int `json:"TotalCount"`
	}
	if err := t.call(ctx, "DescribeImages", in, &out); err != nil {
		return nil, err
	}
	for _, img := range out.ImageInfoList {
		tag := Tag{Name: img.ImageVersion, Digest: img.Digest, Size: img.Size, PushedAt: tcrTime(img.UpdateTime)}
		t.remote.platformsOf(ctx, repository, &tag)
		l.Items = append(l.Items, tag)
	}
	l.Total, l.Continue = out.TotalCount, nextPage(n, min(p.Limit, 100), out.TotalCount, len(out.ImageInfoList))
	return l, nil
}

func (t *tcr) DeleteTag(ctx context.Context, repository, tag string) error {
	ns, name, err := splitRepo(repository)
	if err != nil {
		return err
	}
	var out struct{}
	if t.registry == "" {
		return t.call(ctx, "DeleteImagePersonal", map[string]any{"RepoName": repository, "Tag": tag}, &out)
	}
	return t.call(ctx, "DeleteImage", map[string]any{"NamespaceName": ns, "RepositoryName": name, "ImageVersion": tag}, &out)
}
