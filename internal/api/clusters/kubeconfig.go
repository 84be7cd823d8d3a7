package clusters

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

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
	ExpiresIn string `query:"expiresIn" maxLength:"32" doc:"Lifetime of the kubeconfig's token, such as 720h; absent means until revoked"`
	base      string
}

// Resolve captures the address the caller reached Wheelhouse at, which the
// kubeconfig's server is.
func (in *KubeconfigInput) Resolve(ctx huma.Context) []error {
	scheme := "http"
	if ctx.TLS() != nil {
		scheme = "https"
	}
	in.base = scheme + "://" + ctx.Host()
	return nil
}

// KubeconfigOutput is a kubeconfig document, with its token, which no
// cache may keep.
type KubeconfigOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	CacheControl       string `header:"Cache-Control"`
	Location           string `header:"Location" doc:"The kubeconfig's API token, to revoke with DELETE"`
	Body               []byte
}

func registerKubeconfig(api huma.API, d Deps) {
	op := operation.New(http.MethodPost, "/api/v1/clusters/{cluster}/kubeconfig", "create-cluster-kubeconfig",
		"A kubeconfig that reaches the cluster through Wheelhouse, with a token of its own", tags,
		auth.Permission{Verb: auth.VerbGet, Resource: auth.ResourceKubernetes})
	op.Description = "Its server is this Wheelhouse's /k8s/clusters/{cluster} pass-through and its credential a new API token of " +
		"the caller, made for this kubeconfig alone and named after the cluster and the time (\"kubeconfig for prod, " +
		"2026-01-02T15:04:05Z\"): it shows in GET /api/v1/tokens, and DELETE /api/v1/tokens/{id} (the Location header) " +
		"revokes this kubeconfig without touching the caller's session or other kubeconfigs. kubectl then works as the " +
		"caller, with their Wheelhouse permissions; the cluster's own credentials never leave the server. " +
		"The response is not to be cached (Cache-Control: no-store)."
	op.DefaultStatus = http.StatusCreated
	op.Errors = append(op.Errors, http.StatusNotFound)
	op.Responses = map[string]*huma.Response{"201": {
		Description: "A kubeconfig",
		Content:     map[string]*huma.MediaType{"application/yaml": {}},
	}}
	huma.Register(api, op, func(ctx context.Context, in *KubeconfigInput) (*KubeconfigOutput, error) {
		if _, err := d.Service.Get(ctx, in.Cluster); err != nil {
			return nil, clusterErr(in.Cluster, err)
		}
		var lifetime time.Duration
		if in.ExpiresIn != "" {
			var err error
			if lifetime, err = time.ParseDuration(in.ExpiresIn); err != nil || lifetime < time.Minute {
				return nil, huma.Error422UnprocessableEntity("invalid expiresIn",
					&huma.ErrorDetail{Location: "query.expiresIn", Message: "must be a duration of at least 1m, such as 720h", Value: in.ExpiresIn})
			}
		}
		p := auth.PrincipalFrom(ctx)
		name := fmt.Sprintf("kubeconfig for %s, %s", in.Cluster, time.Now().UTC().Format(time.RFC3339))
		token, t, err := d.Auth.CreateAPIToken(ctx, p.UserID, name, lifetime)
		if err != nil {
			return nil, fmt.Errorf("create the kubeconfig's token: %w", err)
		}
		user := p.Username + "@wheelhouse"
		cfg := clientcmdapi.NewConfig()
		cfg.Clusters[in.Cluster] = &clientcmdapi.Cluster{Server: in.base + "/k8s/clusters/" + in.Cluster}
		if strings.HasPrefix(in.base, "https:") {
			cfg.Clusters[in.Cluster].CertificateAuthorityData = d.CAPEM
		}
		cfg.AuthInfos[user] = &clientcmdapi.AuthInfo{Token: token}
		cfg.Contexts[in.Cluster] = &clientcmdapi.Context{Cluster: in.Cluster, AuthInfo: user}
		cfg.CurrentContext = in.Cluster
		raw, err := clientcmd.Write(*cfg)
		if err != nil {
			return nil, fmt.Errorf("write kubeconfig: %w", err)
		}
		return &KubeconfigOutput{
			ContentType:        "application/yaml",
			ContentDisposition: fmt.Sprintf(`attachment; filename="%s.kubeconfig"`, in.Cluster),
			CacheControl:       "no-store",
			Location:           "/api/v1/tokens/" + strconv.FormatUint(t.ID, 10),
			Body:               raw,
		}, nil
	})
}
