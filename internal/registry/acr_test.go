package registry_test

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/wheelhouse-dev/wheelhouse/internal/registry"
)

// acrFake answers as Alibaba Cloud Container Registry's API "cr
// 2018-12-01" does (Alibaba's API reference for GetAuthorizationToken,
// ListNamespace, ListRepository, GetRepository, ListRepoTag and
// DeleteRepoTag; the operations' metadata as Alibaba's SDKs carry it): an
// RPC API, GET or POST to "/" with the action and its parameters in the
// query, InstanceId required on every action, TotalCount as a string,
// ListRepoTag taking only a RepoId and answering ImageCreate/ImageUpdate
// as strings of milliseconds and the digest without its "sha256:",
// business errors (REPO_NOT_EXIST…) as HTTP 200 with IsSuccess false, and
// RAM denials as 403 NoPrivilege.
//
// Requests are authenticated as Alibaba's "Request signatures" document
// for RPC APIs (signature version 1.0) says, recomputed here from the
// received query: the common parameters, the parameters sorted and
// percent-encoded per RFC 3986, StringToSign = METHOD&%2F&encode(query),
// base64 HMAC-SHA1 keyed with AccessKeySecret + "&". An unknown key is
// 404 InvalidAccessKeyId.NotFound, a wrong signature 400
// SignatureDoesNotMatch, a reused nonce 400 SignatureNonceUsed, a stale
// timestamp 400 InvalidTimeStamp.Expired.
type acrFake struct {
	calls

	mu         sync.Mutex
	keys       map[string]acrKey
	nonces     map[string]bool
	namespaces []map[string]any
	repos      []acrRepo
	tags       map[string][]map[string]any
	expire     time.Time
}

// acrKey is an AccessKey pair and what RAM lets it do: "all", "read" or
// nothing.
type acrKey struct{ secret, allow string }

type acrRepo struct {
	id, namespace, name string
	modified            time.Time
}

const (
	acrInstance = "cri-kmsiwlxxdcva0001"
	acrRegion   = "cn-hangzhou"
	// acrUser and acrToken are the login GetAuthorizationToken mints: the
	// shared registry's account, so that its v2 API takes them.
	acrUser, acrToken = user, password
)

var acrT0 = time.Date(2024, 3, 4, 5, 6, 7, 0, time.UTC)

func newACRFake(v1Digest string) *acrFake {
	f := &acrFake{
		keys: map[string]acrKey{
			"LTAI5tAdmin":    {secret: "admin-secret", allow: "all"},
			"LTAI5tReadOnly": {secret: "read-secret", allow: "read"},
			"LTAI5tNoCR":     {secret: "nocr-secret"},
		},
		nonces: map[string]bool{},
		tags:   map[string][]map[string]any{},
		expire: time.Now().Add(time.Hour).Truncate(time.Millisecond).UTC(),
	}
	ns := func(name, typ string) {
		f.namespaces = append(f.namespaces, map[string]any{"NamespaceName": name, "NamespaceId": "crn-" + name, "DefaultRepoType": typ,
			"NamespaceStatus": "NORMAL", "AutoCreateRepo": true, "InstanceId": acrInstance, "ResourceGroupId": "rg-acfm4n5kzyf2fbi"})
	}
	ns("library", "PUBLIC")
	ns("team", "PRIVATE")
	for i := range 12 {
		ns(fmt.Sprintf("ns-%02d", i), "PRIVATE")
	}
	for i, r := range [][2]string{{"team", "app"}, {"team", "web"}, {"team", "worker"}, {"library", "nginx"}} {
		f.repos = append(f.repos, acrRepo{id: fmt.Sprintf("crr-%s%d", r[1], i), namespace: r[0], name: r[1], modified: acrT0.Add(time.Duration(i) * time.Hour)})
	}
	image := func(tag, digest string, size int64, updated time.Time) map[string]any {
		ms := strconv.FormatInt(updated.UnixMilli(), 10)
		return map[string]any{"Tag": tag, "Digest": digest, "ImageId": strings.Repeat("4", 64), "ImageSize": size,
			"ImageCreate": ms, "ImageUpdate": ms, "Status": "NORMAL"}
	}
	f.tags["crr-app0"] = []map[string]any{
		image("v1", strings.TrimPrefix(v1Digest, "sha256:"), 27107966, acrT0),
		image("v2", strings.Repeat("5", 64), 1024, acrT0.Add(time.Minute)),
		image("old", strings.Repeat("6", 64), 512, acrT0.Add(-time.Hour)),
	}
	return f
}

