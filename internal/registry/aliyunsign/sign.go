// Package aliyunsign signs Alibaba Cloud RPC-style API requests with
// signature version 1.0 (HMAC-SHA1), as Alibaba Cloud's "Request
// signatures" document for RPC APIs describes: the query parameters,
// sorted and percent-encoded (RFC 3986, with space as %20, * as %2A and ~
// kept), joined into a canonicalized query string; the string to sign is
// METHOD&%2F&percentEncode(query); the signature is the base64 of
// HMAC-SHA1 over it with the key AccessKeySecret + "&".
//
// Alibaba's Go SDK for Container Registry is not served by the module
// proxy Wheelhouse builds with, so the registry adapter signs by itself.
package aliyunsign

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"sort"
	"strings"
	"time"
)

// PercentEncode encodes s as the signature requires: RFC 3986 unreserved
// characters kept, everything else as %XX in upper case.
func PercentEncode(s string) string {
	e := url.QueryEscape(s)
	return strings.NewReplacer("+", "%20", "*", "%2A", "%7E", "~").Replace(e)
}

// CanonicalQuery returns the sorted, encoded query string of params
// (Signature excluded).
func CanonicalQuery(params url.Values) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		if k != "Signature" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, PercentEncode(k)+"="+PercentEncode(params.Get(k)))
	}
	return strings.Join(parts, "&")
}

// StringToSign is what Signature signs for a request of method with params.
func StringToSign(method string, params url.Values) string {
	return method + "&" + PercentEncode("/") + "&" + PercentEncode(CanonicalQuery(params))
}

// Signature signs the request of method with params with secret.
func Signature(method string, params url.Values, secret string) string {
	mac := hmac.New(sha1.New, []byte(secret+"&"))
	mac.Write([]byte(StringToSign(method, params)))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Sign adds the common parameters of signature version 1.0 (access key,
// timestamp, nonce, method and version of the signature, JSON format) to
// params and then the Signature.
func Sign(method string, params url.Values, accessKeyID, secret string, now time.Time) {
	params.Set("AccessKeyId", accessKeyID)
	params.Set("Format", "JSON")
	params.Set("SignatureMethod", "HMAC-SHA1")
	params.Set("SignatureVersion", "1.0")
	params.Set("SignatureNonce", nonce())
	params.Set("Timestamp", now.UTC().Format("2006-01-02T15:04:05Z"))
	params.Set("Signature", Signature(method, params, secret))
}

// Verify reports whether params carry a valid Signature for secret, in
// constant time.
func Verify(method string, params url.Values, secret string) bool {
	got, err := base64.StdEncoding.DecodeString(params.Get("Signature"))
	if err != nil {
		return false
	}
	want, _ := base64.StdEncoding.DecodeString(Signature(method, params, secret))
	return hmac.Equal(got, want)
}

func nonce() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
