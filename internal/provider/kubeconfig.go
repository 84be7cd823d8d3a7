package provider

import (
	"fmt"
	"net/url"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// Kubeconfig is an accepted kubeconfig: reduced to the one context it
// names, with nothing that runs programs or reads files.
type Kubeconfig struct {
	// Raw is the minified kubeconfig, as stored (encrypted).
	Raw []byte
	// Server is the API server URL.
	Server string
	// Rest is the client configuration it yields.
	Rest *rest.Config
}

// ParseKubeconfig checks a kubeconfig given to import a cluster. It must
// parse and name one context (its current-context, or its only context).
// Because the server acts on it with its own privileges, it may not run
// programs (exec and auth-provider plugins) or read files (every *-file
// field), and it may not turn off TLS verification unless allowInsecure.
// Errors are *FieldError on field "kubeconfig".
func ParseKubeconfig(raw []byte, allowInsecure bool) (*Kubeconfig, error) {
	bad := func(format string, a ...any) error {
		return &FieldError{Field: "kubeconfig", Message: fmt.Sprintf(format, a...)}
	}
	cfg, err := clientcmd.Load(raw)
	if err != nil {
		return nil, bad("not a valid kubeconfig: %v", err)
	}
	ctxName := cfg.CurrentContext
	if ctxName == "" {
		if len(cfg.Contexts) != 1 {
			return nil, bad("names %d contexts and no current-context: set current-context to the one to import", len(cfg.Contexts))
		}
		for n := range cfg.Contexts {
			ctxName = n
		}
	}
	// A kubeconfig in the internal form (apiVersion: __internal) is loaded
	// as written, so any entry may be null.
	kctx := cfg.Contexts[ctxName]
	if kctx == nil {
		return nil, bad("current-context %q is not among its contexts, or is null", ctxName)
	}
	cluster := cfg.Clusters[kctx.Cluster]
	if cluster == nil {
		return nil, bad("context %q refers to cluster %q, which it does not define (or defines as null)", ctxName, kctx.Cluster)
	}
	user := cfg.AuthInfos[kctx.AuthInfo]
	if user == nil {
		return nil, bad("context %q refers to user %q, which it does not define (or defines as null)", ctxName, kctx.AuthInfo)
	}

	switch {
	case cluster.CertificateAuthority != "":
		return nil, bad("cluster %q: certificate-authority reads a file, which is not allowed; inline it as certificate-authority-data", kctx.Cluster)
	case user.ClientCertificate != "":
		return nil, bad("user %q: client-certificate reads a file, which is not allowed; inline it as client-certificate-data", kctx.AuthInfo)
	case user.ClientKey != "":
		return nil, bad("user %q: client-key reads a file, which is not allowed; inline it as client-key-data", kctx.AuthInfo)
	case user.TokenFile != "":
		return nil, bad("user %q: tokenFile reads a file, which is not allowed; inline the token as token", kctx.AuthInfo)
	case user.Exec != nil:
		return nil, bad("user %q: exec plugins run programs on the Wheelhouse server, which is not allowed; use a token or client certificate", kctx.AuthInfo)
	case user.AuthProvider != nil:
		return nil, bad("user %q: auth-provider plugins are not allowed; use a token or client certificate", kctx.AuthInfo)
	case cluster.InsecureSkipTLSVerify && !allowInsecure:
		return nil, bad("cluster %q: insecure-skip-tls-verify turns off TLS verification; give certificate-authority-data, or set allowInsecure: true to accept the risk", kctx.Cluster)
	case cluster.ProxyURL != "":
		return nil, bad("cluster %q: proxy-url is not supported", kctx.Cluster)
	}
	u, err := url.Parse(cluster.Server)
	if err != nil || u.Host == "" {
		return nil, bad("cluster %q: server %q is not a URL", kctx.Cluster, cluster.Server)
	}
	if u.Scheme != "https" && !(u.Scheme == "http" && allowInsecure) {
		return nil, bad("cluster %q: server %q must use https (or set allowInsecure: true)", kctx.Cluster, cluster.Server)
	}
	if IsPassThrough(u) {
		return nil, bad("cluster %q: server %q is a Wheelhouse pass-through (%s): import the cluster it leads to with that cluster's own credentials", kctx.Cluster, cluster.Server, PassThroughPath)
	}

	minimal := clientcmdapi.NewConfig()
	minimal.Clusters["cluster"] = cluster
	minimal.AuthInfos["user"] = user
	minimal.Contexts["default"] = &clientcmdapi.Context{Cluster: "cluster", AuthInfo: "user", Namespace: kctx.Namespace}
	minimal.CurrentContext = "default"
	out, err := clientcmd.Write(*minimal)
	if err != nil {
		return nil, fmt.Errorf("write kubeconfig: %w", err)
	}
	rc, err := clientcmd.NewDefaultClientConfig(*minimal, nil).ClientConfig()
	if err != nil {
		return nil, bad("cannot build a client from it: %v", err)
	}
	return &Kubeconfig{Raw: out, Server: cluster.Server, Rest: rc}, nil
}

// BuildKubeconfig writes a kubeconfig for a server URL, its CA bundle (PEM)
// and a bearer token: the other way to import a cluster.
func BuildKubeconfig(server string, caData []byte, token string) ([]byte, error) {
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["cluster"] = &clientcmdapi.Cluster{Server: server, CertificateAuthorityData: caData}
	cfg.AuthInfos["user"] = &clientcmdapi.AuthInfo{Token: token}
	cfg.Contexts["default"] = &clientcmdapi.Context{Cluster: "cluster", AuthInfo: "user"}
	cfg.CurrentContext = "default"
	out, err := clientcmd.Write(*cfg)
	if err != nil {
		return nil, fmt.Errorf("write kubeconfig: %w", err)
	}
	return out, nil
}
