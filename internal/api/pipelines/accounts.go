package pipelines

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	ctl "github.com/wheelhouse-dev/wheelhouse/internal/controller/pipelines"
	"github.com/wheelhouse-dev/wheelhouse/internal/credentials"
	"github.com/wheelhouse-dev/wheelhouse/internal/forge"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// oauthStateTTL bounds how long an OAuth authorization may take.
const oauthStateTTL = 10 * time.Minute

// ConnectInput connects the caller's account at a forge with a token.
type ConnectInput struct {
	NameInput
	Body struct {
		Token string `json:"token" minLength:"1" maxLength:"8192" doc:"A personal access token of the account (kept in the credential store, never returned)"`
	}
}

// AuthorizeInput starts an OAuth authorization.
type AuthorizeInput struct {
	NameInput
	RedirectURI string `query:"redirectURI" required:"true" maxLength:"2048" doc:"Where the forge sends the browser back with the code: the console's callback page"`
}

// AuthorizeOutput is where to send the browser.
type AuthorizeOutput struct {
	Body struct {
		URL   string `json:"url" doc:"The forge's authorization page"`
		State string `json:"state" doc:"The state the forge sends back with the code"`
	}
}

// CallbackInput finishes an OAuth authorization.
type CallbackInput struct {
	NameInput
	Body struct {
		Code        string `json:"code" minLength:"1" maxLength:"2048"`
		State       string `json:"state" minLength:"1" maxLength:"128"`
		RedirectURI string `json:"redirectURI" minLength:"1" maxLength:"2048" doc:"The redirectURI the authorization started with"`
	}
}

// RepositoriesOutput lists what an account can reach.
type RepositoriesOutput struct {
	Body struct {
		Items []RepositoryView `json:"items"`
	}
}

// RepositoryView is a repository at a forge.
type RepositoryView struct {
	FullName      string                               `json:"fullName"`
	CloneURL      string                               `json:"cloneURL"`
	HTMLURL       string                               `json:"htmlURL,omitempty"`
	DefaultBranch string                               `json:"defaultBranch,omitempty"`
	Private       bool                                 `json:"private"`
	Permissions   devopsv1alpha1.RepositoryPermissions `json:"permissions"`
}

func (h *handlers) registerAccounts(api huma.API) {
	connect := operation.New(http.MethodPost, prefix+"/source-code-providers/{name}/connect", "connect-source-code-account",
		"Connect your account at a forge with a personal access token", tags, perm(auth.VerbCreate))
	connect.Description = "Checks the token with the forge (a refused token is a 422 on body.token), keeps it in the project's " +
		"credential store and records your SourceCodeCredential for the provider (named <provider>-<your user name>), replacing " +
		"the token of one you connected before."
	connect.Errors = append(connect.Errors, http.StatusNotFound, http.StatusFailedDependency)
	huma.Register(api, connect, h.connect)

	authorize := operation.New(http.MethodGet, prefix+"/source-code-providers/{name}/authorize", "authorize-source-code-account",
		"Start connecting your account through the forge's OAuth application", tags, perm(auth.VerbCreate))
	authorize.Errors = append(authorize.Errors, http.StatusNotFound, http.StatusConflict)
	huma.Register(api, authorize, h.authorize)

	callback := operation.New(http.MethodPost, prefix+"/source-code-providers/{name}/oauth-callback", "finish-source-code-authorization",
		"Finish connecting your account with the code the forge sent back", tags, perm(auth.VerbCreate))
	callback.Errors = append(callback.Errors, http.StatusNotFound, http.StatusConflict, http.StatusFailedDependency)
	huma.Register(api, callback, h.callback)

	repos := operation.New(http.MethodGet, prefix+"/source-code-credentials/{name}/repositories", "list-source-code-repositories-at-forge",
		"List the repositories a connected account can reach at its forge", tags, perm(auth.VerbGet))
	repos.Errors = append(repos.Errors, http.StatusNotFound, http.StatusFailedDependency)
	huma.Register(api, repos, h.repositories)
}

