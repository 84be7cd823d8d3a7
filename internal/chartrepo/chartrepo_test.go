package chartrepo_test

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wheelhouse-dev/wheelhouse/internal/chartrepo"
	"github.com/wheelhouse-dev/wheelhouse/internal/chartrepo/chartrepotest"
	"github.com/wheelhouse-dev/wheelhouse/internal/credentials"
	"github.com/wheelhouse-dev/wheelhouse/internal/secrets"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// env is a fresh store with the credential service and a chart repository
// service whose requests are counted.
type env struct {
	st       *store.Store
	creds    *credentials.Service
	svc      *chartrepo.Service
	requests atomic.Int64
}

func newEnv(t *testing.T, cfg chartrepo.Config) *env {
	t.Helper()
	st, err := store.Open(t.Context(), "sqlite://"+filepath.Join(t.TempDir(), "wh.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	keyring, err := secrets.NewKeyring(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	e := &env{st: st, creds: credentials.New(st, st.Credentials(keyring))}
	cfg.Store, cfg.Credentials = st, e.creds
	cfg.Logger = slog.New(slog.NewTextHandler(testWriter{t}, nil))
	cfg.Wrap = func(next http.RoundTripper) http.RoundTripper {
		return roundTripper(func(r *http.Request) (*http.Response, error) {
			e.requests.Add(1)
			return next.RoundTrip(r)
		})
	}
	e.svc = chartrepo.New(cfg)
	return e
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) { w.t.Log(string(p)); return len(p), nil }

// credential stores a credential of type typ and returns its id.
func (e *env) credential(t *testing.T, name, typ string, fields map[string]string) uint64 {
	t.Helper()
	rec := &store.CredentialRecord{Name: name, Type: typ}
	if err := e.creds.Create(t.Context(), rec, fields); err != nil {
		t.Fatal(err)
	}
	return rec.ID
}

// add reads repo's index and stores it, as the API's create does.
func (e *env) add(t *testing.T, repo *store.ChartRepository) {
	t.Helper()
	if err := e.svc.Read(t.Context(), repo); err != nil {
		t.Fatalf("read %s: %v", repo.URL, err)
	}
	if err := e.st.ChartRepositories().Create(t.Context(), repo); err != nil {
		t.Fatal(err)
	}
}

// wantError checks that err wraps sentinel through a *chartrepo.Error
// naming field.
func wantError(t *testing.T, err, sentinel error, field string) *chartrepo.Error {
	t.Helper()
	var ce *chartrepo.Error
	if !errors.Is(err, sentinel) || !errors.As(err, &ce) || ce.Field != field {
		t.Fatalf("error %v (%T), want %v naming %q", err, err, sentinel, field)
	}
	return ce
}

func TestHTTPRepository(t *testing.T) {
	e := newEnv(t, chartrepo.Config{})
	srv := chartrepotest.NewServer()
	t.Cleanup(srv.Close)
	for _, v := range []string{"0.1.0", "0.2.0", "0.3.0-rc.1"} {
		if err := srv.Add("metrics-server", v, v == "0.2.0"); err != nil {
			t.Fatal(err)
		}
	}
	ctx := t.Context()
	repo := &store.ChartRepository{Name: "charts", Type: store.ChartRepoHTTP, URL: srv.URL + "/", Insecure: true}
	e.add(t, repo)
	if repo.ETag == "" || repo.Digest == "" {
		t.Fatalf("read kept no validators: %+v", repo)
	}

	charts, err := e.svc.Charts(ctx, store.Scope{}, "charts")
	if err != nil || len(charts) != 1 {
		t.Fatalf("charts: %+v %v", charts, err)
	}
	if c := charts[0]; c.Name != "metrics-server" || c.Version != "0.2.0" || c.AppVersion != "0.8.0" || c.Versions != 3 ||
		!strings.Contains(c.Description, "kubectl top") || len(c.Keywords) != 2 {
		t.Errorf("chart: %+v", c)
	}
	versions, err := e.svc.Versions(ctx, store.Scope{}, "charts", "metrics-server")
	if err != nil || len(versions) != 3 || versions[0].Version != "0.3.0-rc.1" || versions[2].Version != "0.1.0" ||
		versions[1].Digest == "" || versions[1].Created.IsZero() {
		t.Fatalf("versions: %+v %v", versions, err)
	}

	// Nothing new: one request, answered 304, and nothing changes but
	// the refresh time.
	before := e.requests.Load()
	served := srv.Requests()
	time.Sleep(10 * time.Millisecond)
	changed, err := e.svc.Refresh(ctx, store.Scope{}, "charts")
	if err != nil || changed {
		t.Fatalf("refresh of an unchanged repository: %v, %v", changed, err)
	}
	if got := e.requests.Load() - before; got != 1 || srv.Requests()-served != 1 {
		t.Errorf("an unchanged refresh sent %d requests (the server saw %d), want 1", got, srv.Requests()-served)
	}
	after, _ := e.st.ChartRepositories().Get(ctx, store.Scope{}, "charts")
	if !after.RefreshedAt.After(*repo.RefreshedAt) || !after.ChangedAt.Equal(*repo.ChangedAt) || after.Digest != repo.Digest {
		t.Errorf("after an unchanged refresh: refreshed %v (was %v), changed %v (was %v)", after.RefreshedAt, repo.RefreshedAt, after.ChangedAt, repo.ChangedAt)
	}

	// A relative URL (0.1.0), an absolute one (0.2.0), and the latest.
	for _, v := range []string{"0.1.0", "0.2.0", ""} {
		c, err := e.svc.Load(ctx, store.Scope{}, "charts", "metrics-server", v)
		if err != nil {
			t.Fatalf("load %q: %v", v, err)
		}
		if want := map[string]string{"": "0.2.0"}[v]; c.Metadata.Version != v && c.Metadata.Version != want || len(c.Templates) == 0 {
			t.Errorf("load %q: version %s, %d templates", v, c.Metadata.Version, len(c.Templates))
		}
	}

	// A new version: the refresh says so, and lists it.
	if err := srv.Add("metrics-server", "0.4.0", false); err != nil {
		t.Fatal(err)
	}
	if changed, err := e.svc.Refresh(ctx, store.Scope{}, "charts"); err != nil || !changed {
		t.Fatalf("refresh after a new version: %v, %v", changed, err)
	}
	if charts, _ := e.svc.Charts(ctx, store.Scope{}, "charts"); charts[0].Version != "0.4.0" {
		t.Errorf("latest after the refresh: %+v", charts[0])
	}

	_, err = e.svc.Load(ctx, store.Scope{}, "charts", "metrics-server", "9.9.9")
	wantError(t, err, chartrepo.ErrNotFound, "")
	_, err = e.svc.Load(ctx, store.Scope{}, "charts", "no-such-chart", "")
	wantError(t, err, chartrepo.ErrNotFound, "")
	_, err = e.svc.Versions(ctx, store.Scope{}, "charts", "no-such-chart")
	wantError(t, err, chartrepo.ErrNotFound, "")
	_, err = e.svc.Charts(ctx, store.Scope{}, "no-such-repo")
	wantError(t, err, chartrepo.ErrNotFound, "")
	_, err = e.svc.Refresh(ctx, store.Scope{Cluster: "c1", Project: "p1"}, "charts")
	wantError(t, err, chartrepo.ErrNotFound, "")

	srv.Tamper("metrics-server", "0.1.0")
	_, err = e.svc.Load(ctx, store.Scope{}, "charts", "metrics-server", "0.1.0")
	if ce := wantError(t, err, chartrepo.ErrInvalid, ""); !strings.Contains(ce.Message, "digest") {
		t.Errorf("tampered archive: %v", ce)
	}
}

func TestBasicAuth(t *testing.T) {
	e := newEnv(t, chartrepo.Config{})
	srv := chartrepotest.NewServer()
	t.Cleanup(srv.Close)
	srv.Username, srv.Password = "bob", "s3cret-password"
	if err := srv.Add("metrics-server", "0.1.0", false); err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	repo := &store.ChartRepository{Name: "private", Type: store.ChartRepoHTTP, URL: srv.URL, Insecure: true}
	wantError(t, e.svc.Read(ctx, repo), chartrepo.ErrUnauthorized, "credentialId")

	wrong := e.credential(t, "wrong", credentials.TypeRegistry, map[string]string{"username": "bob", "password": "nope"})
	repo.CredentialID = &wrong
	err := e.svc.Read(ctx, repo)
	if ce := wantError(t, err, chartrepo.ErrUnauthorized, "credentialId"); strings.Contains(ce.Message, "nope") {
		t.Errorf("the error holds the password: %v", ce)
	}
	git := e.credential(t, "git", credentials.TypeGitToken, map[string]string{"token": "x"})
	repo.CredentialID = &git
	wantError(t, e.svc.Read(ctx, repo), chartrepo.ErrInvalid, "credentialId")

	good := e.credential(t, "good", credentials.TypeRegistry, map[string]string{"username": "bob", "password": "s3cret-password"})
	repo.CredentialID = &good
	e.add(t, repo)
	if _, err := e.svc.Load(ctx, store.Scope{}, "private", "metrics-server", "0.1.0"); err != nil {
		t.Fatalf("load with the credential: %v", err)
	}
	if changed, err := e.svc.Refresh(ctx, store.Scope{}, "private"); err != nil || changed {
		t.Fatalf("refresh: %v %v", changed, err)
	}
}

func TestUnusable(t *testing.T) {
	e := newEnv(t, chartrepo.Config{})
	ctx := t.Context()
	tlsSrv := chartrepotest.NewServer()
	t.Cleanup(tlsSrv.Close)
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
	}))
	t.Cleanup(failing.Close)
	notYAML := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("<html>hello</html>")) }))
	t.Cleanup(notYAML.Close)
	untrusted := httptest.NewTLSServer(http.NotFoundHandler())
	t.Cleanup(untrusted.Close)

	for _, tc := range []struct {
		name     string
		repo     store.ChartRepository
		sentinel error
		field    string
	}{
		{"nothing listening", store.ChartRepository{Type: "http", URL: "http://127.0.0.1:1/charts", Insecure: true}, chartrepo.ErrUnreachable, "url"},
		{"5xx", store.ChartRepository{Type: "http", URL: failing.URL, Insecure: true}, chartrepo.ErrUnreachable, "url"},
		{"no index there", store.ChartRepository{Type: "http", URL: tlsSrv.URL + "/elsewhere", Insecure: true}, chartrepo.ErrNotFound, "url"},
		{"not an index", store.ChartRepository{Type: "http", URL: notYAML.URL, Insecure: true}, chartrepo.ErrInvalid, "url"},
		{"untrusted certificate", store.ChartRepository{Type: "http", URL: untrusted.URL}, chartrepo.ErrUnreachable, "caBundle"},
		{"plain http without insecure", store.ChartRepository{Type: "http", URL: failing.URL}, chartrepo.ErrInvalid, "url"},
		{"bad type", store.ChartRepository{Type: "git", URL: failing.URL}, chartrepo.ErrInvalid, "type"},
		{"oci URL for http", store.ChartRepository{Type: "http", URL: "oci://127.0.0.1:1/x"}, chartrepo.ErrInvalid, "url"},
		{"user in the URL", store.ChartRepository{Type: "http", URL: "https://bob:pw@example.com/charts"}, chartrepo.ErrInvalid, "url"},
		{"no CA in the bundle", store.ChartRepository{Type: "http", URL: untrusted.URL, CABundle: "junk"}, chartrepo.ErrInvalid, "caBundle"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.repo
			ce := wantError(t, e.svc.Read(ctx, &r), tc.sentinel, tc.field)
			if strings.Contains(ce.Message, "pw@") {
				t.Errorf("the message holds credentials: %s", ce.Message)
			}
			if tc.sentinel == chartrepo.ErrUnreachable && !strings.Contains(ce.Message, strings.TrimPrefix(tc.repo.URL, "http://")) {
				t.Errorf("the message does not name the URL: %s", ce.Message)
			}
		})
	}

	// Trusted through the CA bundle.
	caPEM := pemOf(untrusted)
	r := store.ChartRepository{Type: "http", URL: untrusted.URL, CABundle: caPEM}
	wantError(t, e.svc.Read(ctx, &r), chartrepo.ErrNotFound, "url")

	// A stored repository whose refresh fails keeps its index and says why.
	srv := chartrepotest.NewServer()
	if err := srv.Add("metrics-server", "0.1.0", false); err != nil {
		t.Fatal(err)
	}
	repo := &store.ChartRepository{Name: "going", Type: "http", URL: srv.URL, Insecure: true}
	e.add(t, repo)
	srv.Close()
	_, err := e.svc.Refresh(ctx, store.Scope{}, "going")
	wantError(t, err, chartrepo.ErrUnreachable, "url")
	got, _ := e.st.ChartRepositories().Get(ctx, store.Scope{}, "going")
	if got.LastError == "" || !got.RefreshedAt.Equal(*repo.RefreshedAt) {
		t.Errorf("after a failed refresh: %+v", got)
	}
	if charts, err := e.svc.Charts(ctx, store.Scope{}, "going"); err != nil || len(charts) != 1 {
		t.Errorf("charts of an unreachable repository: %v %v", charts, err)
	}
	_, err = e.svc.Load(ctx, store.Scope{}, "going", "metrics-server", "0.1.0")
	wantError(t, err, chartrepo.ErrUnreachable, "url")
}
