package registry_test

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// tcrFake answers as Tencent Cloud's TCR API (tcr 2019-09-24) does, after
// Tencent's API reference for it (CreateInstanceToken,
// DescribeNamespaces, DescribeRepositories, DescribeImages, DeleteImage
// for an enterprise instance; DescribeNamespacePersonal,
// DescribeRepositoryOwnerPersonal, DescribeImagePersonal,
// DeleteImagePersonal for the personal edition) and the API 3.0 "Common
// Request Parameters" and "Common Error Codes" pages: POST / with a JSON
// body; the action, version, timestamp and region in X-TC-Action,
// X-TC-Version, X-TC-Timestamp and X-TC-Region; every answer HTTP 200
// with {"Response":{…,"RequestId"}} and errors as Response.Error {Code,
// Message}. The enterprise actions page with Offset as a page number
// (1-based: "Page number. Default value: 1"), the personal ones with
// Offset as an item offset ("偏移量，默认为0"); repository times come as Go
// prints them ("2006-01-02 15:04:05.999999999 -0700 MST"); personal tag
// sizes as text ("128 MB") with SizeByte beside them in newer answers.
//
// Requests are authenticated as the API 3.0 "Signature v3" document says
// (TC3-HMAC-SHA256), recomputed here from the received method, path,
// query, signed headers and body: AuthFailure.SecretIdNotFound for an
// unknown SecretId, AuthFailure.SignatureFailure for a wrong signature,
// AuthFailure.SignatureExpire for a timestamp off by more than five
// minutes, AuthFailure.UnauthorizedOperation when CAM denies the action.
type tcrFake struct {
	calls

	mu         sync.Mutex
	keys       map[string]tcrKey
	namespaces []map[string]any
	repos      []map[string]any
	images     map[string][]map[string]any
	personal   tcrPersonal
	// expSeconds sends CreateInstanceToken's ExpTime in seconds, not
	// milliseconds: the reference gives it no unit.
	expSeconds bool
	expire     time.Time
	// offsets are the Offset of each list call, by action.
	offsets map[string][]int
}

// tcrPersonal is the personal edition's data.
type tcrPersonal struct {
	namespaces []map[string]any
	repos      []map[string]any
	tags       map[string][]map[string]any
}

// tcrKey is a SecretId's key and what CAM lets it do: "all", "read" or
// nothing.
type tcrKey struct{ secret, allow string }

const (
	tcrRegistryID = "tcr-ak9876"
	tcrRegion     = "ap-guangzhou"
)

var (
	tcrT0   = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	tcrZone = time.FixedZone("CST", 8*3600)
)

