package store

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestChartRepositories(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		recs := s.CredentialRecords(s.Credentials(newKeyring(t, newKey(t))))
		proj := Scope{Cluster: "c1", Project: "p1"}
		cred := &CredentialRecord{Scope: proj, Name: "charts", Type: "registry", Public: map[string]string{"username": "bob"}}
		if err := recs.Create(ctx, cred, []byte(`{"password":"s3cret"}`)); err != nil {
			t.Fatal(err)
		}
		repos := s.ChartRepositories()

		// A repository of another scope cannot refer to the credential.
		if err := repos.Create(ctx, &ChartRepository{Name: "r", Type: ChartRepoHTTP, URL: "https://x", CredentialID: &cred.ID}); err == nil {
			t.Fatal("a global chart repository referred to a project credential")
		} else if me := (*MissingReferenceError)(nil); !errors.As(err, &me) || me.Field != "credentialId" {
			t.Fatalf("cross-scope reference: %v", err)
		}

		// An index larger than MySQL's TEXT (64 KiB) is kept whole.
		index := `{"entries":"` + strings.Repeat("x", 200<<10) + `"}`
		at := time.Now().UTC().Truncate(time.Second)
		repo := &ChartRepository{Scope: proj, Name: "charts", Type: ChartRepoHTTP, URL: "https://charts.example", CredentialID: &cred.ID,
			RefreshSeconds: 600, ETag: `"v1"`, Digest: "sha256:1", IndexData: index, RefreshedAt: &at, ChangedAt: &at}
		if err := repos.Create(ctx, repo); err != nil {
			t.Fatal(err)
		}
		if err := repos.Create(ctx, &ChartRepository{Scope: proj, Name: "charts", Type: ChartRepoOCI, URL: "oci://x/y"}); !errors.Is(err, ErrConflict) {
			t.Fatalf("same name in scope: %v, want ErrConflict", err)
		}
		if err := repos.Create(ctx, &ChartRepository{Name: "charts", Type: ChartRepoOCI, URL: "oci://x/y"}); err != nil {
			t.Fatalf("same name, global scope: %v", err)
		}
		got, err := repos.Get(ctx, proj, "charts")
		if err != nil || got.ETag != `"v1"` || got.IndexData != "" || got.RefreshInterval(time.Hour) != 10*time.Minute {
			t.Fatalf("get (without its index): %+v %v", got, err)
		}
		data, digest, err := repos.IndexOf(ctx, got.ID)
		if err != nil || data != index || digest != "sha256:1" {
			t.Fatalf("index: %d bytes, %q, %v", len(data), digest, err)
		}

		// A refresh that found nothing new moves only RefreshedAt.
		later := at.Add(time.Hour)
		got.RefreshedAt, got.LastError = &later, ""
		if err := repos.Touch(ctx, got); err != nil {
			t.Fatal(err)
		}
		again, _ := repos.Get(ctx, proj, "charts")
		if !again.RefreshedAt.Equal(later) || !again.ChangedAt.Equal(at) || !again.UpdatedAt.Equal(got.UpdatedAt) {
			t.Fatalf("after touch: %+v", again)
		}
		if data, _, _ := repos.IndexOf(ctx, got.ID); data != index {
			t.Fatal("touch rewrote the index")
		}
		again.ETag, again.Digest, again.IndexData = `"v2"`, "sha256:2", `{}`
		if err := repos.SaveIndex(ctx, again); err != nil {
			t.Fatal(err)
		}
		if data, digest, _ := repos.IndexOf(ctx, got.ID); data != `{}` || digest != "sha256:2" {
			t.Fatalf("saved index: %q %q", data, digest)
		}

		usages, err := recs.Delete(ctx, proj, cred.ID)
		if !errors.Is(err, ErrInUse) || len(usages) != 1 || usages[0].Kind != UsageChartRepository || usages[0].Name != "charts" {
			t.Fatalf("delete of a credential a chart repository uses: %v %+v", err, usages)
		}
		if names := func() []string {
			items, _ := collect(t, 1, func(o ListOptions) ([]ChartRepository, string, error) {
				o.Search = "CHA"
				return repos.List(ctx, proj, o)
			})
			var n []string
			for _, i := range items {
				n = append(n, i.Name)
			}
			return n
		}(); len(names) != 1 || names[0] != "charts" {
			t.Fatalf("list: %v", names)
		}

		// Update of the settings alone keeps the cache; with the cache,
		// a new URL without a credential clears it.
		again.RefreshSeconds, again.IndexData = 0, ""
		if err := repos.Update(ctx, again, false); err != nil {
			t.Fatal(err)
		}
		if data, _, _ := repos.IndexOf(ctx, got.ID); data != `{}` {
			t.Fatalf("a settings update rewrote the index: %q", data)
		}
		again.URL, again.CredentialID, again.ETag, again.Digest, again.IndexData = "https://other.example", nil, "", "", ""
		if err := repos.Update(ctx, again, true); err != nil {
			t.Fatal(err)
		}
		if data, _, _ := repos.IndexOf(ctx, got.ID); data != "" {
			t.Fatal("update kept the old index")
		}
		if all, err := repos.All(ctx); err != nil || len(all) != 2 {
			t.Fatalf("all: %d %v", len(all), err)
		}
		if _, err := recs.Delete(ctx, proj, cred.ID); err != nil {
			t.Fatalf("delete of an unused credential: %v", err)
		}
		if err := repos.Delete(ctx, again); err != nil {
			t.Fatal(err)
		}
		if _, err := repos.Get(ctx, proj, "charts"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("after delete: %v", err)
		}
		if err := repos.Delete(ctx, again); !errors.Is(err, ErrNotFound) {
			t.Fatalf("second delete: %v", err)
		}
	})
}
