// Command loadpods fills a sandbox cluster with pods for the console
// benchmark: created directly with spec.nodeName (round-robin over the
// nodes; no scheduler or controller involved, as ARCHITECTURE.md
// recommends for large loads) by parallel workers, then waits until the
// server's cache would see them all Running.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"sync"
	"sync/atomic"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

func main() {
	kubeconfig := flag.String("kubeconfig", "", "admin kubeconfig of the sandbox cluster")
	pods := flag.Int("pods", 10000, "pods to create")
	namespaces := flag.Int("namespaces", 10, "namespaces to spread them over")
	workers := flag.Int("workers", 16, "parallel creators")
	flag.Parse()
	if err := run(context.Background(), *kubeconfig, *pods, *namespaces, *workers); err != nil {
		fmt.Fprintln(os.Stderr, "loadpods:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, kubeconfig string, pods, namespaces, workers int) error {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return fmt.Errorf("load kubeconfig: %w", err)
	}
	cfg.QPS, cfg.Burst = -1, 0
	c, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	nodes, err := c.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return fmt.Errorf("list nodes: %w", err)
	}
	if len(nodes.Items) == 0 {
		return fmt.Errorf("the cluster has no nodes")
	}
	for i := range namespaces {
		ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("load-%02d", i)}}
		if _, err := c.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("create namespace: %w", err)
		}
	}
	start := time.Now()
	next := atomic.Int64{}
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= pods {
					return
				}
				if err := createPod(ctx, c, i, namespaces, nodes.Items[i%len(nodes.Items)].Name); err != nil {
					errs <- err
					return
				}
				if (i+1)%1000 == 0 {
					log.Printf("created %d pods in %s", i+1, time.Since(start).Round(time.Second))
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	log.Printf("created %d pods in %s", pods, time.Since(start).Round(time.Second))
	return nil
}

func createPod(ctx context.Context, c kubernetes.Interface, i, namespaces int, node string) error {
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Name:      fmt.Sprintf("pod-%05d", i),
			Namespace: fmt.Sprintf("load-%02d", i%namespaces),
			Labels:    map[string]string{"app": fmt.Sprintf("app-%d", i%100)},
		},
		Spec: corev1.PodSpec{
			NodeName:   node,
			Containers: []corev1.Container{{Name: "app", Image: "busybox"}},
		},
	}
	_, err := c.CoreV1().Pods(pod.Namespace).Create(ctx, pod, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("create pod %s: %w", pod.Name, err)
	}
	return nil
}
