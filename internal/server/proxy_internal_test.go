package server

import "testing"

func TestNamespaceOf(t *testing.T) {
	for path, want := range map[string]string{
		"/api/v1/namespaces/team/pods":                    "team",
		"/api/v1/namespaces/team/pods/web-0/log":          "team",
		"/apis/apps/v1/namespaces/team/deployments":       "team",
		"/api/v1/namespaces/team":                         "",
		"/api/v1/namespaces":                              "",
		"/api/v1/nodes":                                   "",
		"/apis/apps/v1/deployments":                       "",
		"/api":                                            "",
		"/version":                                        "",
		"/apis/rbac.authorization.k8s.io/v1/clusterroles": "",
	} {
		if got := namespaceOf(path); got != want {
			t.Errorf("namespaceOf(%q) = %q, want %q", path, got, want)
		}
	}
}