func newTCRFake(v1Digest string) *tcrFake {
	f := &tcrFake{
		keys: map[string]tcrKey{
			"AKIDadmin":    {secret: "admin-key", allow: "all"},
			"AKIDreadonly": {secret: "read-key", allow: "read"},
			"AKIDnocam":    {secret: "nocam-key"},
		},
		images:  map[string][]map[string]any{},
		expire:  time.Now().Add(time.Hour).Truncate(time.Second).UTC(),
		offsets: map[string][]int{},
	}
	goTime := func(d time.Duration) string { return tcrT0.Add(d).In(tcrZone).String() }
	for i, name := range []string{"library", "team", "ns-01", "ns-02", "ns-03", "ns-04", "ns-05", "ns-06", "ns-07"} {
		f.namespaces = append(f.namespaces, map[string]any{"Name": name, "CreationTime": goTime(time.Duration(i) * time.Hour), "Public": name == "library", "NamespaceId": i + 1})
	}
	for i, name := range []string{"team/app", "team/tools/build", "library/nginx"} {
		ns, _, _ := strings.Cut(name, "/")
		f.repos = append(f.repos, map[string]any{"Name": name, "Namespace": ns, "CreationTime": goTime(0), "Public": false,
			"Description": "", "BriefDescription": "", "UpdateTime": goTime(time.Duration(i) * time.Minute)})
	}
	f.images["team/app"] = []map[string]any{
		{"Digest": v1Digest, "Size": 2048, "ImageVersion": "v1", "UpdateTime": goTime(0), "Kind": "oci"},
		{"Digest": "sha256:" + strings.Repeat("7", 64), "Size": 1024, "ImageVersion": "v2", "UpdateTime": goTime(time.Minute), "Kind": "oci"},
		{"Digest": "sha256:" + strings.Repeat("8", 64), "Size": 512, "ImageVersion": "old", "UpdateTime": goTime(-time.Hour), "Kind": "oci"},
	}
	f.images["team/tools/build"] = nil
	f.images["library/nginx"] = nil

	local := func(d time.Duration) string { return tcrT0.Add(d).In(tcrZone).Format("2006-01-02 15:04:05") }
	for i, name := range []string{"alice", "team", "tools"} {
		f.personal.namespaces = append(f.personal.namespaces, map[string]any{"Namespace": name, "CreationTime": local(time.Duration(i) * time.Hour), "RepoCount": 1})
	}
	for i, name := range []string{"alice/hello", "team/app", "tools/lint"} {
		f.personal.repos = append(f.personal.repos, map[string]any{"RepoName": name, "RepoType": "private", "TagCount": 3, "Public": 0,
			"IsUserFavor": false, "IsQcloudOfficial": false, "FavorCount": 0, "PullCount": 7, "Description": "",
			"CreationTime": local(0), "UpdateTime": local(time.Duration(i) * time.Minute)})
	}
	tag := func(name, size string, sizeByte int64, d time.Duration) map[string]any {
		t := map[string]any{"TagName": name, "TagId": "sha256:" + strings.Repeat("9", 64), "ImageId": strings.Repeat("9", 12), "Size": size,
			"CreationTime": local(d), "DurationDays": "3", "Author": "", "Architecture": "amd64", "DockerVersion": "24.0.7", "OS": "linux",
			"Id": 1, "UpdateTime": local(d), "PushTime": local(d)}
		if sizeByte > 0 {
			t["SizeByte"] = sizeByte
		}
		return t
	}
	f.personal.tags = map[string][]map[string]any{
		"team/app": {
			// An older answer: the size as text only.
			tag("v1", "128 MB", 0, 0),
			tag("v2", "1.5 GB", 1610612736, time.Minute),
			tag("old", "512 KB", 524288, -time.Hour),
		},
		"alice/hello": nil,
		"tools/lint":  nil,
	}
	return f
}

// tc3Signature is the TC3-HMAC-SHA256 signature of a request: headers
// are the signed headers' names and values in SignedHeaders order.
func tc3Signature(method, uri, query string, headers [][2]string, payload []byte, timestamp int64, service, secretKey string) string {
	var canonical, names strings.Builder
	for i, h := range headers {
		fmt.Fprintf(&canonical, "%s:%s\n", strings.ToLower(h[0]), strings.ToLower(strings.TrimSpace(h[1])))
		if i > 0 {
			names.WriteByte(';')
		}
		names.WriteString(strings.ToLower(h[0]))
	}
	req := strings.Join([]string{method, uri, query, canonical.String(), names.String(), sha256Hex(payload)}, "\n")
	date := time.Unix(timestamp, 0).UTC().Format("2006-01-02")
	toSign := strings.Join([]string{"TC3-HMAC-SHA256", strconv.FormatInt(timestamp, 10), date + "/" + service + "/tc3_request", sha256Hex([]byte(req))}, "\n")
	k := hmacSHA256([]byte("TC3"+secretKey), date)
	k = hmacSHA256(k, service)
	k = hmacSHA256(k, "tc3_request")
	return hex.EncodeToString(hmacSHA256(k, toSign))
}

// tc3Error is an API 3.0 error answer.
func tc3Error(w http.ResponseWriter, code, msg string) {
	writeJSON(w, http.StatusOK, map[string]any{"Response": map[string]any{"Error": map[string]string{"Code": code, "Message": msg},
		"RequestId": "6ef60bec-0242-43af-bb20-270359fb54a7"}})
}

func tc3OK(w http.ResponseWriter, body map[string]any) {
	body["RequestId"] = "6ef60bec-0242-43af-bb20-270359fb54a7"
	writeJSON(w, http.StatusOK, map[string]any{"Response": body})
}

