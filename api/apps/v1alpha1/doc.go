// Package v1alpha1 holds the Workload custom resource of the
// apps.wheelhouse.dev API group: one object that declares a Kubernetes
// workload (Deployment, StatefulSet, DaemonSet, Job or CronJob) together with
// the Service in front of it, and the status the Workload controller derives
// from both.
//
// The CRD manifest in config/crd is generated from these types with
// controller-gen (hack/gen-crds.sh); the OpenAPI schema, defaults and CEL
// cross-field rules come from the kubebuilder markers below.
//
// +kubebuilder:object:generate=true
// +groupName=apps.wheelhouse.dev
package v1alpha1
