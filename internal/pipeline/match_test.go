package pipeline

import (
	"testing"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
)

func TestGlob(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"main", "main", true},
		{"main", "mainline", false},
		{"release-*", "release-1.2", true},
		{"release-*", "release-", true},
		{"release-*", "releases", false},
		{"feature/*", "feature/a/b", true},
		{"*", "", true},
		{"", "", true},
		{"", "a", false},
		{"v?.*", "v1.2.3", true},
		{"v?.*", "v10.2", false},
		{"*-rc*", "1.0-rc2", true},
		{"a*b*c", "aXbYbZc", true},
		{"a*b*c", "aXbYbZ", false},
		{"日本*", "日本語", true},
		{"??", "日本", true},
	}
	for _, tc := range tests {
		if got := Glob(tc.pattern, tc.s); got != tc.want {
			t.Errorf("Glob(%q, %q) = %v, want %v", tc.pattern, tc.s, got, tc.want)
		}
	}
}

func TestMatches(t *testing.T) {
	cond := func(include, exclude []string) *devopsv1alpha1.Condition {
		return &devopsv1alpha1.Condition{Include: include, Exclude: exclude}
	}
	tests := []struct {
		name          string
		when          *devopsv1alpha1.When
		branch, event string
		want          bool
	}{
		{"no condition", nil, "any", "push", true},
		{"empty condition", &devopsv1alpha1.When{}, "any", "tag", true},
		{"branch scalar", &devopsv1alpha1.When{Branch: cond([]string{"master"}, nil)}, "master", "push", true},
		{"branch scalar other", &devopsv1alpha1.When{Branch: cond([]string{"master"}, nil)}, "dev", "push", false},
		{"branch list", &devopsv1alpha1.When{Branch: cond([]string{"master", "dev"}, nil)}, "dev", "push", true},
		{"branch wildcard", &devopsv1alpha1.When{Branch: cond([]string{"release-*"}, nil)}, "release-2.7", "push", true},
		{"branch excluded", &devopsv1alpha1.When{Branch: cond([]string{"master", "feature/*"}, []string{"feature/wip*"})}, "feature/wip-x", "push", false},
		{"branch exclude only", &devopsv1alpha1.When{Branch: cond(nil, []string{"dev"})}, "main", "push", true},
		{"branch exclude only, excluded", &devopsv1alpha1.When{Branch: cond(nil, []string{"dev"})}, "dev", "push", false},
		{"event list", &devopsv1alpha1.When{Event: cond([]string{"push", "pull_request"}, nil)}, "main", "pull_request", true},
		{"event other", &devopsv1alpha1.When{Event: cond([]string{"push"}, nil)}, "main", "tag", false},
		{"both hold", &devopsv1alpha1.When{Branch: cond([]string{"main"}, nil), Event: cond([]string{"push"}, nil)}, "main", "push", true},
		{"one fails", &devopsv1alpha1.When{Branch: cond([]string{"main"}, nil), Event: cond([]string{"push"}, nil)}, "main", "cron", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Matches(tc.when, tc.branch, tc.event); got != tc.want {
				t.Errorf("Matches = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestMatchesParsed reads Rancher's documented conditions and decides
// them.
func TestMatchesParsed(t *testing.T) {
	c, err := readFile(t, "rancher/docs-triggers.yml")
	if err != nil {
		t.Fatal(err)
	}
	stage, step := c.Stages[0].When, c.Stages[0].Steps[0].When
	for _, tc := range []struct {
		branch, event       string
		stageRuns, stepRuns bool
	}{
		{"master", "push", true, true},
		{"master", "pull_request", true, false},
		{"dev", "push", false, true},
		{"master", "tag", false, false},
	} {
		if got := Matches(stage, tc.branch, tc.event); got != tc.stageRuns {
			t.Errorf("stage on %s/%s: %v", tc.branch, tc.event, got)
		}
		if got := Matches(step, tc.branch, tc.event); got != tc.stepRuns {
			t.Errorf("step on %s/%s: %v", tc.branch, tc.event, got)
		}
	}
	for branch, want := range map[string]bool{"master": true, "feature/login": true, "dev": false, "hotfix": false} {
		if got := MatchCondition(c.Branch, branch); got != want {
			t.Errorf("pipeline branch %s: %v", branch, got)
		}
	}
}
