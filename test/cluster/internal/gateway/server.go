// Package gateway receives Prometheus AlertManager webhooks and turns each
// alert into a signal for processing.CRDCreator.
package gateway

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/ctrlscope/ctrlscope/test/cluster/internal/gateway/processing"
)

var (
	signalsReceived = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "gateway_signals_received_total", Help: "Signals received.",
	}, []string{"source"})
	crdsCreated = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "gateway_crds_created_total", Help: "RemediationRequests created.",
	}, []string{"namespace"})
	signalsDeduplicated = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "gateway_signals_deduplicated_total", Help: "Signals folded into an existing RemediationRequest.",
	}, []string{"namespace"})
)

// Collectors are the gateway's own metrics.
func Collectors() []prometheus.Collector {
	return []prometheus.Collector{signalsReceived, crdsCreated, signalsDeduplicated}
}

type alertManagerWebhook struct {
	Alerts []struct {
		Labels map[string]string `json:"labels"`
	} `json:"alerts"`
}

// Fingerprint is the 64-hex SHA-256 of the alert's identity.
func Fingerprint(alertName, namespace, kind, name string) string {
	sum := sha256.Sum256([]byte(alertName + ":" + namespace + ":" + kind + ":" + name))
	return hex.EncodeToString(sum[:])
}

// Server is the HTTP side of the gateway.
type Server struct {
	Creator *processing.CRDCreator
	Log     logr.Logger
}

func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/api/v1/signals/prometheus", s.prometheus)
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) })
	return mux
}

func (s *Server) prometheus(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	var hook alertManagerWebhook
	if err := json.NewDecoder(r.Body).Decode(&hook); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	status := http.StatusAccepted
	var results []processing.Result
	for _, a := range hook.Alerts {
		signalsReceived.WithLabelValues("prometheus").Inc()
		pod := a.Labels["pod"]
		sig := processing.Signal{
			AlertName:   a.Labels["alertname"],
			Namespace:   a.Labels["namespace"],
			Resource:    pod,
			Severity:    a.Labels["severity"],
			Fingerprint: Fingerprint(a.Labels["alertname"], a.Labels["namespace"], "Pod", pod),
		}
		if sig.Severity == "" {
			sig.Severity = "warning"
		}
		s.Log.V(1).Info("Signal received", "alertname", sig.AlertName, "fingerprint", sig.Fingerprint)
		res, err := s.Creator.CreateRemediationRequest(r.Context(), sig)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		if res.Created {
			crdsCreated.WithLabelValues(s.Creator.Namespace).Inc()
			status = http.StatusCreated
		} else {
			signalsDeduplicated.WithLabelValues(s.Creator.Namespace).Inc()
		}
		results = append(results, res)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(results)
}
