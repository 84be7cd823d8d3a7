package clusters

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/clusters"
	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
	"github.com/wheelhouse-dev/wheelhouse/internal/provider"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// Deps are what the cluster endpoints need.
type Deps struct {
	Service *clusters.Service
	Manager *multicluster.Manager
	// Auth issues the API token of each kubeconfig handed out.
	Auth *auth.Service
	// CAPEM is the CA of the server's certificate when Wheelhouse made it;
	// kubeconfigs carry it so kubectl trusts the server.
	CAPEM []byte
}

// ResourceClusters is the permission resource of cluster records.
const ResourceClusters = "clusters"

var tags = []string{"Clusters"}

// CreateClusterBody is the body of POST /api/v1/clusters.
type CreateClusterBody struct {
	Name          string            `json:"name" maxLength:"63" doc:"DNS label; the cluster's name in paths"`
	DisplayName   string            `json:"displayName,omitempty" maxLength:"128"`
	Labels        map[string]string `json:"labels,omitempty"`
	Provider      string            `json:"provider,omitempty" enum:"import,sandbox" default:"import" doc:"import an existing cluster, or create a sandbox cluster on the server's machine"`
	Kubeconfig    string            `json:"kubeconfig,omitempty" maxLength:"1048576" writeOnly:"true" doc:"import: a kubeconfig naming one context; exec and auth-provider plugins and file references are refused"`
	Server        string            `json:"server,omitempty" maxLength:"512" doc:"import without a kubeconfig: the API server URL"`
	CAData        string            `json:"caData,omitempty" maxLength:"65536" doc:"import without a kubeconfig: the API server's CA bundle (PEM)"`
	Token         string            `json:"token,omitempty" maxLength:"16384" writeOnly:"true" doc:"import without a kubeconfig: a bearer token"`
	AllowInsecure bool              `json:"allowInsecure,omitempty" doc:"accept a kubeconfig that skips TLS verification or uses http"`
	Nodes         int               `json:"nodes,omitempty" minimum:"0" maximum:"5000" doc:"sandbox: simulated nodes (default 3)"`
}

// CreateClusterInput is the request of POST /api/v1/clusters.
type CreateClusterInput struct {
	Body CreateClusterBody
}

// ClusterOutput is a response carrying one cluster.
type ClusterOutput struct {
	// Status is 202 while a provider creates the cluster in the background.
	Status   int
	Location string `header:"Location"`
	Body     ClusterView
}

// ListClustersInput pages the cluster list.
type ListClustersInput struct {
	operation.ListParams
	Search string `query:"search" maxLength:"63" doc:"Substring of the name or display name"`
}

// ListClustersOutput is one page of clusters.
type ListClustersOutput struct {
	Body operation.List[ClusterView]
}

// UpdateClusterInput changes a cluster.
type UpdateClusterInput struct {
	operation.ClusterParam
	Body struct {
		DisplayName   *string           `json:"displayName,omitempty" maxLength:"128"`
		Labels        map[string]string `json:"labels,omitempty" doc:"Replaces the labels"`
		Kubeconfig    string            `json:"kubeconfig,omitempty" maxLength:"1048576" writeOnly:"true" doc:"Rotate the credentials of an imported cluster"`
		AllowInsecure bool              `json:"allowInsecure,omitempty"`
	}
}

// DeleteClusterInput names the cluster to delete.
type DeleteClusterInput struct {
	operation.ClusterParam
	Deprovision bool `query:"deprovision" doc:"Also destroy a cluster a provider created (a sandbox); imported clusters are never changed"`
}

