// Package chartrepo keeps the Helm chart repositories add-ons are
// installed from: classic HTTP(S) repositories (an index.yaml) and OCI
// registries (oci://host/path, a chart per repository under the path).
//
// A refresh reads a repository's index into the store, so browsing
// (Charts, Versions) never waits for the network, and costs as little as
// the protocol allows when nothing changed: a classic repository is asked
// with the cached ETag and Last-Modified and answers 304 to one request;
// an OCI one is asked for its tag lists only, and manifests are read for
// new versions alone. Load downloads a version's archive (its digest
// checked against the index) and loads it with Helm's loader. Run
// refreshes every repository on its interval.
//
// Errors wrap ErrNotFound, ErrUnreachable, ErrUnauthorized or ErrInvalid
// through *Error, which names the setting at fault and the URL, never the
// credentials.
package chartrepo
