package network

import (
	"context"
	"net"
	"time"

	"github.com/danielgtaylor/huma/v2"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/client-go/kubernetes"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
)

var serviceTags = []string{"Services"}

// ServicePort is one port of a Service.
type ServicePort struct {
	Name       string `json:"name,omitempty" maxLength:"63" doc:"Required when the Service has more than one port"`
	Protocol   string `json:"protocol,omitempty" enum:"TCP,UDP,SCTP" default:"TCP"`
	Port       int    `json:"port" minimum:"1" maximum:"65535"`
	TargetPort string `json:"targetPort,omitempty" doc:"Container port number or name; defaults to port"`
	NodePort   int    `json:"nodePort,omitempty" minimum:"0" maximum:"65535" doc:"For NodePort and LoadBalancer Services; 0 lets the cluster choose"`
}

// ServiceSpecBody is what a Service does; an update replaces all of it.
type ServiceSpecBody struct {
	Type         string            `json:"type,omitempty" enum:"ClusterIP,NodePort,LoadBalancer,ExternalName" default:"ClusterIP"`
	Selector     map[string]string `json:"selector,omitempty" doc:"Labels of the pods traffic goes to"`
	Ports        []ServicePort     `json:"ports,omitempty"`
	ClusterIP    string            `json:"clusterIP,omitempty" doc:"None for a headless Service; empty lets the cluster choose. Cannot change once set"`
	ExternalName string            `json:"externalName,omitempty" doc:"DNS name an ExternalName Service aliases"`
}

// ServiceView is a Service as the API shows it.
type ServiceView struct {
	Name            string            `json:"name"`
	Namespace       string            `json:"namespace"`
	Type            string            `json:"type"`
	ClusterIP       string            `json:"clusterIP,omitempty"`
	ExternalName    string            `json:"externalName,omitempty"`
	Selector        map[string]string `json:"selector,omitempty"`
	Ports           []ServicePort     `json:"ports" nullable:"false"`
	LoadBalancer    []string          `json:"loadBalancer,omitempty" doc:"Addresses of the load balancer"`
	Labels          map[string]string `json:"labels,omitempty"`
	ResourceVersion string            `json:"resourceVersion" doc:"Send back with an update"`
	CreatedAt       time.Time         `json:"createdAt"`
}

// ServicePod is a pod a Service's selector picks.
type ServicePod struct {
	Name  string `json:"name"`
	Phase string `json:"phase"`
	Ready bool   `json:"ready"`
	IP    string `json:"ip,omitempty"`
	Node  string `json:"node,omitempty"`
}

// ServiceEndpoint is one endpoint of an EndpointSlice.
type ServiceEndpoint struct {
	Addresses   []string `json:"addresses"`
	Ready       bool     `json:"ready"`
	Serving     bool     `json:"serving"`
	Terminating bool     `json:"terminating"`
	Pod         string   `json:"pod,omitempty"`
	Node        string   `json:"node,omitempty"`
}

// ServiceEndpointSlice is one EndpointSlice of a Service.
type ServiceEndpointSlice struct {
	Name        string            `json:"name"`
	AddressType string            `json:"addressType"`
	Ports       []ServicePort     `json:"ports" nullable:"false"`
	Endpoints   []ServiceEndpoint `json:"endpoints" nullable:"false"`
}

// ServiceDetail is a Service with the pods and endpoints behind it.
type ServiceDetail struct {
	ServiceView
	Pods           []ServicePod           `json:"pods" nullable:"false" doc:"Pods the selector picks, from the cache"`
	EndpointSlices []ServiceEndpointSlice `json:"endpointSlices" nullable:"false" doc:"EndpointSlices of the Service, read live"`
}

// ServiceDetailOutput is one Service with its pods and endpoints.
type ServiceDetailOutput struct {
	Body ServiceDetail
}

// CreateServiceInput creates a Service.
type CreateServiceInput struct {
	operation.NamespaceParam
	Body struct {
		Name   string            `json:"name" maxLength:"63" doc:"A DNS label starting with a letter"`
		Labels map[string]string `json:"labels,omitempty"`
		ServiceSpecBody
	}
}

// UpdateServiceInput replaces what a Service does.
type UpdateServiceInput struct {
	operation.NamespacedObjectInput
	Body struct {
		ResourceVersion string `json:"resourceVersion" minLength:"1" doc:"The resourceVersion read; a stale one is a 409"`
		ServiceSpecBody
	}
}

