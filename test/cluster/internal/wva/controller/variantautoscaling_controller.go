// Package controller reconciles llmd.ai/v1alpha1 VariantAutoscalings the way
// the workload-variant-autoscaler does: a reconcile computes the optimisation
// over every VariantAutoscaling, and a change of the autoscaler's ConfigMap
// triggers reconciliation.
package controller

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

var (
	VariantAutoscalingGVK     = schema.GroupVersionKind{Group: "llmd.ai", Version: "v1alpha1", Kind: "VariantAutoscaling"}
	VariantAutoscalingListGVK = schema.GroupVersionKind{Group: "llmd.ai", Version: "v1alpha1", Kind: "VariantAutoscalingList"}
)

// ConfigMapName is the autoscaler's configuration.
const ConfigMapName = "variantautoscaling-config"

// Reconciler reconciles VariantAutoscalings.
//
// Buggy: the ConfigMap watch enqueues one request per VariantAutoscaling, and
// every reconcile optimises all of them: N requests x N objects.
// Fixed: the ConfigMap change enqueues one request (the ConfigMap's key) that
// optimises all of them once; a VariantAutoscaling event reconciles only itself.
type Reconciler struct {
	Client    client.Client
	APIReader client.Reader // uncached reads: each processed object costs a GET
	Namespace string
	Fixed     bool
}

func (r *Reconciler) list(ctx context.Context) ([]unstructured.Unstructured, error) {
	l := &unstructured.UnstructuredList{}
	l.SetGroupVersionKind(VariantAutoscalingListGVK)
	if err := r.Client.List(ctx, l, client.InNamespace(r.Namespace)); err != nil {
		return nil, err
	}
	return l.Items, nil
}

func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	logger := log.FromContext(ctx)
	start := time.Now()
	var targets []types.NamespacedName
	if r.Fixed && req.Name != ConfigMapName {
		targets = []types.NamespacedName{req.NamespacedName}
	} else {
		items, err := r.list(ctx)
		if err != nil {
			return ctrl.Result{}, err
		}
		for _, it := range items {
			targets = append(targets, types.NamespacedName{Namespace: it.GetNamespace(), Name: it.GetName()})
		}
	}
	logger.Info("Starting optimization loop", "variants", len(targets))
	processed := 0
	for _, t := range targets {
		va := &unstructured.Unstructured{}
		va.SetGroupVersionKind(VariantAutoscalingGVK)
		if err := r.APIReader.Get(ctx, t, va); err != nil {
			if client.IgnoreNotFound(err) == nil {
				continue
			}
			return ctrl.Result{}, err
		}
		model, _, _ := unstructured.NestedString(va.Object, "spec", "modelID")
		logger.Info("Processing variant", "variant", t.Name, "model", model)
		processed++
	}
	logger.Info("Optimization loop completed", "processed", processed, "duration", time.Since(start).String())
	return ctrl.Result{}, nil
}

func (r *Reconciler) configMapToRequests(ctx context.Context, obj client.Object) []reconcile.Request {
	logger := log.FromContext(ctx).WithName("configmap-watch")
	items, err := r.list(ctx)
	if err != nil {
		logger.Error(err, "Failed to list VariantAutoscalings for ConfigMap change")
		return nil
	}
	if r.Fixed {
		logger.Info(fmt.Sprintf("Enqueuing one reconciliation for all VariantAutoscaling resources due to ConfigMap change: count=%d", len(items)), "configmap", obj.GetName())
		return []reconcile.Request{{NamespacedName: types.NamespacedName{Namespace: obj.GetNamespace(), Name: ConfigMapName}}}
	}
	logger.Info(fmt.Sprintf("Triggering reconciliation for all VariantAutoscaling resources due to ConfigMap change: count=%d", len(items)), "configmap", obj.GetName())
	reqs := make([]reconcile.Request, 0, len(items))
	for _, it := range items {
		reqs = append(reqs, reconcile.Request{NamespacedName: types.NamespacedName{Namespace: it.GetNamespace(), Name: it.GetName()}})
	}
	return reqs
}

// SetupWithManager registers the controller as "variantautoscaling".
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	va := &unstructured.Unstructured{}
	va.SetGroupVersionKind(VariantAutoscalingGVK)
	isConfig := predicate.NewPredicateFuncs(func(o client.Object) bool {
		return o.GetName() == ConfigMapName && o.GetNamespace() == r.Namespace
	})
	return ctrl.NewControllerManagedBy(mgr).
		Named("variantautoscaling").
		For(va).
		Watches(&corev1.ConfigMap{}, handler.EnqueueRequestsFromMapFunc(r.configMapToRequests), builder.WithPredicates(isConfig)).
		Complete(r)
}
