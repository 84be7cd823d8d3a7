//go:build !unit

package registries_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/wheelhouse-dev/wheelhouse/internal/pullsecrets"
	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
)

// ecrTokens is the part of AWS ECR's API a pull secret needs, as the ECR
// API Reference (API version 2015-09-21) describes it over the AWS JSON 1.1
// protocol: POST / with X-Amz-Target
// AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken, signed with
// Signature Version 4 for service "ecr" (the credential scope is checked
// here; the signature itself is checked by the adapter's own contract
// tests), answering authorizationData[] with authorizationToken (base64 of
// "AWS:<password>"), expiresAt (epoch seconds) and proxyEndpoint, and
// DescribeRepositories (the connection check reads one). Every
// token it mints lives for life.
func ecrTokens(t *testing.T, life time.Duration) (*httptest.Server, *atomic.Int32) {
	var minted atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		if !strings.Contains(r.Header.Get("Authorization"), "Credential=AKIAWHEELHOUSE/") ||
			!strings.Contains(r.Header.Get("Authorization"), "/us-east-1/ecr/aws4_request") {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"__type":"UnrecognizedClientException","message":"The security token included in the request is invalid."}`))
			return
		}
		if r.Header.Get("X-Amz-Target") == "AmazonEC2ContainerRegistry_V20150921.DescribeRepositories" {
			_, _ = w.Write([]byte(`{"repositories":[]}`))
			return
		}
		if r.Header.Get("X-Amz-Target") != "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken" {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"__type":"InvalidParameterException","message":"unexpected action"}`))
			return
		}
		n := minted.Add(1)
		_ = json.NewEncoder(w).Encode(map[string]any{"authorizationData": []map[string]any{{
			"authorizationToken": base64.StdEncoding.EncodeToString(fmt.Appendf(nil, "AWS:token-%d", n)),
			"expiresAt":          float64(time.Now().Add(life).Unix()),
			"proxyEndpoint":      "https://123456789012.dkr.ecr.us-east-1.amazonaws.com",
		}}})
	}))
	t.Cleanup(srv.Close)
	return srv, &minted
}

// testRenewedBeforeExpiry: a registry whose logins expire (ECR's
// tokens) gets a new one written into its Secret before the old expires,
// with the expiry recorded on the Secret.
func (e *env) testRenewedBeforeExpiry(t *testing.T) {
	h, c := e.h, e.c
	api, minted := ecrTokens(t, 8*time.Second)
	cred := h.Expect(http.StatusCreated, http.MethodPost, "/api/v1/credentials", h.Admin, map[string]any{
		"name": "aws", "type": "aws", "fields": map[string]string{"accessKeyId": "AKIAWHEELHOUSE", "secretAccessKey": "not-a-real-key"},
	})
	h.Expect(http.StatusCreated, http.MethodPost, "/api/v1/registries", h.Admin, map[string]any{
		"name": "ecr", "type": "ecr", "endpoint": "https://123456789012.dkr.ecr.us-east-1.amazonaws.com", "credentialId": cred["id"],
		"settings": map[string]string{"region": "us-east-1", "apiEndpoint": api.URL},
	})
	h.Expect(http.StatusCreated, http.MethodPost, "/api/v1/registries/ecr/pullsecrets", h.Admin, map[string]any{
		"cluster": clusterName, "namespace": namespace,
	})
	passwordInSecret := func() string {
		s, err := c.Kube.CoreV1().Secrets(namespace).Get(t.Context(), "ecr-pull", metav1.GetOptions{})
		if err != nil {
			return err.Error()
		}
		if s.Annotations[pullsecrets.ExpiresAnnotation] == "" {
			return "no expiry recorded"
		}
		var cfg struct {
			Auths map[string]struct{ Password string } `json:"auths"`
		}
		_ = json.Unmarshal(s.Data[".dockerconfigjson"], &cfg)
		return cfg.Auths["123456789012.dkr.ecr.us-east-1.amazonaws.com"].Password
	}
	servertest.Eventually(t, passwordInSecret).Should(gomega.MatchRegexp(`^token-\d+$`))
	first := passwordInSecret()
	// A quarter of the 8 s life ahead of expiry: a new token within 8 s.
	servertest.Eventually(t, passwordInSecret).WithTimeout(20 * time.Second).ShouldNot(gomega.Equal(first))
	if minted.Load() < 2 {
		t.Errorf("%d tokens minted", minted.Load())
	}
}