// Register adds the cluster endpoints to api.
func Register(api huma.API, d Deps) {
	registerKubeconfig(api, d)
	perm := func(verb string) auth.Permission { return auth.Permission{Verb: verb, Resource: ResourceClusters} }

	create := operation.New(http.MethodPost, "/api/v1/clusters", "create-cluster", "Import or create a cluster", tags, perm(auth.VerbCreate))
	create.Description = "provider import (default): give a kubeconfig, or server + caData + token. The kubeconfig is " +
		"checked and the API server contacted before anything is stored; the answer is 201. provider sandbox: " +
		"the answer is 202 and the cluster is provisioned in the background; follow its phase and progress."
	create.DefaultStatus = http.StatusCreated
	create.Errors = append(create.Errors, http.StatusConflict)
	huma.Register(api, create, func(ctx context.Context, in *CreateClusterInput) (*ClusterOutput, error) {
		return createCluster(ctx, d, &in.Body)
	})

	huma.Register(api, operation.New(http.MethodGet, "/api/v1/clusters", "list-clusters", "List clusters with their phase and resources", tags, perm(auth.VerbList)),
		func(ctx context.Context, in *ListClustersInput) (*ListClustersOutput, error) {
			list, next, err := d.Service.List(ctx, store.ListOptions{Limit: in.Limit, Continue: in.Continue, Search: in.Search})
			if errors.Is(err, store.ErrInvalidContinue) {
				return nil, operation.InvalidContinue()
			}
			if err != nil {
				return nil, fmt.Errorf("list clusters: %w", err)
			}
			out := &ListClustersOutput{}
			out.Body.Items, out.Body.Continue = make([]ClusterView, 0, len(list)), next
			for i := range list {
				v, err := view(ctx, d, &list[i])
				if err != nil {
					return nil, err
				}
				v.Events = nil // a cluster's history is read one cluster at a time
				out.Body.Items = append(out.Body.Items, v)
			}
			return out, nil
		})

	get := operation.New(http.MethodGet, "/api/v1/clusters/{cluster}", "get-cluster", "Get a cluster's phase, version, resources and progress", tags, perm(auth.VerbGet))
	get.Errors = append(get.Errors, http.StatusNotFound)
	huma.Register(api, get, func(ctx context.Context, in *operation.ClusterParam) (*ClusterOutput, error) {
		c, err := d.Service.Get(ctx, in.Cluster)
		if err != nil {
			return nil, clusterErr(in.Cluster, err)
		}
		v, err := view(ctx, d, c)
		if err != nil {
			return nil, err
		}
		return &ClusterOutput{Status: http.StatusOK, Body: v}, nil
	})

	update := operation.New(http.MethodPatch, "/api/v1/clusters/{cluster}", "update-cluster", "Change a cluster's display name or labels, or rotate its credentials", tags, perm(auth.VerbUpdate))
	update.Errors = append(update.Errors, http.StatusNotFound)
	huma.Register(api, update, func(ctx context.Context, in *UpdateClusterInput) (*ClusterOutput, error) {
		req := clusters.UpdateRequest{DisplayName: in.Body.DisplayName, Labels: in.Body.Labels, AllowInsecure: in.Body.AllowInsecure}
		if in.Body.Kubeconfig != "" {
			req.Kubeconfig = []byte(in.Body.Kubeconfig)
		}
		c, err := d.Service.Update(ctx, in.Cluster, req)
		if err != nil {
			return nil, clusterErr(in.Cluster, err)
		}
		v, err := view(ctx, d, c)
		if err != nil {
			return nil, err
		}
		return &ClusterOutput{Status: http.StatusOK, Body: v}, nil
	})

	del := operation.New(http.MethodDelete, "/api/v1/clusters/{cluster}", "delete-cluster",
		"Disconnect a cluster (nothing in it changes); with deprovision=true also destroy a sandbox", tags, perm(auth.VerbDelete))
	del.DefaultStatus = http.StatusNoContent
	del.Errors = append(del.Errors, http.StatusNotFound)
	huma.Register(api, del, func(ctx context.Context, in *DeleteClusterInput) (*DeleteClusterOutput, error) {
		c, err := d.Service.Delete(ctx, in.Cluster, in.Deprovision)
		if err != nil {
			return nil, clusterErr(in.Cluster, err)
		}
		if c.State == store.ClusterDeleting {
			return &DeleteClusterOutput{Status: http.StatusAccepted}, nil
		}
		return &DeleteClusterOutput{Status: http.StatusNoContent}, nil
	})
}

// DeleteClusterOutput is 204 when the cluster is forgotten, 202 while a
// provider destroys it.
type DeleteClusterOutput struct {
	Status int
}

