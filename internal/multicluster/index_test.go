package multicluster

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/cache"
)

// cachedCluster is a Ready cluster whose caches hold objs, with the indexes
// List uses when indexed is true, or only the namespace index (so every
// label or field query scans) when false.
func cachedCluster(t testing.TB, indexed bool, objs map[string][]runtime.Object) *Cluster {
	t.Helper()
	c := &Cluster{name: "t", informers: map[string]cache.SharedIndexInformer{}, feeds: map[string]*feed{}, synced: true,
		health: Health{Phase: PhaseReady}}
	for _, k := range Kinds {
		var example runtime.Object = &corev1.Pod{}
		if k.Name == "events" {
			example = &corev1.Event{}
		}
		inf := cache.NewSharedIndexInformer(&cache.ListWatch{}, example, 0,
			cache.Indexers{cache.NamespaceIndex: cache.MetaNamespaceIndexFunc})
		if indexed {
			if err := inf.AddIndexers(indexers(k)); err != nil {
				t.Fatal(err)
			}
		}
		for _, o := range objs[k.Name] {
			if err := inf.GetIndexer().Add(o); err != nil {
				t.Fatal(err)
			}
		}
		c.informers[k.Name] = inf
		c.feeds[k.Name] = newFeed()
	}
	return c
}

func indexTestObjects() map[string][]runtime.Object {
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var pods, events []runtime.Object
	for i := range 600 {
		ls := map[string]string{
			"app":  fmt.Sprintf("app-%d", i%12),
			"tier": []string{"web", "api", "worker"}[i%3],
		}
		if i%5 == 0 {
			ls["canary"] = "true"
		}
		if i%7 == 0 {
			ls["empty"] = ""
		}
		p := &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{
				Name:      fmt.Sprintf("pod-%03d", i),
				Namespace: fmt.Sprintf("ns-%d", i%4),
				UID:       types.UID(fmt.Sprintf("uid-%d", i)),
				Labels:    ls,
				// Several pods share a timestamp, so ties are sorted by name.
				CreationTimestamp: metav1.NewTime(base.Add(time.Duration(i%50) * time.Minute)),
			},
			Spec:   corev1.PodSpec{NodeName: fmt.Sprintf("node-%d", i%9)},
			Status: corev1.PodStatus{Phase: []corev1.PodPhase{corev1.PodRunning, corev1.PodPending}[i%2]},
		}
		if i%11 == 0 {
			p.Spec.NodeName = ""
		}
		pods = append(pods, p)
		if i%2 == 0 {
			events = append(events, &corev1.Event{
				ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("ev-%03d", i), Namespace: p.Namespace,
					CreationTimestamp: metav1.NewTime(base.Add(time.Duration(i) * time.Second))},
				InvolvedObject: corev1.ObjectReference{Kind: "Pod", Name: p.Name, UID: types.UID(fmt.Sprintf("uid-%d", i%40))},
				Type:           "Normal",
			})
		}
	}
	return map[string][]runtime.Object{"pods": pods, "events": events}
}

// listAll pages through q and returns the names in order, with the totals
// every page reported.
func listAll(t *testing.T, c *Cluster, kind string, q Query) (names []string, totals []int) {
	t.Helper()
	for range 1000 {
		page, err := c.List(kind, q)
		if err != nil {
			t.Fatalf("List(%s, %+v): %v", kind, q, err)
		}
		for _, o := range page.Items {
			acc := o.(metav1.Object)
			names = append(names, acc.GetNamespace()+"/"+acc.GetName())
		}
		totals = append(totals, page.Total)
		if page.Continue == "" {
			return names, totals
		}
		q.Continue = page.Continue
	}
	t.Fatalf("List(%s, %+v): more than 1000 pages", kind, q)
	return nil, nil
}

