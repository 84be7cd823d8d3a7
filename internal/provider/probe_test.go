//go:build !unit

package provider

import (
	"errors"
	"net"
	"testing"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/wheelhouse-dev/wheelhouse/internal/sandbox/sandboxtest"
)

func TestProbeTellsFailuresApart(t *testing.T) {
	path := sandboxtest.Start(t, 1)
	good, err := clientcmd.BuildConfigFromFlags("", path)
	if err != nil {
		t.Fatal(err)
	}
	version, err := Probe(t.Context(), good)
	if err != nil || version == "" {
		t.Fatalf("probe of a good cluster: %q %v", version, err)
	}

	wrongCA := rest.CopyConfig(good)
	wrongCA.CAFile, wrongCA.CAData = "", []byte(testCA)
	badToken := rest.AnonymousClientConfig(good)
	badToken.BearerToken = "not-a-valid-token"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "https://" + ln.Addr().String()
	ln.Close()
	down := rest.CopyConfig(good)
	down.Host = closed

	for _, tt := range []struct {
		name   string
		rc     *rest.Config
		reason string
	}{
		{"wrong CA", wrongCA, ProbeUntrusted},
		{"bad token", badToken, ProbeRejected},
		{"closed port", down, ProbeUnreachable},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Probe(t.Context(), tt.rc)
			var pe *ProbeError
			if !errors.As(err, &pe) || pe.Reason != tt.reason {
				t.Errorf("got %v, want reason %s", err, tt.reason)
			}
		})
	}
}
