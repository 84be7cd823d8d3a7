package forge

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
)

// Client is one account's access to one forge, through its token. Every
// method is one or a few calls of the forge's REST API; none keeps state
// between calls, so a Client may be shared by goroutines and dropped at
// any time.
//
// repo is the repository's full name, "owner/name" (for GitLab the
// project's path with its groups, "group/subgroup/name"; the client
// encodes it as GitLab wants).
type Client interface {
	// Kind is the forge's kind.
	Kind() devopsv1alpha1.SourceCodeProviderType

	// User is the account the token belongs to: what connecting an
	// account records (SourceCodeCredential's login and display name)
	// and how a token is checked.
	User(ctx context.Context) (Account, error)

	// Repositories lists every repository the account can reach (its
	// own, its organizations' or groups', those it collaborates on),
	// reading every page.
	Repositories(ctx context.Context) ([]Repository, error)

	// Branch is the commit a branch points at.
	Branch(ctx context.Context, repo, branch string) (commit string, err error)

	// ReadFile reads a file at ref (a branch, tag or commit). blobSHA
	// identifies the version read, for SaveFile. A missing file (or
	// ref) is ErrNotFound.
	ReadFile(ctx context.Context, repo, ref, path string) (content []byte, blobSHA string, err error)

	// SaveFile commits content to path on branch with message and
	// returns the new commit. blobSHA is the version the change is based
	// on, from ReadFile: empty creates the file, and fails with
	// ErrConflict when it exists; otherwise the file is updated only if
	// it is still at that version, and ErrConflict says someone changed
	// it meanwhile (read it again, show the user, save again).
	SaveFile(ctx context.Context, repo, branch, path string, content []byte, message, blobSHA string) (commit string, err error)

	// CreateWebhook registers url to receive events (devopsv1alpha1
	// EventPush, EventTag, EventPullRequest) as JSON, signed with secret,
	// and returns the webhook's id at the forge.
	CreateWebhook(ctx context.Context, repo, url, secret string, events []string) (id string, err error)

	// DeleteWebhook removes a webhook; one that is already gone is not an
	// error, so a retried cleanup succeeds.
	DeleteWebhook(ctx context.Context, repo, id string) error
}

// Account is a forge account.
type Account struct {
	// Login is the account's name at the forge (GitLab: username).
	Login string
	// Name is its display name; may be empty.
	Name string
	// Email is the address the forge shows to the token; may be empty.
	Email string
	// AvatarURL is the account's picture.
	AvatarURL string
	// URL is the account's page at the forge.
	URL string
}

// Repository is a repository an account can reach.
type Repository struct {
	// FullName is "owner/name" (GitLab: the path with namespace), the
	// repo argument of Client's methods.
	FullName string
	// CloneURL is the HTTP(S) clone URL; SSHURL the SSH one.
	CloneURL string
	SSHURL   string
	// HTMLURL is the repository's page.
	HTMLURL string
	// DefaultBranch is the branch a pipeline builds when none is named;
	// empty for an empty repository.
	DefaultBranch string
	// Private repositories need the credential to be cloned.
	Private bool
	// Language is the main language as the forge detected it; may be
	// empty (GitLab's project list does not say).
	Language string
	// Permissions are what the token may do: pull to build, push to save
	// the pipeline file, admin to register webhooks.
	Permissions devopsv1alpha1.RepositoryPermissions
}

// New returns the Client for a forge of kind at host, acting with token.
//
// host is the provider's host as in SourceCodeProviderConfig: a name with
// an optional port and path (gitlab.example.com/gitlab), with or without
// a scheme (https unless http:// is given). Empty means github.com or
// gitlab.com; Gitea has no public default. A GitHub host other than
// github.com is a GitHub Enterprise server, whose API is at /api/v3. tls
// may be nil (the system's roots). Kind git has no API and is refused
// with ErrInvalid, as is a malformed host.
func New(kind devopsv1alpha1.SourceCodeProviderType, host string, tls *devopsv1alpha1.ProviderTLS, token string) (Client, error) {
	ep, err := newEndpoint(kind, host, tls)
	if err != nil {
		return nil, err
	}
	switch kind {
	case devopsv1alpha1.ProviderGitHub:
		return &githubClient{api: ep.caller(token, "Bearer ")}, nil
	case devopsv1alpha1.ProviderGitLab:
		return &gitlabClient{api: ep.caller(token, "Bearer ")}, nil
	default: // newEndpoint accepts no other kind
		return &giteaClient{api: ep.caller(token, "token ")}, nil
	}
}

