// Package v1alpha1 holds the custom resources of the devops.wheelhouse.dev
// API group: the pipelines of a project, in the shape of Rancher 2.x's.
//
// They live in the management cluster, one namespace per project:
// SourceCodeProviderConfig (a git forge and its OAuth application),
// SourceCodeCredential (a user's token for a forge), SourceCodeRepository
// (a repository a pipeline builds), PipelineSetting (the project's executor
// quota and defaults), Pipeline (a repository, its branches and triggers)
// and PipelineExecution (one run, with the pipeline file it resolved to and
// the state of each stage and step). Secrets are never stored here: they are
// named by their id in Wheelhouse's credential store.
//
// The CRD manifests in config/crd are generated from these types with
// controller-gen (hack/gen-crds.sh); the OpenAPI schema, defaults and CEL
// cross-field rules come from the kubebuilder markers below.
//
// +kubebuilder:object:generate=true
// +groupName=devops.wheelhouse.dev
package v1alpha1
