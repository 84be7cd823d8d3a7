package clusters

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
)

// KubeconfigInput asks for a kubeconfig that reaches a cluster through
// Wheelhouse.
type KubeconfigInput struct {
	operation.ClusterParam
	base  string
	token string
}

// Resolve captures the address the caller reached Wheelhouse at and the
// token it used, which the kubeconfig carries.
func (in *KubeconfigInput) Resolve(ctx huma.Context) []error {
	scheme := "http"
	if ctx.TLS() != nil {
		scheme = "https"
	}
	in.base = scheme + "://" + ctx.Host()
	_, in.token, _ = strings.Cut(ctx.Header("Authorization"), " ")
	return nil
}

// KubeconfigOutput is a kubeconfig document.
type KubeconfigOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	Body               []byte
}

func registerKubeconfig(api huma.API, d Deps) {
	op := operation.New(http.MethodGet, "/api/v1/clusters/{cluster}/kubeconfig", "get-cluster-kubeconfig",
		"A kubeconfig that reaches the cluster through Wheelhouse", tags,
		auth.Permission{Verb: auth.VerbGet, Resource: auth.ResourceKubernetes})
	op.Description = "Its server is this Wheelhouse's /k8s/clusters/{cluster} pass-through and its credential is the token " +
		"this request was made with (create an API token first for a kubeconfig that outlives your session). " +
		"kubectl then works as you, with your Wheelhouse permissions; the cluster's own credentials never leave the server."
	op.Errors = append(op.Errors, http.StatusNotFound)
	op.Responses = map[string]*huma.Response{"200": {
		Description: "A kubeconfig",
		Content:     map[string]*huma.MediaType{"application/yaml": {}},
	}}
	huma.Register(api, op, func(ctx context.Context, in *KubeconfigInput) (*KubeconfigOutput, error) {
		if _, err := d.Service.Get(ctx, in.Cluster); err != nil {
			return nil, clusterErr(in.Cluster, err)
		}
		user := auth.PrincipalFrom(ctx).Username + "@wheelhouse"
		cfg := clientcmdapi.NewConfig()
		cfg.Clusters[in.Cluster] = &clientcmdapi.Cluster{Server: in.base + "/k8s/clusters/" + in.Cluster}
		if strings.HasPrefix(in.base, "https:") {
			cfg.Clusters[in.Cluster].CertificateAuthorityData = d.CAPEM
		}
		cfg.AuthInfos[user] = &clientcmdapi.AuthInfo{Token: in.token}
		cfg.Contexts[in.Cluster] = &clientcmdapi.Context{Cluster: in.Cluster, AuthInfo: user}
		cfg.CurrentContext = in.Cluster
		raw, err := clientcmd.Write(*cfg)
		if err != nil {
			return nil, fmt.Errorf("write kubeconfig: %w", err)
		}
		return &KubeconfigOutput{
			ContentType:        "application/yaml",
			ContentDisposition: fmt.Sprintf(`attachment; filename="%s.kubeconfig"`, in.Cluster),
			Body:               raw,
		}, nil
	})
}
