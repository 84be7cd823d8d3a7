package helm

import (
	"fmt"
	"sync"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// clusterClients are the discovery client and REST mapper of one cluster,
// built once from its *rest.Config and shared by every operation on it.
type clusterClients struct {
	config *rest.Config

	once      sync.Once
	err       error
	discovery discovery.CachedDiscoveryInterface
	mapper    meta.RESTMapper
}

func (c *clusterClients) init() error {
	c.once.Do(func() {
		dc, err := discovery.NewDiscoveryClientForConfig(c.config)
		if err != nil {
			c.err = fmt.Errorf("discovery client: %w", err)
			return
		}
		c.discovery = memory.NewMemCacheClient(dc)
		mapper := restmapper.NewDeferredDiscoveryRESTMapper(c.discovery)
		c.mapper = restmapper.NewShortcutExpander(mapper, c.discovery, nil)
	})
	return c.err
}

// getter is Helm's RESTClientGetter for one cluster and one namespace,
// built from the cluster's *rest.Config instead of a kubeconfig file: Helm
// never reads files or runs credential plugins for a member cluster.
type getter struct {
	clients   *clusterClients
	namespace string
}

func (g *getter) ToRESTConfig() (*rest.Config, error) {
	return rest.CopyConfig(g.clients.config), nil
}

func (g *getter) ToDiscoveryClient() (discovery.CachedDiscoveryInterface, error) {
	if err := g.clients.init(); err != nil {
		return nil, err
	}
	return g.clients.discovery, nil
}

func (g *getter) ToRESTMapper() (meta.RESTMapper, error) {
	if err := g.clients.init(); err != nil {
		return nil, err
	}
	return g.clients.mapper, nil
}

func (g *getter) ToRawKubeConfigLoader() clientcmd.ClientConfig {
	return &clientConfig{g: g}
}

// clientConfig answers the few questions Helm's kube client asks of a
// kubeconfig loader (the client configuration and the namespace) from the
// getter; there is no kubeconfig behind it.
type clientConfig struct{ g *getter }

func (c *clientConfig) RawConfig() (clientcmdapi.Config, error) {
	return clientcmdapi.Config{}, nil
}

func (c *clientConfig) ClientConfig() (*rest.Config, error) { return c.g.ToRESTConfig() }

func (c *clientConfig) Namespace() (string, bool, error) {
	if c.g.namespace == "" {
		return "default", false, nil
	}
	return c.g.namespace, true, nil
}

func (c *clientConfig) ConfigAccess() clientcmd.ConfigAccess { return noConfigAccess{} }

// noConfigAccess is a ConfigAccess without files.
type noConfigAccess struct{}

func (noConfigAccess) GetLoadingPrecedence() []string { return nil }

func (noConfigAccess) GetStartingConfig() (*clientcmdapi.Config, error) {
	return clientcmdapi.NewConfig(), nil
}

func (noConfigAccess) GetDefaultFilename() string { return "" }
func (noConfigAccess) IsExplicitFile() bool       { return false }
func (noConfigAccess) GetExplicitFile() string    { return "" }
