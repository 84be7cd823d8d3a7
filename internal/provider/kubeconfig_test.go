package provider

import (
	"encoding/base64"
	"errors"
	"os"
	"strings"
	"testing"
)

// validCA is the test CA, base64 as certificate-authority-data holds it.
var validCA = base64.StdEncoding.EncodeToString([]byte(testCA))

func kubeconfig(cluster, user string, extra ...string) string {
	s := `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
` + cluster + `
users:
- name: u
  user:
` + user + `
contexts:
- name: ctx
  context: {cluster: c, user: u, namespace: team}
`
	for _, e := range extra {
		s += e
	}
	return s
}

func TestParseKubeconfig(t *testing.T) {
	goodCluster := "    server: https://127.0.0.1:6443\n    certificate-authority-data: " + validCA
	goodUser := "    token: abc"
	tests := []struct {
		name     string
		raw      string
		insecure bool
		wantErr  string
	}{
		{"ok, single context", kubeconfig(goodCluster, goodUser), false, ""},
		{"ok, current-context", kubeconfig(goodCluster, goodUser, "- name: other\n  context: {cluster: c, user: u}\ncurrent-context: other\n"), false, ""},
		{"not yaml", "{{{", false, "not a valid kubeconfig"},
		{"two contexts, none current", strings.Replace(kubeconfig(goodCluster, goodUser), "contexts:\n", "contexts:\n- name: b\n  context: {cluster: c, user: u}\n", 1), false, "names 2 contexts"},
		{"unknown current", kubeconfig(goodCluster, goodUser, "current-context: nope\n"), false, `current-context "nope"`},
		{"exec plugin", kubeconfig(goodCluster, "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: /bin/sh\n      args: [-c, id]"), false, "exec plugins run programs"},
		{"auth provider", kubeconfig(goodCluster, "    auth-provider:\n      name: gcp"), false, "auth-provider plugins"},
		{"token file", kubeconfig(goodCluster, "    tokenFile: /etc/shadow"), false, "tokenFile reads a file"},
		{"client cert file", kubeconfig(goodCluster, "    client-certificate: /root/c.pem\n    client-key-data: eA=="), false, "client-certificate reads a file"},
		{"client key file", kubeconfig(goodCluster, "    client-certificate-data: eA==\n    client-key: /root/k.pem"), false, "client-key reads a file"},
		{"ca file", kubeconfig("    server: https://127.0.0.1:6443\n    certificate-authority: /etc/ssl/ca.pem", goodUser), false, "certificate-authority reads a file"},
		{"insecure refused", kubeconfig("    server: https://127.0.0.1:6443\n    insecure-skip-tls-verify: true", goodUser), false, "insecure-skip-tls-verify"},
		{"insecure allowed", kubeconfig("    server: https://127.0.0.1:6443\n    insecure-skip-tls-verify: true", goodUser), true, ""},
		{"http refused", kubeconfig("    server: http://127.0.0.1:8080", goodUser), false, "must use https"},
		{"no server", kubeconfig("    certificate-authority-data: "+validCA, goodUser), false, "is not a URL"},
		{"proxy", kubeconfig(goodCluster+"\n    proxy-url: http://10.0.0.1:3128", goodUser), false, "proxy-url"},
		{"a pass-through", kubeconfig("    server: https://127.0.0.1:8443/k8s/clusters/local\n    certificate-authority-data: "+validCA, goodUser), false, "is a Wheelhouse pass-through"},
		{"a pass-through, path disguised", kubeconfig("    server: https://wh.example//k8s/x/../clusters/a", goodUser), false, "is a Wheelhouse pass-through"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kc, err := ParseKubeconfig([]byte(tt.raw), tt.insecure)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if kc.Server != "https://127.0.0.1:6443" || kc.Rest.BearerToken != "abc" && !tt.insecure {
					t.Errorf("parsed %+v", kc)
				}
				if strings.Contains(string(kc.Raw), "other") {
					t.Error("unused contexts were kept")
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != "kubeconfig" || !strings.Contains(fe.Message, tt.wantErr) {
				t.Errorf("got %v, want a kubeconfig FieldError containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestBuildKubeconfigRoundTrips(t *testing.T) {
	raw, err := BuildKubeconfig("https://10.1.2.3:6443", []byte("-----BEGIN CERTIFICATE-----\n"), "tok")
	if err != nil {
		t.Fatal(err)
	}
	kc, err := ParseKubeconfig(raw, false)
	if err != nil {
		t.Fatal(err)
	}
	if kc.Server != "https://10.1.2.3:6443" || kc.Rest.BearerToken != "tok" {
		t.Errorf("%+v", kc)
	}
}

// nullEntries are kubeconfigs in the internal form (which clientcmd loads
// as is, without defaulting) whose context, cluster or user is null: they
// panicked the import.
var nullEntries = []string{
	"apiVersion: __internal\nkind: Config\ncurrent-context: x\ncontexts: {x: null}\n",
	"apiVersion: __internal\nkind: Config\ncurrent-context: x\ncontexts: {x: {cluster: c, user: u}}\nclusters: {c: null}\nusers: {u: {token: t}}\n",
	"apiVersion: __internal\nkind: Config\ncurrent-context: x\ncontexts: {x: {cluster: c, user: u}}\nclusters: {c: {server: 'https://127.0.0.1:6443'}}\nusers: {u: null}\n",
	"apiVersion: __internal\nkind: Config\ncontexts: {x: null}\n",
	"apiVersion: v1\nkind: Config\ncurrent-context: x\ncontexts:\n- name: x\n  context: null\n",
	"apiVersion: v1\nkind: Config\ncurrent-context: x\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\nclusters:\n- name: c\n  cluster: null\nusers:\n- name: u\n  user: null\n",
}

func TestParseKubeconfigNullEntries(t *testing.T) {
	for _, raw := range nullEntries {
		_, err := ParseKubeconfig([]byte(raw), true)
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != "kubeconfig" {
			t.Errorf("%s: got %v, want a *FieldError on kubeconfig", raw, err)
		}
	}
}

// testCA is a self-signed CA that signed nothing the sandbox serves.
var testCA = func() string {
	b, err := os.ReadFile("testdata/unrelated-ca.pem")
	if err != nil {
		panic(err)
	}
	return string(b)
}()
