// Command clusterctl prepares and inspects the test cluster with client-go
// only, so the tier needs no kubectl:
//
//	clusterctl pki --dir D --server URL --kubeconfig F   certificates and the admin kubeconfig
//	clusterctl bootstrap --kubeconfig F --readonly-kubeconfig G
//	                                                       wait for readiness, CRDs, namespaces, RBAC,
//	                                                       the read-only ServiceAccount and its kubeconfig
//	clusterctl seed --kubeconfig F                         APIService, VariantAutoscalings, ConfigMap
//	clusterctl touch-configmap --kubeconfig F              change the autoscaler ConfigMap once
//	clusterctl dump --kubeconfig F --out DIR               `kubectl get -o yaml`-shaped Lists
//	clusterctl clean --kubeconfig F                        delete the RemediationRequests
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	authnv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apiextclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	apiregv1 "k8s.io/kube-aggregator/pkg/apis/apiregistration/v1"
	aggregatorclient "k8s.io/kube-aggregator/pkg/client/clientset_generated/clientset"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/yaml"

	"github.com/ctrlscope/ctrlscope/test/cluster/internal/pki"
)

const (
	gatewayNS  = "kubernaut-system"
	wvaNS      = "llm-d-sim"
	roNS       = "ctrlscope-system"
	roSA       = "ctrlscope"
	apiService = "v1beta1.metrics.example.io"
	configMap  = "variantautoscaling-config"
)

var (
	rrGVR  = schema.GroupVersionResource{Group: "kubernaut.ai", Version: "v1alpha1", Resource: "remediationrequests"}
	vaGVR  = schema.GroupVersionResource{Group: "llmd.ai", Version: "v1alpha1", Resource: "variantautoscalings"}
	apsGVR = schema.GroupVersionResource{Group: "apiregistration.k8s.io", Version: "v1", Resource: "apiservices"}
	cmGVR  = schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}
	evGVR  = schema.GroupVersionResource{Version: "v1", Resource: "events"}
)

func die(format string, a ...interface{}) {
	fmt.Fprintf(os.Stderr, "clusterctl: "+format+"\n", a...)
	os.Exit(1)
}

func main() {
	if len(os.Args) < 2 {
		die("usage: clusterctl pki|bootstrap|seed|touch-configmap|dump|clean [flags]")
	}
	cmd := os.Args[1]
	fs := flag.NewFlagSet(cmd, flag.ExitOnError)
	kubeconfig := fs.String("kubeconfig", "", "kubeconfig")
	dir := fs.String("dir", "", "pki directory")
	server := fs.String("server", "", "apiserver URL")
	ro := fs.String("readonly-kubeconfig", "", "where to write the read-only kubeconfig")
	out := fs.String("out", "", "dump directory")
	variants := fs.Int("variants", 20, "VariantAutoscalings to create")
	timeout := fs.Duration("timeout", 3*time.Minute, "readiness timeout")
	_ = fs.Parse(os.Args[2:])
	ctx := context.Background()

	if cmd == "pki" {
		if err := pki.Write(*dir); err != nil {
			die("pki: %v", err)
		}
		writeKubeconfig(*kubeconfig, *server, filepath.Join(*dir, "ca.crt"), func(a *clientcmdapi.AuthInfo) {
			a.ClientCertificateData = mustRead(filepath.Join(*dir, "admin.crt"))
			a.ClientKeyData = mustRead(filepath.Join(*dir, "admin.key"))
		}, "admin")
		return
	}

	cfg, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		die("kubeconfig: %v", err)
	}
	cfg.QPS, cfg.Burst = 200, 400
	kc := kubernetes.NewForConfigOrDie(cfg)
	dyn := dynamic.NewForConfigOrDie(cfg)

	switch cmd {
	case "bootstrap":
		waitReady(ctx, kc, *timeout)
		installCRDs(ctx, apiextclient.NewForConfigOrDie(cfg))
		for _, ns := range []string{gatewayNS, wvaNS, roNS} {
			_, err := kc.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
			ignoreExists(err, "namespace "+ns)
		}
		readOnlyIdentity(ctx, kc, cfg, *ro)
	case "seed":
		seed(ctx, cfg, dyn, *variants)
	case "touch-configmap":
		cm, err := kc.CoreV1().ConfigMaps(wvaNS).Get(ctx, configMap, metav1.GetOptions{})
		if err != nil {
			die("get configmap: %v", err)
		}
		cm.Data["GLOBAL_OPT_INTERVAL"] = fmt.Sprintf("%ds", 30+time.Now().Second())
		cm.Data["lastChange"] = time.Now().UTC().Format(time.RFC3339Nano)
		if _, err := kc.CoreV1().ConfigMaps(wvaNS).Update(ctx, cm, metav1.UpdateOptions{}); err != nil {
			die("update configmap: %v", err)
		}
	case "dump":
		dump(ctx, dyn, *out)
	case "clean":
		err := dyn.Resource(rrGVR).Namespace(gatewayNS).DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			die("clean: %v", err)
		}
	default:
		die("unknown command %q", cmd)
	}
}

