package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

var (
	// GroupVersion is the API group and version of the pipeline resources.
	GroupVersion = schema.GroupVersion{Group: "devops.wheelhouse.dev", Version: "v1alpha1"}

	// SchemeBuilder registers the types of this package with a
	// runtime.Scheme. It is apimachinery's, not controller-runtime's, so
	// that importing the API types pulls in no controller machinery.
	SchemeBuilder = runtime.NewSchemeBuilder(addKnownTypes)

	// AddToScheme adds the types of this package to a runtime.Scheme.
	AddToScheme = SchemeBuilder.AddToScheme
)

func addKnownTypes(s *runtime.Scheme) error {
	s.AddKnownTypes(GroupVersion,
		&SourceCodeProviderConfig{}, &SourceCodeProviderConfigList{},
		&SourceCodeCredential{}, &SourceCodeCredentialList{},
		&SourceCodeRepository{}, &SourceCodeRepositoryList{},
		&PipelineSetting{}, &PipelineSettingList{},
		&Pipeline{}, &PipelineList{},
		&PipelineExecution{}, &PipelineExecutionList{},
	)
	metav1.AddToGroupVersion(s, GroupVersion)
	return nil
}
