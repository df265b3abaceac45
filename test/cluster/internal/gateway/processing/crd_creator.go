// Package processing turns signals into kubernaut.ai RemediationRequests, the
// way kubernaut's gateway does.
package processing

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/go-logr/logr"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

var (
	RemediationRequestGVK     = schema.GroupVersionKind{Group: "kubernaut.ai", Version: "v1alpha1", Kind: "RemediationRequest"}
	RemediationRequestListGVK = schema.GroupVersionKind{Group: "kubernaut.ai", Version: "v1alpha1", Kind: "RemediationRequestList"}
)

// Signal is one normalised alert.
type Signal struct {
	Fingerprint string
	AlertName   string
	Namespace   string
	Resource    string
	Severity    string
}

// Result says what happened to a signal.
type Result struct {
	Name      string
	Created   bool
	Duplicate bool
}

// CRDCreator creates RemediationRequests.
//
// Buggy mode checks the informer cache for an active RemediationRequest with
// the same fingerprint and creates one with a random suffix when it finds none:
// concurrent signals all read the same stale cache and all create.
// Fixed mode derives the name from the fingerprint and treats AlreadyExists as
// the deduplication, so the apiserver decides, not the cache.
type CRDCreator struct {
	Cached    client.Reader // the manager's informer cache
	Writer    client.Client
	Namespace string
	Fixed     bool
	Log       logr.Logger
	// Enrichment stands for the lookups the real gateway does between its
	// dedup check and the create (owner chain, labels): time in which the cache stays stale.
	Enrichment time.Duration
}

var terminalPhases = map[string]bool{"Completed": true, "Failed": true, "TimedOut": true, "Skipped": true, "Cancelled": true}

func (c *CRDCreator) findActive(ctx context.Context, fingerprint string) (string, error) {
	list := &unstructured.UnstructuredList{}
	list.SetGroupVersionKind(RemediationRequestListGVK)
	if err := c.Cached.List(ctx, list, client.InNamespace(c.Namespace)); err != nil {
		return "", err
	}
	for _, item := range list.Items {
		fp, _, _ := unstructured.NestedString(item.Object, "spec", "signalFingerprint")
		phase, _, _ := unstructured.NestedString(item.Object, "status", "overallPhase")
		if fp == fingerprint && !terminalPhases[phase] {
			return item.GetName(), nil
		}
	}
	return "", nil
}

func (c *CRDCreator) object(name string, s Signal) *unstructured.Unstructured {
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(RemediationRequestGVK)
	u.SetName(name)
	u.SetNamespace(c.Namespace)
	u.SetLabels(map[string]string{
		"kubernaut.ai/signal-type": "prometheus-alert",
		"kubernaut.ai/severity":    s.Severity,
	})
	_ = unstructured.SetNestedMap(u.Object, map[string]interface{}{
		"signalFingerprint": s.Fingerprint,
		"signalName":        s.AlertName,
		"signalType":        "prometheus-alert",
		"severity":          s.Severity,
		"targetResource":    map[string]interface{}{"kind": "Pod", "name": s.Resource, "namespace": s.Namespace},
		"firingTime":        time.Now().UTC().Format(time.RFC3339),
		"receivedTime":      time.Now().UTC().Format(time.RFC3339),
	}, "spec")
	return u
}

func randSuffix() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// CreateRemediationRequest handles one signal.
func (c *CRDCreator) CreateRemediationRequest(ctx context.Context, s Signal) (Result, error) {
	if !c.Fixed {
		existing, err := c.findActive(ctx, s.Fingerprint)
		if err != nil {
			return Result{}, err
		}
		if existing != "" {
			c.Log.Info("Duplicate signal, RemediationRequest already active", "name", existing, "namespace", c.Namespace, "fingerprint", s.Fingerprint)
			return Result{Name: existing, Duplicate: true}, nil
		}
		time.Sleep(c.Enrichment)
		name := fmt.Sprintf("rr-%s-%s", s.Fingerprint[:12], randSuffix())
		if err := c.Writer.Create(ctx, c.object(name, s)); err != nil {
			c.Log.Error(err, "Failed to create RemediationRequest CRD", "name", name, "namespace", c.Namespace, "fingerprint", s.Fingerprint)
			return Result{}, err
		}
		c.Log.Info("Created RemediationRequest CRD", "name", name, "namespace", c.Namespace, "fingerprint", s.Fingerprint)
		c.setPending(ctx, name)
		return Result{Name: name, Created: true}, nil
	}

	time.Sleep(c.Enrichment)
	name := fmt.Sprintf("rr-%s-%s", s.Fingerprint[:12], s.Fingerprint[12:20])
	err := c.Writer.Create(ctx, c.object(name, s))
	switch {
	case apierrors.IsAlreadyExists(err):
		c.Log.Info("Duplicate signal, RemediationRequest already exists", "name", name, "namespace", c.Namespace, "fingerprint", s.Fingerprint)
		return Result{Name: name, Duplicate: true}, nil
	case err != nil:
		c.Log.Error(err, "Failed to create RemediationRequest CRD", "name", name, "namespace", c.Namespace, "fingerprint", s.Fingerprint)
		return Result{}, err
	}
	c.Log.Info("Created RemediationRequest CRD", "name", name, "namespace", c.Namespace, "fingerprint", s.Fingerprint)
	c.setPending(ctx, name)
	return Result{Name: name, Created: true}, nil
}

// setPending records the initial phase in the status subresource.
func (c *CRDCreator) setPending(ctx context.Context, name string) {
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(RemediationRequestGVK)
	if err := c.Writer.Get(ctx, client.ObjectKey{Namespace: c.Namespace, Name: name}, u); err != nil {
		return
	}
	_ = unstructured.SetNestedField(u.Object, "Pending", "status", "overallPhase")
	_ = unstructured.SetNestedField(u.Object, metav1.Now().UTC().Format(time.RFC3339), "status", "startTime")
	if err := c.Writer.Status().Update(ctx, u); err != nil {
		c.Log.V(1).Info("Could not set initial phase", "name", name, "error", err.Error())
	}
}