// aliyunEncode percent-encodes s as the signature document says: the
// RFC 3986 unreserved characters kept, every other byte as %XX.
func aliyunEncode(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// aliyunSignature is the signature of a request of method with params.
func aliyunSignature(method string, params url.Values, secret string) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		if k != "Signature" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	pairs := make([]string, 0, len(keys))
	for _, k := range keys {
		pairs = append(pairs, aliyunEncode(k)+"="+aliyunEncode(params.Get(k)))
	}
	m := hmac.New(sha1.New, []byte(secret+"&"))
	m.Write([]byte(method + "&" + aliyunEncode("/") + "&" + aliyunEncode(strings.Join(pairs, "&"))))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// TestACRFixtureSignsTheDocumentExample checks the fixture's own
// signature against the worked example of Alibaba's "Request signatures"
// document (ECS DescribeRegions, AccessKeySecret testsecret), so that the
// fixture is known right independently of the adapter.
func TestACRFixtureSignsTheDocumentExample(t *testing.T) {
	params := url.Values{"Timestamp": {"2016-02-23T12:46:24Z"}, "Format": {"XML"}, "AccessKeyId": {"testid"}, "Action": {"DescribeRegions"},
		"SignatureMethod": {"HMAC-SHA1"}, "SignatureNonce": {"3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"}, "Version": {"2014-05-26"}, "SignatureVersion": {"1.0"}}
	if got := aliyunSignature(http.MethodGet, params, "testsecret"); got != "OLeaidS1JvxuMvnyHOwuJ+uX5qY=" {
		t.Fatalf("signature %s", got)
	}
}

// popError is an error of Alibaba's API gateway.
func popError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"RequestId": "8A1C8E8B-0000-4000-8000-000000000000", "HostId": "cr.cn-hangzhou.aliyuncs.com", "Code": code, "Message": msg})
}

