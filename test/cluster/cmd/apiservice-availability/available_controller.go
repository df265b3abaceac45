package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/klog/v2"
	apiregistrationv1 "k8s.io/kube-aggregator/pkg/apis/apiregistration/v1"
	informers "k8s.io/kube-aggregator/pkg/client/informers/externalversions/apiregistration/v1"
	listers "k8s.io/kube-aggregator/pkg/client/listers/apiregistration/v1"
)

// AvailableConditionController probes the discovery endpoint of every
// service-backed APIService, as kube-aggregator's controller of the same name does.
type AvailableConditionController struct {
	lister     listers.APIServiceLister
	synced     cache.InformerSynced
	queue      workqueue.TypedRateLimitingInterface[string]
	backend    string
	httpClient *http.Client
	fixed      bool
}

// statusError keeps the HTTP status of a failed discovery probe.
type statusError struct {
	url  string
	code int
}

func (e *statusError) Error() string { return fmt.Sprintf("bad status from %v: %d", e.url, e.code) }

func NewAvailableConditionController(inf informers.APIServiceInformer, backend string, fixed bool) *AvailableConditionController {
	c := &AvailableConditionController{
		lister: inf.Lister(),
		synced: inf.Informer().HasSynced,
		queue: workqueue.NewTypedRateLimitingQueueWithConfig(
			// same limiter as kube-aggregator: per-item exponential backoff plus an overall bucket
			workqueue.DefaultTypedControllerRateLimiter[string](),
			workqueue.TypedRateLimitingQueueConfig[string]{Name: "AvailableConditionController"},
		),
		backend: backend,
		httpClient: &http.Client{
			Timeout:   5 * time.Second,
			Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}},
		},
		fixed: fixed,
	}
	_, _ = inf.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    c.addAPIService,
		UpdateFunc: c.updateAPIService,
		DeleteFunc: c.deleteAPIService,
	})
	return c
}

func (c *AvailableConditionController) Run(ctx context.Context, workers int) {
	defer utilruntime.HandleCrash()
	defer c.queue.ShutDown()
	klog.Info("Starting AvailableConditionController")
	defer klog.Info("Shutting down AvailableConditionController")
	if !cache.WaitForNamedCacheSync("AvailableConditionController", ctx.Done(), c.synced) {
		return
	}
	for i := 0; i < workers; i++ {
		go wait.Until(c.runWorker, time.Second, ctx.Done())
	}
	<-ctx.Done()
}

func (c *AvailableConditionController) runWorker() {
	for c.processNextWorkItem() {
	}
}

func (c *AvailableConditionController) processNextWorkItem() bool {
	key, quit := c.queue.Get()
	if quit {
		return false
	}
	defer c.queue.Done(key)

	err := c.sync(key)
	if err == nil {
		c.queue.Forget(key)
		return true
	}
	utilruntime.HandleError(fmt.Errorf("%v failed with: %w", key, err))
	if c.fixed && isPermanent(err) {
		// Retrying cannot turn a rejected credential into an accepted one: drop the
		// key; the next real change to the APIService enqueues it again.
		klog.InfoS("Not requeueing APIService: the backend rejected the request", "apiservice", key, "requeues", c.queue.NumRequeues(key))
		c.queue.Forget(key)
		return true
	}
	c.queue.AddRateLimited(key)
	return true
}

func isPermanent(err error) bool {
	var se *statusError
	return errors.As(err, &se) && (se.code == http.StatusUnauthorized || se.code == http.StatusForbidden)
}

func (c *AvailableConditionController) sync(key string) error {
	apiService, err := c.lister.Get(key)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if apiService.Spec.Service == nil {
		// local APIServices are always available
		return nil
	}
	discoveryURL := fmt.Sprintf("%s/apis/%s/%s", c.backend, apiService.Spec.Group, apiService.Spec.Version)
	resp, err := c.httpClient.Get(discoveryURL)
	if err != nil {
		return fmt.Errorf("failing or missing response from %v: %w", discoveryURL, err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode < http.StatusOK || resp.StatusCode >= http.StatusMultipleChoices {
		return fmt.Errorf("failing or missing response from %v: %w", discoveryURL, &statusError{url: discoveryURL, code: resp.StatusCode})
	}
	return nil
}

func (c *AvailableConditionController) enqueue(obj *apiregistrationv1.APIService) {
	key, err := cache.DeletionHandlingMetaNamespaceKeyFunc(obj)
	if err != nil {
		utilruntime.HandleError(fmt.Errorf("couldn't get key for object %#v: %v", obj, err))
		return
	}
	if c.fixed && c.queue.NumRequeues(key) > 0 {
		// The key is in rate-limited backoff: its retry is already scheduled.
		klog.V(4).InfoS("APIService is backing off, not re-adding", "apiservice", key)
		return
	}
	c.queue.Add(key)
}

func (c *AvailableConditionController) addAPIService(obj interface{}) {
	castObj := obj.(*apiregistrationv1.APIService)
	klog.V(4).Infof("Adding %s", castObj.Name)
	c.enqueue(castObj)
}

func (c *AvailableConditionController) updateAPIService(oldObj, newObj interface{}) {
	oldAPIService := oldObj.(*apiregistrationv1.APIService)
	newAPIService := newObj.(*apiregistrationv1.APIService)
	if c.fixed && oldAPIService.ResourceVersion == newAPIService.ResourceVersion {
		// periodic resync: nothing changed, nothing to do
		return
	}
	klog.V(4).Infof("Updating %s", oldAPIService.Name)
	c.enqueue(newAPIService)
}

func (c *AvailableConditionController) deleteAPIService(obj interface{}) {
	castObj, ok := obj.(*apiregistrationv1.APIService)
	if !ok {
		tombstone, ok := obj.(cache.DeletedFinalStateUnknown)
		if !ok {
			return
		}
		castObj, ok = tombstone.Obj.(*apiregistrationv1.APIService)
		if !ok {
			return
		}
	}
	klog.V(4).Infof("Deleting %q", castObj.Name)
	c.enqueue(castObj)
}
