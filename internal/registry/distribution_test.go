package registry_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/wheelhouse-dev/wheelhouse/internal/credentials"
	"github.com/wheelhouse-dev/wheelhouse/internal/registry"
)

func login(u, p string) *credentials.Credential {
	return &credentials.Credential{Type: credentials.TypeRegistry, Fields: map[string]string{"username": u, "password": p}}
}

func open(t *testing.T, cfg registry.Config) registry.Adapter {
	t.Helper()
	if cfg.Type == "" {
		cfg.Type = registry.TypeDistribution
	}
	a, err := registry.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func reason(err error) string {
	var re *registry.Error
	if errors.As(err, &re) {
		return re.Reason
	}
	return "not a registry error: " + errString(err)
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

func TestDistributionCheckTellsFailuresApart(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  registry.Config
		want string
	}{
		{"basic auth", registry.Config{Endpoint: basic.URL, Insecure: true, Credential: login(user, password)}, ""},
		{"token auth over TLS with its CA", registry.Config{Endpoint: tokened.URL, CABundle: string(tokened.CAPEM), Credential: login(user, password)}, ""},
		{"wrong password", registry.Config{Endpoint: basic.URL, Insecure: true, Credential: login(user, "wrong")}, registry.ReasonUnauthorized},
		{"wrong password at the token server", registry.Config{Endpoint: tokened.URL, CABundle: string(tokened.CAPEM), Credential: login(user, "wrong")}, registry.ReasonUnauthorized},
		{"anonymous where a login is needed", registry.Config{Endpoint: basic.URL, Insecure: true}, registry.ReasonUnauthorized},
		{"untrusted certificate", registry.Config{Endpoint: tokened.URL, Credential: login(user, password)}, registry.ReasonUntrusted},
		{"nothing listening", registry.Config{Endpoint: "http://127.0.0.1:1", Insecure: true}, registry.ReasonUnreachable},
		{"TLS to a plain registry", registry.Config{Endpoint: "https://" + basic.Host, Credential: login(user, password)}, registry.ReasonUnreachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := open(t, tc.cfg).Check(t.Context())
			if tc.want == "" {
				if err != nil {
					t.Fatalf("Check: %v", err)
				}
				return
			}
			if got := reason(err); got != tc.want {
				t.Fatalf("Check: %s (%v), want %s", got, err, tc.want)
			}
		})
	}
}

func TestDistributionConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		cfg   registry.Config
		field string
	}{
		{registry.Config{Type: registry.TypeDistribution, Endpoint: basic.URL}, "endpoint"},
		{registry.Config{Type: registry.TypeDistribution, Endpoint: "ftp://x"}, "endpoint"},
		{registry.Config{Type: registry.TypeDistribution, Endpoint: "https://x/path"}, "endpoint"},
		{registry.Config{Type: registry.TypeDistribution, Endpoint: "https://x", CABundle: "not pem"}, "caBundle"},
		{registry.Config{Type: "quay", Endpoint: "https://x"}, "type"},
	} {
		_, err := registry.New(tc.cfg)
		var re *registry.Error
		if !errors.As(err, &re) || re.Field != tc.field {
			t.Errorf("New(%+v) = %v, want an error on %s", tc.cfg, err, tc.field)
		}
	}
}