// Public hosts of the kinds that have one.
const (
	githubHost    = "github.com"
	githubAPIHost = "api.github.com"
	gitlabHost    = "gitlab.com"
)

// endpoint is where a forge's web pages (OAuth) and API are.
type endpoint struct {
	kind devopsv1alpha1.SourceCodeProviderType
	web  *url.URL
	api  *url.URL
	http httpDoer
}

func newEndpoint(kind devopsv1alpha1.SourceCodeProviderType, host string, tlsCfg *devopsv1alpha1.ProviderTLS) (*endpoint, error) {
	switch kind {
	case devopsv1alpha1.ProviderGitHub, devopsv1alpha1.ProviderGitLab, devopsv1alpha1.ProviderGitea:
	case devopsv1alpha1.ProviderGit:
		return nil, newError(ErrInvalid, "provider type git has no forge API: no accounts, repositories lists or webhooks")
	default:
		return nil, newError(ErrInvalid, "unknown provider type %q", kind)
	}
	host = strings.TrimSpace(host)
	if host == "" {
		switch kind {
		case devopsv1alpha1.ProviderGitHub:
			host = githubHost
		case devopsv1alpha1.ProviderGitLab:
			host = gitlabHost
		default:
			return nil, newError(ErrInvalid, "host: a gitea provider needs its host")
		}
	}
	raw := host
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	web, err := url.Parse(raw)
	if err != nil || web.Host == "" || (web.Scheme != "https" && web.Scheme != "http") || web.User != nil || web.RawQuery != "" || web.Fragment != "" {
		return nil, newError(ErrInvalid, "host %q: want a host name with an optional port and path, e.g. gitea.example.com:3000", host)
	}
	web.Path = strings.TrimSuffix(web.Path, "/")
	web.RawPath = ""
	api := *web
	switch kind {
	case devopsv1alpha1.ProviderGitHub:
		if h := web.Hostname(); (h == githubHost || h == githubAPIHost) && web.Path == "" {
			web.Host, api.Host = githubHost, githubAPIHost
		} else {
			api.Path += "/api/v3"
		}
	case devopsv1alpha1.ProviderGitLab:
		api.Path += "/api/v4"
	default:
		api.Path += "/api/v1"
	}
	client, err := newHTTPClient(tlsCfg)
	if err != nil {
		return nil, err
	}
	return &endpoint{kind: kind, web: web, api: &api, http: client}, nil
}

// apiURL is the API's address of path (already escaped) with query.
func (e *endpoint) apiURL(path string, query url.Values) string {
	u := e.api.String() + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	return u
}

// webURL is the web address of path with query.
func (e *endpoint) webURL(path string, query url.Values) string {
	u := e.web.String() + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	return u
}

// splitRepo checks an "owner/name" full name and returns its escaped path
// segments, for forges that address repositories as /repos/OWNER/NAME.
func splitRepo(repo string) (string, error) {
	owner, name, ok := strings.Cut(repo, "/")
	if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		return "", newError(ErrInvalid, "repository %q: want owner/name", repo)
	}
	return url.PathEscape(owner) + "/" + url.PathEscape(name), nil
}

// escapePath escapes each segment of a file path, keeping its slashes.
func escapePath(p string) string {
	parts := strings.Split(strings.Trim(p, "/"), "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}

// hookEvents checks the Wheelhouse event names a webhook is asked for.
func hookEvents(events []string) (push, tag, pr bool, err error) {
	for _, e := range events {
		switch e {
		case devopsv1alpha1.EventPush:
			push = true
		case devopsv1alpha1.EventTag:
			tag = true
		case devopsv1alpha1.EventPullRequest:
			pr = true
		default:
			return false, false, false, newError(ErrInvalid, "webhook event %q: want %s, %s or %s", e, devopsv1alpha1.EventPush, devopsv1alpha1.EventTag, devopsv1alpha1.EventPullRequest)
		}
	}
	if !push && !tag && !pr {
		return false, false, false, newError(ErrInvalid, "webhook: no events")
	}
	return push, tag, pr, nil
}

// onRepo names a call on a repository for messages.
func onRepo(verb, repo string) string { return fmt.Sprintf("%s %s", verb, repo) }
