// Command apiservice-availability is a small copy of kube-aggregator's
// AvailableConditionController: it watches APIServices through a shared
// informer with a resync period and probes each backend's discovery endpoint.
//
// --mode=buggy reproduces the queue leak seen in real clusters: every resync
// re-adds the key even while it waits in rate-limited backoff, and a 401 from
// the backend is retried forever with AddRateLimited.
// --mode=fixed skips no-op resync updates, never re-adds a key that is backing
// off, and does not retry errors that cannot heal (401/403).
//
// Logs are klog text (stderr); /metrics serves the component-base legacy
// registry, which includes the client-go workqueue metrics.
package main

import (
	"context"
	"crypto/tls"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/ctrlscope/ctrlscope/test/cluster/internal/pki"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/component-base/metrics/legacyregistry"
	_ "k8s.io/component-base/metrics/prometheus/clientgo"  // rest client metrics
	_ "k8s.io/component-base/metrics/prometheus/workqueue" // workqueue_* metrics with the name label
	"k8s.io/klog/v2"
	aggregatorclient "k8s.io/kube-aggregator/pkg/client/clientset_generated/clientset"
	aggregatorinformers "k8s.io/kube-aggregator/pkg/client/informers/externalversions"
)

func main() {
	klog.InitFlags(nil)
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig of the cluster to watch")
	mode := flag.String("mode", "buggy", "buggy or fixed")
	metricsAddr := flag.String("metrics-bind-address", "127.0.0.1:0", "where /metrics listens")
	backendAddr := flag.String("backend-bind-address", "127.0.0.1:0", "where the backend that answers 401 listens")
	resync := flag.Duration("resync", 30*time.Second, "informer resync period")
	flag.Parse()
	if *mode != "buggy" && *mode != "fixed" {
		fmt.Fprintln(os.Stderr, "--mode must be buggy or fixed")
		os.Exit(2)
	}

	ctx, cancel := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer cancel()

	backendURL, err := startUnauthorizedBackend(*backendAddr)
	if err != nil {
		klog.Fatalf("backend: %v", err)
	}
	metricsURL, err := serve(*metricsAddr, legacyregistry.Handler())
	if err != nil {
		klog.Fatalf("metrics: %v", err)
	}
	klog.InfoS("Serving metrics", "url", metricsURL, "backend", backendURL, "mode", *mode)

	cfg, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		klog.Fatalf("kubeconfig: %v", err)
	}
	client := aggregatorclient.NewForConfigOrDie(cfg)
	factory := aggregatorinformers.NewSharedInformerFactory(client, *resync)
	c := NewAvailableConditionController(factory.Apiregistration().V1().APIServices(), backendURL, *mode == "fixed")
	factory.Start(ctx.Done())
	c.Run(ctx, 1)
	factory.Shutdown()
}

// startUnauthorizedBackend serves HTTPS on addr and rejects every request with
// 401, like an aggregated API server whose client certificate was rotated away.
func startUnauthorizedBackend(addr string) (string, error) {
	cert, err := pki.SelfSigned()
	if err != nil {
		return "", err
	}
	ln, err := tls.Listen("tcp", addr, &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		return "", err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"kind":"Status","apiVersion":"v1","status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}`))
	}), ErrorLog: nil}
	go func() { _ = srv.Serve(ln) }()
	return "https://" + ln.Addr().String(), nil
}

func serve(addr string, h http.Handler) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", err
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", h)
	go func() { _ = http.Serve(ln, mux) }()
	return "http://" + ln.Addr().String() + "/metrics", nil
}