func TestDistributionBrowse(t *testing.T) {
	a := open(t, registry.Config{Endpoint: basic.URL, Insecure: true, Credential: login(user, password)})
	ctx := t.Context()
	repos, err := a.Repositories(ctx, "", registry.Page{Limit: 1})
	if err != nil || len(repos.Items) != 1 || repos.Items[0].Name != "other" || repos.Continue == "" {
		t.Fatalf("first page: %+v %v", repos, err)
	}
	repos, err = a.Repositories(ctx, "", registry.Page{Limit: 1, Continue: repos.Continue})
	if err != nil || len(repos.Items) != 1 || repos.Items[0].Name != "team/app" || repos.Items[0].Namespace != "team" {
		t.Fatalf("second page: %+v %v", repos, err)
	}
	if repos, _ := a.Repositories(ctx, "", registry.Page{Limit: 10, Filter: "app"}); len(repos.Items) != 1 || repos.Items[0].Name != "team/app" {
		t.Fatalf("filtered: %+v", repos)
	}
	if repos, _ := a.Repositories(ctx, "team", registry.Page{Limit: 10}); len(repos.Items) != 1 {
		t.Fatalf("namespace team: %+v", repos)
	}

	tags, err := a.Tags(ctx, "team/app", registry.Page{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]registry.Tag{}
	for _, tg := range tags.Items {
		byName[tg.Name] = tg
	}
	if len(byName) != 3 {
		t.Fatalf("tags %+v", tags.Items)
	}
	v1 := byName["v1"]
	if v1.Digest != basicDigest || len(v1.Platforms) != 2 || v1.Platforms[1].Architecture != "arm64" || v1.Platforms[1].Variant != "v8" || v1.Size < 2048 {
		t.Fatalf("v1: %+v", v1)
	}
	if v2 := byName["v2"]; len(v2.Platforms) != 1 || v2.Size < 512 {
		t.Fatalf("v2: %+v", v2)
	}
	var paged []string
	for p := (registry.Page{Limit: 2}); ; {
		l, err := a.Tags(ctx, "team/app", p)
		if err != nil || len(l.Items) > 2 {
			t.Fatalf("paged tags: %+v %v", l, err)
		}
		for _, tg := range l.Items {
			paged = append(paged, tg.Name)
		}
		if l.Continue == "" {
			break
		}
		p.Continue = l.Continue
	}
	slices.Sort(paged)
	if !slices.Equal(paged, []string{"old", "v1", "v2"}) {
		t.Fatalf("tags over pages: %v", paged)
	}

	if _, err := a.Tags(ctx, "nope", registry.Page{Limit: 10}); reason(err) != registry.ReasonNotFound {
		t.Fatalf("missing repository: %v", err)
	}
	if err := a.DeleteTag(ctx, "team/app", "nope"); reason(err) != registry.ReasonNotFound {
		t.Fatalf("delete a missing tag: %v", err)
	}
}

func TestDistributionDeleteTag(t *testing.T) {
	ctx := t.Context()
	if _, err := basic.Push("deleting/app", "a", user, password, platforms[:1], 128); err != nil {
		t.Fatal(err)
	}
	a := open(t, registry.Config{Endpoint: basic.URL, Insecure: true, Credential: login(user, password)})
	// Another tag of the same image: distribution deletes by digest only.
	src, _ := basic.Ref("deleting/app:a")
	desc, err := remote.Get(src, basic.RemoteOptions(user, password)...)
	if err != nil {
		t.Fatal(err)
	}
	twin, _ := basic.Ref("deleting/app:twin")
	if err := remote.Tag(twin.(name.Tag), desc, basic.RemoteOptions(user, password)...); err != nil {
		t.Fatal(err)
	}
	if err := a.DeleteTag(ctx, "deleting/app", "a"); reason(err) != registry.ReasonInvalid {
		t.Fatalf("delete a tag whose image another tag names: %v", err)
	}
	if err := a.DeleteTag(ctx, "deleting/app", "twin"); reason(err) != registry.ReasonInvalid {
		t.Fatalf("delete the twin: %v", err)
	}
	if _, err := basic.Push("deleting/app", "a", user, password, platforms[:1], 64); err != nil {
		t.Fatal(err)
	}
	if err := a.DeleteTag(ctx, "deleting/app", "a"); err != nil {
		t.Fatal(err)
	}
	ref, _ := basic.Ref("deleting/app:a")
	if _, err := remote.Head(ref, basic.RemoteOptions(user, password)...); err == nil {
		t.Fatal("the tag is still there")
	}
}

// TestUnreachableSaysWhy: a refused HTTPS connection to a loopback address
// (where go-containerregistry also tries plain HTTP, which an https record
// refuses) is reported by the HTTPS attempt's cause.
func TestUnreachableSaysWhy(t *testing.T) {
	err := open(t, registry.Config{Endpoint: "https://127.0.0.1:1", Credential: login(user, password)}).Check(t.Context())
	if reason(err) != registry.ReasonUnreachable || !strings.Contains(err.Error(), "connection refused") || strings.Contains(err.Error(), "plain HTTP") {
		t.Fatalf("Check: %v", err)
	}
}