func mustRead(p string) []byte {
	b, err := os.ReadFile(p)
	if err != nil {
		die("%v", err)
	}
	return b
}

func writeKubeconfig(path, server, caFile string, auth func(*clientcmdapi.AuthInfo), user string) {
	c := clientcmdapi.NewConfig()
	c.Clusters["ctrlscope-test"] = &clientcmdapi.Cluster{Server: server, CertificateAuthorityData: mustRead(caFile)}
	a := clientcmdapi.NewAuthInfo()
	auth(a)
	c.AuthInfos[user] = a
	c.Contexts[user+"@ctrlscope-test"] = &clientcmdapi.Context{Cluster: "ctrlscope-test", AuthInfo: user}
	c.CurrentContext = user + "@ctrlscope-test"
	if err := clientcmd.WriteToFile(*c, path); err != nil {
		die("write %s: %v", path, err)
	}
}

func ignoreExists(err error, what string) {
	if err != nil && !apierrors.IsAlreadyExists(err) {
		die("create %s: %v", what, err)
	}
}

func waitReady(ctx context.Context, kc kubernetes.Interface, timeout time.Duration) {
	deadline := time.Now().Add(timeout)
	for {
		body, err := kc.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx)
		if err == nil && string(body) == "ok" {
			break
		}
		if time.Now().After(deadline) {
			die("apiserver not ready after %s: %v %s", timeout, err, body)
		}
		time.Sleep(500 * time.Millisecond)
	}
	// the default namespace and RBAC bootstrap roles come from post-start hooks
	for time.Now().Before(deadline) {
		if _, err := kc.CoreV1().Namespaces().Get(ctx, "default", metav1.GetOptions{}); err == nil {
			if _, err := kc.RbacV1().ClusterRoles().Get(ctx, "view", metav1.GetOptions{}); err == nil {
				return
			}
		}
		time.Sleep(500 * time.Millisecond)
	}
	die("bootstrap objects missing after %s", timeout)
}

func props(p map[string]apiextv1.JSONSchemaProps) apiextv1.JSONSchemaProps {
	return apiextv1.JSONSchemaProps{Type: "object", Properties: p, XPreserveUnknownFields: ptr.To(true)}
}

