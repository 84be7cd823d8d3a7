package aliyunsign

import (
	"net/url"
	"testing"
)

// TestDocumentExample checks the worked example of Alibaba Cloud's
// "Request signatures" document for RPC APIs (signature version 1.0,
// HMAC-SHA1; the ECS DescribeRegions example with AccessKeyId testid and
// AccessKeySecret testsecret).
func TestDocumentExample(t *testing.T) {
	params := url.Values{
		"Timestamp":        {"2016-02-23T12:46:24Z"},
		"Format":           {"XML"},
		"AccessKeyId":      {"testid"},
		"Action":           {"DescribeRegions"},
		"SignatureMethod":  {"HMAC-SHA1"},
		"SignatureNonce":   {"3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"},
		"Version":          {"2014-05-26"},
		"SignatureVersion": {"1.0"},
	}
	wantString := "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1" +
		"%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z" +
		"%26Version%3D2014-05-26"
	if got := StringToSign("GET", params); got != wantString {
		t.Fatalf("string to sign:\n got %s\nwant %s", got, wantString)
	}
	if got, want := Signature("GET", params, "testsecret"), "OLeaidS1JvxuMvnyHOwuJ+uX5qY="; got != want {
		t.Fatalf("signature %s, want %s", got, want)
	}
	params.Set("Signature", "OLeaidS1JvxuMvnyHOwuJ+uX5qY=")
	if !Verify("GET", params, "testsecret") || Verify("GET", params, "other") {
		t.Fatal("Verify disagrees with the document")
	}
}

func TestPercentEncode(t *testing.T) {
	for in, want := range map[string]string{"a b": "a%20b", "*": "%2A", "~": "~", "/": "%2F", "é": "%C3%A9", "a=b&c": "a%3Db%26c"} {
		if got := PercentEncode(in); got != want {
			t.Errorf("PercentEncode(%q) = %q, want %q", in, got, want)
		}
	}
}