// authenticate checks the common parameters and the signature and
// returns the key, or answers the gateway's error.
func (f *acrFake) authenticate(w http.ResponseWriter, r *http.Request, q url.Values) (acrKey, bool) {
	for p, want := range map[string]string{"Format": "JSON", "Version": "2018-12-01", "SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0"} {
		if got := q.Get(p); got != want {
			popError(w, http.StatusBadRequest, "InvalidParameter", fmt.Sprintf("%s is %q, want %q", p, got, want))
			return acrKey{}, false
		}
	}
	ts, err := time.Parse("2006-01-02T15:04:05Z", q.Get("Timestamp"))
	switch {
	case err != nil:
		popError(w, http.StatusBadRequest, "InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted.")
		return acrKey{}, false
	case time.Since(ts).Abs() > 15*time.Minute:
		popError(w, http.StatusBadRequest, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.")
		return acrKey{}, false
	case q.Get("SignatureNonce") == "" || f.nonces[q.Get("SignatureNonce")]:
		popError(w, http.StatusBadRequest, "SignatureNonceUsed", "Specified signature nonce was used already.")
		return acrKey{}, false
	}
	f.nonces[q.Get("SignatureNonce")] = true
	key, ok := f.keys[q.Get("AccessKeyId")]
	if !ok {
		popError(w, http.StatusNotFound, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
		return acrKey{}, false
	}
	got, _ := base64.StdEncoding.DecodeString(q.Get("Signature"))
	want, _ := base64.StdEncoding.DecodeString(aliyunSignature(r.Method, q, key.secret))
	if !hmac.Equal(got, want) {
		popError(w, http.StatusBadRequest, "SignatureDoesNotMatch", "Specified signature is not matched with our calculation.")
		return acrKey{}, false
	}
	return key, true
}

func acrOK(w http.ResponseWriter, body map[string]any) {
	body["RequestId"], body["Code"], body["IsSuccess"] = "E069EB86-E6AD-4A98-ADDE-0E993390239A", "success", true
	writeJSON(w, http.StatusOK, body)
}

// acrFailed is a business error: HTTP 200, IsSuccess false.
func acrFailed(w http.ResponseWriter, code string) {
	writeJSON(w, http.StatusOK, map[string]any{"RequestId": "E069EB86-E6AD-4A98-ADDE-0E993390239A", "Code": code, "IsSuccess": false})
}

// acrPage returns the page PageNo/PageSize ask for, with the answer's
// paging fields (TotalCount a string).
func acrPaged(q url.Values, items []map[string]any, key string) map[string]any {
	no, _ := strconv.Atoi(q.Get("PageNo"))
	size, _ := strconv.Atoi(q.Get("PageSize"))
	if no < 1 {
		no = 1
	}
	if size < 1 {
		size = 30
	}
	return map[string]any{key: pageOf(items, no, size), "TotalCount": strconv.Itoa(len(items)), "PageNo": no, "PageSize": size}
}

func (f *acrFake) repoJSON(r acrRepo) map[string]any {
	return map[string]any{"RepoId": r.id, "RepoName": r.name, "RepoNamespaceName": r.namespace, "RepoType": "PRIVATE", "RepoStatus": "NORMAL",
		"Summary": "", "RepoBuildType": "MANUAL", "TagImmutability": false, "InstanceId": acrInstance,
		"CreateTime": acrT0.UnixMilli(), "ModifiedTime": r.modified.UnixMilli()}
}

func (f *acrFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := r.ParseForm(); err != nil || r.URL.Path != "/" {
		popError(w, http.StatusBadRequest, "InvalidParameter", "bad request")
		return
	}
	q := r.Form
	action := q.Get("Action")
	f.add(action + " " + r.URL.RawQuery)
	key, ok := f.authenticate(w, r, q)
	if !ok {
		return
	}
	if key.allow == "" || (key.allow == "read" && action == "DeleteRepoTag") {
		popError(w, http.StatusForbidden, "NoPrivilege", "Access denied for this user.")
		return
	}
	if q.Get("RegionId") != acrRegion {
		popError(w, http.StatusBadRequest, "InvalidRegionId", "The specified region does not exist.")
		return
	}
	if q.Get("InstanceId") == "" {
		popError(w, http.StatusBadRequest, "MissingInstanceId", "InstanceId is mandatory for this action.")
		return
	}
	if q.Get("InstanceId") != acrInstance {
		acrFailed(w, "INSTANCE_NOT_EXIST")
		return
	}
	switch action {
	case "GetAuthorizationToken":
		acrOK(w, map[string]any{"TempUsername": acrUser, "AuthorizationToken": acrToken, "ExpireTime": f.expire.UnixMilli()})
	case "ListNamespace":
		var out []map[string]any
		for _, ns := range f.namespaces {
			if strings.Contains(ns["NamespaceName"].(string), q.Get("NamespaceName")) {
				out = append(out, ns)
			}
		}
		acrOK(w, acrPaged(q, out, "Namespaces"))
	case "ListRepository":
		var out []map[string]any
		for _, repo := range f.repos {
			if (q.Get("RepoNamespaceName") == "" || repo.namespace == q.Get("RepoNamespaceName")) && strings.Contains(repo.name, q.Get("RepoName")) {
				out = append(out, f.repoJSON(repo))
			}
		}
		acrOK(w, acrPaged(q, out, "Repositories"))
	case "GetRepository":
		for _, repo := range f.repos {
			if repo.id == q.Get("RepoId") || (repo.namespace == q.Get("RepoNamespaceName") && repo.name == q.Get("RepoName")) {
				acrOK(w, f.repoJSON(repo))
				return
			}
		}
		acrFailed(w, "REPO_NOT_EXIST")
	case "ListRepoTag", "DeleteRepoTag":
		id := q.Get("RepoId")
		if id == "" {
			popError(w, http.StatusBadRequest, "MissingRepoId", "RepoId is mandatory for this action.")
			return
		}
		if !slices.ContainsFunc(f.repos, func(r acrRepo) bool { return r.id == id }) {
			acrFailed(w, "REPO_NOT_EXIST")
			return
		}
		if action == "ListRepoTag" {
			acrOK(w, acrPaged(q, f.tags[id], "Images"))
			return
		}
		i := slices.IndexFunc(f.tags[id], func(img map[string]any) bool { return img["Tag"] == q.Get("Tag") })
		if i < 0 {
			acrFailed(w, "TAG_NOT_EXIST")
			return
		}
		f.tags[id] = slices.Delete(f.tags[id], i, i+1)
		acrOK(w, map[string]any{})
	default:
		popError(w, http.StatusNotFound, "InvalidAction.NotFound", "Specified api is not found, please check your url and method.")
	}
}

// acr starts a fixture and returns it with an adapter using the key pair;
// the registry's v2 API is the shared basic-auth registry, which takes
// the login GetAuthorizationToken mints.
func acr(t *testing.T, keyID, secret string) (*acrFake, registry.Adapter) {
	t.Helper()
	f := newACRFake(basicDigest)
	srv := serve(t, f.ServeHTTP)
	return f, open(t, acrConfig(srv.URL, keyID, secret))
}

func acrConfig(api, keyID, secret string) registry.Config {
	return registry.Config{Type: registry.TypeACR, Endpoint: basic.URL, Insecure: true,
		Settings:   map[string]string{"region": acrRegion, "instanceId": acrInstance, "apiEndpoint": api},
		Credential: cloudCred("alibaba", "accessKeyId", keyID, "accessKeySecret", secret)}
}

func TestACRCheckTellsFailuresApart(t *testing.T) {
	for _, tc := range []struct {
		name, key, secret, api, want string
	}{
		{name: "right key pair", key: "LTAI5tAdmin", secret: "admin-secret"},
		{name: "wrong secret", key: "LTAI5tAdmin", secret: "nope", want: registry.ReasonUnauthorized},
		// The gateway answers 404 for an unknown key: still the credentials.
		{name: "unknown key", key: "LTAI5tNobody", secret: "admin-secret", want: registry.ReasonUnauthorized},
		{name: "no permission", key: "LTAI5tNoCR", secret: "nocr-secret", want: registry.ReasonForbidden},
		{name: "nothing listening", key: "LTAI5tAdmin", secret: "admin-secret", api: unreachable, want: registry.ReasonUnreachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, a := acr(t, tc.key, tc.secret)
			if tc.api != "" {
				a = open(t, acrConfig(tc.api, tc.key, tc.secret))
			}
			err := a.Check(t.Context())
			if got := reason(err); (tc.want == "" && err != nil) || (tc.want != "" && got != tc.want) {
				t.Fatalf("Check: %v (%s), want %q", err, got, tc.want)
			}
		})
	}
}

func TestACRNeedsAnInstance(t *testing.T) {
	cfg := acrConfig("http://127.0.0.1:1", "LTAI5tAdmin", "admin-secret")
	delete(cfg.Settings, "instanceId")
	var re *registry.Error
	if _, err := registry.New(cfg); !errors.As(err, &re) || re.Field != "settings.instanceId" {
		t.Fatalf("New without an instance: %v", err)
	}
}

func TestACRLoginIsATemporaryToken(t *testing.T) {
	f, a := acr(t, "LTAI5tAdmin", "admin-secret")
	l, err := a.Login(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := &registry.Login{Host: basic.Host, Username: acrUser, Password: acrToken, ExpiresAt: &f.expire}
	if diff := cmp.Diff(want, l); diff != "" {
		t.Fatalf("login (-want +got):\n%s", diff)
	}
}

func TestACRNamespaces(t *testing.T) {
	f, a := acr(t, "LTAI5tAdmin", "admin-secret")
	ctx := t.Context()
	names, tokens := collect(t, 5, "", func(p registry.Page) (*registry.List[registry.Namespace], error) { return a.Namespaces(ctx, p) },
		func(n registry.Namespace) string { return n.Name })
	if len(names) != 14 || names[0] != "library" || names[13] != "ns-11" || !slices.Equal(tokens, []string{"2", "3"}) {
		t.Fatalf("%v %v", names, tokens)
	}
	l, err := a.Namespaces(ctx, registry.Page{Limit: 10, Filter: "team"})
	public := false
	if diff := cmp.Diff([]registry.Namespace{{Name: "team", Repositories: -1, Public: &public}}, l.Items); err != nil || diff != "" || l.Total != 1 {
		t.Fatalf("filtered (-want +got): %v\n%s", err, diff)
	}
	if last := f.last("ListNamespace "); !strings.Contains(last, "NamespaceName=team") {
		t.Fatalf("the filter was not sent: %s", last)
	}
}

func TestACRRepositories(t *testing.T) {
	_, a := acr(t, "LTAI5tAdmin", "admin-secret")
	ctx := t.Context()
	names, tokens := collect(t, 2, "", func(p registry.Page) (*registry.List[registry.Repository], error) {
		return a.Repositories(ctx, "team", p)
	},
		func(r registry.Repository) string { return r.Name })
	if !slices.Equal(names, []string{"team/app", "team/web", "team/worker"}) || !slices.Equal(tokens, []string{"2"}) {
		t.Fatalf("%v %v", names, tokens)
	}
	l, err := a.Repositories(ctx, "", registry.Page{Limit: 10, Filter: "ngi"})
	want := []registry.Repository{{Name: "library/nginx", Namespace: "library", Tags: -1, UpdatedAt: ptr(acrT0.Add(3 * time.Hour))}}
	if diff := cmp.Diff(want, l.Items); err != nil || diff != "" || l.Total != 1 {
		t.Fatalf("filtered (-want +got): %v\n%s", err, diff)
	}
}

func TestACRTagsByRepositoryID(t *testing.T) {
	f, a := acr(t, "LTAI5tAdmin", "admin-secret")
	ctx := t.Context()
	l, err := a.Tags(ctx, "team/app", registry.Page{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, c := range f.all() {
		if strings.HasPrefix(c, "ListRepoTag ") {
			listed = append(listed, c)
		}
	}
	if len(listed) != 1 || !strings.Contains(listed[0], "RepoId=crr-app0") {
		t.Fatalf("ListRepoTag calls: %v", listed)
	}
	// v1's platforms come from the registry's v2 API, logged in with the
	// token GetAuthorizationToken minted.
	want := []registry.Tag{
		{Name: "v1", Digest: basicDigest, MediaType: basicIndexType, Size: 27107966, PushedAt: &acrT0, Platforms: basicPlatforms},
		{Name: "v2", Digest: "sha256:" + strings.Repeat("5", 64), Size: 1024, PushedAt: ptr(acrT0.Add(time.Minute))},
		{Name: "old", Digest: "sha256:" + strings.Repeat("6", 64), Size: 512, PushedAt: ptr(acrT0.Add(-time.Hour))},
	}
	if diff := cmp.Diff(want, l.Items); diff != "" || l.Total != 3 || l.Continue != "" {
		t.Fatalf("tags (-want +got):\n%s", diff)
	}
	names, tokens := collect(t, 2, "", func(p registry.Page) (*registry.List[registry.Tag], error) { return a.Tags(ctx, "team/app", p) },
		func(t registry.Tag) string { return t.Name })
	if !slices.Equal(names, []string{"v1", "v2", "old"}) || !slices.Equal(tokens, []string{"2"}) {
		t.Fatalf("paged: %v %v", names, tokens)
	}
	if l, err := a.Tags(ctx, "team/app", registry.Page{Limit: 10, Filter: "v"}); err != nil || len(l.Items) != 2 {
		t.Fatalf("filtered: %+v %v", l, err)
	}
	if _, err := a.Tags(ctx, "team/nope", registry.Page{Limit: 10}); reason(err) != registry.ReasonNotFound {
		t.Fatalf("missing repository: %v", err)
	}
}

func TestACRDeleteTag(t *testing.T) {
	f, a := acr(t, "LTAI5tAdmin", "admin-secret")
	ctx := t.Context()
	if err := a.DeleteTag(ctx, "team/app", "old"); err != nil {
		t.Fatal(err)
	}
	if last := f.last("DeleteRepoTag "); !strings.HasPrefix(last, "DeleteRepoTag ") || !strings.Contains(last, "RepoId=crr-app0") || !strings.Contains(last, "Tag=old") {
		t.Fatalf("asked %s", last)
	}
	for _, tc := range []struct {
		name, key, secret, repo, tag, want string
	}{
		{"the tag is gone", "LTAI5tAdmin", "admin-secret", "team/app", "old", registry.ReasonNotFound},
		{"no such repository", "LTAI5tAdmin", "admin-secret", "team/nope", "v1", registry.ReasonNotFound},
		{"read-only key", "LTAI5tReadOnly", "read-secret", "team/app", "v1", registry.ReasonForbidden},
		{"wrong secret", "LTAI5tAdmin", "nope", "team/app", "v1", registry.ReasonUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := a
			if tc.key != "LTAI5tAdmin" || tc.secret != "admin-secret" {
				_, a = acr(t, tc.key, tc.secret)
			}
			if err := a.DeleteTag(ctx, tc.repo, tc.tag); reason(err) != tc.want {
				t.Fatalf("%v, want %s", err, tc.want)
			}
		})
	}
}
