//go:build !unit

package giteatest

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
)

// OAuthApp is an OAuth2 application registered with the test server.
type OAuthApp struct {
	ClientID     string
	ClientSecret string
}

// CreateOAuthApp registers a confidential OAuth2 application of the
// administrator redirecting to redirectURI.
func (s *Server) CreateOAuthApp(t testing.TB, name, redirectURI string) OAuthApp {
	t.Helper()
	var app struct {
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
	}
	s.API(t, http.MethodPost, "/user/applications/oauth2", map[string]any{
		"name":                name,
		"redirect_uris":       []string{redirectURI},
		"confidential_client": true,
	}, &app)
	return OAuthApp{ClientID: app.ClientID, ClientSecret: app.ClientSecret}
}

// Authorize plays the user's browser: it signs in to Gitea's web UI as
// the administrator, opens authorizeURL and returns the query of the
// redirect Gitea answers with (code and state on success, error
// otherwise), without following it. The first time, Gitea asks the user
// to grant the application access, and Authorize grants it.
func (s *Server) Authorize(t testing.TB, authorizeURL string) url.Values {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{
		Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	ctx, cancel := context.WithTimeout(t.Context(), requestTimeout)
	defer cancel()
	form := url.Values{"user_name": {s.Admin}, "password": {s.Password}}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/user/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("gitea: sign in: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther && resp.StatusCode != http.StatusFound {
		t.Fatalf("gitea: sign in as %s answered %s, not a redirect", s.Admin, resp.Status)
	}
	req, _ = http.NewRequestWithContext(ctx, http.MethodGet, authorizeURL, nil)
	resp, err = client.Do(req)
	if err != nil {
		t.Fatalf("gitea: authorize: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		// Gitea's consent page, shown until the user has granted the
		// application once: click "Authorize" (its form's fields are the
		// authorize request's).
		q, _ := url.Parse(authorizeURL)
		grant := url.Values{"granted": {"true"}}
		for _, k := range []string{"client_id", "redirect_uri", "state", "scope", "nonce"} {
			grant.Set(k, q.Query().Get(k))
		}
		req, _ = http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/login/oauth/grant", strings.NewReader(grant.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if resp, err = client.Do(req); err != nil {
			t.Fatalf("gitea: grant: %v", err)
		}
		resp.Body.Close()
	}
	loc, err := resp.Location()
	if err != nil {
		t.Fatalf("gitea: authorize answered %s without a redirect: %v", resp.Status, err)
	}
	if strings.HasPrefix(loc.Path, "/user/login") {
		t.Fatalf("gitea: authorize sent the browser to sign in (%s): the session was not kept", loc)
	}
	return loc.Query()
}
