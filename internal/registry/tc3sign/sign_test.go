package tc3sign

import "testing"

// TestDocumentExample checks the worked example of Tencent Cloud's API 3.0
// "Signature v3" document (TC3-HMAC-SHA256): a CVM DescribeInstances POST
// at timestamp 1551113065 with the document's example key pair. The
// document's editions print the example key two ways (ending in EXAMPLE,
// and masked with seven asterisks), each with its own signature: both are
// checked.
func TestDocumentExample(t *testing.T) {
	r := Request{
		Method:      "POST",
		Host:        "cvm.tencentcloudapi.com",
		ContentType: "application/json; charset=utf-8",
		Payload:     []byte(`{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}`),
		Service:     "cvm",
		Timestamp:   1551113065,
	}
	wantCanonical := "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n\ncontent-type;host\n" +
		"35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
	if got := r.CanonicalRequest(); got != wantCanonical {
		t.Fatalf("canonical request:\n%s\nwant\n%s", got, wantCanonical)
	}
	wantString := "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
	if got := r.StringToSign(); got != wantString {
		t.Fatalf("string to sign:\n%s\nwant\n%s", got, wantString)
	}
	for _, tc := range []struct{ id, key, signature string }{
		{"AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE", "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"},
		{"AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******", "Gu5t9xGARNpq86cd98joQYCN3*******", "2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c"},
	} {
		want := "TC3-HMAC-SHA256 Credential=" + tc.id + "/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=" + tc.signature
		if got := r.Authorization(tc.id, tc.key); got != want {
			t.Fatalf("authorization:\n%s\nwant\n%s", got, want)
		}
		if !r.Verify(want, tc.id, tc.key) || r.Verify(want, tc.id, "other") {
			t.Fatal("Verify disagrees with the document")
		}
	}
}
