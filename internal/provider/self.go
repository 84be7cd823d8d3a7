package provider

import (
	"context"
	"net"
	"net/url"
	"path"
	"slices"
	"strings"
)

// PassThroughPath is where a Wheelhouse server serves its Kubernetes
// pass-through, /k8s/clusters/{cluster}/. A cluster imported through it
// would be served by Wheelhouse to Wheelhouse: through its own
// pass-through it calls itself for every request its informers make, which
// grew a server to 30,000 goroutines within seconds.
const PassThroughPath = "/k8s/clusters/"

// IsPassThrough reports whether u leads to a Wheelhouse pass-through (this
// server's or another's): its path, cleaned, starts with PassThroughPath.
func IsPassThrough(u *url.URL) bool {
	return strings.HasPrefix(path.Clean("/"+u.Path)+"/", PassThroughPath)
}

// Self says how this Wheelhouse server is reached, so that a kubeconfig
// whose server is Wheelhouse itself is refused at import whatever path it
// names.
type Self struct {
	// Listen is the server's listen address (host:port). An unspecified
	// host (0.0.0.0, ::) stands for every address of the machine.
	Listen string
	// Names are further host names and addresses that reach the server
	// (those of its serving certificate, the machine's host name).
	Names []string
	// LookupIP resolves a host name; default net.DefaultResolver.
	LookupIP func(ctx context.Context, host string) ([]net.IP, error)
	// InterfaceAddrs lists the machine's addresses; default
	// net.InterfaceAddrs.
	InterfaceAddrs func() ([]net.Addr, error)
}

// Reaches reports whether u, an API server URL, leads to this server: its
// port is the listen port and its host is one of the server's names, or
// resolves to an address the server listens on. A host that cannot be
// resolved is not this server (the probe that follows will fail anyway).
func (s *Self) Reaches(ctx context.Context, u *url.URL) bool {
	if s == nil || s.Listen == "" {
		return false
	}
	listenHost, listenPort, err := net.SplitHostPort(s.Listen)
	if err != nil || port(u) != listenPort {
		return false
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if slices.ContainsFunc(s.Names, func(n string) bool { return strings.EqualFold(strings.TrimSuffix(n, "."), host) }) {
		return true
	}
	ips, err := s.resolve(ctx, host)
	if err != nil {
		return false
	}
	own := s.addresses(ctx, listenHost)
	for _, ip := range ips {
		if slices.ContainsFunc(own, ip.Equal) {
			return true
		}
	}
	return false
}

// addresses are the IPs the server listens on.
func (s *Self) addresses(ctx context.Context, listenHost string) []net.IP {
	ip := net.ParseIP(listenHost)
	if listenHost == "" || (ip != nil && ip.IsUnspecified()) {
		list := s.InterfaceAddrs
		if list == nil {
			list = net.InterfaceAddrs
		}
		addrs, _ := list()
		out := []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok {
				out = append(out, n.IP)
			}
		}
		return out
	}
	if ip != nil {
		return []net.IP{ip}
	}
	ips, _ := s.resolve(ctx, listenHost)
	return ips
}

func (s *Self) resolve(ctx context.Context, host string) ([]net.IP, error) {
	if ip := net.ParseIP(host); ip != nil {
		return []net.IP{ip}, nil
	}
	lookup := s.LookupIP
	if lookup == nil {
		lookup = func(ctx context.Context, host string) ([]net.IP, error) {
			return net.DefaultResolver.LookupIP(ctx, "ip", host)
		}
	}
	return lookup(ctx, host)
}

// port is u's port, or its scheme's default.
func port(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if u.Scheme == "http" {
		return "80"
	}
	return "443"
}
