package namespaces

import (
	"math"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
)

// NamespaceView is a namespace as the API shows it.
type NamespaceView struct {
	Name              string            `json:"name"`
	UID               string            `json:"uid"`
	Phase             string            `json:"phase" enum:"Active,Terminating"`
	Labels            map[string]string `json:"labels,omitempty"`
	Annotations       map[string]string `json:"annotations,omitempty"`
	CreationTimestamp time.Time         `json:"creationTimestamp"`
	DeletionTimestamp *time.Time        `json:"deletionTimestamp,omitempty" doc:"Set once deletion has begun"`
}

// NamespaceDetail is a namespace with what it contains.
type NamespaceDetail struct {
	NamespaceView
	Counts map[string]int           `json:"counts" doc:"Objects in the namespace by kind (pods, services, configmaps, secrets, deployments, ...), from the caches"`
	Quotas []NamespaceResourceQuota `json:"quotas" nullable:"false" doc:"The namespace's ResourceQuotas with their usage"`
}

// NamespaceResourceQuota is a ResourceQuota with its usage.
type NamespaceResourceQuota struct {
	Name              string                `json:"name"`
	Namespace         string                `json:"namespace"`
	UID               string                `json:"uid"`
	CreationTimestamp time.Time             `json:"creationTimestamp"`
	Labels            map[string]string     `json:"labels,omitempty"`
	Hard              map[string]string     `json:"hard" doc:"Limits by resource name"`
	Scopes            []string              `json:"scopes,omitempty"`
	Used              map[string]string     `json:"used" doc:"Current usage by resource name, as the quota controller last counted it"`
	Usage             []NamespaceQuotaUsage `json:"usage" nullable:"false" doc:"Each limited resource, used against hard, in resource name order"`
}

// NamespaceQuotaUsage is one resource of a quota, used against hard.
type NamespaceQuotaUsage struct {
	Resource string   `json:"resource"`
	Hard     string   `json:"hard"`
	Used     string   `json:"used,omitempty" doc:"Absent until the quota controller has counted it"`
	Percent  *float64 `json:"percent,omitempty" doc:"used / hard in percent, two decimals; absent when hard is 0 or used is not counted yet"`
}

func namespaceView(ns *corev1.Namespace) NamespaceView {
	v := NamespaceView{
		Name: ns.Name, UID: string(ns.UID), Phase: string(ns.Status.Phase),
		Labels: ns.Labels, Annotations: ns.Annotations,
		CreationTimestamp: ns.CreationTimestamp.UTC(),
	}
	if v.Phase == "" {
		v.Phase = string(corev1.NamespaceActive)
	}
	if ts := ns.DeletionTimestamp; ts != nil {
		t := ts.UTC()
		v.DeletionTimestamp = &t
	}
	return v
}

// countKinds are the cached kinds a namespace's counts cover. Events are
// left out: they come and go by themselves.
func countKinds() []string {
	var out []string
	for _, k := range multicluster.Kinds {
		if k.Namespaced && k.Name != "events" {
			out = append(out, k.Name)
		}
	}
	return out
}

// contents counts, from the caches, the objects of each kind in ns.
func contents(c *multicluster.Cluster, ns string) (map[string]int, error) {
	out := map[string]int{}
	for _, kind := range countKinds() {
		page, err := c.List(kind, multicluster.Query{Namespace: ns, Limit: 1})
		if err != nil {
			return nil, err
		}
		out[kind] = page.Total
	}
	return out, nil
}

func quotaView(q *corev1.ResourceQuota) NamespaceResourceQuota {
	v := NamespaceResourceQuota{
		Name: q.Name, Namespace: q.Namespace, UID: string(q.UID), CreationTimestamp: q.CreationTimestamp.UTC(),
		Labels: q.Labels, Hard: quantities(q.Spec.Hard), Used: quantities(q.Status.Used),
		Usage: make([]NamespaceQuotaUsage, 0, len(q.Spec.Hard)),
	}
	for _, s := range q.Spec.Scopes {
		v.Scopes = append(v.Scopes, string(s))
	}
	names := make([]string, 0, len(q.Spec.Hard))
	for r := range q.Spec.Hard {
		names = append(names, string(r))
	}
	slices.Sort(names)
	for _, r := range names {
		hard := q.Spec.Hard[corev1.ResourceName(r)]
		u := NamespaceQuotaUsage{Resource: r, Hard: hard.String()}
		if used, ok := q.Status.Used[corev1.ResourceName(r)]; ok {
			u.Used = used.String()
			u.Percent = percent(used, hard)
		}
		v.Usage = append(v.Usage, u)
	}
	return v
}

func percent(used, hard resource.Quantity) *float64 {
	h := hard.AsApproximateFloat64()
	if h <= 0 {
		return nil
	}
	p := math.Round(used.AsApproximateFloat64()/h*10000) / 100
	return &p
}

func quantities(l corev1.ResourceList) map[string]string {
	out := make(map[string]string, len(l))
	for k, q := range l {
		out[string(k)] = q.String()
	}
	return out
}
