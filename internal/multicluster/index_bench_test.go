package multicluster

import (
	"fmt"
	"runtime"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kruntime "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
)

// benchPods are n pods shaped like bench/multicluster's: 50 namespaces,
// labels app (100 values), tier (3) and team (10), 1,000 nodes.
func benchPods(n int) map[string][]kruntime.Object {
	pods := make([]kruntime.Object, n)
	for i := range n {
		pods[i] = &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("pod-%06d", i), Namespace: fmt.Sprintf("bench-ns-%02d", i%50),
				UID: types.UID(fmt.Sprintf("uid-%06d", i)),
				Labels: map[string]string{"app": fmt.Sprintf("app-%d", i%100), "tier": []string{"web", "api", "worker"}[i%3],
					"team": fmt.Sprintf("team-%d", i%10)}},
			Spec: corev1.PodSpec{NodeName: fmt.Sprintf("node-%06d", i%1000),
				Containers: []corev1.Container{{Name: "app", Image: "registry.example.com/bench/app:1.0"}}},
		}
	}
	return map[string][]kruntime.Object{"pods": pods}
}

// BenchmarkListLabelSelector is one page of 100 of the 100 pods out of
// 10,000 that app=app-K selects, through the label index and by scanning.
func BenchmarkListLabelSelector(b *testing.B) {
	objs := benchPods(10000)
	for _, indexed := range []bool{true, false} {
		c := cachedCluster(b, indexed, objs)
		b.Run(fmt.Sprintf("indexed=%v", indexed), func(b *testing.B) {
			i := 0
			for b.Loop() {
				page, err := c.List("pods", Query{LabelSelector: fmt.Sprintf("app=app-%d", i%100), Limit: 100})
				if err != nil || len(page.Items) != 100 {
					b.Fatalf("%d items, %v", len(page.Items), err)
				}
				i++
			}
		})
	}
}

// BenchmarkIndexMemory reports the heap the label and field indexes of
// 10,000 such pods hold, per pod. Each iteration fills two caches: run it
// with -benchtime 1x.
func BenchmarkIndexMemory(b *testing.B) {
	objs := benchPods(10000)
	heap := func(indexed bool) (uint64, *Cluster) {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		c := cachedCluster(b, indexed, objs)
		runtime.GC()
		runtime.ReadMemStats(&after)
		return after.HeapAlloc - before.HeapAlloc, c
	}
	for b.Loop() {
		with, c1 := heap(true)
		without, c2 := heap(false)
		b.ReportMetric(float64(int64(with)-int64(without))/10000, "index-B/pod")
		runtime.KeepAlive(c1)
		runtime.KeepAlive(c2)
	}
}
