package pullsecrets

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/cache"

	"github.com/wheelhouse-dev/wheelhouse/internal/clusterrbac"
	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// Run implements multicluster.Component: it syncs the cluster's targets
// when told to, when a namespace comes, goes or changes project, when one
// of its Secrets is changed or deleted, when a login is due for renewal,
// and every resyncInterval.
func (k *Keeper) Run(ctx context.Context, c *multicluster.Cluster) error {
	wake := make(chan struct{}, 1)
	k.mu.Lock()
	if k.wake == nil {
		k.wake = map[string]chan struct{}{}
	}
	k.wake[c.Name()] = wake
	k.mu.Unlock()
	defer func() {
		k.mu.Lock()
		if k.wake[c.Name()] == wake {
			delete(k.wake, c.Name())
		}
		k.mu.Unlock()
	}()
	trigger := func() {
		select {
		case wake <- struct{}{}:
		default:
		}
	}
	project := func(obj any) string {
		if ns, ok := obj.(*corev1.Namespace); ok {
			return ns.Labels[clusterrbac.ProjectLabel]
		}
		return ""
	}
	nsReg, err := c.AddEventHandler("namespaces", cache.ResourceEventHandlerFuncs{
		AddFunc:    func(any) { trigger() },
		UpdateFunc: func(old, obj any) { when(project(old) != project(obj), trigger) },
		DeleteFunc: func(any) { trigger() },
	})
	if err != nil {
		return fmt.Errorf("watch namespaces: %w", err)
	}
	defer func() { _ = c.RemoveEventHandler("namespaces", nsReg) }()
	managed := func(obj any) bool {
		if d, ok := obj.(cache.DeletedFinalStateUnknown); ok {
			obj = d.Obj
		}
		m, ok := obj.(metav1.Object)
		return ok && m.GetLabels()[ManagedLabel] != ""
	}
	secReg, err := c.AddEventHandler("secrets", cache.ResourceEventHandlerFuncs{
		UpdateFunc: func(_, obj any) { when(managed(obj), trigger) },
		DeleteFunc: func(obj any) { when(managed(obj), trigger) },
	})
	if err != nil {
		return fmt.Errorf("watch secrets: %w", err)
	}
	defer func() { _ = c.RemoveEventHandler("secrets", secReg) }()

	for {
		next := k.sync(ctx, c)
		t := time.NewTimer(next)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-wake:
		case <-t.C:
		}
		t.Stop()
	}
}

func when(cond bool, trigger func()) {
	if cond {
		trigger()
	}
}

// secretKey names a Secret the keeper wants.
type secretKey struct {
	target    uint64
	namespace string
	name      string
}

// sync brings every target of the cluster in step and returns how soon
// it should run again.
func (k *Keeper) sync(ctx context.Context, c *multicluster.Cluster) time.Duration {
	next := resyncInterval
	targets, err := k.Store.PullSecrets().ForCluster(ctx, c.Name())
	if err != nil {
		k.Logger.Warn("Cannot read pull secret targets", "cluster", c.Name(), "error", err)
		return retryInterval
	}
	byProject := map[string][]string{}
	exists := map[string]string{}
	_ = c.Each("namespaces", func(o runtime.Object) {
		ns := o.(*corev1.Namespace)
		p := ns.Labels[clusterrbac.ProjectLabel]
		exists[ns.Name] = p
		if p != "" {
			byProject[p] = append(byProject[p], ns.Name)
		}
	})
	ids := make([]uint64, 0, len(targets))
	for _, t := range targets {
		ids = append(ids, t.ID)
	}
	previous, err := k.Store.PullSecrets().Statuses(ctx, ids)
	if err != nil {
		k.Logger.Warn("Cannot read pull secret statuses", "cluster", c.Name(), "error", err)
		return retryInterval
	}
	desired := map[secretKey]bool{}
	for _, t := range targets {
		wait := k.syncTarget(ctx, c, t, byProject, exists, previous[t.ID], desired)
		next = min(next, wait)
	}
	k.removeStale(ctx, c, desired)
	return max(next, time.Second)
}