func crd(group, kind, plural, short string, spec, status apiextv1.JSONSchemaProps, cols []apiextv1.CustomResourceColumnDefinition) *apiextv1.CustomResourceDefinition {
	return &apiextv1.CustomResourceDefinition{
		ObjectMeta: metav1.ObjectMeta{Name: plural + "." + group},
		Spec: apiextv1.CustomResourceDefinitionSpec{
			Group: group,
			Names: apiextv1.CustomResourceDefinitionNames{Kind: kind, ListKind: kind + "List", Plural: plural, Singular: lower(kind), ShortNames: []string{short}},
			Scope: apiextv1.NamespaceScoped,
			Versions: []apiextv1.CustomResourceDefinitionVersion{{
				Name: "v1alpha1", Served: true, Storage: true,
				Schema:                   &apiextv1.CustomResourceValidation{OpenAPIV3Schema: &apiextv1.JSONSchemaProps{Type: "object", Properties: map[string]apiextv1.JSONSchemaProps{"spec": spec, "status": status}}},
				Subresources:             &apiextv1.CustomResourceSubresources{Status: &apiextv1.CustomResourceSubresourceStatus{}},
				AdditionalPrinterColumns: cols,
			}},
		},
	}
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

func installCRDs(ctx context.Context, c apiextclient.Interface) {
	str := apiextv1.JSONSchemaProps{Type: "string"}
	crds := []*apiextv1.CustomResourceDefinition{
		crd("kubernaut.ai", "RemediationRequest", "remediationrequests", "rr",
			props(map[string]apiextv1.JSONSchemaProps{"signalFingerprint": {Type: "string", Pattern: "^[a-f0-9]{64}$"}, "signalName": str, "severity": str}),
			props(map[string]apiextv1.JSONSchemaProps{"overallPhase": str}),
			[]apiextv1.CustomResourceColumnDefinition{
				{Name: "Phase", Type: "string", JSONPath: ".status.overallPhase"},
				{Name: "Fingerprint", Type: "string", JSONPath: ".spec.signalFingerprint", Priority: 1},
			}),
		crd("llmd.ai", "VariantAutoscaling", "variantautoscalings", "va",
			props(map[string]apiextv1.JSONSchemaProps{"modelID": str}),
			props(nil),
			[]apiextv1.CustomResourceColumnDefinition{{Name: "Model", Type: "string", JSONPath: ".spec.modelID"}}),
	}
	for _, d := range crds {
		_, err := c.ApiextensionsV1().CustomResourceDefinitions().Create(ctx, d, metav1.CreateOptions{})
		ignoreExists(err, "crd "+d.Name)
	}
	for _, d := range crds {
		for i := 0; ; i++ {
			got, err := c.ApiextensionsV1().CustomResourceDefinitions().Get(ctx, d.Name, metav1.GetOptions{})
			if err == nil {
				for _, cond := range got.Status.Conditions {
					if cond.Type == apiextv1.Established && cond.Status == apiextv1.ConditionTrue {
						goto next
					}
				}
			}
			if i > 120 {
				die("crd %s not established", d.Name)
			}
			time.Sleep(250 * time.Millisecond)
		}
	next:
	}
}

// readOnlyIdentity creates the ServiceAccount ctrlscope uses, bound to a
// ClusterRole that allows only get, list and watch, and writes its kubeconfig.
func readOnlyIdentity(ctx context.Context, kc kubernetes.Interface, cfg *rest.Config, path string) {
	_, err := kc.CoreV1().ServiceAccounts(roNS).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: roSA}}, metav1.CreateOptions{})
	ignoreExists(err, "serviceaccount")
	read := []string{"get", "list", "watch"}
	role := &rbacv1.ClusterRole{
		ObjectMeta: metav1.ObjectMeta{Name: "ctrlscope-readonly"},
		Rules: []rbacv1.PolicyRule{
			{APIGroups: []string{"*"}, Resources: []string{"*"}, Verbs: read},
			{NonResourceURLs: []string{"/metrics", "/version", "/healthz", "/readyz", "/livez", "/api", "/api/*", "/apis", "/apis/*"}, Verbs: []string{"get"}},
		},
	}
	_, err = kc.RbacV1().ClusterRoles().Create(ctx, role, metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) {
		_, err = kc.RbacV1().ClusterRoles().Update(ctx, role, metav1.UpdateOptions{})
	}
	if err != nil {
		die("clusterrole: %v", err)
	}
	_, err = kc.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "ctrlscope-readonly"},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "ctrlscope-readonly"},
		Subjects:   []rbacv1.Subject{{Kind: "ServiceAccount", Namespace: roNS, Name: roSA}},
	}, metav1.CreateOptions{})
	ignoreExists(err, "clusterrolebinding")
	tr, err := kc.CoreV1().ServiceAccounts(roNS).CreateToken(ctx, roSA, &authnv1.TokenRequest{
		Spec: authnv1.TokenRequestSpec{ExpirationSeconds: ptr.To[int64](24 * 3600)},
	}, metav1.CreateOptions{})
	if err != nil {
		die("token: %v", err)
	}
	caFile := filepath.Join(filepath.Dir(path), "pki", "ca.crt")
	writeKubeconfig(path, cfg.Host, caFile, func(a *clientcmdapi.AuthInfo) { a.Token = tr.Status.Token }, roSA)
}

