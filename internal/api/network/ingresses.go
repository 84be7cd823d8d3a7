package network

import (
	"context"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/client-go/kubernetes"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
)

var ingressTags = []string{"Ingresses"}

// IngressPath routes one path of a host to a Service port.
type IngressPath struct {
	Path     string `json:"path,omitempty" default:"/" doc:"Starts with /"`
	PathType string `json:"pathType,omitempty" enum:"Prefix,Exact,ImplementationSpecific" default:"Prefix"`
	Service  string `json:"service" doc:"Backend Service name"`
	Port     string `json:"port" doc:"Backend Service port number or name"`
}

// IngressRule routes the paths of one host (every host when empty).
type IngressRule struct {
	Host  string        `json:"host,omitempty" doc:"A DNS name, optionally starting with *."`
	Paths []IngressPath `json:"paths" minItems:"1"`
}

// IngressTLS terminates TLS for hosts with the certificate in a Secret.
type IngressTLS struct {
	Hosts      []string `json:"hosts,omitempty"`
	SecretName string   `json:"secretName,omitempty" doc:"A kubernetes.io/tls Secret of the namespace"`
}

// IngressSpecBody is what an Ingress routes; an update replaces all of it.
type IngressSpecBody struct {
	ClassName string        `json:"className,omitempty" doc:"IngressClass; empty for the cluster's default"`
	Rules     []IngressRule `json:"rules,omitempty"`
	TLS       []IngressTLS  `json:"tls,omitempty"`
}

// IngressView is an Ingress as the API shows it.
type IngressView struct {
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
	IngressSpecBody
	Addresses       []string          `json:"addresses,omitempty" doc:"Load balancer addresses the controller reports"`
	Labels          map[string]string `json:"labels,omitempty"`
	ResourceVersion string            `json:"resourceVersion" doc:"Send back with an update"`
	CreatedAt       time.Time         `json:"createdAt"`
}

// CreateIngressInput creates an Ingress.
type CreateIngressInput struct {
	operation.NamespaceParam
	Body struct {
		operation.NewObject
		IngressSpecBody
	}
}

// UpdateIngressInput replaces what an Ingress routes.
type UpdateIngressInput struct {
	operation.NamespacedObjectInput
	Body struct {
		ResourceVersion string `json:"resourceVersion" minLength:"1" doc:"The resourceVersion read; a stale one is a 409"`
		IngressSpecBody
	}
}

// ingresses are the Ingress endpoints.
var ingresses = operation.TypedKind[*networkingv1.Ingress, IngressView]{Kind: "ingresses", Singular: "ingress",
	Namespaced: true, Tags: ingressTags, Resource: ResourceIngresses, View: ingressView,
	Client: func(k kubernetes.Interface, ns string) operation.TypedClient[*networkingv1.Ingress] {
		return k.NetworkingV1().Ingresses(ns)
	}}

func registerIngresses(api huma.API, d Deps) {
	ingresses.RegisterList(api, &d.Kit, "List the Ingresses of a namespace")
	ingresses.RegisterGet(api, &d.Kit, "Get an Ingress")

	huma.Register(api, ingresses.CreateOp("Create an Ingress"),
		func(ctx context.Context, in *CreateIngressInput) (*operation.ObjectOutput[IngressView], error) {
			b := in.Body
			ing := &networkingv1.Ingress{ObjectMeta: b.Meta(in.Namespace)}
			return ingresses.Create(ctx, &d.Kit, in.Cluster, ing, append(b.Check(), setIngressSpec(ing, b.IngressSpecBody)...))
		})

	huma.Register(api, ingresses.ReplaceOp("Replace what an Ingress routes (class, rules, TLS); a stale resourceVersion is a 409"),
		func(ctx context.Context, in *UpdateIngressInput) (*operation.ObjectOutput[IngressView], error) {
			if details := setIngressSpec(&networkingv1.Ingress{}, in.Body.IngressSpecBody); len(details) > 0 {
				return nil, operation.ValidationFailed(details)
			}
			return ingresses.Replace(ctx, &d.Kit, in.Cluster, in.Namespace, in.Name, in.Body.ResourceVersion, func(ing *networkingv1.Ingress) error {
				setIngressSpec(ing, in.Body.IngressSpecBody)
				return nil
			})
		})

	ingresses.RegisterDelete(api, &d.Kit, "Delete an Ingress")
}