// authenticate checks the common headers and the signature and returns
// the key, or answers the error.
func (f *tcrFake) authenticate(w http.ResponseWriter, r *http.Request, body []byte) (tcrKey, bool) {
	if r.Header.Get("X-TC-Version") != "2019-09-24" || r.Header.Get("X-TC-Region") != tcrRegion || r.Header.Get("X-TC-Action") == "" {
		tc3Error(w, "InvalidParameter", "X-TC-Action, X-TC-Version 2019-09-24 and X-TC-Region "+tcrRegion+" are required")
		return tcrKey{}, false
	}
	alg, rest, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	fields := map[string]string{}
	for part := range strings.SplitSeq(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		fields[k] = v
	}
	scope := strings.Split(fields["Credential"], "/")
	if alg != "TC3-HMAC-SHA256" || len(scope) != 4 || scope[3] != "tc3_request" || fields["Signature"] == "" {
		tc3Error(w, "AuthFailure.InvalidAuthorization", "Authorization is not a TC3-HMAC-SHA256 signature")
		return tcrKey{}, false
	}
	key, ok := f.keys[scope[0]]
	if !ok {
		tc3Error(w, "AuthFailure.SecretIdNotFound", "The SecretId is not found, please ensure that your SecretId is correct.")
		return tcrKey{}, false
	}
	ts, err := strconv.ParseInt(r.Header.Get("X-TC-Timestamp"), 10, 64)
	if err != nil || time.Since(time.Unix(ts, 0)).Abs() > 5*time.Minute {
		tc3Error(w, "AuthFailure.SignatureExpire", "Signature expired. Timestamp is not within five minutes of the server's time.")
		return tcrKey{}, false
	}
	signed := strings.Split(fields["SignedHeaders"], ";")
	if scope[1] != time.Unix(ts, 0).UTC().Format("2006-01-02") || scope[2] != "tcr" || !slices.Contains(signed, "content-type") || !slices.Contains(signed, "host") {
		tc3Error(w, "AuthFailure.SignatureFailure", "The credential scope or the signed headers are wrong.")
		return tcrKey{}, false
	}
	var headers [][2]string
	for _, h := range signed {
		v := r.Header.Get(h)
		if h == "host" {
			v = r.Host
		}
		headers = append(headers, [2]string{h, v})
	}
	if tc3Signature(r.Method, r.URL.Path, r.URL.RawQuery, headers, body, ts, scope[2], key.secret) != fields["Signature"] {
		tc3Error(w, "AuthFailure.SignatureFailure", "The provided credentials could not be validated. Please check your signature is correct.")
		return tcrKey{}, false
	}
	return key, true
}

// tcrInput is the request body's parameters the fixture reads.
type tcrInput struct {
	RegistryId, NamespaceName, RepositoryName, ImageVersion string
	TokenType, Namespace, RepoName, Tag                     string
	Limit                                                   int
	Offset                                                  *int
}

func (f *tcrFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	body, _ := io.ReadAll(r.Body)
	action := r.Header.Get("X-TC-Action")
	f.add(action + " " + string(body))
	if r.Method != http.MethodPost || r.URL.Path != "/" || r.Header.Get("Content-Type") != "application/json; charset=utf-8" {
		tc3Error(w, "InvalidParameter", "POST / with application/json; charset=utf-8")
		return
	}
	key, ok := f.authenticate(w, r, body)
	if !ok {
		return
	}
	var in tcrInput
	if err := json.Unmarshal(body, &in); err != nil {
		tc3Error(w, "InvalidParameter", err.Error())
		return
	}
	if key.allow == "" {
		tc3Error(w, "AuthFailure.UnauthorizedOperation", "The request is not authorized by CAM.")
		return
	}
	if strings.HasSuffix(action, "Personal") {
		f.servePersonal(w, action, key, in)
		return
	}
	if in.RegistryId != tcrRegistryID {
		tc3Error(w, "ResourceNotFound.TcrResourceNotFound", "registry "+in.RegistryId+" not found")
		return
	}
	if in.Offset != nil {
		f.offsets[action] = append(f.offsets[action], *in.Offset)
	}
	page := func(items []map[string]any) ([]map[string]any, bool) {
		n, size := 1, 20
		if in.Offset != nil {
			n = *in.Offset
		}
		if in.Limit > 0 {
			size = in.Limit
		}
		if n < 1 {
			tc3Error(w, "InvalidParameter", "Offset is a page number, from 1")
			return nil, false
		}
		return pageOf(items, n, size), true
	}
	switch action {
	case "CreateInstanceToken":
		exp := f.expire.UnixMilli()
		if f.expSeconds {
			exp = f.expire.Unix()
		}
		tc3OK(w, map[string]any{"Username": user, "Token": password, "ExpTime": exp, "TokenId": nil})
	case "DescribeNamespaces":
		var out []map[string]any
		for _, ns := range f.namespaces {
			if strings.Contains(ns["Name"].(string), in.NamespaceName) {
				out = append(out, ns)
			}
		}
		if p, ok := page(out); ok {
			tc3OK(w, map[string]any{"NamespaceList": p, "TotalCount": len(out)})
		}
	case "DescribeRepositories":
		var out []map[string]any
		for _, repo := range f.repos {
			if (in.NamespaceName == "" || repo["Namespace"] == in.NamespaceName) && strings.Contains(repo["Name"].(string), in.RepositoryName) {
				out = append(out, repo)
			}
		}
		if p, ok := page(out); ok {
			tc3OK(w, map[string]any{"RepositoryList": p, "TotalCount": len(out)})
		}
	case "DescribeImages", "DeleteImage":
		repo := in.NamespaceName + "/" + in.RepositoryName
		images, found := f.images[repo]
		if !found {
			tc3Error(w, "ResourceNotFound", "repository "+repo+" not found")
			return
		}
		if action == "DescribeImages" {
			var out []map[string]any
			for _, img := range images {
				if strings.Contains(img["ImageVersion"].(string), in.ImageVersion) {
					out = append(out, img)
				}
			}
			if p, ok := page(out); ok {
				tc3OK(w, map[string]any{"ImageInfoList": p, "TotalCount": len(out)})
			}
			return
		}
		if key.allow != "all" {
			tc3Error(w, "UnauthorizedOperation", "not authorized to delete images")
			return
		}
		i := slices.IndexFunc(images, func(img map[string]any) bool { return img["ImageVersion"] == in.ImageVersion })
		if i < 0 {
			tc3Error(w, "ResourceNotFound.TcrResourceNotFound", "image "+repo+":"+in.ImageVersion+" not found")
			return
		}
		f.images[repo] = slices.Delete(images, i, i+1)
		tc3OK(w, map[string]any{})
	default:
		tc3Error(w, "InvalidAction", "The action "+action+" is not found.")
	}
}

