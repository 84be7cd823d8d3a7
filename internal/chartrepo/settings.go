package chartrepo

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// Check returns the problems with repo's settings before anything is
// fetched: its type, a URL of that type (https://, http:// only with
// insecure, oci://host/path; no user, query or fragment: credentials go
// in a credential), and a CA bundle that holds a certificate. Each error
// is an *Error naming the field.
func Check(repo *store.ChartRepository) []*Error {
	var errs []*Error
	u, err := url.Parse(repo.URL)
	switch {
	case repo.Type != store.ChartRepoHTTP && repo.Type != store.ChartRepoOCI:
		errs = append(errs, newError(ErrInvalid, "type", "unknown type %q: want http or oci", repo.Type))
	case err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "":
		errs = append(errs, newError(ErrInvalid, "url", "want %s, without user, query or fragment", map[string]string{
			store.ChartRepoHTTP: "https://host[:port][/path] (http:// with insecure)", store.ChartRepoOCI: "oci://host[:port]/path",
		}[repo.Type]))
	case repo.Type == store.ChartRepoHTTP && u.Scheme != "https" && u.Scheme != "http":
		errs = append(errs, newError(ErrInvalid, "url", "an http repository's URL starts with https:// (or http:// with insecure); oci:// is type oci"))
	case repo.Type == store.ChartRepoHTTP && u.Scheme == "http" && !repo.Insecure:
		errs = append(errs, newError(ErrInvalid, "url", "a plain http:// URL needs insecure: true"))
	case repo.Type == store.ChartRepoOCI && (u.Scheme != "oci" || strings.Trim(u.Path, "/") == ""):
		errs = append(errs, newError(ErrInvalid, "url", "an oci repository's URL is oci://host[:port]/path (the charts are path/<chart>)"))
	}
	if repo.CABundle != "" && !x509.NewCertPool().AppendCertsFromPEM([]byte(repo.CABundle)) {
		errs = append(errs, newError(ErrInvalid, "caBundle", "no PEM certificate in the CA bundle"))
	}
	if repo.RefreshSeconds != 0 && (repo.RefreshSeconds < 60 || repo.RefreshSeconds > 7*24*3600) {
		errs = append(errs, newError(ErrInvalid, "refreshSeconds", "between 60 (a minute) and 604800 (a week); 0 for the default (3600)"))
	}
	return errs
}

// errPlainHTTP is what httpsOnly answers.
var errPlainHTTP = errors.New("the repository is reached over HTTPS only (plain HTTP needs insecure)")

// httpsOnly refuses plain HTTP to the repository's host: go-containerregistry
// falls back to HTTP for loopback and private addresses when HTTPS fails,
// and a repository that asked for HTTPS must not send credentials in clear.
type httpsOnly struct {
	host string
	next http.RoundTripper
}

func (t *httpsOnly) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme == "http" && req.URL.Host == t.host {
		return nil, errPlainHTTP
	}
	return t.next.RoundTrip(req)
}

// newTransport is the transport repo is reached with: its CA bundle
// besides the system's, certificate checks skipped only when it is
// insecure; keepAlive keeps idle connections for the next operation.
// wrap (the base transport) lets tests and benchmarks count requests.
func newTransport(repo *store.ChartRepository, keepAlive bool, wrap func(http.RoundTripper) http.RoundTripper) (http.RoundTripper, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: repo.Insecure} //nolint:gosec // only when the record asks
	if repo.CABundle != "" {
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM([]byte(repo.CABundle)) {
			return nil, newError(ErrInvalid, "caBundle", "no PEM certificate in the CA bundle")
		}
		tc.RootCAs = pool
	}
	var rt http.RoundTripper = &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:       tc,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 60 * time.Second,
		ForceAttemptHTTP2:     true,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       90 * time.Second,
		DisableKeepAlives:     !keepAlive,
	}
	if wrap != nil {
		rt = wrap(rt)
	}
	if !repo.Insecure {
		u, _ := url.Parse(repo.URL)
		rt = &httpsOnly{host: u.Host, next: rt}
	}
	return rt, nil
}
