package network

import (
	"errors"
	"slices"
	"testing"

	"github.com/danielgtaylor/huma/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

func locations(errs []error) []string {
	var out []string
	for _, e := range errs {
		var d *huma.ErrorDetail
		if errors.As(e, &d) {
			out = append(out, d.Location)
		}
	}
	return out
}

func TestPortRef(t *testing.T) {
	tests := []struct {
		in      string
		want    intstr.IntOrString
		invalid bool
	}{
		{in: "8080", want: intstr.FromInt32(8080)},
		{in: "http", want: intstr.FromString("http")},
		{in: "0", invalid: true},
		{in: "65536", invalid: true},
		{in: "not a name", invalid: true},
		{in: "", invalid: true},
	}
	for _, tt := range tests {
		got, errs := portRef("body.port", tt.in)
		if tt.invalid != (len(errs) > 0) {
			t.Errorf("portRef(%q): errors %v, want invalid=%v", tt.in, errs, tt.invalid)
		}
		if !tt.invalid && got != tt.want {
			t.Errorf("portRef(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestSetServiceSpecKeepsClusterIP(t *testing.T) {
	svc := &corev1.Service{Spec: corev1.ServiceSpec{ClusterIP: "10.0.0.7", ClusterIPs: []string{"10.0.0.7", "fd00::7"}}}
	if errs := setServiceSpec(svc, ServiceSpecBody{Type: "NodePort", Ports: []ServicePort{{Port: 80, TargetPort: "web"}}}); len(errs) > 0 {
		t.Fatal(errs)
	}
	if svc.Spec.ClusterIP != "10.0.0.7" || len(svc.Spec.ClusterIPs) != 2 {
		t.Errorf("cluster IPs changed: %v", svc.Spec.ClusterIPs)
	}
	if p := svc.Spec.Ports[0]; p.Protocol != corev1.ProtocolTCP || p.TargetPort != intstr.FromString("web") {
		t.Errorf("port: %+v", p)
	}
	headless := &corev1.Service{}
	setServiceSpec(headless, ServiceSpecBody{ClusterIP: "None"})
	if headless.Spec.ClusterIP != corev1.ClusterIPNone || headless.Spec.Type != corev1.ServiceTypeClusterIP {
		t.Errorf("headless: %+v", headless.Spec)
	}
}

func TestSetIngressSpec(t *testing.T) {
	tests := []struct {
		name string
		body IngressSpecBody
		locs []string
	}{
		{name: "valid", body: IngressSpecBody{ClassName: "nginx", Rules: []IngressRule{{Host: "*.example.com", Paths: []IngressPath{{Service: "web", Port: "http"}}}}}},
		{name: "bad wildcard", body: IngressSpecBody{Rules: []IngressRule{{Host: "*", Paths: []IngressPath{{Service: "web", Port: "80"}}}}}, locs: []string{"body.rules[0].host"}},
		{name: "second path", body: IngressSpecBody{Rules: []IngressRule{{Paths: []IngressPath{{Service: "web", Port: "80"}, {Path: "x", Service: "web", Port: "80"}}}}},
			locs: []string{"body.rules[0].paths[1].path"}},
		{name: "TLS host", body: IngressSpecBody{TLS: []IngressTLS{{Hosts: []string{"ok.example.com", "Bad Host"}}}}, locs: []string{"body.tls[0].hosts[1]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ing := &networkingv1.Ingress{}
			if got := locations(setIngressSpec(ing, tt.body)); !slices.Equal(got, tt.locs) {
				t.Errorf("locations %v, want %v", got, tt.locs)
			}
		})
	}
	ing := &networkingv1.Ingress{}
	setIngressSpec(ing, tests[0].body)
	p := ing.Spec.Rules[0].HTTP.Paths[0]
	if p.Path != "/" || *p.PathType != networkingv1.PathTypePrefix || p.Backend.Service.Port.Name != "http" || *ing.Spec.IngressClassName != "nginx" {
		t.Errorf("ingress spec: %+v", ing.Spec)
	}
}
