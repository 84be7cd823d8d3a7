package forge

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
)

// TestEndpoints: where each kind's API and web pages are for the hosts a
// SourceCodeProviderConfig may name.
func TestEndpoints(t *testing.T) {
	tests := []struct {
		kind     devopsv1alpha1.SourceCodeProviderType
		host     string
		web, api string
		err      error
	}{
		{devopsv1alpha1.ProviderGitHub, "", "https://github.com", "https://api.github.com", nil},
		{devopsv1alpha1.ProviderGitHub, "github.com", "https://github.com", "https://api.github.com", nil},
		{devopsv1alpha1.ProviderGitHub, "https://api.github.com/", "https://github.com", "https://api.github.com", nil},
		{devopsv1alpha1.ProviderGitHub, "github.example.com", "https://github.example.com", "https://github.example.com/api/v3", nil},
		{devopsv1alpha1.ProviderGitHub, "http://ghe.internal:8080", "http://ghe.internal:8080", "http://ghe.internal:8080/api/v3", nil},
		{devopsv1alpha1.ProviderGitLab, "", "https://gitlab.com", "https://gitlab.com/api/v4", nil},
		{devopsv1alpha1.ProviderGitLab, "gitlab.example.com/gitlab/", "https://gitlab.example.com/gitlab", "https://gitlab.example.com/gitlab/api/v4", nil},
		{devopsv1alpha1.ProviderGitea, "gitea.example.com:3000", "https://gitea.example.com:3000", "https://gitea.example.com:3000/api/v1", nil},
		{devopsv1alpha1.ProviderGitea, "http://[::1]:3000", "http://[::1]:3000", "http://[::1]:3000/api/v1", nil},
		{devopsv1alpha1.ProviderGitea, "", "", "", ErrInvalid},
		{devopsv1alpha1.ProviderGit, "git.example.com", "", "", ErrInvalid},
		{"svn", "svn.example.com", "", "", ErrInvalid},
		{devopsv1alpha1.ProviderGitea, "ftp://gitea.example.com", "", "", ErrInvalid},
		{devopsv1alpha1.ProviderGitea, "https://user:pw@gitea.example.com", "", "", ErrInvalid},
		{devopsv1alpha1.ProviderGitea, "gitea.example.com/?x=1", "", "", ErrInvalid},
	}
	for _, tt := range tests {
		ep, err := newEndpoint(tt.kind, tt.host, nil)
		if tt.err != nil {
			if !errors.Is(err, tt.err) {
				t.Errorf("%s %q: err %v, want %v", tt.kind, tt.host, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s %q: %v", tt.kind, tt.host, err)
			continue
		}
		if ep.web.String() != tt.web || ep.api.String() != tt.api {
			t.Errorf("%s %q: web %s api %s, want %s %s", tt.kind, tt.host, ep.web, ep.api, tt.web, tt.api)
		}
	}
}

func TestTLSSettings(t *testing.T) {
	_, err := newEndpoint(devopsv1alpha1.ProviderGitea, "gitea.example.com", &devopsv1alpha1.ProviderTLS{CACertificates: "not PEM"})
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "caCertificates") {
		t.Errorf("err %v", err)
	}

	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"login":"tls"}`))
	}))
	defer srv.Close()
	c, _ := New(devopsv1alpha1.ProviderGitea, srv.URL, nil, "tok-0123456789")
	_, err = c.User(t.Context())
	if !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), "caCertificates") {
		t.Errorf("untrusted certificate: %v", err)
	}
	c, _ = New(devopsv1alpha1.ProviderGitea, srv.URL, &devopsv1alpha1.ProviderTLS{InsecureSkipVerify: true}, "tok-0123456789")
	if u, err := c.User(t.Context()); err != nil || u.Login != "tls" {
		t.Errorf("insecureSkipVerify: %+v, %v", u, err)
	}
}

// TestPaginationStaysOnTheForge: a next link naming another host (a
// forge whose external URL is not the address it is reached at) is
// followed on the forge's own address, so the token never goes there.
func TestPaginationStaysOnTheForge(t *testing.T) {
	var leaked bool
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		leaked = true
		_, _ = w.Write([]byte(`[]`))
	}))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("page") == "1" {
			w.Header().Set("Link", `<`+other.URL+`/elsewhere/api/v1/user/repos?limit=50&page=2>; rel="next"`)
			_, _ = w.Write([]byte(`[{"full_name":"a/b"}]`))
			return
		}
		if r.URL.Path != "/api/v1/user/repos" || r.URL.Query().Get("page") != "2" {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write([]byte(`[{"full_name":"a/c"}]`))
	}))
	defer srv.Close()
	c, _ := New(devopsv1alpha1.ProviderGitea, srv.URL, nil, "secret-token")
	repos, err := c.Repositories(t.Context())
	if err != nil || len(repos) != 2 || repos[1].FullName != "a/c" || leaked {
		t.Errorf("%+v, %v; another host asked: %v", repos, err, leaked)
	}
}

// TestErrorsNeverCarryTheToken: a forge that echoes the request (as some
// proxies and error pages do) does not put the token into messages.
func TestErrorsNeverCarryTheToken(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte(`{"message":"upstream refused ` + r.Header.Get("Authorization") + `"}`))
	}))
	defer srv.Close()
	c, _ := New(devopsv1alpha1.ProviderGitHub, srv.URL, nil, "ghp_supersecret")
	_, err := c.User(t.Context())
	if !errors.Is(err, ErrUnreachable) || strings.Contains(err.Error(), "ghp_supersecret") || !strings.Contains(err.Error(), "[redacted]") {
		t.Errorf("err %v", err)
	}
}

func TestNextPage(t *testing.T) {
	h := http.Header{}
	h.Add("Link", `<https://api.github.com/user/repos?page=3&per_page=100>; rel="next", <https://api.github.com/user/repos?page=50&per_page=100>; rel="last"`)
	if got := nextPage(h); got != "https://api.github.com/user/repos?page=3&per_page=100" {
		t.Errorf("next %q", got)
	}
	h.Set("Link", `<https://api.github.com/user/repos?page=1>; rel="first", <https://api.github.com/user/repos?page=1>; rel="prev"`)
	if got := nextPage(h); got != "" {
		t.Errorf("last page: next %q", got)
	}
}
