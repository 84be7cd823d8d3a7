package forge

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
)

// OAuth is a forge's OAuth 2.0 authorization-code flow, through which a
// user connects an account as in Rancher: the console sends the browser
// to AuthorizeURL, the forge sends it back to the redirect URI with a code
// and the state, and Exchange turns the code into the account's token
// (then New(kind, host, tls, token).User tells whose it is).
type OAuth struct {
	ep *endpoint
}

// NewOAuth returns the OAuth flow of the forge of kind at host (as New
// reads them).
func NewOAuth(kind devopsv1alpha1.SourceCodeProviderType, host string, tls *devopsv1alpha1.ProviderTLS) (*OAuth, error) {
	ep, err := newEndpoint(kind, host, tls)
	if err != nil {
		return nil, err
	}
	return &OAuth{ep: ep}, nil
}

// DefaultScopes are what a connected account needs for pipelines when the
// provider's OAuth application names none: read repositories and their
// files, commit the pipeline file, manage webhooks (Rancher asks the same).
func DefaultScopes(kind devopsv1alpha1.SourceCodeProviderType) []string {
	switch kind {
	case devopsv1alpha1.ProviderGitHub:
		// https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/scopes-for-oauth-apps
		return []string{"repo", "admin:repo_hook", "read:user", "user:email"}
	case devopsv1alpha1.ProviderGitLab:
		// https://docs.gitlab.com/ee/integration/oauth_provider.html#view-all-authorized-applications
		return []string{"api"}
	case devopsv1alpha1.ProviderGitea:
		// https://docs.gitea.com/development/oauth2-provider#scopes
		return []string{"read:user", "write:repository"}
	}
	return nil
}

// authorizePath and tokenPath are where each kind's flow lives on its web
// host (GitHub Enterprise and github.com alike).
func (o *OAuth) paths() (authorize, token string) {
	if o.ep.kind == devopsv1alpha1.ProviderGitLab {
		// https://docs.gitlab.com/ee/api/oauth2.html#authorization-code-flow
		return "/oauth/authorize", "/oauth/token"
	}
	// https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps#web-application-flow
	// https://docs.gitea.com/development/oauth2-provider
	return "/login/oauth/authorize", "/login/oauth/access_token"
}

// AuthorizeURL is where to send the user's browser. state must be an
// unguessable value tied to the user's session, checked when the forge
// redirects back; empty scopes mean DefaultScopes.
func (o *OAuth) AuthorizeURL(clientID, redirectURI, state string, scopes []string) string {
	if len(scopes) == 0 {
		scopes = DefaultScopes(o.ep.kind)
	}
	q := url.Values{
		"client_id":     {clientID},
		"redirect_uri":  {redirectURI},
		"response_type": {"code"},
		"state":         {state},
	}
	// GitHub separates scopes with spaces or commas, GitLab and Gitea
	// with spaces.
	q.Set("scope", strings.Join(scopes, " "))
	authorize, _ := o.paths()
	return o.ep.webURL(authorize, q)
}

// Exchange turns the code the forge redirected with into the account's
// access token. A code that is wrong, expired or used, or a client secret
// the forge refuses, is ErrUnauthorized; the error never repeats the
// code, the secret or a token.
func (o *OAuth) Exchange(ctx context.Context, clientID, clientSecret, code, redirectURI string) (string, error) {
	const what = "exchange the OAuth code"
	_, tokenPath := o.paths()
	form := url.Values{
		"grant_type":    {"authorization_code"},
		"client_id":     {clientID},
		"client_secret": {clientSecret},
		"code":          {code},
		"redirect_uri":  {redirectURI},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, o.ep.webURL(tokenPath, nil), strings.NewReader(form.Encode()))
	if err != nil {
		return "", newError(ErrInvalid, "%s: %v", what, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	// GitHub answers form-encoded unless asked for JSON.
	req.Header.Set("Accept", "application/json")
	clean := func(s string) string { return redact(redact(s, clientSecret), code) }
	resp, err := o.ep.http.Do(req)
	if err != nil {
		return "", transportError(what, err, clientSecret)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", transportError(what, err, clientSecret)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	decodeErr := json.Unmarshal(body, &tok)
	if tok.AccessToken != "" {
		tok.Description = redact(tok.Description, tok.AccessToken)
	}
	switch {
	case resp.StatusCode >= 500:
		return "", statusError(what, resp.StatusCode, clean(errorDetail(body)))
	case tok.Error != "" || resp.StatusCode >= 400:
		// RFC 6749 §5.2; GitHub answers these with 200.
		detail := strings.TrimSpace(tok.Error + ": " + tok.Description)
		if tok.Error == "" {
			detail = errorDetail(body)
		}
		sentinel := ErrUnauthorized
		switch tok.Error {
		case "invalid_request", "unsupported_grant_type", "invalid_scope", "redirect_uri_mismatch":
			// The provider's OAuth settings, not the user's code.
			sentinel = ErrInvalid
		}
		e := statusError(what, resp.StatusCode, clean(strings.Trim(detail, ": ")))
		e.Err = sentinel
		return "", e
	case decodeErr != nil:
		return "", newError(ErrUnreachable, "%s: the forge answered %d with something that is not a token: %v", what, resp.StatusCode, decodeErr)
	case tok.AccessToken == "":
		return "", newError(ErrUnreachable, "%s: the forge's answer has no access_token", what)
	}
	return tok.AccessToken, nil
}

// String names the flow's forge for logs.
func (o *OAuth) String() string { return fmt.Sprintf("%s OAuth at %s", o.ep.kind, o.ep.web) }