// validHost checks an Ingress host: a DNS subdomain, or one with a leading
// wildcard label.
func validHost(loc, host string) []error {
	if strings.HasPrefix(host, "*.") {
		return operation.Invalid(loc, host, validation.IsWildcardDNS1123Subdomain(host))
	}
	return operation.Invalid(loc, host, validation.IsDNS1123Subdomain(host))
}

// setIngressSpec checks b and writes it over ing's spec.
func setIngressSpec(ing *networkingv1.Ingress, b IngressSpecBody) []error {
	var details []error
	spec := networkingv1.IngressSpec{}
	if b.ClassName != "" {
		details = append(details, operation.Invalid("body.className", b.ClassName, validation.IsDNS1123Subdomain(b.ClassName))...)
		spec.IngressClassName = &b.ClassName
	}
	for i, r := range b.Rules {
		rloc := idx("body.rules", i)
		if r.Host != "" {
			details = append(details, validHost(rloc+".host", r.Host)...)
		}
		rule := networkingv1.IngressRule{Host: r.Host, IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{}}}
		for j, p := range r.Paths {
			ploc := idx(rloc+".paths", j)
			if p.Path == "" {
				p.Path = "/"
			}
			if p.PathType == "" {
				p.PathType = string(networkingv1.PathTypePrefix)
			}
			if !strings.HasPrefix(p.Path, "/") {
				details = append(details, &huma.ErrorDetail{Location: ploc + ".path", Message: "must start with /", Value: p.Path})
			}
			details = append(details, operation.Invalid(ploc+".service", p.Service, validation.IsDNS1035Label(p.Service))...)
			backend := networkingv1.IngressServiceBackend{Name: p.Service}
			port, errs := portRef(ploc+".port", p.Port)
			details = append(details, errs...)
			if port.IntVal != 0 {
				backend.Port.Number = port.IntVal
			} else {
				backend.Port.Name = port.StrVal
			}
			pt := networkingv1.PathType(p.PathType)
			rule.HTTP.Paths = append(rule.HTTP.Paths, networkingv1.HTTPIngressPath{Path: p.Path, PathType: &pt,
				Backend: networkingv1.IngressBackend{Service: &backend}})
		}
		spec.Rules = append(spec.Rules, rule)
	}
	for i, t := range b.TLS {
		for j, h := range t.Hosts {
			details = append(details, validHost(idx(idx("body.tls", i)+".hosts", j), h)...)
		}
		if t.SecretName != "" {
			details = append(details, operation.Invalid(idx("body.tls", i)+".secretName", t.SecretName, validation.IsDNS1123Subdomain(t.SecretName))...)
		}
		spec.TLS = append(spec.TLS, networkingv1.IngressTLS{Hosts: t.Hosts, SecretName: t.SecretName})
	}
	ing.Spec = spec
	return details
}

func ingressView(ing *networkingv1.Ingress) IngressView {
	v := IngressView{Name: ing.Name, Namespace: ing.Namespace, Labels: ing.Labels, ResourceVersion: ing.ResourceVersion,
		CreatedAt: ing.CreationTimestamp.Time}
	if ing.Spec.IngressClassName != nil {
		v.ClassName = *ing.Spec.IngressClassName
	}
	for _, r := range ing.Spec.Rules {
		rule := IngressRule{Host: r.Host, Paths: []IngressPath{}}
		if r.HTTP != nil {
			for _, p := range r.HTTP.Paths {
				ip := IngressPath{Path: p.Path}
				if p.PathType != nil {
					ip.PathType = string(*p.PathType)
				}
				if s := p.Backend.Service; s != nil {
					ip.Service = s.Name
					ip.Port = s.Port.Name
					if s.Port.Number != 0 {
						ip.Port = itoa(int(s.Port.Number))
					}
				}
				rule.Paths = append(rule.Paths, ip)
			}
		}
		v.Rules = append(v.Rules, rule)
	}
	for _, t := range ing.Spec.TLS {
		v.TLS = append(v.TLS, IngressTLS{Hosts: t.Hosts, SecretName: t.SecretName})
	}
	for _, lb := range ing.Status.LoadBalancer.Ingress {
		if lb.IP != "" {
			v.Addresses = append(v.Addresses, lb.IP)
		} else if lb.Hostname != "" {
			v.Addresses = append(v.Addresses, lb.Hostname)
		}
	}
	return v
}
