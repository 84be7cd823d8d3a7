package provider

import (
	"errors"
	"testing"
)

// FuzzParseKubeconfig checks that any kubeconfig text is refused with a
// *FieldError or accepted as a kubeconfig that reads back the same, and
// never panics (the import runs in a request).
func FuzzParseKubeconfig(f *testing.F) {
	good := kubeconfig("    server: https://127.0.0.1:6443\n    certificate-authority-data: "+validCA, "    token: abc")
	f.Add(good, false)
	for _, s := range nullEntries {
		f.Add(s, false)
	}
	f.Add("apiVersion: __internal\nkind: Config\n", true)
	f.Add("{{{", false)
	f.Add(kubeconfig("    server: https://wheelhouse.example/k8s/clusters/local", "    token: abc"), false)
	f.Fuzz(func(t *testing.T, raw string, insecure bool) {
		kc, err := ParseKubeconfig([]byte(raw), insecure)
		if err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is not a *FieldError", err)
			}
			return
		}
		if kc.Rest == nil || kc.Server == "" {
			t.Fatalf("accepted without a client: %+v", kc)
		}
		again, err := ParseKubeconfig(kc.Raw, insecure)
		if err != nil {
			t.Fatalf("the kubeconfig it stores is refused: %v\n%s", err, kc.Raw)
		}
		if again.Server != kc.Server {
			t.Fatalf("server %q reads back as %q", kc.Server, again.Server)
		}
	})
}
