package provider

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/rest"
)

// ProbeTimeout bounds how long an import waits for the API server.
const ProbeTimeout = 10 * time.Second

// Reasons a probe fails.
const (
	ProbeUnreachable = "Unreachable"
	ProbeUntrusted   = "UntrustedCertificate"
	ProbeRejected    = "CredentialsRejected"
	ProbeFailed      = "Failed"
)

// ProbeError says why an API server could not be used.
type ProbeError struct {
	Reason  string
	Server  string
	Message string
}

func (e *ProbeError) Error() string { return e.Message }

// Probe asks the API server at rc for its version with the credentials in
// rc and returns it; the error is a *ProbeError that tells an unreachable
// server from an untrusted certificate from rejected credentials.
func Probe(ctx context.Context, rc *rest.Config) (string, error) {
	rc = rest.CopyConfig(rc)
	rc.Timeout = ProbeTimeout
	dc, err := discovery.NewDiscoveryClientForConfig(rc)
	if err != nil {
		return "", &ProbeError{Reason: ProbeFailed, Server: rc.Host, Message: fmt.Sprintf("cannot build a client: %v", err)}
	}
	pctx, cancel := context.WithTimeout(ctx, ProbeTimeout)
	defer cancel()
	// /apis needs an authenticated user on clusters that allow anonymous
	// /version, so it tells rejected credentials apart.
	client := dc.RESTClient()
	raw, err := client.Get().AbsPath("/version").Do(pctx).Raw()
	if err == nil {
		_, err = client.Get().AbsPath("/apis").Do(pctx).Raw()
	}
	if err != nil {
		return "", classify(rc.Host, err)
	}
	var v struct {
		GitVersion string `json:"gitVersion"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", &ProbeError{Reason: ProbeFailed, Server: rc.Host, Message: fmt.Sprintf("%s did not answer like a Kubernetes API server: %v", rc.Host, err)}
	}
	return v.GitVersion, nil
}

func classify(server string, err error) *ProbeError {
	var unknownCA x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	var verify *tls.CertificateVerificationError
	var netErr net.Error
	switch {
	case errors.As(err, &unknownCA) || errors.As(err, &verify) || errors.As(err, &invalid):
		return &ProbeError{Reason: ProbeUntrusted, Server: server,
			Message: fmt.Sprintf("the certificate of %s is not trusted by the given CA: %v", server, err)}
	case errors.As(err, &hostname):
		return &ProbeError{Reason: ProbeUntrusted, Server: server,
			Message: fmt.Sprintf("the certificate of %s does not name that host: %v", server, err)}
	case apierrors.IsUnauthorized(err) || apierrors.IsForbidden(err):
		return &ProbeError{Reason: ProbeRejected, Server: server,
			Message: fmt.Sprintf("the API server at %s rejected the credentials: %v", server, err)}
	case errors.As(err, &netErr) || errors.Is(err, context.DeadlineExceeded):
		return &ProbeError{Reason: ProbeUnreachable, Server: server,
			Message: fmt.Sprintf("cannot reach the API server at %s: %v", server, err)}
	}
	return &ProbeError{Reason: ProbeFailed, Server: server, Message: fmt.Sprintf("the API server at %s failed: %v", server, err)}
}
