package registrytest

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
)

// Transport trusts r's CA.
func (r *Registry) Transport() http.RoundTripper {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(r.CAPEM)
	return &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}
}