// services are the Service endpoints.
var services = operation.TypedKind[*corev1.Service, ServiceView]{Kind: "services", Singular: "service",
	Namespaced: true, Tags: serviceTags, Resource: ResourceServices, View: serviceView,
	Client: func(k kubernetes.Interface, ns string) operation.TypedClient[*corev1.Service] {
		return k.CoreV1().Services(ns)
	}}

func registerServices(api huma.API, d Deps) {
	services.RegisterList(api, &d.Kit, "List the Services of a namespace")

	get := services.GetOp("Get a Service with the pods its selector picks and its EndpointSlices")
	huma.Register(api, get, func(ctx context.Context, in *operation.NamespacedObjectInput) (*ServiceDetailOutput, error) {
		svc, c, err := operation.GetCached[*corev1.Service](&d.Kit, in.Cluster, "services", in.Namespace, in.Name)
		if err != nil {
			return nil, err
		}
		out := &ServiceDetailOutput{Body: ServiceDetail{ServiceView: serviceView(svc), Pods: []ServicePod{}, EndpointSlices: []ServiceEndpointSlice{}}}
		if len(svc.Spec.Selector) > 0 {
			if out.Body.Pods, err = selectedPods(c, svc); err != nil {
				return nil, operation.ClusterError(err)
			}
		}
		slices, err := c.Kube.DiscoveryV1().EndpointSlices(in.Namespace).List(ctx,
			metav1.ListOptions{LabelSelector: discoveryv1.LabelServiceName + "=" + in.Name})
		if err != nil {
			return nil, operation.ClusterError(err)
		}
		for i := range slices.Items {
			out.Body.EndpointSlices = append(out.Body.EndpointSlices, endpointSliceView(&slices.Items[i]))
		}
		return out, nil
	})

	huma.Register(api, services.CreateOp("Create a Service"),
		func(ctx context.Context, in *CreateServiceInput) (*operation.ObjectOutput[ServiceView], error) {
			b := in.Body
			svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: b.Name, Namespace: in.Namespace, Labels: b.Labels}}
			details := operation.Invalid("body.name", b.Name, validation.IsDNS1035Label(b.Name))
			details = append(details, operation.ValidateLabels("body.labels", b.Labels)...)
			details = append(details, setServiceSpec(svc, b.ServiceSpecBody)...)
			return services.Create(ctx, &d.Kit, in.Cluster, svc, details)
		})

	huma.Register(api, services.ReplaceOp("Replace what a Service does (type, selector, ports); a stale resourceVersion is a 409"),
		func(ctx context.Context, in *UpdateServiceInput) (*operation.ObjectOutput[ServiceView], error) {
			if details := setServiceSpec(&corev1.Service{}, in.Body.ServiceSpecBody); len(details) > 0 {
				return nil, operation.ValidationFailed(details)
			}
			return services.Replace(ctx, &d.Kit, in.Cluster, in.Namespace, in.Name, in.Body.ResourceVersion, func(svc *corev1.Service) error {
				setServiceSpec(svc, in.Body.ServiceSpecBody)
				return nil
			})
		})

	services.RegisterDelete(api, &d.Kit, "Delete a Service")
}

// setServiceSpec checks b and writes it over svc's spec. The cluster IP
// is kept when b leaves it empty; the API server refuses to change it.
func setServiceSpec(svc *corev1.Service, b ServiceSpecBody) []error {
	var details []error
	details = append(details, operation.ValidateLabels("body.selector", b.Selector)...)
	switch b.ClusterIP {
	case "", corev1.ClusterIPNone:
	default:
		if net.ParseIP(b.ClusterIP) == nil {
			details = append(details, &huma.ErrorDetail{Location: "body.clusterIP", Message: "must be None or an IP address", Value: b.ClusterIP})
		}
	}
	if b.ExternalName != "" {
		details = append(details, operation.Invalid("body.externalName", b.ExternalName, validation.IsDNS1123Subdomain(b.ExternalName))...)
	} else if b.Type == string(corev1.ServiceTypeExternalName) {
		details = append(details, &huma.ErrorDetail{Location: "body.externalName", Message: "required for an ExternalName Service"})
	}
	ports := make([]corev1.ServicePort, 0, len(b.Ports))
	for i, p := range b.Ports {
		sp := corev1.ServicePort{Name: p.Name, Protocol: corev1.Protocol(p.Protocol), Port: int32(p.Port), NodePort: int32(p.NodePort)}
		if sp.Protocol == "" {
			sp.Protocol = corev1.ProtocolTCP
		}
		if p.Name != "" {
			details = append(details, operation.Invalid(idx("body.ports", i)+".name", p.Name, validation.IsValidPortName(p.Name))...)
		}
		if p.TargetPort != "" {
			tp, errs := portRef(idx("body.ports", i)+".targetPort", p.TargetPort)
			details = append(details, errs...)
			sp.TargetPort = tp
		}
		ports = append(ports, sp)
	}
	svc.Spec.Type = corev1.ServiceType(b.Type)
	if svc.Spec.Type == "" {
		svc.Spec.Type = corev1.ServiceTypeClusterIP
	}
	svc.Spec.Selector = b.Selector
	svc.Spec.Ports = ports
	svc.Spec.ExternalName = b.ExternalName
	if b.ClusterIP != "" && b.ClusterIP != svc.Spec.ClusterIP {
		svc.Spec.ClusterIP = b.ClusterIP
		svc.Spec.ClusterIPs = []string{b.ClusterIP}
	}
	return details
}