func createCluster(ctx context.Context, d Deps, b *CreateClusterBody) (*ClusterOutput, error) {
	user := auth.PrincipalFrom(ctx).Username
	var (
		c   *store.Cluster
		err error
	)
	switch b.Provider {
	case "", clusters.ProviderImport:
		if b.Nodes != 0 {
			return nil, fieldErr("nodes", "only the sandbox provider takes nodes")
		}
		raw, ferr := importKubeconfig(b)
		if ferr != nil {
			return nil, ferr
		}
		c, err = d.Service.Import(ctx, clusters.ImportRequest{Name: b.Name, DisplayName: b.DisplayName, Labels: b.Labels,
			Kubeconfig: raw, AllowInsecure: b.AllowInsecure, CreatedBy: user})
	default:
		if b.Kubeconfig != "" || b.Server != "" || b.Token != "" {
			return nil, fieldErr("kubeconfig", fmt.Sprintf("the %s provider makes its own credentials; give none", b.Provider))
		}
		spec := map[string]string{}
		if b.Nodes > 0 {
			spec["nodes"] = strconv.Itoa(b.Nodes)
		}
		c, err = d.Service.Create(ctx, clusters.CreateRequest{Name: b.Name, DisplayName: b.DisplayName, Labels: b.Labels,
			Provider: b.Provider, Spec: spec, CreatedBy: user})
	}
	if err != nil {
		return nil, clusterErr(b.Name, err)
	}
	if c.State == store.ClusterProvisioned {
		awaitAccessCheck(ctx, d, c.Name)
	}
	v, err := view(ctx, d, c)
	if err != nil {
		return nil, err
	}
	out := &ClusterOutput{Status: http.StatusCreated, Location: "/api/v1/clusters/" + c.Name, Body: v}
	if c.State == store.ClusterProvisioning {
		out.Status = http.StatusAccepted
	}
	return out, nil
}

// importKubeconfig returns the kubeconfig of an import request: given, or
// built from server, CA and token.
func importKubeconfig(b *CreateClusterBody) ([]byte, error) {
	switch {
	case b.Kubeconfig != "" && (b.Server != "" || b.Token != "" || b.CAData != ""):
		return nil, fieldErr("kubeconfig", "give a kubeconfig, or server, caData and token, not both")
	case b.Kubeconfig != "":
		return []byte(b.Kubeconfig), nil
	case b.Server == "":
		return nil, fieldErr("kubeconfig", "an import needs a kubeconfig, or server, caData and token")
	case b.Token == "":
		return nil, fieldErr("token", "an import by server needs a bearer token")
	}
	return provider.BuildKubeconfig(b.Server, []byte(b.CAData), b.Token)
}

func view(ctx context.Context, d Deps, c *store.Cluster) (ClusterView, error) {
	conn, _ := d.Manager.Get(c.Name)
	has, err := d.Service.HasKubeconfig(ctx, c)
	if err != nil {
		return ClusterView{}, fmt.Errorf("check credentials of %q: %w", c.Name, err)
	}
	return viewOf(c, conn, has), nil
}

func fieldErr(field, msg string) error {
	return huma.Error422UnprocessableEntity(msg, &huma.ErrorDetail{Location: "body." + field, Message: msg})
}

// clusterErr maps the service's errors to problem responses.
func clusterErr(name string, err error) error {
	var fe *provider.FieldError
	var pe *provider.ProbeError
	switch {
	case errors.As(err, &fe):
		return fieldErr(fe.Field, fe.Message)
	case errors.As(err, &pe):
		return huma.Error422UnprocessableEntity(pe.Message,
			&huma.ErrorDetail{Location: "body.kubeconfig", Message: pe.Message, Value: pe.Reason})
	case errors.Is(err, store.ErrConflict):
		return huma.Error409Conflict(fmt.Sprintf("cluster %q already exists", name))
	case errors.Is(err, store.ErrNotFound):
		return huma.Error404NotFound(fmt.Sprintf("cluster %q not found", name))
	}
	return err
}

// accessCheckWait bounds how long an import waits for its credentials'
// rights to be checked, so that the answer says whether the pass-through
// will impersonate.
const accessCheckWait = 10 * time.Second

// awaitAccessCheck waits until the new connection's credentials were
// checked, or accessCheckWait passed (the view then says "checking").
func awaitAccessCheck(ctx context.Context, d Deps, name string) {
	conn, err := d.Manager.Get(name)
	if err != nil {
		return
	}
	deadline := time.NewTimer(accessCheckWait)
	defer deadline.Stop()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for !conn.Access().Checked {
		select {
		case <-ctx.Done():
			return
		case <-deadline.C:
			return
		case <-tick.C:
		}
	}
}
