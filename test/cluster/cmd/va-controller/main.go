// Command va-controller runs the VariantAutoscaling reconciler on
// controller-runtime, logging zap console lines and serving
// controller-runtime's /metrics (controller_runtime_reconcile_total, workqueue_*).
// --mode=buggy fans a ConfigMap change out into one reconcile per object, each
// processing all objects (N² work); --mode=fixed enqueues one request.
package main

import (
	"flag"
	"fmt"
	"os"

	uberzap "go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/ctrlscope/ctrlscope/test/cluster/internal/wva/controller"
)

func main() {
	mode := flag.String("mode", "buggy", "buggy or fixed")
	namespace := flag.String("namespace", "llm-d-sim", "namespace of the VariantAutoscalings and the ConfigMap")
	metricsAddr := flag.String("metrics-bind-address", "127.0.0.1:0", "metrics address")
	opts := zap.Options{
		Development: false,
		Encoder: zapcore.NewConsoleEncoder(zapcore.EncoderConfig{
			TimeKey: "ts", LevelKey: "level", NameKey: "logger", CallerKey: "caller", MessageKey: "msg",
			StacktraceKey: "stacktrace", LineEnding: zapcore.DefaultLineEnding,
			EncodeLevel: zapcore.CapitalLevelEncoder, EncodeTime: zapcore.ISO8601TimeEncoder,
			EncodeDuration: zapcore.StringDurationEncoder, EncodeCaller: zapcore.ShortCallerEncoder,
		}),
		ZapOpts: []uberzap.Option{uberzap.AddCaller()},
	}
	opts.BindFlags(flag.CommandLine)
	flag.Parse()
	if *mode != "buggy" && *mode != "fixed" {
		fmt.Fprintln(os.Stderr, "--mode must be buggy or fixed")
		os.Exit(2)
	}
	ctrl.SetLogger(zap.New(zap.UseFlagOptions(&opts)))
	setupLog := ctrl.Log.WithName("setup")

	cfg, err := ctrl.GetConfig() // --kubeconfig is registered by controller-runtime
	if err != nil {
		setupLog.Error(err, "kubeconfig")
		os.Exit(1)
	}
	scheme := runtime.NewScheme()
	_ = clientgoscheme.AddToScheme(scheme)
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                 scheme,
		Logger:                 ctrl.Log.WithName("wva"),
		Metrics:                metricsserver.Options{BindAddress: *metricsAddr},
		HealthProbeBindAddress: "0",
		Cache: cache.Options{
			DefaultNamespaces: map[string]cache.Config{*namespace: {}},
		},
	})
	if err != nil {
		setupLog.Error(err, "unable to start manager")
		os.Exit(1)
	}
	r := &controller.Reconciler{Client: mgr.GetClient(), APIReader: mgr.GetAPIReader(), Namespace: *namespace, Fixed: *mode == "fixed"}
	if err := r.SetupWithManager(mgr); err != nil {
		setupLog.Error(err, "unable to create controller", "controller", "variantautoscaling")
		os.Exit(1)
	}
	setupLog.Info("starting manager", "mode", *mode, "namespace", *namespace)
	if err := mgr.Start(ctrl.SetupSignalHandler()); err != nil {
		setupLog.Error(err, "problem running manager")
		os.Exit(1)
	}
}
