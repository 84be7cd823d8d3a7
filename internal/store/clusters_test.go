package store

import (
	"errors"
	"testing"
	"time"

	"github.com/wheelhouse-dev/wheelhouse/internal/secrets"
)

func TestClusters(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		repo := s.Clusters()
		c := &Cluster{
			Name: "prod-eu", DisplayName: "Production EU", Provider: "import", State: ClusterProvisioned,
			Labels: map[string]string{"env": "prod", "region": "eu"},
			Spec:   map[string]string{"nodes": "3"},
			Events: []ClusterEvent{{Type: EventNormal, Reason: "Imported", Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Message: "connected"}},
			Server: "https://127.0.0.1:6443",
		}
		if err := repo.Create(ctx, c); err != nil {
			t.Fatal(err)
		}
		if err := repo.Create(ctx, &Cluster{Name: "prod-eu", Provider: "import", State: ClusterProvisioned}); !errors.Is(err, ErrConflict) {
			t.Errorf("duplicate name: %v", err)
		}
		got, err := repo.GetByName(ctx, "prod-eu")
		if err != nil {
			t.Fatal(err)
		}
		if got.Labels["region"] != "eu" || got.Spec["nodes"] != "3" || len(got.Events) != 1 || got.Events[0].Message != "connected" || got.Events[0].Reason != "Imported" {
			t.Errorf("round trip: %+v", got)
		}

		got.Labels = map[string]string{"env": "staging"}
		got.State, got.Message = ClusterFailed, "boom"
		// Update leaves the events alone: RecordEvent alone writes them.
		got.Events = nil
		if err := repo.Update(ctx, got); err != nil {
			t.Fatal(err)
		}
		again, _ := repo.GetByName(ctx, "prod-eu")
		if again.Labels["env"] != "staging" || again.Labels["region"] != "" || again.State != ClusterFailed || len(again.Events) != 1 {
			t.Errorf("after update: %+v", again)
		}

		// Repeats of the latest event count; the newest keep are kept.
		t0 := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
		for i, ev := range []ClusterEvent{
			{Type: EventWarning, Reason: "Unavailable", Message: "down"},
			{Type: EventWarning, Reason: "Unavailable", Message: "down"},
			{Type: EventNormal, Reason: "Recovered", Message: "up"},
			{Type: EventWarning, Reason: "Unavailable", Message: "down"},
		} {
			ev.Time = t0.Add(time.Duration(i) * time.Minute)
			if err := repo.RecordEvent(ctx, c.ID, ev, 3); err != nil {
				t.Fatal(err)
			}
		}
		again, _ = repo.GetByName(ctx, "prod-eu")
		if ev := again.Events; len(ev) != 3 || ev[0].Reason != "Unavailable" || ev[0].Count != 2 || !ev[0].LastTime.Equal(t0.Add(time.Minute)) ||
			ev[1].Reason != "Recovered" || ev[2].Count != 1 || !ev[2].Time.Equal(t0.Add(3*time.Minute)) {
			t.Errorf("events: %+v", ev)
		}
		if err := repo.RecordEvent(ctx, 987654, ClusterEvent{Message: "x"}, 3); !errors.Is(err, ErrNotFound) {
			t.Errorf("event of a missing cluster: %v", err)
		}

		for _, n := range []string{"b1", "b2", "b3"} {
			if err := repo.Create(ctx, &Cluster{Name: n, Provider: "sandbox", State: ClusterProvisioning}); err != nil {
				t.Fatal(err)
			}
		}
		first, next, err := repo.List(ctx, ListOptions{Limit: 2})
		if err != nil || len(first) != 2 || next == "" {
			t.Fatalf("page 1: %d %q %v", len(first), next, err)
		}
		rest, next, err := repo.List(ctx, ListOptions{Limit: 2, Continue: next})
		if err != nil || len(rest) != 2 || next != "" {
			t.Fatalf("page 2: %d %q %v", len(rest), next, err)
		}
		found, _, _ := repo.List(ctx, ListOptions{Search: "production"})
		if len(found) != 1 {
			t.Errorf("search: %d", len(found))
		}
		all, err := repo.All(ctx)
		if err != nil || len(all) != 4 {
			t.Errorf("all: %d %v", len(all), err)
		}

		// Deleting a cluster deletes its credentials with it.
		key := make([]byte, 32)
		kr, _ := secrets.NewKeyring(key)
		creds := s.Credentials(kr)
		if err := creds.Put(ctx, ClusterOwner(c.ID), "kubeconfig", []byte("apiVersion: v1")); err != nil {
			t.Fatal(err)
		}
		if err := s.DB().Create(&ConfigVersion{Cluster: "prod-eu", Namespace: "a", Kind: ConfigKindConfigMap, Name: "x", Version: 1, ChangeType: ConfigCreated, Payload: []byte("{}")}).Error; err != nil {
			t.Fatal(err)
		}
		if err := repo.Delete(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
		var history int64
		s.DB().Model(&ConfigVersion{}).Where("cluster = ?", "prod-eu").Count(&history)
		if history != 0 {
			t.Errorf("%d configuration versions outlived their cluster", history)
		}
		if _, err := creds.Get(ctx, ClusterOwner(c.ID), "kubeconfig"); !errors.Is(err, ErrNotFound) {
			t.Errorf("credential outlived its cluster: %v", err)
		}
		if _, err := repo.GetByName(ctx, "prod-eu"); !errors.Is(err, ErrNotFound) {
			t.Errorf("deleted cluster: %v", err)
		}
		if err := repo.Delete(ctx, c.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("second delete: %v", err)
		}
	})
}