// selectedPods lists the cached pods of svc's namespace its selector picks.
func selectedPods(c *multicluster.Cluster, svc *corev1.Service) ([]ServicePod, error) {
	page, err := c.List("pods", multicluster.Query{Namespace: svc.Namespace,
		LabelSelector: labels.SelectorFromSet(svc.Spec.Selector).String()})
	if err != nil {
		return nil, err
	}
	pods := make([]ServicePod, 0, len(page.Items))
	for _, o := range page.Items {
		p := o.(*corev1.Pod)
		sp := ServicePod{Name: p.Name, Phase: string(p.Status.Phase), IP: p.Status.PodIP, Node: p.Spec.NodeName}
		for _, c := range p.Status.Conditions {
			if c.Type == corev1.PodReady {
				sp.Ready = c.Status == corev1.ConditionTrue
			}
		}
		pods = append(pods, sp)
	}
	return pods, nil
}

func serviceView(svc *corev1.Service) ServiceView {
	v := ServiceView{
		Name: svc.Name, Namespace: svc.Namespace, Type: string(svc.Spec.Type), ClusterIP: svc.Spec.ClusterIP,
		ExternalName: svc.Spec.ExternalName, Selector: svc.Spec.Selector, Ports: make([]ServicePort, 0, len(svc.Spec.Ports)),
		Labels: svc.Labels, ResourceVersion: svc.ResourceVersion, CreatedAt: svc.CreationTimestamp.Time,
	}
	for _, p := range svc.Spec.Ports {
		v.Ports = append(v.Ports, ServicePort{Name: p.Name, Protocol: string(p.Protocol), Port: int(p.Port),
			TargetPort: p.TargetPort.String(), NodePort: int(p.NodePort)})
	}
	for _, in := range svc.Status.LoadBalancer.Ingress {
		if in.IP != "" {
			v.LoadBalancer = append(v.LoadBalancer, in.IP)
		} else if in.Hostname != "" {
			v.LoadBalancer = append(v.LoadBalancer, in.Hostname)
		}
	}
	return v
}

func endpointSliceView(s *discoveryv1.EndpointSlice) ServiceEndpointSlice {
	v := ServiceEndpointSlice{Name: s.Name, AddressType: string(s.AddressType), Ports: []ServicePort{}, Endpoints: []ServiceEndpoint{}}
	for _, p := range s.Ports {
		sp := ServicePort{}
		if p.Name != nil {
			sp.Name = *p.Name
		}
		if p.Protocol != nil {
			sp.Protocol = string(*p.Protocol)
		}
		if p.Port != nil {
			sp.Port = int(*p.Port)
		}
		v.Ports = append(v.Ports, sp)
	}
	for _, e := range s.Endpoints {
		ev := ServiceEndpoint{Addresses: e.Addresses,
			Ready:       e.Conditions.Ready == nil || *e.Conditions.Ready,
			Serving:     e.Conditions.Serving == nil || *e.Conditions.Serving,
			Terminating: e.Conditions.Terminating != nil && *e.Conditions.Terminating}
		if e.TargetRef != nil && e.TargetRef.Kind == "Pod" {
			ev.Pod = e.TargetRef.Name
		}
		if e.NodeName != nil {
			ev.Node = *e.NodeName
		}
		v.Endpoints = append(v.Endpoints, ev)
	}
	return v
}
