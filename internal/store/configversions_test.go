package store

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/wheelhouse-dev/wheelhouse/internal/secrets"
)

func testKeyring(t *testing.T, b byte) *secrets.Keyring {
	t.Helper()
	k, err := secrets.NewKeyring(bytes.Repeat([]byte{b}, secrets.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestConfigVersions(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		repo := s.ConfigVersions(testKeyring(t, 1))
		cm := ConfigObject{Cluster: "prod", Namespace: "web", Kind: ConfigKindConfigMap, Name: "settings"}
		sec := ConfigObject{Cluster: "prod", Namespace: "web", Kind: ConfigKindSecret, Name: "settings"}
		record := func(obj ConfigObject, change string, payload string) *ConfigVersion {
			t.Helper()
			v := &ConfigVersion{Cluster: obj.Cluster, Namespace: obj.Namespace, Kind: obj.Kind, Name: obj.Name,
				ChangeType: change, KeyNames: []string{"a"}, CreatedBy: "alice"}
			if err := repo.Record(ctx, v, []byte(payload)); err != nil {
				t.Fatalf("record %s: %v", obj, err)
			}
			return v
		}

		for i := 1; i <= 3; i++ {
			v := record(cm, ConfigUpdated, fmt.Sprintf(`{"data":{"a":"%d"}}`, i))
			if v.Version != i || v.ID == 0 || v.CreatedAt.IsZero() {
				t.Fatalf("configmap version %d: %+v", i, v)
			}
		}
		// The same name as a Secret has its own numbering.
		if v := record(sec, ConfigCreated, "hunter2-first"); v.Version != 1 {
			t.Fatalf("first secret version: %d", v.Version)
		}
		v2 := record(sec, ConfigUpdated, "hunter2-second")

		list, pages := collect(t, 2, func(o ListOptions) ([]ConfigVersion, string, error) { return repo.List(ctx, cm, o) })
		if pages != 2 || len(list) != 3 || list[0].Version != 3 || list[2].Version != 1 {
			t.Fatalf("list: %d pages %+v", pages, list)
		}
		if list[0].Payload != nil || list[0].KeyNames[0] != "a" || list[0].CreatedBy != "alice" {
			t.Errorf("listed version: %+v", list[0])
		}
		if _, _, err := repo.List(ctx, cm, ListOptions{Continue: "junk"}); !errors.Is(err, ErrInvalidContinue) {
			t.Errorf("bad continue: %v", err)
		}

		got, payload, err := repo.Get(ctx, cm, 2)
		if err != nil || string(payload) != `{"data":{"a":"2"}}` || got.Version != 2 {
			t.Fatalf("get configmap version: %+v %q %v", got, payload, err)
		}
		got, payload, err = repo.Get(ctx, sec, 2)
		if err != nil || string(payload) != "hunter2-second" || got.KeyID == "" {
			t.Fatalf("get secret version: %+v %v", got, err)
		}
		if _, _, err := repo.Get(ctx, cm, 9); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown version: %v", err)
		}
		if n, err := repo.Latest(ctx, sec); err != nil || n != 2 {
			t.Errorf("latest: %d %v", n, err)
		}
		if n, err := repo.Latest(ctx, ConfigObject{Cluster: "prod", Namespace: "web", Kind: ConfigKindSecret, Name: "none"}); err != nil || n != 0 {
			t.Errorf("latest of nothing: %d %v", n, err)
		}

		// Secret payloads are sealed at rest; configmap payloads are not.
		var rows []struct {
			Kind    string
			Version int
			Payload []byte
		}
		if err := s.DB().WithContext(ctx).Table("config_versions").Select("kind, version, payload").Find(&rows).Error; err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if r.Kind == ConfigKindSecret && bytes.Contains(r.Payload, []byte("hunter2")) {
				t.Errorf("secret version %d stored in clear", r.Version)
			}
		}

		// A sealed payload moved to another version does not open there.
		var first []byte
		if err := s.DB().WithContext(ctx).Table("config_versions").Where("id = ?", v2.ID-1).Select("payload").Row().Scan(&first); err != nil {
			t.Fatal(err)
		}
		if err := s.DB().WithContext(ctx).Table("config_versions").Where("id = ?", v2.ID).Update("payload", first).Error; err != nil {
			t.Fatal(err)
		}
		if _, _, err := repo.Get(ctx, sec, 2); !errors.Is(err, secrets.ErrDecrypt) {
			t.Errorf("swapped payload opened: %v", err)
		}
		// Another keyring cannot open it either.
		if _, _, err := s.ConfigVersions(testKeyring(t, 2)).Get(ctx, sec, 1); err == nil {
			t.Error("opened with a foreign keyring")
		}
		if err := s.ConfigVersions(nil).Record(ctx, &ConfigVersion{Cluster: "c", Namespace: "n", Kind: ConfigKindSecret, Name: "x", ChangeType: ConfigCreated}, []byte("v")); err == nil {
			t.Error("recorded a secret without a keyring")
		}
		if err := repo.Record(ctx, &ConfigVersion{Cluster: "c", Namespace: "n", Kind: "pods", Name: "x", ChangeType: ConfigCreated}, []byte("v")); err == nil {
			t.Error("recorded an unknown kind")
		}
	})
}

