package auth

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

type fakeBindings map[Scope][]Rule

func (f fakeBindings) RulesFor(_ context.Context, _ uint64, s Scope) ([]Rule, error) {
	if s.Cluster == "broken" {
		return nil, errors.New("database down")
	}
	return f[s], nil
}

func TestAuthorize(t *testing.T) {
	admin := &Principal{UserID: 1, Role: store.RoleAdmin}
	user := &Principal{UserID: 2, Role: store.RoleUser}
	bindings := fakeBindings{{Cluster: "prod"}: {{Verbs: []string{VerbGet, VerbList}, Resources: []string{"pods"}}}}
	a := &Authorizer{Bindings: bindings}
	tests := []struct {
		name    string
		p       *Principal
		perm    Permission
		scope   Scope
		allowed bool
	}{
		{"admin anything", admin, Permission{VerbDelete, ResourceUsers}, Scope{}, true},
		{"admin in cluster", admin, Permission{VerbDelete, "pods"}, Scope{Cluster: "prod"}, true},
		{"user self", user, Permission{VerbCreate, ResourceSelf}, Scope{}, true},
		{"user users", user, Permission{VerbList, ResourceUsers}, Scope{}, false},
		{"user audit", user, Permission{VerbList, ResourceAudit}, Scope{}, false},
		{"user bound verb", user, Permission{VerbList, "pods"}, Scope{Cluster: "prod"}, true},
		{"user unbound verb", user, Permission{VerbDelete, "pods"}, Scope{Cluster: "prod"}, false},
		{"user other cluster", user, Permission{VerbList, "pods"}, Scope{Cluster: "dev"}, false},
		{"unknown role", &Principal{Role: "root"}, Permission{VerbGet, ResourceSelf}, Scope{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := a.Authorize(t.Context(), tt.p, tt.perm, tt.scope)
			var fe *ForbiddenError
			if tt.allowed && err != nil {
				t.Errorf("denied: %v", err)
			}
			if !tt.allowed && !errors.As(err, &fe) {
				t.Errorf("want ForbiddenError, got %v", err)
			}
		})
	}

	err := a.Authorize(t.Context(), user, Permission{VerbGet, "pods"}, Scope{Cluster: "broken"})
	var fe *ForbiddenError
	if err == nil || errors.As(err, &fe) {
		t.Errorf("a failing binding source must surface as an error, not a denial: %v", err)
	}
}

// projectBindings adds the project list to fakeBindings.
type projectBindings struct{ fakeBindings }

func (f projectBindings) ProjectsOf(_ context.Context, _ uint64, cluster string) ([]string, error) {
	var out []string
	for s := range f.fakeBindings {
		if s.Cluster == cluster && s.Project != "" {
			out = append(out, s.Project)
		}
	}
	slices.Sort(out)
	return out, nil
}

func TestProjects(t *testing.T) {
	list := Permission{VerbList, "projects"}
	reader := []Rule{{Verbs: []string{VerbList}, Resources: []string{"projects"}}}
	other := []Rule{{Verbs: []string{VerbList}, Resources: []string{"pods"}}}
	a := &Authorizer{Bindings: projectBindings{fakeBindings{
		{Cluster: "prod"}:                  other,
		{Cluster: "prod", Project: "web"}:  reader,
		{Cluster: "prod", Project: "db"}:   reader,
		{Cluster: "prod", Project: "logs"}: other,
		{Cluster: "dev"}:                   reader,
	}}}
	user := &Principal{UserID: 2, Role: store.RoleUser}
	tests := []struct {
		cluster  string
		all      bool
		projects []string
	}{
		{"prod", false, []string{"db", "web"}},
		{"dev", true, nil},
		{"test", false, nil},
	}
	for _, tt := range tests {
		all, projects, err := a.Projects(t.Context(), user, list, tt.cluster)
		if err != nil || all != tt.all || !slices.Equal(projects, tt.projects) {
			t.Errorf("%s: all=%v projects=%v err=%v, want %v %v", tt.cluster, all, projects, err, tt.all, tt.projects)
		}
	}
	if _, _, err := a.Projects(t.Context(), user, list, "broken"); err == nil {
		t.Error("a failing binding source must surface as an error")
	}
}