func (h *handlers) provider(ctx context.Context, in NameInput) (string, *devopsv1alpha1.SourceCodeProviderConfig, *ctl.Controllers, error) {
	var p devopsv1alpha1.SourceCodeProviderConfig
	ns, c, err := h.read(ctx, in.ProjectParam, providerKind, in.Name, &p)
	if err != nil {
		return "", nil, nil, err
	}
	if p.Spec.Type == devopsv1alpha1.ProviderGit {
		return "", nil, nil, huma.Error409Conflict(fmt.Sprintf("provider %q is a plain git server: it has no accounts; give repositories a credential instead", p.Name))
	}
	return ns, &p, c, nil
}

func (h *handlers) connect(ctx context.Context, in *ConnectInput) (*JSONOutput, error) {
	ns, p, c, err := h.provider(ctx, in.NameInput)
	if err != nil {
		return nil, err
	}
	return h.connectToken(ctx, in.ProjectParam, ns, p, c, in.Body.Token, "body.token")
}

// connectToken checks token with the provider's forge and records it as
// the caller's account there.
func (h *handlers) connectToken(ctx context.Context, pp ProjectParam, ns string, p *devopsv1alpha1.SourceCodeProviderConfig, c *ctl.Controllers, token, field string) (*JSONOutput, error) {
	fc, err := forge.New(p.Spec.Type, p.Spec.Host, p.Spec.TLS, token)
	if err != nil {
		return nil, huma.Error422UnprocessableEntity(err.Error(), &huma.ErrorDetail{Location: field, Message: err.Error()})
	}
	account, err := fc.User(ctx)
	switch {
	case errors.Is(err, forge.ErrUnauthorized), errors.Is(err, forge.ErrForbidden):
		return nil, huma.Error422UnprocessableEntity("the forge refused the token", &huma.ErrorDetail{Location: field, Message: err.Error()})
	case err != nil:
		return nil, huma.NewError(http.StatusFailedDependency, err.Error())
	}
	user := auth.PrincipalFrom(ctx).Username
	name := objectName(p.Name + "-" + user)
	scope := store.Scope{Cluster: pp.Cluster, Project: pp.Project}
	fields := map[string]string{"username": account.Login, "token": token}
	var existing devopsv1alpha1.SourceCodeCredential
	found := false
	switch err := c.Reader.Get(ctx, objectKey(ns, name), &existing); {
	case err == nil:
		found = true
		if existing.Spec.UserName != user {
			return nil, huma.Error409Conflict(fmt.Sprintf("the credential %q belongs to %s", name, existing.Spec.UserName))
		}
	case !apierrors.IsNotFound(err):
		return nil, operation.ClusterError(err)
	}
	if found {
		// Connecting again replaces the token where it is kept.
		if rec, err := h.Credentials.Records.Get(ctx, scope, uint64(existing.Spec.Token.ID)); err == nil {
			if err := h.Credentials.Update(ctx, rec, fields); err != nil {
				return nil, err
			}
			existing.Spec.Login, existing.Spec.DisplayName = account.Login, account.Name
			if err := c.Client.Update(ctx, &existing); err != nil {
				return nil, operation.ClusterError(err)
			}
			tidy(&existing, credentialKind)
			return jsonOut(http.StatusOK, &existing)
		}
	}
	rec := &store.CredentialRecord{Scope: scope, Name: objectName("scm-" + name), Type: credentials.TypeGitToken,
		Description: fmt.Sprintf("%s's account %s at %s (pipelines)", user, account.Login, p.Name), CreatedBy: user}
	err = h.Credentials.Create(ctx, rec, fields)
	if errors.Is(err, store.ErrConflict) {
		rec.Name = objectName(rec.Name[:min(len(rec.Name), 50)] + "-" + randomSuffix())
		err = h.Credentials.Create(ctx, rec, fields)
	}
	if err != nil {
		return nil, err
	}
	if err := ensureNamespace(ctx, c, ns, pp); err != nil {
		return nil, err
	}
	spec := devopsv1alpha1.SourceCodeCredentialSpec{Provider: p.Name, UserName: user, Login: account.Login, DisplayName: account.Name,
		Token: devopsv1alpha1.CredentialReference{ID: int64(rec.ID)}}
	cred := &existing
	if found {
		existing.Spec = spec
		err = c.Client.Update(ctx, cred)
	} else {
		cred = &devopsv1alpha1.SourceCodeCredential{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Spec: spec}
		err = c.Client.Create(ctx, cred)
	}
	if err != nil {
		return nil, operation.ClusterError(err)
	}
	tidy(cred, credentialKind)
	return jsonOut(http.StatusCreated, cred)
}

