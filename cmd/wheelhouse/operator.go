package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/go-logr/logr"
	"github.com/spf13/cobra"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/klog/v2"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	appsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/apps/v1alpha1"
	"github.com/wheelhouse-dev/wheelhouse/config/crd"
	"github.com/wheelhouse-dev/wheelhouse/internal/controller/workload"
	"github.com/wheelhouse-dev/wheelhouse/internal/settings"
)

// operatorLeaseName is the Lease the operator's replicas compete for.
const operatorLeaseName = "wheelhouse-workload-operator"

// operatorOptions are the flags of `wheelhouse operator`.
type operatorOptions struct {
	kubeconfig        string
	leaderElect       bool
	leaseNamespace    string
	metricsAddr       string
	probeAddr         string
	installCRDs       bool
	finalizerPolicy   bool
	namespace         string
	concurrency       int
	qps               float32
	burst             int
	crdInstallTimeout time.Duration
}

func newOperatorCommand() *cobra.Command {
	var o operatorOptions
	cmd := &cobra.Command{
		Use:   "operator",
		Short: "Run the Workload controller against one cluster",
		Long: `Runs the controller of the Workload custom resource (apps.wheelhouse.dev/v1alpha1)
against one cluster: it creates each Workload's Deployment, StatefulSet,
DaemonSet, Job or CronJob and its Service, keeps them as declared and
writes the Workload's status.

Without --kubeconfig it uses the in-cluster configuration (as in the Helm
chart charts/wheelhouse-operator), else $KUBECONFIG or ~/.kube/config.
Metrics (Prometheus) are served at http://METRICS-ADDRESS/metrics, health at
http://PROBE-ADDRESS/healthz and /readyz.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			if o.concurrency < 1 {
				return usageError{errors.New("--concurrency must be at least 1")}
			}
			return runOperator(cmd.Context(), o, newLogger(cfg, cmd.ErrOrStderr()))
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.kubeconfig, "kubeconfig", "", "kubeconfig of the cluster (default: in-cluster configuration, else $KUBECONFIG or ~/.kube/config)")
	f.BoolVar(&o.leaderElect, "leader-elect", false, "elect a leader among the operator's replicas with a Lease, so only one reconciles")
	f.StringVar(&o.leaseNamespace, "leader-election-namespace", "", "namespace of the leader election Lease (default: the pod's namespace in a cluster)")
	f.StringVar(&o.metricsAddr, "metrics-bind-address", "127.0.0.1:8082", `address of the /metrics endpoint ("0" turns it off)`)
	f.StringVar(&o.probeAddr, "health-probe-bind-address", "127.0.0.1:8083", `address of the /healthz and /readyz endpoints ("0" turns them off)`)
	f.BoolVar(&o.installCRDs, "install-crds", false, "create or update the Workload CRD before starting")
	f.BoolVar(&o.finalizerPolicy, "finalizer-policy", false, "with --install-crds, also install the MutatingAdmissionPolicy that gives new Workloads the finalizer at creation (Kubernetes 1.36+; saves a write per new Workload, but an API server refuses Workload creates for a second or two after it starts)")
	f.StringVar(&o.namespace, "namespace", "", "reconcile Workloads in this namespace only (default: all namespaces)")
	f.IntVar(&o.concurrency, "concurrency", workload.DefaultConcurrency, "Workloads reconciled at the same time (reconciles wait on the API server, not the CPU)")
	f.Float32Var(&o.qps, "kube-api-qps", -1, "client-side limit of requests per second to the API server; negative: none, the API server's priority and fairness limits the operator (controller-runtime's default)")
	f.IntVar(&o.burst, "kube-api-burst", 0, "burst of requests above --kube-api-qps")
	f.DurationVar(&o.crdInstallTimeout, "crd-install-timeout", time.Minute, "how long --install-crds waits for the CRD to be served")
	settings.AddFlags(f, settings.Global)
	return cmd
}

// runOperator runs the Workload controller until ctx ends.
func runOperator(ctx context.Context, o operatorOptions, logger *slog.Logger) error {
	log := logr.FromSlogHandler(logger.Handler())
	ctrl.SetLogger(log)
	klog.SetLogger(log)

	restCfg, err := operatorRESTConfig(o.kubeconfig)
	if err != nil {
		return err
	}
	restCfg.QPS, restCfg.Burst = o.qps, o.burst
	restCfg.UserAgent = "wheelhouse-operator"

	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{clientgoscheme.AddToScheme, appsv1alpha1.AddToScheme, apiextensionsv1.AddToScheme} {
		if err := add(scheme); err != nil {
			return fmt.Errorf("build scheme: %w", err)
		}
	}

	if o.installCRDs {
		c, err := client.New(restCfg, client.Options{Scheme: scheme})
		if err != nil {
			return fmt.Errorf("client for CRD install: %w", err)
		}
		if err := crd.Install(ctx, c, crd.Options{Timeout: o.crdInstallTimeout, FinalizerPolicy: o.finalizerPolicy, Namespace: o.namespace}); err != nil {
			return err
		}
		logger.Info("Installed the Workload CRD")
	}

	opts := ctrl.Options{
		Scheme:                        scheme,
		Logger:                        log,
		Metrics:                       metricsserver.Options{BindAddress: o.metricsAddr},
		HealthProbeBindAddress:        o.probeAddr,
		LeaderElection:                o.leaderElect,
		LeaderElectionID:              operatorLeaseName,
		LeaderElectionNamespace:       o.leaseNamespace,
		LeaderElectionReleaseOnCancel: true,
	}
	if o.namespace != "" {
		opts.Cache = cache.Options{DefaultNamespaces: map[string]cache.Config{o.namespace: {}}}
	}
	mgr, err := ctrl.NewManager(restCfg, opts)
	if err != nil {
		return fmt.Errorf("create controller manager: %w", err)
	}

	r, err := workload.New(workload.Config{
		Client:    mgr.GetClient(),
		APIReader: mgr.GetAPIReader(),
		Recorder:  mgr.GetEventRecorder("wheelhouse-workload"),
	})
	if err != nil {
		return err
	}
	// One controller per run; the process-wide name check would only refuse
	// a second run in the same process (tests).
	ctrlOpts := controller.Options{MaxConcurrentReconciles: o.concurrency, SkipNameValidation: ptr.To(true)}
	if err := r.SetupWithManager(mgr, ctrlOpts); err != nil {
		return fmt.Errorf("set up workload controller: %w", err)
	}
	if err := mgr.AddHealthzCheck("ping", healthz.Ping); err != nil {
		return fmt.Errorf("add health check: %w", err)
	}
	if err := mgr.AddReadyzCheck("informers", cacheSynced(mgr)); err != nil {
		return fmt.Errorf("add readiness check: %w", err)
	}

	logger.Info("Starting the Workload operator", "host", restCfg.Host, "leaderElect", o.leaderElect,
		"metrics", o.metricsAddr, "probes", o.probeAddr, "namespace", o.namespace)
	if err := mgr.Start(ctx); err != nil {
		return fmt.Errorf("run controller manager: %w", err)
	}
	return nil
}

// cacheSynced is ready once the manager's informers have synced (on every
// replica, leader or not).
func cacheSynced(mgr ctrl.Manager) healthz.Checker {
	return func(req *http.Request) error {
		ctx, cancel := context.WithTimeout(req.Context(), 100*time.Millisecond)
		defer cancel()
		if !mgr.GetCache().WaitForCacheSync(ctx) {
			return errors.New("informer caches not synced")
		}
		return nil
	}
}

// operatorRESTConfig loads the kubeconfig at path, or the in-cluster
// configuration, or the default kubeconfig loading rules.
func operatorRESTConfig(path string) (*rest.Config, error) {
	if path != "" {
		if _, err := os.Stat(path); err != nil {
			return nil, usageError{fmt.Errorf("--kubeconfig: %w", err)}
		}
		cfg, err := clientcmd.BuildConfigFromFlags("", path)
		if err != nil {
			return nil, fmt.Errorf("load kubeconfig %s: %w", path, err)
		}
		return cfg, nil
	}
	cfg, err := rest.InClusterConfig()
	if err == nil {
		return cfg, nil
	}
	if !errors.Is(err, rest.ErrNotInCluster) {
		return nil, fmt.Errorf("in-cluster configuration: %w", err)
	}
	cfg, err = clientcmd.NewNonInteractiveDeferredLoadingClientConfig(
		clientcmd.NewDefaultClientConfigLoadingRules(), &clientcmd.ConfigOverrides{}).ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("no --kubeconfig, not in a cluster, and no default kubeconfig: %w", err)
	}
	return cfg, nil
}
