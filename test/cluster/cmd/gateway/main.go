// Command gateway is a small kubernaut-style signal gateway: AlertManager
// webhooks in, kubernaut.ai/v1alpha1 RemediationRequests out. It logs zap JSON
// through logr and serves controller-runtime's /metrics.
//
// --mode=buggy dedups against the informer cache and then creates (a
// check-then-create race: concurrent signals with one fingerprint make several
// live RemediationRequests). --mode=fixed creates under a name derived from the
// fingerprint and treats AlreadyExists as the duplicate.
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/go-logr/zapr"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/ctrlscope/ctrlscope/test/cluster/internal/gateway"
	"github.com/ctrlscope/ctrlscope/test/cluster/internal/gateway/processing"
)

func main() {
	mode := flag.String("mode", "buggy", "buggy or fixed")
	namespace := flag.String("namespace", "kubernaut-system", "namespace for RemediationRequests")
	listen := flag.String("listen", "127.0.0.1:0", "signal webhook address")
	metricsAddr := flag.String("metrics-bind-address", "127.0.0.1:0", "metrics address")
	enrichment := flag.Duration("enrichment-delay", 50*time.Millisecond, "time spent enriching a signal before the create")
	flag.Parse()
	if *mode != "buggy" && *mode != "fixed" {
		fmt.Fprintln(os.Stderr, "--mode must be buggy or fixed")
		os.Exit(2)
	}

	zc := zap.NewProductionConfig()
	zc.EncoderConfig.EncodeTime = zapcore.ISO8601TimeEncoder
	zc.OutputPaths = []string{"stdout"}
	zc.Sampling = nil
	zl, err := zc.Build()
	if err != nil {
		panic(err)
	}
	root := zapr.NewLogger(zl)
	ctrl.SetLogger(root.WithName("gateway"))
	log := root.WithName("gateway").WithName("server")

	ctx, cancel := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer cancel()

	cfg, err := ctrl.GetConfig() // --kubeconfig is registered by controller-runtime
	if err != nil {
		log.Error(err, "kubeconfig")
		os.Exit(1)
	}
	ctrlmetrics.Registry.MustRegister(gateway.Collectors()...)
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                 runtime.NewScheme(),
		Metrics:                metricsserver.Options{BindAddress: *metricsAddr},
		HealthProbeBindAddress: "0",
		Cache:                  cache.Options{DefaultNamespaces: map[string]cache.Config{*namespace: {}}},
	})
	if err != nil {
		log.Error(err, "manager")
		os.Exit(1)
	}
	go func() {
		if err := mgr.Start(ctx); err != nil {
			log.Error(err, "manager stopped")
			os.Exit(1)
		}
	}()
	// Warm the RemediationRequest informer before serving signals.
	probe := &unstructured.Unstructured{}
	probe.SetGroupVersionKind(processing.RemediationRequestGVK)
	if _, err := mgr.GetCache().GetInformer(ctx, probe); err != nil {
		log.Error(err, "informer")
		os.Exit(1)
	}
	if !mgr.GetCache().WaitForCacheSync(ctx) {
		os.Exit(1)
	}

	srv := &gateway.Server{
		Creator: &processing.CRDCreator{
			Cached: mgr.GetCache(), Writer: mgr.GetClient(), Namespace: *namespace,
			Fixed: *mode == "fixed", Log: log, Enrichment: *enrichment,
		},
		Log: log,
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Error(err, "listen")
		os.Exit(1)
	}
	log.Info("Gateway server listening", "address", ln.Addr().String(), "mode", *mode, "namespace", *namespace)
	hs := &http.Server{Handler: srv.Handler()}
	go func() { _ = hs.Serve(ln) }()
	<-ctx.Done()
	_ = hs.Close()
	_ = zl.Sync()
}