func seed(ctx context.Context, cfg *rest.Config, dyn dynamic.Interface, n int) {
	ac := aggregatorclient.NewForConfigOrDie(cfg)
	_, err := ac.ApiregistrationV1().APIServices().Create(ctx, &apiregv1.APIService{
		ObjectMeta: metav1.ObjectMeta{Name: apiService},
		Spec: apiregv1.APIServiceSpec{
			Service:               &apiregv1.ServiceReference{Namespace: "default", Name: "metrics-backend", Port: ptr.To[int32](443)},
			Group:                 "metrics.example.io",
			Version:               "v1beta1",
			InsecureSkipTLSVerify: true,
			GroupPriorityMinimum:  100,
			VersionPriority:       100,
		},
	}, metav1.CreateOptions{})
	ignoreExists(err, "apiservice")
	models := []string{"meta-llama/Llama-3.1-8B-Instruct", "ibm-granite/granite-3.3-8b-instruct", "Qwen/Qwen3-32B", "mistralai/Mistral-7B-Instruct-v0.3"}
	for i := 0; i < n; i++ {
		u := &unstructured.Unstructured{Object: map[string]interface{}{
			"apiVersion": "llmd.ai/v1alpha1", "kind": "VariantAutoscaling",
			"metadata": map[string]interface{}{"name": fmt.Sprintf("variant-%02d", i), "namespace": wvaNS},
			"spec":     map[string]interface{}{"modelID": models[i%len(models)]},
		}}
		_, err := dyn.Resource(vaGVR).Namespace(wvaNS).Create(ctx, u, metav1.CreateOptions{})
		ignoreExists(err, "variantautoscaling")
	}
	cm := &unstructured.Unstructured{Object: map[string]interface{}{
		"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]interface{}{"name": configMap, "namespace": wvaNS},
		"data":     map[string]interface{}{"GLOBAL_OPT_INTERVAL": "60s", "WVA_SCALE_TO_ZERO": "false"},
	}}
	_, err = dyn.Resource(cmGVR).Namespace(wvaNS).Create(ctx, cm, metav1.CreateOptions{})
	ignoreExists(err, "configmap")
}

// dump writes what `kubectl get -o yaml` prints: a v1 List without managedFields.
func dump(ctx context.Context, dyn dynamic.Interface, out string) {
	if err := os.MkdirAll(out, 0o755); err != nil {
		die("%v", err)
	}
	targets := []struct {
		file string
		gvr  schema.GroupVersionResource
		ns   string
	}{
		{"remediationrequests.yaml", rrGVR, gatewayNS},
		{"variantautoscalings.yaml", vaGVR, wvaNS},
		{"configmaps.yaml", cmGVR, wvaNS},
		{"apiservices.yaml", apsGVR, ""},
		{"events.yaml", evGVR, ""},
	}
	for _, t := range targets {
		var l *unstructured.UnstructuredList
		var err error
		if t.ns == "" {
			l, err = dyn.Resource(t.gvr).List(ctx, metav1.ListOptions{})
		} else {
			l, err = dyn.Resource(t.gvr).Namespace(t.ns).List(ctx, metav1.ListOptions{})
		}
		if err != nil {
			die("list %s: %v", t.gvr.Resource, err)
		}
		items := make([]interface{}, 0, len(l.Items))
		for _, it := range l.Items {
			unstructured.RemoveNestedField(it.Object, "metadata", "managedFields")
			items = append(items, it.Object)
		}
		doc := map[string]interface{}{"apiVersion": "v1", "kind": "List", "items": items, "metadata": map[string]interface{}{"resourceVersion": ""}}
		b, err := yaml.Marshal(doc)
		if err != nil {
			die("%v", err)
		}
		if err := os.WriteFile(filepath.Join(out, t.file), b, 0o644); err != nil {
			die("%v", err)
		}
	}
}
