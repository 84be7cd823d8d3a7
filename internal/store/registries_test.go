package store

import (
	"bytes"
	"errors"
	"testing"
	"time"
)

func TestCredentialRecordsAndRegistries(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		recs := s.CredentialRecords(s.Credentials(newKeyring(t, newKey(t))))
		proj := Scope{Cluster: "c1", Project: "p1"}
		cred := &CredentialRecord{Scope: proj, Name: "hub", Type: "registry", Public: map[string]string{"username": "bob"}}
		if err := recs.Create(ctx, cred, []byte(`{"password":"s3cret"}`)); err != nil {
			t.Fatal(err)
		}
		if err := recs.Create(ctx, &CredentialRecord{Scope: proj, Name: "hub", Type: "registry"}, []byte(`{}`)); !errors.Is(err, ErrConflict) {
			t.Fatalf("same name in scope: %v, want ErrConflict", err)
		}
		if err := recs.Create(ctx, &CredentialRecord{Name: "hub", Type: "registry"}, []byte(`{}`)); err != nil {
			t.Fatalf("same name, global scope: %v", err)
		}
		if _, err := recs.Get(ctx, Scope{}, cred.ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("project credential read in the global scope: %v, want ErrNotFound", err)
		}
		secret, err := recs.Secret(ctx, cred.ID)
		if err != nil || !bytes.Equal(secret, []byte(`{"password":"s3cret"}`)) {
			t.Fatalf("secret: %q %v", secret, err)
		}
		var raw []byte
		if err := s.DB().Raw("SELECT ciphertext FROM credentials WHERE owner = ?", CredentialRecordOwner(cred.ID)).Row().Scan(&raw); err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(raw, []byte("s3cret")) {
			t.Fatal("the secret is stored in clear")
		}

		// A registry in another scope cannot refer to it.
		if err := s.Registries().Create(ctx, &Registry{Name: "r", Type: "distribution", Endpoint: "https://x", CredentialID: &cred.ID}); err == nil {
			t.Fatal("a global registry referred to a project credential")
		} else if me := (*MissingReferenceError)(nil); !errors.As(err, &me) || me.Field != "credentialId" {
			t.Fatalf("cross-scope reference: %v", err)
		}
		reg := &Registry{Scope: proj, Name: "r", Type: "distribution", Endpoint: "https://x", CredentialID: &cred.ID, Settings: map[string]string{"a": "b"}}
		if err := s.Registries().Create(ctx, reg); err != nil {
			t.Fatal(err)
		}
		usages, err := recs.Delete(ctx, proj, cred.ID)
		if !errors.Is(err, ErrInUse) || len(usages) != 1 || usages[0].Name != "r" || usages[0].Field != "credentialId" {
			t.Fatalf("delete in use: %v %+v", err, usages)
		}

		// Rotation records when the field changed.
		before := time.Now().Add(-time.Second)
		if err := recs.Update(ctx, cred, []byte(`{"password":"n3w"}`), []string{"password"}); err != nil {
			t.Fatal(err)
		}
		got, _ := recs.Get(ctx, proj, cred.ID)
		if got.FieldsChanged["password"].Before(before) || got.Public["username"] != "bob" {
			t.Fatalf("after update: %+v", got)
		}

		target := &PullSecretTarget{RegistryID: reg.ID, Cluster: "c1", Project: "p1", SecretName: "pull"}
		if err := s.PullSecrets().Create(ctx, target); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		for _, msg := range []string{"boom", ""} {
			if err := s.PullSecrets().PutStatus(ctx, &PullSecretStatus{TargetID: target.ID, Namespace: "ns1", WrittenAt: &now, Error: msg}); err != nil {
				t.Fatal(err)
			}
		}
		st, err := s.PullSecrets().Statuses(ctx, []uint64{target.ID})
		if err != nil || len(st[target.ID]) != 1 || st[target.ID][0].Error != "" {
			t.Fatalf("statuses: %+v %v", st, err)
		}

		hook := &RegistryWebhook{RegistryID: reg.ID, Name: "h", Source: WebhookDistribution, TokenHash: "x", TokenPrefix: "y"}
		if err := s.Webhooks().Create(ctx, hook); err != nil {
			t.Fatal(err)
		}
		key := "event-1"
		for i, want := range []error{nil, ErrConflict} {
			err := s.Webhooks().Record(ctx, &WebhookDelivery{WebhookID: hook.ID, Time: now, Outcome: DeliveryAccepted, Status: 202, EventKey: &key})
			if !errors.Is(err, want) && err != want {
				t.Fatalf("delivery %d: %v, want %v", i, err, want)
			}
		}
		for range 3 { // deliveries without a key never conflict
			if err := s.Webhooks().Record(ctx, &WebhookDelivery{WebhookID: hook.ID, Time: now, Outcome: DeliveryRejected, Status: 401}); err != nil {
				t.Fatal(err)
			}
		}
		all, _ := collect(t, 2, func(o ListOptions) ([]WebhookDelivery, string, error) {
			return s.Webhooks().Deliveries(ctx, hook.ID, o)
		})
		if len(all) != 4 || all[0].ID < all[3].ID {
			t.Fatalf("deliveries: %s", fmtIDs(all, func(d WebhookDelivery) uint64 { return d.ID }))
		}

		if err := s.Registries().Delete(ctx, reg); err != nil {
			t.Fatal(err)
		}
		if ts, _ := s.PullSecrets().ForRegistry(ctx, reg.ID); len(ts) != 0 {
			t.Fatal("targets survived their registry")
		}
		if _, err := recs.Delete(ctx, proj, cred.ID); err != nil {
			t.Fatalf("delete unused: %v", err)
		}
		if ok, _ := s.Credentials(newKeyring(t, newKey(t))).Has(ctx, CredentialRecordOwner(cred.ID), credentialSecretName); ok {
			t.Fatal("sealed fields survived their credential")
		}
	})
}
