package registry_test

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ecrFake answers as Amazon ECR's API does, after the Amazon ECR API
// Reference (API version 2015-09-21: GetAuthorizationToken,
// DescribeRepositories, DescribeImages, BatchDeleteImage) and its AWS
// JSON 1.1 protocol: POST / with Content-Type application/x-amz-json-1.1
// and X-Amz-Target AmazonEC2ContainerRegistry_V20150921.<Action>; times
// as epoch seconds; pages of maxResults (1 to 1000) continued by an
// opaque nextToken; errors as HTTP 400 with X-Amzn-ErrorType and
// {"__type","message"}; BatchDeleteImage reporting a missing image in
// failures (ImageNotFound) and a missing repository as
// RepositoryNotFoundException.
//
// Requests are authenticated as AWS's Signature Version 4 documents say
// ("Create a signed AWS API request"), recomputed here from the received
// request by the fixture's own implementation (checked against the
// documents' IAM ListUsers example): the credential scope must be
// date/us-east-1/ecr/aws4_request with the date of X-Amz-Date, host and
// x-amz-date must be signed, an unknown key is UnrecognizedClientException,
// a wrong signature or a stale date InvalidSignatureException, and what
// IAM does not allow AccessDeniedException.
type ecrFake struct {
	calls

	mu     sync.Mutex
	keys   map[string]ecrKey
	repos  []string
	images map[string][]*ecrImage
	expire time.Time
}

// ecrKey is an access key's secret and what IAM allows it: "all", "read"
// or nothing.
type ecrKey struct{ secret, allow string }

type ecrImage struct {
	digest, mediaType string
	tags              []string
	size              int64
	pushed            time.Time
}

const (
	ecrAccount  = "123456789012"
	ecrRegion   = "us-east-1"
	ecrTarget   = "AmazonEC2ContainerRegistry_V20150921."
	ecrPassword = "eyJwYXlsb2FkIjoiZWNyLXRva2VuIn0="
	ecrList     = "application/vnd.docker.distribution.manifest.list.v2+json"
	ecrManifest = "application/vnd.docker.distribution.manifest.v2+json"
)

var ecrT0 = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)

func newECRFake(v1Digest string) *ecrFake {
	f := &ecrFake{
		keys: map[string]ecrKey{
			"AKIAADMIN":    {secret: "admin-secret", allow: "all"},
			"AKIAREADONLY": {secret: "read-secret", allow: "read"},
			"AKIANOPERM":   {secret: "noperm-secret"},
		},
		repos:  []string{"other/thing", "team/app", "team/tools", "team/zeta", "web"},
		images: map[string][]*ecrImage{},
		expire: time.Now().Add(12 * time.Hour).Truncate(time.Second).UTC(),
	}
	f.images["team/app"] = []*ecrImage{
		{digest: v1Digest, mediaType: ecrList, tags: []string{"v1"}, size: 3000, pushed: ecrT0},
		{digest: "sha256:" + strings.Repeat("e", 64), mediaType: ecrManifest, tags: []string{"latest", "stable"}, size: 1000, pushed: ecrT0.Add(time.Minute)},
		{digest: "sha256:" + strings.Repeat("f", 64), mediaType: ecrManifest, tags: []string{"old"}, size: 500, pushed: ecrT0.Add(-time.Hour)},
		{digest: "sha256:" + strings.Repeat("0", 64), mediaType: ecrManifest, size: 100, pushed: ecrT0.Add(-2 * time.Hour)},
	}
	return f
}

// sigv4Encode is SigV4's URI encoding: RFC 3986 unreserved characters
// kept, every other byte as %XX (and "/" kept in paths).
func sigv4Encode(s string, path bool) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' || (path && c == '/') {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// sigv4Signature is the Signature Version 4 signature of a request:
// headers are the signed headers' names and values, in any order.
func sigv4Signature(method, path string, query url.Values, headers [][2]string, payload []byte, amzDate, region, service, secret string) string {
	keys := make([]string, 0, len(query))
	for k := range query {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var q []string
	for _, k := range keys {
		vs := append([]string(nil), query[k]...)
		sort.Strings(vs)
		for _, v := range vs {
			q = append(q, sigv4Encode(k, false)+"="+sigv4Encode(v, false))
		}
	}
	hs := slices.Clone(headers)
	slices.SortFunc(hs, func(a, b [2]string) int { return strings.Compare(strings.ToLower(a[0]), strings.ToLower(b[0])) })
	var canonical strings.Builder
	names := make([]string, 0, len(hs))
	for _, h := range hs {
		name := strings.ToLower(h[0])
		fmt.Fprintf(&canonical, "%s:%s\n", name, strings.Join(strings.Fields(h[1]), " "))
		names = append(names, name)
	}
	req := strings.Join([]string{method, sigv4Encode(path, true), strings.Join(q, "&"), canonical.String(), strings.Join(names, ";"), sha256Hex(payload)}, "\n")
	date := amzDate[:8]
	toSign := strings.Join([]string{"AWS4-HMAC-SHA256", amzDate, date + "/" + region + "/" + service + "/aws4_request", sha256Hex([]byte(req))}, "\n")
	k := hmacSHA256([]byte("AWS4"+secret), date)
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, service)
	k = hmacSHA256(k, "aws4_request")
	return hex.EncodeToString(hmacSHA256(k, toSign))
}