// TestIndexedListMatchesScan lists through the indexes and by scanning
// with the same queries, page by page in every sort order, and expects the
// same pages.
func TestIndexedListMatchesScan(t *testing.T) {
	objs := indexTestObjects()
	indexed, scanned := cachedCluster(t, true, objs), cachedCluster(t, false, objs)

	queries := []struct {
		kind string
		q    Query
		// atLeast is the smallest number of matches expected, so that a
		// case does not pass by matching nothing on both paths.
		atLeast int
	}{
		{"pods", Query{}, 600},
		{"pods", Query{LabelSelector: "app=app-3"}, 50},
		{"pods", Query{LabelSelector: "app==app-3"}, 50},
		{"pods", Query{LabelSelector: "app in (app-3)"}, 50},
		{"pods", Query{LabelSelector: "app in (app-3,app-5,app-99)"}, 100},
		{"pods", Query{LabelSelector: "app=app-99"}, 0},
		{"pods", Query{LabelSelector: "app=app-3,tier=web"}, 50},
		{"pods", Query{LabelSelector: "tier=web,app=app-4"}, 0},
		{"pods", Query{LabelSelector: "tier=api,canary=true"}, 40},
		{"pods", Query{LabelSelector: "app=app-2,canary!=true"}, 40},
		{"pods", Query{LabelSelector: "app=app-2,!canary"}, 40},
		{"pods", Query{LabelSelector: "app=app-1,canary"}, 10},
		{"pods", Query{LabelSelector: "app=app-1,tier in (web,api)"}, 50},
		{"pods", Query{LabelSelector: "app=app-1,tier notin (web)"}, 50},
		{"pods", Query{LabelSelector: "empty="}, 80},
		{"pods", Query{LabelSelector: "empty=,app=app-0"}, 5},
		{"pods", Query{LabelSelector: "app!=app-1"}, 500},
		{"pods", Query{LabelSelector: "canary"}, 120},
		{"pods", Query{LabelSelector: "tier in (web,worker)"}, 400},
		{"pods", Query{Namespace: "ns-1"}, 150},
		{"pods", Query{Namespace: "ns-1", LabelSelector: "app=app-1"}, 50},
		{"pods", Query{Namespace: "ns-2", LabelSelector: "app=app-1"}, 0},
		{"pods", Query{Namespace: "ns-1", LabelSelector: "tier=api", NameContains: "pod-1"}, 5},
		{"pods", Query{FieldSelector: "spec.nodeName=node-2"}, 50},
		{"pods", Query{FieldSelector: "spec.nodeName==node-2,status.phase=Running"}, 20},
		{"pods", Query{FieldSelector: "spec.nodeName="}, 50},
		{"pods", Query{FieldSelector: "spec.nodeName!=node-2"}, 500},
		{"pods", Query{FieldSelector: "spec.nodeName=node-1", LabelSelector: "app=app-4"}, 1},
		{"pods", Query{FieldSelector: "metadata.namespace=ns-3", LabelSelector: "tier=worker"}, 50},
		{"pods", Query{FieldSelector: "metadata.namespace=ns-3,metadata.name=pod-003"}, 1},
		{"pods", Query{Namespace: "ns-0", FieldSelector: "metadata.namespace=ns-1"}, 0},
		{"pods", Query{FieldSelector: "status.phase=Pending", LabelSelector: "app in (app-1,app-3)"}, 100},
		{"events", Query{FieldSelector: "involvedObject.uid=uid-4"}, 5},
		{"events", Query{Namespace: "ns-0", FieldSelector: "involvedObject.uid=uid-4,type=Normal"}, 5},
		{"events", Query{FieldSelector: "involvedObject.uid=uid-5"}, 0},
	}
	for _, tc := range queries {
		for _, sort := range []string{SortName, SortNameDesc, SortCreation, SortCreationDesc} {
			for _, limit := range []int{0, 7, 100} {
				q := tc.q
				q.Sort, q.Limit = sort, limit
				name := fmt.Sprintf("%s/%+v", tc.kind, q)
				t.Run(name, func(t *testing.T) {
					gotNames, gotTotals := listAll(t, indexed, tc.kind, q)
					wantNames, wantTotals := listAll(t, scanned, tc.kind, q)
					if diff := cmp.Diff(wantNames, gotNames); diff != "" {
						t.Errorf("names, indexed vs scan (-scan +indexed):\n%s", diff)
					}
					if diff := cmp.Diff(wantTotals, gotTotals); diff != "" {
						t.Errorf("totals, indexed vs scan (-scan +indexed):\n%s", diff)
					}
					if len(wantNames) < tc.atLeast {
						t.Errorf("%d matches, want at least %d", len(wantNames), tc.atLeast)
					}
				})
			}
		}
	}
}

// TestLookupsChooseIndex checks which index reads a query allows.
func TestLookupsChooseIndex(t *testing.T) {
	c := cachedCluster(t, true, indexTestObjects())
	tests := []struct {
		kind string
		q    Query
		want []lookup
	}{
		{"pods", Query{}, nil},
		{"pods", Query{LabelSelector: "app!=x,!canary,tier notin (web)"}, nil},
		{"pods", Query{LabelSelector: "app=x"}, []lookup{{labelIndex, []string{"app=x"}}}},
		{"pods", Query{Namespace: "n", LabelSelector: "app in (x),tier==y"},
			[]lookup{{cache.NamespaceIndex, []string{"n"}}, {labelIndex, []string{"app=x"}}, {labelIndex, []string{"tier=y"}}}},
		{"pods", Query{FieldSelector: "spec.nodeName=n1,status.phase=Running,metadata.namespace=ns"},
			[]lookup{{cache.NamespaceIndex, []string{"ns"}}, {fieldIndex, []string{"spec.nodeName=n1"}}}},
		{"nodes", Query{Namespace: "ignored", FieldSelector: "metadata.namespace=ns"}, nil},
		{"events", Query{FieldSelector: "involvedObject.uid=u"}, []lookup{{fieldIndex, []string{"involvedObject.uid=u"}}}},
	}
	for _, tc := range tests {
		k, err := KindByName(tc.kind)
		if err != nil {
			t.Fatal(err)
		}
		sel, err := parseSelectors(k, tc.q)
		if err != nil {
			t.Fatal(err)
		}
		got := lookups(c.informers[tc.kind].GetIndexer(), k, tc.q, sel)
		if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(lookup{})); diff != "" {
			t.Errorf("%s %+v (-want +got):\n%s", tc.kind, tc.q, diff)
		}
	}
}