func (h *handlers) authorize(ctx context.Context, in *AuthorizeInput) (*AuthorizeOutput, error) {
	ns, p, _, err := h.provider(ctx, in.NameInput)
	if err != nil {
		return nil, err
	}
	if p.Spec.OAuth == nil {
		return nil, huma.Error409Conflict(fmt.Sprintf("provider %q has no OAuth application: connect with a personal access token", p.Name))
	}
	o, err := forge.NewOAuth(p.Spec.Type, p.Spec.Host, p.Spec.TLS)
	if err != nil {
		return nil, huma.Error409Conflict(err.Error())
	}
	state, err := h.sealState(auth.PrincipalFrom(ctx).Username, ns, p.Name, in.RedirectURI, time.Now().Add(oauthStateTTL))
	if err != nil {
		return nil, err
	}
	out := &AuthorizeOutput{}
	out.Body.URL = o.AuthorizeURL(p.Spec.OAuth.ClientID, in.RedirectURI, state, p.Spec.OAuth.Scopes)
	out.Body.State = state
	return out, nil
}

func (h *handlers) callback(ctx context.Context, in *CallbackInput) (*JSONOutput, error) {
	ns, p, c, err := h.provider(ctx, in.NameInput)
	if err != nil {
		return nil, err
	}
	if !h.openState(in.Body.State, auth.PrincipalFrom(ctx).Username, ns, p.Name, in.Body.RedirectURI, time.Now()) {
		return nil, huma.Error409Conflict("this authorization was not started by you for this provider and callback, or took longer than 10 minutes: start again")
	}
	if p.Spec.OAuth == nil {
		return nil, huma.Error409Conflict(fmt.Sprintf("provider %q has no OAuth application", p.Name))
	}
	secret, err := h.Credentials.Resolve(ctx, uint64(p.Spec.OAuth.ClientSecret.ID))
	if err != nil {
		return nil, huma.Error409Conflict(fmt.Sprintf("the provider's client secret cannot be read: %v", err))
	}
	o, err := forge.NewOAuth(p.Spec.Type, p.Spec.Host, p.Spec.TLS)
	if err != nil {
		return nil, huma.Error409Conflict(err.Error())
	}
	token, err := o.Exchange(ctx, p.Spec.OAuth.ClientID, secret.Fields["clientSecret"], in.Body.Code, in.Body.RedirectURI)
	if err != nil {
		return nil, huma.NewError(http.StatusFailedDependency, "the forge did not exchange the code: "+err.Error())
	}
	return h.connectToken(ctx, in.ProjectParam, ns, p, c, token, "body.code")
}

func (h *handlers) repositories(ctx context.Context, in *NameInput) (*RepositoriesOutput, error) {
	ns, c, err := h.project(ctx, in.ProjectParam)
	if err != nil {
		return nil, err
	}
	fc, _, err := h.accountClient(ctx, c, ns, in.Name)
	if err != nil {
		return nil, err
	}
	repos, err := fc.Repositories(ctx)
	if err != nil {
		return nil, forgeProblem(err, "")
	}
	out := &RepositoriesOutput{}
	out.Body.Items = make([]RepositoryView, 0, len(repos))
	for _, r := range repos {
		out.Body.Items = append(out.Body.Items, RepositoryView{FullName: r.FullName, CloneURL: r.CloneURL, HTMLURL: r.HTMLURL,
			DefaultBranch: r.DefaultBranch, Private: r.Private, Permissions: r.Permissions})
	}
	return out, nil
}