func TestConfigVersionsConcurrentRecord(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		repo := s.ConfigVersions(testKeyring(t, 1))
		obj := ConfigObject{Cluster: "c", Namespace: "n", Kind: ConfigKindSecret, Name: "race"}
		const writers = 4
		var wg sync.WaitGroup
		errs := make(chan error, writers)
		for i := range writers {
			wg.Go(func() {
				v := &ConfigVersion{Cluster: obj.Cluster, Namespace: obj.Namespace, Kind: obj.Kind, Name: obj.Name, ChangeType: ConfigUpdated}
				errs <- repo.Record(ctx, v, []byte(fmt.Sprint("value-", i)))
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("concurrent record: %v", err)
			}
		}
		list, _, err := repo.List(ctx, obj, ListOptions{})
		if err != nil || len(list) != writers {
			t.Fatalf("list: %+v %v", list, err)
		}
		for i, v := range list {
			if v.Version != writers-i {
				t.Errorf("versions not 4..1: %+v", list)
			}
			if _, _, err := repo.Get(ctx, obj, v.Version); err != nil {
				t.Errorf("open version %d: %v", v.Version, err)
			}
		}
	})
}

func TestConfigVersionsReencrypt(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		oldKey, newKey := bytes.Repeat([]byte{1}, secrets.KeySize), bytes.Repeat([]byte{2}, secrets.KeySize)
		old, err := secrets.NewKeyring(oldKey)
		if err != nil {
			t.Fatal(err)
		}
		obj := ConfigObject{Cluster: "c", Namespace: "n", Kind: ConfigKindSecret, Name: "db"}
		for i := range 3 {
			v := &ConfigVersion{Cluster: obj.Cluster, Namespace: obj.Namespace, Kind: obj.Kind, Name: obj.Name, ChangeType: ConfigUpdated}
			if err := s.ConfigVersions(old).Record(ctx, v, []byte(fmt.Sprint("value-", i))); err != nil {
				t.Fatal(err)
			}
		}
		cm := &ConfigVersion{Cluster: "c", Namespace: "n", Kind: ConfigKindConfigMap, Name: "db", ChangeType: ConfigCreated}
		if err := s.ConfigVersions(old).Record(ctx, cm, []byte("{}")); err != nil {
			t.Fatal(err)
		}
		rotated, err := secrets.NewKeyring(newKey, oldKey)
		if err != nil {
			t.Fatal(err)
		}
		if n, err := s.ConfigVersions(rotated).Reencrypt(ctx); err != nil || n != 3 {
			t.Fatalf("reencrypt: %d %v", n, err)
		}
		if n, err := s.ConfigVersions(rotated).Reencrypt(ctx); err != nil || n != 0 {
			t.Fatalf("second reencrypt: %d %v", n, err)
		}
		onlyNew, err := secrets.NewKeyring(newKey)
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i <= 3; i++ {
			_, plain, err := s.ConfigVersions(onlyNew).Get(ctx, obj, i)
			if err != nil || string(plain) != fmt.Sprint("value-", i-1) {
				t.Errorf("version %d after rotation: %q %v", i, plain, err)
			}
		}
		if _, err := s.ConfigVersions(testKeyring(t, 3)).Reencrypt(ctx); err == nil {
			t.Error("a keyring without the sealing key re-encrypted")
		}
	})
}
