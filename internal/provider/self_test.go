package provider

import (
	"context"
	"errors"
	"net"
	"net/url"
	"testing"
)

func TestIsPassThrough(t *testing.T) {
	for raw, want := range map[string]bool{
		"https://wh.example/k8s/clusters/local":         true,
		"https://wh.example/k8s/clusters/":              true,
		"https://wh.example/k8s/clusters":               true,
		"https://wh.example//k8s/./clusters/a/../b":     true,
		"https://wh.example/prefix/../k8s/clusters/x/y": true,
		"https://wh.example/k8s/clustersfoo":            false,
		"https://wh.example/":                           false,
		"https://10.0.0.1:6443":                         false,
		"https://wh.example/api/k8s/clusters/x":         false,
	} {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if got := IsPassThrough(u); got != want {
			t.Errorf("%s: %v, want %v", raw, got, want)
		}
	}
}

func TestSelfReaches(t *testing.T) {
	lookup := func(_ context.Context, host string) ([]net.IP, error) {
		switch host {
		case "alias.example":
			return []net.IP{net.ParseIP("192.0.2.7")}, nil
		case "loop.example":
			return []net.IP{net.ParseIP("127.0.0.1")}, nil
		}
		return nil, errors.New("no such host")
	}
	ifaces := func() ([]net.Addr, error) {
		return []net.Addr{&net.IPNet{IP: net.ParseIP("192.0.2.7"), Mask: net.CIDRMask(24, 32)}}, nil
	}
	tests := []struct {
		listen string
		names  []string
		server string
		want   bool
	}{
		{"127.0.0.1:8443", nil, "https://127.0.0.1:8443", true},
		{"127.0.0.1:8443", nil, "https://127.0.0.1:8443/some/path", true},
		{"127.0.0.1:8443", nil, "https://loop.example:8443", true},
		{"127.0.0.1:8443", nil, "https://127.0.0.1:6443", false},
		{"127.0.0.1:8443", nil, "https://192.0.2.7:8443", false},
		{"0.0.0.0:8443", nil, "https://192.0.2.7:8443", true},
		{"0.0.0.0:8443", nil, "https://alias.example:8443", true},
		{"[::]:8443", nil, "https://[::1]:8443", true},
		{"0.0.0.0:443", nil, "https://alias.example", true},
		{"0.0.0.0:8443", nil, "https://unknown.example:8443", false},
		{"127.0.0.1:8443", []string{"Wheelhouse.Example"}, "https://wheelhouse.example.:8443", true},
		{"", nil, "https://127.0.0.1:8443", false},
	}
	for _, tc := range tests {
		s := &Self{Listen: tc.listen, Names: tc.names, LookupIP: lookup, InterfaceAddrs: ifaces}
		u, err := url.Parse(tc.server)
		if err != nil {
			t.Fatal(err)
		}
		if got := s.Reaches(t.Context(), u); got != tc.want {
			t.Errorf("listen %s names %v, server %s: %v, want %v", tc.listen, tc.names, tc.server, got, tc.want)
		}
	}
}
