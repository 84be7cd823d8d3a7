package clusterrbac

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"

	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
)

// ProjectLabel marks a namespace as part of a project (the label
// internal/projects writes).
const ProjectLabel = "wheelhouse.dev/project"

// Intervals of the syncer.
const (
	// recheckInterval is how often credentials that could not impersonate
	// are checked again (someone may grant them the rights).
	recheckInterval = 5 * time.Minute
	// resyncInterval is how often every namespace is synced again, which
	// repairs RBAC someone changed by hand.
	resyncInterval = 10 * time.Minute
)

// Syncer keeps Wheelhouse's RBAC in every member cluster whose credentials
// allow it, and records on each connection whether they do (see
// multicluster.Access). Register it with the multicluster manager.
type Syncer struct {
	Logger *slog.Logger
}

// Name implements multicluster.Component.
func (s *Syncer) Name() string { return "rbac" }

// Run implements multicluster.Component.
func (s *Syncer) Run(ctx context.Context, c *multicluster.Cluster) error {
	for {
		access := checkAccess(ctx, c.Kube)
		if ctx.Err() != nil {
			return nil
		}
		if access.Impersonate {
			if err := applyClusterObjects(ctx, c.Kube); err != nil {
				// The rights were checked: this is the cluster failing.
				c.SetAccess(multicluster.Access{Checked: true, Reason: "writing Wheelhouse's RBAC failed: " + err.Error()})
				return err
			}
		}
		c.SetAccess(access)
		if access.Impersonate {
			return s.syncNamespaces(ctx, c)
		}
		s.Logger.Warn("Cluster credentials cannot impersonate: the Kubernetes pass-through refuses what Wheelhouse cannot bound itself",
			"cluster", c.Name(), "reason", access.Reason)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(recheckInterval):
		}
	}
}

// checks are the rights the credentials need: to impersonate users and
// groups, and to keep RBAC bound to ClusterRoles up to cluster-admin.
var checks = []authorizationv1.ResourceAttributes{
	{Verb: "impersonate", Resource: "users"},
	{Verb: "impersonate", Resource: "groups"},
	{Verb: "*", Group: "rbac.authorization.k8s.io", Resource: "clusterrolebindings"},
	{Verb: "*", Group: "rbac.authorization.k8s.io", Resource: "rolebindings"},
	{Verb: "*", Group: "rbac.authorization.k8s.io", Resource: "clusterroles"},
	{Verb: "bind", Group: "rbac.authorization.k8s.io", Resource: "clusterroles", Name: "cluster-admin"},
}

// checkAccess asks the cluster what its credentials may do.
func checkAccess(ctx context.Context, kube kubernetes.Interface) multicluster.Access {
	var missing []string
	for _, ra := range checks {
		review := &authorizationv1.SelfSubjectAccessReview{Spec: authorizationv1.SelfSubjectAccessReviewSpec{ResourceAttributes: &ra}}
		res, err := kube.AuthorizationV1().SelfSubjectAccessReviews().Create(ctx, review, metav1.CreateOptions{})
		if err != nil {
			return multicluster.Access{Checked: true, Reason: "cannot check the credentials' rights: " + err.Error()}
		}
		if !res.Status.Allowed {
			what := ra.Verb + " " + ra.Resource
			if ra.Name != "" {
				what += " " + ra.Name
			}
			missing = append(missing, what)
		}
	}
	if len(missing) > 0 {
		return multicluster.Access{Checked: true, Reason: "the imported credentials may not " + strings.Join(missing, ", ")}
	}
	return multicluster.Access{Checked: true, Impersonate: true}
}

// syncNamespaces keeps every namespace's RoleBindings in step with its
// project label until ctx ends: on every change of a namespace, and every
// resyncInterval for all of them.
func (s *Syncer) syncNamespaces(ctx context.Context, c *multicluster.Cluster) error {
	queue := workqueue.NewTypedRateLimitingQueue(workqueue.DefaultTypedControllerRateLimiter[string]())
	defer queue.ShutDown()
	projectOf := func(obj any) (string, string, bool) {
		if d, ok := obj.(cache.DeletedFinalStateUnknown); ok {
			obj = d.Obj
		}
		ns, ok := obj.(*corev1.Namespace)
		if !ok {
			return "", "", false
		}
		return ns.Name, ns.Labels[ProjectLabel], true
	}
	reg, err := c.AddEventHandler("namespaces", cache.ResourceEventHandlerFuncs{
		AddFunc: func(obj any) {
			if name, project, ok := projectOf(obj); ok && project != "" {
				queue.Add(name)
			}
		},
		UpdateFunc: func(old, obj any) {
			_, was, _ := projectOf(old)
			if name, project, ok := projectOf(obj); ok && project != was {
				queue.Add(name)
			}
		},
		DeleteFunc: func(obj any) {}, // the namespace's RoleBindings go with it
	})
	if err != nil {
		return err
	}
	defer func() { _ = c.RemoveEventHandler("namespaces", reg) }()
	go func() {
		t := time.NewTicker(resyncInterval)
		defer t.Stop()
		for {
			s.enqueueAll(ctx, c, queue)
			select {
			case <-ctx.Done():
				queue.ShutDown()
				return
			case <-t.C:
			}
		}
	}()
	for {
		name, shutdown := queue.Get()
		if shutdown {
			return nil
		}
		err := s.syncOne(ctx, c, name)
		if err != nil && ctx.Err() == nil {
			s.Logger.Warn("Cannot sync a namespace's RBAC; retrying", "cluster", c.Name(), "namespace", name, "error", err)
			queue.AddRateLimited(name)
		} else {
			queue.Forget(name)
		}
		queue.Done(name)
	}
}

// enqueueAll queues every namespace whose RBAC may need work: those in a
// project, and those holding RoleBindings Wheelhouse wrote (a namespace
// that left its project while the server was down).
func (s *Syncer) enqueueAll(ctx context.Context, c *multicluster.Cluster, queue workqueue.TypedRateLimitingInterface[string]) {
	_ = c.Each("namespaces", func(o runtime.Object) {
		if ns := o.(*corev1.Namespace); ns.Labels[ProjectLabel] != "" {
			queue.Add(ns.Name)
		}
	})
	list, err := c.Kube.RbacV1().RoleBindings("").List(ctx, metav1.ListOptions{LabelSelector: managedByLabel + "=" + managedByValue})
	if err != nil {
		if ctx.Err() == nil {
			s.Logger.Warn("Cannot list Wheelhouse's RoleBindings", "cluster", c.Name(), "error", err)
		}
		return
	}
	for _, rb := range list.Items {
		queue.Add(rb.Namespace)
	}
}

// syncOne syncs one namespace from the cache's view of it.
func (s *Syncer) syncOne(ctx context.Context, c *multicluster.Cluster, name string) error {
	project := ""
	obj, err := c.Get("namespaces", "", name)
	switch {
	case err == nil:
		project = obj.(*corev1.Namespace).Labels[ProjectLabel]
	case !apierrors.IsNotFound(err):
		return err
	}
	if err := syncNamespace(ctx, c.Kube, name, project); err != nil {
		return fmt.Errorf("cluster %q: %w", c.Name(), err)
	}
	return nil
}
