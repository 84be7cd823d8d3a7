package auth

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestKubeRequestPermission(t *testing.T) {
	tests := []struct {
		method, path string
		want         Permission
		scope        Scope
		clusterOnly  [2]bool // bounded, unbounded
	}{
		{"GET", "/api/v1/namespaces/ns1/pods", Permission{VerbList, "pods"}, Scope{"c", "", "ns1"}, [2]bool{}},
		{"GET", "/api/v1/namespaces/ns1/pods?watch=true", Permission{VerbList, "pods"}, Scope{"c", "", "ns1"}, [2]bool{}},
		{"GET", "/api/v1/namespaces/ns1/pods/p", Permission{VerbGet, "pods"}, Scope{"c", "", "ns1"}, [2]bool{}},
		{"GET", "/api/v1/pods", Permission{VerbList, "pods"}, Scope{"c", "", ""}, [2]bool{}},
		{"POST", "/api/v1/namespaces/ns1/pods", Permission{VerbCreate, "pods"}, Scope{"c", "", "ns1"}, [2]bool{}},
		{"PATCH", "/apis/apps/v1/namespaces/ns1/deployments/d", Permission{VerbUpdate, "deployments"}, Scope{"c", "", "ns1"}, [2]bool{}},
		{"PUT", "/apis/apps/v1/namespaces/ns1/deployments/d/scale", Permission{VerbUpdate, "deployments/scale"}, Scope{"c", "", "ns1"}, [2]bool{}},
		{"PUT", "/apis/apps/v1/namespaces/ns1/deployments/d/status", Permission{VerbUpdate, "deployments/status"}, Scope{"c", "", "ns1"}, [2]bool{}},
		{"DELETE", "/api/v1/namespaces/ns1/configmaps", Permission{VerbDelete, "configmaps"}, Scope{"c", "", "ns1"}, [2]bool{}},
		// Connecting subresources are creates whatever the method.
		{"GET", "/api/v1/namespaces/ns1/pods/p/exec?command=sh", Permission{VerbCreate, "pods/exec"}, Scope{"c", "", "ns1"}, [2]bool{}},
		{"POST", "/api/v1/namespaces/ns1/pods/p/exec?command=sh", Permission{VerbCreate, "pods/exec"}, Scope{"c", "", "ns1"}, [2]bool{}},
		{"GET", "/api/v1/namespaces/ns1/pods/p/attach", Permission{VerbCreate, "pods/attach"}, Scope{"c", "", "ns1"}, [2]bool{}},
		{"GET", "/api/v1/namespaces/ns1/pods/p/portforward", Permission{VerbCreate, "pods/portforward"}, Scope{"c", "", "ns1"}, [2]bool{}},
		{"GET", "/api/v1/namespaces/ns1/pods/p/proxy/metrics", Permission{VerbCreate, "pods/proxy"}, Scope{"c", "", "ns1"}, [2]bool{}},
		{"GET", "/api/v1/namespaces/ns1/services/s:80/proxy/", Permission{VerbCreate, "services/proxy"}, Scope{"c", "", "ns1"}, [2]bool{}},
		{"GET", "/api/v1/nodes/n1/proxy/stats", Permission{VerbCreate, "nodes/proxy"}, Scope{"c", "", ""}, [2]bool{}},
		{"GET", "/api/v1/namespaces/ns1/pods/p/log", Permission{VerbGet, "pods/log"}, Scope{"c", "", "ns1"}, [2]bool{}},
		{"POST", "/api/v1/namespaces/ns1/pods/p/eviction", Permission{VerbCreate, "pods/eviction"}, Scope{"c", "", "ns1"}, [2]bool{}},
		// A namespace and its subresources are cluster-scoped.
		{"PATCH", "/api/v1/namespaces/ns1/status", Permission{VerbUpdate, "namespaces/status"}, Scope{"c", "", ""}, [2]bool{}},
		{"PUT", "/api/v1/namespaces/ns1/finalize", Permission{VerbUpdate, "namespaces/finalize"}, Scope{"c", "", ""}, [2]bool{}},
		{"DELETE", "/api/v1/namespaces/ns1", Permission{VerbDelete, "namespaces"}, Scope{"c", "", ""}, [2]bool{}},
		// What only the whole cluster's roles may do.
		{"POST", "/api/v1/namespaces/ns1/serviceaccounts/default/token", Permission{VerbCreate, "serviceaccounts/token"}, Scope{"c", "", "ns1"}, [2]bool{true, true}},
		{"DELETE", "/api/v1/namespaces/ns1/resourcequotas/" + ProjectQuotaName, Permission{VerbDelete, "resourcequotas"}, Scope{"c", "", "ns1"}, [2]bool{true, true}},
		{"DELETE", "/api/v1/namespaces/ns1/resourcequotas", Permission{VerbDelete, "resourcequotas"}, Scope{"c", "", "ns1"}, [2]bool{true, true}},
		{"PUT", "/api/v1/namespaces/ns1/resourcequotas/other", Permission{VerbUpdate, "resourcequotas"}, Scope{"c", "", "ns1"}, [2]bool{false, true}},
		{"POST", "/api/v1/namespaces/ns1/limitranges", Permission{VerbCreate, "limitranges"}, Scope{"c", "", "ns1"}, [2]bool{false, true}},
		{"POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/ns1/rolebindings", Permission{VerbCreate, "rolebindings"}, Scope{"c", "", "ns1"}, [2]bool{false, true}},
		{"GET", "/apis/rbac.authorization.k8s.io/v1/namespaces/ns1/rolebindings", Permission{VerbList, "rolebindings"}, Scope{"c", "", "ns1"}, [2]bool{}},
		// Discovery and other non-resource paths.
		{"GET", "/api", Permission{VerbGet, ResourceKubernetes}, Scope{"c", "", ""}, [2]bool{}},
		{"GET", "/apis/apps/v1", Permission{VerbGet, ResourceKubernetes}, Scope{"c", "", ""}, [2]bool{}},
		{"GET", "/version", Permission{VerbGet, ResourceKubernetes}, Scope{"c", "", ""}, [2]bool{}},
		{"POST", "/version", Permission{VerbUpdate, ResourceKubernetes}, Scope{"c", "", ""}, [2]bool{}},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			k, err := ParseKubeRequest(httptest.NewRequest(tt.method, tt.path, nil))
			if err != nil {
				t.Fatal(err)
			}
			if got := k.Permission(); got != tt.want {
				t.Errorf("Permission = %v, want %v", got, tt.want)
			}
			if got := k.Scope("c"); got != tt.scope {
				t.Errorf("Scope = %+v, want %+v", got, tt.scope)
			}
			if got := [2]bool{k.ClusterOnly(true), k.ClusterOnly(false)}; got != tt.clusterOnly {
				t.Errorf("ClusterOnly(bounded, unbounded) = %v, want %v", got, tt.clusterOnly)
			}
		})
	}
}

func TestKubeRequestReadsSecrets(t *testing.T) {
	for path, want := range map[string]bool{
		"/api/v1/namespaces/ns1/secrets":            true,
		"/api/v1/namespaces/ns1/secrets/s":          true,
		"/api/v1/secrets?watch=1":                   true,
		"/apis/example.com/v1/namespaces/n/secrets": false,
		"/api/v1/namespaces/ns1/configmaps":         false,
	} {
		k, err := ParseKubeRequest(httptest.NewRequest(http.MethodGet, path, nil))
		if err != nil {
			t.Fatal(err)
		}
		if got := k.ReadsSecrets(); got != want {
			t.Errorf("ReadsSecrets(%s) = %v, want %v", path, got, want)
		}
	}
}
