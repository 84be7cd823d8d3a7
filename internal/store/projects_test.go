package store

import (
	"errors"
	"testing"
)

func TestProjectsAndRoleBindings(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		u := &User{Username: "alice", PasswordHash: "x", Role: RoleUser}
		if err := s.Users().Create(ctx, u); err != nil {
			t.Fatal(err)
		}
		cl := &Cluster{Name: "prod", Provider: "import", State: ClusterProvisioned}
		if err := s.Clusters().Create(ctx, cl); err != nil {
			t.Fatal(err)
		}
		p := &Project{Cluster: "prod", Name: "web", Quota: map[string]string{"cpu": "10"}, NamespaceQuota: map[string]string{"cpu": "2"}}
		if err := s.Projects().Create(ctx, p); err != nil {
			t.Fatal(err)
		}
		if err := s.Projects().Create(ctx, &Project{Cluster: "prod", Name: "web"}); !errors.Is(err, ErrConflict) {
			t.Errorf("duplicate project: %v", err)
		}
		if err := s.Projects().Create(ctx, &Project{Cluster: "dev", Name: "web"}); err != nil {
			t.Errorf("same name in another cluster: %v", err)
		}
		got, err := s.Projects().Get(ctx, "prod", "web")
		if err != nil || got.Quota["cpu"] != "10" || got.NamespaceQuota["cpu"] != "2" {
			t.Fatalf("get: %+v %v", got, err)
		}

		rb := s.RoleBindings()
		if err := rb.Put(ctx, &RoleBinding{UserID: u.ID, Cluster: "prod", Role: RoleViewer}); err != nil {
			t.Fatal(err)
		}
		if err := rb.Put(ctx, &RoleBinding{UserID: u.ID, Cluster: "prod", Project: "web", Role: RoleMember}); err != nil {
			t.Fatal(err)
		}
		// Put again replaces the role in that scope.
		if err := rb.Put(ctx, &RoleBinding{UserID: u.ID, Cluster: "prod", Project: "web", Role: RoleOwner}); err != nil {
			t.Fatal(err)
		}
		mine, err := rb.ForUserInCluster(ctx, u.ID, "prod")
		if err != nil || len(mine) != 2 {
			t.Fatalf("bindings of user: %v %v", mine, err)
		}
		scope, _ := rb.ForScope(ctx, "prod", "web")
		if len(scope) != 1 || scope[0].Role != RoleOwner {
			t.Errorf("project bindings: %+v", scope)
		}

		// Deleting the project removes its bindings, not the cluster's.
		if err := s.Projects().Delete(ctx, got); err != nil {
			t.Fatal(err)
		}
		mine, _ = rb.ForUserInCluster(ctx, u.ID, "prod")
		if len(mine) != 1 || mine[0].Project != "" {
			t.Errorf("after project delete: %+v", mine)
		}
		if err := rb.Delete(ctx, u.ID, "prod", "web"); !errors.Is(err, ErrNotFound) {
			t.Errorf("delete missing binding: %v", err)
		}

		// Deleting the cluster removes its projects and bindings; deleting a
		// user removes its bindings.
		if err := s.Projects().Create(ctx, &Project{Cluster: "prod", Name: "api"}); err != nil {
			t.Fatal(err)
		}
		if err := s.Clusters().Delete(ctx, cl.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Projects().Get(ctx, "prod", "api"); !errors.Is(err, ErrNotFound) {
			t.Errorf("project outlived its cluster: %v", err)
		}
		if mine, _ = rb.ForUserInCluster(ctx, u.ID, "prod"); len(mine) != 0 {
			t.Errorf("bindings outlived their cluster: %+v", mine)
		}
		if err := rb.Put(ctx, &RoleBinding{UserID: u.ID, Cluster: "dev", Role: RoleOwner}); err != nil {
			t.Fatal(err)
		}
		if err := s.Users().Delete(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		if mine, _ = rb.ForUserInCluster(ctx, u.ID, "dev"); len(mine) != 0 {
			t.Errorf("bindings outlived their user: %+v", mine)
		}
	})
}
