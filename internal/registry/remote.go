package registry

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Remote is a registry's v2 API as go-containerregistry reaches it, with
// the TLS settings of the record and the adapter's login.
type Remote struct {
	host     string
	insecure bool
	// Transport carries the record's TLS settings.
	Transport http.RoundTripper
	// login returns the credentials for the v2 API (the adapter's Login).
	login func(ctx context.Context) (*Login, error)

	mu     sync.Mutex
	cached *Login
}

// newRemote parses cfg's endpoint and builds its transport.
func newRemote(cfg Config) (*Remote, error) {
	u, err := url.Parse(cfg.Endpoint)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
		return nil, &Error{Reason: ReasonInvalid, Field: "endpoint", Message: "want https://host[:port] (or http:// with insecure), without path, query or user"}
	}
	if u.Scheme == "http" && !cfg.Insecure {
		return nil, &Error{Reason: ReasonInvalid, Field: "endpoint", Message: "a plain http:// endpoint needs insecure: true"}
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: cfg.Insecure} //nolint:gosec // only when the record asks
	if cfg.CABundle != "" {
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM([]byte(cfg.CABundle)) {
			return nil, &Error{Reason: ReasonInvalid, Field: "caBundle", Message: "no PEM certificate in the CA bundle"}
		}
		tc.RootCAs = pool
	}
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:       tc,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 60 * time.Second,
		ForceAttemptHTTP2:     true,
		MaxIdleConnsPerHost:   16,
		IdleConnTimeout:       90 * time.Second,
	}
	rem := &Remote{host: u.Host, insecure: u.Scheme == "http", Transport: tr}
	if !cfg.Insecure {
		rem.Transport = &httpsOnly{host: u.Host, next: tr}
	}
	return rem, nil
}

// errPlainHTTP is what httpsOnly answers. It is no *Error: go-containerregistry
// reports it beside the HTTPS attempt's failure, which is the one that says
// what is wrong (see Classify).
var errPlainHTTP = errors.New("the registry does not answer over HTTPS (plain HTTP is used only for an http:// endpoint with insecure)")

// httpsOnly refuses plain HTTP to the registry's host. go-containerregistry
// falls back to HTTP for loopback and private addresses when HTTPS fails;
// a record that asked for https must not send its credentials in clear.
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

// Host is the registry's host as image references name it.
func (r *Remote) Host() string { return r.host }

// Scheme is how the v2 API is reached: https, or http when the record asks.
func (r *Remote) Scheme() string {
	if r.insecure {
		return "http"
	}
	return "https"
}

func (r *Remote) nameOptions() []name.Option {
	if r.insecure {
		return []name.Option{name.Insecure, name.StrictValidation}
	}
	return []name.Option{name.StrictValidation}
}

// Repository names repo in the registry.
func (r *Remote) Repository(repo string) (name.Repository, error) {
	n, err := name.NewRepository(r.host+"/"+repo, r.nameOptions()...)
	if err != nil {
		return name.Repository{}, &Error{Reason: ReasonInvalid, Field: "repository", Message: fmt.Sprintf("repository %q: %v", repo, err)}
	}
	return n, nil
}

// Reference names repo:tag or repo@digest in the registry.
func (r *Remote) Reference(repo, ref string) (name.Reference, error) {
	sep := ":"
	if strings.HasPrefix(ref, "sha256:") {
		sep = "@"
	}
	n, err := name.ParseReference(r.host+"/"+repo+sep+ref, r.nameOptions()...)
	if err != nil {
		return nil, &Error{Reason: ReasonInvalid, Field: "reference", Message: fmt.Sprintf("%s%s%s: %v", repo, sep, ref, err)}
	}
	return n, nil
}

// Authenticator logs in with the adapter's Login.
func (r *Remote) Authenticator(ctx context.Context) (authn.Authenticator, error) {
	l, err := r.cachedLogin(ctx)
	if err != nil {
		return nil, err
	}
	if l.Username == "" && l.Password == "" {
		return authn.Anonymous, nil
	}
	return &authn.Basic{Username: l.Username, Password: l.Password}, nil
}

// cachedLogin is the adapter's login, minted once per Remote while it is
// good for another minute: a listing that reads many manifests asks the
// vendor for one token.
func (r *Remote) cachedLogin(ctx context.Context) (*Login, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cached != nil && (r.cached.ExpiresAt == nil || time.Until(*r.cached.ExpiresAt) > time.Minute) {
		return r.cached, nil
	}
	l, err := r.login(ctx)
	if err != nil {
		return nil, err
	}
	r.cached = l
	return l, nil
}

