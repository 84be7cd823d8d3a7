package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// timeline is when a batch's objects came to be, as seconds after the
// batch started (API timestamps have a resolution of one second): the
// times by which given shares of the Deployments and of the Services were
// created, and of the pods became Ready. It shows which stage of a batch
// sets its pace: on this sandbox Service creation is serialized by the
// cluster IP allocator in both batches.
type timeline struct {
	deployments, services, podsReady []time.Duration
}

// timelineShares are the shares timeline rows report.
var timelineShares = []float64{0.1, 0.25, 0.5, 0.75, 0.9, 1}

func readTimeline(ctx context.Context, c client.Reader, ns string, start time.Time) (timeline, error) {
	var t timeline
	deps := &appsv1.DeploymentList{}
	if err := c.List(ctx, deps, client.InNamespace(ns)); err != nil {
		return t, fmt.Errorf("list deployments: %w", err)
	}
	for _, d := range deps.Items {
		t.deployments = append(t.deployments, d.CreationTimestamp.Sub(start))
	}
	svcs := &corev1.ServiceList{}
	if err := c.List(ctx, svcs, client.InNamespace(ns)); err != nil {
		return t, fmt.Errorf("list services: %w", err)
	}
	for _, s := range svcs.Items {
		t.services = append(t.services, s.CreationTimestamp.Sub(start))
	}
	pods := &corev1.PodList{}
	if err := c.List(ctx, pods, client.InNamespace(ns)); err != nil {
		return t, fmt.Errorf("list pods: %w", err)
	}
	for _, p := range pods.Items {
		for _, cond := range p.Status.Conditions {
			if cond.Type == corev1.PodReady && cond.Status == corev1.ConditionTrue {
				t.podsReady = append(t.podsReady, cond.LastTransitionTime.Sub(start))
			}
		}
	}
	return t, nil
}

// printTimelines prints both batches' timelines as one Markdown table.
func printTimelines(direct, operator timeline) {
	fmt.Printf("\n### When objects were created (seconds after the batch started; API timestamps, 1 s resolution)\n\n")
	head := []string{"| stage | batch"}
	sep := []string{"| --- | ---"}
	for _, s := range timelineShares {
		head = append(head, fmt.Sprintf("%.0f%%", 100*s))
		sep = append(sep, "---")
	}
	fmt.Println(strings.Join(head, " | ") + " |")
	fmt.Println(strings.Join(sep, " | ") + " |")
	rows := []struct {
		stage    string
		direct   []time.Duration
		operator []time.Duration
	}{
		{"Deployments created", direct.deployments, operator.deployments},
		{"Services created", direct.services, operator.services},
		{"pods Ready", direct.podsReady, operator.podsReady},
	}
	for _, r := range rows {
		for _, b := range []struct {
			name string
			ts   []time.Duration
		}{{"direct", r.direct}, {"operator", r.operator}} {
			cells := []string{"| " + r.stage, b.name}
			for _, s := range timelineShares {
				cells = append(cells, shareTime(b.ts, s))
			}
			fmt.Println(strings.Join(cells, " | ") + " |")
		}
	}
}

// shareTime is the time by which share of ts had happened.
func shareTime(ts []time.Duration, share float64) string {
	if len(ts) == 0 {
		return "-"
	}
	s := slices.Clone(ts)
	slices.Sort(s)
	i := int(share*float64(len(s))+0.5) - 1
	i = max(0, min(i, len(s)-1))
	return fmt.Sprintf("%.0f", s[i].Seconds())
}