// awsError is an AWS JSON 1.1 error answer.
func awsError(w http.ResponseWriter, code, msg string) {
	w.Header().Set("X-Amzn-ErrorType", code+":http://internal.amazon.com/coral/com.amazon.coral.service/")
	w.Header().Set("X-Amzn-RequestId", "b2d38e4a-9d4b-4b0e-9f3c-000000000000")
	body, _ := json.Marshal(map[string]string{"__type": code, "message": msg})
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(http.StatusBadRequest)
	_, _ = w.Write(body)
}

func awsOK(w http.ResponseWriter, v any) {
	body, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	_, _ = w.Write(body)
}

// authenticate checks the request's SigV4 signature and returns the key,
// or answers the error.
func (f *ecrFake) authenticate(w http.ResponseWriter, r *http.Request, body []byte) (ecrKey, bool) {
	const invalidSig = "InvalidSignatureException"
	alg, rest, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	fields := map[string]string{}
	for part := range strings.SplitSeq(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		fields[k] = v
	}
	scope := strings.Split(fields["Credential"], "/")
	if alg != "AWS4-HMAC-SHA256" || len(scope) != 5 || fields["Signature"] == "" {
		awsError(w, "IncompleteSignatureException", "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters.")
		return ecrKey{}, false
	}
	key, ok := f.keys[scope[0]]
	if !ok {
		awsError(w, "UnrecognizedClientException", "The security token included in the request is invalid.")
		return ecrKey{}, false
	}
	amzDate := r.Header.Get("X-Amz-Date")
	at, err := time.Parse("20060102T150405Z", amzDate)
	signed := strings.Split(fields["SignedHeaders"], ";")
	switch {
	case err != nil || !slices.Contains(signed, "x-amz-date") || !slices.Contains(signed, "host"):
		awsError(w, invalidSig, "host and x-amz-date must be signed")
		return ecrKey{}, false
	case time.Since(at).Abs() > 15*time.Minute:
		awsError(w, invalidSig, "Signature expired: "+amzDate+" is now earlier or later than 15 min from now.")
		return ecrKey{}, false
	case scope[1] != amzDate[:8] || scope[2] != ecrRegion || scope[3] != "ecr" || scope[4] != "aws4_request":
		awsError(w, invalidSig, "Credential should be scoped to a valid region and service: "+fields["Credential"])
		return ecrKey{}, false
	case r.Header.Get("X-Amz-Content-Sha256") != "" && r.Header.Get("X-Amz-Content-Sha256") != sha256Hex(body):
		awsError(w, invalidSig, "The provided 'x-amz-content-sha256' header does not match what was computed.")
		return ecrKey{}, false
	}
	var headers [][2]string
	for _, h := range signed {
		v := strings.Join(r.Header.Values(h), ",")
		switch h {
		case "host":
			v = r.Host
		case "content-length":
			v = strconv.FormatInt(r.ContentLength, 10)
		}
		headers = append(headers, [2]string{h, v})
	}
	if sigv4Signature(r.Method, r.URL.Path, r.URL.Query(), headers, body, amzDate, scope[2], scope[3], key.secret) != fields["Signature"] {
		awsError(w, invalidSig, "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.")
		return ecrKey{}, false
	}
	return key, true
}

// ecrInput is the request members the fixture reads.
type ecrInput struct {
	RegistryID     string `json:"registryId"`
	RepositoryName string `json:"repositoryName"`
	MaxResults     *int   `json:"maxResults"`
	NextToken      string `json:"nextToken"`
	Filter         *struct {
		TagStatus string `json:"tagStatus"`
	} `json:"filter"`
	ImageIDs []ecrImageID `json:"imageIds"`
}

type ecrImageID struct {
	ImageTag    string `json:"imageTag,omitempty"`
	ImageDigest string `json:"imageDigest,omitempty"`
}

// window returns the page in asks for of n items and the next token.
func (in ecrInput) window(w http.ResponseWriter, n int) (from, to int, next *string, ok bool) {
	size := 100
	if in.MaxResults != nil {
		size = *in.MaxResults
	}
	if size < 1 || size > 1000 {
		awsError(w, "InvalidParameterException", fmt.Sprintf("1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 1000", size))
		return 0, 0, nil, false
	}
	if in.NextToken != "" {
		b, err := base64.StdEncoding.DecodeString(in.NextToken)
		from, _ = strconv.Atoi(strings.TrimPrefix(string(b), "offset:"))
		if err != nil || !strings.HasPrefix(string(b), "offset:") {
			awsError(w, "InvalidParameterException", "Invalid parameter at 'nextToken' failed to satisfy constraint: 'Invalid NextToken'")
			return 0, 0, nil, false
		}
	}
	from = min(from, n)
	to = min(from+size, n)
	if to < n {
		t := base64.StdEncoding.EncodeToString([]byte("offset:" + strconv.Itoa(to)))
		next = &t
	}
	return from, to, next, true
}