// Options are go-containerregistry's remote options for the registry.
func (r *Remote) Options(ctx context.Context) ([]remote.Option, error) {
	a, err := r.Authenticator(ctx)
	if err != nil {
		return nil, err
	}
	return []remote.Option{remote.WithContext(ctx), remote.WithAuth(a), remote.WithTransport(r.Transport)}, nil
}

// client is an HTTP client of the v2 API, logged in with scopes.
func (r *Remote) client(ctx context.Context, scopes ...string) (*http.Client, name.Registry, error) {
	reg, err := name.NewRegistry(r.host, r.nameOptions()...)
	if err != nil {
		return nil, reg, &Error{Reason: ReasonInvalid, Field: "endpoint", Message: err.Error()}
	}
	a, err := r.Authenticator(ctx)
	if err != nil {
		return nil, reg, err
	}
	rt, err := transport.NewWithContext(ctx, reg, a, r.Transport, scopes)
	if err != nil {
		return nil, reg, err
	}
	return &http.Client{Transport: rt}, reg, nil
}

// Head checks that repo:ref (a tag or digest) exists, with one HEAD of its
// manifest.
func (r *Remote) Head(ctx context.Context, repo, ref string) error {
	n, err := r.Reference(repo, ref)
	if err != nil {
		return err
	}
	opts, err := r.Options(ctx)
	if err != nil {
		return err
	}
	_, err = remote.Head(n, opts...)
	return Classify("read "+n.String(), err)
}

// Describe reads what the manifest repo:ref says: its digest, media type,
// size and, for an index, its images' platforms (for an image, the
// config's).
func (r *Remote) Describe(ctx context.Context, repo, ref string) (*Tag, error) {
	n, err := r.Reference(repo, ref)
	if err != nil {
		return nil, err
	}
	opts, err := r.Options(ctx)
	if err != nil {
		return nil, err
	}
	desc, err := remote.Get(n, opts...)
	if err != nil {
		return nil, Classify("read "+n.String(), err)
	}
	t := &Tag{Name: ref, Digest: desc.Digest.String(), MediaType: string(desc.MediaType)}
	switch {
	case desc.MediaType.IsIndex():
		var idx v1.IndexManifest
		if err := json.Unmarshal(desc.Manifest, &idx); err != nil {
			return nil, Classify("read "+n.String(), err)
		}
		t.Size = desc.Size
		for _, m := range idx.Manifests {
			if m.Platform != nil && m.Platform.OS != "unknown" {
				t.Platforms = append(t.Platforms, Platform{OS: m.Platform.OS, Architecture: m.Platform.Architecture, Variant: m.Platform.Variant})
			}
			t.Size += m.Size + r.imageSize(n.Context(), m, opts)
		}
	case desc.MediaType.IsImage():
		var m v1.Manifest
		if err := json.Unmarshal(desc.Manifest, &m); err != nil {
			return nil, Classify("read "+n.String(), err)
		}
		t.Size = desc.Size + m.Config.Size
		for _, l := range m.Layers {
			t.Size += l.Size
		}
		if img, err := desc.Image(); err == nil {
			if cf, err := img.ConfigFile(); err == nil && cf.OS != "" {
				t.Platforms = []Platform{{OS: cf.OS, Architecture: cf.Architecture, Variant: cf.Variant}}
			}
		}
	default:
		t.Size = desc.Size
	}
	return t, nil
}

// imageSize is the config and layer size of the image m of an index; 0
// when it cannot be read.
func (r *Remote) imageSize(repo name.Repository, m v1.Descriptor, opts []remote.Option) int64 {
	if !m.MediaType.IsImage() && m.MediaType != types.DockerManifestSchema2 {
		return 0
	}
	desc, err := remote.Get(repo.Digest(m.Digest.String()), opts...)
	if err != nil {
		return 0
	}
	var man v1.Manifest
	if json.Unmarshal(desc.Manifest, &man) != nil {
		return 0
	}
	size := man.Config.Size
	for _, l := range man.Layers {
		size += l.Size
	}
	return size
}

// platformsOf fills the platforms of t from the v2 API when the vendor's
// API said t is an index (or said nothing of its type).
func (r *Remote) platformsOf(ctx context.Context, repo string, t *Tag) {
	if t.MediaType != "" && !types.MediaType(t.MediaType).IsIndex() {
		return
	}
	ref := t.Digest
	if ref == "" {
		ref = t.Name
	}
	if d, err := r.Describe(ctx, repo, ref); err == nil {
		t.Platforms = d.Platforms
		if t.MediaType == "" {
			t.MediaType = d.MediaType
		}
	}
}