// syncTarget writes t's Secret into each of its namespaces and records how
// that went; it returns how soon t needs another pass.
func (k *Keeper) syncTarget(ctx context.Context, c *multicluster.Cluster, t store.PullSecretTarget, byProject map[string][]string,
	exists map[string]string, previous []store.PullSecretStatus, desired map[secretKey]bool) time.Duration {
	var namespaces []string
	var nsErr string
	switch {
	case t.Namespace == "":
		namespaces = byProject[t.Project]
	case t.Project != "" && exists[t.Namespace] != t.Project:
		namespaces = []string{t.Namespace}
		nsErr = fmt.Sprintf("namespace %s is not in project %s", t.Namespace, t.Project)
	default:
		if _, ok := exists[t.Namespace]; ok {
			namespaces = []string{t.Namespace}
		} else {
			namespaces = []string{t.Namespace}
			nsErr = fmt.Sprintf("namespace %s does not exist", t.Namespace)
		}
	}
	prevByNS := map[string]store.PullSecretStatus{}
	for _, s := range previous {
		prevByNS[s.Namespace] = s
	}
	wait := resyncInterval
	var l *login
	var loginErr error
	reg, err := k.Store.Registries().ByID(ctx, t.RegistryID)
	if err == nil {
		l, loginErr = k.loginFor(ctx, reg)
	} else {
		loginErr = err
	}
	if l != nil && !l.renewAt.IsZero() {
		wait = min(wait, l.renewAt.Sub(k.now()))
	}
	for _, ns := range namespaces {
		prev := prevByNS[ns]
		delete(prevByNS, ns)
		st := store.PullSecretStatus{TargetID: t.ID, Namespace: ns, WrittenAt: prev.WrittenAt, ExpiresAt: prev.ExpiresAt}
		if nsErr == "" {
			// Kept even when the login fails: a Secret that still works
			// is not removed over a passing failure.
			desired[secretKey{t.ID, ns, t.SecretName}] = true
		}
		switch {
		case nsErr != "":
			st.Error = nsErr
		case loginErr != nil:
			st.Error = "cannot log in to the registry: " + loginErr.Error()
		default:
			written, err := k.write(ctx, c, t, reg, ns, l)
			if err != nil {
				st.Error = err.Error()
			} else {
				st.ExpiresAt = l.ExpiresAt
				if written || st.WrittenAt == nil {
					now := k.now().UTC()
					st.WrittenAt = &now
				}
			}
		}
		if st.Error != "" {
			wait = min(wait, retryInterval)
			if ctx.Err() == nil {
				k.Logger.Warn("Pull secret not in step", "cluster", c.Name(), "namespace", ns, "target", t.ID, "reason", st.Error)
			}
		}
		if st.Error != prev.Error || !sameTime(st.WrittenAt, prev.WrittenAt) || !sameTime(st.ExpiresAt, prev.ExpiresAt) || prev.ID == 0 {
			if err := k.Store.PullSecrets().PutStatus(ctx, &st); err != nil {
				k.Logger.Warn("Cannot record a pull secret status", "target", t.ID, "namespace", ns, "error", err)
			}
		}
	}
	for ns := range prevByNS {
		if err := k.Store.PullSecrets().DeleteStatus(ctx, t.ID, ns); err != nil {
			k.Logger.Warn("Cannot forget a pull secret status", "target", t.ID, "namespace", ns, "error", err)
		}
	}
	return wait
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

// write makes the Secret of t in ns hold l, reading it live (the cache
// keeps Secrets as metadata only); it reports whether it wrote.
func (k *Keeper) write(ctx context.Context, c *multicluster.Cluster, t store.PullSecretTarget, reg *store.Registry, ns string, l *login) (bool, error) {
	want := DockerConfigJSON(l.Login)
	id := strconv.FormatUint(t.ID, 10)
	secrets := c.Kube.CoreV1().Secrets(ns)
	cur, err := secrets.Get(ctx, t.SecretName, metav1.GetOptions{})
	desired := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: t.SecretName, Namespace: ns, Labels: map[string]string{ManagedLabel: id},
			Annotations: map[string]string{RegistryAnnotation: reg.Name}},
		Type: corev1.SecretTypeDockerConfigJson,
		Data: map[string][]byte{corev1.DockerConfigJsonKey: want},
	}
	if l.ExpiresAt != nil {
		desired.Annotations[ExpiresAnnotation] = l.ExpiresAt.UTC().Format(time.RFC3339)
	}
	switch {
	case apierrors.IsNotFound(err):
		if _, err := secrets.Create(ctx, desired, metav1.CreateOptions{FieldManager: "wheelhouse"}); err != nil {
			return false, fmt.Errorf("create Secret %s/%s: %w", ns, t.SecretName, err)
		}
		return true, nil
	case err != nil:
		return false, fmt.Errorf("read Secret %s/%s: %w", ns, t.SecretName, err)
	case cur.Labels[ManagedLabel] != id:
		return false, fmt.Errorf("a Secret %s/%s exists and is not this target's pull secret; it is left alone", ns, t.SecretName)
	case cur.Type == desired.Type && bytes.Equal(cur.Data[corev1.DockerConfigJsonKey], want) && len(cur.Data) == 1 &&
		cur.Annotations[ExpiresAnnotation] == desired.Annotations[ExpiresAnnotation]:
		return false, nil
	case cur.Type != desired.Type:
		// The type of a Secret cannot change: replace it.
		if err := secrets.Delete(ctx, t.SecretName, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &cur.UID}}); err != nil && !apierrors.IsNotFound(err) {
			return false, fmt.Errorf("replace Secret %s/%s: %w", ns, t.SecretName, err)
		}
		if _, err := secrets.Create(ctx, desired, metav1.CreateOptions{FieldManager: "wheelhouse"}); err != nil {
			return false, fmt.Errorf("replace Secret %s/%s: %w", ns, t.SecretName, err)
		}
		return true, nil
	}
	desired.ResourceVersion = cur.ResourceVersion
	for key, v := range cur.Labels {
		if _, ok := desired.Labels[key]; !ok {
			desired.Labels[key] = v
		}
	}
	if _, err := secrets.Update(ctx, desired, metav1.UpdateOptions{FieldManager: "wheelhouse"}); err != nil {
		return false, fmt.Errorf("update Secret %s/%s: %w", ns, t.SecretName, err)
	}
	return true, nil
}

// removeStale deletes the Secrets the keeper wrote that no target wants
// any more (a target or registry deleted, a namespace that left a project).
func (k *Keeper) removeStale(ctx context.Context, c *multicluster.Cluster, desired map[secretKey]bool) {
	var stale []secretKey
	_ = c.Each("secrets", func(o runtime.Object) {
		m, ok := o.(metav1.Object)
		if !ok {
			return
		}
		id, err := strconv.ParseUint(m.GetLabels()[ManagedLabel], 10, 64)
		if err != nil {
			return
		}
		if key := (secretKey{id, m.GetNamespace(), m.GetName()}); !desired[key] {
			stale = append(stale, key)
		}
	})
	for _, s := range stale {
		err := c.Kube.CoreV1().Secrets(s.namespace).Delete(ctx, s.name, metav1.DeleteOptions{})
		if err != nil && !apierrors.IsNotFound(err) && !errors.Is(err, context.Canceled) {
			k.Logger.Warn("Cannot remove a pull secret no target wants", "cluster", c.Name(), "namespace", s.namespace, "name", s.name, "error", err)
		}
	}
}