func epochSeconds(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

func (f *ecrFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	body, _ := io.ReadAll(r.Body)
	action, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), ecrTarget)
	f.add(action + " " + string(body))
	if !ok || r.Method != http.MethodPost || r.URL.Path != "/" || r.Header.Get("Content-Type") != "application/x-amz-json-1.1" {
		awsError(w, "UnknownOperationException", "")
		return
	}
	key, ok := f.authenticate(w, r, body)
	if !ok {
		return
	}
	var in ecrInput
	if err := json.Unmarshal(body, &in); err != nil {
		awsError(w, "SerializationException", err.Error())
		return
	}
	if key.allow == "" || (key.allow == "read" && action == "BatchDeleteImage") {
		awsError(w, "AccessDeniedException", fmt.Sprintf("User: arn:aws:iam::%s:user/ci is not authorized to perform: ecr:%s on resource: * because no identity-based policy allows the ecr:%s action", ecrAccount, action, action))
		return
	}
	if in.RegistryID != "" && in.RegistryID != ecrAccount {
		awsError(w, "InvalidParameterException", "Invalid parameter at 'registryId'")
		return
	}
	switch action {
	case "GetAuthorizationToken":
		awsOK(w, map[string]any{"authorizationData": []map[string]any{{
			"authorizationToken": base64.StdEncoding.EncodeToString([]byte("AWS:" + ecrPassword)),
			"expiresAt":          epochSeconds(f.expire),
			"proxyEndpoint":      "https://" + ecrAccount + ".dkr.ecr." + ecrRegion + ".amazonaws.com",
		}}})
	case "DescribeRepositories":
		from, to, next, ok := in.window(w, len(f.repos))
		if !ok {
			return
		}
		var out []map[string]any
		for i, name := range f.repos[from:to] {
			out = append(out, map[string]any{"repositoryArn": "arn:aws:ecr:" + ecrRegion + ":" + ecrAccount + ":repository/" + name, "registryId": ecrAccount,
				"repositoryName": name, "repositoryUri": ecrAccount + ".dkr.ecr." + ecrRegion + ".amazonaws.com/" + name,
				"createdAt": epochSeconds(ecrT0.Add(time.Duration(from+i) * time.Hour)), "imageTagMutability": "MUTABLE"})
		}
		awsOK(w, map[string]any{"repositories": out, "nextToken": next})
	case "DescribeImages", "BatchDeleteImage":
		images, found := f.images[in.RepositoryName]
		if !slices.Contains(f.repos, in.RepositoryName) {
			awsError(w, "RepositoryNotFoundException", fmt.Sprintf("The repository with name '%s' does not exist in the registry with id '%s'", in.RepositoryName, ecrAccount))
			return
		}
		if action == "BatchDeleteImage" {
			f.batchDelete(w, in)
			return
		}
		if found && in.Filter != nil && in.Filter.TagStatus == "TAGGED" {
			images = slices.DeleteFunc(slices.Clone(images), func(i *ecrImage) bool { return len(i.tags) == 0 })
		}
		from, to, next, ok := in.window(w, len(images))
		if !ok {
			return
		}
		out := []map[string]any{}
		for _, img := range images[from:to] {
			out = append(out, map[string]any{"registryId": ecrAccount, "repositoryName": in.RepositoryName, "imageDigest": img.digest,
				"imageTags": img.tags, "imageSizeInBytes": img.size, "imagePushedAt": epochSeconds(img.pushed),
				"imageManifestMediaType": img.mediaType, "artifactMediaType": "application/vnd.docker.container.image.v1+json"})
		}
		awsOK(w, map[string]any{"imageDetails": out, "nextToken": next})
	default:
		awsError(w, "UnknownOperationException", "")
	}
}

// batchDelete removes the tags asked for, reporting the missing ones.
func (f *ecrFake) batchDelete(w http.ResponseWriter, in ecrInput) {
	deleted, failures := []ecrImageID{}, []map[string]any{}
	for _, id := range in.ImageIDs {
		i := slices.IndexFunc(f.images[in.RepositoryName], func(img *ecrImage) bool { return slices.Contains(img.tags, id.ImageTag) })
		if i < 0 {
			failures = append(failures, map[string]any{"imageId": id, "failureCode": "ImageNotFound", "failureReason": "Requested image not found"})
			continue
		}
		img := f.images[in.RepositoryName][i]
		img.tags = slices.DeleteFunc(img.tags, func(t string) bool { return t == id.ImageTag })
		deleted = append(deleted, ecrImageID{ImageTag: id.ImageTag, ImageDigest: img.digest})
	}
	awsOK(w, map[string]any{"imageIds": deleted, "failures": failures})
}
