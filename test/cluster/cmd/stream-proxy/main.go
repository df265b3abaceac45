// Command stream-proxy is a small inference stream proxy: it picks the least
// loaded engine, opens a TCP stream to it and tracks pending streams in a
// counter. It logs with Go's default slog text logger and serves
// Prometheus /metrics.
//
// --mode=buggy increments the pending counter before dialing and never releases
// it when the stream fails to start, so "Pending streams still tracked" only
// grows. --mode=fixed releases the reservation on every path.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

var (
	pendingGauge = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "stream_proxy_pending_streams", Help: "Streams reserved and not yet released.",
	})
	startedTotal = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "stream_proxy_streams_started_total", Help: "Streams started.",
	}, []string{"engine"})
	failedTotal = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "stream_proxy_stream_start_failures_total", Help: "Streams that failed to start.",
	}, []string{"engine"})
)

type engine struct {
	name string
	addr string
}

type proxy struct {
	engines []engine
	pending atomic.Int64
	fixed   bool
	next    int
}

func (p *proxy) acquire() { pendingGauge.Set(float64(p.pending.Add(1))) }
func (p *proxy) release() { pendingGauge.Set(float64(p.pending.Add(-1))) }

func (p *proxy) selectEngine() engine {
	e := p.engines[p.next%len(p.engines)]
	p.next++
	slog.Info("Selected best available engine", "engine", e.name, "address", e.addr, "pending", p.pending.Load())
	return e
}

// handle serves one stream request end to end.
func (p *proxy) handle(id int) {
	e := p.selectEngine()
	p.acquire()
	if p.fixed {
		defer p.release()
	}
	conn, err := net.DialTimeout("tcp", e.addr, time.Second)
	if err != nil {
		failedTotal.WithLabelValues(e.name).Inc()
		slog.Error("Failed to start stream", "engine", e.name, "stream_id", id, "error", err)
		return // buggy: the reservation above is never released
	}
	startedTotal.WithLabelValues(e.name).Inc()
	slog.Info("Started new stream", "engine", e.name, "stream_id", id)
	_, _ = fmt.Fprintf(conn, "stream %d\n", id)
	buf := make([]byte, 64)
	_ = conn.SetReadDeadline(time.Now().Add(time.Second))
	_, _ = conn.Read(buf)
	_ = conn.Close()
	if !p.fixed {
		p.release()
	}
}

// echoEngine is a healthy engine: it answers every stream with one line.
func echoEngine() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				buf := make([]byte, 64)
				_, _ = c.Read(buf)
				_, _ = io.WriteString(c, "data: ok\n")
			}()
		}
	}()
	return ln.Addr().String(), nil
}

// deadEngine returns an address on 127.0.0.1 where nothing listens.
func deadEngine() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := ln.Addr().String()
	return addr, ln.Close()
}

func main() {
	mode := flag.String("mode", "buggy", "buggy or fixed")
	metricsAddr := flag.String("metrics-bind-address", "127.0.0.1:0", "metrics address")
	interval := flag.Duration("request-interval", 400*time.Millisecond, "time between stream requests")
	report := flag.Duration("report-interval", 5*time.Second, "how often pending streams are reported")
	flag.Parse()
	if *mode != "buggy" && *mode != "fixed" {
		fmt.Fprintln(os.Stderr, "--mode must be buggy or fixed")
		os.Exit(2)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(pendingGauge, startedTotal, failedTotal, prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	ln, err := net.Listen("tcp", *metricsAddr)
	if err != nil {
		slog.Error("Failed to listen for metrics", "error", err)
		os.Exit(1)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	go func() { _ = http.Serve(ln, mux) }()

	live0, err1 := echoEngine()
	live1, err2 := echoEngine()
	dead, err3 := deadEngine()
	if err1 != nil || err2 != nil || err3 != nil {
		slog.Error("Failed to start engines")
		os.Exit(1)
	}
	p := &proxy{fixed: *mode == "fixed", engines: []engine{
		{"vllm-decode-0", live0}, {"vllm-decode-1", live1}, {"vllm-decode-2", dead},
	}}
	slog.Info("Stream proxy started", "mode", *mode, "metrics", "http://"+ln.Addr().String()+"/metrics", "engines", len(p.engines))

	ctx, cancel := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer cancel()
	reqs := time.NewTicker(*interval)
	defer reqs.Stop()
	reports := time.NewTicker(*report)
	defer reports.Stop()
	id := 0
	for {
		select {
		case <-ctx.Done():
			slog.Info("Stream proxy stopping", "pending", p.pending.Load())
			return
		case <-reqs.C:
			id++
			p.handle(id)
		case <-reports.C:
			if n := p.pending.Load(); n > 0 {
				slog.Warn("Pending streams still tracked", "count", n)
			}
		}
	}
}
