package projects

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
	"github.com/wheelhouse-dev/wheelhouse/internal/provider"
	"github.com/wheelhouse-dev/wheelhouse/internal/quantity"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// QuotaName is the ResourceQuota through which a namespace gets its share
// of its project's quota; only cluster owners may change it, through any
// route (see auth.ProjectQuotaName).
const QuotaName = auth.ProjectQuotaName

var validName = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// ErrNotEmpty refuses to delete a project that still has namespaces.
var ErrNotEmpty = errors.New("project still has namespaces")

// ErrQuotaExhausted refuses a namespace whose share would exceed its
// project's quota.
var ErrQuotaExhausted = errors.New("project quota exhausted")

// Service manages projects and memberships.
type Service struct {
	Store    *store.Store
	Clusters *multicluster.Manager
}

// Validate checks a project's name and quotas; errors are
// *provider.FieldError naming the field.
func Validate(p *store.Project) error {
	if !validName.MatchString(p.Name) {
		return &provider.FieldError{Field: "name", Message: "must be a DNS label"}
	}
	quota, err := parseQuota("quota", p.Quota)
	if err != nil {
		return err
	}
	shares, err := parseQuota("namespaceQuota", p.NamespaceQuota)
	if err != nil {
		return err
	}
	if len(p.Quota) > 0 {
		for k := range p.NamespaceQuota {
			if _, ok := p.Quota[k]; !ok {
				return &provider.FieldError{Field: "namespaceQuota." + k, Message: "the project quota does not limit " + k}
			}
		}
		for k, share := range shares {
			if share.Cmp(quota[k]) > 0 {
				return &provider.FieldError{Field: "namespaceQuota." + k, Message: "is larger than the project quota"}
			}
		}
	}
	return nil
}

// parseQuota reads a quota's quantities, bounded (see internal/quantity);
// field names the quota (quota, namespaceQuota) in the *provider.FieldError.
// A project stored before the bound existed is read the same way, so a
// quantity that would hang the parser is refused wherever it is used.
func parseQuota(field string, m map[string]string) (map[string]resource.Quantity, error) {
	out := make(map[string]resource.Quantity, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		q, err := quantity.Parse(field+"."+k, m[k])
		var qe *quantity.Error
		if errors.As(err, &qe) {
			return nil, &provider.FieldError{Field: qe.Field, Message: qe.Message()}
		}
		out[k] = q
	}
	return out, nil
}

// Namespaces lists the names of the namespaces in project, from the cache.
func (s *Service) Namespaces(cluster, project string) ([]string, error) {
	conn, err := s.Clusters.Get(cluster)
	if err != nil {
		return nil, err
	}
	page, err := conn.List("namespaces", multicluster.Query{LabelSelector: ProjectLabel + "=" + project})
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(page.Items))
	for _, o := range page.Items {
		names = append(names, o.(*corev1.Namespace).Name)
	}
	return names, nil
}

// AddNamespace moves a namespace into the project: it labels the namespace
// and, when the project divides a quota, gives the namespace its share as
// a ResourceQuota, refusing with ErrQuotaExhausted when the shares would
// exceed the project's quota.
func (s *Service) AddNamespace(ctx context.Context, p *store.Project, namespace string) error {
	conn, err := s.Clusters.Get(p.Cluster)
	if err != nil {
		return err
	}
	obj, err := conn.Get("namespaces", "", namespace)
	if err != nil {
		return err
	}
	current := obj.(*corev1.Namespace).Labels[ProjectLabel]
	if current == p.Name {
		return nil
	}
	if len(p.NamespaceQuota) > 0 {
		members, err := s.Namespaces(p.Cluster, p.Name)
		if err != nil {
			return err
		}
		quota, err := parseQuota("quota", p.Quota)
		if err != nil {
			return err
		}
		shares, err := parseQuota("namespaceQuota", p.NamespaceQuota)
		if err != nil {
			return err
		}
		for _, k := range slices.Sorted(maps.Keys(shares)) {
			total := shares[k].DeepCopy()
			total.Mul(int64(len(members) + 1))
			if limit, ok := quota[k]; ok && total.Cmp(limit) > 0 {
				return fmt.Errorf("%w: %d namespaces with %s each would need %s, the project has %s",
					ErrQuotaExhausted, len(members)+1, p.NamespaceQuota[k]+" "+k, total.String(), p.Quota[k])
			}
		}
		if err := s.applyQuota(ctx, conn, namespace, shares); err != nil {
			return err
		}
	}
	return s.label(ctx, conn, namespace, &p.Name)
}

// RemoveNamespace takes a namespace out of the project and drops its
// share of the project's quota.
func (s *Service) RemoveNamespace(ctx context.Context, p *store.Project, namespace string) error {
	conn, err := s.Clusters.Get(p.Cluster)
	if err != nil {
		return err
	}
	obj, err := conn.Get("namespaces", "", namespace)
	if err != nil {
		return err
	}
	if obj.(*corev1.Namespace).Labels[ProjectLabel] != p.Name {
		return apierrors.NewNotFound(corev1.Resource("namespaces"), namespace)
	}
	err = conn.Kube.CoreV1().ResourceQuotas(namespace).Delete(ctx, QuotaName, metav1.DeleteOptions{})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("delete project quota in %s: %w", namespace, err)
	}
	return s.label(ctx, conn, namespace, nil)
}

// label sets (or, with nil, removes) the project label of a namespace.
func (s *Service) label(ctx context.Context, conn *multicluster.Cluster, namespace string, project *string) error {
	patch, err := json.Marshal(map[string]any{"metadata": map[string]any{"labels": map[string]any{ProjectLabel: project}}})
	if err != nil {
		return err
	}
	_, err = conn.Kube.CoreV1().Namespaces().Patch(ctx, namespace, types.MergePatchType, patch, metav1.PatchOptions{FieldManager: "wheelhouse"})
	return err
}

func (s *Service) applyQuota(ctx context.Context, conn *multicluster.Cluster, namespace string, hard map[string]resource.Quantity) error {
	list := corev1.ResourceList{}
	for k, q := range hard {
		list[corev1.ResourceName(k)] = q
	}
	rq := &corev1.ResourceQuota{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ResourceQuota"},
		ObjectMeta: metav1.ObjectMeta{Name: QuotaName, Namespace: namespace, Labels: map[string]string{"app.kubernetes.io/managed-by": "wheelhouse"}},
		Spec:       corev1.ResourceQuotaSpec{Hard: list},
	}
	raw, err := json.Marshal(rq)
	if err != nil {
		return err
	}
	force := true
	_, err = conn.Kube.CoreV1().ResourceQuotas(namespace).Patch(ctx, QuotaName, types.ApplyPatchType, raw,
		metav1.PatchOptions{FieldManager: "wheelhouse", Force: &force})
	if err != nil {
		return fmt.Errorf("apply project quota in %s: %w", namespace, err)
	}
	return nil
}
