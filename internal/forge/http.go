package forge

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
)

// Limits of what a forge may make this package do.
const (
	// requestTimeout bounds one API call; a forge slower than this is
	// unreachable for the caller's purposes.
	requestTimeout = 30 * time.Second
	// maxBodyBytes bounds an answer: a repository page or a pipeline file
	// is far smaller.
	maxBodyBytes = 32 << 20
	// maxPages bounds a listing (100 per page: 100,000 repositories).
	maxPages = 1000
)

// httpDoer is *http.Client; an interface so the transport is the only
// thing tests replace (they do not: they run servers).
type httpDoer interface {
	Do(*http.Request) (*http.Response, error)
}

// transports are shared by every client with the same TLS settings, so
// that the many short-lived Clients the controllers and the API make (one
// per account and call) reuse connections instead of each leaving a pool
// of idle ones behind. Keyed by tlsKey; the distinct settings are few
// (one per provider at most).
var (
	transportsMu sync.Mutex
	transports   = map[string]*http.Transport{}
)

// tlsKey identifies a TLS setting: the system's roots, no verification, or
// the system's roots plus one CA bundle.
func tlsKey(cfg *devopsv1alpha1.ProviderTLS) string {
	switch {
	case cfg == nil:
		return "system"
	case cfg.InsecureSkipVerify:
		return "insecure"
	case cfg.CACertificates != "":
		sum := sha256.Sum256([]byte(cfg.CACertificates))
		return "ca:" + hex.EncodeToString(sum[:])
	}
	return "system"
}

// newHTTPClient is a client that trusts the system's roots plus the
// provider's CA certificates, or nothing when told to skip verification.
func newHTTPClient(cfg *devopsv1alpha1.ProviderTLS) (*http.Client, error) {
	key := tlsKey(cfg)
	transportsMu.Lock()
	defer transportsMu.Unlock()
	if tr, ok := transports[key]; ok {
		return &http.Client{Transport: tr, Timeout: requestTimeout}, nil
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if key != "system" {
		tc := &tls.Config{MinVersion: tls.VersionTLS12}
		if cfg.InsecureSkipVerify {
			tc.InsecureSkipVerify = true //nolint:gosec // the provider's owner asked for it (tls.insecureSkipVerify)
		} else {
			pool, err := x509.SystemCertPool()
			if err != nil || pool == nil {
				pool = x509.NewCertPool()
			}
			if !pool.AppendCertsFromPEM([]byte(cfg.CACertificates)) {
				return nil, newError(ErrInvalid, "tls.caCertificates: no PEM certificate in it")
			}
			tc.RootCAs = pool
		}
		tr.TLSClientConfig = tc
	}
	transports[key] = tr
	return &http.Client{Transport: tr, Timeout: requestTimeout}, nil
}

// caller is an endpoint plus the token and how the forge wants it sent.
type caller struct {
	*endpoint
	token string
	// scheme precedes the token in the Authorization header: "Bearer "
	// (GitHub, GitLab) or "token " (Gitea, which takes both).
	scheme string
}

func (e *endpoint) caller(token, scheme string) *caller {
	return &caller{endpoint: e, token: token, scheme: scheme}
}

// send makes one API call. in, when not nil, is sent as JSON; a success
// answer is decoded into out when it is not nil. Any other answer is an
// *Error from statusError. The response's header is returned for
// pagination.
func (c *caller) send(ctx context.Context, what, method, url string, in, out any) (http.Header, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, fmt.Errorf("%s: encode request: %w", what, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		return nil, newError(ErrInvalid, "%s: %v", what, redact(err.Error(), c.token))
	}
	req.Header.Set("Accept", "application/json")
	if c.kind == devopsv1alpha1.ProviderGitHub {
		// https://docs.github.com/en/rest/about-the-rest-api/api-versions
		req.Header.Set("Accept", "application/vnd.github+json")
		req.Header.Set("X-GitHub-Api-Version", "2022-11-28")
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", c.scheme+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, transportError(what, err, c.token)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes+1))
	if err != nil {
		return nil, transportError(what, err, c.token)
	}
	if len(data) > maxBodyBytes {
		return nil, newError(ErrUnreachable, "%s: the answer is larger than %d bytes", what, maxBodyBytes)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.Header, statusError(what, resp.StatusCode, redact(errorDetail(data), c.token))
	}
	if out != nil && resp.StatusCode != http.StatusNoContent {
		if err := json.Unmarshal(data, out); err != nil {
			return resp.Header, newError(ErrUnreachable, "%s: the forge answered %d with a body its API does not document: %v", what, resp.StatusCode, err)
		}
	}
	return resp.Header, nil
}

// errorDetail is the forge's own explanation in an error body: "message"
// (GitHub, Gitea, GitLab; GitLab's may be an object of field errors),
// else OAuth's "error_description" and "error", else the body's text.
func errorDetail(body []byte) string {
	var doc map[string]json.RawMessage
	if json.Unmarshal(body, &doc) == nil {
		for _, k := range []string{"message", "error_description", "error"} {
			raw, ok := doc[k]
			if !ok {
				continue
			}
			var s string
			if json.Unmarshal(raw, &s) == nil {
				if s != "" {
					return s
				}
				continue
			}
			return string(raw)
		}
	}
	text := strings.TrimSpace(string(body))
	if strings.HasPrefix(text, "<") {
		return "" // an HTML error page says nothing a message can use
	}
	return text
}

// linkNext matches the rel="next" entry of an RFC 8288 Link header, as
// GitHub, GitLab and Gitea paginate.
var linkNext = regexp.MustCompile(`<([^>]+)>\s*;\s*rel="?next"?`)

// nextPage is the URL of the next page, or "" on the last.
func nextPage(h http.Header) string {
	for _, v := range h.Values("Link") {
		for _, part := range strings.Split(v, ",") {
			if m := linkNext.FindStringSubmatch(part); m != nil {
				return m[1]
			}
		}
	}
	return ""
}

// listAll reads every page of a listing that starts at first, appending
// each page's items with add.
//
// Only the query of a next link is followed, on the first page's own
// address: forges write links with their configured external URL
// (Gitea's ROOT_URL, GitLab's external_url), which need not be the
// address Wheelhouse reaches them at, and the token must never go to a
// host the provider does not name.
func listAll[T any](ctx context.Context, c *caller, what, first string, add func([]T)) error {
	base, err := url.Parse(first)
	if err != nil {
		return newError(ErrInvalid, "%s: %v", what, err)
	}
	next := first
	for page := 0; next != ""; page++ {
		if page == maxPages {
			return newError(ErrUnreachable, "%s: more than %d pages", what, maxPages)
		}
		var items []T
		h, err := c.send(ctx, what, http.MethodGet, next, nil, &items)
		if err != nil {
			return err
		}
		add(items)
		next = ""
		if link := nextPage(h); link != "" {
			l, err := url.Parse(link)
			if err != nil {
				return newError(ErrUnreachable, "%s: the next page's link is not a URL: %v", what, err)
			}
			u := *base
			u.RawQuery = l.RawQuery
			next = u.String()
		}
	}
	return nil
}