// servePersonal serves the personal edition's actions.
func (f *tcrFake) servePersonal(w http.ResponseWriter, action string, key tcrKey, in tcrInput) {
	from := 0
	if in.Offset != nil {
		from = *in.Offset
		f.offsets[action] = append(f.offsets[action], from)
	}
	limit := 20
	if in.Limit > 0 {
		limit = min(in.Limit, 100)
	}
	window := func(items []map[string]any) []map[string]any {
		if from >= len(items) {
			return []map[string]any{}
		}
		return items[from:min(from+limit, len(items))]
	}
	switch action {
	case "DescribeNamespacePersonal":
		var out []map[string]any
		for _, ns := range f.personal.namespaces {
			if strings.Contains(ns["Namespace"].(string), in.Namespace) {
				out = append(out, ns)
			}
		}
		tc3OK(w, map[string]any{"Data": map[string]any{"NamespaceCount": len(out), "NamespaceInfo": window(out)}})
	case "DescribeRepositoryOwnerPersonal":
		var out []map[string]any
		for _, repo := range f.personal.repos {
			if strings.Contains(repo["RepoName"].(string), in.RepoName) {
				out = append(out, repo)
			}
		}
		tc3OK(w, map[string]any{"Data": map[string]any{"TotalCount": len(out), "RepoInfo": window(out), "Server": "ccr.ccs.tencentyun.com"}})
	case "DescribeImagePersonal", "DeleteImagePersonal":
		tags, found := f.personal.tags[in.RepoName]
		if !found {
			tc3Error(w, "ResourceNotFound.ErrNoRepo", "repository "+in.RepoName+" does not exist")
			return
		}
		if action == "DescribeImagePersonal" {
			var out []map[string]any
			for _, t := range tags {
				if strings.Contains(t["TagName"].(string), in.Tag) {
					out = append(out, t)
				}
			}
			tc3OK(w, map[string]any{"Data": map[string]any{"TagCount": len(out), "TagInfo": window(out), "Server": "ccr.ccs.tencentyun.com", "RepoName": in.RepoName}})
			return
		}
		if key.allow != "all" {
			tc3Error(w, "InternalError.ErrUnauthorized", "authorization failed")
			return
		}
		i := slices.IndexFunc(tags, func(t map[string]any) bool { return t["TagName"] == in.Tag })
		if i < 0 {
			tc3Error(w, "ResourceNotFound.ErrNoTag", "tag "+in.Tag+" does not exist")
			return
		}
		f.personal.tags[in.RepoName] = slices.Delete(tags, i, i+1)
		tc3OK(w, map[string]any{})
	default:
		tc3Error(w, "InvalidAction", "The action "+action+" is not found.")
	}
}
