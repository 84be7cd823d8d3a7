package chartrepo_test

import (
	"strings"
	"testing"

	"github.com/wheelhouse-dev/wheelhouse/internal/chartrepo"
	"github.com/wheelhouse-dev/wheelhouse/internal/chartrepo/chartrepotest"
	"github.com/wheelhouse-dev/wheelhouse/internal/credentials"
	"github.com/wheelhouse-dev/wheelhouse/internal/registry/registrytest"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// TestOCIRepository pushes charts with Helm's registry client to a real
// docker-registry behind htpasswd, then refreshes and loads them from
// oci://host/charts.
func TestOCIRepository(t *testing.T) {
	const user, password = "alice", "oci-password-7f3a"
	reg, err := registrytest.Start(t.TempDir(), registrytest.Options{Username: user, Password: password})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(reg.Stop)
	for _, c := range []struct{ name, version string }{{"metrics-server", "0.1.0"}, {"metrics-server", "0.2.0"}, {"ingress-nginx", "1.0.0"}} {
		if err := chartrepotest.PushOCI(reg, "charts", user, password, c.name, c.version); err != nil {
			t.Fatal(err)
		}
	}
	// Not under the path: not listed.
	if err := chartrepotest.PushOCI(reg, "elsewhere", user, password, "jenkins", "1.0.0"); err != nil {
		t.Fatal(err)
	}

	e := newEnv(t, chartrepo.Config{})
	ctx := t.Context()
	cred := e.credential(t, "oci", credentials.TypeRegistry, map[string]string{"username": user, "password": password})
	repo := &store.ChartRepository{Name: "oci", Type: store.ChartRepoOCI, URL: "oci://" + reg.Host + "/charts", Insecure: true}
	wantError(t, e.svc.Read(ctx, repo), chartrepo.ErrUnauthorized, "credentialId")
	repo.CredentialID = &cred
	e.add(t, repo)

	charts, err := e.svc.Charts(ctx, store.Scope{}, "oci")
	if err != nil || len(charts) != 2 || charts[0].Name != "ingress-nginx" || charts[1].Name != "metrics-server" {
		t.Fatalf("charts: %+v %v", charts, err)
	}
	if c := charts[1]; c.Version != "0.2.0" || c.AppVersion != "0.8.0" || c.Versions != 2 || c.Description == "" {
		t.Errorf("metrics-server: %+v", c)
	}
	versions, err := e.svc.Versions(ctx, store.Scope{}, "oci", "metrics-server")
	if err != nil || len(versions) != 2 || versions[0].Version != "0.2.0" || !strings.HasPrefix(versions[0].Digest, "sha256:") ||
		versions[0].Created.IsZero() || versions[0].URLs[0] != "oci://"+reg.Host+"/charts/metrics-server:0.2.0" {
		t.Fatalf("versions: %+v %v", versions, err)
	}

	c, err := e.svc.Load(ctx, store.Scope{}, "oci", "metrics-server", "0.1.0")
	if err != nil || c.Metadata.Version != "0.1.0" || len(c.Templates) == 0 {
		t.Fatalf("load: %v", err)
	}

	// Nothing new: the tag lists only (ping, catalog, one per chart).
	before := e.requests.Load()
	if changed, err := e.svc.Refresh(ctx, store.Scope{}, "oci"); err != nil || changed {
		t.Fatalf("refresh of an unchanged repository: %v %v", changed, err)
	}
	unchanged := e.requests.Load() - before
	t.Logf("an unchanged OCI refresh of 2 charts sent %d requests", unchanged)
	if unchanged > 5 {
		t.Errorf("an unchanged OCI refresh of 2 charts sent %d requests, want at most 2 pings (HTTPS, then plain HTTP), the catalog and 2 tag lists", unchanged)
	}

	// A new version: only its manifest and config are read.
	if err := chartrepotest.PushOCI(reg, "charts", user, password, "metrics-server", "0.3.0"); err != nil {
		t.Fatal(err)
	}
	before = e.requests.Load()
	if changed, err := e.svc.Refresh(ctx, store.Scope{}, "oci"); err != nil || !changed {
		t.Fatalf("refresh after a push: %v %v", changed, err)
	}
	if n := e.requests.Load() - before; n > unchanged+2 {
		t.Errorf("a refresh that found one new version sent %d requests, %d more than an unchanged one (want 2: its manifest and config)", n, n-unchanged)
	}
	if charts, _ := e.svc.Charts(ctx, store.Scope{}, "oci"); charts[1].Version != "0.3.0" {
		t.Errorf("after the push: %+v", charts[1])
	}

	_, err = e.svc.Load(ctx, store.Scope{}, "oci", "metrics-server", "7.0.0")
	wantError(t, err, chartrepo.ErrNotFound, "")

	// One chart's repository named directly.
	single := &store.ChartRepository{Name: "single", Type: store.ChartRepoOCI, URL: "oci://" + reg.Host + "/elsewhere/jenkins", Insecure: true, CredentialID: &cred}
	e.add(t, single)
	if charts, err := e.svc.Charts(ctx, store.Scope{}, "single"); err != nil || len(charts) != 1 || charts[0].Name != "jenkins" {
		t.Fatalf("single chart repository: %+v %v", charts, err)
	}
	if _, err := e.svc.Load(ctx, store.Scope{}, "single", "jenkins", ""); err != nil {
		t.Fatalf("load from the single chart repository: %v", err)
	}
}

// TestOCIRepositoryTokenAndTLS: a registry behind a bearer-token server
// (plain HTTP: Helm's client refuses an http:// token realm for an https
// registry, and the test server's realm is plain), and one over TLS from
// its own CA, untrusted without the CA bundle, then read and loaded with
// it.
func TestOCIRepositoryTokenAndTLS(t *testing.T) {
	const user, password = "carol", "token-password-2b8d"
	for _, tc := range []struct {
		name string
		opts registrytest.Options
	}{
		{"token", registrytest.Options{Username: user, Password: password, Token: true}},
		{"tls", registrytest.Options{Username: user, Password: password, TLS: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reg, err := registrytest.Start(t.TempDir(), tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(reg.Stop)
			if err := chartrepotest.PushOCI(reg, "team/charts", user, password, "metrics-server", "0.1.0"); err != nil {
				t.Fatal(err)
			}
			e := newEnv(t, chartrepo.Config{})
			ctx := t.Context()
			cred := e.credential(t, "oci", credentials.TypeRegistry, map[string]string{"username": user, "password": password})
			repo := &store.ChartRepository{Name: "oci", Type: store.ChartRepoOCI, URL: "oci://" + reg.Host + "/team/charts", CredentialID: &cred}
			if tc.opts.TLS {
				wantError(t, e.svc.Read(ctx, repo), chartrepo.ErrUnreachable, "caBundle")
				repo.CABundle = string(reg.CAPEM)
			} else {
				repo.Insecure = true
			}
			e.add(t, repo)
			if charts, err := e.svc.Charts(ctx, store.Scope{}, "oci"); err != nil || len(charts) != 1 || charts[0].Version != "0.1.0" {
				t.Fatalf("charts: %+v %v", charts, err)
			}
			if _, err := e.svc.Load(ctx, store.Scope{}, "oci", "metrics-server", "0.1.0"); err != nil {
				t.Fatalf("load: %v", err)
			}
			before := e.requests.Load()
			if changed, err := e.svc.Refresh(ctx, store.Scope{}, "oci"); err != nil || changed {
				t.Fatalf("refresh: %v %v", changed, err)
			}
			t.Logf("an unchanged refresh of 1 chart sent %d requests", e.requests.Load()-before)
		})
	}
}
