// Package forge talks to the git forges pipelines build from: GitHub
// (github.com and GitHub Enterprise, REST v3), GitLab (API v4) and Gitea
// (API v1), each over net/http with no forge SDK, so that the three behave
// alike and the tests pin each to its published API.
//
// It is what the pipeline controllers and the HTTP API call, in Rancher
// 2.x's flow:
//
//   - A project registers a forge (SourceCodeProviderConfig). A user
//     connects an account: NewOAuth(kind, host, tls) gives AuthorizeURL
//     for the browser and Exchange for the code the forge sends back (or
//     the user pastes a personal access token instead).
//   - New(kind, host, tls, token) is that account's Client: User checks
//     the token and names the account; Repositories lists what it can
//     reach, with the clone URL, default branch and whether it may pull,
//     push and administer; Branch resolves a branch to a commit; ReadFile
//     and SaveFile read and commit the pipeline file, with the blob sha
//     read as the guard against overwriting a change made meanwhile
//     (ErrConflict); CreateWebhook and DeleteWebhook register the hook
//     that starts executions.
//   - The webhook receiver passes each delivery to ParseWebhook with the
//     hook's secret: the signature is checked on the raw body in constant
//     time before anything is parsed, and the result is an Event in a
//     PipelineExecution's terms (event, ref, branch or tag, commit, author,
//     message), or ErrSignature, or ErrIgnored for deliveries that build
//     nothing.
//
// Every error wraps one of the sentinels (ErrNotFound, ErrUnauthorized,
// ErrForbidden, ErrConflict, ErrInvalid, ErrUnreachable, ErrSignature,
// ErrIgnored) for errors.Is, or, when the caller's context ended, its
// context.Canceled or DeadlineExceeded; it names the call that failed with
// the forge's own explanation, and never contains the token, the OAuth
// client secret or an OAuth code. A token only goes to the forge's own
// API host, also when following pagination links. Clients with the same
// TLS settings share one connection pool, so making a Client per call is
// cheap.
//
// Kind git (a plain git server) has no API here: New and NewOAuth refuse
// it with ErrInvalid.
//
// Tests run the Gitea client against a real Gitea (giteatest); GitHub and
// GitLab cannot be reached from CI, so their clients run against servers
// that answer as their API documentation says, with payloads shaped as the
// documentation's examples.
package forge