// accountClient is the forge client of a SourceCodeCredential, which must
// be the caller's own.
func (h *handlers) accountClient(ctx context.Context, c *ctl.Controllers, ns, name string) (forge.Client, *devopsv1alpha1.SourceCodeProviderConfig, error) {
	var cred devopsv1alpha1.SourceCodeCredential
	if err := c.Reader.Get(ctx, objectKey(ns, name), &cred); err != nil {
		return nil, nil, notFound(err, credentialKind, name)
	}
	if cred.Spec.UserName != auth.PrincipalFrom(ctx).Username {
		return nil, nil, huma.Error403Forbidden(fmt.Sprintf("the credential %q is %s's account; use your own", name, cred.Spec.UserName))
	}
	var p devopsv1alpha1.SourceCodeProviderConfig
	if err := c.Reader.Get(ctx, objectKey(ns, cred.Spec.Provider), &p); err != nil {
		return nil, nil, notFound(err, providerKind, cred.Spec.Provider)
	}
	opened, err := h.Credentials.Resolve(ctx, uint64(cred.Spec.Token.ID))
	if err != nil {
		return nil, nil, huma.Error409Conflict(fmt.Sprintf("the token of credential %q cannot be read: %v", name, err))
	}
	fc, err := forge.New(p.Spec.Type, p.Spec.Host, p.Spec.TLS, opened.Fields["token"])
	if err != nil {
		return nil, nil, huma.Error409Conflict(err.Error())
	}
	return fc, &p, nil
}

// forgeProblem turns a forge's error into the answer; field names the
// request's part at fault when there is one.
func forgeProblem(err error, field string) error {
	switch {
	case errors.Is(err, forge.ErrNotFound) && field != "":
		return huma.Error422UnprocessableEntity(err.Error(), &huma.ErrorDetail{Location: field, Message: err.Error()})
	case errors.Is(err, forge.ErrNotFound):
		return huma.Error404NotFound(err.Error())
	case errors.Is(err, forge.ErrConflict):
		return huma.Error409Conflict(err.Error())
	case errors.Is(err, forge.ErrInvalid):
		return huma.Error422UnprocessableEntity(err.Error())
	}
	return huma.NewError(http.StatusFailedDependency, err.Error())
}

// sealState makes the state of an authorization: its deadline sealed with
// the server's keyring, bound (as associated data) to who started it, in
// which project, for which provider and callback. Nothing is kept in the
// server's memory, so a sign-in started before a restart of the server,
// or on another server sharing the keyring, still finishes; a state
// copied to another user, project, provider or callback does not open.
func (h *handlers) sealState(user, namespace, provider, redirect string, expires time.Time) (string, error) {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(expires.Unix()))
	keyID, sealed, err := h.Keyring.Seal(b[:], stateContext(user, namespace, provider, redirect))
	if err != nil {
		return "", fmt.Errorf("seal the OAuth state: %w", err)
	}
	return keyID + "." + base64.RawURLEncoding.EncodeToString(sealed), nil
}

// openState reports whether state was sealed by sealState for the same
// user, project, provider and callback, and has not expired.
func (h *handlers) openState(state, user, namespace, provider, redirect string, now time.Time) bool {
	keyID, b64, found := strings.Cut(state, ".")
	sealed, err := base64.RawURLEncoding.DecodeString(b64)
	if !found || err != nil {
		return false
	}
	plain, err := h.Keyring.Open(keyID, sealed, stateContext(user, namespace, provider, redirect))
	if err != nil || len(plain) != 8 {
		return false
	}
	return now.Before(time.Unix(int64(binary.BigEndian.Uint64(plain)), 0))
}

// stateContext is what an OAuth state is bound to. Each part is
// length-prefixed, so no two different tuples make the same bytes.
func stateContext(parts ...string) []byte {
	b := []byte("wheelhouse-oauth-state")
	for _, p := range parts {
		b = binary.AppendUvarint(b, uint64(len(p)))
		b = append(b, p...)
	}
	return b
}

// objectName makes s a valid object name: lower case, other characters
// dashes, at most 63.
func objectName(s string) string {
	b := []byte(strings.ToLower(s))
	for i, c := range b {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			b[i] = '-'
		}
	}
	out := strings.Trim(string(b), "-")
	if len(out) > validation.DNS1123LabelMaxLength {
		out = strings.Trim(out[:validation.DNS1123LabelMaxLength], "-")
	}
	return out
}

func randomSuffix() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
